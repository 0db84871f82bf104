"""Classify inventory files by name and extension (never by running or loading them)."""

from __future__ import annotations

import posixpath
import re

from truecard.evidence.inventory import FileKind

WEIGHT_EXT = {
    ".safetensors",
    ".gguf",
    ".onnx",
    ".tflite",
    ".h5",
    ".keras",
    ".msgpack",
    ".ggml",
    ".mlmodel",
    ".npz",
    ".pte",
}
PICKLE_EXT = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib"}
CODE_EXT = {
    ".py",
    ".sh",
    ".rs",
    ".cpp",
    ".cc",
    ".c",
    ".cu",
    ".go",
    ".js",
    ".ts",
    ".jl",
    ".java",
    ".lua",
    ".r",
    ".scala",
}
DOC_EXT = {".md", ".rst", ".txt", ".markdown", ".tex", ".html", ".pdf"}
DATA_EXT = {".parquet", ".jsonl", ".csv", ".tsv", ".arrow", ".tfrecord"}
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
ARCHIVE_EXT = {".zip", ".tar", ".gz", ".tgz", ".xz", ".zst", ".7z"}
ENV_NAMES = {
    "requirements.txt",
    "environment.yml",
    "environment.yaml",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "dockerfile",
    "pipfile",
    "pipfile.lock",
    "poetry.lock",
    "conda.yaml",
    "uv.lock",
    "containerfile",
    "makefile",
    "justfile",
    "flake.nix",
    "cargo.toml",
}
LICENSE_STEMS = ("license", "licence", "copying", "notice", "use_policy", "acceptable_use", "license_weights")
# Names a model card goes by, in order of preference (lower case).
CARD_NAMES = (
    "readme.md",
    "model_card.md",
    "modelcard.md",
    "readme.markdown",
    "readme.rst",
    "readme.txt",
    "readme",
)
TOKENIZER_NAMES = {
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "vocab.txt",
    "merges.txt",
    "tokenizer.model",
    "spiece.model",
    "sentencepiece.bpe.model",
    "added_tokens.json",
}


_QUALIFIED_LICENSE_RE = re.compile(r"(^|[-_.])(license|licence)s?([-_.]|$)")


def classify(path: str) -> FileKind:
    name = posixpath.basename(path).lower()
    stem, ext = posixpath.splitext(name)
    if name.startswith(LICENSE_STEMS) or stem in {"license", "licence"}:
        return "license"
    if ext in {"", ".md", ".txt", ".rst"} and _QUALIFIED_LICENSE_RE.search(stem):
        # MODEL_LICENSE.md, WEIGHTS-LICENCE.txt, MODEL_LICENSE_AGREEMENT.txt: a licence file
        # whose name says what it covers
        return "license"
    if name in TOKENIZER_NAMES:
        return "tokenizer"
    if name in ENV_NAMES or name.startswith("requirements") or name.startswith("dockerfile"):
        return "environment"
    if ext in WEIGHT_EXT or name.endswith(".safetensors.index.json"):
        return "weights"
    if ext in PICKLE_EXT:
        # `training_args.bin` is a pickle too: never loaded, only flagged
        return "pickle"
    if name.startswith("events.out.tfevents") or ext == ".log" or "/wandb/" in f"/{path.lower()}":
        return "log"
    if ext in {".json", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".gin", ".jsonnet"}:
        return "config"
    if ext == ".ipynb":
        return "notebook"
    if ext in CODE_EXT:
        return "code"
    if ext in DOC_EXT:
        return "doc"
    if ext in DATA_EXT:
        return "data"
    if ext in IMAGE_EXT:
        return "image"
    if ext in ARCHIVE_EXT:
        return "archive"
    return "other"

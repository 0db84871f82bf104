"""Configuration files: the model config, tokenizer, training, DeepSpeed, fine-tuning, data
pipeline and environment files, parsed (JSON, YAML with the safe loader, TOML), never run."""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any, Literal

from truecard.evidence.collectors._common import ev
from truecard.evidence.inventory import CheckpointRef, ConfigFile, FileRecord, Inventory
from truecard.evidence.patterns import ARCH_KEYS, DATA_PIPELINE_KEYS, TRAIN_KEYS
from truecard.evidence.text import read_text
from truecard.models import EvidenceKind
from truecard.sources.base import Tree

MAX_CONFIGS = 500


def collect_tree(inv: Inventory, tree: Tree, recs: list[FileRecord]) -> None:
    configs = [r for r in recs if r.kind in ("config", "tokenizer", "environment", "log")]
    for r in configs[:MAX_CONFIGS]:
        _read_config(inv, r)


def _read_config(inv: Inventory, r: FileRecord) -> None:
    name = posixpath.basename(r.path).lower()
    tree = r.tree
    if r.kind == "log":
        inv.checkpoints.append(
            CheckpointRef("log", True, ev(tree, r.path, EvidenceKind.TRAINING_LOG, f"{r.path}: training log"), name)
        )
        return
    # Tokenizer files and generation settings are cited by name only: nothing reads their
    # content, so they are not hashed either (a remote source would fetch them just for that).
    if r.kind == "tokenizer":
        inv.configs.append(
            ConfigFile(
                r.path, "tokenizer", ev(tree, r.path, EvidenceKind.TOKENIZER, f"{r.path}: tokenizer file", hash_it=False)
            )
        )
        return
    if name == "generation_config.json":
        inv.configs.append(
            ConfigFile(
                r.path,
                "generation",
                ev(tree, r.path, EvidenceKind.GENERATION_CONFIG, f"{r.path}: generation settings", hash_it=False),
            )
        )
        return
    if r.kind == "environment":
        inv.configs.append(
            ConfigFile(r.path, "environment", ev(tree, r.path, EvidenceKind.ENVIRONMENT, f"{r.path}: environment setup"))
        )
        return
    data: Any = None
    comments: list[tuple[int, str]] = []
    if r.size <= (4 << 20):
        t = read_text(tree, r.path, r.size, 4 << 20)
        if t.text is not None:
            data = _parse_structured(r.path, t.text)
            if r.path.lower().endswith((".yaml", ".yml", ".toml")):
                comments = _comments(t.text)
    keys = _all_keys(data) if data is not None else set()
    if name == "config.json" and isinstance(data, dict):
        inv.configs.append(
            ConfigFile(
                r.path,
                "model-config",
                ev(tree, r.path, EvidenceKind.MODEL_CONFIG, _config_summary(r.path, data)),
                sorted(data)[:80],
                _small(data),
            )
        )
        return
    if name == "trainer_state.json" and isinstance(data, dict):
        history = data.get("log_history")
        logs: list[Any] = history if isinstance(history, list) else []
        inv.checkpoints.append(
            CheckpointRef(
                "log",
                bool(logs),
                ev(tree, r.path, EvidenceKind.TRAINING_LOG, f"{r.path}: trainer state with {len(logs)} logged steps"),
                name,
            )
        )
        inv.configs.append(
            ConfigFile(
                r.path,
                "training",
                ev(tree, r.path, EvidenceKind.TRAINING_CONFIG, f"{r.path}: trainer state"),
                sorted(data)[:40],
            )
        )
        return
    if name in {"adapter_config.json"}:
        inv.configs.append(
            ConfigFile(
                r.path,
                "finetuning",
                ev(tree, r.path, EvidenceKind.FINETUNING_CONFIG, f"{r.path}: adapter (PEFT) config"),
                sorted(data)[:40] if isinstance(data, dict) else [],
            )
        )
        return
    low = r.path.lower()
    hits = keys & TRAIN_KEYS
    if "zero_optimization" in keys or re.search(r"(^|/)(ds_config|deepspeed|zero\d?)[^/]*\.json$", low):
        inv.configs.append(
            ConfigFile(
                r.path,
                "deepspeed",
                ev(tree, r.path, EvidenceKind.TRAINING_CONFIG, f"{r.path}: DeepSpeed config"),
                sorted(hits),
            )
        )
    elif len(hits) >= 2 or (hits and re.search(r"train|finetun|sft|lora|pretrain|recipe|config", low)):
        role: Literal["finetuning", "training"] = (
            "finetuning" if re.search(r"finetun|sft|lora|qlora|dpo|adapter", low) else "training"
        )
        inv.configs.append(
            ConfigFile(
                r.path,
                role,
                ev(
                    tree,
                    r.path,
                    EvidenceKind.TRAINING_CONFIG,
                    f"{r.path}: {role} config ({', '.join(sorted(hits)[:5])})",
                ),
                sorted(hits),
                {"_comments": comments} if comments else {},
            )
        )
    if keys & DATA_PIPELINE_KEYS and (hits or re.search(r"data|mix|preprocess", low)):
        inv.configs.append(
            ConfigFile(
                r.path,
                "data-pipeline",
                ev(tree, r.path, EvidenceKind.DATA_CONFIG, f"{r.path}: data pipeline settings"),
                sorted(keys & DATA_PIPELINE_KEYS),
            )
        )


def _comments(text: str, limit: int = 200) -> list[tuple[int, str]]:
    """(line, text) of a YAML/TOML file's comments: runs note their hardware there."""
    out = []
    for i, line in enumerate(text.split("\n")[:20000], start=1):
        j = line.find("#")
        if j >= 0 and (j == 0 or line[j - 1] in " \t"):
            c = line[j + 1 :].strip()
            if len(c) > 8:
                out.append((i, c[:300]))
                if len(out) >= limit:
                    break
    return out


def _parse_structured(path: str, text: str) -> Any:
    low = path.lower()
    try:
        if low.endswith(".json"):
            return json.loads(text)
        if low.endswith((".yaml", ".yml")):

            from truecard.bounded import load_yaml  # alias bombs refused before construction; libyaml

            return load_yaml(text)
        if low.endswith(".toml"):
            import tomllib

            return tomllib.loads(text)
    except Exception:
        return None
    return None


def _all_keys(data: Any, depth: int = 0) -> set[str]:
    out: set[str] = set()
    if depth > 6:
        return out
    if isinstance(data, dict):
        for k, v in list(data.items())[:500]:
            out.add(str(k).lower())
            out |= _all_keys(v, depth + 1)
    elif isinstance(data, list):
        for v in data[:50]:
            out |= _all_keys(v, depth + 1)
    return out


def _small(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in data.items() if isinstance(v, str | int | float | bool | list) and len(str(v)) < 500
    }


def _config_summary(path: str, data: dict[str, Any]) -> str:
    arch = data.get("architectures") or data.get("model_type") or "model"
    if isinstance(arch, list):
        arch = ",".join(map(str, arch[:2]))
    dims = ", ".join(
        f"{k}={data[k]}" for k in ARCH_KEYS if k in data and not isinstance(data[k], dict | list)
    )
    return f"{path}: {arch}" + (f" ({dims})" if dims else "")



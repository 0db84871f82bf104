"""A small folder factory for the per-criterion tests: write a model card (YAML front matter and
a Markdown body) and any extra files into a fresh folder, scan it with the real `truecard.scan`,
and return one criterion's result.

Each criterion's rule is tested through the whole scan (collectors, patterns, criterion) rather
than on a hand-built inventory, so a test fails when any layer misreads a phrasing. A folder is
made per call (not pytest's `tmp_path`) so hypothesis can call it many times in one test.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from safetensors.numpy import save_file

import truecard
from truecard.models import CriterionResult, Scorecard

Files = dict[str, str | bytes]

FILLER = (
    "This model is a research release.\n"
    "It is described below.\n"
)


def card_text(body: str, meta: dict[str, Any] | None = None) -> str:
    """A model card: YAML front matter (when `meta` is given) then the Markdown body."""
    if meta is None:
        return body
    return "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n" + body


def tiny_safetensors(n_layers: int = 2, dim: int = 8) -> bytes:
    """The bytes of a tiny real safetensors file (written through the real library)."""
    rng = np.random.default_rng(0)
    tensors = {"embed.weight": rng.standard_normal((16, dim)).astype(np.float32)}
    for i in range(n_layers):
        tensors[f"layers.{i}.weight"] = rng.standard_normal((dim, dim)).astype(np.float16)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "w.safetensors"
        save_file(tensors, str(p), metadata={"format": "pt"})
        return p.read_bytes()


def _write(root: Path, files: Files) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")


def scan_folder(
    body: str | None = None,
    meta: dict[str, Any] | None = None,
    files: Files | None = None,
    code: Files | None = None,
) -> Scorecard:
    """Scan a folder holding README.md (`body` with front matter `meta`) and `files`; `code`,
    when given, is a second folder (a code repository) scanned as a second source."""
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "model"
        root.mkdir()
        if body is not None:
            _write(root, {"README.md": card_text(body, meta)})
        _write(root, files or {})
        sources: list[Path] = [root]
        if code is not None:
            repo = Path(d) / "code"
            repo.mkdir()
            _write(repo, code)
            sources.append(repo)
        return truecard.scan(*sources, use_claims=False)


def result_of(card: Scorecard, criterion: str) -> CriterionResult:
    """One criterion's result from a scorecard."""
    for dim in card.dimensions:
        for c in dim.criteria:
            if c.id == criterion:
                return c
    raise KeyError(criterion)


def assess(
    criterion: str,
    body: str | None = None,
    meta: dict[str, Any] | None = None,
    files: Files | None = None,
    code: Files | None = None,
) -> CriterionResult:
    """Scan a folder built from the arguments (see `scan_folder`) and return `criterion`'s result."""
    return result_of(scan_folder(body, meta, files, code), criterion)


def quotes(result: CriterionResult) -> str:
    """Every excerpt and summary the result cites, joined: what a reader would check."""
    return "\n".join(f"{e.excerpt or ''} | {e.summary}" for e in result.evidence)

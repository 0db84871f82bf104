"""Where the shared real-world corpus lives, for the licence tests (skipped without it)."""

from __future__ import annotations

from pathlib import Path

import pytest


def corpus_dir(sub: str) -> Path:
    """`../shared/corpus/<sub>` relative to the repository root, else /work/shared/corpus."""
    for base in (Path(__file__).parents[2] / ".." / "shared" / "corpus", Path("/work/shared/corpus")):
        d = (base / sub).resolve()
        if d.is_dir():
            return d
    pytest.skip(f"shared corpus folder {sub!r} not found beside the repository (../shared/corpus)")
    raise AssertionError("unreachable")

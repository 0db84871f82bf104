"""Turn a user's source string into a `Tree`.

Schemes are pluggable: a module registers an opener for a prefix (`hf:`, `gh:`, `mot:` ...)
in `OPENERS`. A plain path is a local folder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from truecard.sources.base import SourceError, Tree
from truecard.sources.local import LocalTree

Opener = Callable[..., Tree]
OPENERS: dict[str, Opener] = {}


def register(prefix: str, opener: Opener) -> None:
    OPENERS[prefix] = opener


def _load_plugins() -> None:
    """Import optional source modules, each registering its prefixes if importable."""
    import importlib

    for mod in ("truecard.sources.hub", "truecard.sources.git", "truecard.sources.records"):
        try:
            importlib.import_module(mod)
        except ImportError:
            continue


def open_source(spec: str, **options: Any) -> Tree:
    """Open one source given as the user typed it."""
    if not spec or not spec.strip():
        raise SourceError("empty source")
    if not OPENERS:
        _load_plugins()
    for prefix, opener in sorted(OPENERS.items(), key=lambda kv: -len(kv[0])):
        if spec.startswith(prefix):
            return opener(spec, **options)
    return LocalTree.open(spec)

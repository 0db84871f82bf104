"""Turn a user's source string into a `Tree`.

Schemes are pluggable: a module registers an opener for a prefix (`hf:`, `gh:`, `mot:` ...)
in `OPENERS`. A plain path is a local folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from truecard.sources.base import SourceError, Tree
from truecard.sources.local import LocalTree

Opener = Callable[..., Tree]
OPENERS: dict[str, Opener] = {}
_plugins_loaded = False


def register(prefix: str, opener: Opener) -> None:
    OPENERS[prefix] = opener


def _load_plugins() -> None:
    """Import optional source modules, each registering its prefixes if importable."""
    import importlib

    global _plugins_loaded
    _plugins_loaded = True
    for mod in ("truecard.sources.hub", "truecard.sources.git", "truecard.sources.records"):
        try:
            importlib.import_module(mod)
        except ImportError:
            continue


def open_source(spec: str, **options: Any) -> Tree:
    """Open one source given as the user typed it."""
    if not spec or not spec.strip():
        raise SourceError("empty source")
    if not _plugins_loaded:
        _load_plugins()
    for prefix, opener in sorted(OPENERS.items(), key=lambda kv: -len(kv[0])):
        if spec.startswith(prefix):
            return opener(spec, **options)
    # `./repo@REF`: a local clone at another ref (a path that itself holds "@" stays a path)
    path, at, ref = spec.rpartition("@")
    if at and path and ref and not os.path.lexists(spec) and os.path.isdir(os.path.expanduser(path)):
        from truecard.sources.git import open_local_ref

        return open_local_ref(path, ref, **options)
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", spec)
    if scheme and len(scheme.group(1)) > 1 and not os.path.lexists(spec):
        raise SourceError(
            f"{spec}: unknown kind of source {scheme.group(1)!r}; use a folder, hf:ORG/NAME, "
            "gh:ORG/REPO, a git or Hugging Face URL, or arxiv:ID"
        )
    return LocalTree.open(spec)

"""What a caller may tell a source: one frozen object instead of loose keyword arguments.

Why an object: options used to travel as `**source_options` from `scan()` through the
resolver to every opener, each opener taking the ones it knew and swallowing the rest with
`**_`, so a misspelt option (`ofline=True`) was silently ignored. Now the set of options is
this class: an unknown name is an error where it is given, and every opener receives the same
typed, immutable value (safe to share between the sources of one scan and the links it follows).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

from truecard.sources.base import SourceError, SourceErrorKind


@dataclass(frozen=True)
class SourceOptions:
    """Options for opening sources; every field has the default a plain scan uses."""

    offline: bool = False  # only what is cached locally; no network at all
    token: str | bool | None = None  # Hub token (None: the environment's / huggingface_hub's)
    endpoint: str | None = None  # Hub endpoint (None: $HF_ENDPOINT or huggingface.co)
    timeout: float | None = None  # seconds per request to a remote source
    cache_dir: str | os.PathLike[str] | None = None  # truecard's revision cache
    deep: bool = False  # read every safetensors header, not take the Hub's counts for them
    client: Any = None  # an injected Hub client (tests; batch runs sharing a connection pool)

    @classmethod
    def of(cls, options: SourceOptions | None = None, **changes: Any) -> SourceOptions:
        """`options` (or the defaults) with `changes`; an unknown option name is an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SourceError(
                f"unknown source option {unknown[0]!r}; known: {', '.join(sorted(known))}",
                kind=SourceErrorKind.BAD_INPUT,
            )
        return replace(options or DEFAULT, **changes) if changes else (options or DEFAULT)


DEFAULT = SourceOptions()

"""What a caller may ask of a report format: one frozen object instead of loose keywords.

Why an object: options used to travel as `**options` from `render()` to every format, each
format taking the ones it knew and swallowing the rest with `**_`, so a misspelt option
(`verbos=True`) was silently ignored. Now the set is this class: an unknown name is an
`UnknownRenderOption` where it is given, and every format receives the same typed, immutable
value. A format that has no use for a field simply does not read it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields, replace
from typing import Any


class UnknownRenderOption(ValueError):
    """A render option name that `RenderOptions` does not have."""


@dataclass(frozen=True)
class RenderOptions:
    """Options for rendering a scorecard; every field has the default `truecard scan` uses."""

    verbose: bool = False  # table: every piece of evidence, not the first few
    width: int | None = None  # table: columns (None: the terminal's, else $COLUMNS, else 80)
    color: bool = False  # table: ANSI colours in the text
    show_true: bool = True  # False: only the other frameworks' views (`--framework` without `true`)
    base_dir: str | os.PathLike[str] | None = None  # SARIF: paths relative to this folder

    @classmethod
    def of(cls, options: RenderOptions | None = None, **changes: Any) -> RenderOptions:
        """`options` (or the defaults) with `changes`; an unknown option name is an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise UnknownRenderOption(
                f"unknown render option {unknown[0]!r}; known: {', '.join(sorted(known))}")
        return replace(options or DEFAULT, **changes) if changes else (options or DEFAULT)

    def changed(self) -> dict[str, Any]:
        """The fields that differ from the defaults, as keywords (for a format written for the
        old `render(card, **options)` protocol)."""
        base = asdict(DEFAULT)
        return {k: v for k, v in asdict(self).items() if v != base[k]}


DEFAULT = RenderOptions()

"""What a caller may ask of `scan()`: one frozen object, holding the sources' and verify's own.

Why an object: `scan()` took ten loose keywords plus `**source_options`, `verify` was a plain
dict, and the CLI, batch and the dashboard's re-scan each assembled them their own way. Now a
scan's whole request is one immutable, typed value, checked where it is made, that can be
built once and shared (a batch hands the same one to every item):

    ScanOptions(follow_links=True, source=SourceOptions(offline=True),
                verify=VerifyOptions(timeout=60))

`scan()` still takes the same keywords (`scan(path, offline=True, verify={"timeout": 60})`):
they are turned into this object by `ScanOptions.of`, so a misspelt one is an error there.
Importing this module imports neither the verify package nor any source module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from truecard.evidence.follow import FOLLOW_MAX
from truecard.sources.base import SourceError, SourceErrorKind
from truecard.sources.options import DEFAULT as DEFAULT_SOURCE
from truecard.sources.options import SourceOptions

if TYPE_CHECKING:
    from truecard.frameworks import Selection
    from truecard.verify.options import VerifyOptions


@dataclass(frozen=True)
class ScanOptions:
    """One scan's request; every field has the default a plain `truecard scan PATH` uses."""

    claims: str | os.PathLike[str] | None = None  # a claims file (None: the repository's own, if any)
    use_claims: bool = True  # False: score only what the artifacts show
    name: str | None = None  # the model's name (None: from the card, else the source)
    frameworks: tuple[str, ...] | Selection | None = None  # other frameworks' views: mof, osaid, ...
    follow_links: bool = False  # also read the code repository and paper the card links
    follow_max: int = FOLLOW_MAX  # at most this many of them
    verify: VerifyOptions | None = None  # run the model in the sandbox (None: run nothing)
    source: SourceOptions = field(default=DEFAULT_SOURCE)  # given to every source opener

    @classmethod
    def of(cls, options: ScanOptions | SourceOptions | None = None, **changes: Any) -> ScanOptions:
        """`options` (or the defaults) with `changes`, which may name a field of this class or
        of `SourceOptions` (`offline=True` changes `.source`). `verify` may also be `True` (the
        defaults) or a mapping of `VerifyOptions` fields; `frameworks` any sequence of names.
        An unknown name is a SourceError (what `scan(..., ofline=True)` has always raised)."""
        base = options if isinstance(options, ScanOptions) else cls(source=options or DEFAULT_SOURCE)
        if not changes:
            return base
        mine = {f.name for f in fields(cls)}
        theirs = {f.name for f in fields(SourceOptions)}
        unknown = sorted(set(changes) - mine - theirs)
        if unknown:
            raise SourceError(
                f"unknown source option {unknown[0]!r}; known: {', '.join(sorted(theirs))} "
                f"(and the scan's own: {', '.join(sorted(mine - {'source'}))})",
                kind=SourceErrorKind.BAD_INPUT,
            )
        own = {k: v for k, v in changes.items() if k in mine}
        source_changes = {k: v for k, v in changes.items() if k in theirs}
        if source_changes:
            own["source"] = SourceOptions.of(own.get("source", base.source), **source_changes)
        if "verify" in own:
            own["verify"] = as_verify_options(own["verify"])
        fw = own.get("frameworks")
        if isinstance(fw, str):
            own["frameworks"] = (fw,)
        elif isinstance(fw, Sequence) and not isinstance(fw, tuple):  # a list of names, frozen
            own["frameworks"] = tuple(fw)
        return replace(base, **own)


def as_verify_options(value: VerifyOptions | Mapping[str, Any] | bool | None) -> VerifyOptions | None:
    """A `verify=` argument as `VerifyOptions` (None or False: no run; True: the defaults)."""
    if value is None or value is False:
        return None
    from truecard.verify.options import VerifyOptions

    if value is True:
        return VerifyOptions()
    if isinstance(value, VerifyOptions):
        return value
    if isinstance(value, Mapping):
        return VerifyOptions.of(None, **dict(value))
    raise TypeError(f"verify= takes VerifyOptions, a mapping of its fields, or a bool; not {type(value).__name__}")

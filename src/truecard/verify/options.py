"""What a caller may ask of `verify()`: one frozen object instead of loose keywords.

Why an object: `scan(verify={...})` used to carry a plain dict through the engine to
`verify(**options)`, so a misspelt key failed late, as a TypeError deep in the engine, and the
CLI, the library and batch each built the dict their own way. Now the set is this class, checked
where it is made (an unknown name or a non-positive timeout is a `VerifyError`, shown as one
line), and the same value goes from `truecard scan --verify` or `truecard verify` to the run.
Importing this module imports nothing heavy (no torch, not even the sandbox).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

DEFAULT_TIMEOUT = 600.0  # seconds before the sandboxed run is killed


class VerifyError(Exception):
    """Verify cannot start (bad source, missing extra, bad option): shown to the user as one line."""


@dataclass(frozen=True)
class VerifyOptions:
    """Options of one sandboxed run; every field has the default `truecard verify` uses."""

    finetune: bool = False  # also take one training step (LoRA where the model allows it)
    timeout: float = DEFAULT_TIMEOUT  # seconds before the child is killed
    memory_limit: int | None = None  # bytes (None or 0: 3/4 of the memory available)
    trust_remote_code: bool = False  # let the repository's own code run (confined by bubblewrap)
    python: str | None = None  # the interpreter the child runs (None: this one)
    unconfined: bool = False  # with trust_remote_code: without bubblewrap (a disposable VM)

    def __post_init__(self) -> None:
        if not self.timeout > 0:  # also refuses NaN
            raise VerifyError("--timeout must be a positive number of seconds")

    @classmethod
    def of(cls, options: VerifyOptions | None = None, **changes: Any) -> VerifyOptions:
        """`options` (or the defaults) with `changes`; an unknown option name is a VerifyError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise VerifyError(f"unknown verify option {unknown[0]!r}; known: {', '.join(sorted(known))}")
        return replace(options or DEFAULT, **changes) if changes else (options or DEFAULT)


DEFAULT = VerifyOptions()

"""licenseclassifier's compiled matcher, loaded in a fraction of the time its own loader takes.

The package ships its compiled program as `scanner.bin.gz` (5.8 MB of marshal data, 0.6 MB
compressed) and loads it with `marshal.load` on a `GzipFile`: marshal reads a file object in
small pieces, so the load is some 40,000 reads through gzip's Python layer, about 40 ms, the
largest single step of a batch's start-up. Here the same bytes are decompressed once, kept
decompressed in the compiled cache (`truecard._compiled`, keyed by the artifact's path, size
and modification time, like every compiled form there), and read back with one
`marshal.loads`: 13-16 ms for the whole load measured, against the package's 40-44 ms. The result is the
package's own `Scanner`, rebuilt by its own `Scanner.from_compiled` from its own artifact's
bytes, and installed where its loader would have put it; anything unexpected (another
artifact format, a renamed internal, an unreadable cache) leaves the loading to the package.

The matcher's DFA is built lazily, state by state, and the state every match starts in is
the costliest of them: it holds the first instruction of every licence's program (some 1,400),
and working out where each of its words leads took 45-70 ms on the first licence link or
text of every process (every batch worker paid it again). That state's entry is a pure
function of the program, so it is kept beside the matcher (`_prime_start`) and read back in
a fraction of a millisecond.
"""

from __future__ import annotations

import gzip
import importlib
import marshal
from pathlib import Path
from typing import Any

from truecard._compiled import kept_bytes


def load_matcher() -> Any:
    """The package's matcher (`licenseclassifier._engine.scan.builtin_scanner()`), loaded
    once per process by the faster path where it can be."""
    scan: Any = importlib.import_module("licenseclassifier._engine.scan")
    if getattr(scan, "_builtin", None) is None:
        try:
            data = _artifact(scan._ARTIFACT_PATH)
            if isinstance(data, dict) and data.get("version") == scan.FORMAT_VERSION:
                scan._builtin = scan.Scanner.from_compiled(data)
        except (AttributeError, OSError, ValueError, EOFError, KeyError, TypeError):
            pass  # the package's loader decides, below
    scanner = scan.builtin_scanner()
    _prime_start(scan, scanner)
    return scanner


def _prime_start(scan: Any, scanner: Any) -> None:
    """Give the matcher's DFA its start state's entry (`MultiRE._state_info` of
    `_start_state`: the match value, the words out of it and the states they lead to), from
    the compiled cache, keyed by the package's artifact and its matcher's code, which alone
    decide it. Anything unexpected (a renamed internal, an entry of another shape) leaves the
    state to be worked out on first use, as the package does."""
    try:
        rx = scanner.re
        start = rx._start_state
        if start in rx._info:
            return
        code = Path(scan.__file__).with_name("matcher.py")
        info = kept_bytes("licence-start-state", [scan._ARTIFACT_PATH, code],
                          lambda: marshal.dumps(rx._state_info(start)), _state_entry)
        rx._info.setdefault(start, info)
    except (AttributeError, TypeError, ValueError, EOFError):
        return


def _state_entry(data: bytes) -> tuple[Any, ...]:
    """A kept DFA state entry, checked for the shape `_state_info` returns (ValueError, which
    makes the cache remake it, for anything else)."""
    info = marshal.loads(data)
    if not (isinstance(info, tuple) and len(info) == 4 and isinstance(info[0], int) and isinstance(info[1], list)
            and isinstance(info[2], dict) and (info[3] is None or isinstance(info[3], tuple))):
        raise ValueError("not a DFA state entry")
    return info


def _artifact(path: Path) -> Any:
    """The artifact's data, as the package's loader reads it from the file: from its
    decompressed copy in the compiled cache, made (decompressed) on first use."""
    # the package's own build artifact (marshal of basic types only), as its loader reads it
    return kept_bytes("licence-matcher", [path], lambda: gzip.decompress(path.read_bytes()), marshal.loads)

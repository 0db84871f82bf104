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
"""

from __future__ import annotations

import gzip
import importlib
import marshal
from pathlib import Path
from typing import Any


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
    return scan.builtin_scanner()


def _artifact(path: Path) -> Any:
    """The artifact's data, as the package's loader reads it from the file: from its
    decompressed copy in the compiled cache, made (decompressed) on first use."""
    from truecard._compiled import kept_bytes

    # the package's own build artifact (marshal of basic types only), as its loader reads it
    return kept_bytes("licence-matcher", [path], lambda: gzip.decompress(path.read_bytes()), marshal.loads)

"""The package's own data in its fastest form: compiled once, kept as JSON, keyed by version.

truecard's data files (the TRUE spec, the AI licence table, the ScanCode categories it needs)
are YAML or large JSON written for people and for other tools. Parsing and validating them
costs more than a whole scan of a small model, on every start. So each is compiled once, at
first use, into the plain JSON the code actually needs, under
`<cache>/compiled/<name>-<key>.json`; later processes read that (a `json.loads` of a few kB).

The key covers everything the compiled form is made from: truecard's version, and the size and
modification time of every input file (the data file itself, and the installed packages' data
it is combined with), so an upgrade or an edited data file is recompiled, never served stale.
A cache that cannot be read or written (read-only home, full disk) only means compiling every
time; `TRUECARD_NO_COMPILED_CACHE=1` turns it off altogether.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
FORMAT = 1


def _root() -> Path:
    from truecard._cachedir import cache_root

    return cache_root() / "compiled"


def _key(name: str, inputs: Iterable[Path | str]) -> str | None:
    from truecard._version import __version__

    h = hashlib.sha256(f"{FORMAT}\0{name}\0{__version__}".encode())
    for p in inputs:
        try:
            st = os.stat(p)
        except OSError:
            return None  # an input is missing: nothing safe to key on
        h.update(f"\0{p}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()[:24]


def compiled(name: str, inputs: Iterable[Path | str], build: Callable[[], T]) -> T:
    """`build()`'s JSON-serialisable result, from the compiled cache when its inputs are unchanged.

    `inputs` are the files `build` reads; `build` must depend on nothing else (besides the
    truecard version), and its result must survive a JSON round trip unchanged.
    """
    if os.environ.get("TRUECARD_NO_COMPILED_CACHE"):
        return build()
    key = _key(name, list(inputs))
    if key is None:
        return build()
    path = _root() / f"{name}-{key}.json"
    try:
        return json.loads(path.read_bytes())  # type: ignore[no-any-return]
    except (OSError, ValueError):
        pass
    value = build()
    _store(path, value)
    return value


def _store(path: Path, value: Any) -> None:
    """Write atomically (concurrent first runs each write a whole file); ignore a failing disk."""
    try:
        data = json.dumps(value, separators=(",", ":")).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        stem = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{stem}-*.json"):  # earlier versions' compilations
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except (OSError, TypeError, ValueError):
        return


def yaml_load(text: str) -> Any:
    """YAML through libyaml's safe loader where PyYAML was built with it (5-6x faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # a safe loader, C or Python: never constructs objects

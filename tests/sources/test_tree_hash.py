"""`Tree.sha256_of`: a cited file's hash from bytes already read where they are the whole
file, the same hash `Tree.sha256` reads the file again for; otherwise `sha256` itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from truecard.sources.local import LocalTree


def _tree(tmp_path: Path, content: bytes) -> LocalTree:
    (tmp_path / "README.md").write_bytes(content)
    return LocalTree.open(tmp_path)


def _reads(tree: LocalTree, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = tree.read_range

    def counting(path: str, offset: int, length: int) -> bytes:
        calls.append(length)
        return real(path, offset, length)

    monkeypatch.setattr(tree, "read_range", counting)
    return calls


def test_the_whole_file_in_hand_is_hashed_without_a_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"---\nlicense: mit\n---\n# Card\n" * 100
    tree = _tree(tmp_path, data)
    want = tree.sha256("README.md")
    assert want == (hashlib.sha256(data).hexdigest(), "file")
    reads = _reads(tree, monkeypatch)
    assert tree.sha256_of("README.md", data) == want
    assert reads == []


def test_part_of_the_file_is_not_its_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"x" * 5000
    tree = _tree(tmp_path, data)
    reads = _reads(tree, monkeypatch)
    assert tree.sha256_of("README.md", data[:4000]) == (hashlib.sha256(data).hexdigest(), "file")
    assert reads  # read again: the bytes in hand were not all of it
    assert tree.sha256_of("README.md", None) == (hashlib.sha256(data).hexdigest(), "file")


def test_a_tree_with_its_own_hash_is_asked(tmp_path: Path) -> None:
    class Hashed(LocalTree):
        def sha256(self, path: str) -> tuple[str | None, str | None]:
            return "recorded", "file"

    (tmp_path / "README.md").write_bytes(b"text")
    base = LocalTree.open(tmp_path)
    tree = Hashed(info=base.info, root=base.root)
    assert tree.sha256_of("README.md", b"text") == ("recorded", "file")

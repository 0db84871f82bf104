"""A read-only, seekable file over `Tree.read_range`, for libraries that want a file object.

picklescan and `zipfile` read a PyTorch archive's central directory at its end and then only
the small pickle members; over a remote source (the Hub) each read becomes a ranged request,
so a multi-gigabyte checkpoint is analysed from a few hundred kilobytes. A byte budget stops
a stream that would have to be read whole (a plain pickle holding its arrays inline).
"""

from __future__ import annotations

import io

from truecard.sources.base import Tree

CHUNK = 256 * 1024


class BudgetExceeded(OSError):
    """More bytes would have to be read than the budget allows."""


class TreeFile(io.RawIOBase):
    """File-like access to one file of a tree, read in cached chunks, within a byte budget."""

    def __init__(self, tree: Tree, path: str, size: int, budget: int) -> None:
        super().__init__()
        self.tree, self.path, self.size, self.budget = tree, path, size, budget
        self.pos = 0
        self.fetched = 0
        self._chunks: dict[int, bytes] = {}

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def _chunk(self, index: int) -> bytes:
        if index not in self._chunks:
            if self.fetched + CHUNK > self.budget:
                raise BudgetExceeded(f"more than {self.budget // (1 << 20)} MiB would have to be read")
            data = self.tree.read_range(self.path, index * CHUNK, CHUNK)
            self.fetched += len(data)
            self._chunks[index] = data
        return self._chunks[index]

    def readinto(self, buf: memoryview) -> int:  # type: ignore[override]
        want = min(len(buf), max(0, self.size - self.pos))
        done = 0
        while done < want:
            index, offset = divmod(self.pos, CHUNK)
            chunk = self._chunk(index)
            piece = chunk[offset : offset + want - done]
            if not piece:
                break
            buf[done : done + len(piece)] = piece
            done += len(piece)
            self.pos += len(piece)
        return done


def open_tree_file(tree: Tree, path: str, size: int, budget: int) -> io.BufferedReader:
    """A buffered, seekable reader (what `zipfile` and `pickletools` expect)."""
    return io.BufferedReader(TreeFile(tree, path, size, budget), buffer_size=64 * 1024)

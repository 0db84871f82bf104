"""A tree of a few files held in memory, for sources that are documents rather than
repositories (a paper's abstract). It lets such a source feed the same collectors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from truecard.sources.base import FileEntry, Tree


@dataclass
class MemoryTree(Tree):
    files: dict[str, bytes] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)  # path -> where the content was read

    def _list_files(self) -> list[FileEntry]:
        return [FileEntry(path=p, size=len(d)) for p, d in sorted(self.files.items())]

    def read_range(self, path: str, offset: int, length: int) -> bytes:
        if path not in self.files:
            raise FileNotFoundError(path)
        return self.files[path][offset : offset + max(0, length)]

    def sha256(self, path: str) -> tuple[str | None, str | None]:
        d = self.files.get(path)
        return (hashlib.sha256(d).hexdigest(), "file") if d is not None else (None, None)

    def url_for(self, path: str, line: int | None = None) -> str | None:
        return self.urls.get(path)

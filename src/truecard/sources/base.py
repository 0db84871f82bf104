"""The source interface: a read-only tree of files at one revision.

Every source (a local folder, a Hugging Face Hub repository, a git repository, a
published self-report) presents its artifacts through this interface, and the evidence
collectors read only through it. That keeps collectors ignorant of where bytes live, lets a
remote source serve a safetensors header through a ranged read instead of a download, and
keeps scoring out of sources entirely.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from truecard.models import Problem, SourceInfo

# Files larger than this are never hashed or read whole by a scan; they are identified by
# their headers. 64 MiB keeps a scan of an ordinary snapshot well under a second.
HASH_LIMIT = 64 * 1024 * 1024


class SourceErrorKind(StrEnum):
    """What sort of failure a source error is, so that batch runs can group and retry
    failures by kind instead of reading the message text."""

    NOT_FOUND = "not-found"
    GATED = "gated"
    TIMEOUT = "timeout"
    NETWORK = "network"
    SERVER = "server"
    RATE_LIMIT = "rate-limit"
    BAD_INPUT = "bad-input"
    OFFLINE = "offline"  # the Hub is not to be contacted (HF_HUB_OFFLINE, --offline)
    REVISION = "revision"  # a branch, tag or commit that does not exist
    ENTRY = "entry"  # a file the repository does not have


class SourceError(Exception):
    """A source that cannot be opened at all (missing path, unreachable host, ...).

    Its message is shown to the user as is, so it must say what to do. `kind` says what sort
    of failure it is (a `SourceErrorKind`) for batch runs that group and retry failures; None
    when the message says it all.
    """

    def __init__(self, message: str, kind: SourceErrorKind | str | None = None) -> None:
        super().__init__(message)
        # a plain string is accepted from raisers not yet converted; an unknown one is an error
        self.kind: SourceErrorKind | None = SourceErrorKind(kind) if kind is not None else None


class ContentNotFetched(FileNotFoundError):
    """A file the source lists (name, size, often its hash) but whose bytes it did not fetch:
    stored in Git LFS, a large blob left on a git remote. Present, just not verified; readers
    must not mistake it for a corrupt file."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a source's listing, known without reading it."""

    path: str  # POSIX path relative to the tree root
    size: int
    sha256: str | None = None  # known without reading (e.g. the Hub's LFS metadata)


@dataclass
class Tree(ABC):
    """A read-only view of a source's files at one revision."""

    info: SourceInfo
    problems: list[Problem] = field(default_factory=list)
    # False for a source that is not a tree of artifacts (a published record): the collector
    # then skips file collection (`truecard.records` turns the record into claims).
    lists_files: ClassVar[bool] = True

    _listing: list[FileEntry] | None = field(default=None, init=False, repr=False)
    _by_path: dict[str, FileEntry] = field(default_factory=dict, init=False, repr=False)

    @abstractmethod
    def _list_files(self) -> list[FileEntry]:
        """All regular files, sorted by path. Called once; `entries()` keeps the result."""

    def entries(self) -> list[FileEntry]:
        """All regular files, sorted by path (listed once, then served from memory)."""
        if self._listing is None:
            self._listing = self._list_files()
            self._by_path = {e.path: e for e in self._listing}
        return self._listing

    @abstractmethod
    def read_range(self, path: str, offset: int, length: int) -> bytes:
        """Bytes [offset, offset+length) of a file (fewer at its end)."""

    def read_head(self, path: str, limit: int) -> bytes:
        return self.read_range(path, 0, limit)

    def local_path(self, path: str) -> Path | None:
        """The file on local disk, for libraries that need a real file (None if remote)."""
        return None

    def refs(self) -> dict[str, str]:
        """Branch and tag names mapped to commits, where the source has them."""
        return {}

    def url_for(self, path: str, line: int | None = None) -> str | None:
        """A URL showing this file at this revision, where one exists."""
        return None

    def entry(self, path: str) -> FileEntry | None:
        self.entries()
        return self._by_path.get(path)

    def sha256(self, path: str) -> tuple[str | None, str | None]:
        """(hash, scope) for a cited file: the whole file if small, else its first MiB."""
        e = self.entry(path)
        if e is None:
            return None, None
        if e.sha256:
            return e.sha256, "file"
        try:
            if e.size <= HASH_LIMIT:
                h = hashlib.sha256()
                offset = 0
                while offset < e.size:
                    chunk = self.read_range(path, offset, min(8 << 20, e.size - offset))
                    if not chunk:
                        break
                    h.update(chunk)
                    offset += len(chunk)
                return h.hexdigest(), "file"
            return hashlib.sha256(self.read_head(path, 1 << 20)).hexdigest(), "header"
        except OSError:
            return None, None  # unreadable: the collector that reads it reports the problem

    def sha256_of(self, path: str, head: bytes | None) -> tuple[str | None, str | None]:
        """`sha256(path)`, given `head`, bytes already read from the start of the file: where
        they are the whole file and this tree hashes files as `Tree.sha256` does (a subclass
        with its own `sha256` is always asked), they are hashed rather than read again."""
        if head is not None and type(self).sha256 is Tree.sha256:
            e = self.entry(path)
            if e is not None and not e.sha256 and len(head) == e.size <= HASH_LIMIT:
                return hashlib.sha256(head).hexdigest(), "file"
        return self.sha256(path)

    def unread_parameter_counts(self) -> tuple[dict[str, int], frozenset[str]] | None:
        """Parameter counts by dtype the source states for all its weights, and the weight
        files whose headers were not read, or None. A Hub model's metadata counts every
        safetensors file; the collector shares what the read headers do not account for
        among the unread shards (`truecard.evidence.collect`). The source only states facts."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release anything the tree holds (temporary clones, sessions)."""

"""A local folder as a source: a Hugging Face snapshot, a git clone, or both side by side.

The walk never follows symlinks out of the folder, stops at symlink loops, skips what it
cannot read (saying so), and is bounded in file count so a pathological tree still scans
in bounded time and memory.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from truecard.models import Problem, SourceInfo
from truecard.sources.base import FileEntry, SourceError, Tree

MAX_FILES = 200_000
# what `Path.exists()` reads as "no such path" rather than raising (pathlib's `_IGNORED_ERRNOS`)
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
SKIP_DIRS = {".git", "__pycache__", ".hg", ".svn", "node_modules", ".venv", ".tox", ".mypy_cache"}


@dataclass
class LocalTree(Tree):
    """A folder on this machine, read in place (symlinks leaving it are not followed)."""

    root: Path = field(default_factory=Path)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> LocalTree:
        p = Path(path).expanduser()
        # one stat for `exists()` and `is_dir()` (the errors `Path.exists` takes for "absent"
        # are absent here too; any other is raised as it would be), and the real path by
        # `os.path.realpath`, which `Path.resolve` calls before a stat of its own: a batch
        # opens a folder per item, and these were three system calls of each
        try:
            mode: int | None = os.stat(p).st_mode
        except OSError as exc:
            if exc.errno not in _ABSENT:
                raise
            mode = None
        except ValueError:  # a NUL in the path: no such file, as `Path.exists` says
            mode = None
        if mode is None:
            if p.is_symlink():
                raise SourceError(f"{path}: is a broken symbolic link")
            raise SourceError(f"{path}: no such file or directory", kind="not-found")
        if not stat.S_ISDIR(mode):
            raise SourceError(
                kind="bad-input",
                message=f"{path}: is a file, not a folder; scan the folder that holds the model "
                "(its README.md, config.json, weights ...)"
            )
        root = Path(os.path.realpath(p))
        if not os.access(root, os.R_OK | os.X_OK):
            raise SourceError(f"{path}: permission denied")
        info = SourceInfo(id=f"local:{root}", kind="local", location=str(root), revision=_git_head(root))
        return cls(info=info, root=root)

    def _list_files(self) -> list[FileEntry]:
        return self._walk()

    def _walk(self) -> list[FileEntry]:
        out: list[FileEntry] = []
        seen_dirs: set[tuple[int, int]] = set()
        stack: list[tuple[Path, str]] = [(self.root, "")]
        truncated = False
        while stack:
            d, rel = stack.pop()
            try:
                st = d.stat()
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:
                    self.problems.append(Problem(path=rel or ".", message="symlink loop; skipped"))
                    continue
                seen_dirs.add(key)
                it = os.scandir(d)
            except OSError as exc:
                self.problems.append(Problem(path=rel or ".", message=f"unreadable folder: {exc.strerror}"))
                continue
            with it:
                for de in it:
                    relp = f"{rel}/{de.name}" if rel else de.name
                    try:
                        if de.is_symlink():
                            target = self._symlink_target(de.path, relp)
                            if target is None:
                                continue
                            st = target.stat()
                            if stat.S_ISDIR(st.st_mode):
                                if de.name not in SKIP_DIRS:
                                    stack.append((target, relp))
                                continue
                        elif de.is_dir(follow_symlinks=False):
                            if de.name not in SKIP_DIRS:
                                stack.append((Path(de.path), relp))
                            continue
                        st = de.stat(follow_symlinks=True)
                        if not stat.S_ISREG(st.st_mode):
                            continue
                    except OSError as exc:
                        self.problems.append(Problem(path=relp, message=f"unreadable: {exc.strerror}"))
                        continue
                    out.append(FileEntry(path=relp, size=st.st_size))
                    if len(out) >= MAX_FILES:
                        truncated = True
                        stack.clear()
                        break
        if truncated:
            self.problems.append(
                Problem(
                    message=f"more than {MAX_FILES} files; only the first {MAX_FILES} were inventoried",
                    severity="warning",
                )
            )
            self.info.partial = True
        out.sort(key=lambda e: e.path)
        return out

    def _symlink_target(self, link: str, relp: str) -> Path | None:
        """Resolve a symlink, refusing loops and targets outside the scanned folder.

        Hugging Face cache snapshots are symlinks into ../../blobs, so a link into the
        enclosing cache repository is allowed; anything else outside is skipped.
        """
        try:
            target = Path(link).resolve(strict=True)
        except (OSError, RuntimeError):
            self.problems.append(Problem(path=relp, message="broken link or symlink loop; skipped"))
            return None
        allowed = [self.root]
        if self.root.parent.name == "snapshots":  # HF cache: models--org--name/snapshots/REV
            allowed.append(self.root.parent.parent / "blobs")
        if not any(target == a or a in target.parents for a in allowed):
            self.problems.append(
                Problem(path=relp, message="link points outside the scanned folder; not followed")
            )
            return None
        return target

    def _path(self, path: str) -> Path:
        return self.root / path

    def read_range(self, path: str, offset: int, length: int) -> bytes:
        with open(self._path(path), "rb") as fh:
            fh.seek(offset)
            return fh.read(length)

    def local_path(self, path: str) -> Path | None:
        return self.root / path


def _git_head(root: Path) -> str | None:
    """The checked-out commit when the folder is a git work tree (read, never run hooks)."""
    git = root / ".git"
    if not git.exists():
        return None
    import subprocess  # here: only a git work tree needs it (a scan's start-up need not load it)

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    return sha if out.returncode == 0 and len(sha) == 40 else None

"""git repositories as sources: GitHub (`gh:ORG/REPO[@REF]`, github.com URLs), any git URL,
and a local clone at another ref (`./repo@REF`).

The tree at one commit is read from git's object store with plumbing commands (`ls-tree`,
`cat-file`), never checked out, so no hook, filter, LFS smudge or build step ever runs. A
remote is fetched once into a bare cache repository (`TRUECARD_CACHE_DIR/git/...`) as a
shallow partial clone: one commit, its trees, and only blobs under 4 MiB (code, configs,
docs). Larger blobs (data, images, weights committed to git) are listed but not fetched,
and lazy fetching is disabled, so reading never silently downloads them. Refs come from
`git ls-remote` (one round trip), and a second scan of an unchanged ref fetches nothing.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from truecard.models import SourceInfo
from truecard.sources.base import ContentNotFetched, FileEntry, SourceError, Tree
from truecard.sources.cache import cache_root, is_sha
from truecard.sources.options import DEFAULT as DEFAULT_OPTIONS
from truecard.sources.options import SourceOptions

BLOB_LIMIT = 4 << 20  # blobs this large or larger stay on the remote
BATCH_READ_LIMIT = 16 << 20  # larger present blobs are streamed and cut, not read whole
LS_REMOTE_TIMEOUT = 60.0
FETCH_TIMEOUT = 600.0
LOCAL_TIMEOUT = 60.0
GITHUB = "https://github.com"
SAFE_CONFIG = (
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "protocol.ext.allow=never",
)
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
LFS_POINTER_RE = re.compile(
    rb"^version https://git-lfs\.github\.com/spec/v1\noid sha256:([0-9a-f]{64})\nsize (\d+)\n"
)
PREFIXES = (
    "gh:",
    "git+",
    "git@",
    "git://",
    "ssh://",
    "file://",
    "https://",
    "http://",
)


def git_env() -> dict[str, str]:
    """Never prompt (a private repo is an error, not a hang), only real transports."""
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_ALLOW_PROTOCOL"] = "file:git:http:https:ssh"
    env["GIT_NO_LAZY_FETCH"] = "1"
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=20")
    env["LC_ALL"] = "C"
    return env


def run_git(
    args: list[str], *, cwd: Path | None = None, timeout: float = LOCAL_TIMEOUT, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run git with hooks and fsmonitor disabled. Raises SourceError if git is missing."""
    cmd = ["git", *SAFE_CONFIG, *(["-C", str(cwd)] if cwd else []), *args]
    try:
        return subprocess.run(
            cmd, capture_output=True, timeout=timeout, env=git_env(), input=input, check=False
        )
    except FileNotFoundError:
        raise SourceError("git is not installed; it is needed for git sources") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"git {args[0]} timed out after {timeout:g}s") from None


@dataclass(frozen=True)
class GitSpec:
    url: str  # what git is given
    ref: str | None
    source_id: str  # shown to users: no credentials
    kind: str  # gh or git
    web: str | None = None  # https://github.com/org/repo, for evidence links
    web_style: str | None = None  # github, gitlab


def _strip_credentials(url: str) -> str:
    u = urlsplit(url)
    if u.username or u.password:
        host = u.hostname or ""
        if u.port:
            host += f":{u.port}"
        return urlunsplit((u.scheme, host, u.path, u.query, u.fragment))
    return url


def _split_ref(s: str, path_start: int) -> tuple[str, str | None]:
    """Split `URL@REF`, where the `@` must come after the host (not `user@host`)."""
    at = s.rfind("@")
    if at > path_start:
        return s[:at], s[at + 1 :] or None
    return s, None


def github_base() -> str:
    """Where `gh:` ids are fetched from; `TRUECARD_GITHUB_URL` points at a mirror (or tests)."""
    return os.environ.get("TRUECARD_GITHUB_URL", GITHUB).rstrip("/")


def parse_git_spec(spec: str) -> GitSpec:
    """A git source spec as a URL and ref that git cannot mistake for options.

    `git+-oProxyCommand=...@host:x` or `URL@--upload-pack=...` would otherwise reach
    `git ls-remote` / `git fetch` as an option (which can run a command), so a URL or ref
    starting with `-` or holding control characters is refused here, whatever path led to it.
    """
    g = _parse_git_spec(spec)
    for what, value in (("URL", g.url), ("ref", g.ref or "")):
        if value.startswith("-") or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise SourceError(f"{spec[:200]!r}: not a git {what} (it starts with '-' or holds control characters)")
    return g


def _parse_git_spec(spec: str) -> GitSpec:
    s = spec.strip()
    if s.startswith("gh:"):
        body, ref = _split_ref(s[3:], 0)
        parts = body.strip("/").removesuffix(".git").split("/")
        if len(parts) != 2 or not all(NAME_RE.match(p) and p not in (".", "..") for p in parts):
            raise SourceError(f"{spec}: not a GitHub repository id; expected gh:ORG/REPO[@REF]")
        org, repo = parts
        return GitSpec(
            url=f"{github_base()}/{org}/{repo}",
            ref=ref,
            source_id=f"gh:{org}/{repo}",
            kind="gh",
            web=f"{GITHUB}/{org}/{repo}",
            web_style="github",
        )
    s = s.removeprefix("git+")
    if re.match(r"^[\w.-]+@[\w.-]+:", s) and "://" not in s:  # scp-like: git@host:org/repo.git
        colon = s.index(":")
        body, ref = _split_ref(s, colon)
        return GitSpec(url=body, ref=ref, source_id=f"git:{body}", kind="git")
    u = urlsplit(s)
    if u.scheme not in ("https", "http", "ssh", "git", "file") or (u.scheme != "file" and not u.hostname):
        raise SourceError(f"{spec}: not a git URL")
    path_start = s.index("://") + 3
    path_start = s.find("/", path_start) if u.scheme != "file" else path_start
    body, ref = _split_ref(s, path_start)
    u = urlsplit(body)
    host = (u.hostname or "").lower()
    if host in ("github.com", "www.github.com"):
        parts = [p for p in u.path.split("/") if p]
        if len(parts) < 2:
            raise SourceError(f"{spec}: not a GitHub repository URL; expected https://github.com/ORG/REPO")
        org, repo = parts[0], parts[1].removesuffix(".git")
        tail = parts[2:]
        if tail and tail[0] in ("tree", "blob", "commit") and len(tail) >= 2:
            # /tree/REF may be followed by a folder, and REF may hold slashes: the part after
            # "tree/" is matched against the remote's refs when the repository is opened
            if ref is None:
                ref = "/".join(tail[1:]) if tail[0] == "tree" else tail[1]
        elif tail:
            raise SourceError(f"{spec}: not a repository URL (a {tail[0]} page)")
        g = parse_git_spec(f"gh:{org}/{repo}")
        return GitSpec(g.url, ref, g.source_id, g.kind, g.web, g.web_style)
    clean = _strip_credentials(body)
    web, style = None, None
    if host in ("gitlab.com", "codeberg.org") and u.scheme in ("https", "http"):
        web, style = clean.removesuffix(".git"), "gitlab" if host == "gitlab.com" else "gitea"
    return GitSpec(url=body, ref=ref, source_id=f"git:{clean}", kind="git", web=web, web_style=style)


def _ls_remote(url: str, label: str, timeout: float) -> tuple[dict[str, str], str | None]:
    """All heads and tags (peeled) and the default branch's commit, in one round trip."""
    p = run_git(["ls-remote", "--symref", "--", url], timeout=timeout)
    if p.returncode != 0:
        raise SourceError(f"{label}: {_git_failure(p.stderr)}")
    refs: dict[str, str] = {}
    head: str | None = None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("ref:"):
            continue
        sha, _, name = line.partition("\t")
        if not is_sha(sha):
            continue
        if name == "HEAD":
            head = sha
        elif name.startswith(("refs/heads/", "refs/tags/")):
            short = name.split("/", 2)[2]
            if short.endswith("^{}"):
                refs[short[:-3]] = sha  # a peeled annotated tag: the commit it names
            else:
                refs.setdefault(short, sha)
    return refs, head


def _git_failure(stderr: bytes) -> str:
    err = stderr.decode("utf-8", "replace")
    low = err.lower()
    if any(
        k in low
        for k in (
            "repository not found",
            "could not read username",
            "terminal prompts disabled",
            "authentication failed",
            "permission denied",
            "403",
        )
    ):
        return "repository not found, or private (authentication required)"
    if "could not resolve host" in low or "name or service not known" in low:
        return "cannot reach the host (name not resolved)"
    if "connection refused" in low or "timed out" in low or "unable to access" in low:
        return "cannot reach the host: " + _last_line(err)
    if "does not appear to be a git repository" in low or "not a git repository" in low:
        return "not a git repository"
    if "transport" in low and "not allowed" in low:
        return "this kind of git URL is not allowed"
    return _last_line(err) or "git failed"


def _last_line(err: str) -> str:
    lines = [ln.strip() for ln in err.splitlines() if ln.strip() and not ln.startswith("warning:")]
    return lines[-1][:200] if lines else ""


@dataclass
class GitTree(Tree):
    """One commit of a git repository, read from its object store."""

    gitdir: Path = field(default_factory=Path)
    commit: str = ""
    web: str | None = None
    web_style: str | None = None
    known_refs: dict[str, str] = field(default_factory=dict)
    _oids: dict[str, str] = field(default_factory=dict)
    _absent: dict[str, str] = field(default_factory=dict)  # path -> why its content is not here
    _blobs: dict[str, bytes] = field(default_factory=dict)
    _blob_bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _list_files(self) -> list[FileEntry]:
        return self._list()

    def refs(self) -> dict[str, str]:
        return dict(self.known_refs)

    def url_for(self, path: str, line: int | None = None) -> str | None:
        if not self.web:
            return None
        sep = (
            "/-/blob/"
            if self.web_style == "gitlab"
            else "/src/commit/"
            if self.web_style == "gitea"
            else "/blob/"
        )
        return f"{self.web}{sep}{self.commit}/{quote(path)}" + (f"#L{line}" if line else "")

    def _list(self) -> list[FileEntry]:
        p = run_git(["ls-tree", "-r", "-z", "--full-tree", self.commit], cwd=self.gitdir)
        if p.returncode != 0:
            raise SourceError(
                f"{self.info.id}: cannot list the tree: {_last_line(p.stderr.decode('utf-8', 'replace'))}"
            )
        items: list[tuple[str, str]] = []
        submodules = 0
        links = 0
        for rec in p.stdout.split(b"\0"):
            if not rec:
                continue
            meta, _, raw = rec.partition(b"\t")
            mode, typ, oid = meta.decode().split(" ")
            path = raw.decode("utf-8", "surrogateescape")
            if typ == "commit":
                submodules += 1
                continue
            if mode == "120000":
                links += 1
                continue
            if typ == "blob":
                items.append((path, oid))
        missing = self._missing()
        present = [oid for _, oid in items if oid not in missing]
        sizes = self._sizes(present)
        lfs_patterns = self._lfs_patterns(items, sizes)
        out: list[FileEntry] = []
        big = 0
        lfs = 0
        for path, oid in items:
            self._oids[path] = oid
            if oid in missing:
                big += 1
                self._absent[path] = f"a large file (>= {BLOB_LIMIT >> 20} MiB) left on the git remote"
                out.append(FileEntry(path=path, size=BLOB_LIMIT))
                continue
            size = sizes.get(oid, 0)
            if size < 1024 and lfs_patterns and _matches(path, lfs_patterns):
                pointer = LFS_POINTER_RE.match(self._blob(oid, size))
                if pointer:
                    lfs += 1
                    self._absent[path] = "stored in Git LFS; its content was not fetched"
                    out.append(
                        FileEntry(path=path, size=int(pointer.group(2)), sha256=pointer.group(1).decode())
                    )
                    continue
            out.append(FileEntry(path=path, size=size))
        if big:
            self.info.notes.append(
                f"{big} file(s) of {BLOB_LIMIT >> 20} MiB or more were listed but not fetched "
                f"(their size is shown as {BLOB_LIMIT >> 20} MiB, a lower bound)"
            )
        if lfs:
            self.info.notes.append(
                f"{lfs} file(s) stored in Git LFS were listed from their pointers, not fetched"
            )
        if submodules:
            self.info.notes.append(f"{submodules} submodule(s) not followed")
        if links:
            self.info.notes.append(f"{links} symbolic link(s) skipped")
        out.sort(key=lambda e: e.path)
        return out

    def _missing(self) -> set[str]:
        p = run_git(
            ["rev-list", "--objects", "--no-walk", "--missing=print", "--no-object-names", self.commit],
            cwd=self.gitdir,
        )
        if p.returncode != 0:
            return set()
        return {ln[1:] for ln in p.stdout.decode().splitlines() if ln.startswith("?")}

    def _sizes(self, oids: list[str]) -> dict[str, int]:
        if not oids:
            return {}
        p = run_git(["cat-file", "--batch-check"], cwd=self.gitdir, input="\n".join(oids).encode() + b"\n")
        out: dict[str, int] = {}
        for ln in p.stdout.decode().splitlines():
            parts = ln.split(" ")
            if len(parts) == 3 and parts[1] == "blob":
                out[parts[0]] = int(parts[2])
        return out

    def _lfs_patterns(self, items: list[tuple[str, str]], sizes: dict[str, int]) -> list[str]:
        oid = next((o for p, o in items if p == ".gitattributes"), None)
        if oid is None or oid not in sizes or sizes[oid] > (1 << 20):
            return []
        text = self._blob(oid, sizes[oid]).decode("utf-8", "replace")
        return [ln.split()[0] for ln in text.splitlines() if "filter=lfs" in ln and ln.split()]

    def _blob(self, oid: str, size: int) -> bytes:
        with self._lock:
            cached = self._blobs.get(oid)
        if cached is not None:
            return cached
        p = run_git(["cat-file", "blob", oid], cwd=self.gitdir)
        if p.returncode != 0:
            raise OSError(f"cannot read blob {oid[:12]}")
        data = p.stdout
        with self._lock:
            if self._blob_bytes + len(data) <= (256 << 20):
                self._blobs[oid] = data
                self._blob_bytes += len(data)
        return data

    def read_range(self, path: str, offset: int, length: int) -> bytes:
        e = self.entry(path)
        if e is None:
            raise FileNotFoundError(f"{path}: not in {self.info.id}")
        if path in self._absent:
            raise ContentNotFetched(f"{path}: {self._absent[path]}")
        oid = self._oids[path]
        if e.size <= BATCH_READ_LIMIT:
            return self._blob(oid, e.size)[offset : offset + max(0, length)]
        return self._stream(oid, offset, length)

    def _stream(self, oid: str, offset: int, length: int) -> bytes:
        """The first bytes of a big blob, without reading it whole into memory."""
        cmd = ["git", *SAFE_CONFIG, "-C", str(self.gitdir), "cat-file", "blob", oid]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_env())
        try:
            assert proc.stdout is not None
            need = offset + max(0, length)
            buf = bytearray()
            while len(buf) < need:
                chunk = proc.stdout.read(min(1 << 20, need - len(buf)))
                if not chunk:
                    break
                buf += chunk
            return bytes(buf[offset:need])
        finally:
            proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(timeout=5)
            if proc.stdout:
                proc.stdout.close()

    def sha256(self, path: str) -> tuple[str | None, str | None]:
        e = self.entry(path)
        if e is None:
            return None, None
        if e.sha256:
            return e.sha256, "file"
        if path in self._absent:
            return None, None
        try:
            if e.size <= (64 << 20):
                return hashlib.sha256(self.read_range(path, 0, e.size)).hexdigest(), "file"
            return hashlib.sha256(self.read_range(path, 0, 1 << 20)).hexdigest(), "header"
        except OSError:
            return None, None


def _matches(path: str, patterns: list[str]) -> bool:
    base = path.rsplit("/", 1)[-1]
    for pat in patterns:
        p = pat.lstrip("/")
        if fnmatch.fnmatchcase(path, p) or ("/" not in p and fnmatch.fnmatchcase(base, p)):
            return True
        if p.endswith("/**") and path.startswith(p[:-3] + "/"):
            return True
    return False


def _resolve_ref(
    ref: str | None, refs: dict[str, str], head: str | None, label: str, notes: list[str]
) -> tuple[str | None, str]:
    """(ref, commit) for what the user asked: default branch, branch, tag, `NAME/folder`, a
    full sha; an abbreviated sha gives "" (resolved after a fuller fetch)."""
    if ref is None:
        sha = head or refs.get("main") or refs.get("master")
        if sha is None:
            raise SourceError(f"{label}: the repository has no default branch (empty?)")
        return None, sha
    if ref in refs:
        return ref, refs[ref]
    if ref.startswith(("refs/heads/", "refs/tags/")) and ref.split("/", 2)[2] in refs:
        return ref, refs[ref.split("/", 2)[2]]
    base = _ref_prefix(ref, refs)
    if base is not None:
        notes.append(f"{ref[len(base) + 1 :]}: only whole repositories are scanned; the folder was ignored")
        return base, refs[base]
    if is_sha(ref.lower()):
        return ref, ref.lower()
    if re.fullmatch(r"[0-9a-fA-F]{7,39}", ref):
        return ref, ""
    raise SourceError(f"{label}: no branch or tag named {ref!r} on the remote")


def probe_git(spec: str) -> str | None:
    """The commit a git source would be scanned at, by one `ls-remote` (batch re-scans)."""
    try:
        g = parse_git_spec(spec)
        if g.ref and is_sha(g.ref.lower()):
            return g.ref.lower()
        refs, head = _ls_remote(g.url, g.source_id, LS_REMOTE_TIMEOUT)
        _, sha = _resolve_ref(g.ref, refs, head, g.source_id, [])
    except SourceError:
        return None
    return sha or None


def _ref_prefix(ref: str, refs: dict[str, str]) -> str | None:
    """The longest ref name that `ref` starts with as `NAME/folder` (GitHub /tree/ URLs)."""
    best = None
    for name in refs:
        if ref.startswith(name + "/") and (best is None or len(name) > len(best)):
            best = name
    return best


def _cache_dir_for(spec: GitSpec, root: Path | None) -> Path:
    h = hashlib.sha256(spec.url.encode()).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", spec.source_id.split(":", 1)[-1])[-60:].strip("-.")
    return (root or cache_root()) / "git" / f"{name}-{h}.git"


def _init_cache(gitdir: Path, url: str) -> None:
    if (gitdir / "HEAD").exists():
        return
    gitdir.parent.mkdir(parents=True, exist_ok=True)
    for args in (
        ["init", "-q", "--bare", str(gitdir)],
        ["-C", str(gitdir), "config", "core.repositoryformatversion", "1"],
        ["-C", str(gitdir), "config", "extensions.partialClone", "origin"],
        ["-C", str(gitdir), "remote", "add", "origin", url],
        ["-C", str(gitdir), "config", "remote.origin.promisor", "true"],
        ["-C", str(gitdir), "config", "remote.origin.partialclonefilter", f"blob:limit={BLOB_LIMIT}"],
    ):
        p = run_git(args)
        if p.returncode != 0:
            raise SourceError(f"cannot prepare the git cache at {gitdir}: {_last_line(p.stderr.decode())}")


def _has_commit(gitdir: Path, sha: str) -> bool:
    if not (gitdir / "HEAD").exists():
        return False
    return run_git(["cat-file", "-e", f"{sha}^{{commit}}"], cwd=gitdir).returncode == 0


def _fetch(gitdir: Path, wanted: list[str], label: str, timeout: float) -> None:
    last = ""
    for want in wanted:
        p = run_git(
            ["fetch", "-q", "--depth=1", f"--filter=blob:limit={BLOB_LIMIT}", "--no-tags", "origin", want],
            cwd=gitdir,
            timeout=timeout,
        )
        if p.returncode == 0:
            return
        last = _git_failure(p.stderr)
    raise SourceError(f"{label}: fetch failed: {last}")


def open_git(spec: str, options: SourceOptions = DEFAULT_OPTIONS) -> Tree:
    """A remote git repository at a ref (default: its default branch)."""
    offline, cache_dir, timeout = options.offline, options.cache_dir, options.timeout
    g = parse_git_spec(spec)
    label = g.source_id + (f"@{g.ref}" if g.ref else "")
    gitdir = _cache_dir_for(g, Path(cache_dir) if cache_dir else None)
    refs_file = gitdir / "truecard-refs.json"
    if offline:
        try:
            saved = json.loads(refs_file.read_text())
            refs, head = saved["refs"], saved["head"]
        except (OSError, ValueError, KeyError):
            raise SourceError(f"{label}: not in the local cache (offline); scan it once online") from None
    else:
        refs, head = _ls_remote(g.url, label, timeout or LS_REMOTE_TIMEOUT)
    notes: list[str] = []
    ref, sha = _resolve_ref(g.ref, refs, head, label, notes)
    if sha and _has_commit(gitdir, sha):
        pass
    elif offline:
        raise SourceError(f"{label}: commit not in the local cache (offline); scan it once online")
    else:
        _init_cache(gitdir, g.url)
        if sha:
            _fetch(
                gitdir,
                [sha, *([f"refs/heads/{ref}", f"refs/tags/{ref}"] if ref and ref in refs else [])],
                label,
                timeout or FETCH_TIMEOUT,
            )
        else:
            p = run_git(
                ["fetch", "-q", f"--filter=blob:limit={BLOB_LIMIT}", "origin"],
                cwd=gitdir,
                timeout=timeout or FETCH_TIMEOUT,
            )
            if p.returncode != 0:
                raise SourceError(f"{label}: fetch failed: {_git_failure(p.stderr)}")
            r = run_git(["rev-parse", "--verify", "-q", f"{ref}^{{commit}}"], cwd=gitdir)
            sha = r.stdout.decode().strip()
            if r.returncode != 0 or not is_sha(sha):
                raise SourceError(f"{label}: no commit {ref!r} in the repository")
        if not _has_commit(gitdir, sha):
            raise SourceError(f"{label}: commit {sha[:12]} could not be fetched")
        with contextlib.suppress(OSError):
            refs_file.write_text(json.dumps({"refs": refs, "head": head}))
    if ref and ref != sha:
        notes.append(f"ref {ref} = {sha}")
    if offline:
        notes.append("offline: read from the truecard git cache")
    location = g.web or _strip_credentials(g.url)
    info = SourceInfo(id=g.source_id, kind=g.kind, location=location, revision=sha, notes=notes)
    return GitTree(info=info, gitdir=gitdir, commit=sha, web=g.web, web_style=g.web_style, known_refs=refs)


def open_local_ref(path: str, ref: str, options: SourceOptions = DEFAULT_OPTIONS) -> Tree:
    """A local clone at a ref other than the checked-out one (`./repo@v1.0`)."""
    root = Path(path).expanduser()
    label = f"{path}@{ref}"
    if not root.is_dir():
        raise SourceError(f"{label}: no such folder")
    top = run_git(["rev-parse", "--git-dir"], cwd=root)
    if top.returncode != 0:
        raise SourceError(f"{label}: {root} is not a git repository, so @{ref} cannot be read")
    gitdir = (root / top.stdout.decode().strip()).resolve()
    r = run_git(["rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}"], cwd=gitdir)
    sha = r.stdout.decode().strip()
    if r.returncode != 0 or not is_sha(sha):
        raise SourceError(f"{label}: no branch, tag or commit {ref!r} in {root}")
    refs: dict[str, str] = {}
    fe = run_git(
        ["for-each-ref", "--format=%(refname)%09%(objectname)%09%(*objectname)", "refs/heads", "refs/tags"],
        cwd=gitdir,
    )
    for line in fe.stdout.decode("utf-8", "replace").splitlines():
        name, _tab, rest = line.partition("\t")
        obj, _tab, peeled = rest.partition("\t")
        refs[name.split("/", 2)[2]] = peeled or obj
    info = SourceInfo(
        id=f"git:{root.resolve()}",
        kind="git",
        location=str(root.resolve()),
        revision=sha,
        notes=[f"ref {ref} = {sha}"] if ref != sha else [],
    )
    return GitTree(info=info, gitdir=gitdir, commit=sha, known_refs=refs)


def register_openers() -> None:
    from truecard.sources import resolve

    forms = {"gh:": "gh:ORG/REPO", "https://": "a git URL"}
    for p in PREFIXES:
        resolve.register(p, open_git, form=forms.get(p))
        resolve.register_probe(p, probe_git)
    resolve.register_local_ref(open_local_ref)


register_openers()

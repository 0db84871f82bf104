"""Hugging Face Hub repositories as sources, read without downloading weights.

`hf:ORG/NAME[@REV]` (also `hf:datasets/ORG/NAME`, `https://huggingface.co/...` URLs) opens a
`HubTree`: the commit, the file list with sizes and LFS sha256, the card data and the
safetensors parameter counts come from one `model_info` call, branches and tags from one
call, and file bytes only when a collector asks for them. Small files (cards, configs, code)
are fetched whole, once. What the Hub's metadata already answers is not fetched: when the
Hub states safetensors parameter counts, no shard header is read (those counts are the
Hub's own reading of every header) and a shard index whose shards are all listed under
their standard names (`model-00001-of-00050.safetensors`, ...) is not fetched either, so
a first scan costs the same whatever the number of shards. `deep` reads every header (one
HTTP range of a few KiB each, whatever the shard's size) and the index. A gated repository
is first probed with a file the scan reads anyway, so that without access the weights are
reported unreadable rather than vouched for. Everything fetched is kept in the
revision-keyed cache (`truecard.sources.cache`), so a re-scan is instant and `--offline`
works. Offline, a model never fetched by truecard can still be read from the Hugging Face
cache (`HF_HUB_CACHE`, `models--org--name/snapshots/REV`).

A tree never scores. What it could not read it says: `info.partial` and `info.notes`.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import quote, unquote, urlsplit

from truecard.bounded import load_json
from truecard.models import Problem, SourceInfo
from truecard.sources.base import ContentNotFetched, FileEntry, SourceError, Tree
from truecard.sources.cache import RevisionCache, is_sha
from truecard.sources.hubapi import HubCallError, HubClient, endpoint_from_env
from truecard.sources.local import LocalTree
from truecard.sources.memory import MemoryTree
from truecard.sources.options import DEFAULT as DEFAULT_OPTIONS
from truecard.sources.options import SourceOptions

SMALL_FILE = 1 << 20  # fetched whole on first read
HEAD_BLOCK = 64 << 10  # first ranged read of a large file
HASH_HEAD = 64 << 10  # large non-LFS files are hashed over their first 64 KiB ("header" scope)
MAX_FETCH = 16 << 20  # one ranged read never asks for more than this
PREFETCH_WORKERS = 8
MAX_READ_FAILURES = 5  # after this many failed reads, the rest of the tree is not tried
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
PREFIXES = (
    "hf:",
    "hf://",
    "https://huggingface.co/",
    "http://huggingface.co/",
    "https://www.huggingface.co/",
    "https://hf.co/",
)


@dataclass(frozen=True)
class RepoRef:
    repo_id: str
    repo_type: str = "model"  # model or dataset
    revision: str | None = None

    @property
    def spec(self) -> str:
        return "hf:" + ("datasets/" if self.repo_type == "dataset" else "") + self.repo_id

    @property
    def cache_kind(self) -> str:
        return f"hub/{self.repo_type}s"


def is_hub_host(host: str) -> bool:
    """Whether a host name is the Hub's: huggingface.co and its aliases, or $HF_ENDPOINT's host.
    The one place that decides it (the git source never needs to know)."""
    host = host.lower()
    return host in HUB_HOSTS or host == (urlsplit(endpoint_from_env()).hostname or "").lower()


def is_hub_url(spec: str) -> bool:
    """An http(s) URL on a Hub host (a Hub at a private $HF_ENDPOINT included)."""
    return spec.startswith(("https://", "http://")) and is_hub_host(urlsplit(spec).hostname or "")


def parse_hub_spec(spec: str) -> RepoRef:
    """`hf:ORG/NAME[@REV]`, `hf:datasets/ORG/NAME`, or a Hub web URL (tree/blob/resolve/REV)."""
    s = spec.strip()
    if s.startswith("hf://"):
        rest, is_url = s[5:], False
    elif s.startswith("hf:"):
        rest, is_url = s[3:], False
    else:
        u = urlsplit(s if "://" in s else "https://" + s)
        if not is_hub_host(u.hostname or ""):
            raise SourceError(f"{spec}: not a Hugging Face Hub address")
        rest, is_url = u.path, True
    rest = rest.strip("/")
    rest, at, revision = rest.partition("@")
    if at and not revision.strip():
        raise SourceError(f"{spec}: empty revision after '@'; expected hf:ORG/NAME@REVISION", kind="bad-input")
    parts = [p for p in rest.split("/") if p]
    repo_type = "model"
    if parts and parts[0] == "datasets":
        repo_type, parts = "dataset", parts[1:]
    elif parts and parts[0] == "models":
        parts = parts[1:]
    elif parts and parts[0] == "spaces":
        raise SourceError(f"{spec}: a Space is an app, not a model; scan the model it uses")
    if is_url and len(parts) >= 4 and parts[2] in ("tree", "blob", "resolve", "commit"):
        revision = revision or unquote(parts[3])
        parts = parts[:2]
    if not 1 <= len(parts) <= 2 or not all(_valid_name(p) for p in parts):
        raise SourceError(f"{spec}: not a Hub repository id; expected hf:ORG/NAME[@REVISION]", kind="bad-input")
    rev = unquote(revision).strip() or None
    if rev is not None and (len(rev) > 256 or any(c in rev for c in "\0\n\r ")):
        raise SourceError(f"{spec}: malformed revision {rev!r}", kind="bad-input")
    return RepoRef("/".join(parts), repo_type, rev)


def _valid_name(part: str) -> bool:
    return bool(NAME_RE.match(part)) and "--" not in part and ".." not in part and not part.endswith(".")


def _safe_path(path: Any) -> TypeGuard[str]:
    """A repository path that cannot escape a folder or confuse a reader."""
    return (
        isinstance(path, str)
        and 0 < len(path) < 1024
        and not path.startswith("/")
        and "\\" not in path
        and "\0" not in path
        and ".." not in path.split("/")
        and "" not in path.split("/")
    )


def hf_cache_dir() -> Path:
    """The Hugging Face cache, read from the environment now (the library reads it at import)."""
    env = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if env:
        return Path(env).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def _hf_cache_repo(ref: RepoRef) -> Path:
    return hf_cache_dir() / f"{ref.repo_type}s--{ref.repo_id.replace('/', '--')}"


def offline_from_env() -> bool:
    v = (os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or "").strip().upper()
    if v in {"1", "ON", "YES", "TRUE"}:
        return True
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def _meta_from_info(info: Any, repo_type: str) -> dict[str, Any]:
    """The part of `ModelInfo`/`DatasetInfo` a scan uses, as plain JSON for the cache."""
    siblings = []
    for s in info.siblings or []:
        lfs = s.lfs
        siblings.append(
            {
                "rfilename": s.rfilename,
                "size": s.size,
                "blobId": s.blob_id,
                "lfs": {"sha256": lfs.sha256, "size": lfs.size} if lfs else None,
            }
        )
    card = info.card_data.to_dict() if getattr(info, "card_data", None) is not None else {}
    last = getattr(info, "last_modified", None)
    st = getattr(info, "safetensors", None)
    counts = (
        {"parameters": dict(st.parameters), "total": int(st.total)}
        if st is not None and isinstance(getattr(st, "parameters", None), dict)
        else None
    )
    return json.loads(
        json.dumps(
            {
                "id": info.id,
                "repo_type": repo_type,
                "sha": info.sha,
                "siblings": siblings,
                "cardData": card,
                "tags": list(info.tags or []),
                "gated": getattr(info, "gated", None),
                "private": getattr(info, "private", None),
                "lastModified": last.isoformat() if last else None,
                "safetensors": counts,
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            default=str,
        )
    )


@dataclass
class HubTree(Tree):
    """A Hub repository at one commit: listed from metadata, read by small fetches and ranges."""

    ref: RepoRef = field(default_factory=lambda: RepoRef(""))
    meta: dict[str, Any] = field(default_factory=dict)
    client: HubClient | None = None  # None: offline, only the caches are read
    cache: RevisionCache | None = None
    snapshot: Path | None = None  # this revision in the Hugging Face cache, when present
    endpoint: str = ""
    hub_refs: dict[str, dict[str, str]] | None = None
    deep: bool = False  # read every safetensors header (and shard index), not the Hub's counts
    _whole: dict[str, bytes] = field(default_factory=dict)
    _blocks: dict[str, list[tuple[int, bytes]]] = field(default_factory=dict)
    _denied: str | None = None
    _failures: int = 0
    _prefetched: bool = False
    _skipped: set[str] = field(default_factory=set)  # shards whose headers were not read
    _probed: bool = False  # a gated repository's access was tried (see `_readable`)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def sha(self) -> str:
        return str(self.meta.get("sha") or self.info.revision or "")

    @property
    def card_data(self) -> dict[str, Any]:
        cd = self.meta.get("cardData")
        return cd if isinstance(cd, dict) else {}

    @property
    def tags(self) -> list[str]:
        return [t for t in self.meta.get("tags") or [] if isinstance(t, str)]

    # -- listing -----------------------------------------------------------------------
    def _list_files(self) -> list[FileEntry]:
        out: list[FileEntry] = []
        for s in self.meta.get("siblings") or []:
            path = s.get("rfilename") if isinstance(s, dict) else None
            if not _safe_path(path):
                self.problems.append(
                    Problem(
                        source=self.info.id, message=f"skipped an unsafe file name: {str(path)[:80]!r}"
                    )
                )
                continue
            lfs = s.get("lfs") if isinstance(s.get("lfs"), dict) else None
            size = (lfs or {}).get("size") if lfs else s.get("size")
            sha = (lfs or {}).get("sha256") if lfs else None
            out.append(
                FileEntry(
                    path=path,
                    size=int(size) if isinstance(size, int) and size >= 0 else 0,
                    sha256=sha if isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha) else None,
                )
            )
        out.sort(key=lambda e: e.path)
        return out

    def refs(self) -> dict[str, str]:
        if not self.hub_refs:
            return {}
        out = dict(self.hub_refs.get("branches") or {})
        for name, sha in (self.hub_refs.get("tags") or {}).items():
            out[name if name not in out else f"tags/{name}"] = sha
        return out

    def url_for(self, path: str, line: int | None = None) -> str | None:
        prefix = "datasets/" if self.ref.repo_type == "dataset" else ""
        url = f"{self.endpoint}/{prefix}{self.ref.repo_id}/blob/{self.sha}/{quote(path)}"
        return url + (f"#L{line}" if line else "")

    # -- reading -----------------------------------------------------------------------
    def read_range(self, path: str, offset: int, length: int) -> bytes:
        e = self.entry(path)
        if e is None:
            raise FileNotFoundError(f"{path}: not in {self.info.id}")
        end = min(e.size, offset + max(0, length))
        if offset >= end:
            return b""
        local = self._local(path, e)
        if local is not None:
            with open(local, "rb") as fh:
                fh.seek(offset)
                return fh.read(end - offset)
        with self._lock:
            whole = self._cached_whole(path)
            if whole is not None:
                return whole[offset:end]
            got = self._from_blocks(path, offset, end)
            if got is not None:
                return got
        why = self._header_not_needed(e) or self._index_not_needed(e)
        if why is not None:
            if path.endswith(".safetensors"):
                with self._lock:
                    self._skipped.add(path)
            raise ContentNotFetched(why)
        if e.size > SMALL_FILE and path.endswith(".safetensors") and not self._prefetched:
            self._prefetch_heads()
            with self._lock:
                got = self._from_blocks(path, offset, end)
            if got is not None:
                return got
        self._check_can_fetch(path)
        if e.size <= SMALL_FILE:
            return self._fetch_whole(e)[offset:end]
        return self._fetch_range(e, offset, end)

    def sha256(self, path: str) -> tuple[str | None, str | None]:
        """LFS files: the Hub's sha256, free. Small files: fetched and hashed. Large non-LFS
        files: their first 64 KiB ("header" scope), so hashing never costs a download."""
        e = self.entry(path)
        if e is None:
            return None, None
        if e.sha256:
            return e.sha256, "file"
        try:
            if e.size <= SMALL_FILE or self._cached_whole(path) is not None:
                return hashlib.sha256(self.read_range(path, 0, e.size)).hexdigest(), "file"
            return hashlib.sha256(self.read_range(path, 0, HASH_HEAD)).hexdigest(), "header"
        except OSError:
            return None, None

    def _local(self, path: str, e: FileEntry) -> Path | None:
        if self.snapshot is None:
            return None
        p = self.snapshot / path
        try:
            if p.is_file() and p.stat().st_size == e.size:
                return p
        except OSError:
            return None
        return None

    def _cached_whole(self, path: str) -> bytes | None:
        data = self._whole.get(path)
        if data is None and self.cache is not None:
            data = self.cache.get_file(self.sha, path)
            if data is not None:
                self._whole[path] = data
        return data

    def _from_blocks(self, path: str, offset: int, end: int) -> bytes | None:
        blocks = self._blocks.get(path)
        if blocks is None:
            blocks = self.cache.get_blocks(self.sha, path) if self.cache is not None else []
            self._blocks[path] = blocks
        pos, out = offset, []
        for bo, bd in sorted(blocks):
            if bo <= pos < bo + len(bd):
                take = bd[pos - bo : end - bo]
                out.append(take)
                pos += len(take)
                if pos >= end:
                    return b"".join(out)
        return None

    def _covered_until(self, path: str, offset: int) -> int:
        pos = offset
        for bo, bd in sorted(self._blocks.get(path) or []):
            if bo <= pos < bo + len(bd):
                pos = bo + len(bd)
        return pos

    def _check_can_fetch(self, path: str) -> None:
        if self.client is None:
            raise ContentNotFetched(f"{path}: not in the local cache (offline)")
        if self._denied:
            raise PermissionError(f"{path}: {self._denied}")
        if self._failures >= MAX_READ_FAILURES:
            raise OSError(f"{path}: not read; too many failed reads from the Hub")

    def _fetch_whole(self, e: FileEntry) -> bytes:
        assert self.client is not None
        try:
            got = self.client.file(self.ref.repo_id, self.ref.repo_type, self.sha, e.path)
        except HubCallError as exc:
            raise self._failed(e.path, exc) from None
        data = got.data
        if len(data) != e.size:
            raise self._failed(e.path, HubCallError(f"got {len(data)} of {e.size} bytes", kind="network"))
        if e.sha256 and hashlib.sha256(data).hexdigest() != e.sha256:
            raise self._failed(e.path, HubCallError("content does not match its LFS sha256", kind="server"))
        with self._lock:
            self._whole[e.path] = data
        if self.cache is not None:
            self.cache.put_file(self.sha, e.path, data)
        return data

    def _fetch_range(self, e: FileEntry, offset: int, end: int) -> bytes:
        with self._lock:
            start = self._covered_until(e.path, offset)
        stop = min(e.size, max(end, start + HEAD_BLOCK), start + MAX_FETCH)
        if stop < end:
            raise OSError(f"{e.path}: a single read larger than {MAX_FETCH >> 20} MiB was refused")
        self._fetch_block(e, start, stop)
        with self._lock:
            got = self._from_blocks(e.path, offset, end)
        if got is None:
            raise self._failed(e.path, HubCallError("range read came back short", kind="network"))
        return got

    def _fetch_block(self, e: FileEntry, start: int, stop: int) -> None:
        assert self.client is not None
        try:
            got = self.client.file(self.ref.repo_id, self.ref.repo_type, self.sha, e.path, start, stop)
        except HubCallError as exc:
            raise self._failed(e.path, exc) from None
        if len(got.data) != stop - start:
            raise self._failed(
                e.path,
                HubCallError(f"range read returned {len(got.data)} of {stop - start} bytes", kind="network"),
            )
        with self._lock:
            self._blocks.setdefault(e.path, []).append((start, got.data))
        if self.cache is not None:
            self.cache.put_block(self.sha, e.path, start, got.data)

    def _failed(self, path: str, exc: HubCallError) -> OSError:
        """Record a failed read: the tree becomes partial and says why, once per reason."""
        with self._lock:
            self.info.partial = True
            if exc.kind == "gated" and not self._denied:
                self._denied = (
                    "gated: access not granted (accept the conditions on the model page and set "
                    "HF_TOKEN); scored on the public metadata and the files readable without access"
                )
                self.info.notes.append(self._denied)
            elif exc.kind != "gated":
                self._failures += 1
            self.problems.append(
                Problem(path=path, source=self.info.id, message=f"not read from the Hub: {exc}")
            )
            note = "some files could not be read from the Hub; see problems"
            if exc.kind != "gated" and note not in self.info.notes:
                self.info.notes.append(note)
        if exc.kind == "gated":
            return PermissionError(f"{path}: {exc}")
        return OSError(f"{path}: {exc}")

    def _prefetch_heads(self) -> None:
        """Read the headers of all large safetensors files at once, sized from the shard index.

        The collector reads shards one by one; fetching their first blocks concurrently turns
        N round trips into about one, and the index's tensor names give each header's size
        closely enough that one request per shard suffices.
        """
        self._prefetched = True
        if self.client is None or self._denied:
            return
        todo = [
            e
            for e in self.entries()
            if e.path.endswith(".safetensors")
            and e.size > SMALL_FILE
            and self._local(e.path, e) is None
            and self._from_blocks(e.path, 0, 8) is None
            and self._header_not_needed(e) is None
        ]
        if not todo:
            return
        sizes = self._header_estimates()
        if self._denied:  # the shard index was refused: so would the shards be
            return
        jobs = [(e, min(e.size, sizes.get(e.path, HEAD_BLOCK))) for e in todo]
        with ThreadPoolExecutor(max_workers=PREFETCH_WORKERS) as pool:
            for f in [pool.submit(self._fetch_block, e, 0, n) for e, n in jobs]:
                try:
                    f.result()
                except OSError:
                    continue

    # -- safetensors headers the Hub's metadata already answers -----------------------
    def _hub_counts(self) -> dict[str, int] | None:
        """The Hub's safetensors parameter counts by dtype (model info), if it gave them."""
        st = self.meta.get("safetensors")
        params = st.get("parameters") if isinstance(st, dict) else None
        if not isinstance(params, dict) or not params:
            return None
        if not all(isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in params.items()):
            return None
        return params

    def _header_not_needed(self, e: FileEntry) -> str | None:
        """Why a safetensors header need not be fetched, or None when it must be.

        The Hub computes its safetensors counts by reading every header of the revision, so
        a header read here would only repeat that reading: with the counts, no header is
        fetched (the collector gives the unread shards the Hub's figures) unless `--deep`
        asks. Without the counts, or when the files cannot be read at all (a gated
        repository without access: the weights are then reported unreadable, not vouched
        for), every header is read or tried.
        """
        if self.deep or not e.path.endswith(".safetensors") or self._hub_counts() is None:
            return None
        if not self._readable():
            return None
        return "the Hub's safetensors counts stand for it; --deep reads every header"

    def _index_not_needed(self, e: FileEntry) -> str | None:
        """Why a shard index need not be fetched, or None when it must be.

        An index says which shards make up the weights, so that a missing one is reported.
        When the Hub's counts stand for the headers and every shard the index's standard
        names promise is listed (`P-00001-of-0000N.safetensors` to N, nothing else beside
        them), it could only say "all present", which the file list already shows.
        """
        suffix = ".safetensors.index.json"
        if self.deep or not e.path.endswith(suffix) or self._hub_counts() is None:
            return None
        folder, name = posixpath.split(e.path)
        prefix = name[: -len(suffix)]
        shard_re = re.compile(re.escape(prefix) + r"-(\d+)-of-(\d+)\.safetensors")
        found: set[tuple[int, int]] = set()
        for x in self.entries():
            xf, xn = posixpath.split(x.path)
            if xf != folder or not xn.endswith(".safetensors"):
                continue
            m = shard_re.fullmatch(xn)
            if m is None:
                return None  # a shard under another name: only the index says whose it is
            found.add((int(m.group(1)), int(m.group(2))))
        totals = {n for _, n in found}
        if len(totals) != 1:
            return None
        (n,) = totals
        if n < 1 or {i for i, _ in found} != set(range(1, n + 1)) or not self._readable():
            return None
        return f"all {n} shards it names are listed and the Hub's safetensors counts cover them; --deep reads it"

    def _readable(self) -> bool:
        """Whether this token can read the repository's files, as far as is known.

        A gated repository lists its files to anyone but serves them only once access is
        granted. Before the Hub's metadata is allowed to stand for unread files, one file the
        scan reads anyway is fetched (config.json, else the shard index, else the first
        shard's header block): granted, it is kept for its reader; refused, the repository
        is marked denied and the weights are then reported unreadable, as a scan that tried
        them would. A failure of another kind (network) says nothing about access.
        """
        if self._denied:
            return False
        if not self.meta.get("gated") or self._probed or self.client is None:
            return True
        self._probed = True
        entries = self.entries()
        small = [e for e in entries if e.size <= SMALL_FILE]
        probe = next((e for e in small if e.path == "config.json"), None) or next(
            (e for e in small if e.path.endswith(".safetensors.index.json")), None
        )
        shard = probe or next((e for e in entries if e.path.endswith(".safetensors")), None)
        if shard is None or self._local(shard.path, shard) is not None:
            return True
        try:
            if shard.size <= SMALL_FILE:
                if self._cached_whole(shard.path) is None:
                    self._check_can_fetch(shard.path)
                    self._fetch_whole(shard)
            elif self._from_blocks(shard.path, 0, 8) is None:
                self._check_can_fetch(shard.path)
                self._fetch_block(shard, 0, min(shard.size, HEAD_BLOCK))
        except OSError:
            pass
        return not self._denied

    def unread_parameter_counts(self) -> tuple[dict[str, int], frozenset[str]] | None:
        """The Hub's safetensors counts and the shards whose headers were not read (see
        `Tree.unread_parameter_counts`); None when every header was read."""
        hub = self._hub_counts()
        if hub is None or not self._skipped:
            return None
        return dict(hub), frozenset(self._skipped)

    def _header_estimates(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for idx in (e for e in self.entries() if e.path.endswith(".safetensors.index.json")):
            if idx.size > SMALL_FILE * 16:
                continue
            try:
                data = load_json(self.read_range(idx.path, 0, idx.size))
            except (OSError, ValueError):
                continue
            wm = data.get("weight_map") if isinstance(data, dict) else None
            if not isinstance(wm, dict):
                continue
            base = posixpath.dirname(idx.path)
            for name, shard in wm.items():
                if isinstance(shard, str):
                    p = posixpath.join(base, shard)
                    # one entry: "name":{"dtype":"BF16","shape":[a,b],"data_offsets":[x,y]},
                    out[p] = out.get(p, 1024) + len(str(name)) + 110
        return {p: max(4096, min(n, HEAD_BLOCK * 4)) for p, n in out.items()}


@dataclass
class HubCacheTree(LocalTree):
    """A revision read from the Hugging Face cache only (offline, never fetched by truecard).

    The cache holds what was downloaded, which may not be the whole repository (libraries
    often skip the README), so such a tree is always labelled partial.
    """

    ref: RepoRef = field(default_factory=lambda: RepoRef(""))
    endpoint: str = ""
    cached_refs: dict[str, str] = field(default_factory=dict)

    def refs(self) -> dict[str, str]:
        return dict(self.cached_refs)

    def url_for(self, path: str, line: int | None = None) -> str | None:
        prefix = "datasets/" if self.ref.repo_type == "dataset" else ""
        url = f"{self.endpoint}/{prefix}{self.ref.repo_id}/blob/{self.info.revision}/{quote(path)}"
        return url + (f"#L{line}" if line else "")


def _require_library(label: str) -> None:
    try:
        import huggingface_hub  # noqa: F401
    except ImportError:
        from truecard._install import install_command

        raise SourceError(
            f"{label}: Hub sources need huggingface_hub (a dependency of truecard that is missing "
            f"here); install it with: {install_command('hub')}"
        ) from None


def _hf_cache_refs(ref: RepoRef) -> dict[str, str]:
    root = _hf_cache_repo(ref) / "refs"
    out: dict[str, str] = {}
    if not root.is_dir():
        return out
    for p in root.rglob("*"):
        try:
            if p.is_file():
                sha = p.read_text().strip()
                if is_sha(sha):
                    out[p.relative_to(root).as_posix()] = sha
        except OSError:
            continue
    return out


def _snapshot(ref: RepoRef, sha: str) -> Path | None:
    p = _hf_cache_repo(ref) / "snapshots" / sha
    return p if p.is_dir() else None


def _source_info(ref: RepoRef, sha: str, endpoint: str) -> SourceInfo:
    prefix = "datasets/" if ref.repo_type == "dataset" else ""
    return SourceInfo(
        id=ref.spec,
        kind="hf-dataset" if ref.repo_type == "dataset" else "hf",
        location=f"{endpoint}/{prefix}{ref.repo_id}",
        revision=sha,
    )


def open_hub(spec: str, options: SourceOptions = DEFAULT_OPTIONS) -> Tree:
    """Open a Hub repository (see module docstring). Raises `SourceError` with a plain reason.

    `deep` reads every safetensors header; otherwise, when the Hub states parameter counts,
    no header is read and the shards are given those counts."""
    o = options
    offline, token, endpoint, timeout, cache_dir, deep = o.offline, o.token, o.endpoint, o.timeout, o.cache_dir, o.deep
    client: HubClient | None = o.client
    ref = parse_hub_spec(spec)
    _require_library(ref.spec)
    endpoint = (endpoint or endpoint_from_env()).rstrip("/")
    cache = RevisionCache(ref.cache_kind, ref.repo_id, Path(cache_dir) if cache_dir else None)
    label = ref.spec + (f"@{ref.revision}" if ref.revision else "")
    if offline or offline_from_env():
        return _deepen(_open_offline(ref, label, cache, endpoint), deep)
    if client is None:
        client = HubClient(endpoint=endpoint, token=token)
        if timeout:
            client.timeout = float(timeout)
    notes: list[str] = []
    sha = ref.revision if is_sha(ref.revision) else None
    meta = cache.get_json(sha, "info") if sha else None
    try:
        if meta is None and sha is None and cache.exists():
            # seen before: one tiny request says whether the revision moved
            sha = client.repo_info(ref.repo_id, ref.repo_type, ref.revision, sha_only=True).sha
            meta = cache.get_json(sha, "info") if sha else None
        if meta is None:
            info = client.repo_info(ref.repo_id, ref.repo_type, ref.revision)
            meta = _meta_from_info(info, ref.repo_type)
            if not is_sha(meta.get("sha")):
                raise SourceError(f"{label}: the Hub did not say which commit it served")
            cache.put_json(meta["sha"], "info", meta)
        else:
            notes.append(f"metadata from the truecard cache (fetched {meta.get('fetched_at', '?')})")
    except HubCallError as exc:
        if exc.kind == "offline":
            return _deepen(_open_offline(ref, label, cache, endpoint), deep)
        if exc.kind in ("network", "timeout", "server", "rate-limit"):
            cached = sha if sha else cache.ref(ref.revision or "main")
            if cached and cache.get_json(cached, "info") is not None:
                tree = _deepen(_open_offline(ref, label, cache, endpoint), deep)
                tree.info.notes.append(f"the Hub could not be reached ({exc}); used the cached metadata")
                return tree
            raise SourceError(
                f"{label}: {exc}; use --offline to score what is in the local cache", kind=exc.kind
            ) from None
        if exc.kind == "not-found":
            raise SourceError(f"{label}: {exc}", kind="not-found") from None
        if exc.kind == "revision":
            raise SourceError(f"{label}: no such branch, tag or commit on the Hub", kind="not-found") from None
        raise SourceError(f"{label}: {exc}", kind=exc.kind) from None
    sha = meta["sha"]
    cache.set_ref(ref.revision or "main", sha)
    info = _source_info(ref, sha, endpoint)
    if ref.revision and ref.revision != sha:
        notes.insert(0, f"revision {ref.revision} = {sha}")
    hub_refs = cache.get_json(sha, "refs")
    if hub_refs is None:
        try:
            hub_refs = client.refs(ref.repo_id, ref.repo_type)
            cache.put_json(sha, "refs", hub_refs)
        except HubCallError as exc:
            info.partial = True
            notes.append(f"branches and tags not read: {exc}")
    info.notes.extend(notes)
    return HubTree(
        info=info,
        ref=ref,
        meta=meta,
        client=client,
        cache=cache,
        snapshot=_snapshot(ref, sha),
        endpoint=endpoint,
        hub_refs=hub_refs,
        deep=deep,
    )


def _deepen(tree: Tree, deep: bool) -> Tree:
    if isinstance(tree, HubTree):
        tree.deep = deep
    return tree


def _open_offline(ref: RepoRef, label: str, cache: RevisionCache, endpoint: str) -> Tree:
    """From the truecard cache (complete file list), else the Hugging Face cache (partial)."""
    name = ref.revision or "main"
    sha = ref.revision if is_sha(ref.revision) else cache.ref(name)
    hf_refs = _hf_cache_refs(ref)
    if sha is None:
        sha = hf_refs.get(name)
    meta = cache.get_json(sha, "info") if sha else None
    if sha and meta is not None:
        info = _source_info(ref, sha, endpoint)
        info.notes.append(
            f"offline: metadata from the truecard cache (fetched {meta.get('fetched_at', '?')})"
        )
        hub_refs = cache.get_json(sha, "refs")
        if hub_refs is None:
            info.notes.append("offline: branches and tags unknown")
        return HubTree(
            info=info,
            ref=ref,
            meta=meta,
            client=None,
            cache=cache,
            snapshot=_snapshot(ref, sha),
            endpoint=endpoint,
            hub_refs=hub_refs,
        )
    snap = _snapshot(ref, sha) if sha else None
    if sha and snap is not None:
        info = _source_info(ref, sha, endpoint)
        info.partial = True
        info.notes.append(
            "offline: read from the Hugging Face cache, which holds only the files that were "
            "downloaded; the repository may hold more"
        )
        return HubCacheTree(info=info, root=snap.resolve(), ref=ref, endpoint=endpoint, cached_refs=hf_refs)
    raise SourceError(
        f"{label}: not in the local cache (offline); scan it once online, or download it with "
        f"huggingface_hub into {hf_cache_dir()}"
    )


def open_dataset_card(
    dataset_id: str,
    *,
    offline: bool = False,
    client: HubClient | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    pinned: str | None = None,
    endpoint: str | None = None,
) -> HubTree:
    """A dataset repository reduced to its card (README.md): one request, its commit from
    the response's `X-Repo-Commit`. `pinned` reuses a revision resolved by an earlier scan."""
    ref = parse_hub_spec("hf:datasets/" + dataset_id.strip().removeprefix("datasets/"))
    endpoint = (endpoint or (client.endpoint if client else None) or endpoint_from_env()).rstrip("/")
    cache = RevisionCache(ref.cache_kind, ref.repo_id, Path(cache_dir) if cache_dir else None)
    sha = pinned if is_sha(pinned) else cache.ref("main") if (offline or client is None) else None
    data = cache.get_file(sha, "README.md") if sha else None
    if data is None:
        if offline or client is None:
            raise SourceError(f"{ref.spec}: dataset card not in the local cache (offline)")
        try:
            got = client.file(ref.repo_id, ref.repo_type, "main", "README.md")
        except HubCallError as exc:
            raise SourceError(f"{ref.spec}: dataset card not read: {exc}") from None
        sha = got.headers.get("x-repo-commit") or got.headers.get("X-Repo-Commit")
        if not is_sha(sha):
            raise SourceError(f"{ref.spec}: the Hub did not say which commit it served")
        data = got.data
        cache.put_file(sha, "README.md", data)
        cache.set_ref("main", sha)
    assert sha is not None
    meta = {"sha": sha, "siblings": [{"rfilename": "README.md", "size": len(data), "lfs": None}]}
    info = _source_info(ref, sha, endpoint)
    info.notes.append("dataset card only; the dataset's files were not listed")
    tree = HubTree(info=info, ref=ref, meta=meta, client=None, cache=cache, endpoint=endpoint)
    tree._whole["README.md"] = data
    return tree


ARXIV_RE = re.compile(
    r"^(?:arxiv:|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5})(v\d+)?(?:\.pdf)?/?$", re.I
)


@dataclass
class PaperTree(MemoryTree):
    """A paper as one document (`paper.md`: title, authors, abstract, code link)."""

    paper: dict[str, Any] = field(default_factory=dict)


def open_paper(spec: str, options: SourceOptions = DEFAULT_OPTIONS) -> PaperTree:
    """`arxiv:ID`: the paper's title and abstract from the Hub's papers API, cached by id."""
    o = options
    offline, token, endpoint, timeout, cache_dir = o.offline, o.token, o.endpoint, o.timeout, o.cache_dir
    client: HubClient | None = o.client
    m = ARXIV_RE.match(spec.strip())
    if not m:
        raise SourceError(f"{spec}: not an arXiv id; expected arxiv:NNNN.NNNNN")
    _require_library(spec)
    arxiv_id = m.group(1)
    cache = RevisionCache("papers", arxiv_id, Path(cache_dir) if cache_dir else None)
    paper = cache.get_json("abstract", "paper")
    if paper is None:
        if offline or offline_from_env():
            raise SourceError(f"arxiv:{arxiv_id}: not in the local cache (offline)")
        if client is None:
            client = HubClient(endpoint=(endpoint or endpoint_from_env()).rstrip("/"), token=token)
            if timeout:
                client.timeout = float(timeout)
        try:
            paper = client.paper(arxiv_id)
        except HubCallError as exc:
            if exc.status == 404 or exc.kind in ("not-found", "entry"):
                raise SourceError(f"arxiv:{arxiv_id}: no paper page on the Hub for this id") from None
            raise SourceError(f"arxiv:{arxiv_id}: {exc}") from None
        paper["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        cache.put_json("abstract", "paper", paper)
    abs_url = f"https://arxiv.org/abs/{arxiv_id}"
    lines = [f"# {paper.get('title') or 'arXiv ' + arxiv_id}", "", f"arXiv: {abs_url}"]
    if paper.get("authors"):
        lines.append("Authors: " + ", ".join(map(str, paper["authors"][:20])))
    if paper.get("published_at"):
        lines.append(f"Published: {paper['published_at'][:10]}")
    if paper.get("github_repo"):
        lines.append(f"Code: {paper['github_repo']}")
    if paper.get("project_page"):
        lines.append(f"Project page: {paper['project_page']}")
    lines += ["", "## Abstract", "", str(paper.get("summary") or "(no abstract available)"), ""]
    info = SourceInfo(
        id=f"arxiv:{arxiv_id}",
        kind="paper",
        location=abs_url,
        revision=None,
        notes=[f"title and abstract from the Hub's papers API (fetched {paper.get('fetched_at', '?')})"],
    )
    return PaperTree(
        info=info, files={"paper.md": "\n".join(lines).encode()}, urls={"paper.md": abs_url}, paper=paper
    )


def probe_hub(spec: str) -> str | None:
    """The commit a Hub source would be scanned at, by one tiny request (batch re-scans);
    offline, the last one seen. None when unknown."""
    try:
        ref = parse_hub_spec(spec)
        if is_sha(ref.revision):
            return ref.revision
        if offline_from_env():
            return RevisionCache(ref.cache_kind, ref.repo_id).ref(ref.revision or "main")
        sha = HubClient().repo_info(ref.repo_id, ref.repo_type, ref.revision, sha_only=True).sha
    except (SourceError, HubCallError, ImportError):
        return None
    return sha if is_sha(sha) else None


def register_openers() -> None:
    from truecard.sources import resolve

    for p in PREFIXES:
        resolve.register(p, open_hub, form="hf:ORG/NAME" if p == "hf:" else None)
        resolve.register_probe(p, probe_hub)
    resolve.register_matcher(is_hub_url, open_hub, probe_hub, form="a Hugging Face URL")
    for p in ("arxiv:", "https://arxiv.org/", "http://arxiv.org/"):
        resolve.register(p, open_paper, form="arxiv:ID" if p == "arxiv:" else None)


register_openers()

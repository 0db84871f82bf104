"""A fake Hugging Face Hub on loopback, for tests and benchmarks (no network beyond 127.0.0.1).

It answers the documented endpoints the real `huggingface_hub` client calls, with the
Hub's response shapes and error headers:

- `GET /api/{models,datasets}/REPO[/revision/REV]` (`?blobs=true` adds size, blobId, lfs;
  `?expand=...` returns only the listed properties; models with parseable safetensors files
  carry `safetensors` parameter counts by dtype, as the Hub computes them),
- `GET /api/{models,datasets}/REPO/refs`, `GET /api/papers/ID`,
- `GET|HEAD /[datasets/]REPO/resolve/REV/PATH` with `X-Repo-Commit`, `ETag`, and for LFS
  files a 302 to `/cdn/SHA256` carrying `X-Linked-Etag`/`X-Linked-Size`; `Range` → 206,
- errors with `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`,
  `GatedRepo`) and `X-Error-Message`, 401 vs 403 as the Hub does.

It holds many repositories (`add_model`, `add_dataset`, `add_paper`, `generated_model`),
serves huge files without storing them (`VirtualFile`: a real header, zeros after it), can
inject failures per repository (`fail(repo, Failure("429", target="file", times=2))`), and
counts requests and body bytes (`stats()`, `log`), so batch tests (issue 8) can reuse it.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import hashlib
import json
import re
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import yaml

LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".model", ".onnx", ".h5", ".msgpack")
LFS_MIN = 10 << 20  # the Hub stores files this large in LFS whatever their type
FULL_BODY_LIMIT = 64 << 20  # a GET without Range for a larger file is refused and recorded
GATED_PUBLIC = {"README.md", ".gitattributes"}
# Requests huggingface_hub makes for itself (its once-a-day agent registry), whatever is being
# read: answered, counted apart, never in `log` or `stats()`.
LIBRARY_PATHS = {"/api/agent-harnesses"}


@dataclass
class VirtualFile:
    """A file of any size whose first bytes are `head` and the rest zeros; never stored."""

    size: int
    head: bytes = b""

    def read(self, start: int, end: int) -> bytes:
        end = min(end, self.size)
        if start >= end:
            return b""
        part = self.head[start:end]
        return part + b"\0" * (end - start - len(part))


@dataclass
class Failure:
    """An injected failure. kind: 429, 500, 503, 401, 403, timeout, truncate, drop,
    ignore-range, corrupt (first byte of the body flipped).

    target: info, refs, file, paper, or a glob matched against the file path; `times` failing
    requests before it heals (None: forever)."""

    kind: str
    target: str = "*"
    times: int | None = 1
    retry_after: int | None = None
    delay: float = 3.0

    def matches(self, endpoint: str, path: str | None) -> bool:
        if self.target in ("*", endpoint):
            return True
        return path is not None and fnmatch.fnmatchcase(path, self.target)


_BLOBS: dict[int, tuple[bytes | VirtualFile, tuple[int, str, str]]] = {}


def _blob(content: bytes | VirtualFile) -> tuple[int, str, str]:
    """(size, git blob id, sha256) of a file, computed once per content object (repositories
    share contents, and every info request lists every file)."""
    hit = _BLOBS.get(id(content))
    if hit is not None and hit[0] is content:
        return hit[1]
    result = _blob_uncached(content)
    _BLOBS[id(content)] = (content, result)  # holds the object, so its id is never reused
    return result


def _blob_uncached(content: bytes | VirtualFile) -> tuple[int, str, str]:
    """(size, git blob id, sha256) of a file; for huge virtual files, hashes of a description."""
    if isinstance(content, VirtualFile) and content.size <= FULL_BODY_LIMIT:
        content = content.read(0, content.size)
    if isinstance(content, VirtualFile):
        # too big to hash here: a stand-in, so a client must never fetch such a file whole
        h = hashlib.sha256(b"virtual:%d:" % content.size + content.head).hexdigest()
        return content.size, hashlib.sha1(h.encode()).hexdigest(), h
    git = hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
    return len(content), git, hashlib.sha256(content).hexdigest()


@dataclass
class FakeRepo:
    repo_id: str
    repo_type: str = "model"
    commits: dict[str, dict[str, bytes | VirtualFile]] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    gated: bool | str = False
    private: bool = False
    granted: set[str] = field(default_factory=set)  # tokens with access (gated or private)
    hub_tags: list[str] = field(default_factory=list)
    card_data: dict[str, Any] | None = None
    failures: list[Failure] = field(default_factory=list)
    last_modified: str = "2024-01-01T00:00:00.000Z"

    @property
    def sha(self) -> str:
        return self.branches["main"]

    def files(self, rev: str | None = None) -> dict[str, bytes | VirtualFile]:
        return self.commits[self.resolve(rev or "main") or ""]

    def resolve(self, rev: str) -> str | None:
        if rev in self.branches:
            return self.branches[rev]
        if rev in self.tags:
            return self.tags[rev]
        if rev in self.commits:
            return rev
        return None

    def commit(self, files: dict[str, bytes | VirtualFile], branch: str = "main") -> str:
        h = hashlib.sha1(f"{self.repo_type}/{self.repo_id}/{branch}/{len(self.commits)}".encode())
        for name in sorted(files):
            h.update(name.encode() + _blob(files[name])[1].encode())
        sha = h.hexdigest()
        self.commits[sha] = dict(files)
        self.branches[branch] = sha
        return sha

    def is_lfs(self, path: str, content: bytes | VirtualFile) -> bool:
        return isinstance(content, VirtualFile) or path.endswith(LFS_SUFFIXES) or len(content) >= LFS_MIN


def card(metadata: dict[str, Any] | None, body: str) -> bytes:
    """A model card: YAML front matter and a Markdown body."""
    if not metadata:
        return body.encode()
    return ("---\n" + yaml.safe_dump(metadata, sort_keys=False) + "---\n\n" + body).encode()


def safetensors_header(
    tensors: dict[str, tuple[str, list[int]]], metadata: dict[str, str] | None = None
) -> tuple[bytes, int]:
    """A valid safetensors header for tensors {name: (dtype, shape)}; returns (head, file size)."""
    width = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1}
    table: dict[str, Any] = {"__metadata__": metadata or {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = width[dtype]
        for d in shape:
            n *= d
        table[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(table, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw, 8 + len(raw) + offset


def sharded_weights(
    total_bytes: int, shards: int, *, hidden: int = 8192, prefix: str = "model"
) -> dict[str, bytes | VirtualFile]:
    """Sharded safetensors whose headers declare `total_bytes` of BF16 weights, plus the index.

    Tensors look like a real decoder's (per layer: q/k/v/o projections, MLP, norms), so the
    headers have a realistic size; no weight byte is stored."""
    layer_tensors = (
        ("self_attn.q_proj.weight", [hidden, hidden]),
        ("self_attn.k_proj.weight", [hidden // 8, hidden]),
        ("self_attn.v_proj.weight", [hidden // 8, hidden]),
        ("self_attn.o_proj.weight", [hidden, hidden]),
        ("mlp.gate_proj.weight", [hidden * 7 // 2, hidden]),
        ("mlp.up_proj.weight", [hidden * 7 // 2, hidden]),
        ("mlp.down_proj.weight", [hidden, hidden * 7 // 2]),
        ("input_layernorm.weight", [hidden]),
        ("post_attention_layernorm.weight", [hidden]),
    )

    def stream() -> Iterator[tuple[str, list[int], int]]:
        layer = 0
        while True:
            for t, shape in layer_tensors:
                n = 2
                for d in shape:
                    n *= d
                yield f"model.layers.{layer}.{t}", shape, n
            layer += 1

    tensors_iter = stream()
    files: dict[str, bytes | VirtualFile] = {}
    weight_map: dict[str, str] = {}
    total = 0
    for i in range(1, shards + 1):
        name = f"{prefix}-{i:05d}-of-{shards:05d}.safetensors"
        tensors: dict[str, tuple[str, list[int]]] = {}
        used = 0
        while not tensors or total + used < total_bytes * i // shards:
            tname, shape, n = next(tensors_iter)
            tensors[tname] = ("BF16", shape)
            used += n
        head, size = safetensors_header(tensors)
        files[name] = VirtualFile(size, head)
        total += size
        weight_map.update({t: name for t in tensors})
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    files[f"{prefix}.safetensors.index.json"] = json.dumps(index, indent=2).encode()
    return files


@functools.cache
def _tokenizer() -> bytes:
    """A big non-LFS text file (2.5 MB), like a real tokenizer.json; built once."""
    return json.dumps({"model": {"vocab": {f"tok{i}": i for i in range(120_000)}}}).encode()


def generated_model(
    name: str,
    *,
    license: str = "apache-2.0",
    datasets: list[str] | None = None,
    weights: dict[str, bytes | VirtualFile] | None = None,
    body: str | None = None,
    extra: dict[str, bytes | VirtualFile] | None = None,
) -> dict[str, bytes | VirtualFile]:
    """A plausible model repository's files (card, config, tokenizer, weights, licence)."""
    md: dict[str, Any] = {
        "license": license,
        "library_name": "transformers",
        "pipeline_tag": "text-generation",
    }
    if datasets:
        md["datasets"] = datasets
    text = body or (
        f"# {name}\n\nA decoder-only language model.\n\n## Usage\n\n```python\n"
        f'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("{name}")\n```\n'
    )
    files: dict[str, bytes | VirtualFile] = {
        ".gitattributes": b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
        "README.md": card(md, text),
        "config.json": json.dumps(
            {
                "architectures": ["LlamaForCausalLM"],
                "model_type": "llama",
                "hidden_size": 8192,
                "num_hidden_layers": 80,
            }
        ).encode(),
        "generation_config.json": b'{"do_sample": true}',
        "tokenizer_config.json": b'{"model_max_length": 4096}',
        "special_tokens_map.json": b'{"bos_token": "<s>"}',
        "tokenizer.json": _tokenizer(),
    }
    if weights is not None:
        files.update(weights)
    if extra:
        files.update(extra)
    return files


@dataclass
class Request:
    method: str
    path: str
    status: int
    body_bytes: int
    range: str | None


class FakeHub:
    """The server. Use as a context manager; `url` is its endpoint."""

    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], FakeRepo] = {}
        self.papers: dict[str, dict[str, Any]] = {}
        self.paper_failures: list[Failure] = []
        self.log: list[Request] = []
        self.refused_full_downloads: list[str] = []
        self.sleeps: list[float] = []  # retry waits the client asked for (see serve())
        self.library_requests = 0  # huggingface_hub's own housekeeping, not in `log`
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- content -----------------------------------------------------------------------
    def add_model(self, repo_id: str, files: dict[str, bytes | VirtualFile], **kw: Any) -> FakeRepo:
        return self._add(repo_id, "model", files, **kw)

    def add_dataset(self, repo_id: str, files: dict[str, bytes | VirtualFile], **kw: Any) -> FakeRepo:
        return self._add(repo_id, "dataset", files, **kw)

    def _add(
        self,
        repo_id: str,
        repo_type: str,
        files: dict[str, bytes | VirtualFile],
        *,
        branches: dict[str, dict[str, bytes | VirtualFile] | None] | None = None,
        tags: dict[str, str] | None = None,
        **kw: Any,
    ) -> FakeRepo:
        repo = FakeRepo(repo_id, repo_type, **kw)
        repo.commit(files)
        for name, bfiles in (branches or {}).items():
            repo.commit(files if bfiles is None else bfiles, branch=name)
        for tag, target in (tags or {}).items():
            repo.tags[tag] = repo.resolve(target) or repo.sha
        self.repos[(repo_type, repo_id)] = repo
        return repo

    def add_paper(self, arxiv_id: str, title: str, summary: str, **extra: Any) -> None:
        self.papers[arxiv_id] = {"id": arxiv_id, "title": title, "summary": summary, **extra}

    def populate(
        self,
        count: int,
        *,
        org: str = "bulk",
        weights: dict[str, bytes | VirtualFile] | None = None,
        **kw: Any,
    ) -> list[str]:
        """Add `count` generated model repositories (`org/model-0000`, ...); returns their ids.

        Each gets the same weights (default: one 1 GB safetensors file served from its header),
        so hundreds of repositories cost little memory. `kw` goes to `generated_model`."""
        if weights is None:
            head, size = safetensors_header({"w": ("BF16", [512 * 1024, 1024])})
            weights = {"model.safetensors": VirtualFile(size, head)}
        ids = []
        for i in range(count):
            repo_id = f"{org}/model-{i:04d}"
            self.add_model(repo_id, generated_model(repo_id, weights=weights, **kw))
            ids.append(repo_id)
        return ids

    def fail(self, repo_id: str, failure: Failure, repo_type: str = "model") -> None:
        self.repos[(repo_type, repo_id)].failures.append(failure)

    # -- accounting --------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"requests": len(self.log), "bytes": sum(r.body_bytes for r in self.log)}

    def reset_stats(self) -> None:
        with self._lock:
            self.log.clear()
            self.refused_full_downloads.clear()

    def _record(self, req: Request) -> None:
        with self._lock:
            if req.path.split("?")[0] in LIBRARY_PATHS:
                self.library_requests += 1
            else:
                self.log.append(req)

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(_Handler):
            fake = hub

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut open keep-alive connections (a stopped Hub is unreachable)."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.fake._lock:
            self.fake._conns.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._conns.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    # -- routing -----------------------------------------------------------------------
    def _dispatch(self, method: str) -> None:
        self._method = method
        self._sent = 0
        self._status = 0
        self._truncate = False
        self._ignore_range = False
        self._corrupt = False
        self._logged = False
        u = urlsplit(self.path)
        self._query = parse_qs(u.query)
        parts = [unquote(p) for p in u.path.split("/") if p]
        try:
            if parts[:2] == ["api", "papers"] and len(parts) == 3:
                self._paper(parts[2])
            elif parts in (["api", "models"], ["api", "datasets"]):
                self._list(parts[1][:-1])
            elif parts and parts[0] == "api" and len(parts) >= 3 and parts[1] in ("models", "datasets"):
                self._api(parts[1][:-1], parts[2:])
            elif parts and parts[0] == "cdn" and len(parts) == 2:
                self._cdn(parts[1])
            else:
                repo_type = "model"
                if parts and parts[0] == "datasets":
                    repo_type, parts = "dataset", parts[1:]
                if "resolve" in parts:
                    i = parts.index("resolve")
                    self._resolve(repo_type, "/".join(parts[:i]), parts[i + 1], "/".join(parts[i + 2 :]))
                else:
                    self._error(404, None, "not found")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            if not self._logged:  # answered without a body being sent (timeouts, drops)
                self._log()

    def _log(self) -> None:
        """Record the request before its body goes out, so a client never sees a response
        that the log does not hold yet."""
        self._logged = True
        self.fake._record(
            Request(self._method, self.path, self._status, self._sent, self.headers.get("Range"))
        )

    def _repo(self, repo_type: str, parts: list[str]) -> tuple[FakeRepo | None, list[str]]:
        for n in (2, 1):
            r = self.fake.repos.get((repo_type, "/".join(parts[:n])))
            if r is not None:
                return r, parts[n:]
        return None, parts

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        return auth[7:] if auth.startswith("Bearer ") else None

    def _injected(self, failures: list[Failure], endpoint: str, path: str | None) -> bool:
        """Apply the first matching injected failure; True when the request was answered."""
        for f in failures:
            if f.times is not None and f.times <= 0:
                continue
            if not f.matches(endpoint, path):
                continue
            if f.times is not None:
                f.times -= 1
            if f.kind in ("429", "500", "502", "503"):
                headers = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else {}
                self._error(int(f.kind), None, f"injected {f.kind}", headers)
                return True
            if f.kind in ("401", "403"):
                self._error(int(f.kind), None, "injected")
                return True
            if f.kind == "timeout":
                self._log()
                self.fake._stop.wait(f.delay)
                self.close_connection = True
                return True
            if f.kind == "drop":
                self.close_connection = True
                self._status = -1
                self._log()
                return True
            if f.kind == "truncate":
                self._truncate = True
                return False
            if f.kind == "ignore-range":
                self._ignore_range = True
                return False
            if f.kind == "corrupt":
                self._corrupt = True
                return False
        return False

    def _access(self, repo: FakeRepo, path: str | None = None) -> bool:
        """Private and gated repos, as the Hub answers them; True when access is allowed."""
        token = self._token()
        if repo.private and token not in repo.granted:
            self._error(401, "RepoNotFound", "Repository not found")
            return False
        if repo.gated and path is not None and path not in GATED_PUBLIC and token not in repo.granted:
            msg = f"Access to model {repo.repo_id} is restricted. You must have access to it and be authenticated to access it. Please log in."
            self._error(401 if token is None else 403, "GatedRepo", msg)
            return False
        return True

    # -- endpoints ---------------------------------------------------------------------
    def _api(self, repo_type: str, parts: list[str]) -> None:
        repo, rest = self._repo(repo_type, parts)
        if repo is None:
            self._error(401, "RepoNotFound", "Repository not found")
            return
        if rest == ["refs"]:
            if self._injected(repo.failures, "refs", None) or not self._access(repo):
                return
            self._json(
                {
                    "branches": [
                        {"name": n, "ref": f"refs/heads/{n}", "targetCommit": s}
                        for n, s in repo.branches.items()
                    ],
                    "tags": [
                        {"name": n, "ref": f"refs/tags/{n}", "targetCommit": s} for n, s in repo.tags.items()
                    ],
                    "converts": [],
                }
            )
            return
        rev = "main"
        if len(rest) == 2 and rest[0] == "revision":
            rev = rest[1]
        elif rest:
            self._error(404, None, "not found")
            return
        if self._injected(repo.failures, "info", None) or not self._access(repo):
            return
        sha = repo.resolve(rev)
        if sha is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
            return
        self._json(self._info(repo, sha))

    def _list(self, repo_type: str) -> None:
        """`GET /api/models?author=&search=&limit=` (what `HfApi.list_models` calls)."""
        author = self._query.get("author", [None])[0]
        search = (self._query.get("search", [""])[0] or "").lower()
        limit = int(self._query.get("limit", ["1000"])[0])
        out = []
        for (rtype, repo_id), repo in sorted(self.fake.repos.items()):
            if rtype != repo_type or (author and repo_id.split("/")[0] != author):
                continue
            if search and search not in repo_id.lower():
                continue
            out.append({"_id": repo_id, "id": repo_id, "modelId": repo_id, "private": False,
                        "sha": repo.sha, "tags": [], "downloads": 0, "likes": 0})
            if len(out) >= limit:
                break
        self._json(out)

    def _info(self, repo: FakeRepo, sha: str) -> dict[str, Any]:
        files = repo.commits[sha]
        blobs = self._query.get("blobs", ["false"])[0].lower() == "true"
        siblings = []
        for path in sorted(files):
            size, blob_id, sha256 = _blob(files[path])
            s: dict[str, Any] = {"rfilename": path}
            if blobs:
                s.update({"size": size, "blobId": blob_id})
                if repo.is_lfs(path, files[path]):
                    s["lfs"] = {"sha256": sha256, "size": size, "pointerSize": 134}
            siblings.append(s)
        card_data = repo.card_data
        if card_data is None and isinstance(files.get("README.md"), bytes):
            card_data = _front_matter(files["README.md"])  # type: ignore[arg-type]
        tags = list(repo.hub_tags)
        if card_data:
            lic = card_data.get("license")
            if isinstance(lic, str):
                tags.append(f"license:{lic}")
            ds = card_data.get("datasets")
            for d in ds if isinstance(ds, list) else [ds] if isinstance(ds, str) else []:
                tags.append(f"dataset:{d}")
        data: dict[str, Any] = {
            "_id": hashlib.md5(repo.repo_id.encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0] if "/" in repo.repo_id else None,
            "sha": sha,
            "lastModified": repo.last_modified,
            "createdAt": "2023-01-01T00:00:00.000Z",
            "private": repo.private,
            "gated": repo.gated,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": tags,
            "cardData": card_data,
            "siblings": siblings,
        }
        if repo.repo_type == "model":
            data["modelId"] = repo.repo_id
            st = _safetensors_counts(files)
            if st is not None:
                data["safetensors"] = st
        expand = self._query.get("expand") or self._query.get("expand[]")
        if expand:
            keep = {"_id", "id", *expand}
            data = {k: v for k, v in data.items() if k in keep}
        return data

    def _paper(self, arxiv_id: str) -> None:
        if self._injected(self.fake.paper_failures, "paper", None):
            return
        p = self.fake.papers.get(arxiv_id)
        if p is None:
            self._error(404, None, "Paper not found")
            return
        self._json(
            {
                "id": p["id"],
                "title": p["title"],
                "summary": p["summary"],
                "publishedAt": p.get("publishedAt", "2023-04-03T00:00:00.000Z"),
                "authors": [{"name": a} for a in p.get("authors", ["A. Author"])],
                "upvotes": 1,
                **({"githubRepo": p["github_repo"]} if p.get("github_repo") else {}),
            }
        )

    def _resolve(self, repo_type: str, repo_id: str, rev: str, path: str) -> None:
        repo = self.fake.repos.get((repo_type, repo_id))
        if repo is None:
            self._error(401, "RepoNotFound", "Repository not found")
            return
        if self._injected(repo.failures, "file", path) or not self._access(repo, path):
            return
        sha = repo.resolve(rev)
        if sha is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
            return
        files = repo.commits[sha]
        if path not in files:
            self._error(404, "EntryNotFound", f"{path} does not exist on {rev}")
            return
        content = files[path]
        size, blob_id, sha256 = _blob(content)
        headers = {"X-Repo-Commit": sha, "Accept-Ranges": "bytes"}
        if repo.is_lfs(path, content):
            headers.update(
                {"X-Linked-Etag": f'"{sha256}"', "X-Linked-Size": str(size), "ETag": f'"{sha256}"'}
            )
            q = f"?repo={quote(repo_type + '/' + repo_id, safe='')}&commit={sha}&path={quote(path, safe='')}"
            headers["Location"] = f"/cdn/{sha256}{q}"
            self._send(302, headers, b"")
            return
        headers["ETag"] = f'"{blob_id}"'
        self._content(content, headers)

    def _cdn(self, sha256: str) -> None:
        rtype, _, rid = self._query.get("repo", [""])[0].partition("/")
        repo = self.fake.repos.get((rtype, rid))
        commit = self._query.get("commit", [""])[0]
        path = self._query.get("path", [""])[0]
        content = repo.commits.get(commit, {}).get(path) if repo else None
        if content is None or _blob(content)[2] != sha256:
            self._error(404, None, "no such object")
            return
        if self._injected(repo.failures, "file", path):  # type: ignore[union-attr]
            return
        size = _blob(content)[0]
        headers = {
            "X-Repo-Commit": commit,
            "X-Linked-Etag": f'"{sha256}"',
            "X-Linked-Size": str(size),
            "ETag": f'"{sha256}"',
            "Accept-Ranges": "bytes",
        }
        self._content(content, headers)

    def _content(self, content: bytes | VirtualFile, headers: dict[str, str]) -> None:
        size = content.size if isinstance(content, VirtualFile) else len(content)
        rng = None if self._ignore_range else self.headers.get("Range")
        start, end = 0, size
        status = 200
        if rng:
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if not m or int(m.group(1)) >= size:
                self._send(416, {"Content-Range": f"bytes */{size}"}, b"")
                return
            start = int(m.group(1))
            end = min(size, int(m.group(2)) + 1) if m.group(2) else size
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        if end - start > FULL_BODY_LIMIT and self._method == "GET":
            self.fake.refused_full_downloads.append(self.path)
            self._error(403, None, f"fakehub refuses to send {end - start} bytes in one response")
            return
        body = content.read(start, end) if isinstance(content, VirtualFile) else content[start:end]
        if self._corrupt and body:
            body = bytes([body[0] ^ 0xFF]) + body[1:]
        self._send(status, headers, body)

    # -- output ------------------------------------------------------------------------
    def _json(self, data: Any) -> None:
        self._send(200, {"Content-Type": "application/json"}, json.dumps(data).encode())

    def _error(
        self, status: int, code: str | None, message: str, extra: dict[str, str] | None = None
    ) -> None:
        headers = {"Content-Type": "application/json", "X-Error-Message": message, **(extra or {})}
        if code:
            headers["X-Error-Code"] = code
        self._send(status, headers, json.dumps({"error": message}).encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self._status = status
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if self._method == "HEAD" or not body:
            self._log()
            self.end_headers()
            return
        if self._truncate:
            half = body[: max(1, len(body) // 2)]
            self._sent += len(half)
            self._log()
            self.end_headers()
            self.wfile.write(half)
            self.wfile.flush()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._sent += len(body)
        self._log()
        self.end_headers()
        self.wfile.write(body)


def _safetensors_counts(files: dict[str, bytes | VirtualFile]) -> dict[str, Any] | None:
    """The Hub's `safetensors` property: parameters by dtype over every safetensors file it
    can parse (the Hub computes it from the headers on upload), and their total."""
    by_dtype: dict[str, int] = {}
    found = False
    for path, content in files.items():
        if not path.endswith(".safetensors"):
            continue
        head = content.head if isinstance(content, VirtualFile) else content
        try:
            n = struct.unpack("<Q", head[:8])[0]
            table = json.loads(head[8 : 8 + n])
        except (struct.error, ValueError):
            return None  # the Hub shows no counts when a header does not parse
        found = True
        for name, t in table.items():
            if name == "__metadata__" or not isinstance(t, dict):
                continue
            numel = 1
            for d in t.get("shape") or []:
                numel *= d
            by_dtype[t["dtype"]] = by_dtype.get(t["dtype"], 0) + numel
    if not found:
        return None
    return {"parameters": by_dtype, "total": sum(by_dtype.values())}


def _front_matter(raw: bytes) -> dict[str, Any] | None:
    text = raw.decode("utf-8", "replace")
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


# -- test setup -------------------------------------------------------------------------
def serve(tmp_path: Any, monkeypatch: Any) -> Iterator[FakeHub]:
    """Run a FakeHub with the real huggingface_hub pointed at it and every cache in tmp.

    Meant for a fixture: `yield from fakehub.serve(tmp_path, monkeypatch)`.
    `huggingface_hub` reads HF_ENDPOINT into `constants.ENDPOINT` (and its URL template) at
    import time, so both are patched as well as the environment; waits between retries are
    recorded in `hub.sleeps` instead of slept."""
    from huggingface_hub import constants

    from truecard.sources import hubapi

    hub = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setattr(constants, "ENDPOINT", hub.url)
    monkeypatch.setattr(
        constants, "HUGGINGFACE_CO_URL_TEMPLATE", hub.url + "/{repo_id}/resolve/{revision}/{filename}"
    )
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path / "truecard-cache"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("TRUECARD_HUB_TIMEOUT", "5")
    for var in ("HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HUGGINGFACE_HUB_CACHE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(hubapi, "sleep", hub.sleeps.append)
    try:
        yield hub
    finally:
        hub.stop()

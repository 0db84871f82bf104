"""The few Hub calls a scan needs, made through `huggingface_hub`, bounded and retried.

Why a wrapper at all: the library's shared HTTP client has no default timeout and
`model_info`/`list_repo_refs` do not retry, while a scan must finish in bounded time and say
plainly why a source could not be read. So every call here has an explicit timeout, a small
bounded number of attempts (429 honours `Retry-After`, up to a cap; 5xx, timeouts and dropped
connections back off), and every failure is turned into one sentence by `describe()`.

Everything goes through the library: `HfApi` for repository metadata, its shared session
with its own auth headers, URLs and error mapping (`hf_hub_url`, `build_hf_headers`,
`hf_raise_for_status`) for file bytes and the refs and papers endpoints (those two methods
take no timeout). Bytes are streamed and cut at what was asked for, so a server that ignores
`Range` still cannot make a scan download a 10 GB file.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

from truecard.sources.base import SourceErrorKind

T = TypeVar("T")

DEFAULT_TIMEOUT = 20.0  # seconds per request
DEFAULT_ATTEMPTS = 3
MAX_RETRY_WAIT = 30.0  # a Retry-After longer than this is reported, not waited for
RETRY_STATUS = {408, 429, 500, 502, 503, 504}
# Refuse to skip more than this many bytes when a server ignores Range and answers 200.
MAX_SKIP = 4 << 20

# Tests replace this to observe waits without spending them.
sleep: Callable[[float], None] = time.sleep


class HubCallError(OSError):
    """A Hub call that failed for good; `str()` is a one-line reason for the user."""

    def __init__(self, message: str, *, kind: SourceErrorKind | str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = SourceErrorKind(kind)

        self.status = status


def http_module() -> Any:
    """The HTTP library the installed huggingface_hub uses (httpx for 1.x, httpx2 for 2.x)."""
    from huggingface_hub import get_session

    return importlib.import_module(type(get_session()).__module__.split(".")[0])


def endpoint_from_env() -> str:
    """`HF_ENDPOINT` read now (the library reads it once, at import time)."""
    env = os.environ.get("HF_ENDPOINT")
    if env:
        return env.rstrip("/")
    from huggingface_hub import constants

    return str(constants.ENDPOINT).rstrip("/")


def timeout_from_env() -> float:
    try:
        return float(os.environ.get("TRUECARD_HUB_TIMEOUT", "") or DEFAULT_TIMEOUT)
    except ValueError:
        return DEFAULT_TIMEOUT


def resolve_url(endpoint: str, repo_id: str, repo_type: str, revision: str, path: str) -> str:
    """The file URL `hf_hub_url` builds. Not `hf_hub_url` itself: it swaps in a custom
    endpoint only when its import-time template still matches `constants.ENDPOINT`."""
    prefix = "datasets/" if repo_type == "dataset" else "spaces/" if repo_type == "space" else ""
    return f"{endpoint}/{prefix}{repo_id}/resolve/{quote(revision, safe='')}/{quote(path)}"


def _retry_after(response: Any) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None  # an HTTP-date: treated as an ordinary backoff


@dataclass
class Fetched:
    data: bytes
    headers: dict[str, str]
    status: int


@dataclass
class HubClient:
    """One endpoint, one token, explicit timeouts, counted requests."""

    endpoint: str = field(default_factory=endpoint_from_env)
    token: str | bool | None = None
    timeout: float = field(default_factory=timeout_from_env)
    attempts: int = DEFAULT_ATTEMPTS
    requests: int = 0
    bytes_received: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- calls -----------------------------------------------------------------------
    def repo_info(self, repo_id: str, repo_type: str, revision: str | None, *, sha_only: bool = False) -> Any:
        """`HfApi.model_info`/`dataset_info`: one call for everything the Hub already computed.

        The full info with `blobs` (`files_metadata`) carries the commit, the file list with
        sizes and LFS sha256, card data, tags, access flags and, for models, the safetensors
        parameter counts by dtype that the Hub computes from the headers on upload. (`expand`
        would trim the rest of the page, but the Hub and `huggingface_hub` refuse `expand`
        together with `blobs`, and without `blobs` there are no sizes or hashes.)
        """
        from huggingface_hub import HfApi

        api = HfApi(endpoint=self.endpoint, token=self.token)
        fn = api.dataset_info if repo_type == "dataset" else api.model_info
        kwargs: dict[str, Any] = {"revision": revision, "timeout": self.timeout}
        if sha_only:
            kwargs["expand"] = ["sha"]
        else:
            kwargs["files_metadata"] = True
        return self._call(lambda: fn(repo_id, **kwargs), f"{repo_type} info")

    def refs(self, repo_id: str, repo_type: str) -> dict[str, dict[str, str]]:
        """Branches and tags (the endpoint behind `HfApi.list_repo_refs`, with a timeout)."""
        url = f"{self.endpoint}/api/{repo_type}s/{repo_id}/refs"
        data = self._get_json(url)
        out: dict[str, dict[str, str]] = {"branches": {}, "tags": {}}
        for kind in ("branches", "tags"):
            for item in data.get(kind) or []:
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    out[kind][item["name"]] = str(item.get("targetCommit") or "")
        return out

    def paper(self, arxiv_id: str) -> dict[str, Any]:
        """A paper page's metadata (the endpoint behind `HfApi.paper_info`, with a timeout)."""
        from huggingface_hub.hf_api import PaperInfo

        raw = self._get_json(f"{self.endpoint}/api/papers/{arxiv_id}")
        p = PaperInfo(**raw)
        return {
            "id": p.id or arxiv_id,
            "title": p.title,
            "summary": p.summary,
            "published_at": p.published_at.isoformat() if p.published_at else None,
            "authors": [a.name for a in (p.authors or []) if getattr(a, "name", None)][:50],
            "github_repo": p.github_repo,
            "project_page": p.project_page,
        }

    def file(
        self,
        repo_id: str,
        repo_type: str,
        revision: str,
        path: str,
        start: int = 0,
        end: int | None = None,
    ) -> Fetched:
        """Bytes [start, end) of a file at a revision (the whole file when end is None)."""
        url = resolve_url(self.endpoint, repo_id, repo_type, revision, path)
        ranged = start > 0 or end is not None
        want = None if end is None else end - start
        return self._call(lambda: self._stream(url, start, want, ranged), path)

    # -- plumbing --------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        from huggingface_hub.utils import build_hf_headers

        return build_hf_headers(token=self.token, library_name="truecard")

    def _get_json(self, url: str) -> Any:
        from huggingface_hub import get_session
        from huggingface_hub.utils import hf_raise_for_status

        def once() -> Any:
            r = get_session().get(url, headers=self._headers(), timeout=self.timeout)
            self._count(len(r.content))
            hf_raise_for_status(r)
            return r.json()

        return self._call(once, url.rsplit("/api/", 1)[-1])

    def _stream(self, url: str, start: int, want: int | None, ranged: bool) -> Fetched:
        from huggingface_hub import get_session
        from huggingface_hub.utils import hf_raise_for_status

        headers = self._headers()
        if ranged:
            headers["Range"] = f"bytes={start}-" + (f"{start + want - 1}" if want else "")
        with get_session().stream("GET", url, headers=headers, timeout=self.timeout) as r:
            if r.status_code >= 400:
                r.read()
                self._count(len(r.content))
                hf_raise_for_status(r)
            skip = start if (ranged and r.status_code == 200) else 0
            if skip > MAX_SKIP:
                self._count(0)
                raise HubCallError(f"{url}: the server ignored the byte range", kind="server")
            chunks: list[bytes] = []
            got = 0
            limit = None if want is None else skip + want
            for chunk in r.iter_bytes():
                chunks.append(chunk)
                got += len(chunk)
                if limit is not None and got >= limit:
                    break
            self._count(got)
            data = b"".join(chunks)[skip : limit if limit is not None else None]
            declared = r.headers.get("Content-Length")
            complete = limit is not None and got >= limit
            if not complete and declared is not None and declared.isdigit() and got < int(declared):
                raise HubCallError(f"{url}: response truncated ({got} of {declared} bytes)", kind="network")
            return Fetched(data, dict(r.headers), r.status_code)

    def _count(self, n: int) -> None:
        with self._lock:
            self.requests += 1
            self.bytes_received += n

    def _call(self, fn: Callable[[], T], what: str) -> T:
        """Run one call with bounded retries; raise `HubCallError` with a plain reason."""
        from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

        http = http_module()
        transient = (http.TimeoutException, http.NetworkError, http.RemoteProtocolError)
        from truecard import ratelimit

        host = self.endpoint.split("://", 1)[-1].split("/", 1)[0]
        attempt = 0
        while True:
            attempt += 1
            ratelimit.acquire(host)  # the run-wide bucket (shared by all batch workers)
            try:
                return fn()
            except HubCallError as exc:
                if exc.kind != "network" or attempt >= self.attempts:
                    raise
                sleep(0.5 * 2 ** (attempt - 1))
            except OfflineModeIsEnabled:
                raise HubCallError(
                    "HF_HUB_OFFLINE is set: the Hub is not contacted", kind="offline"
                ) from None
            except HfHubHTTPError as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status not in RETRY_STATUS or attempt >= self.attempts:
                    raise self._describe(exc, what) from None
                wait = _retry_after(exc.response)
                if status == 429 and wait is not None:
                    ratelimit.backoff(host, wait)  # every worker holds off, not just this one
                if wait is None:
                    wait = 0.5 * 2 ** (attempt - 1)
                if wait > MAX_RETRY_WAIT:
                    raise self._describe(exc, what) from None
                sleep(wait)
            except transient as exc:
                if attempt >= self.attempts:
                    raise self._describe(exc, what) from None
                sleep(0.5 * 2 ** (attempt - 1))

    def _describe(self, exc: Exception, what: str) -> HubCallError:
        from huggingface_hub.errors import (
            DisabledRepoError,
            GatedRepoError,
            HfHubHTTPError,
            RemoteEntryNotFoundError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )

        http = http_module()
        tries = f" (after {self.attempts} attempts)" if self.attempts > 1 else ""
        if isinstance(exc, GatedRepoError):
            return HubCallError(
                "gated repository: access not granted to this token", kind="gated", status=_st(exc)
            )
        if isinstance(exc, RepositoryNotFoundError):
            return HubCallError(
                "repository not found (or private, and HF_TOKEN does not grant access)",
                kind="not-found",
                status=_st(exc),
            )
        if isinstance(exc, RevisionNotFoundError):
            return HubCallError("revision not found", kind="revision", status=_st(exc))
        if isinstance(exc, RemoteEntryNotFoundError):
            return HubCallError(f"{what}: file not found", kind="entry", status=_st(exc))
        if isinstance(exc, DisabledRepoError):
            return HubCallError("repository disabled on the Hub", kind="not-found", status=_st(exc))
        if isinstance(exc, HfHubHTTPError):
            status = _st(exc)
            if status == 429:
                ra = _retry_after(exc.response)
                wait = f", retry after {ra:.0f}s" if ra is not None else ""
                return HubCallError(
                    f"rate limited by the Hub (HTTP 429{wait}){tries}; try later, or set HF_TOKEN",
                    kind="rate-limit",
                    status=429,
                )
            if status in (401, 403):
                return HubCallError(f"{what}: access denied (HTTP {status})", kind="gated", status=status)
            return HubCallError(
                f"{what}: the Hub answered HTTP {status}{tries}", kind="server", status=status
            )
        if isinstance(exc, http.TimeoutException):
            return HubCallError(f"{what}: timed out after {self.timeout:g}s{tries}", kind="timeout")
        if isinstance(exc, http.RemoteProtocolError):
            return HubCallError(
                f"{what}: the connection closed before the whole response arrived{tries}", kind="network"
            )
        return HubCallError(f"cannot reach {self.endpoint}: {type(exc).__name__}{tries}", kind="network")


def _st(exc: Any) -> int | None:
    r = getattr(exc, "response", None)
    return getattr(r, "status_code", None)

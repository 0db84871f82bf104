"""A token bucket shared by every worker of a run, honouring 429 `Retry-After`.

Remote sources call `acquire(host)` before each request and `backoff(host, seconds)` when a
server answers 429. In one process the bucket is a plain object; a batch run installs a
bucket shared across its worker processes (a `multiprocessing` manager proxy) or across a
Ray cluster (an actor), through `install()`, so the whole run stays under one rate however
many workers it has.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Bucket(Protocol):
    def take(self, host: str) -> float:
        """Reserve one request; return how many seconds the caller must wait first."""
        ...

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to `host` for `seconds` (a 429's Retry-After)."""
        ...


class TokenBucket:
    """Classic token bucket per host: `rate` requests per second, bursts up to `burst`."""

    def __init__(self, rate: float = 10.0, burst: int = 20) -> None:
        self.rate = rate
        self.burst = burst
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}  # host -> (tokens, timestamp)
        self._paused_until: dict[str, float] = {}
        self.requests = 0
        self.pauses = 0

    def take(self, host: str) -> float:
        with self._lock:
            now = time.monotonic()
            tokens, ts = self._state.get(host, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - ts) * self.rate)
            wait = max(0.0, self._paused_until.get(host, 0.0) - now)
            tokens -= 1.0
            if tokens < 0:
                wait = max(wait, -tokens / self.rate)
            self._state[host] = (tokens, now)
            self.requests += 1
            return wait

    def pause(self, host: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + max(0.0, seconds)
            if until > self._paused_until.get(host, 0.0):
                self._paused_until[host] = until
            self.pauses += 1

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self.requests, "pauses": self.pauses}


class Unlimited:
    """The default outside batch runs: no waiting, but 429 pauses are still honoured."""

    def __init__(self) -> None:
        self._paused_until: dict[str, float] = {}

    def take(self, host: str) -> float:
        return max(0.0, self._paused_until.get(host, 0.0) - time.monotonic())

    def pause(self, host: str, seconds: float) -> None:
        self._paused_until[host] = time.monotonic() + max(0.0, seconds)


_bucket: Bucket = Unlimited()


def install(bucket: Bucket) -> None:
    global _bucket
    _bucket = bucket


def current() -> Bucket:
    return _bucket


def acquire(host: str) -> None:
    """Block until a request to `host` is allowed by the run-wide bucket."""
    wait = _bucket.take(host)
    if wait > 0:
        time.sleep(min(wait, 300.0))


def backoff(host: str, seconds: float) -> None:
    """Tell every worker that `host` asked us to wait (HTTP 429 Retry-After)."""
    _bucket.pause(host, min(seconds, 300.0))

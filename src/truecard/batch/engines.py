"""Where items are scored: local worker processes (default) or a Ray cluster.

Both engines yield `(key, outcome)` pairs as items finish; the caller (the parent process)
is the only writer of the ledger and the store, so the engines stay stateless.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.managers import BaseManager
from typing import Any

from truecard import ratelimit
from truecard.batch.work import probe_item, score_item, warm


class _BucketManager(BaseManager):
    pass


_BucketManager.register("TokenBucket", ratelimit.TokenBucket)


# A scan makes no reference cycles (none found over the 400 corpus cards), so the cyclic
# collector only costs a worker time: 0.8 ms of a card's ~12 ms at the default thresholds.
# Workers run without it and collect once every GC_EVERY items, which bounds what cycles an
# odd input (a recursive YAML alias) could leave. What survives a collection is what the
# process keeps (its caches of folds, plans, URL kinds: some 10,000 containers after a hundred
# cards) and is frozen with the rest, so that the next collection walks only what came since:
# 1.5 ms a collection without, 0.1 ms with.
GC_EVERY = 50
_done = [0]


def _init_worker(bucket: Any) -> None:
    """Runs once per worker: the shared bucket (None: a run that makes no request keeps the
    process's own), and the inherited objects (everything the parent's `warm()` loaded)
    moved out of the collector's reach, so that collections in the worker never write to,
    and so copy, the pages it shares with the parent; the automatic collector off (see
    GC_EVERY)."""
    gc.freeze()
    gc.disable()
    if bucket is not None:
        ratelimit.install(bucket)


def _task(kind: str, sources: list[str], options: dict[str, Any]) -> Any:
    try:
        return probe_item(sources) if kind == "probe" else score_item(sources, options)
    finally:
        _done[0] += 1
        if _done[0] % GC_EVERY == 0 and not gc.isenabled():
            gc.collect()
            gc.freeze()


def _tasks(kind: str, batch: list[list[str]], options: dict[str, Any]) -> list[Any]:
    """`_task` for each item of a chunk, in order (see `LocalEngine._chunk`)."""
    return [_task(kind, sources, options) for sources in batch]


# Local folders are scored in milliseconds, and handing a worker one item costs the parent
# about 0.25 ms of its executor's threads (a future, a pickled call, a result read back) and
# the worker a round trip: at -j 2 that parent time is a share of the same two cores. So
# consecutive local items go to a worker in chunks of up to CHUNK_MAX, fewer as the queue
# empties (at most a quarter of it per worker, so that the last chunks still spread over
# every worker). A remote item (its requests, its time limit) goes alone: a chunk's results
# come back together, and nothing should wait for a slow download to be recorded.
CHUNK_MAX = 8


def _all_local(sources: list[str]) -> bool:
    from truecard.sources.resolve import plain_folder

    return all(plain_folder(s) for s in sources)


def _crashed(exc: BaseException) -> dict[str, Any]:
    return {"ok": False, "error": f"worker crashed: {type(exc).__name__}: {exc}", "kind": "error"}


def may_request(sources: list[list[str]], follow_links: bool) -> bool:
    """Whether scoring these items may make a request the run's bucket limits (the Hub's
    API: `truecard.sources.hubapi` is its only user): any item with a source that is not a
    plain local folder, or links followed out of the cards. A plain folder is read where it
    lies, and its scan asks nothing of any server."""
    return follow_links or not all(_all_local(s) for s in sources)


class LocalEngine:
    """A pool of worker processes sharing one token bucket (a manager proxy).

    With `requests` False (a run of local folders only, `may_request`) there is no bucket to
    share, and no manager process is started for one: its start and stop cost a batch about
    10 ms, half a percent of scoring the corpus's 400 cards."""

    name = "local"

    def __init__(self, concurrency: int, rate: float, burst: int, requests: bool = True) -> None:
        self.concurrency = max(1, concurrency)
        warm()  # once, here: the forked workers inherit it all (copy-on-write)
        self._manager: _BucketManager | None = None
        self.bucket: Any = None
        if requests:
            self._manager = _BucketManager(ctx=mp.get_context("fork"))
            self._manager.start()
            self.bucket = self._manager.TokenBucket(rate, burst)  # type: ignore[attr-defined]
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.concurrency,
            mp_context=mp.get_context("fork"),
            initializer=_init_worker,
            initargs=(self.bucket,),
        )

    def run(
        self, kind: str, items: list[tuple[str, list[str]]], options: dict[str, Any],
        tick: float | None = None,
    ) -> Iterator[tuple[str | None, Any]]:
        """(key, outcome) as items finish; with `tick`, also (None, None) after every `tick`
        seconds without a finished item (the caller commits what it holds).

        A worker that dies (killed for memory, a crash in a native parser) breaks the whole
        pool, and every item it held fails with it, guilty or not. So a broken pool is
        replaced by a fresh one, the items it held are run again one at a time, and only an
        item that breaks a pool on its own is reported as "worker crashed"; the others, and
        the rest of the batch, go on."""
        pending: dict[Future[Any], list[tuple[str, list[str]]]] = {}  # a chunk's items, in order
        queue = list(reversed(items))
        suspects: list[tuple[str, list[str]]] = []  # held by a pool that broke: run alone
        alone = False  # whether the one pending item is a suspect run by itself
        while queue or pending or suspects:
            if suspects and not pending:
                chunk = [suspects.pop()]
                pending[self._pool.submit(_tasks, kind, [chunk[0][1]], options)] = chunk
                alone = True
            while not suspects and not alone and queue and len(pending) < self.concurrency * 2:
                chunk = self._chunk(queue)
                pending[self._pool.submit(_tasks, kind, [s for _, s in chunk], options)] = chunk
            done, _ = wait(pending, timeout=tick, return_when=FIRST_COMPLETED)
            if not done:
                yield None, None
            broken = False
            for fut in done:
                chunk = pending.pop(fut)
                try:
                    outcomes = fut.result()
                except BrokenProcessPool as exc:
                    broken = True
                    if alone:
                        yield chunk[0][0], _crashed(exc)
                    else:
                        suspects.extend(reversed(chunk))
                    continue
                except Exception as exc:
                    for key, _ in chunk:
                        yield key, _crashed(exc)
                    continue
                for (key, _), outcome in zip(chunk, outcomes, strict=True):
                    yield key, outcome
            if broken:
                # every item the broken pool still held is failed too: suspects all
                for held in pending.values():
                    suspects.extend(reversed(held))
                pending.clear()
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = self._new_pool()
            if not pending:
                alone = False

    def _chunk(self, queue: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
        """The next items to hand one worker (from the end of `queue`, which is reversed):
        one, or up to CHUNK_MAX consecutive items that are all local folders."""
        size = max(1, min(CHUNK_MAX, len(queue) // (self.concurrency * 4)))
        chunk = [queue.pop()]
        if size > 1 and _all_local(chunk[0][1]):
            while len(chunk) < size and queue and _all_local(queue[-1][1]):
                chunk.append(queue.pop())
        return chunk

    def stats(self) -> dict[str, int]:
        if self.bucket is None:
            return {"requests": 0, "pauses": 0}
        return self.bucket.stats()  # type: ignore[no-any-return]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._manager is not None:
            self._manager.shutdown()


class RayEngine:
    """Items spread over a Ray cluster's workers; one bucket actor rate-limits them all.

    Without an address a local Ray instance is started (and stopped at the end).
    """

    name = "ray"

    def __init__(self, concurrency: int, rate: float, burst: int, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            from truecard._install import install_command

            raise RuntimeError(f"the Ray engine needs the ray extra: {install_command('ray')}") from None
        self.ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
            }
            if address:
                kwargs["address"] = address
            else:
                # a local instance: its workers import this very copy of truecard
                import os
                from pathlib import Path

                import truecard

                here = str(Path(truecard.__file__).resolve().parents[1])
                path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
                kwargs["num_cpus"] = max(1, concurrency)
                kwargs["runtime_env"] = {"env_vars": {"PYTHONPATH": path}}
            ray.init(**kwargs)
        self.concurrency = max(1, concurrency)
        bucket_actor = ray.remote(ratelimit.TokenBucket)
        # an actor handle: Ray's types give its methods no `.remote`, so it is typed as what it is to us
        self.bucket: Any = bucket_actor.remote(rate, burst)

        bucket = self.bucket

        @ray.remote
        def remote_task(kind: str, sources: list[str], options: dict[str, Any]) -> Any:
            ratelimit.install(_ActorBucket(bucket))
            return _task(kind, sources, options)

        self._remote = remote_task

    def run(
        self, kind: str, items: list[tuple[str, list[str]]], options: dict[str, Any],
        tick: float | None = None,
    ) -> Iterator[tuple[str | None, Any]]:
        """As `LocalEngine.run`."""
        ray = self.ray
        pending: dict[Any, str] = {}
        queue = list(reversed(items))
        while queue or pending:
            while queue and len(pending) < self.concurrency * 2:
                key, sources = queue.pop()
                pending[self._remote.remote(kind, sources, options)] = key
            done, _ = ray.wait(list(pending), num_returns=1, timeout=tick)
            if not done:
                yield None, None
            for ref in done:
                key = pending.pop(ref)
                try:
                    yield key, ray.get(ref)
                except Exception as exc:
                    yield (
                        key,
                        {
                            "ok": False,
                            "error": f"ray task failed: {type(exc).__name__}: {exc}",
                            "kind": "error",
                        },
                    )

    def stats(self) -> dict[str, int]:
        return self.ray.get(self.bucket.stats.remote())  # type: ignore[no-any-return]

    def close(self) -> None:
        if self._started:
            self.ray.shutdown()


class _ActorBucket:
    """Adapts the Ray bucket actor to the `ratelimit.Bucket` protocol."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def take(self, host: str) -> float:
        import ray

        return float(ray.get(self.actor.take.remote(host)))

    def pause(self, host: str, seconds: float) -> None:
        self.actor.pause.remote(host, seconds)

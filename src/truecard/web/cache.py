"""Caches of the dashboard's busiest pages, keyed by the store's data version
(`repo.data_version`, bumped in the same transaction as every write): an entry is never served
after a change, whichever process or command made it.

- `PageCache`: a small LRU of rendered tables and of whole anonymous pages.
- `VersionProbe`: reads that version on one dedicated autocommit connection, so a cache hit
  costs one indexed single-row read and no ORM session, no pool checkout and no thread hop (the
  probe runs on the event loop; a pool that is exhausted by busy threads can never block it).
  On PostgreSQL the page path reads it on an asyncio connection (`read`): the event loop keeps
  serving while the server answers, and requests that arrive while one read is under way share
  the next read (one that starts after they arrived, so it sees every commit made before them):
  with 20 busy clients, a handful of round trips instead of 20, and none blocking the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import OrderedDict
from typing import Any

VERSION_SQL = "SELECT version FROM store_state WHERE id = 1"
RETRY_SECONDS = 5.0


class PageCache:
    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class VersionProbe:
    """The store's data version from a connection of its own (opened on first use, reopened
    after an error). `version()` is None when the probe cannot answer (an in-memory SQLite
    store, whose one connection is shared; a store that is down): callers then take the normal
    path, which reports the error properly."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self._conn: Any = None
        self._lock = threading.Lock()
        self._retry_at = 0.0  # after a failure, no new connection before this (monotonic) time
        from sqlalchemy.engine import make_url

        self.enabled = not (db.is_sqlite and make_url(db.url).database in (None, "", ":memory:"))
        url = make_url(db.url)
        # the asyncio path needs psycopg 3 (the driver `normalise_url` picks); others stay synchronous
        self._async_ok = self.enabled and url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg"
        self._aconn: Any = None
        self._waiters: list[asyncio.Future[int | None]] = []
        self._driver: asyncio.Task[None] | None = None

    def _open(self) -> Any:
        pooled = self.db.read_engine.raw_connection()
        pooled.detach()  # ours alone: never handed to a request thread, closed by close()
        raw = pooled.dbapi_connection
        if not self.db.is_sqlite:
            raw.autocommit = True  # each read sees the latest commit; no transaction left open
        return raw

    def version(self) -> int | None:
        if not self.enabled:
            return None
        with self._lock:
            if self._conn is None and time.monotonic() < self._retry_at:
                return None  # the store failed a moment ago: no connection attempt on the event loop
            try:
                if self._conn is None:
                    self._conn = self._open()
                cur = self._conn.cursor()
                try:
                    cur.execute(VERSION_SQL)
                    row = cur.fetchone()
                finally:
                    cur.close()
            except Exception:  # the store went away: the normal path will say so
                self._close()
                self._retry_at = time.monotonic() + RETRY_SECONDS
                return None
        return int(row[0]) if row else 0

    async def read(self) -> int | None:
        """The version, for a request on the event loop: `version()` on SQLite (an in-process
        read, nothing to wait for), else a shared asyncio read that started after this call."""
        if not self._async_ok:
            return self.version()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[int | None] = loop.create_future()
        self._waiters.append(fut)
        if self._driver is None:
            self._driver = loop.create_task(self._drive())
        return await fut

    async def _drive(self) -> None:
        """Answer the waiters in rounds: each round takes every waiter already queued, then
        reads; waiters that queue during the read are answered by the next round's read."""
        try:
            while self._waiters:
                waiters, self._waiters = self._waiters, []
                value = await self._aread()
                for f in waiters:
                    if not f.done():
                        f.set_result(value)
        finally:
            self._driver = None
            for f in self._waiters:  # cancelled mid-round (the server stops): nobody waits forever
                if not f.done():
                    f.set_result(None)
            self._waiters = []

    async def _aread(self) -> int | None:
        if self._aconn is None and time.monotonic() < self._retry_at:
            return None
        try:
            if self._aconn is None:
                self._aconn = await self._aopen()
            cur = await self._aconn.execute(VERSION_SQL)
            row = await cur.fetchone()
        except Exception:  # the store went away: the normal path will say so
            await self._aclose()
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return None
        return int(row[0]) if row else 0

    async def _aopen(self) -> Any:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(self.db.url)
        params: dict[str, Any] = {k: v for k, v in {"host": u.host, "port": u.port, "user": u.username,
                                                   "password": u.password, "dbname": u.database}.items()
                                  if v is not None}
        params.update({k: v for k, v in u.query.items() if isinstance(v, str)})
        return await psycopg.AsyncConnection.connect(autocommit=True, **params)

    async def _aclose(self) -> None:
        conn, self._aconn = self._aconn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._close()

    async def aclose(self) -> None:
        """Close both connections (the server's lifespan end, on its event loop)."""
        self.close()
        await self._aclose()

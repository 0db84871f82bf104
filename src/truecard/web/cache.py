"""Caches of the dashboard's busiest pages, keyed by the store's data version
(`repo.data_version`, bumped in the same transaction as every write): an entry is never served
after a change, whichever process or command made it.

- `PageCache`: a small LRU of rendered tables and of whole anonymous pages.
- `VersionProbe`: reads that version on one dedicated autocommit connection, so a cache hit
  costs one indexed single-row read and no ORM session, no pool checkout and no thread hop (the
  probe runs on the event loop; a pool that is exhausted by busy threads can never block it).
"""

from __future__ import annotations

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

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._close()

"""Database connections: embedded SQLite by default, PostgreSQL by URL.

SQLite runs in WAL mode with `synchronous=FULL`: a committed evaluation is on disk before the
commit returns, so killing the server loses nothing committed. Writes take the lock up front
(`BEGIN IMMEDIATE`, on a separate engine) so concurrent writers wait instead of failing;
readers never wait for writers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

ENV_VAR = "TRUECARD_DATABASE_URL"


class StoreError(Exception):
    """A store that cannot be used as asked (bad URL, unreachable server, old schema)."""


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "truecard" / "truecard.db"


def default_url() -> str:
    """`TRUECARD_DATABASE_URL`, else an SQLite file in the user's data folder."""
    return os.environ.get(ENV_VAR) or f"sqlite:///{default_path()}"


def normalise_url(url: str | None) -> str:
    """Accept SQLAlchemy URLs, `postgres://` URLs and plain file paths (SQLite)."""
    url = (url or "").strip() or default_url()
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _sqlite_engine(url: str, write: bool) -> Engine:
    u = make_url(url)
    memory = not u.database or u.database == ":memory:"
    if not memory:
        Path(str(u.database)).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, object] = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)  # type: ignore[arg-type]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below starts transactions
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def make_engine(url: str, *, write: bool = False) -> Engine:
    url = normalise_url(url)
    try:
        if url.startswith("sqlite"):
            return _sqlite_engine(url, write)
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, pool_recycle=1800)
    except Exception as exc:  # bad URL, missing driver
        raise StoreError(f"cannot use database {redact(url)}: {exc}") from None


class Database:
    """Two engines on one database: `read()` sessions and `write()` transactions."""

    def __init__(self, url: str | None = None) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        memory = self.is_sqlite and make_url(self.url).database in (None, "", ":memory:")
        self.write_engine = make_engine(self.url, write=True)
        # an in-memory SQLite database exists once per connection: share the write engine
        self.read_engine = self.write_engine if (memory or not self.is_sqlite) else make_engine(self.url)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as s:
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction committed when the block ends without error, rolled back otherwise."""
        with self._write() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()

    def __repr__(self) -> str:
        return f"Database({redact(self.url)!r})"

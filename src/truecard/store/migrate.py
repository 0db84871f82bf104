"""Schema migrations (Alembic, shipped in the package under `truecard/store/migrations`).

`truecard db upgrade` applies them; every command that opens a store applies them to an empty
database on its own (so SQLite needs no set-up), but never touches a database that holds an older
schema: that is an explicit `truecard db upgrade`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import column, func, inspect, select, table

from truecard.store.db import Database, StoreError, redact

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision; a test checks it against Alembic's head. Knowing it here lets
# an up-to-date database open without importing Alembic (half a second of start-up).
HEAD = "0005"


def _config(db: Database):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def head(db: Database) -> str:
    from alembic.script import ScriptDirectory

    rev = ScriptDirectory.from_config(_config(db)).get_current_head()
    assert rev is not None
    return rev


def current(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with db.read_engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:
        raise StoreError(f"cannot open database {redact(db.url)}: {_first_line(exc)}") from None


def upgrade(db: Database, target: str = "head") -> tuple[str | None, str]:
    """Apply migrations up to `target`; returns (revision before, revision after)."""
    from alembic import command

    before = current(db)
    cfg = _config(db)
    try:
        with db.write_engine.connect() as conn:
            raw = conn.connection.dbapi_connection if db.is_sqlite else None
            if raw is not None:
                # SQLite changes a column's type by copying the table and dropping the old one;
                # with foreign keys enforced that drop would cascade to every evaluation and claim.
                # Off outside the transaction (SQLite ignores it inside one), checked and on after.
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        # two servers starting on one empty database: one migrates, the other waits
                        conn.execute(select(func.pg_advisory_xact_lock(7419152)))
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, target)
            finally:
                if raw is not None:
                    broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                    raw.execute("PRAGMA foreign_keys=ON")
                    if broken:
                        raise StoreError(f"migration left {len(broken)} dangling reference(s) in {redact(db.url)}")
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"migration failed on {redact(db.url)}: {_first_line(exc)}") from None
    return before, current(db) or ""


def _version_fast(db: Database) -> str | None:
    """The stored revision read with plain SQL (no Alembic), or None when there is none."""
    try:
        with db.read_engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            version = table("alembic_version", column("version_num"))
            rows = conn.execute(select(version.c.version_num)).scalars().all()
    except Exception as exc:
        raise StoreError(f"cannot open database {redact(db.url)}: {_first_line(exc)}") from None
    return rows[0] if len(rows) == 1 else None


def ensure_schema(db: Database) -> None:
    """Create the schema in an empty database; refuse a database at another revision."""
    if _version_fast(db) == HEAD:
        return
    want = head(db)
    have = current(db)
    if have == want:
        return
    if have is None:
        with db.read_engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        if tables:
            raise StoreError(
                f"database {redact(db.url)} holds tables ({', '.join(sorted(tables)[:5])}) but no truecard "
                "schema version; point --db at an empty database or a truecard one"
            )
        upgrade(db)
        return
    raise StoreError(
        f"database {redact(db.url)} has schema revision {have}, this truecard needs {want}: "
        "run `truecard db upgrade` (with the same --db) first"
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

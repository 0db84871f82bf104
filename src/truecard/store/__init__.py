"""The dashboard's store: models, evaluations (full scorecard JSON plus indexed leaderboard
columns), claims, users and tokens, sessions and the audit log, in SQLite or PostgreSQL.

    from truecard.store import open_store
    db = open_store()                      # TRUECARD_DATABASE_URL or ~/.local/share/truecard/truecard.db
    with db.write() as s:
        repo.save_evaluation(s, scorecard_json, actor="cli")

Needs the `web` extra (SQLAlchemy, Alembic); PostgreSQL also the `postgres` extra.
"""

from __future__ import annotations

from truecard.store.db import ENV_VAR, Database, StoreError, default_url, normalise_url, redact


def open_store(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open a store; an empty database gets the schema (see `migrate.ensure_schema`)."""
    from truecard.store.migrate import ensure_schema

    db = Database(url)
    if migrate:
        try:
            ensure_schema(db)
        except BaseException:
            db.dispose()
            raise
    return db


__all__ = ["ENV_VAR", "Database", "StoreError", "default_url", "normalise_url", "open_store", "redact"]

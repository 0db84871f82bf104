"""Alembic environment for the truecard store (run by `truecard.store.migrate`)."""

from __future__ import annotations

from alembic import context

from truecard.store.db import make_engine
from truecard.store.orm import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "", write=True)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()

"""`truecard db upgrade|current`: the store's schema (Alembic migrations shipped in the package)."""

from __future__ import annotations

import typer

from truecard.commands._common import DbOption, fail, need_web_extra, open_db

db_app = typer.Typer(help="The dashboard's database: schema migrations.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Apply schema migrations (creates the schema in an empty database)."""
    need_web_extra("truecard db upgrade")
    from truecard.store import StoreError, migrate, redact

    store = open_db(db, migrate=False, what="truecard db upgrade")
    try:
        before, after = migrate.upgrade(store)
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.dispose()
    if before == after:
        typer.echo(f"{redact(store.url)}: already at revision {after}")
    else:
        typer.echo(f"{redact(store.url)}: upgraded from {before or 'empty'} to {after}")


@db_app.command("current")
def current(db: DbOption = None) -> None:
    """Show the database's schema revision and the one this truecard needs."""
    need_web_extra("truecard db current")
    from truecard.store import StoreError, migrate, redact

    store = open_db(db, migrate=False, what="truecard db current")
    try:
        have, want = migrate.current(store), migrate.head(store)
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.dispose()
    state = "up to date" if have == want else "run `truecard db upgrade`"
    typer.echo(f"{redact(store.url)}: revision {have or 'none (empty)'}; this truecard needs {want} ({state})")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")

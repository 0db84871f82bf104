"""`truecard db upgrade|current|rescan`: the store's schema (Alembic migrations shipped in the package),
and the server's re-scan of pushed evaluations (`truecard.store.rescan`)."""

from __future__ import annotations

from typing import Annotated

import typer

from truecard.commands._common import DbOption, fail, need_web_extra, open_db

db_app = typer.Typer(help="The dashboard's database: schema migrations, re-scans of pushed evaluations.", no_args_is_help=True)


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


@db_app.command("rescan")
def rescan(
    model_ids: Annotated[list[str] | None, typer.Argument(help="Models to check (default: every model).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every unverified pushed evaluation, not only the latest "
                                        "of each model.")] = False,
    db: DbOption = None,
) -> None:
    """Re-scan pushed evaluations from their public source (hf:, gh: at the pushed revision): the same
    points rank them; different points store the server's own scan, which ranks instead."""
    need_web_extra("truecard db rescan")
    from truecard.commands._common import cli_actor
    from truecard.reports.literal import literal
    from truecard.store import StoreError
    from truecard.store import rescan as rs

    store = open_db(db, what="truecard db rescan")
    try:
        outcomes = rs.rescan(store, model_ids or (), every=every, actor=cli_actor() + " (rescan)")
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.dispose()
    for o in outcomes:
        typer.echo(literal(o.line()))
    counts = {r: sum(o.result == r for o in outcomes) for r in ("matched", "differs", "failed", "not-rescannable")}
    typer.echo("truecard: re-scanned " + ", ".join(f"{n} {r}" for r, n in counts.items()), err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")

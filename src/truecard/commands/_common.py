"""Helpers shared by the store commands (serve, db, token, export, import, scan --save)."""

from __future__ import annotations

import getpass
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from truecard.store import Database

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE, postgresql://USER@HOST/DB) or an SQLite file path. "
        "Default: $TRUECARD_DATABASE_URL, else ~/.local/share/truecard/truecard.db.",
        show_default=False,
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"truecard: error: {message}", err=True)
    return typer.Exit(code)


def need_web_extra() -> None:
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        raise fail("the store needs the web extra: pip install 'truecard[web]'") from None


def open_db(url: str | None, *, migrate: bool = True) -> Database:
    need_web_extra()
    from truecard.store import StoreError, open_store

    try:
        return open_store(url, migrate=migrate)
    except StoreError as exc:
        raise fail(str(exc)) from None
    except ModuleNotFoundError as exc:
        raise fail(f"missing database driver {exc.name!r}: pip install 'truecard[postgres]'") from None


def cli_actor() -> str:
    try:
        user = getpass.getuser()
    except Exception:
        user = os.environ.get("USER", "unknown")
    return f"cli:{user}"[:100]


def save_scorecard(card: Any, db_url: str | None, model_id: str | None) -> None:
    """Store one scan's scorecard (`truecard scan --save`); a line on stderr says where."""
    import json

    from truecard.store import cards, redact, repo

    db = open_db(db_url)
    try:
        with db.write() as s:
            res = repo.save_evaluation(s, json.loads(card.model_dump_json()), actor=cli_actor(), model_id=model_id)
            what = (
                f"already stored as evaluation {res.evaluation.id}" if res.duplicate
                else f"saved evaluation {res.evaluation.id}"
            )
            typer.echo(
                f"truecard: {what} of {res.model.model_id}"
                + (" (new model)" if res.created_model else f" ({res.model.evaluations_count} in its history)")
                + f" in {redact(db.url)}",
                err=True,
            )
    except (cards.InvalidEvaluation, cards.InvalidModelId) as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()

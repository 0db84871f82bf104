"""Options and helpers shared by the commands: one-line errors, writing output, extras, the store.

Every command module imports these from here (never from `truecard.cli`, which only assembles
the app), so the command line's layers point one way. The ones the typer-free `scan` also
needs live in `truecard.commands._plain` and are re-exported here."""

from __future__ import annotations

import getpass
import importlib
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from truecard.commands._plain import (  # noqa: F401 - shared with the typer-free scan, re-exported
    command_path,
    echo,
    exit_with,
    fail,
    missing_extra,
    nothing_to_score,
    write_output,
)

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


# The modules an extra must bring for a command to work; imported (not just looked up) so a
# half-installed extra is caught too.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "web": ("sqlalchemy", "alembic", "fastapi", "uvicorn", "jinja2"),
    "postgres": ("psycopg",),
    "formats": ("cyclonedx", "jsonschema"),
}


def need_extra(extra: str, what: str) -> None:
    """Exit 2 with one line naming the install command when `extra` is not installed.

    Called before a command does anything visible, so `scan --save` never prints a
    scorecard and then fails.
    """
    from truecard._install import missing_extra_message

    for module in EXTRA_MODULES[extra]:
        try:
            importlib.import_module(module)
        except ImportError:
            raise fail(missing_extra_message(what, extra, module)) from None


def need_web_extra(what: str = "the dashboard's store") -> None:
    need_extra("web", what)


def open_db(url: str | None, *, migrate: bool = True, what: str = "the dashboard's store") -> Database:
    need_web_extra(what)
    from truecard._install import missing_extra_message
    from truecard.store import StoreError, open_store

    try:
        return open_store(url, migrate=migrate)
    except StoreError as exc:
        raise fail(str(exc)) from None
    except ModuleNotFoundError as exc:
        raise fail(missing_extra_message("a PostgreSQL database", "postgres", exc.name)) from None


def cli_actor() -> str:
    try:
        user = getpass.getuser()
    except Exception:
        user = os.environ.get("USER", "unknown")
    return f"cli:{user}"[:100]


def save_scorecard(card: Any, db_url: str | None, model_id: str | None) -> None:
    """Store one scan's scorecard (`truecard scan --save`); a line on stderr says where."""
    import json

    from truecard.reports.portable import portable
    from truecard.store import cards, redact, repo

    db = open_db(db_url, what="scan --save")
    try:
        with db.write() as s:
            doc = json.loads(portable(card).model_dump_json())  # no absolute path of this machine
            res = repo.save_evaluation(s, doc, actor=cli_actor(), model_id=model_id)
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

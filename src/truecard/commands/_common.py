"""Options and helpers shared by the commands: one-line errors, writing output, extras, the store.

Every command module imports these from here (never from `truecard.cli`, which only assembles
the app), so the command line's layers point one way."""

from __future__ import annotations

import getpass
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from truecard.models import Scorecard
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
    from truecard.reports.literal import literal  # a file name or card field cannot drive the terminal

    typer.echo(f"truecard: error: {literal(message)}", err=True)
    return typer.Exit(code)


def write_output(text: str, output: Path | None) -> None:
    """Print `text`, or write it to `output` atomically (never a partial document)."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)  # never leave a partial document behind
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None


def nothing_to_score(card: Scorecard) -> str | None:
    """Why a scan found nothing at all to judge (the wrong folder, say), or None.

    A scorecard with no evidence in any criterion, no licence statement, nothing stated by a
    model card, no claims and no framework self-report read nothing a score could rest on;
    "0/30 Bronze" would read as a verdict on a model, so the CLI says so and exits 2.
    """
    if any(c.evidence for c in card.criteria) or card.model_card or card.claims_used:
        return None
    if any(getattr(f, "findings", None) for f in card.licenses):  # older scorecards: raw findings
        return None
    if any(getattr(v, "claimed", None) for _, v in card.frameworks.items()):
        return None
    said = [p.message for p in card.problems if "no files" in p.message or "empty" in p.message]
    if said:
        return said[0]
    return "no model card, licence, weights, code, configs or data documentation was found"


def missing_extra(what: str, exc: ImportError) -> str:
    """A one-line message for an ImportError of an optional dependency."""
    from truecard._install import extra_for, missing_extra_message

    extra = extra_for(getattr(exc, "name", None))
    if extra is None:
        return f"{what}: {exc}"
    return missing_extra_message(what, extra, exc.name)


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

"""`truecard import FILE`: load an export (or scorecards, or the TRUE reference tool's JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from truecard.commands._common import DbOption, cli_actor, fail, need_web_extra, open_db


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="JSON lines from `truecard export`, scorecards (`scan -f json`), "
                                             "or the TRUE reference tool's export (JSON array or object); .gz ok.")],
        db: DbOption = None,
    ) -> None:
        """Import evaluations. A bad line is reported with its line number; the rest is still imported (exit 1)."""
        need_web_extra("truecard import")
        from truecard.store import transfer

        if not file.is_file():
            raise fail(f"{file}: no such file")
        store = open_db(db, what="truecard import")
        try:
            report = transfer.import_file(store, file, actor=cli_actor() + " (import)")
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc.strerror or exc}") from None
        finally:
            store.dispose()
        for line, message in report.errors:
            from truecard.reports.literal import literal

            typer.echo(literal(f"{file}:{line}: {message}"), err=True)
        typer.echo(f"truecard: {report.summary()}")
        if report.errors:
            raise typer.Exit(1)

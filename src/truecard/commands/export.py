"""`truecard export [-o FILE]`: every stored evaluation and claim as JSON lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from truecard.commands._common import DbOption, fail, need_web_extra, open_db


def register(app: typer.Typer) -> None:
    @app.command()
    def export(
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE (default: stdout).")] = None,
        db: DbOption = None,
    ) -> None:
        """Export all evaluations (full scorecards) and claims as JSON lines; `truecard import` reads it back."""
        need_web_extra("truecard export")
        from truecard.store import transfer

        store = open_db(db, what="truecard export")
        try:
            if output is None:
                n = transfer.export(store, sys.stdout)
            else:
                tmp = output.with_name(output.name + ".tmp")
                try:
                    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                        n = transfer.export(store, fh)
                    os.replace(tmp, output)  # never a half-written export
                except OSError as exc:
                    raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
        finally:
            store.dispose()
        typer.echo(f"truecard: exported {n} record(s)" + (f" to {output}" if output else ""), err=True)

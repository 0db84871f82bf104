"""`truecard render CARD.json -f FORMAT`: render a saved scorecard in another format.

A scan is done once (`truecard scan ... -f json -o card.json`) and rendered as many times as
needed: SARIF for code scanning, Markdown for a job summary, a badge, an HTML page. The CI
action works this way, so every output of one run describes the same scan.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def render(
        card_file: Annotated[Path, typer.Argument(help="A scorecard saved by `truecard scan -f json`.")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="Any scan format except table's colours.")] = "markdown",
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE.")] = None,
        show_true: Annotated[
            bool, typer.Option("--true/--no-true", help="Include the TRUE scorecard (table, markdown, html).")
        ] = True,
    ) -> None:
        """Render a saved JSON scorecard as table, markdown, sarif, html, cyclonedx, badge or shields."""
        from pydantic import ValidationError

        from truecard.commands._common import fail, write_output
        from truecard.models import Scorecard
        from truecard.reports import FORMATS
        from truecard.reports import render as render_card

        if fmt not in FORMATS:
            raise fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        try:
            data = json.loads(card_file.read_text(encoding="utf-8"))
            card = Scorecard.model_validate(data)
        except FileNotFoundError:
            raise fail(f"{card_file}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"{card_file}: cannot read: {exc}") from None
        except json.JSONDecodeError as exc:
            raise fail(f"{card_file}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise fail(f"{card_file}: not a truecard scorecard ({where}: {first['msg']})") from None
        if fmt == "table" and output is None:
            # on a terminal, exactly what `truecard scan` printed: its width, its colours
            from rich.console import Console

            from truecard.reports.portable import portable
            from truecard.reports.table import print_card

            print_card(portable(card), Console(highlight=False), show_true=show_true)
            return
        try:
            text = render_card(card, fmt, show_true=show_true)
        except ImportError as exc:
            from truecard.commands._common import missing_extra

            raise fail(missing_extra(f"--format {fmt}", exc)) from None
        write_output(text, output)

"""`truecard licenses PATH` and `truecard license-info ID`.

`licenses` prints which licence governs each artifact (weights, inference code, training code,
datasets, documentation), where it was read and its class, then every licence conflict;
`license-info` explains one licence. Heavy imports stay inside the commands so that loading
this module costs nothing at start-up.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer


def _fail(message: str) -> typer.Exit:
    from truecard.reports.literal import literal  # a file name or card field cannot drive the terminal

    typer.echo(f"truecard: error: {literal(message)}", err=True)
    return typer.Exit(2)


def licenses_report(sources: list[str]) -> dict[str, Any]:
    """The per-artifact licence table and conflict warnings for some sources, as JSON data."""
    from truecard.engine import build_inventory
    from truecard.licenses.artifacts import attribute, finding_dict
    from truecard.sources import open_source

    trees = []
    try:
        for s in sources:
            trees.append(open_source(s))
        inv = build_inventory(trees, use_claims=False)
        rows = attribute(inv)
        return {
            "sources": [t.info.model_dump() for t in inv.trees],
            "artifacts": [r.as_dict() for r in rows],
            "findings": [finding_dict(f) for f in inv.licenses],
            "warnings": [w for w in dict.fromkeys(inv.warnings) if "licen" in w.lower()],
            "problems": [p.model_dump() for p in inv.problems if "licen" in p.message.lower()],
        }
    finally:
        for t in trees:
            t.close()


def _table(report: dict[str, Any]) -> None:
    """The report on the terminal: one block per artifact, then every statement read.

    Each piece of text sits in its own grid cell, so a wrapped line keeps its indent and no
    licence id or locator is split at 80 columns; text read from the repository is shown
    literally (`truecard.reports.literal`), never as rich markup or emoji codes.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from truecard.reports.literal import literal

    console = Console(highlight=False)
    console.print(Text("Licences per artifact", style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for r in report["artifacts"]:
        osi = {True: "OSI-approved", False: "not OSI-approved", None: ""}[r["osi_approved"]]
        body = Text()
        lic = literal(r["license_id"] or r["name"] or "-")
        body.append(lic, style="bold")
        body.append(f"  {r['class']}", style=_CLASS_STYLE.get(r["class"], ""))
        if osi:
            body.append(f"  {osi}")
        body.append(f"  confidence {r['confidence']:.2f}", style="dim")
        body.append("\n" + literal(r["basis"]))
        if r["where"]:
            body.append("\n↳ " + literal(r["where"]), style="dim")
        name = Text(r["artifact"])
        if not r["present"]:
            name.append("\n(not shipped)", style="dim")
        grid.add_row(name, body)
    console.print(grid)
    if report["findings"]:
        console.print(Text("Statements read:", style="bold"))
        st = Table.grid(padding=(0, 2))
        st.add_column(no_wrap=True, style="dim")
        st.add_column(ratio=1)
        for f in report["findings"]:
            what = Text(literal(f["license_id"] or f["raw"][:40]), style="bold")
            what.append(f" ({f['class']}, {f['how']}, {f['confidence']:.2f})")
            what.append("\n" + literal(f["note"]), style="dim")
            st.add_row(Text("  " + literal(f["where"])), what)
        console.print(st)
    for w in report["warnings"]:
        line = Text("warning: ", style="bold yellow")
        line.append(literal(w))
        console.print(line)
    for p in report["problems"]:
        console.print(Text(literal(f"problem: {p.get('path') or ''} {p['message']}")))


_CLASS_STYLE = {"osi-permissive": "green", "osi-copyleft": "green", "open-data": "green",
                "open-content": "green", "restricted": "yellow", "non-commercial": "yellow",
                "proprietary": "red", "none": "red", "unknown": "magenta"}


def register(app: typer.Typer) -> None:
    """Add `licenses` and `license-info` to the truecard command line."""

    @app.command("licenses")
    def licenses_cmd(
        sources: Annotated[list[str], typer.Argument(help="Folder(s) or source ids of one model.")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    ) -> None:
        """Show which licence governs each artifact, where it was read, and any conflict."""
        from truecard.sources import SourceError

        if fmt not in ("table", "json"):
            raise _fail(f"unknown format {fmt!r}; choose one of: table, json")
        from truecard.reports.portable import scrub

        try:
            report = licenses_report(sources)
        except SourceError as exc:
            raise _fail(str(exc)) from None
        report = scrub(report, report["sources"])  # no absolute path of this machine
        if fmt == "json":
            typer.echo(json.dumps(report, indent=2, default=str))
        else:
            _table(report)

    @app.command("license-info")
    def license_info_cmd(
        license_id: Annotated[str, typer.Argument(help="An SPDX id or expression, a Hub id, or a name.")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
    ) -> None:
        """Explain one licence: class, OSI approval, restrictions, source of the classification."""
        from truecard.licenses import license_info

        if fmt not in ("text", "json"):
            raise _fail(f"unknown format {fmt!r}; choose one of: text, json")
        v = license_info(license_id)
        if v is None:
            raise _fail(
                f"unknown licence {license_id!r}: not an SPDX id or expression, a Hugging Face "
                "Hub licence id, or a licence in truecard's table (truecard/licenses/data/"
                "ai_licenses.yaml)"
            )
        if fmt == "json":
            typer.echo(json.dumps(v.as_dict(), indent=2))
            return
        osi = {True: "yes", False: "no", None: "unknown"}[v.osi_approved]
        lines = [
            f"{v.license_id}: {v.name}",
            f"  class:        {v.license_class}",
            f"  OSI-approved: {osi}",
            f"  restrictions: {'; '.join(v.restrictions) if v.restrictions else 'none recorded'}",
            f"  identified:   {v.reason} (confidence {v.confidence:.2f})",
            f"  source:       {v.source or 'truecard'}",
        ]
        for p in v.parts:
            lines.append(f"  part:         {p.get('id')} ({p.get('class')})")
        typer.echo("\n".join(lines))

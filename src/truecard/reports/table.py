"""The terminal table (rich): dimensions, criteria, points, reasons, total and tier."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from truecard.models import Scorecard, Status
from truecard.reports.integrity_text import rich as integrity_rich

STYLE = {Status.MET: "green", Status.PARTIAL: "yellow", Status.UNMET: "red", Status.UNKNOWN: "magenta"}
TIER_STYLE = {
    "Platinum": "bold white on blue",
    "Gold": "bold black on yellow",
    "Silver": "bold black on white",
    "Bronze": "bold white on dark_orange3",
}


def build(card: Scorecard, verbose: bool = False, show_true: bool = True) -> list[Any]:
    """Rich renderables; `show_true=False` shows only the other frameworks' views."""
    from truecard.reports.frameworks_text import text_lines

    if not show_true and card.frameworks:
        from rich.markdown import Markdown

        from truecard.reports.frameworks_text import markdown

        return [Text(card.subject.name, style="bold"), Markdown("\n".join(markdown(card)))]
    items: list[Any] = []
    head = Text()
    head.append(f"TRUE scorecard: {card.subject.name}\n", style="bold")
    head.append(f"{card.total}/{card.max} ", style="bold")
    head.append(f" {card.tier} ", style=TIER_STYLE.get(card.tier, "bold"))
    if card.claims_used:
        head.append(f"   detected alone: {card.total_detected}/{card.max} {card.tier_detected}", style="dim")
    items.append(head)
    t = Table(show_lines=False, expand=True, pad_edge=False)
    t.add_column("criterion", ratio=3, no_wrap=False)
    t.add_column("pts", justify="right", width=5)
    t.add_column("reason / evidence", ratio=7)
    for d in card.dimensions:
        t.add_row(
            Text(f"{d.name}", style="bold cyan"), Text(f"{d.score}/{d.max}", style="bold cyan"), Text("")
        )
        for c in d.criteria:
            reason = Text(c.rationale, style=STYLE[c.status])
            if c.basis == "claimed":
                reason.append("  [claimed]", style="bold magenta")
            cites = c.evidence[: (4 if verbose else 2)]
            for e in cites:
                reason.append(
                    "\n  ↳ " + ("claimed: " if e.origin == "claimed" else "") + e.locator(), style="dim"
                )
            if c.remediation and (verbose or c.points < c.max):
                reason.append("\n  → " + c.remediation, style="italic dim")
            t.add_row(Text("  " + c.name), Text(f"{c.points}/{c.max}", style=STYLE[c.status]), reason)
    items.append(t)
    foot = Text()
    dims = "  ".join(f"{d.name} {d.score}/{d.max}" for d in card.dimensions)
    foot.append(dims + "\n")
    foot.append(f"Total {card.total}/{card.max}: {card.tier}", style="bold")
    for line, style in text_lines(card):
        foot.append("\n" + line, style=style)
    foot.append(integrity_rich(card))
    for w in card.warnings:
        foot.append(f"\n⚠ {w}", style="yellow")
    for p in card.problems[:10]:
        foot.append(f"\n• {p.path + ': ' if p.path else ''}{p.message}", style="dim")
    if len(card.problems) > 10:
        foot.append(f"\n• ... {len(card.problems) - 10} more problems (see --format json)", style="dim")
    items.append(foot)
    return items


def render(
    card: Scorecard,
    *,
    width: int | None = None,
    color: bool = False,
    verbose: bool = False,
    show_true: bool = True,
    **_: Any,
) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width or 120,
        force_terminal=color,
        color_system="auto" if color else None,
        highlight=False,
    )
    for item in build(card, verbose, show_true):
        console.print(item)
    return buf.getvalue()

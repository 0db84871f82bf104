"""The terminal table (rich): dimensions, criteria, points, reasons, evidence, total and tier.

One layout for every width: at 100 columns or more the criterion names get a column of their
own; narrower, each criterion's name heads its block. Either way a wrapped line keeps its
indent (each piece of text sits in a grid cell of its own), and no token is split unless it is
longer than the whole line. Every string that may come from the scanned repository goes
through `literal()` and into a `rich.text.Text`, which rich never parses for markup or emoji.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from truecard.models import CriterionResult, Scorecard, Status
from truecard.reports.integrity_text import rich as integrity_rich
from truecard.reports.literal import literal
from truecard.reports.options import DEFAULT, RenderOptions

STYLE = {Status.MET: "green", Status.PARTIAL: "yellow", Status.UNMET: "red", Status.UNKNOWN: "magenta"}
TIER_STYLE = {
    "Platinum": "bold white on blue",
    "Gold": "bold black on yellow",
    "Silver": "bold black on white",
    "Bronze": "bold white on dark_orange3",
}
WIDE = 100  # from this width on, criterion names get their own column
NAME_WIDTH = 34  # the longest criterion name ("Hardware/training setup disclosed") fits


def _lines(c: CriterionResult, verbose: bool) -> Table:
    """A criterion's reason, evidence and advice as a two-column grid (marker, text)."""
    body = Table.grid(padding=(0, 1))
    body.add_column(width=1, no_wrap=True)
    body.add_column(ratio=1, overflow="fold")
    reason = Text(literal(c.rationale), style=STYLE[c.status])
    if c.basis == "claimed":
        reason.append("  [claimed]", style="bold magenta")
    body.add_row(Text(""), reason)
    for e in c.evidence[: (6 if verbose else 2)]:
        loc = Text(("claimed: " if e.origin == "claimed" else "") + literal(e.locator()), style="dim")
        body.add_row(Text("↳", style="dim"), loc)
        if verbose:
            quoted = e.excerpt or e.summary
            if quoted:
                body.add_row(Text(""), Text(f"“{literal(quoted)}”", style="italic"))
    if len(c.evidence) > (6 if verbose else 2):
        more = len(c.evidence) - (6 if verbose else 2)
        body.add_row(Text(""), Text(f"… {more} more (-v or --format json)", style="dim"))
    if c.remediation and (verbose or c.points < c.max):
        body.add_row(Text("→", style="italic dim"), Text(literal(c.remediation), style="italic dim"))
    return body


def _dimension(d: Any, verbose: bool, width: int) -> list[Any]:
    """A dimension's heading line, then its criteria as a grid (points, [name,] reason)."""
    wide = width >= WIDE
    head = Text()
    head.append(d.name, style="bold cyan")
    head.append(f"  {d.score}/{d.max}", style="bold cyan")
    t = Table.grid(padding=(0, 1), expand=True)
    t.add_column(width=1, no_wrap=True)  # indent under the dimension
    t.add_column(width=3, justify="right", no_wrap=True)
    if wide:
        t.add_column(width=NAME_WIDTH, overflow="fold")
    t.add_column(ratio=1)
    for c in d.criteria:
        pts = Text(f"{c.points}/{c.max}", style=STYLE[c.status])
        name = Text(literal(c.name), style="bold")
        if wide:
            t.add_row(Text(""), pts, name, _lines(c, verbose))
        else:
            t.add_row(Text(""), pts, Group(name, _lines(c, verbose)))
    return [head, t, Text("")]


def build(card: Scorecard, verbose: bool = False, show_true: bool = True, width: int = 120) -> list[Any]:
    """Rich renderables for a console `width` columns wide; `show_true=False` shows only the
    other frameworks' views."""
    from truecard.reports.frameworks_text import text_lines

    if not show_true and card.frameworks:
        from rich.markdown import Markdown

        from truecard.reports.frameworks_text import markdown

        # the views' Markdown escapes every repository string, so rich shows it literally
        return [Text(literal(card.subject.name), style="bold"), Markdown("\n".join(markdown(card)))]
    items: list[Any] = []
    head = Text()
    head.append(f"TRUE scorecard: {literal(card.subject.name)}\n", style="bold")
    head.append(f"{card.total}/{card.max} ", style="bold")
    head.append(f" {card.tier} ", style=TIER_STYLE.get(card.tier, "bold"))
    if card.claims_used:
        head.append(f"   detected alone: {card.total_detected}/{card.max} {card.tier_detected}", style="dim")
    srcs = ", ".join(
        literal(s.id) + (f" @ {s.revision[:12]}" if s.revision else "") for s in card.subject.sources
    )
    if srcs:
        head.append(f"\n{srcs}", style="dim")
    items.append(head)
    items.append(Text(""))
    for d in card.dimensions:
        items += _dimension(d, verbose, width)
    foot = Text()
    dims = "  ".join(f"{d.name} {d.score}/{d.max}" for d in card.dimensions)
    foot.append(dims + "\n")
    foot.append(f"Total {card.total}/{card.max}: {card.tier}", style="bold")
    for line, style in text_lines(card):
        foot.append("\n" + literal(line), style=style)
    foot.append(integrity_rich(card))
    for w in card.warnings:
        foot.append(f"\n⚠ {literal(w)}", style="yellow")
    for p in card.problems[:10]:
        foot.append(f"\n• {literal(p.path) + ': ' if p.path else ''}{literal(p.message)}", style="dim")
    if len(card.problems) > 10:
        foot.append(f"\n• ... {len(card.problems) - 10} more problems (see --format json)", style="dim")
    items.append(foot)
    return items


def print_card(card: Scorecard, console: Console, *, verbose: bool = False, show_true: bool = True) -> None:
    """Print the table on `console` at its width (the terminal's, `$COLUMNS`, else 80)."""
    for item in build(card, verbose, show_true, width=console.width):
        console.print(item)


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    """The table as text. `width=None` sizes it as `truecard scan` does: the terminal's width,
    else `$COLUMNS`, else 80 columns."""
    width, color, verbose, show_true = options.width, options.color, options.verbose, options.show_true
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=color,
        color_system="auto" if color else None,
        highlight=False,
    )
    print_card(card, console, verbose=verbose, show_true=show_true)
    return buf.getvalue()

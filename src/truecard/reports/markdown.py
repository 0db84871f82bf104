"""Markdown: a scorecard to paste into a model card, a PR or a CI job summary.

Text that may come from the scanned repository (names, reasons quoting the card, locators,
warnings) is escaped (`literal.md_text`) or set in code spans (`literal.md_code`), so a card
that contains `<img>`, `**bold**`, `[link](x)` or `:100:` shows exactly those characters.
The rubric's own advice is truecard's Markdown and is kept as such.
"""

from __future__ import annotations

from truecard.models import Scorecard, Status
from truecard.reports.integrity_text import markdown as integrity_markdown
from truecard.reports.literal import literal, md_code, md_text
from truecard.reports.options import DEFAULT, RenderOptions

ICON = {Status.MET: "✅", Status.PARTIAL: "🟡", Status.UNMET: "❌", Status.UNKNOWN: "❔"}


def _cell(text: str) -> str:
    """truecard's own Markdown in a table cell (the rubric's advice): pipes and newlines only."""
    return literal(text).replace("|", "\\|")


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    """The scorecard in Markdown; `show_true=False` keeps only the other frameworks' views."""
    show_true = options.show_true
    from truecard.reports.frameworks_text import markdown as frameworks_markdown

    if not show_true and card.frameworks:
        out = [f"# Openness: {md_text(card.subject.name)}", "", *frameworks_markdown(card)]
        return "\n".join(out) + "\n"
    out = [f"# TRUE scorecard: {md_text(card.subject.name)}", ""]
    out.append(
        f"**{card.total}/{card.max} · {card.tier}**"
        + (
            f" (detected evidence alone: {card.total_detected}/{card.max}, {card.tier_detected})"
            if card.claims_used
            else ""
        )
    )
    out.append("")
    out.append("| dimension | score |")
    out.append("|---|---|")
    for d in card.dimensions:
        out.append(f"| {d.name} | {d.score}/{d.max} |")
    out.append("")
    for d in card.dimensions:
        out.append(f"## {d.name} ({d.score}/{d.max})")
        out.append("")
        out.append("| criterion | points | status | reason | evidence |")
        out.append("|---|---|---|---|---|")
        for c in d.criteria:
            ev = (
                "<br>".join(
                    ("**claimed** " if e.origin == "claimed" else "") + md_code(e.locator())
                    for e in c.evidence[:3]
                )
                or "—"
            )
            out.append(
                f"| {md_text(c.name)} | {c.points}/{c.max} | {ICON[c.status]} {c.status} | {md_text(c.rationale)} | {ev} |"
            )
        out.append("")
        todo = [c for c in d.criteria if c.remediation]
        if todo:
            out.append("To earn the rest:")
            out.append("")
            for c in todo:
                out.append(f"- **{md_text(c.name)}**: {_cell(c.remediation or '')}")
            out.append("")
    out += frameworks_markdown(card)
    out += integrity_markdown(card)
    if card.warnings:
        out.append("## Warnings")
        out.append("")
        out.extend(f"- {md_text(w)}" for w in card.warnings)
        out.append("")
    srcs = ", ".join(
        md_code(s.id, in_table=False) + (f" @ `{s.revision[:12]}`" if s.revision else "")
        for s in card.subject.sources
    )
    out.append(
        f"<sub>truecard {card.truecard_version}, {card.spec.name} {card.spec.version}; sources: {srcs}; scanned {card.scanned_at:%Y-%m-%d %H:%M UTC}</sub>"
    )
    return "\n".join(out) + "\n"

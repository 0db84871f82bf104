"""understandable.model_card: "Documentation clearly explains usage and design"."""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric
from truecard.evidence.card import find_section
from truecard.evidence.inventory import Card, Inventory

ID = "understandable.model_card"
RUBRIC = Rubric(
    full="A model card with real (non-template) content that explains both usage (a usage section "
    "or code showing how to run it) and design (what the model is: a description, model details, "
    "intended uses or limitations), with at least 600 characters of prose.",
    partial="A card that covers only one of usage and design, or is very short; template sections "
    'left as "[More Information Needed]" earn nothing.',
    none="A card that is empty or only an unfilled template.",
    unknown="No model card (README.md / MODEL_CARD.md) was found.",
    remediation="Write a model card with a description of the model (architecture, intended uses, "
    "limitations) and a 'How to use' section with runnable code.",
)

USAGE_TITLES = (
    r"usage",
    r"how to (use|get started|run)",
    r"quick ?start",
    r"getting started",
    r"inference",
    r"example",
    r"use (the|this) model",
    r"uses?$",
    r"direct use",
    r"running",
)
DESIGN_TITLES = (
    r"model (details|description|summary|card|architecture|overview)",
    r"description",
    r"overview",
    r"architecture",
    r"intended use",
    r"limitation",
    r"bias",
    r"introduction",
    r"about",
    r"training",
)
CODE_RE = re.compile(r"```|from_pretrained|pipeline\(|import ", re.I)


def _assess(card: Card) -> tuple[bool, bool, list[str]]:
    usage = find_section(card, *USAGE_TITLES)
    has_code = bool(CODE_RE.search(card.body))
    design = find_section(card, *DESIGN_TITLES)
    intro = [s for s in card.sections if s.level in (0, 1) and s.filled]
    notes = []
    if usage or has_code:
        notes.append("usage")
    if design or (intro and card.filled_chars > 300):
        notes.append("design")
    return bool(usage or has_code), bool(design or (intro and card.filled_chars > 300)), notes


def evaluate(inv: Inventory) -> Assessment:
    if not inv.cards:
        docs = [d for d in inv.docs if d.filled_chars > 300]
        if docs:
            return Assessment.partial(
                "no model card, but documentation exists",
                [docs[0].evidence("documentation file", kind="doc")],
            )
        return Assessment.unknown("no model card found (README.md or MODEL_CARD.md)")
    card = inv.cards[0]
    first = next(
        (
            ln.strip()
            for ln in card.body.split("\n")
            if ln.strip() and not ln.lstrip().startswith(("#", "<", "---"))
        ),
        None,
    )
    ev = [
        card.evidence(
            f"model card, {card.filled_chars} characters of real content",
            kind="card",
            line_start=1,
            line_end=len(card.lines),
            excerpt=first[:200] if first else None,
        )
    ]
    if card.filled_chars < 80:
        return Assessment.unmet("the model card is empty or an unfilled template", ev)
    usage, design, _ = _assess(card)
    if usage and design and card.filled_chars >= 600:
        return Assessment.met(
            f"card explains usage and design ({card.filled_chars} characters of real content)", ev
        )
    missing = [n for n, ok in (("usage", usage), ("design", design)) if not ok]
    why = (
        f"card lacks {' and '.join(missing)}"
        if missing
        else f"card is short ({card.filled_chars} characters)"
    )
    return Assessment.partial(
        why, ev, "Add " + (" and ".join(missing) if missing else "more detail") + " to the model card."
    )

"""understandable.model_card: "Documentation clearly explains usage and design".

Judged by what the card explains, not by its length in characters: usage (code that loads
the model and runs it) and design (what the model is and how it was made: architecture,
training, data, evaluation, intended uses, limitations, each found as prose that speaks of
it). A card with usage and most design aspects is 2; a card with only one of usage and
design, loading code that never runs the model, or usage given only by links, is thin (1).
"""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric
from truecard.evidence.collectors._common import card_sentences, sentences_for
from truecard.evidence.inventory import Card, Inventory
from truecard.models import EvidenceKind

ID = "understandable.model_card"
MINIMAL = 20  # sentences of prose below which a card is thin whatever it touches
EXAMPLE_RE = re.compile(r"(^|/)(examples?|demos?|samples?)/", re.I)
SUBSTANTIAL = 60  # sentences of prose: a card this long explains more than its headings say
RUBRIC = Rubric(
    full="The documentation explains usage and design: code that loads the model and runs it (or "
    "a command line that runs it, or an example script), in the card or the code repository's "
    "docs; and the card's prose speaks about at least four design aspects (architecture, "
    "training, data, evaluation, intended uses, limitations), or three in a substantial card "
    f"(at least {SUBSTANTIAL} sentences); a card under {MINIMAL} sentences is thin whatever it touches.",
    partial="A thin card: only one of usage and design, usage given only by links, a prompt "
    "format or loading code that does not run the model, or a single design aspect; template "
    'sections left as "[More Information Needed]" earn nothing.',
    none="A card that is empty or only an unfilled template.",
    unknown="No model card (README.md / MODEL_CARD.md) was found.",
    remediation="Write a model card with a description of the model (architecture, intended uses, "
    "limitations, training data) and a 'How to use' section with code that loads and runs it.",
)

# What a card explains, read from its prose (outside code): a sentence about each aspect.
ASPECTS: dict[str, re.Pattern[str]] = {
    "architecture": re.compile(
        r"\b(transformer|decoder|encoder|layers?|attention|parameters|architecture|backbone|diffusion|u-?net|mixture of experts)\b", re.I
    ),
    "training": re.compile(r"\b(trained|pre-?trained|fine-?tuned|training|distill\w*)\b", re.I),
    "data": re.compile(r"\b(dataset|datasets|corpus|data)\b", re.I),
    "evaluation": re.compile(r"\b(evaluat\w*|benchmark\w*|accuracy|results|MMLU|score)\b", re.I),
    "intended use": re.compile(r"\b(intended|use cases?|designed for|can be used|suitable for|applications?)\b", re.I),
    "limitations": re.compile(r"\b(limitations?|bias\w*|risks?|should not|harmful|safety|hallucinat\w*)\b", re.I),
}


def design_aspects(card: Card) -> list[str]:
    """The design aspects the card's prose speaks about, in ASPECTS order."""
    return [
        name for name, rx in _ASPECTS_PREFILTERED.items() if any(rx.search(s) for _, s in sentences_for(card, rx))
    ]


def evaluate(inv: Inventory) -> Assessment:
    if not inv.cards:
        docs = [d for d in inv.docs if d.filled_chars > 300]
        if docs:
            return Assessment.partial(
                "no model card, but documentation exists",
                [docs[0].evidence("documentation file", kind=EvidenceKind.DOC)],
            )
        return Assessment.unknown("no model card found (README.md or MODEL_CARD.md)")
    card = inv.cards[0]
    first = next(
        (ln.strip() for ln in card.body.split("\n") if ln.strip() and not ln.lstrip().startswith(("#", "<", "---"))),
        None,
    )
    ev = [
        card.evidence(
            f"model card, {card.filled_chars} characters of real content",
            kind=EvidenceKind.CARD,
            line_start=1,
            line_end=len(card.lines),
            excerpt=first[:200] if first else None,
        )
    ]
    if card.filled_chars < 80:
        return Assessment.unmet("the model card is empty or an unfilled template", ev)
    # usage documented anywhere the user reads: the card, the code repository's README and
    # docs, or an example script shipped with it
    runs = [u.evidence for u in inv.usage if (u.kind == "code" and u.complete) or u.kind == "command"]
    runs += [c.evidence for c in inv.code_with("inference") if EXAMPLE_RE.search(c.path)]
    loads = [u for u in inv.usage if u.kind == "code"]
    aspects = design_aspects(card)
    n = len(card_sentences(card))
    usage_ok = bool(runs)
    # a few lines touching many aspects ("trained on X, see the paper") explain none of them
    design_ok = n >= MINIMAL and (len(aspects) >= 4 or (len(aspects) >= 3 and n >= SUBSTANTIAL))
    if usage_ok:
        ev.append(runs[0])
    if usage_ok and design_ok:
        return Assessment.met(f"card explains usage (code that runs the model) and design ({', '.join(aspects)})", ev)
    missing = []
    if not usage_ok:
        missing.append("usage code that loads the model and runs it" + (" (it only loads it)" if loads else ""))
    if not design_ok:
        missing.append(
            "design: what the model is and how it was made (architecture, training, data, evaluation, "
            "intended uses, limitations)" + (f"; it covers only {', '.join(aspects)}" if aspects else "")
        )
    return Assessment.partial(
        f"thin card: lacks {'; '.join(missing)}",
        ev,
        "Add " + " and ".join(missing) + " to the model card.",
    )


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import Prefiltered, prefilter_namespace  # noqa: E402

_ASPECTS_PREFILTERED = {name: Prefiltered(rx) for name, rx in ASPECTS.items()}

prefilter_namespace(globals())

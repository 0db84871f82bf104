"""Training facts stated in prose: hardware, compute, time, cost, energy, emissions, token
and step counts, each with the sentence that states it quoted."""

from __future__ import annotations

from truecard.evidence.collectors._common import card_sentences
from truecard.evidence.inventory import Disclosure, Inventory
from truecard.evidence.patterns import cost_hits, hardware_hits
from truecard.models import clip


def collect(inv: Inventory) -> None:
    for card in inv.cards + inv.docs:
        pairs = card_sentences(card)
        for h in hardware_hits([], pairs=pairs):
            inv.disclosures.append(
                Disclosure(
                    "hardware",
                    h.detail,
                    card.evidence(
                        f"hardware: {h.detail.get('accelerator') or 'cluster'}",
                        kind="prose",
                        line_start=h.line,
                        line_end=h.line,
                        excerpt=clip(h.text),
                    ),
                )
            )
        for topic, h in cost_hits([], pairs=pairs):
            inv.disclosures.append(
                Disclosure(
                    topic,  # type: ignore[arg-type]
                    h.detail,
                    card.evidence(
                        f"{topic}: {h.detail.get('what')}",
                        kind="prose",
                        line_start=h.line,
                        line_end=h.line,
                        excerpt=clip(h.text),
                    ),
                )
            )

"""reproducible.cost: "Compute cost or time to train made public"."""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory

ID = "reproducible.cost"
RUBRIC = Rubric(
    full="A measure of training cost is disclosed: accelerator-hours, FLOPs, energy (kWh), money, "
    "or wall-clock training time.",
    partial='Only a vague phrase ("trained for several weeks"), training dates without a duration '
    '("trained between December 2023 and May 2024"), only the CO2 emitted (which implies but does '
    "not state the compute), or figures given only for another size of the family.",
    none="Nothing, or only a token or step count (which is not a cost).",
    unknown="No card or documentation was read.",
    remediation="State the GPU-hours (or FLOPs, energy, or wall-clock time on the stated hardware) "
    "the training took.",
)


def evaluate(inv: Inventory) -> Assessment:
    precise_all = [
        d
        for d in inv.disclosures
        if d.topic in ("compute", "cost") or (d.topic == "time" and not d.detail.get("vague"))
    ]
    precise = [d for d in precise_all if not d.detail.get("sibling")]
    if not precise and precise_all:
        return Assessment.partial(
            "training cost or time given only for another model of the family", [precise_all[0].evidence],
            "State the compute or time this model itself took to train.",
        )
    vague = [d for d in inv.disclosures if d.topic == "time" and d.detail.get("vague")]
    emissions = inv.disclosed("emissions")
    counts = inv.disclosed("tokens") + inv.disclosed("steps")
    if precise:
        whats = sorted({str(d.detail.get("what")) for d in precise})
        return Assessment.met(
            f"training cost disclosed: {', '.join(whats)}", [d.evidence for d in precise[:3]]
        )
    if vague or emissions:
        d = (vague or emissions)[0]
        why = "only a vague time phrase" if vague else "only CO2 emissions, not the compute itself"
        return Assessment.partial(why, [d.evidence])
    if counts:
        return Assessment.unmet("only a token or step count, which is not a cost", [counts[0].evidence])
    if has_documentation(inv):
        return Assessment.unmet("no training cost or time disclosed")
    return Assessment.unknown("no card or documentation to read")

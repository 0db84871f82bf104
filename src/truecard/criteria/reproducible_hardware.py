"""reproducible.hardware: "GPUs, FLOPs, cluster specs disclosed"."""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory

ID = "reproducible.hardware"
RUBRIC = Rubric(
    full="The training hardware is disclosed with both the accelerator type and its count (e.g. "
    '"trained on 64 A100 GPUs"), or a cluster specification (named cluster with nodes), quoted '
    "from the card or docs, or in `co2_eq_emissions.hardware_used` with a count.",
    partial="Only one of the two: the accelerator type without a count, or a count without a type.",
    none="The documentation does not say what the model was trained on.",
    unknown="No card or documentation was read.",
    remediation='State the accelerator model and how many were used (e.g. "128 × H100 80GB, 16 '
    "nodes\") in the card's training section.",
)


def evaluate(inv: Inventory) -> Assessment:
    hits = inv.disclosed("hardware")
    full = [
        d
        for d in hits
        if (d.detail.get("accelerator") and (d.detail.get("count") or d.detail.get("cluster")))
        or (d.detail.get("count") and d.detail.get("cluster"))
    ]
    if full:
        return Assessment.met(
            "accelerator type and count (or cluster) disclosed", [d.evidence for d in full[:3]]
        )
    if hits:
        d = hits[0]
        what = (
            "accelerator type without a count"
            if d.detail.get("accelerator")
            else "a count without the accelerator type"
        )
        return Assessment.partial(f"only {what}", [d.evidence for d in hits[:3]])
    if has_documentation(inv):
        return Assessment.unmet("training hardware not disclosed")
    return Assessment.unknown("no card or documentation to read")

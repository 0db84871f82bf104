"""reproducible.hardware: "GPUs, FLOPs, cluster specs disclosed"."""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Disclosure, Inventory

ID = "reproducible.hardware"
RUBRIC = Rubric(
    full="The training hardware is disclosed with both the accelerator type and its count (e.g. "
    '"trained on 64 A100 GPUs"), or a cluster specification (named cluster with nodes), quoted '
    "from the card or docs, or in `co2_eq_emissions.hardware_used` with a count.",
    partial="Only one of the two: the accelerator type without a count (\"multiple TPU-v4 pods\", "
    "\"thanks to the TPU Research Cloud for TPU v4s\"), a count without a type (`num_devices: 16`), a "
    "cluster named without either (\"the JUWELS Booster supercomputer\"); or type and count given only "
    "for another size of the family (\"the 175B model was trained on 992 A100s\" on a 1.3B card).",
    notes="Read from the model card's prose, labelled values (\"GPUs: 512 H100-80G\", a Hardware "
    "table row) and `co2_eq_emissions.hardware_used`. Hardware a user needs to run or fine-tune "
    "the model, and sections instructing users, do not count; a code repository's docs count only "
    "where a sentence names this model.",
    none="The documentation does not say what the model was trained on.",
    unknown="No card or documentation was read.",
    remediation='State the accelerator model and how many were used (e.g. "128 × H100 80GB, 16 '
    "nodes\") in the card's training section.",
)


def _full(d: Disclosure) -> bool:
    x = d.detail
    return bool((x.get("accelerator") and (x.get("count") or x.get("cluster"))) or (x.get("count") and x.get("cluster")))


def evaluate(inv: Inventory) -> Assessment:
    hits = inv.disclosed("hardware")
    own = [d for d in hits if not d.detail.get("sibling")]
    full = [d for d in own if _full(d)]
    if full:
        return Assessment.met(
            "accelerator type and count (or cluster) disclosed", [d.evidence for d in full[:3]]
        )
    if own:
        d = sorted(own, key=lambda d: not d.detail.get("accelerator"))[0]
        x = d.detail
        what = (
            "accelerator type without a count"
            if x.get("accelerator")
            else "a cluster named without accelerators or counts"
            if x.get("cluster_only")
            else "a count without the accelerator type"
        )
        return Assessment.partial(f"only {what}", [d.evidence, *[e.evidence for e in own if e is not d][:2]])
    if hits:
        return Assessment.partial(
            "hardware given only for another model of the family", [d.evidence for d in hits[:2]],
            "State the hardware this model itself was trained on.",
        )
    if has_documentation(inv):
        return Assessment.unmet("training hardware not disclosed")
    return Assessment.unknown("no card or documentation to read")

"""reproducible.replication: "3rd-party reproducibility attempt exists"."""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory

ID = "reproducible.replication"
RUBRIC = Rubric(
    full='A third-party reproduction is referenced: named, linked or stated plainly ("results '
    'independently verified by another lab").',
    partial="Only an invitation to reproduce, or reproduction instructions.",
    none="No reproduction referenced. (Files rarely show this; a claim in `truecard.yaml` with an "
    "evidence URL can assert it, and is shown as claimed.)",
    unknown="No card or documentation was read.",
    remediation="Reference an independent reproduction (a paper, report or repository by another "
    "team), or add it as a claim with its URL in `truecard.yaml`.",
)


def evaluate(inv: Inventory) -> Assessment:
    reps = inv.links_of("replication")
    invites = [link for link in inv.links if link.text == "invite"]
    if reps:
        return Assessment.met("third-party reproduction referenced", [r.evidence for r in reps[:3]])
    if invites:
        return Assessment.partial(
            "only reproduction instructions or an invitation to reproduce", [i.evidence for i in invites[:2]]
        )
    if has_documentation(inv):
        return Assessment.unmet("no third-party reproduction referenced")
    return Assessment.unknown("no card or documentation to read")

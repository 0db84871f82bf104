"""transparent.datasets: "Datasets listed or described in detail"."""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory

ID = "transparent.datasets"
RUBRIC = Rubric(
    full="The training datasets are named precisely enough to obtain them: dataset ids in the "
    "card's `datasets:` metadata, links to dataset repositories, or well-known datasets named in "
    'the card\'s training-data prose ("The Pile", "RedPajama", "C4" ...), or a datasheet.',
    partial='The data is only described vaguely ("web text, 2T tokens", "a mix of publicly available data").',
    none="The card says nothing about the training data, or says it is not disclosed.",
    unknown="No card or documentation was read.",
    remediation="List every training dataset with an identifier or URL (the card's `datasets:` "
    "metadata takes Hub dataset ids).",
)


def evaluate(inv: Inventory) -> Assessment:
    precise = [d for d in inv.datasets if d.precise]
    vague = [d for d in inv.datasets if not d.precise and d.name != "(not disclosed)"]
    negative = [d for d in inv.datasets if d.name == "(not disclosed)"]
    if precise:
        names = list(dict.fromkeys(d.name for d in precise))
        return Assessment.met(
            f"datasets named: {', '.join(names[:6])}" + (" ..." if len(names) > 6 else ""),
            [d.evidence for d in precise],
        )
    if vague:
        return Assessment.partial(
            f"training data described only vaguely: {vague[0].name!r}", [d.evidence for d in vague[:3]]
        )
    if negative:
        return Assessment.unmet("the card says the training data is not disclosed", [negative[0].evidence])
    if has_documentation(inv):
        return Assessment.unmet("no training dataset named or described")
    return Assessment.unknown("no card or documentation to read")

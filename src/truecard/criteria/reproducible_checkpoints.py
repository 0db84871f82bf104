"""reproducible.checkpoints: "Evidence of training steps/checkpoints shared"."""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory

ID = "reproducible.checkpoints"
RUBRIC = Rubric(
    full="Intermediate checkpoints or training logs are shared: checkpoint folders "
    "(`checkpoint-1000/`, `step2000/`), step-named branches or tags of the repository, training "
    "logs (TensorBoard event files, `trainer_state.json` with a log history), or a public "
    "experiment-tracker link.",
    partial="Intermediate checkpoints or logs are mentioned but not available.",
    none="No checkpoints or logs shared or mentioned.",
    unknown="Nothing was read.",
    remediation="Publish intermediate checkpoints (e.g. as step-named branches) and the training "
    "logs or a public experiment-tracker report.",
)


def evaluate(inv: Inventory) -> Assessment:
    available = [c for c in inv.checkpoints if c.available]
    mentioned = [c for c in inv.checkpoints if not c.available]
    if available:
        kinds = sorted({c.kind for c in available})
        return Assessment.met(
            f"shared: {', '.join(kinds)} ({available[0].evidence.summary})",
            [c.evidence for c in available[:4]],
        )
    if mentioned:
        return Assessment.partial(
            "checkpoints or logs mentioned but not available", [c.evidence for c in mentioned[:3]]
        )
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no intermediate checkpoints or training logs shared")
    return Assessment.unknown("nothing was read")

"""transparent.weights: "Downloadable full weights".

The answer is `truecard.criteria._weights.availability`, which the Executable criteria share.
"""

from __future__ import annotations

from truecard.criteria._weights import availability
from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory
from truecard.models import Status

ID = "transparent.weights"
RUBRIC = Rubric(
    full="Complete weights are in the artifacts (safetensors, GGUF, ONNX, ... with valid headers "
    "and every shard of a sharded checkpoint present; pickle formats count but are flagged as "
    "unsafe to load), or the model's card plainly points at downloadable weights: usage code that "
    'loads them (`from_pretrained("org/model")`, `pipeline(model=...)`, a `model_id = "org/model"` '
    "later loaded, a `--model org/model` command), a statement that they are released, or the card "
    "is the README of a Hub model repository (YAML front matter) read without its files.",
    partial="Weights are present but incomplete (missing shards, unreadable headers), only an "
    "adapter (LoRA/PEFT) or a delta/XOR against other weights is shipped, or access is gated "
    "behind an agreement or a request form (`extra_gated_*` metadata, \"granted access by "
    'filling out this form").',
    none="The artifacts and the card show no weights and no place to download them, or the "
    "card says the weights are not released.",
    unknown="Nothing was read at all.",
    remediation="Publish the full weights, preferably as safetensors, with every shard and the "
    "shard index, in a public repository.",
    notes="A link to another model of the family, or the `base_model`, is not this model's "
    "weights. Statements about access (gates, deltas, withheld weights) are read from the "
    "model's own card only: a code repository's README describes other releases.",
)


def evaluate(inv: Inventory) -> Assessment:
    a = availability(inv)
    if a.points == 2:
        return Assessment.met(a.rationale, a.evidence)
    if a.points == 1:
        return Assessment.partial(a.rationale, a.evidence, a.remediation)
    if has_documentation(inv) or inv.files:
        return Assessment(0, Status.UNMET, a.rationale, a.evidence)
    return Assessment.unknown("nothing was read")

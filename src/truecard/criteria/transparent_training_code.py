"""transparent.training_code: "Full training scripts publicly available"."""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory

ID = "transparent.training_code"
RUBRIC = Rubric(
    full="The full training pipeline is in the artifacts: training code together with this "
    "model's training configuration (pre-training for a base model; for a model that is itself a "
    "fine-tune of another, named in `base_model`, its whole fine-tuning pipeline: script and "
    "config); or the card links a public repository it plainly describes as this model's "
    "training code.",
    partial="A training framework or script without this model's configuration; only "
    "fine-tuning code for a pre-trained base model; or a code repository linked near training "
    "prose without saying it holds the training code.",
    none="No training or fine-tuning code, and no link to it.",
    unknown="Nothing was read.",
    remediation="Publish the training scripts with the exact configuration used for this model "
    "(e.g. `train.py` plus `configs/train.yaml`), or link the repository that holds them.",
)

TRAIN_LINK_RE = re.compile(
    r"\b(training|pre-?training|fine-?tuning)\s+(code|scripts?|pipeline|recipes?|codebase)\b|\bcode (for|to) (pre-?)?train",
    re.I,
)


NEAR_TRAIN_RE = re.compile(
    r"\b(pre-?)?train\w*\s+(code|framework|library|repo|repository|scripts?|recipes?|toolkit|codebase)\b"
    r"|\b(code|framework|library|repository|repo|toolkit|codebase)\b.{0,40}\b(pre-?)?train",
    re.I,
)


def evaluate(inv: Inventory) -> Assessment:
    training = inv.code_with("training")
    finetune = inv.code_with("finetuning")
    configs = sorted(inv.configs_of("training", "deepspeed", "finetuning"), key=lambda c: c.role == "finetuning")
    is_finetune_model = bool(inv.metadata.get("base_model"))
    if training or finetune:
        # pre-training scripts first, then other training, then fine-tuning-only code
        training = sorted(training, key=lambda c: (not c.pretraining, "finetuning" in c.roles, c.path))
        scripts = training + [c for c in finetune if c not in training]
        ev = [c.evidence for c in scripts[:3]] + [c.evidence for c in configs[:2]]
        # training code with its configuration is the full pipeline; for a model that is a
        # fine-tune of its base_model, the fine-tuning pipeline is its training code
        if configs and (training or is_finetune_model):
            kind = (
                "fine-tuning pipeline (this model is a fine-tune of its base_model)"
                if is_finetune_model and not any(c.pretraining for c in training)
                else "training pipeline"
            )
            return Assessment.met(
                f"{kind}: {', '.join(c.path for c in scripts[:2])} with config {configs[0].path}", ev
            )
        if finetune and not training and not is_finetune_model:
            return Assessment.partial(
                "only fine-tuning code for the pre-trained model; no pre-training code",
                ev,
                "Publish the pre-training code and its configuration.",
            )
        return Assessment.partial(
            f"training code ({scripts[0].path}) without this model's training configuration",
            ev,
            "Add the exact training configuration used for this model next to the code.",
        )
    links = [link for link in inv.links_of("code") if TRAIN_LINK_RE.search(link.text)]
    if links:
        return Assessment.met(f"card links this model's training code: {links[0].url}", [links[0].evidence])
    near = [link for link in inv.links_of("code") if NEAR_TRAIN_RE.search(link.text)]
    if near:
        return Assessment.partial(
            f"a code repository is linked near training prose ({near[0].url})",
            [near[0].evidence],
            "Say plainly that the linked repository holds the training code, or scan it alongside the model.",
        )
    if configs:
        return Assessment.partial(
            "training configuration present without the training code", [c.evidence for c in configs[:2]]
        )
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no training code found and none linked")
    return Assessment.unknown("nothing was read")

"""executable.finetuning: "Fine-tuning scripts or configs usable on public infra".

As for inference, 2 points need an executed training step (`truecard verify --finetune`).
"""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.criteria.executable_inference import _verification, _verify_evidence, static_ready
from truecard.evidence.inventory import Inventory

ID = "executable.finetuning"
RUBRIC = Rubric(
    full="truecard ran a fine-tuning step in its sandbox (`truecard verify --finetune`): the loss "
    "was finite and the weights changed.",
    partial="Not executed, but a usable fine-tuning path is shared: fine-tuning or training "
    "scripts (or a PEFT/trainer config) together with loadable weights.",
    none="The fine-tuning step failed (error quoted: the model did not load, the loss was not "
    "finite or the weights did not change), or no fine-tuning script or config is shared.",
    notes="A step not attempted because the model is too large for this machine, or needs "
    "`--trust-remote-code`, falls back to the static assessment.",
    unknown="Nothing was read.",
    remediation="Share a fine-tuning script or config (e.g. a LoRA recipe) that works on the "
    "published weights; run `truecard verify --finetune` to prove it.",
)


def evaluate(inv: Inventory) -> Assessment:
    r = _verification(inv, "finetune")
    if r is not None and (r.get("attempted") or (inv.verification or {}).get("status") == "failed"):
        if r.get("ok"):
            used = r.get("used_repo_files") or []
            how = f"{r.get('method')} step"
            if used:
                how += f" with the settings of {', '.join(used)}"
            return Assessment.met(
                f"executed: truecard verify ran a {how}; loss finite "
                f"({r.get('loss_before')} -> {r.get('loss_after')}), weights changed",
                [_verify_evidence(inv, r, "truecard verify --finetune: a training step ran")],
            )
        return Assessment.unmet(
            f"truecard verify: the fine-tuning step failed: {str(r.get('error'))[:150]}",
            [_verify_evidence(inv, r, "truecard verify --finetune: failed")],
        )
    scripts = inv.code_with("finetuning") or inv.code_with("training")
    cfgs = inv.configs_of("finetuning", "training", "deepspeed")
    _ready, ev, _ = static_ready(inv)
    weights_ok = any(w.error is None for w in inv.weights)
    if (scripts or cfgs) and weights_ok:
        src = (scripts or cfgs)[0]
        return Assessment.partial(
            f"fine-tuning path shared ({src.path}) with loadable weights (not executed)",
            [src.evidence, *ev[:1]],
            "Run `truecard verify --finetune` to prove a fine-tuning step works.",
        )
    if scripts or cfgs:
        return Assessment.unmet(
            "fine-tuning code shared, but no loadable weights to fine-tune", [(scripts or cfgs)[0].evidence]
        )
    if inv.files or has_documentation(inv):
        return Assessment.unmet("no fine-tuning script or config shared")
    return Assessment.unknown("nothing was read")

"""executable.finetuning: "Fine-tuning scripts or configs usable on public infra".

As for inference, 2 points need an executed training step (`truecard verify --finetune`).
"""

from __future__ import annotations

from truecard.criteria._weights import availability
from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.criteria.executable_inference import _verification, _verify_evidence
from truecard.evidence.inventory import Inventory

ID = "executable.finetuning"
RUBRIC = Rubric(
    full="truecard ran a fine-tuning step in its sandbox (`truecard verify --finetune`): the loss "
    "was finite and the weights changed.",
    partial="Not executed, but a fine-tuning path is shared for weights that are available (the "
    "same answer as `transparent.weights`): fine-tuning or training scripts, a PEFT/trainer "
    "config, a linked fine-tuning guide or example, a plain statement that this model can or is "
    "meant to be fine-tuned, or the training framework used named.",
    none="The fine-tuning step failed (error quoted: the model did not load, the loss was not "
    "finite or the weights did not change), or no fine-tuning path is shared, or the weights are not available. "
    '("the base model can be fine-tuned" is about another model and does not count).',
    notes="A step not attempted because the model is too large for this machine, or needs "
    "`--trust-remote-code`, falls back to the static assessment.",
    unknown="Nothing was read.",
    remediation="Share a fine-tuning script or config (e.g. a LoRA recipe) that works on the "
    "published weights; run `truecard verify --finetune` to prove it.",
)


def evaluate(inv: Inventory) -> Assessment:
    r = _verification(inv, "finetune")
    if r is not None and (r.attempted or (inv.verification is not None and inv.verification.status == "failed")):
        if r.ok:
            used = r.used_repo_files
            how = f"{r.method} step"
            if used:
                how += f" with the settings of {', '.join(used)}"
            return Assessment.met(
                f"executed: truecard verify ran a {how}; loss finite "
                f"({r.loss_before} -> {r.loss_after}), weights changed",
                [_verify_evidence(inv, r, "truecard verify --finetune: a training step ran")],
            )
        return Assessment.unmet(
            f"truecard verify: the fine-tuning step failed: {str(r.error)[:150]}",
            [_verify_evidence(inv, r, "truecard verify --finetune: failed")],
        )
    a = availability(inv)
    scripts = inv.code_with("finetuning") or inv.code_with("training")
    cfgs = inv.configs_of("finetuning", "training", "deepspeed")
    order = {"command": 0, "config": 1, "guide": 2, "framework": 3, "mention": 4}
    stated = sorted(inv.finetune, key=lambda f: order[f.kind])
    paths = [x.evidence for x in (scripts or cfgs)[:1]] + [f.evidence for f in stated[:1]]
    if paths and a.points > 0:
        what = (
            f"fine-tuning code or config shared ({(scripts or cfgs)[0].path})"
            if scripts or cfgs
            else f"a fine-tuning path stated ({stated[0].kind}: {stated[0].evidence.locator()})"
        )
        return Assessment.partial(
            f"{what}, for weights that are available (not executed)",
            [*paths[:1], *a.evidence[:1]],
            "Share a fine-tuning script or config for these weights and run `truecard verify --finetune`.",
        )
    if paths:
        return Assessment.unmet(f"a fine-tuning path is shared, but no weights to fine-tune: {a.rationale}", paths[:1])
    if inv.files or has_documentation(inv):
        return Assessment.unmet("no fine-tuning script, config or instructions shared")
    return Assessment.unknown("nothing was read")

"""executable.inference: "Model loads and runs with shared instructions".

Executable means executed: 2 points need a successful run by `truecard verify` (or
`truecard scan --verify`), recorded as detected evidence. A plain scan, which never runs
anything, can show at most that everything needed is there (1 point).
"""

from __future__ import annotations

from typing import Any

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.collect import CHECKPOINT_DIR_RE
from truecard.evidence.inventory import Inventory
from truecard.models import Evidence

ID = "executable.inference"
RUBRIC = Rubric(
    full="truecard loaded the model and ran an inference in its sandbox (`truecard verify`), "
    "following the shared instructions.",
    partial="Not executed, but everything needed is shared and consistent: readable weights in a "
    "format loadable without custom code, a config (or self-describing GGUF), and instructions "
    "(usage code or an inference script); or the model is too large for this machine and the "
    "checks that need no loading passed.",
    none="The run failed (the loader's error is quoted), or weights or instructions are missing.",
    unknown="Nothing was read.",
    remediation="Share weights, config and a usage snippet that loads them; run `truecard verify` "
    "to prove it runs.",
)


def _verification(inv: Inventory, key: str) -> dict[str, Any] | None:
    v = inv.verification or {}
    r = v.get(key)
    return r if isinstance(r, dict) else None


def _verify_evidence(result: dict[str, Any], summary: str) -> Evidence:
    out = result.get("output")
    return Evidence(
        kind="execution",
        summary=summary,
        field="verify",
        excerpt=(
            str(out)[:200] if out else (str(result.get("error"))[:200] if result.get("error") else None)
        ),
    )


def static_ready(inv: Inventory) -> tuple[bool, list[Evidence], str]:
    final = [w for w in inv.weights if not CHECKPOINT_DIR_RE.search(w.path)] or inv.weights
    safe = [
        w
        for w in final
        if w.error is None and w.format in ("safetensors", "gguf", "onnx", "tflite", "keras", "flax", "numpy")
    ]
    pickles = [w for w in final if w.error is None and w.format == "pickle"]
    cfg = inv.configs_of("model-config")
    gguf = [w for w in safe if w.format == "gguf"]
    instructions = inv.code_with("inference") or [
        link for link in inv.links if link.text == "from_pretrained"
    ]
    missing = []
    if not (safe or pickles):
        missing.append("readable weights")
    if not (cfg or gguf):
        missing.append("a model config")
    if not instructions:
        missing.append("usage instructions or an inference script")
    ev = (
        [x.evidence for x in (safe or pickles)[:1]]
        + [c.evidence for c in cfg[:1]]
        + [i.evidence for i in instructions[:1]]
    )
    return not missing, ev, ", ".join(missing)


def evaluate(inv: Inventory) -> Assessment:
    r = _verification(inv, "inference")
    if r is not None:
        if r.get("ok"):
            return Assessment.met(
                f"executed: loaded and ran inference in {r.get('seconds', '?')} s",
                [_verify_evidence(r, "truecard verify: inference ran")],
            )
        if r.get("skipped") and r.get("static_ok"):
            return Assessment.partial(
                f"not loaded ({r.get('reason') or r.get('error')}); static checks passed",
                [_verify_evidence(r, "truecard verify: static checks only")],
            )
        return Assessment.unmet(
            f"the model failed to run: {str(r.get('error'))[:150]}",
            [_verify_evidence(r, "truecard verify: inference failed")],
        )
    ready, ev, missing = static_ready(inv)
    if ready:
        return Assessment.partial(
            "weights, config and instructions are shared (not executed: run `truecard verify` for full credit)",
            ev,
            "Run `truecard verify` (or `truecard scan --verify`) to prove the model loads and runs.",
        )
    if inv.files or has_documentation(inv):
        return Assessment.unmet(f"cannot be run from what is shared: missing {missing}", ev)
    return Assessment.unknown("nothing was read")

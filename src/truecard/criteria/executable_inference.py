"""executable.inference: "Model loads and runs with shared instructions".

Executable means executed: 2 points need a successful run by `truecard verify` (or
`truecard scan --verify`), recorded as detected evidence. A plain scan, which never runs
anything, can show at most that everything needed is there (1 point).
"""

from __future__ import annotations

from typing import Any

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory
from truecard.evidence.patterns import CHECKPOINT_DIR_RE
from truecard.models import Evidence, clip

ID = "executable.inference"
RUBRIC = Rubric(
    full="truecard loaded the model and ran an inference in its sandbox (`truecard verify`), "
    "following the shared instructions.",
    partial="Not executed, but everything needed is shared and consistent: readable weights in a "
    "format loadable without custom code, a config (or self-describing GGUF), and instructions "
    "(usage code or an inference script); or `truecard verify` found the model too large for this machine "
    "and every check that needs no loading passed (shards present with consistent headers, "
    "weight shapes as the config implies, tokenizer present); or it needs its own code and "
    "`--trust-remote-code` was not given, so it was not run.",
    none="The run failed (the loader's error is quoted: it did not load, a config/weights shape "
    "disagreed, it timed out or passed the memory limit, its outputs were not finite), or "
    "weights or instructions are missing.",
    unknown="Nothing was read.",
    remediation="Share weights, config and a usage snippet that loads them; run `truecard verify` "
    "to prove it runs.",
)


def _verification(inv: Inventory, key: str) -> dict[str, Any] | None:
    """One part ('inference' or 'finetune') of `truecard verify`'s result, when it ran."""
    v = inv.verification or {}
    r = v.get(key)
    return r if isinstance(r, dict) else None


def _verify_evidence(inv: Inventory, result: dict[str, Any], summary: str) -> Evidence:
    """Detected evidence for a run: what ran where, with its output (or error) quoted."""
    v = inv.verification or {}
    out = result.get("output")
    if isinstance(out, dict) and "text" in out:
        excerpt = f"{out.get('prompt')!r} -> {out.get('text')!r}"
    elif out:
        excerpt = str(out)
    elif result.get("error"):
        excerpt = str(result.get("error"))
    else:
        excerpt = None
    return Evidence(
        kind="execution",
        summary=summary,
        source=f"verify:{v.get('source')}" if v.get("source") else None,
        revision=v.get("revision"),
        field="verify." + ("finetune" if "loss_finite" in result or "method" in result else "inference"),
        excerpt=clip(excerpt) if excerpt else None,
    )


def _run_facts(r: dict[str, Any]) -> str:
    bits = []
    if r.get("seconds") is not None:
        bits.append(f"{r['seconds']:.2f} s")
    if r.get("peak_memory_mb"):
        bits.append(f"peak {r['peak_memory_mb']:.0f} MiB")
    if r.get("loader"):
        bits.append(str(r["loader"]))
    return ", ".join(bits)


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
    v = inv.verification or {}
    r = _verification(inv, "inference")
    note = ""
    if r is not None:
        if r.get("ok"):
            return Assessment.met(
                f"executed: truecard verify loaded the model and ran inference ({_run_facts(r)})",
                [_verify_evidence(inv, r, "truecard verify: inference ran in the sandbox")],
            )
        if v.get("too_large") and v.get("status") == "partial":
            return Assessment.partial(
                "too large to load here; truecard verify's checks without loading passed "
                "(shards, headers, config shapes, tokenizer)",
                [_verify_evidence(inv, r, "truecard verify: static checks only")],
                "Run `truecard verify` on a machine with enough memory for full credit.",
            )
        if r.get("needs_remote_code") and not r.get("attempted"):
            note = "not executed: its custom code needs --trust-remote-code; "
        else:
            return Assessment.unmet(
                f"truecard verify: the model failed to run: {str(r.get('error'))[:150]}",
                [_verify_evidence(inv, r, "truecard verify: inference failed")],
            )
    ready, ev, missing = static_ready(inv)
    if ready:
        return Assessment.partial(
            note + "weights, config and instructions are shared"
            + ("" if note else " (not executed: run `truecard verify` for full credit)"),
            ev,
            "Run `truecard verify` (or `truecard scan --verify`) to prove the model loads and runs.",
        )
    if inv.files or has_documentation(inv):
        return Assessment.unmet(f"{note}cannot be run from what is shared: missing {missing}", ev)
    return Assessment.unknown("nothing was read")

"""executable.inference: "Model loads and runs with shared instructions".

Executable means executed: 2 points need a successful run by `truecard verify` (or
`truecard scan --verify`), recorded as detected evidence. A plain scan, which never runs
anything, can show at most that everything needed is there (1 point).
"""

from __future__ import annotations

from typing import Literal, overload

from truecard.criteria._weights import availability
from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory
from truecard.models import Evidence, EvidenceKind, FinetuneResult, InferenceResult, clip

ID = "executable.inference"
RUBRIC = Rubric(
    full="truecard loaded the model and ran an inference in its sandbox (`truecard verify`), "
    "following the shared instructions.",
    partial="Not executed, but everything needed is shared: the weights are available (in the "
    "artifacts, in the scanned Hub repository, or plainly pointed at: the same answer as "
    "`transparent.weights`, gated or partial weights included) and instructions load them (usage "
    "code, an inference script, a command line, a usage section, or a runtime named for it such "
    "as `library_name` or \"use with llama.cpp\"); or `truecard verify` found the model too large for this machine "
    "and every check that needs no loading passed (shards present with consistent headers, "
    "weight shapes as the config implies, tokenizer present); or it needs its own code and "
    "`--trust-remote-code` was not given, so it was not run.",
    none="The run failed (the loader's error is quoted: it did not load, a config/weights shape "
    "disagreed, it timed out or passed the memory limit, its outputs were not finite), or "
    "the weights are not available or no instructions load them.",
    unknown="Nothing was read.",
    remediation="Share weights, config and a usage snippet that loads them; run `truecard verify` "
    "to prove it runs.",
)


@overload
def _verification(inv: Inventory, key: Literal["inference"]) -> InferenceResult | None: ...
@overload
def _verification(inv: Inventory, key: Literal["finetune"]) -> FinetuneResult | None: ...
def _verification(inv: Inventory, key: str) -> InferenceResult | FinetuneResult | None:
    """One part ('inference' or 'finetune') of `truecard verify`'s result, when it ran."""
    v = inv.verification
    if v is None:
        return None
    return v.inference if key == "inference" else v.finetune


def _verify_evidence(inv: Inventory, result: InferenceResult | FinetuneResult, summary: str) -> Evidence:
    """Detected evidence for a run: what ran where, with its output (or error) quoted."""
    v = inv.verification
    out = result.output if isinstance(result, InferenceResult) else None
    if isinstance(out, dict) and "text" in out:
        excerpt = f"{out.get('prompt')!r} -> {out.get('text')!r}"
    elif out:
        excerpt = str(out)
    elif result.error:
        excerpt = str(result.error)
    else:
        excerpt = None
    return Evidence(
        kind=EvidenceKind.EXECUTION,
        summary=summary,
        source=f"verify:{v.source}" if v is not None and v.source else None,
        revision=v.revision if v is not None else None,
        field="verify." + ("finetune" if isinstance(result, FinetuneResult) else "inference"),
        excerpt=clip(excerpt) if excerpt else None,
    )


def _run_facts(r: InferenceResult) -> str:
    bits = []
    if r.seconds is not None:
        bits.append(f"{r.seconds:.2f} s")
    if r.peak_memory_mb:
        bits.append(f"peak {r.peak_memory_mb:.0f} MiB")
    if r.loader:
        bits.append(str(r.loader))
    return ", ".join(bits)


def instructions(inv: Inventory) -> list[Evidence]:
    """What tells a user how to run the model, best first: an inference script, complete usage
    code, a command line, loading-only code, a usage section, a runtime named for it, the widget."""
    order = {"code": 1, "command": 2, "section": 4, "library": 5, "widget": 6}
    scripts = [c.evidence for c in inv.code_with("inference")[:1]]
    refs = sorted((u for u in inv.usage if u.kind != "mention"), key=lambda u: (order[u.kind] - (1 if u.complete else 0) + (2 if u.kind == "code" and not u.complete else 0)))
    return scripts + [u.evidence for u in refs]


def static_ready(inv: Inventory) -> tuple[bool, list[Evidence], str]:
    """(ready, evidence, what is missing) for a run truecard did not do: the weights are
    available (the same answer `transparent.weights` gives) and instructions load them."""
    a = availability(inv)
    how = instructions(inv)
    missing = []
    if a.points == 0:
        missing.append("downloadable weights")
    if not how:
        missing.append("instructions or code that load the model")
    return not missing, a.evidence[:1] + how[:2], ", ".join(missing)


def evaluate(inv: Inventory) -> Assessment:
    v = inv.verification
    r = _verification(inv, "inference")
    note = ""
    if v is not None and r is not None:
        if r.ok:
            return Assessment.met(
                f"executed: truecard verify loaded the model and ran inference ({_run_facts(r)})",
                [_verify_evidence(inv, r, "truecard verify: inference ran in the sandbox")],
            )
        if v.too_large and v.status == "partial":
            return Assessment.partial(
                "too large to load here; truecard verify's checks without loading passed "
                "(shards, headers, config shapes, tokenizer)",
                [_verify_evidence(inv, r, "truecard verify: static checks only")],
                "Run `truecard verify` on a machine with enough memory for full credit.",
            )
        if r.needs_remote_code and not r.attempted:
            note = "not executed: its custom code needs --trust-remote-code; "
        else:
            return Assessment.unmet(
                f"truecard verify: the model failed to run: {str(r.error)[:150]}",
                [_verify_evidence(inv, r, "truecard verify: inference failed")],
            )
    ready, ev, missing = static_ready(inv)
    if ready:
        return Assessment.partial(
            note + "weights are available and instructions that load them are shared"
            + ("" if note else " (not executed: run `truecard verify` for full credit)"),
            ev,
            "Run `truecard verify` (or `truecard scan --verify`) to prove the model loads and runs.",
        )
    if inv.files or has_documentation(inv):
        return Assessment.unmet(f"{note}cannot be run from what is shared: missing {missing}", ev)
    return Assessment.unknown("nothing was read")

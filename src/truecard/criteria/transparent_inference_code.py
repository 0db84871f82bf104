"""transparent.inference_code: "Full inference pipeline publicly shared"."""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory

ID = "transparent.inference_code"
RUBRIC = Rubric(
    full="Inference code is in the artifacts (a script, notebook or module that loads the model "
    "and generates), or the model's architecture is implemented in a public library named by its "
    "config (e.g. `model_type` known to transformers) and the card shows the code that runs it "
    "(`from_pretrained(...)`, `pipeline(...)`), or custom modelling code ships with the weights, "
    "or the card links a public code repository it plainly describes as inference code.",
    partial='Only a statement of how to run it without code ("use with llama.cpp"), or a config '
    "without any usage code.",
    none="No inference code, usage code or runnable configuration found.",
    unknown="Nothing was read.",
    remediation="Ship an inference script (e.g. `inference.py`) or a usage snippet in the card "
    "that loads the published weights and generates output.",
)

USAGE_RE = re.compile(
    r"\b(from_pretrained|pipeline\(|AutoModel|llama\.cpp|llama-cli|ollama run|vllm|InferenceSession|open_clip\.create|SentenceTransformer\(|diffusers|StableDiffusionPipeline|whisper\.load_model|\.generate\()"
)
STATEMENT_RE = re.compile(r"\b(inference|run|serve|usage|generate)\b", re.I)


def evaluate(inv: Inventory) -> Assessment:
    scripts = inv.code_with("inference")
    if scripts:
        return Assessment.met(
            f"inference code in the artifacts: {', '.join(c.path for c in scripts[:3])}",
            [c.evidence for c in scripts[:3]],
        )
    usage = [link for link in inv.links if link.text == "from_pretrained"]
    snippets = []
    for card in inv.cards + inv.docs:
        in_fence = False
        for i, line in enumerate(card.body.split("\n")):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
                continue
            if in_fence and USAGE_RE.search(line):
                snippets.append(
                    card.evidence(
                        "usage code in the card",
                        kind="usage-code",
                        line_start=card.body_offset + 1 + i,
                        excerpt=line.strip()[:200],
                    )
                )
                break
    arch = [c for c in inv.code if "architecture" in c.roles]
    cfg = inv.configs_of("model-config")
    known_arch = [c for c in cfg if c.data.get("model_type") or c.data.get("architectures")]
    if snippets or usage:
        ev = (snippets or [u.evidence for u in usage])[:2]
        if arch:
            return Assessment.met(
                "custom modelling code ships with the weights, and the card shows how to run it",
                [*ev, arch[0].evidence],
            )
        if known_arch:
            return Assessment.met(
                f"card shows usage code and the architecture ({known_arch[0].data.get('model_type') or known_arch[0].data.get('architectures')}) is implemented in a public library",
                [*ev, known_arch[0].evidence],
            )
        return Assessment.met("the card shows the code that loads and runs the model", ev)
    code_links = [link for link in inv.links_of("code") if STATEMENT_RE.search(link.text)]
    if code_links:
        return Assessment.met(
            f"card links public inference code: {code_links[0].url}", [code_links[0].evidence]
        )
    if arch or known_arch:
        return Assessment.partial(
            "a model configuration or modelling code is present, but no code that runs inference",
            [(arch or known_arch)[0].evidence],
            "Add a usage snippet to the card or an inference script.",
        )
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no inference code or usage code found")
    return Assessment.unknown("nothing was read")

"""transparent.inference_code: "Full inference pipeline publicly shared"."""

from __future__ import annotations

import posixpath
import re

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory, UsageRef

ID = "transparent.inference_code"
RUBRIC = Rubric(
    full="Inference code is in the artifacts (a script, notebook or module that loads the model "
    "and generates), or a card or doc shows code that loads the model and runs it "
    "(`from_pretrained(...)` then `generate(...)`, `pipeline(...)(...)`, `model.transcribe(...)`), "
    "or a command line that runs it with a script that is shipped or a public runtime (`python -m`, "
    "`llama-cli`, a framework's own script), or the card plainly names the public library that "
    'implements it ("the code of X is in the latest transformers", "see the transformers docs for '
    'X", "use it with llama.cpp"), or links a public repository it describes as inference code.',
    partial="Only part of it: code that loads the model without running it, a command that runs a "
    "script not shared, a link to the original code repository, a runtime or format named in "
    'passing ("the Transformers format"), `library_name` metadata alone, or a config or '
    "modelling code without any code that runs it.",
    none="No inference code, usage code, runtime or runnable configuration found.",
    unknown="Nothing was read.",
    remediation="Ship an inference script (e.g. `inference.py`) or a usage snippet in the card "
    "that loads the published weights and generates output.",
)

STATEMENT_RE = re.compile(r"\b(inference|run|serve|usage|generate)\b", re.I)
SCRIPT_RE = re.compile(r"(?<![\w./-])([\w./-]+\.(?:py|sh))\b")  # starts only where a path can start: linear
REPO_LINK_RE = re.compile(
    r"\b(?:official|original)\s+(?:repo\w*|code\w*|implementation|model)|\b(?:code|repo|repository|implementation|codebase)\b", re.I
)
RUNTIME_COMMAND_RE = re.compile(
    r"python3?\S*\s+-m\s|\b(?:llama-cli|ollama|vllm|text-generation-launcher|docker run|lmdeploy|\./main|\./llama)\b"
)


def _command_runs_shared_code(inv: Inventory, u: UsageRef) -> bool:
    line = u.evidence.excerpt or ""
    if RUNTIME_COMMAND_RE.search(line):
        return True
    names = {posixpath.basename(f.path) for f in inv.files}
    for script in SCRIPT_RE.findall(line):
        if script.startswith("/") or posixpath.basename(script) in names:
            return True  # a framework's own script (an absolute path in its image) or a shipped one
    return False


def evaluate(inv: Inventory) -> Assessment:
    scripts = inv.code_with("inference")
    if scripts:
        return Assessment.met(
            f"inference code in the artifacts: {', '.join(c.path for c in scripts[:3])}",
            [c.evidence for c in scripts[:3]],
        )
    code = [u for u in inv.usage if u.kind == "code"]
    # loading code through a public library's own loader: the library runs the rest
    complete = [u for u in code if u.complete or not u.remote_code]
    commands = [u for u in inv.usage if u.kind == "command"]
    runnable = [u for u in commands if _command_runs_shared_code(inv, u)]
    named = [u for u in inv.usage if u.kind == "library" and u.evidence.kind == "prose"]
    arch = [c for c in inv.code if "architecture" in c.roles]
    known_arch = [c for c in inv.configs_of("model-config") if c.data.get("model_type") or c.data.get("architectures")]
    if complete or runnable:
        ev = [u.evidence for u in (complete or runnable)[:2]]
        how = (
            ("usage code that loads the model and runs it" if complete[0].complete else "usage code that loads the model with a public library")
            if complete
            else "a command line that runs it"
        )
        if arch:
            return Assessment.met(f"{how}, with custom modelling code shipped", [*ev, arch[0].evidence])
        if known_arch:
            return Assessment.met(f"{how}; the architecture is implemented in a public library", [*ev, known_arch[0].evidence])
        return Assessment.met(f"the card shows {how}", ev)
    if named:
        return Assessment.met(
            f"the card names the public library that runs it ({named[0].library})", [named[0].evidence]
        )
    code_links = [link for link in inv.links_of("code") if STATEMENT_RE.search(link.text)]
    if code_links:
        return Assessment.met(f"card links public inference code: {code_links[0].url}", [code_links[0].evidence])
    partial: list[tuple[str, list]] = []
    if code:
        partial.append(("usage code loads the model (with its own remote code) but does not run it", [code[0].evidence]))
    if commands:
        partial.append(("a command runs a script that is not shared", [commands[0].evidence]))
    libs = [u for u in inv.usage if u.kind in ("library", "mention")]
    if libs:
        partial.append((f"a runtime is named ({libs[0].library}) without code that runs the model", [libs[0].evidence]))
    links = [
        link
        for link in inv.links_of("code")
        if REPO_LINK_RE.search(link.text)
        and not re.search(r"\btrain", link.text, re.I)
        and any(c.role == "model" and link.evidence.path == c.path for c in inv.cards)
    ]
    if links:
        partial.append((f"the card links a code repository ({links[0].url}) without saying it runs the model", [links[0].evidence]))
    if arch or known_arch:
        partial.append(("a model configuration or modelling code is present, but no code that runs inference", [(arch or known_arch)[0].evidence]))
    if partial:
        why, ev = partial[0]
        return Assessment.partial(why, ev, "Add a usage snippet that loads the weights and generates output.")
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no inference code or usage code found")
    return Assessment.unknown("nothing was read")


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

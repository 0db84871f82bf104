"""SARIF 2.1.0: every TRUE criterion short of its maximum as a code-scanning result.

GitHub code scanning (and any SARIF viewer) then shows, at the file that holds the evidence,
what is missing and what to publish to earn the rest. Each criterion is a rule whose `help`
is the remediation; a result points at the first cited file (paths relative to the directory
the report is rendered from, so a scan of a sub-folder still resolves in the repository), or
at the model card when nothing more specific exists. A missed organisation policy is a result
too. Levels: 0 points is a `warning`, partial credit a `note`; an unsafe pickle and a model
signature that does not match (or does not verify with the trusted key) are `error`s at the
file concerned.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from truecard.models import CriterionResult, Evidence, EvidenceKind, Scorecard, as_json
from truecard.reports.options import DEFAULT, RenderOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/truecard/truecard"
RUBRIC_URI = "https://github.com/truecard/truecard/blob/main/docs/rubric.md"


def _uri(e: Evidence, card: Scorecard, base: Path) -> str | None:
    """A repository-relative URI for a cited file, when the evidence names one."""
    if not e.path:
        return None
    src = next((s for s in card.subject.sources if s.id == e.source), None)
    if src is not None and src.kind == "local":
        full = Path(src.location) / e.path
        try:
            rel = os.path.relpath(full, base)
        except ValueError:  # another drive on Windows
            rel = e.path
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return Path(e.path).as_posix()


def _location(e: Evidence, card: Scorecard, base: Path) -> dict[str, Any] | None:
    uri = _uri(e, card, base)
    if uri is None:
        return None
    region: dict[str, Any] = {"startLine": max(1, e.line_start or 1)}
    if e.line_end and e.line_start and e.line_end >= e.line_start:
        region["endLine"] = e.line_end
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
    if e.summary:
        loc["message"] = {"text": e.summary}
    return loc


def _fallback(card: Scorecard) -> Evidence | None:
    """The model card (or any cited file) for criteria whose evidence names no file."""
    cited = [e for c in card.criteria for e in c.evidence if e.path and e.origin == "detected"]
    for e in cited:
        if e.kind.startswith("card") or (e.path or "").lower().endswith(("readme.md", "model_card.md", "modelcard.md")):
            return Evidence(kind=EvidenceKind.CARD, summary="model card", source=e.source, path=e.path)
    return Evidence(kind=EvidenceKind.FILE, summary="cited file", source=cited[0].source, path=cited[0].path) if cited else None


def _rule(c: CriterionResult, spec_text: str) -> dict[str, Any]:
    help_text = c.remediation or "Fully met."
    return {
        "id": c.id,
        "name": "".join(w.capitalize() for w in c.id.replace(".", "_").split("_")),
        "shortDescription": {"text": c.name},
        "fullDescription": {"text": spec_text or c.name},
        "help": {"text": help_text, "markdown": f"**To earn the rest:** {help_text}"},
        "helpUri": RUBRIC_URI,
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["openness", "TRUE", c.dimension], "dimension": c.dimension, "max": c.max},
    }


def build(card: Scorecard, *, base_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    from truecard.spec import load_spec

    spec = load_spec()
    base = Path(base_dir or os.getcwd()).resolve()
    wording = {c.id: c.spec for c in spec.criteria}
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    fallback = _fallback(card)
    for i, c in enumerate(card.criteria):
        rules.append(_rule(c, wording.get(c.id, "")))
        if c.points >= c.max:
            continue
        locs = [loc for e in c.evidence if e.origin == "detected" for loc in [_location(e, card, base)] if loc][:3]
        if not locs:
            locs = [loc for e in c.evidence for loc in [_location(e, card, base)] if loc][:1]
        if not locs and fallback is not None:
            loc = _location(fallback, card, base)
            locs = [loc] if loc else []
        text = f"{c.name}: {c.points}/{c.max} ({c.status}). {c.rationale}"
        if c.remediation:
            text += f" To earn the rest: {c.remediation}"
        fp = hashlib.sha256(f"{card.subject.name}\0{c.id}".encode()).hexdigest()[:32]
        result: dict[str, Any] = {
            "ruleId": c.id,
            "ruleIndex": i,
            "level": "warning" if c.points == 0 else "note",
            "kind": "fail",
            "message": {"text": text},
            "partialFingerprints": {"truecardCriterion/v1": fp},
            "properties": {"points": c.points, "max": c.max, "status": str(c.status),
                           "detectedPoints": c.detected_points, "basis": str(c.basis)},
        }
        if locs:
            result["locations"] = locs
        results.append(result)
    for key, typed in card.frameworks.items():
        view = as_json(typed)
        if not (key.startswith("policy:") and isinstance(view, dict)) or view.get("passed", True):
            continue
        rid = f"policy/{view['policy']}"
        rules.append({
            "id": rid,
            "shortDescription": {"text": f"Organisation policy {view['policy']}"},
            "fullDescription": {"text": view.get("description") or f"Policy file {view.get('file')}"},
            "help": {"text": "Publish what the failed checks require: " + "; ".join(view["failures"])},
            "defaultConfiguration": {"level": "error"},
        })
        res: dict[str, Any] = {
            "ruleId": rid, "ruleIndex": len(rules) - 1, "level": "error", "kind": "fail",
            "message": {"text": f"Policy {view['policy']} not met: " + "; ".join(view["failures"])},
        }
        if fallback is not None and (loc := _location(fallback, card, base)):
            res["locations"] = [loc]
        results.append(res)
    _integrity_results(card, base, rules, results)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "truecard", "version": card.truecard_version,
                            "semanticVersion": card.truecard_version, "informationUri": INFO_URI,
                            "rules": rules}},
        "automationDetails": {"id": f"truecard/{card.subject.name}/"},
        "invocations": [{"executionSuccessful": True, "endTimeUtc": card.scanned_at.strftime("%Y-%m-%dT%H:%M:%SZ")}],
        "results": results,
        "properties": {"subject": card.subject.name, "total": card.total, "max": card.max, "tier": card.tier,
                       "totalDetected": card.total_detected, "spec": f"{card.spec.name} {card.spec.version}"},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


INTEGRITY_RULES = {
    "integrity/unsafe-pickle": (
        "Pickle-based weights import code",
        "A pickle-based weights file imports a global outside the tensor allow-list (os.system, builtins.eval, "
        "subprocess, ...): loading it with torch.load or pickle.load runs that code.",
        "Publish the weights as safetensors (or GGUF); never load this file outside a sandbox.",
    ),
    "integrity/signature-mismatch": (
        "Model signature does not match",
        "A model-signing bundle's signed manifest does not match the files (a digest differs or a signed file is "
        "missing), or the signature does not verify with the trusted key or certificate.",
        "Do not use these files: obtain the model from its publisher again, or re-sign it if the change is yours.",
    ),
}


def _integrity_results(card: Scorecard, base: Path, rules: list[dict[str, Any]],
                       results: list[dict[str, Any]]) -> None:
    """Error-level results for unsafe pickles and model signatures that fail, at the file concerned."""
    integ = card.integrity
    if integ is None:
        return
    found: list[tuple[str, Evidence, str, str]] = []
    for s in integ.unsafe:
        ev = s.evidence or Evidence(kind=EvidenceKind.INTEGRITY, summary=s.path, source=s.source, path=s.path)
        found.append(("integrity/unsafe-pickle", ev, f"Unsafe pickle {s.path}: {s.message}", s.path))
    for sig in integ.mismatched:
        ev = sig.evidence or Evidence(kind=EvidenceKind.INTEGRITY, summary=sig.path, source=sig.source, path=sig.path)
        target = sig.mismatched[0] if sig.mismatched else None
        if target:
            prefix = "" if sig.root in ("", ".") else sig.root + "/"
            ev = ev.model_copy(update={"path": prefix + target, "line_start": None, "line_end": None})
        found.append(("integrity/signature-mismatch", ev,
                      f"Model signature {sig.verdict} ({sig.path}): {sig.message}", f"{sig.path}:{sig.verdict}"))
    index: dict[str, int] = {}
    for rid, ev, text, key in found:
        if rid not in index:
            name, full, help_text = INTEGRITY_RULES[rid]
            rules.append({"id": rid, "shortDescription": {"text": name}, "fullDescription": {"text": full},
                          "help": {"text": help_text}, "defaultConfiguration": {"level": "error"},
                          "properties": {"tags": ["security", "supply-chain", "integrity"]}})
            index[rid] = len(rules) - 1
        fp = hashlib.sha256(f"{card.subject.name}\0{rid}\0{key}".encode()).hexdigest()[:32]
        res: dict[str, Any] = {"ruleId": rid, "ruleIndex": index[rid], "level": "error", "kind": "fail",
                               "message": {"text": text[:2000]}, "partialFingerprints": {"truecardIntegrity/v1": fp}}
        loc = _location(ev.model_copy(update={"summary": text[:300]}), card, base)
        if loc:
            res["locations"] = [loc]
        results.append(res)


# SARIF relates each result's file to a folder of its own (`base_dir`, else each source's
# root), so it is given the scanning machine's paths, not the portable card's.
REAL_PATHS = True


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    return json.dumps(build(card, base_dir=options.base_dir), indent=2) + "\n"

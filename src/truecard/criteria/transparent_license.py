"""transparent.license: "Permissive license clearly published".

The licence that matters most is the weights': a use-restricted weights licence (Llama
community licences, RAIL/OpenRAIL, Gemma terms, DeepSeek and Databricks model licences,
CC-BY-NC) earns 0 whatever the code's licence, because that is the openwashing TRUE exists
to expose. The per-artifact licences come from `truecard.licenses.artifacts`: each artifact's
own statements first, else the model's, the least open identified statement governing.
"""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, dedupe, has_documentation
from truecard.evidence.inventory import Inventory
from truecard.licenses import OSI_CLASSES
from truecard.licenses.artifacts import ArtifactLicense, attribute
from truecard.models import Evidence

ID = "transparent.license"
RUBRIC = Rubric(
    full="The weights and the code are under OSI-approved licences, clearly published: a "
    "licence file or an SPDX/Hub licence id in the card's metadata, identified with confidence "
    "(for a model released without code, the weights' licence alone).",
    partial="Open terms stated but unclearly (only in the card's prose, a link, or an uncertain "
    "text match); or only the code is OSI-licensed while the weights carry no licence; or the "
    "weights carry an open data/content licence that is not OSI-approved (e.g. CC-BY-4.0, "
    "CC-BY-SA-4.0, OpenMDW); or OSI weights beside code under closed terms.",
    none="The weights are under a use-restricted, custom, non-commercial or proprietary licence "
    "(Llama community licences, RAIL/OpenRAIL, Gemma terms, DeepSeek, Databricks, CC-BY-NC, ...), "
    "whatever the code's licence; or no licence is published at all.",
    unknown="Nothing was read that could carry a licence, or the only licence found could not be "
    "identified (e.g. 'license: other' with no name or link).",
    remediation="Publish the weights and the code under an OSI-approved licence (Apache-2.0, MIT, "
    "BSD, ...): add a LICENSE file and the matching `license:` id to the model card's metadata.",
    notes="When statements disagree, the least open identified one governs the artifact, and the "
    "disagreement is reported as a licence conflict warning. Prose is consulted only when no "
    "file or metadata identifies the licence.",
)

OSI = OSI_CLASSES
CLOSED = {"restricted", "non-commercial", "proprietary"}
OPEN_NON_OSI = {"open-data", "open-content"}
CLEAR_HOWS = {"file", "metadata", "claim"}
CLEAR_CONFIDENCE = 0.75


def _clear(row: ArtifactLicense) -> bool:
    g = row.governing
    return g is not None and g.how in CLEAR_HOWS and g.confidence >= CLEAR_CONFIDENCE


def _ev(*rows: ArtifactLicense) -> list[Evidence]:
    """The governing statements first, then the others that were read."""
    governing = [r.governing.evidence for r in rows if r.governing]
    return dedupe(governing + [f.evidence for r in rows for f in r.findings])


def evaluate(inv: Inventory) -> Assessment:
    if not inv.licenses:
        if has_documentation(inv) or inv.weights:
            return Assessment.unmet(
                "no licence published: no LICENSE file and no licence in the card metadata or text"
            )
        return Assessment.unknown("nothing was read that could carry a licence")
    rows = {r.artifact: r for r in attribute(inv)}
    w = rows["weights"]
    code_rows = [rows[a] for a in ("inference-code", "training-code") if rows[a].present]
    if w.license_class in CLOSED:
        return Assessment.unmet(
            f"weights licence {w.license_id or w.name!r} is {w.license_class} "
            f"({w.governing.evidence.locator() if w.governing else '?'}): "
            "use-restricted terms are not open",
            _ev(w),
        )
    if w.license_class in ("unknown", "none"):
        open_code = [r for r in code_rows if r.license_class in OSI]
        if open_code:
            return Assessment.partial(
                f"only the code carries an OSI licence ({open_code[0].license_id}); "
                "the weights' licence is not stated",
                _ev(*open_code),
                "State the weights' licence: a LICENSE file covering them and `license:` in the card.",
            )
        if w.license_class == "none":
            return Assessment.unmet("no licence published for the weights", _ev(w))
        return Assessment.unknown(f"licence could not be identified: {w.basis}", _ev(w))
    if w.license_class in OPEN_NON_OSI:
        return Assessment.partial(
            f"weights under {w.license_id} ({w.license_class}): open, but not an OSI-approved licence",
            _ev(w),
            "Release the weights under an OSI-approved licence such as Apache-2.0 or MIT.",
        )
    # weights under an OSI licence
    bad_code = [r for r in code_rows if r.license_class in CLOSED]
    if bad_code:
        r = bad_code[0]
        return Assessment.partial(
            f"weights under {w.license_id}, but the {r.artifact} is under "
            f"{r.license_id or r.name!r} ({r.license_class})",
            _ev(w, r),
        )
    unlicensed = [r for r in code_rows if r.license_class not in OSI | OPEN_NON_OSI]
    if unlicensed:
        r = unlicensed[0]
        return Assessment.partial(
            f"weights under {w.license_id}, but the {r.artifact} shipped carries no identified "
            f"licence ({r.basis})",
            _ev(w, r),
            "Put the code under an OSI-approved licence too (a LICENSE file covering it).",
        )
    unclear = [r for r in [w, *code_rows] if r.license_class in OSI and not _clear(r)]
    if unclear:
        r = unclear[0]
        how = r.governing.how if r.governing else "?"
        return Assessment.partial(
            f"open terms stated, but not clearly: the {r.artifact}'s licence {r.license_id} is "
            f"read from {how} (confidence {r.confidence:.2f})",
            _ev(w, *code_rows),
            "Add a verbatim LICENSE file and an SPDX id in the card's `license:` field.",
        )
    ids = sorted({r.license_id or r.name for r in [w, *code_rows]})
    return Assessment.met(
        f"OSI-approved licence clearly published: {', '.join(ids)}"
        + ("" if code_rows else " (no code shipped; the weights' licence alone)"),
        _ev(w, *code_rows),
    )

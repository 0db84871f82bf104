"""transparent.license: "Permissive license clearly published".

The licence that matters most is the weights': a use-restricted weights licence (Llama
community licences, RAIL/OpenRAIL, Gemma terms, DeepSeek and Databricks model licences,
CC-BY-NC) earns 0 whatever the code's licence, because that is the openwashing TRUE exists
to expose.
"""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory, LicenseFinding

ID = "transparent.license"
RUBRIC = Rubric(
    full="The weights and the code are under OSI-approved licences, clearly published: a "
    "licence file or an SPDX/Hub licence id in the card's metadata (for a model released "
    "without code, the weights' licence alone).",
    partial="Open terms stated but unclearly (only in prose, or low-confidence text match); or "
    "only the code is OSI-licensed while the weights carry no licence; or the weights carry an "
    "open content/data licence that is not OSI-approved (e.g. CC-BY-4.0, CC-BY-SA-4.0).",
    none="The weights are under a use-restricted, custom, non-commercial or proprietary licence "
    "(Llama community licences, RAIL/OpenRAIL, Gemma terms, DeepSeek, Databricks, CC-BY-NC, ...), "
    "or no licence is published at all.",
    unknown="Nothing was read that could carry a licence, or the only licence found could not be "
    "identified (e.g. 'license: other' with no name or link).",
    remediation="Publish the weights and the code under an OSI-approved licence (Apache-2.0, MIT, "
    "BSD, ...): add a LICENSE file and the matching `license:` id to the model card's metadata.",
    notes="When statements disagree, the most restrictive identified one governs the weights.",
)

OSI = {"osi-permissive", "osi-copyleft"}
CLOSED = {"restricted", "non-commercial", "proprietary"}
OPEN_NON_OSI = {"open-data", "open-content"}


def _weights_findings(inv: Inventory) -> list[LicenseFinding]:
    return [f for f in inv.licenses if f.scope in ("weights", "model")]


def _code_findings(inv: Inventory) -> list[LicenseFinding]:
    return [f for f in inv.licenses if f.scope in ("code", "model")]


def evaluate(inv: Inventory) -> Assessment:
    wf = [f for f in _weights_findings(inv) if f.license_class not in ("none",)]
    cf = [f for f in _code_findings(inv) if f.license_class not in ("none",)]
    has_code = bool(inv.code)
    if not inv.licenses:
        if has_documentation(inv) or inv.weights:
            return Assessment.unmet(
                "no licence published: no LICENSE file and no licence in the card metadata"
            )
        return Assessment.unknown("nothing was read that could carry a licence")
    closed = [f for f in wf if f.license_class in CLOSED and f.confidence >= 0.5]
    if closed:
        f = closed[0]
        return Assessment.unmet(
            f"weights licence {f.license_id or f.raw!r} is {f.license_class}: use-restricted terms are not open",
            [f.evidence],
        )
    identified_w = [f for f in wf if f.license_class != "unknown"]
    if not identified_w:
        only_code = [f for f in cf if f.scope == "code" and f.license_class in OSI]
        if only_code:
            return Assessment.partial(
                "only the code carries an OSI licence; the weights' licence is not stated",
                [f.evidence for f in only_code],
                "State the weights' licence: a LICENSE file covering them and `license:` in the card.",
            )
        ev = [f.evidence for f in wf or inv.licenses]
        return Assessment.unknown(
            "licence could not be identified: " + "; ".join(f.note for f in (wf or inv.licenses)[:2]), ev
        )
    w_osi = [f for f in identified_w if f.license_class in OSI]
    w_open = [f for f in identified_w if f.license_class in OPEN_NON_OSI]
    if w_osi and not w_open:
        code_bad = [f for f in cf if f.scope == "code" and f.license_class in CLOSED]
        if has_code and code_bad:
            return Assessment.partial(
                f"weights under {w_osi[0].license_id}, but code under {code_bad[0].license_id or code_bad[0].raw!r} ({code_bad[0].license_class})",
                [w_osi[0].evidence, code_bad[0].evidence],
            )
        clear = [f for f in w_osi if f.how in ("file", "metadata") and f.confidence >= 0.8]
        if clear:
            ids = sorted({f.license_id or f.raw for f in clear})
            return Assessment.met(
                f"OSI-approved licence clearly published: {', '.join(ids)}"
                + ("" if has_code else " (no code shipped; weights' licence alone)"),
                [f.evidence for f in clear],
            )
        return Assessment.partial(
            "open terms stated, but not clearly (prose or uncertain text match)",
            [f.evidence for f in w_osi],
            "Add a verbatim LICENSE file and an SPDX id in the card's `license:` field.",
        )
    if w_open:
        f = w_open[0]
        return Assessment.partial(
            f"weights under {f.license_id or f.raw} ({f.license_class}): open, but not an OSI-approved licence",
            [f.evidence],
            "Release the weights under an OSI-approved licence such as Apache-2.0 or MIT.",
        )
    return Assessment.unknown(
        "licence statements could not be classified", [f.evidence for f in identified_w]
    )

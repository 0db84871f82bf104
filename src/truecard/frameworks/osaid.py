"""The OSI Open Source AI Definition 1.0 (OSAID) readiness view.

OSAID 1.0 asks for three things, each made available under OSI-approved terms:

- data information: enough detail about the training data for a skilled person to build a
  substantially equivalent system (the data named precisely enough to obtain, its provenance);
- code: the complete source code used to train and run the system (data processing, training,
  inference, the model's architecture);
- parameters: the model's weights.

The verdict is `ready` only when all three are met; otherwise each element says what is missing.
"OSI-approved terms" is applied strictly to code and parameters (an OSI-approved licence class);
data information is documentation, published under content licences such as CC-BY, so any open
class counts for it (OSI approves software licences, not documentation licences).

Detected evidence is judged from TRUE's *detected* points and the inventory's licence findings;
MOT and OSAI index records give a claimed view, compared with the detected one when both exist.
"""

from __future__ import annotations

from typing import Any

from truecard.evidence.inventory import Inventory, LicenseFinding
from truecard.licenses import OPEN_CLASSES, OSI_CLASSES, LicenseClass, classify_id
from truecard.models import Evidence, OsaidComparisonRow, OsaidElement, OsaidView, Scorecard

NAMES = {"data_information": "Data information", "code": "Code", "parameters": "Parameters"}
_OSI = {str(c) for c in OSI_CLASSES}
_OPEN = {str(c) for c in OPEN_CLASSES}


def _element(eid: str, status: str, missing: list[str], terms: str | None, terms_ok: bool | None,
             evidence: list[Evidence] | None = None, note: str = "") -> OsaidElement:
    if status == "met" and terms_ok is False:
        status = "partial"
        missing = [*missing, f"terms are not {'open' if eid == 'data_information' else 'OSI-approved'}: {terms}"]
    if status == "met" and terms_ok is None:
        status = "partial"
        missing = [*missing, "no licence found for it"]
    out = OsaidElement(id=eid, name=NAMES[eid], status=status, terms=terms, terms_ok=terms_ok, missing=missing)
    if note:  # `note` and `evidence` only where there are some (the view keeps the keys set)
        out.note = note
    if evidence:
        out.evidence = list(evidence[:4])
    return out


def _verdict(elements: list[OsaidElement], basis: str, record: str | None = None) -> OsaidView:
    ready = all(e.status == "met" for e in elements)
    missing = [f"{e.name}: {m}" for e in elements for m in e.missing]
    view = OsaidView(definition="Open Source AI Definition", version="1.0", basis=basis,
                     verdict="ready" if ready else "not ready", ready=ready, elements=elements, missing=missing)
    if record is not None:
        view.record = record
    return view


def _pick(findings: list[LicenseFinding], *scopes: str) -> LicenseFinding | None:
    for scope in scopes:
        cands = [f for f in findings if f.scope == scope and f.how != "claim" and f.license_class != "unknown"]
        if cands:
            # the least open statement governs: a restricted LICENSE file beats an "apache-2.0" tag
            order: list[str] = [LicenseClass.PROPRIETARY, LicenseClass.NON_COMMERCIAL, LicenseClass.RESTRICTED,
                     LicenseClass.NONE, LicenseClass.OPEN_CONTENT, LicenseClass.OPEN_DATA,
                     LicenseClass.OSI_COPYLEFT, LicenseClass.OSI_PERMISSIVE]
            return min(cands, key=lambda f: order.index(f.license_class) if f.license_class in order else 0)
    return None


def detected(inv: Inventory, card: Scorecard) -> OsaidView:
    pts = {c.id: c.detected_points for c in card.criteria}
    ev = {c.id: [e for e in c.evidence if e.origin == "detected"] for c in card.criteria}
    lic = inv.licenses

    # data information
    d, p = pts["transparent.datasets"], pts["understandable.data_provenance"]
    missing = []
    if d < 2:
        missing.append("training data named precisely enough to obtain it" if d == 1 else "training data not disclosed")
    if p < 1:
        missing.append("data provenance (sources, licences, curation) not documented")
    f = _pick(lic, "docs", "model")
    status = "met" if d == 2 and p >= 1 else "partial" if d or p else "missing"
    data_el = _element("data_information", status, missing, f.license_id or f.raw if f else None,
                       (f.license_class in _OPEN) if f else None,
                       ev["transparent.datasets"] + ev["understandable.data_provenance"])

    # code
    t, i = pts["transparent.training_code"], pts["transparent.inference_code"]
    data_code = bool(inv.code_with("data") or inv.configs_of("data-pipeline"))
    missing = []
    if t < 2:
        missing.append("the full training code" if t == 1 else "training code")
    if i < 2:
        missing.append("the full inference code" if i == 1 else "inference code")
    if not data_code:
        missing.append("data processing code")
    f = _pick(lic, "code", "model")
    status = "met" if t == 2 and i == 2 and data_code else "partial" if t or i or data_code else "missing"
    code_el = _element("code", status, missing, f.license_id or f.raw if f else None,
                       (f.license_class in _OSI) if f else None,
                       ev["transparent.training_code"] + ev["transparent.inference_code"])

    # parameters
    w = pts["transparent.weights"]
    f = _pick(lic, "weights", "model")
    status = "met" if w == 2 else "partial" if w == 1 else "missing"
    params_el = _element("parameters", status, [] if w == 2 else ["downloadable weights"],
                         f.license_id or f.raw if f else None, (f.license_class in _OSI) if f else None,
                         ev["transparent.weights"])
    return _verdict([data_el, code_el, params_el], "detected")


def from_mot(rec: Any) -> OsaidView:
    """A MOT self-report read as OSAID: components listed, licences as the MOT resolves them."""
    model = rec.mot_model()
    present = set(model.components)

    def lic(cid: int) -> tuple[str | None, str | None]:
        name = model.resolve_license(cid)[0] if cid in present else None
        return name, (str(classify_id(name).license_class) if name else None)

    def terms(cids: list[int], ok: set[str]) -> tuple[str | None, bool | None]:
        found = [lic(c) for c in cids if c in present]
        if not found or any(n is None for n, _ in found):
            return (found[0][0] if found else None), (None if not found or all(n is None for n, _ in found) else False)
        return ", ".join(sorted({n for n, _ in found if n})), all(c in ok for _, c in found)

    def part(cids: dict[int, str]) -> tuple[str, list[str]]:
        missing = [label for cid, label in cids.items() if cid not in present]
        status = "met" if not missing else "partial" if len(missing) < len(cids) else "missing"
        return status, missing

    s, m = part({15: "datasets", 14: "data card"})
    n, ok = terms([15, 14], _OPEN)
    data_el = _element("data_information", s, m, n, ok)
    s, m = part({7: "training code", 8: "inference code", 16: "data preprocessing code", 9: "model architecture"})
    n, ok = terms([7, 8, 16, 9], _OSI)
    code_el = _element("code", s, m, n, ok)
    s, m = part({10: "final parameters"})
    n, ok = terms([10], _OSI)
    params_el = _element("parameters", s, m, n, ok)
    return _verdict([data_el, code_el, params_el], "claimed", rec.path)


def from_osai(rec: Any) -> OsaidView:
    """An OSAI index record read as OSAID: its availability levels, its licence rating as terms."""
    lv = {ref: p.level for ref, p in rec.params.items()}
    licenses = lv.get("licenses", "")
    terms_ok = True if licenses == "open" else None if licenses == "" else False
    terms = f"licences rated {licenses or 'empty'} by the index"

    def st(*refs: str) -> tuple[str, list[str]]:
        levels = [lv.get(r, "") for r in refs]
        missing = [f"{r} rated {lv.get(r) or 'empty'}" for r in refs if lv.get(r) != "open"]
        status = "met" if all(x == "open" for x in levels) else "partial" if any(
            x in ("open", "partial") for x in levels) else "missing"
        return status, missing

    els = []
    for eid, refs in (("data_information", ("datasources_endmodel", "datasheet")),
                      ("code", ("trainingcode",)), ("parameters", ("weights_endmodel",))):
        s, m = st(*refs)
        els.append(_element(eid, s, m, terms, terms_ok))
    return _verdict(els, "claimed", rec.path)


def evaluate(inv: Inventory, card: Scorecard) -> OsaidView:
    claimed = [from_mot(r) if r.kind == "mot" else from_osai(r) for r in inv.records]
    has_files = any(t.lists_files for t in inv.trees)
    if not has_files and claimed:
        first = claimed[0]
        if len(claimed) > 1:
            first.other_records = claimed[1:]
        return first
    view = detected(inv, card)
    if claimed:
        view.claimed = claimed[0]
        view.comparison = [
            OsaidComparisonRow(element=a.name, claimed=a.status, detected=b.status,
                               verdict="agree" if a.status == b.status else "differ")
            for a, b in zip(claimed[0].elements, view.elements, strict=True)
        ]
    return view

"""Shape stored rows and scorecards for the pages and the API (one place for both)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from truecard.spec import Spec, UnknownSpecVersion, load_spec
from truecard.store.cards import obj, openness_verdict
from truecard.store.orm import AuditEntry, Claim, Evaluation, Model
from truecard.web.links import evidence_link

MOF_LABELS = {1: "Class I", 2: "Class II", 3: "Class III", 0: "Unclassified"}
MOF_NAMES = {1: "Open Science", 2: "Open Tooling", 3: "Open Model",
             0: "not even Class III: a required component is missing or not openly licensed"}
SCOPE_LABELS = {"card-only": "card only", "card+code": "card + code", "verified": "verified"}
SCOPE_HELP = {
    "card-only": "only the model card was read: points that need files (code, weights, configs) could not be earned",
    "card+code": "the model card and the repository's other files (code, configs, weights) were read",
    "verified": "all files were read and the model was loaded and run by truecard verify",
}
MODALITY_LABELS = {"text": "text", "code": "code", "vision": "vision", "audio": "audio",
                   "multimodal": "multimodal", "other": "other"}


def frameworks_summary(m: Any) -> dict[str, Any]:
    """A model's (or evaluation's) other-framework figures; None where not computed."""
    mof = m.mof_class
    return {
        "mof": None if mof is None else {"class": mof, "label": MOF_LABELS.get(mof, str(mof)),
                                          "name": MOF_NAMES.get(mof, "")},
        "osaid": None if m.osaid_ready is None else {"ready": bool(m.osaid_ready)},
        "osai": None if m.osai_score is None else {"score_percent": float(m.osai_score)},
    }


def spec_of(doc: dict[str, Any]) -> Spec:
    """The spec a stored scorecard names (the current one if it names none we know: the store
    refuses such scorecards, so that is only a scorecard stored by a spec since unregistered)."""
    ref = obj(doc, "spec")
    try:
        return load_spec(str(ref["version"])) if ref.get("version") else load_spec()
    except UnknownSpecVersion:
        return load_spec()


def spec_max(version: str | None) -> int:
    """The maximum total of a stored spec version (the current spec's for one since unregistered)."""
    try:
        return load_spec(version).max if version else load_spec().max
    except UnknownSpecVersion:
        return load_spec().max


def provenance(m: Any) -> dict[str, Any]:
    """How a model's latest (or one) evaluation reached the store, with the label the pages show."""
    how = m.provenance or "scanned"
    who = m.pushed_by
    rescanned = m.verified_at is not None
    if how == "pushed":
        label = f"pushed by {who or 'a token holder'}, " + ("re-scanned by the server: same points" if rescanned
                                                            else "not re-scanned")
    elif how == "unknown":
        label = "origin not recorded, " + ("re-scanned by the server: same points" if rescanned
                                           else "not re-scanned")
    else:
        label = {"scanned": "scanned by the server", "imported": "imported by the server's operator",
                 "demo": "demo data"}.get(how, how)
    return {"how": how, "by": who, "rescanned": rescanned, "verified_at": iso(m.verified_at),
            "ranked": bool(m.ranked), "label": label}


def criteria_points(points: str | None) -> dict[str, int | None]:
    digits = points or ""
    return {cid: (int(digits[i]) if i < len(digits) and digits[i].isdigit() else None)
            for i, cid in enumerate(load_spec().criterion_ids)}


def dimension_scores(m: Any) -> dict[str, int]:
    """A model's or an evaluation's dimension columns, one per dimension of the spec."""
    return {d: getattr(m, d) for d in load_spec().dimension_ids}


def iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def short_rev(rev: str | None) -> str:
    if not rev:
        return ""
    return rev[:12] if all(c in "0123456789abcdef" for c in rev.lower()) else rev[:24]


def model_summary(m: Model | Any) -> dict[str, Any]:
    """A model (or a leaderboard row) as the API shows it."""
    return {
        "model_id": m.model_id,
        "name": m.name,
        "organisation": m.organisation or None,
        "total": m.total,
        "total_detected": m.total_detected,
        "max": spec_max(m.spec_version),
        "spec_version": m.spec_version,
        "tier": m.tier,
        "dimensions": dimension_scores(m),
        "license_class": m.license_class,
        "openness": openness_verdict(m.license_class),
        "frameworks": frameworks_summary(m),
        "scope": m.scope,
        "modality": m.modality,
        "finetuned": m.finetuned,
        "criteria": criteria_points(m.points),
        "last_scanned_at": iso(m.last_scanned_at),
        "evaluations": m.evaluations_count,
        "claims": m.claims_count,
        "provenance": provenance(m),
        "url": f"/models/{m.model_id}",
        "badge": f"/badge/{m.model_id}.svg",
    }


def evaluation_summary(ev: Evaluation) -> dict[str, Any]:
    return {
        "evaluation_id": ev.id,
        "revision": ev.revision,
        "scanned_at": iso(ev.scanned_at),
        "stored_at": iso(ev.stored_at),
        "stored_by": ev.stored_by,
        "total": ev.total,
        "total_detected": ev.total_detected,
        "tier": ev.tier,
        "dimensions": dimension_scores(ev),
        "license_class": ev.license_class,
        "openness": openness_verdict(ev.license_class),
        "frameworks": frameworks_summary(ev),
        "scope": ev.scope,
        "truecard_version": ev.truecard_version,
        "provenance": provenance(ev),
        "rescan_note": ev.rescan_note,
    }


def claim_view(c: Claim) -> dict[str, Any]:
    return {
        "id": c.id,
        "criterion": c.criterion,
        "evidence_url": c.evidence_url,
        "note": c.note,
        "author": c.author,
        "created_at": iso(c.created_at),
        "evaluation_id": c.evaluation_id,
        "origin": "claimed",
    }


def audit_view(a: AuditEntry) -> dict[str, Any]:
    import json

    try:
        detail = json.loads(a.detail)
    except ValueError:
        detail = {}
    return {
        "at": iso(a.at),
        "actor": a.actor,
        "action": a.action,
        "model_id": a.model_ref,
        "detail": detail,
    }


def sources_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(s.get("id")): s for s in obj(doc, "subject").get("sources") or [] if isinstance(s, dict)}


def dimensions_view(doc: dict[str, Any], claims: list[Claim] | None = None) -> list[dict[str, Any]]:
    """Dimensions with criteria, each evidence item with its link, and the web claims attached."""
    sources = sources_by_id(doc)
    by_crit: dict[str, list[dict[str, Any]]] = {}
    for c in claims or []:
        by_crit.setdefault(c.criterion, []).append(claim_view(c))
    out = []
    for d in doc.get("dimensions", []):
        crits = []
        detected = 0
        for c in d.get("criteria", []):
            evs = []
            for e in c.get("evidence") or []:
                evs.append({**e, "link": evidence_link(e, sources)})
            detected += int(c.get("detected_points", 0))
            crits.append({**c, "evidence": evs, "claims": by_crit.get(c.get("id"), [])})
        out.append({**d, "criteria": crits, "detected": detected})
    return out


def history_points(evs: list[Evaluation]) -> list[dict[str, Any]]:
    pts = []
    for ev in evs:
        pts.append(
            {
                "evaluation_id": ev.id,
                "total": ev.total,
                "total_detected": ev.total_detected,
                "tier": ev.tier,
                "label": short_rev(ev.revision)[:10] or f"#{ev.id}",
                "date": ev.scanned_at.strftime("%Y-%m-%d"),
            }
        )
    return pts


def framework_views(doc: dict[str, Any]) -> dict[str, Any]:
    """The stored MOF, OSAID and OSAI views, shaped for the model page (links on evidence)."""
    fw = obj(doc, "frameworks")
    sources = sources_by_id(doc)

    def linked(items: Any) -> list[dict[str, Any]]:
        return [{**e, "link": evidence_link(e, sources)} for e in items or [] if isinstance(e, dict)]

    out: dict[str, Any] = {}
    mof = fw.get("mof")
    if isinstance(mof, dict):
        comps = [{**c, "evidence": linked(c.get("evidence"))} for c in mof.get("components") or []
                 if isinstance(c, dict)]
        out["mof"] = {**mof, "components": sorted(comps, key=lambda c: (-int(c.get("class") or 0), c.get("id", 0))),
                      "short": _mof_label(mof.get("class"))}
    osaid = fw.get("osaid")
    if isinstance(osaid, dict):
        out["osaid"] = {**osaid, "elements": [{**e, "evidence": linked(e.get("evidence"))}
                                              for e in osaid.get("elements") or [] if isinstance(e, dict)]}
    osai = fw.get("osai")
    if isinstance(osai, dict):
        out["osai"] = osai
    return out


def _mof_label(cls: Any) -> str:
    return MOF_LABELS.get(cls, "?") if isinstance(cls, int) else "?"

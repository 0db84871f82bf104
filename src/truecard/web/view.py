"""What the pages show besides the response models (`truecard.web.schemas`, the shapes the
API returns and the pages render): labels, a stored scorecard's dimensions and framework views
with their evidence links, the history chart's points.
"""

from __future__ import annotations

from typing import Any

from truecard.spec import Spec, UnknownSpecVersion, load_spec
from truecard.store.cards import obj
from truecard.store.orm import Claim, Evaluation
from truecard.web.links import evidence_link
from truecard.web.schemas import MOF_LABELS, ClaimOut

SCOPE_LABELS = {"card-only": "card only", "card+code": "card + code", "verified": "verified"}
SCOPE_HELP = {
    "card-only": "only the model card was read: points that need files (code, weights, configs) could not be earned",
    "card+code": "the model card and the repository's other files (code, configs, weights) were read",
    "verified": "all files were read and the model was loaded and run by truecard verify",
}
MODALITY_LABELS = {"text": "text", "code": "code", "vision": "vision", "audio": "audio",
                   "multimodal": "multimodal", "other": "other"}


def spec_of(doc: dict[str, Any]) -> Spec:
    """The spec a stored scorecard names (the current one if it names none we know: the store
    refuses such scorecards, so that is only a scorecard stored by a spec since unregistered)."""
    ref = obj(doc, "spec")
    try:
        return load_spec(str(ref["version"])) if ref.get("version") else load_spec()
    except UnknownSpecVersion:
        return load_spec()


def short_rev(rev: str | None) -> str:
    if not rev:
        return ""
    return rev[:12] if all(c in "0123456789abcdef" for c in rev.lower()) else rev[:24]


def sources_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(s.get("id")): s for s in obj(doc, "subject").get("sources") or [] if isinstance(s, dict)}


def dimensions_view(doc: dict[str, Any], claims: list[Claim] | None = None) -> list[dict[str, Any]]:
    """Dimensions with criteria, each evidence item with its link, and the web claims attached
    (the stored scorecard's own shape, extended: the model page and the API's `criteria`)."""
    sources = sources_by_id(doc)
    by_crit: dict[str, list[ClaimOut]] = {}
    for c in claims or []:
        by_crit.setdefault(c.criterion, []).append(ClaimOut.of(c))
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

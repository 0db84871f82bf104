"""What changed between two evaluations of a model: which criteria moved, and why."""

from __future__ import annotations

from typing import Any


def _criteria(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for d in doc.get("dimensions", []) for c in d.get("criteria", [])}


def _locators(c: dict[str, Any]) -> set[str]:
    out = set()
    for e in c.get("evidence") or []:
        loc = e.get("path") or e.get("url") or e.get("field") or e.get("kind") or ""
        if e.get("path") and e.get("line_start"):
            loc += f":{e['line_start']}"
        out.add(f"{loc} ({e.get('origin', 'detected')})")
    return out


def _revision(doc: dict[str, Any]) -> str | None:
    revs = [s.get("revision") for s in doc.get("subject", {}).get("sources", []) if s.get("revision")]
    return ", ".join(revs) if revs else None


def diff_scorecards(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Compare two scorecard documents (old first).

    `moved`: criteria whose points, detected points or basis changed, each with both reasons;
    `reworded`: same points, different reason; `evidence_changed`: same points and reason,
    different evidence.
    """
    a, b = _criteria(old), _criteria(new)
    moved, reworded, evidence_changed = [], [], []
    for cid, cb in b.items():
        ca = a.get(cid)
        if ca is None:
            continue
        row = {
            "id": cid,
            "name": cb.get("name", cid),
            "dimension": cb.get("dimension", cid.split(".")[0]),
            "before": ca.get("points", 0),
            "after": cb.get("points", 0),
            "detected_before": ca.get("detected_points", 0),
            "detected_after": cb.get("detected_points", 0),
            "basis_before": ca.get("basis", "detected"),
            "basis_after": cb.get("basis", "detected"),
            "status_before": ca.get("status"),
            "status_after": cb.get("status"),
            "rationale_before": ca.get("rationale", ""),
            "rationale_after": cb.get("rationale", ""),
            "evidence_added": sorted(_locators(cb) - _locators(ca)),
            "evidence_removed": sorted(_locators(ca) - _locators(cb)),
        }
        if (row["before"], row["detected_before"], row["basis_before"]) != (
            row["after"], row["detected_after"], row["basis_after"]
        ):
            row["delta"] = row["after"] - row["before"]
            moved.append(row)
        elif row["rationale_before"] != row["rationale_after"]:
            reworded.append(row)
        elif row["evidence_added"] or row["evidence_removed"]:
            evidence_changed.append(row)
    dims_old = {d["id"]: d.get("score", 0) for d in old.get("dimensions", [])}
    dims_new = {d["id"]: d.get("score", 0) for d in new.get("dimensions", [])}
    return {
        "total": {"before": old.get("total"), "after": new.get("total")},
        "total_detected": {"before": old.get("total_detected"), "after": new.get("total_detected")},
        "tier": {"before": old.get("tier"), "after": new.get("tier")},
        "revision": {"before": _revision(old), "after": _revision(new)},
        "scanned_at": {"before": old.get("scanned_at"), "after": new.get("scanned_at")},
        "truecard_version": {"before": old.get("truecard_version"), "after": new.get("truecard_version")},
        "dimensions": [
            {"id": k, "before": dims_old.get(k, 0), "after": dims_new.get(k, 0)} for k in dims_new
        ],
        "moved": moved,
        "reworded": reworded,
        "evidence_changed": evidence_changed,
    }

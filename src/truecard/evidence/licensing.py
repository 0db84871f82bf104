"""Licence statements found in the artifacts: card metadata, licence files, prose.

Scopes: a licence file at the root governs the whole model (`model`) unless its name says
otherwise (`LICENSE_weights`, `LICENSE-MODEL`, `LICENSE-CODE`, `data/LICENSE`, ...). The
deeper attribution and conflict checks live in `truecard.licenses`.
"""

from __future__ import annotations

import posixpath
import re
from typing import Literal

from truecard.evidence.inventory import Card, FileRecord, Inventory, LicenseFinding
from truecard.evidence.text import read_text
from truecard.licenses import LicenseClass, classify_id, classify_text
from truecard.models import Evidence, clip

Scope = Literal["model", "weights", "code", "data", "docs"]


def scope_of_file(path: str) -> Scope:
    low = path.lower()
    name = posixpath.basename(low)
    if re.search(r"weight|model(?!_card)|param", name) and "code" not in name:
        return "weights"
    if "code" in name or "software" in name:
        return "code"
    if "data" in name or "/data/" in f"/{low}" or "dataset" in low:
        return "data"
    if "doc" in name:
        return "docs"
    if "/" in path and not low.startswith(("license", "licence")):
        # a licence deep inside a code folder (src/, third_party/) governs that code
        return "code"
    return "model"


def from_card_metadata(inv: Inventory, card: Card) -> None:
    md = card.metadata
    raw = md.get("license")
    name = md.get("license_name") if isinstance(md.get("license_name"), str) else None
    link = md.get("license_link") if isinstance(md.get("license_link"), str) else None
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not values and name:
        values = ["other"]  # `license_name` without `license:` still names the terms
    for v in values:
        if not isinstance(v, str | int | float):
            continue
        verdict = classify_id(str(v), license_name=name, license_link=link)
        line = _meta_line(card, "license")
        inv.licenses.append(
            LicenseFinding(
                scope="model",
                raw=str(v),
                license_id=verdict.license_id,
                license_class=str(verdict.license_class),
                osi_approved=verdict.osi_approved,
                confidence=verdict.confidence,
                how="metadata",
                evidence=card.evidence(
                    f"card metadata license: {v}",
                    kind="license-metadata",
                    field="card:license",
                    line_start=line,
                    line_end=line,
                    excerpt=clip(f"license: {v}" + (f" (license_name: {name})" if name else "")),
                ),
                note=verdict.reason,
            )
        )
        if str(v).lower() == "other" and not name and not link:
            inv.warnings.append(
                f"{card.path}: licence conflict risk: 'license: other' without license_name or "
                "license_link; the terms cannot be identified"
            )


def _meta_line(card: Card, key: str) -> int | None:
    for i, line in enumerate(card.lines[: card.body_offset], start=1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return i
    return None


def from_license_file(inv: Inventory, rec: FileRecord) -> None:
    r = read_text(rec.tree, rec.path, rec.size, limit=1 << 20)
    if r.text is None:
        inv.problems.append(_problem(rec, r.problem or "unreadable"))
        return
    sha, scope_h = rec.tree.sha256(rec.path)
    verdict = classify_text(r.text)
    first = next((ln.strip() for ln in r.text.splitlines() if ln.strip()), "")
    scope = scope_of_file(rec.path)
    ev = Evidence(
        kind="license-file",
        summary=f"{rec.path}: {verdict.name} ({verdict.license_class})",
        source=rec.tree.info.id,
        revision=rec.tree.info.revision,
        path=rec.path,
        line_start=1,
        line_end=min(len(r.text.splitlines()), 40) or 1,
        excerpt=clip(first) or None,
        sha256=sha,
        sha256_scope=scope_h,
        url=rec.tree.url_for(rec.path, 1),
    )
    inv.licenses.append(
        LicenseFinding(
            scope=scope,
            raw=first[:200],
            license_id=verdict.license_id,
            license_class=str(verdict.license_class),
            osi_approved=verdict.osi_approved,
            confidence=verdict.confidence,
            how="file",
            evidence=ev,
            note=verdict.reason,
        )
    )


def _problem(rec: FileRecord, msg: str):
    from truecard.models import Problem

    return Problem(path=rec.path, source=rec.tree.info.id, message=f"licence file: {msg}")


def check_conflicts(inv: Inventory) -> None:
    """Warn when licence statements disagree in class (the openwashing pattern)."""
    meta = [f for f in inv.licenses if f.how == "metadata"]
    files = [f for f in inv.licenses if f.how == "file" and f.scope in ("model", "weights")]
    open_classes = {str(LicenseClass.OSI_PERMISSIVE), str(LicenseClass.OSI_COPYLEFT)}
    for m in meta:
        for f in files:
            if f.license_class in ("unknown", "none") or m.license_class in ("unknown", "none"):
                continue
            if (m.license_class in open_classes) != (f.license_class in open_classes) or (
                m.license_class != f.license_class
                and f.confidence >= 0.8
                and {m.license_class, f.license_class} - open_classes
            ):
                inv.warnings.append(
                    f"licence conflict: card metadata says {m.raw!r} ({m.license_class}) but "
                    f"{f.evidence.path} is {f.license_id or f.raw!r} ({f.license_class})"
                )

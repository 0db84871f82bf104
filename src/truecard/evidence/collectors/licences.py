"""Licence statements found in the artifacts: card metadata, licence files, prose.

`collect_tree` reads a tree's licence files, `collect` the cards' metadata, and `finish`
compares every statement once all are in (`truecard.licenses.conflicts`).

Scopes: a licence file at the root governs the whole model (`model`) unless its name says
otherwise (`LICENSE_weights`, `LICENSE-MODEL`, `LICENSE-CODE`, `data/LICENSE`, ...). The
deeper attribution and conflict checks live in `truecard.licenses`.
"""

from __future__ import annotations

import posixpath
import re
from typing import Literal, cast

from truecard.evidence.collectors._common import HashScope
from truecard.evidence.inventory import Card, FileRecord, Inventory, LicenseFinding
from truecard.evidence.text import read_text
from truecard.licenses import LicenseVerdict, classify_id
from truecard.licenses.text import match_text
from truecard.models import Evidence, EvidenceKind, clip
from truecard.sources.base import Tree

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


def collect_tree(inv: Inventory, tree: Tree, recs: list[FileRecord]) -> None:
    """Licence files at most two folders deep (deeper ones belong to vendored code)."""
    for r in (r for r in recs if r.kind == "license"):
        if r.size == 0 or r.path.count("/") <= 2:
            from_license_file(inv, r)


def collect(inv: Inventory) -> None:
    """Licences in the cards' metadata (`license`, `license_name`, `license_link`).

    Also: a code repository scanned beside the model's card (its README has the role
    "repository") licenses its code. Its root LICENSE says nothing about weights that live
    elsewhere, so it never stands in for the weights' licence: those statements are re-scoped
    from the whole model to the code.
    """
    _rescope_repository_licences(inv)
    for card in inv.cards:
        from_card_metadata(inv, card)


def _rescope_repository_licences(inv: Inventory) -> None:
    repo_sources = {c.tree.info.id for c in inv.cards if c.role == "repository"}
    for f in inv.licenses:
        if f.scope == "model" and f.evidence.source in repo_sources:
            f.scope = "code"
            f.note = (f.note + "; " if f.note else "") + "a code repository's licence: covers its code"


def from_card_metadata(inv: Inventory, card: Card) -> None:
    md = card.metadata
    raw = md.get("license")
    name = md.get("license_name") if isinstance(md.get("license_name"), str) else None
    link = md.get("license_link") if isinstance(md.get("license_link"), str) else None
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not values and (name or link):
        values = ["other"]  # license_name/license_link alone: the Hub's custom-licence form
    for v in values:
        if not isinstance(v, str | int | float):
            continue
        verdict = classify_id(str(v), license_name=name, license_link=link)
        line = _meta_line(card, "license")
        extra = (f" (license_name: {name})" if name else "") + (f" (license_link: {link})" if link else "")
        inv.licenses.append(
            _finding(
                verdict,
                scope="model",
                raw=str(v),
                how="metadata",
                evidence=card.evidence(
                    f"card metadata license: {v}",
                    kind=EvidenceKind.LICENSE_METADATA,
                    field="card:license",
                    line_start=line,
                    line_end=line,
                    excerpt=clip(f"license: {v}{extra}"),
                ),
            )
        )


def _finding(verdict: LicenseVerdict, *, scope: Scope, raw: str, how: str, evidence: Evidence) -> LicenseFinding:
    """A finding carrying everything the licence package knows about the verdict."""
    return LicenseFinding(
        scope=scope,
        raw=raw,
        license_id=verdict.license_id,
        license_class=str(verdict.license_class),
        osi_approved=verdict.osi_approved,
        confidence=verdict.confidence,
        how=how,  # type: ignore[arg-type]
        evidence=evidence,
        note=verdict.reason,
        name=verdict.name,
        source=verdict.source,
        restrictions=list(verdict.restrictions),
        parts=list(verdict.parts),
    )


def from_card_prose(inv: Inventory, card: Card) -> None:
    """Licences the card's text names (its License section, `License:` lines): weaker findings."""
    from truecard.licenses.prose import statements

    for st in statements(card.lines, card.body_offset, card.sections):
        line = card.lines[st.line - 1] if 0 < st.line <= len(card.lines) else st.text
        inv.licenses.append(
            _finding(
                st.verdict,
                scope=st.scope,  # type: ignore[arg-type]
                raw=st.text[:200],
                how="prose",
                evidence=card.evidence(
                    f"{card.path}: the text names {st.verdict.name} ({st.verdict.license_class})",
                    kind=EvidenceKind.LICENSE_PROSE,
                    line_start=st.line,
                    line_end=st.line,
                    excerpt=clip(line),
                ),
            )
        )


def _meta_line(card: Card, key: str) -> int | None:
    """The 1-based line of the front matter that sets `key` (`key:` at the line's start)."""
    rx = re.compile(rf"{re.escape(key)}\s*:")
    for i, line in enumerate(card.lines[: card.body_offset], start=1):
        # the pattern starts with the key as written: a line that does not cannot match (a
        # `str` test per line rather than a regex call: model-index front matter runs to
        # tens of thousands of lines)
        if line.startswith(key) and rx.match(line):
            return i
    return None


def from_license_file(inv: Inventory, rec: FileRecord) -> None:
    r = read_text(rec.tree, rec.path, rec.size, limit=1 << 20)
    if r.text is None:
        inv.problems.append(_problem(rec, r.problem or "unreadable"))
        return
    sha, scope_h = rec.tree.sha256(rec.path)
    verdict = match_text(r.text)
    if r.truncated:
        verdict.reason += f" (file is {rec.size // 1048576} MiB; only its first MiB was read)"
    lines = r.text.splitlines()
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    scope = scope_of_file(rec.path)
    start = verdict.line_start or 1
    end = verdict.line_end or (min(len(lines), 40) or 1)
    excerpt = next((ln.strip() for ln in lines[start - 1 : end] if ln.strip()), first)
    ev = Evidence(
        kind=EvidenceKind.LICENSE_FILE,
        summary=f"{rec.path}: {verdict.name} ({verdict.license_class})",
        source=rec.tree.info.id,
        revision=rec.tree.info.revision,
        path=rec.path,
        line_start=start,
        line_end=end,
        excerpt=clip(excerpt) or None,
        sha256=sha,
        sha256_scope=cast(HashScope, scope_h),
        url=rec.tree.url_for(rec.path, start),
    )
    inv.licenses.append(_finding(verdict, scope=scope, raw=first[:200], how="file", evidence=ev))


def _problem(rec: FileRecord, msg: str):
    from truecard.models import Problem

    return Problem(path=rec.path, source=rec.tree.info.id, message=f"licence file: {msg}")


def finish(inv: Inventory) -> None:
    """The licence pass that needs everything else collected first.

    Adds what the cards' prose says about licences (weaker than files and metadata), then
    warns about every licence conflict (`truecard.licenses.conflicts`): metadata against
    licence files, files against each other, expressions mixing classes, open code beside
    unlicensed weights, `license: other` without a name or link.
    """
    from truecard.licenses.conflicts import find_conflicts

    for card in inv.cards:
        from_card_prose(inv, card)
    _rescope_repository_licences(inv)
    inv.warnings.extend(w for w in find_conflicts(inv) if w not in inv.warnings)

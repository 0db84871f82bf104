"""Licence conflicts: statements that disagree, the pattern behind openwashing.

Each warning is one line, contains the word "conflict", and says where each side was read.
Reported:

- two statements for the same artifact whose classes disagree (card metadata `apache-2.0`
  while the LICENSE file is a community licence; two licence files that differ; the card's
  text naming a non-commercial licence under `license: mit`);
- an expression, a Hub licence list or a licence file whose parts differ in class
  (`MIT AND CC-BY-NC-4.0`, `[cc-by-nc-sa-4.0, apache-2.0]`);
- open code next to weights that carry no licence at all;
- `license: other` with neither `license_name` nor `license_link`.

Two statements of the same class (MIT and Apache-2.0; Llama 3 and Llama 3.1) do not conflict.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from truecard.licenses import CLOSED_CLASSES, OSI_CLASSES, LicenseClass

if TYPE_CHECKING:
    from truecard.licenses.artifacts import ArtifactLicense, Findings
    from truecard.licenses.findings import LicenseFinding

_UNIDENTIFIED = {LicenseClass.UNKNOWN, LicenseClass.NONE}
# Prose below this confidence is a mention, too weak to call a conflict on.
MIN_PROSE_CONFIDENCE = 0.5


def _group(cls: str) -> str:
    c = LicenseClass(cls)
    if c in OSI_CLASSES:
        return "osi"
    if c in CLOSED_CLASSES:
        return str(c)  # restricted, non-commercial and proprietary differ from each other
    return "open-non-osi"


def _describe(f: LicenseFinding) -> str:
    what = {"metadata": "card metadata", "file": "licence file", "prose": "the card's text",
            "link": "a link", "claim": "a claim"}.get(f.how, f.how)
    ident = f.license_id or f.raw[:60]
    return f"{what} {f.evidence.locator()} says {ident!r} ({f.license_class})"


def _disagree(a: LicenseFinding, b: LicenseFinding) -> bool:
    if a.license_class in _UNIDENTIFIED or b.license_class in _UNIDENTIFIED:
        return False
    for f in (a, b):
        if f.how == "prose" and f.confidence < MIN_PROSE_CONFIDENCE:
            return False
    if a.how == "prose" and b.how == "prose":
        return False  # a card naming its base model's licence beside its own is common prose
    ga, gb = _group(a.license_class), _group(b.license_class)
    if "prose" in (a.how, b.how):
        # prose against a file or metadata: only open against closed is worth a warning (a
        # fine-tune whose metadata says MIT while its text names the base model's licence)
        closed = {str(c) for c in CLOSED_CLASSES}
        return (ga in closed) != (gb in closed)
    return ga != gb


def _applies_together(a: LicenseFinding, b: LicenseFinding) -> bool:
    """Both statements claim to govern the same artifact."""
    if a.scope == b.scope:
        return True
    # the model's licence is its weights' licence; a statement for the code, data or docs
    # only narrows what the model's licence covers, it does not contradict it
    return {a.scope, b.scope} == {"model", "weights"}


def expression_conflicts(findings: list[LicenseFinding]) -> list[str]:
    out = []
    for f in findings:
        classes = {str(c) for p in f.parts if (c := p.get("class")) is not None} - _UNIDENTIFIED
        if len({_group(c) for c in classes}) > 1:
            listed = ", ".join(f"{p.get('id')} ({p.get('class')})" for p in f.parts)
            out.append(
                f"licence conflict: {f.evidence.locator()} combines licences of different "
                f"classes: {listed}; the parts' terms disagree"
            )
    return out


def list_conflicts(findings: list[LicenseFinding]) -> list[str]:
    """A Hub `license:` list whose entries differ in class (one field, several findings)."""
    by_field: dict[tuple[str | None, str | None], list[LicenseFinding]] = {}
    for f in findings:
        if f.how == "metadata":
            by_field.setdefault((f.evidence.path, f.evidence.field), []).append(f)
    out = []
    for (path, _), group in by_field.items():
        ident = [f for f in group if f.license_class not in _UNIDENTIFIED]
        if len({_group(f.license_class) for f in ident}) > 1:
            listed = ", ".join(f"{f.license_id or f.raw} ({f.license_class})" for f in ident)
            out.append(f"licence conflict: the card metadata in {path} lists licences of "
                       f"different classes: {listed}")
    return out


def find_conflicts(inv: Findings, rows: list[ArtifactLicense] | None = None) -> list[str]:
    """Every licence conflict in an inventory, one warning line each."""
    from truecard.licenses.artifacts import attribute

    findings = inv.licenses
    out: list[str] = []
    for f in findings:
        if f.how == "metadata" and (f.raw or "").strip().lower() == "other" and \
                f.note.startswith("license: other without license_name or license_link"):
            out.append(
                f"licence conflict: {f.evidence.locator()} says 'license: other' without "
                "license_name or license_link: the model's terms cannot be identified"
            )
    out += expression_conflicts(findings)
    out += list_conflicts(findings)
    metadata_pairs = {(id(a), id(b)) for a, b in combinations(findings, 2)
                      if a.how == b.how == "metadata" and a.evidence.path == b.evidence.path
                      and a.evidence.field == b.evidence.field}
    for a, b in combinations(findings, 2):
        if (id(a), id(b)) in metadata_pairs or not _applies_together(a, b):
            continue
        if _disagree(a, b):
            out.append(f"licence conflict: {_describe(a)} but {_describe(b)}")
    rows = rows if rows is not None else attribute(inv)
    by = {r.artifact: r for r in rows}
    w = by.get("weights")
    code = [by[a] for a in ("inference-code", "training-code") if a in by]
    open_code = [r for r in code if r.present and r.license_class in {str(c) for c in OSI_CLASSES}]
    if w is not None and w.license_class in _UNIDENTIFIED and open_code and not w.findings:
        r = open_code[0]
        out.append(
            f"licence conflict: the code is under {r.license_id} ({r.where[0] if r.where else '?'})"
            " but the weights carry no licence: using them is not clearly permitted"
        )
    return list(dict.fromkeys(out))

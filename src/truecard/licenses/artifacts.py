"""Which licence governs each artifact of a model, and where that was read.

A model is several artifacts, often under different terms: Apache-2.0 code next to
community-licensed weights is the commonest openwashing pattern. Each finding has a scope
(`weights`, `code`, `data`, `docs`, or `model` for the whole repository); an artifact takes the
findings of its own scope, and inherits the whole model's when it has none, as a repository's
root licence covers everything in it that says nothing else.

When several identified statements apply to one artifact, the least open governs (all of them
bind the user), and the disagreement is reported by `truecard.licenses.conflicts`. Statements
in files and metadata outrank prose: prose is consulted only when they say nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from truecard.licenses import CLASS_ORDER, LicenseClass

if TYPE_CHECKING:
    from truecard.licenses.findings import LicenseFinding
    from truecard.models import ArtifactLicenseRecord


class Findings(Protocol):
    """What the licence checks read of an inventory: its licence findings, and which artifacts
    it holds. `truecard.evidence.inventory.Inventory` is one; it is named by its shape, not
    imported, because the evidence package sits above this one (its collectors run it)."""

    @property
    def licenses(self) -> list[LicenseFinding]: ...
    @property
    def weights(self) -> Sequence[object]: ...
    @property
    def cards(self) -> Sequence[object]: ...
    @property
    def docs(self) -> Sequence[object]: ...
    def code_with(self, role: str) -> Sequence[object]: ...
    def files_of(self, *kinds: str) -> Sequence[object]: ...

ARTIFACTS = ("weights", "inference-code", "training-code", "datasets", "documentation")
_SCOPES = {
    "weights": ("weights",),
    "inference-code": ("code",),
    "training-code": ("code",),
    "datasets": ("data",),
    "documentation": ("docs",),
}
_CLEAR_HOWS = ("file", "metadata", "claim")
_UNIDENTIFIED = {str(LicenseClass.UNKNOWN), str(LicenseClass.NONE)}
# A finding below this confidence never governs an artifact on its own.
MIN_CONFIDENCE = 0.4


@dataclass
class ArtifactLicense:
    """The licence governing one artifact, with the findings behind it."""

    artifact: str
    present: bool  # the artifact was found in the scanned sources
    license_id: str | None
    name: str
    license_class: str
    osi_approved: bool | None
    confidence: float
    basis: str  # how this licence came to govern the artifact
    findings: list[LicenseFinding] = field(default_factory=list)
    governing: LicenseFinding | None = None

    @property
    def where(self) -> list[str]:
        return [f.evidence.locator() for f in self.findings]

    def as_dict(self, *, evidence_objects: bool = False) -> dict[str, Any]:
        """The row as JSON (`evidence_objects`: each finding's evidence left the `Evidence` it
        is, for a typed record to take as it stands)."""
        g = self.governing
        return {
            "artifact": self.artifact,
            "present": self.present,
            "license_id": self.license_id,
            "name": self.name,
            "class": self.license_class,
            "osi_approved": self.osi_approved,
            "confidence": round(self.confidence, 3),
            "basis": self.basis,
            "where": g.evidence.locator() if g else None,
            "source": g.source if g else "",
            "restrictions": list(g.restrictions) if g else [],
            "findings": [finding_dict(f, evidence_object=evidence_objects) for f in self.findings],
        }


def finding_dict(f: LicenseFinding, *, evidence_object: bool = False) -> dict[str, Any]:
    """A licence finding as JSON: what was read, where, and what it is (`evidence_object`:
    its evidence as the `Evidence` itself rather than its JSON)."""
    d: dict[str, Any] = {
        "scope": f.scope, "license_id": f.license_id, "name": f.name or None,
        "class": f.license_class, "osi_approved": f.osi_approved,
        "confidence": round(f.confidence, 3), "how": f.how, "raw": f.raw[:200],
        "where": f.evidence.locator(), "note": f.note, "source": f.source,
        "evidence": f.evidence if evidence_object else f.evidence.model_dump(exclude_none=True),
    }
    if f.restrictions:
        d["restrictions"] = list(f.restrictions)
    if f.parts:
        d["parts"] = list(f.parts)
    return d


def _present(inv: Findings, artifact: str) -> bool:
    if artifact == "weights":
        return bool(inv.weights)
    if artifact == "inference-code":
        return bool(inv.code_with("inference"))
    if artifact == "training-code":
        return bool(inv.code_with("training") or inv.code_with("finetuning"))
    if artifact == "datasets":
        return bool(inv.files_of("data"))
    return bool(inv.cards or inv.docs)


def governing(findings: list[LicenseFinding]) -> LicenseFinding | None:
    """The statement that governs, among those applying to one artifact: the least open
    identified one with enough confidence, files and metadata before prose."""
    usable = [f for f in findings if f.license_class not in _UNIDENTIFIED
              and f.confidence >= MIN_CONFIDENCE]
    clear = [f for f in usable if f.how in _CLEAR_HOWS]
    pool = clear or usable
    if not pool:
        return None
    return max(pool, key=lambda f: (CLASS_ORDER.index(LicenseClass(f.license_class)), f.confidence))


def attribute(inv: Findings) -> list[ArtifactLicense]:
    """One row per artifact: its governing licence, or why there is none."""
    rows = []
    model_findings = [f for f in inv.licenses if f.scope == "model"]
    for artifact in ARTIFACTS:
        own = [f for f in inv.licenses if f.scope in _SCOPES[artifact]]
        present = _present(inv, artifact)
        inherited = False
        pool = own
        if not governing(own) and (artifact != "datasets" or present):
            # a repository's licence covers what it ships, and what says nothing else
            pool = own + model_findings
            inherited = bool(model_findings)
        g = governing(pool)
        if g is not None:
            if g.scope != "model":
                basis = f"stated for the {artifact.replace('-', ' ')}"
            else:
                basis = "the model's licence" + (" (inherited)" if inherited and not own else "")
            rows.append(ArtifactLicense(
                artifact, present, g.license_id, g.name or g.license_id or g.raw,
                g.license_class, g.osi_approved, g.confidence, basis, pool, g,
            ))
            continue
        if pool:
            best = max(pool, key=lambda f: f.confidence)
            rows.append(ArtifactLicense(
                artifact, present, best.license_id, best.name or best.raw,
                str(LicenseClass.UNKNOWN), None, best.confidence,
                "licence statements found but not identified: " + best.note, pool, None,
            ))
            continue
        why = ("no licence found" if artifact != "datasets"
               else "no licence stated for the training data")
        rows.append(ArtifactLicense(artifact, present, None, "none", str(LicenseClass.NONE),
                                    None, 1.0 if present else 0.0, why, [], None))
    return rows


def scorecard_licenses(inv: Findings) -> list[ArtifactLicenseRecord]:
    """The Scorecard's `licenses` list: one entry per artifact, with its findings.

    Every entry has the artifact, whether it was found, the governing licence's id, name and
    class (the class names verbatim), OSI approval, confidence, where it was read, the source
    of its classification, and every finding that applied to it.
    """
    from truecard.models import ArtifactLicenseRecord

    # each finding's evidence goes in as the Evidence it is: the record's field takes an instance
    # as it stands and writes it without its empty fields, the JSON the finding's dump was
    # (rather than a dump parsed back into a new Evidence)
    return [ArtifactLicenseRecord.model_validate(r.as_dict(evidence_objects=True)) for r in attribute(inv)]

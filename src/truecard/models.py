"""Typed public results of a scan: evidence, criterion results, dimensions, the scorecard.

These pydantic models are the contract of every output (JSON, reports, the dashboard's
store, later tools); `truecard schema` prints their JSON Schema. Field names are stable.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EXCERPT_MAX = 200


class Origin(StrEnum):
    """Whether truecard found a piece of evidence itself or a person asserted it."""

    DETECTED = "detected"
    CLAIMED = "claimed"
    # stated by a document the repository ships (a CycloneDX or SPDX BOM, a signature bundle's
    # signer): read by truecard, but what it says was not checked against the files
    DECLARED = "declared"


class Status(StrEnum):
    MET = "met"  # full points
    PARTIAL = "partial"  # 1 point: "incomplete but indicative"
    UNMET = "unmet"  # evidence says the criterion is not met
    UNKNOWN = "unknown"  # no evidence either way: 0 points, said so


class Evidence(BaseModel):
    """One cited fact: where it was read, what it says, and a hash of what was read."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="What sort of fact, e.g. 'license-file', 'weights', 'card-section'.")
    summary: str = Field(description="One line saying what this evidence shows.")
    source: str | None = Field(default=None, description="Source id the fact came from.")
    revision: str | None = Field(default=None, description="Revision (commit sha) of that source.")
    path: str | None = Field(default=None, description="File path relative to the source root.")
    url: str | None = None
    field: str | None = Field(default=None, description="Metadata field, e.g. 'card:license'.")
    line_start: int | None = None
    line_end: int | None = None
    excerpt: str | None = Field(default=None, max_length=EXCERPT_MAX)
    sha256: str | None = Field(default=None, description="SHA-256 of the cited content.")
    sha256_scope: Literal["file", "header", "value"] | None = Field(
        default=None,
        description="What the hash covers: the whole file, a binary's header only, or the value.",
    )
    origin: Origin = Origin.DETECTED

    def locator(self) -> str:
        """A short human-readable pointer: path:lines, URL or field."""
        if self.path:
            loc = self.path
            if self.line_start:
                loc += f":{self.line_start}"
                if self.line_end and self.line_end != self.line_start:
                    loc += f"-{self.line_end}"
            if self.field:
                loc += f" [{self.field}]"
            return loc
        return self.url or self.field or self.kind


def clip(text: str, limit: int = EXCERPT_MAX) -> str:
    """Collapse whitespace and clip to the excerpt limit (with an ellipsis when cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CriterionResult(BaseModel):
    id: str
    name: str
    dimension: str
    points: int = Field(ge=0, le=2)
    max: int = 2
    status: Status
    rationale: str = Field(description="One line: why these points.")
    evidence: list[Evidence] = Field(default_factory=list)
    remediation: str | None = Field(default=None, description="What to publish to earn the rest.")
    detected_points: int = Field(
        ge=0, le=2, description="Points earned by detected evidence alone (claims excluded)."
    )
    basis: Origin = Field(default=Origin.DETECTED, description="'claimed' when a claim raised the points.")


class DimensionResult(BaseModel):
    id: str
    name: str
    score: int
    max: int
    criteria: list[CriterionResult]


class SourceInfo(BaseModel):
    """Where the evidence came from, with the exact revision so a scan can be repeated."""

    id: str
    kind: str = Field(description="local, git, hf, gh, mot, osai, ...")
    location: str
    revision: str | None = None
    partial: bool = Field(default=False, description="True when not everything could be read.")
    notes: list[str] = Field(default_factory=list)


class Subject(BaseModel):
    name: str
    sources: list[SourceInfo]


class SpecRef(BaseModel):
    name: str
    version: str


class Problem(BaseModel):
    """Something truecard could not read or had to skip, said plainly."""

    path: str | None = None
    source: str | None = None
    message: str
    severity: Literal["info", "warning", "error"] = "warning"


class PickleImport(BaseModel):
    """One global a pickle stream imports, read from its opcodes (never by unpickling)."""

    module: str
    name: str
    verdict: Literal["allowed", "dangerous", "unlisted"] = Field(
        description="'allowed': on truecard's allow-list of tensor-rebuilding globals; 'dangerous': known "
        "to run code or touch the system (os.system, builtins.eval, subprocess, ...); 'unlisted': neither, "
        "so loading the file imports and calls something no weights file needs."
    )


class SerializationCheck(BaseModel):
    """Whether one weights or checkpoint file can carry code, and if it does, what it imports."""

    path: str
    source: str | None = None
    format: str = Field(description="safetensors, gguf, onnx, pickle, pytorch-zip, numpy, ...")
    code_free: bool = Field(description="The format cannot carry executable code (safetensors, GGUF, ...).")
    verdict: Literal["code-free", "safe", "unsafe", "not-scanned", "error"]
    imports: list[PickleImport] = Field(default_factory=list)
    message: str = ""
    evidence: Evidence | None = None


class SignatureCheck(BaseModel):
    """An OpenSSF model-signing bundle found in a source, checked offline."""

    path: str = Field(description="The bundle (model.sig, *.sigstore.json, ...).")
    source: str | None = None
    root: str = Field(default="", description="Folder the signed manifest's paths are relative to.")
    method: str = Field(default="", description="How it was signed: key, certificate or sigstore.")
    signer: str = Field(default="", description="Who signed it, as the bundle states it.")
    authenticated: bool | None = Field(
        default=None,
        description="True: the signature verifies against the key or certificate given with --trust-key/"
        "--trust-cert; False: it does not; None: no trust material given, so the signer is only stated.",
    )
    authentication: str = ""
    verdict: Literal["verified", "digests-match", "mismatch", "untrusted", "invalid", "unchecked"] = Field(
        description="'verified': authentic and every signed file matches; 'digests-match': files match the "
        "manifest but the signer is not authenticated; 'mismatch': a signed file differs or is missing; "
        "'untrusted': the signature does not verify with the trusted keys or certificates; 'invalid': the "
        "bundle's signed statement is broken; 'unchecked': the files could not be hashed."
    )
    signed_files: int = 0
    matched: list[str] = Field(default_factory=list)
    mismatched: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    uncovered: list[str] = Field(default_factory=list, description="Files present but not in the manifest.")
    unchecked: list[str] = Field(default_factory=list, description="Signed files whose bytes were not read.")
    message: str = ""
    evidence: Evidence | None = None


class DeclaredBom(BaseModel):
    """A bill of materials the repository ships, read as what it declares (never as detected)."""

    path: str
    source: str | None = None
    format: Literal["cyclonedx", "spdx3"]
    spec_version: str = ""
    subject: str = ""
    licenses: list[str] = Field(default_factory=list)
    datasets: list[str] = Field(default_factory=list)
    components: int = 0
    problems: list[str] = Field(default_factory=list)
    evidence: Evidence | None = None


class ModelFact(BaseModel):
    """A fact the supply-chain formats (SPDX 3 AI profile, CycloneDX modelCard) carry, with its origin.

    `name` is one of: hyperparameter, energy, dataset, download_location, supplier, release_time.
    """

    name: str
    key: str = ""
    value: str
    evidence: Evidence | None = None


class Integrity(BaseModel):
    """Integrity and safety of the artifacts: weight formats, pickle imports, signatures, shipped BOMs."""

    serialization: list[SerializationCheck] = Field(default_factory=list)
    signatures: list[SignatureCheck] = Field(default_factory=list)
    declared: list[DeclaredBom] = Field(default_factory=list)
    facts: list[ModelFact] = Field(default_factory=list)

    @property
    def unsafe(self) -> list[SerializationCheck]:
        return [s for s in self.serialization if s.verdict == "unsafe"]

    @property
    def mismatched(self) -> list[SignatureCheck]:
        return [s for s in self.signatures if s.verdict in ("mismatch", "untrusted", "invalid")]

    def facts_of(self, name: str) -> list[ModelFact]:
        return [f for f in self.facts if f.name == name]


def _spec_max() -> int:
    from truecard.spec import load_spec

    return load_spec().max


class Scorecard(BaseModel):
    truecard_version: str
    spec: SpecRef
    subject: Subject
    total: int
    max: int = Field(default_factory=lambda: _spec_max(), description="The maximum total of the spec named.")
    tier: str
    total_detected: int = Field(description="Total from detected evidence alone, claims excluded.")
    tier_detected: str
    dimensions: list[DimensionResult]
    scanned_at: datetime
    claims_used: bool = False
    warnings: list[str] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    licenses: list[dict[str, Any]] = Field(default_factory=list, description="Per-artifact licence findings.")
    frameworks: dict[str, Any] = Field(
        default_factory=dict, description="Other frameworks' views over the same evidence."
    )
    model_card: dict[str, Any] = Field(
        default_factory=dict,
        description="What the model card states (task, architecture, parameters, datasets, metrics, "
        "limitations), for reports that describe the model: ML-BOM, HTML page.",
    )
    verification: dict[str, Any] | None = Field(
        default=None, description="Results of running the model (truecard verify), if requested."
    )
    integrity: Integrity | None = Field(
        default=None,
        description="Weight formats and pickle imports, model signatures, BOMs the repository ships "
        "(truecard.integrity).",
    )
    duration_seconds: float | None = None

    def criterion(self, criterion_id: str) -> CriterionResult:
        for d in self.dimensions:
            for c in d.criteria:
                if c.id == criterion_id:
                    return c
        raise KeyError(criterion_id)

    @property
    def criteria(self) -> list[CriterionResult]:
        """Every criterion's result, in the rubric's order (dimension by dimension)."""
        return [c for d in self.dimensions for c in d.criteria]

    def render(self, fmt: str = "markdown", **options: Any) -> str:
        """This scorecard in a report format: `table`, `json`, `markdown`, `html`, `sarif`, ...

        The same text as `truecard scan -f FMT` (see `truecard.reports.render`), with local
        paths shown relative, never as the scanning machine's absolute paths.
        """
        from truecard.reports import render

        return render(self, fmt, **options)

    def to_markdown(self, **options: Any) -> str:
        """The Markdown report, ready for a pull request or a CI job summary."""
        return self.render("markdown", **options)

    def to_html(self, **options: Any) -> str:
        """A self-contained HTML page (no scripts, fonts or images fetched)."""
        return self.render("html", **options)

    def _repr_html_(self) -> str:
        """Jupyter's view: total and tier, the dimensions as bars, every criterion in a table."""
        from truecard.reports.html_report import notebook_html

        return notebook_html(self)

    def __repr__(self) -> str:
        # the full model would print pages of evidence; fields are one attribute away
        return f"<Scorecard {self.subject.name!r}: {self.total}/{self.max} {self.tier}>"

    __str__ = __repr__

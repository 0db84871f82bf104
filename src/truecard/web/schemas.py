"""The dashboard's response shapes, once: the JSON API returns these models (FastAPI
`response_model`, so /openapi.json documents them) and the HTML pages render the same objects
(the leaderboard and matrix rows, the model page's summary, provenance and verdict, the
compare table, claims, audit entries). A field changes here or nowhere, so a page and the API
cannot show the same thing two ways.

Each model is built from the store's rows by its `of` constructor (the one place that reads
columns into a shape). Field order is the JSON's key order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from truecard.spec import UnknownSpecVersion, load_spec
from truecard.store import cards
from truecard.store.validate import NOTE_MAX, URL_MAX

# The API's schema is built once, from the spec current when this module is imported (the
# OpenAPI document is static); the values (dimensions, criteria, maxima) follow each request's.
SPEC = load_spec()  # a server started with TRUECARD_SPEC set has that spec here

MOF_LABELS = {1: "Class I", 2: "Class II", 3: "Class III", 0: "Unclassified"}
MOF_NAMES = {1: "Open Science", 2: "Open Tooling", 3: "Open Model",
             0: "not even Class III: a required component is missing or not openly licensed"}

Dimensions = dict[str, int]  # dimension id -> score, in the spec's order


def iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def spec_max(version: str | None) -> int:
    """The maximum total of a stored spec version (the current spec's for one since unregistered)."""
    try:
        return load_spec(version).max if version else load_spec().max
    except UnknownSpecVersion:
        return load_spec().max


def dimension_scores(m: Any) -> dict[str, int]:
    """A model's or an evaluation's dimension columns, one per dimension of the current spec."""
    return {d: getattr(m, d) for d in load_spec().dimension_ids}


def criteria_points(points: str | None) -> dict[str, int | None]:
    """Each criterion of the current spec with its digit in a stored `points` (None: none there)."""
    digits = points or ""
    return {cid: (int(digits[i]) if i < len(digits) and digits[i].isdigit() else None)
            for i, cid in enumerate(load_spec().criterion_ids)}


class Shape(BaseModel):
    """Response models are built from the store's own rows, already checked when they were
    stored: read-only once built."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Openness(Shape):
    verdict: Literal["open", "not-open", "unclear"] = Field(
        description="open: the weights are under an open licence; not-open: their licence restricts use "
        "(or there is none): not open source whatever the tier; unclear: not identified")
    label: str
    text: str

    @classmethod
    def of(cls, license_class: str | None) -> Openness:
        return cls(**cards.openness_verdict(license_class))


class MofSummary(Shape):
    class_: int = Field(alias="class", description="1 Open Science, 2 Open Tooling, 3 Open Model, 0 unclassified")
    label: str
    name: str


class OsaidSummary(Shape):
    ready: bool


class OsaiSummary(Shape):
    score_percent: float


class FrameworksSummary(Shape):
    mof: MofSummary | None = Field(description="Model Openness Framework class (null: not computed)")
    osaid: OsaidSummary | None = Field(description='OSI Open Source AI Definition: {"ready": bool}')
    osai: OsaiSummary | None = Field(description='European Open Source AI Index: {"score_percent": 0-100}')

    @classmethod
    def of(cls, m: Any) -> FrameworksSummary:
        """A model's (or evaluation's) other-framework figures; None where not computed."""
        mof = m.mof_class
        return cls(
            mof=None if mof is None else MofSummary(class_=mof, label=MOF_LABELS.get(mof, str(mof)),
                                                    name=MOF_NAMES.get(mof, "")),
            osaid=None if m.osaid_ready is None else OsaidSummary(ready=bool(m.osaid_ready)),
            osai=None if m.osai_score is None else OsaiSummary(score_percent=float(m.osai_score)),
        )


class Provenance(Shape):
    how: Literal["scanned", "imported", "demo", "pushed", "unknown"] = Field(
        description="scanned: by the server's operator (scan/batch --save, db rescan); imported; demo; "
        "pushed: sent with a token (the pusher's statement); unknown: stored before truecard recorded it")
    by: str | None = Field(description="The token's user, for a pushed evaluation")
    rescanned: bool = Field(description="The server re-scanned the public source and got the same points")
    verified_at: str | None
    ranked: bool = Field(description="In the default ranking: server-produced, or pushed and re-scanned")
    label: str = Field(examples=["pushed by bob, not re-scanned"])

    @classmethod
    def of(cls, m: Any) -> Provenance:
        """How a model's latest (or one) evaluation reached the store, with the label pages show."""
        how = m.provenance or "scanned"
        who = m.pushed_by
        rescanned = m.verified_at is not None
        if how == "pushed":
            label = f"pushed by {who or 'a token holder'}, " + ("re-scanned by the server: same points"
                                                                if rescanned else "not re-scanned")
        elif how == "unknown":
            label = "origin not recorded, " + ("re-scanned by the server: same points" if rescanned
                                               else "not re-scanned")
        else:
            label = {"scanned": "scanned by the server", "imported": "imported by the server's operator",
                     "demo": "demo data"}.get(how, how)
        return cls(how=how, by=who, rescanned=rescanned, verified_at=iso(m.verified_at), ranked=bool(m.ranked),
                   label=label)


class ModelSummary(Shape):
    """A model as the leaderboard, the matrix, the compare page and the API show it."""

    model_id: str = Field(examples=["EleutherAI/pythia-1b"])
    name: str
    organisation: str | None
    total: int = Field(description=f"TRUE total (0-{SPEC.max}), claims in the scorecard included")
    total_detected: int = Field(description="Total from detected evidence alone")
    max: int = Field(description="The maximum total of the spec version this evaluation names")
    spec_version: str
    tier: str
    dimensions: Dimensions
    license_class: str = Field(description="Licence class of the weights (most restrictive found)")
    openness: Openness
    frameworks: FrameworksSummary
    scope: str = Field(description="What was read: card-only, card+code, verified (also run)")
    modality: str | None
    finetuned: bool | None = Field(description="The card names a base model")
    criteria: dict[str, int | None] = Field(description="Points of each criterion of the spec")
    last_scanned_at: str | None
    evaluations: int
    claims: int
    provenance: Provenance
    url: str
    badge: str

    @classmethod
    def of(cls, m: Any) -> ModelSummary:
        """From a `models` row: an ORM `Model` or a leaderboard row (`repo.ROW_COLUMNS`)."""
        return cls(
            model_id=m.model_id, name=m.name, organisation=m.organisation or None, total=m.total,
            total_detected=m.total_detected, max=spec_max(m.spec_version), spec_version=m.spec_version, tier=m.tier,
            dimensions=dimension_scores(m), license_class=m.license_class, openness=Openness.of(m.license_class),
            frameworks=FrameworksSummary.of(m), scope=m.scope, modality=m.modality, finetuned=m.finetuned,
            criteria=criteria_points(m.points), last_scanned_at=iso(m.last_scanned_at),
            evaluations=m.evaluations_count, claims=m.claims_count, provenance=Provenance.of(m),
            url=f"/models/{m.model_id}", badge=f"/badge/{m.model_id}.svg",
        )

    def flat(self) -> dict[str, Any]:
        """One row of the CSV and JSON downloads (/models.csv, /models.json): the same values,
        flat, one column per dimension and per criterion."""
        fw = self.frameworks
        return {
            "model_id": self.model_id, "name": self.name, "organisation": self.organisation or "",
            "total": self.total, "total_detected": self.total_detected, "tier": self.tier,
            "openness": self.openness.verdict, **self.dimensions,
            "mof_class": fw.mof.class_ if fw.mof else None, "osaid_ready": fw.osaid.ready if fw.osaid else None,
            "osai_score": fw.osai.score_percent if fw.osai else None, "license_class": self.license_class,
            "scope": self.scope, "modality": self.modality, "finetuned": self.finetuned,
            "last_scanned_at": self.last_scanned_at, **self.criteria,
        }

    @property
    def scanned_date(self) -> str:
        """The day of the last scan (YYYY-MM-DD, UTC), as the tables show it."""
        return (self.last_scanned_at or "")[:10]


class ModelList(Shape):
    """One page of the leaderboard: the API's /api/models and the pages' tables."""

    total: int = Field(description="Models matching the filters")
    page: int
    per_page: int
    items: list[ModelSummary]

    @classmethod
    def of(cls, rows: Sequence[Any], count: int, page: int, per_page: int) -> ModelList:
        return cls(total=count, page=page, per_page=per_page, items=[ModelSummary.of(m) for m in rows])


class EvaluationSummary(Shape):
    evaluation_id: int
    revision: str | None
    scanned_at: str | None
    stored_at: str | None
    stored_by: str
    total: int
    total_detected: int
    tier: str
    dimensions: Dimensions
    license_class: str
    openness: Openness
    frameworks: FrameworksSummary
    scope: str
    truecard_version: str
    provenance: Provenance
    rescan_note: str | None

    @classmethod
    def of(cls, ev: Any) -> EvaluationSummary:
        return cls(
            evaluation_id=ev.id, revision=ev.revision, scanned_at=iso(ev.scanned_at), stored_at=iso(ev.stored_at),
            stored_by=ev.stored_by, total=ev.total, total_detected=ev.total_detected, tier=ev.tier,
            dimensions=dimension_scores(ev), license_class=ev.license_class, openness=Openness.of(ev.license_class),
            frameworks=FrameworksSummary.of(ev), scope=ev.scope, truecard_version=ev.truecard_version,
            provenance=Provenance.of(ev), rescan_note=ev.rescan_note,
        )


class ClaimOut(Shape):
    id: int
    criterion: str
    evidence_url: str
    note: str
    author: str
    created_at: str | None
    evaluation_id: int | None
    origin: Literal["claimed"] = "claimed"

    @classmethod
    def of(cls, c: Any) -> ClaimOut:
        return cls(id=c.id, criterion=c.criterion, evidence_url=c.evidence_url, note=c.note, author=c.author,
                   created_at=iso(c.created_at), evaluation_id=c.evaluation_id)


class AuditOut(Shape):
    at: str | None
    actor: str
    action: str
    model_id: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, a: Any) -> AuditOut:
        try:
            detail = json.loads(a.detail)
        except ValueError:
            detail = {}
        return cls(at=iso(a.at), actor=a.actor, action=a.action, model_id=a.model_ref,
                   detail=detail if isinstance(detail, dict) else {})


class ModelDetail(Shape):
    model: ModelSummary
    maintainer: str | None
    evaluation: EvaluationSummary
    criteria: list[dict[str, Any]] = Field(
        description="Every criterion: points, status, basis (detected/claimed), reason, evidence "
        "(with links at the exact revision), remediation, and web claims"
    )
    claims: list[ClaimOut]
    history: list[EvaluationSummary]
    scorecard: dict[str, Any] = Field(description="The full stored scorecard")


class CompareModel(ModelSummary):
    """A model of a comparison: its summary and the evaluation compared."""

    evaluation_id: int | None
    revision: str | None


class CompareCell(Shape):
    points: int
    max: int
    status: str | None
    basis: str | None
    detected_points: int
    rationale: str
    name: str


class CompareCriterion(Shape):
    id: str
    name: str
    cells: list[CompareCell] = Field(description="One per model, in the models' order")


class Comparison(Shape):
    """Two to four models side by side (the API's /api/compare and the compare page)."""

    models: list[CompareModel]
    criteria: list[CompareCriterion]


class PushResult(Shape):
    model_id: str
    evaluation_id: int
    duplicate: bool
    created_model: bool
    url: str


class ShieldsEndpoint(Shape):
    schemaVersion: int = 1  # shields.io field names
    label: str
    message: str
    color: str
    cacheSeconds: int = 3600


class ErrorOut(Shape):
    detail: str = Field(description="What was wrong, in one line")


# ---------------------------------------------------------------------------- request bodies


class ClaimIn(BaseModel):
    # the schema says what the API accepts: one of the criterion ids, an http(s) URL
    criterion: str = Field(max_length=64, description="A TRUE criterion id", examples=["reproducible.replication"],
                           json_schema_extra={"enum": list(SPEC.criterion_ids)})
    evidence_url: str = Field(min_length=8, max_length=URL_MAX, description="http(s) URL of the evidence",
                              json_schema_extra={"pattern": "^https?://"})
    note: str = Field(default="", max_length=NOTE_MAX)


class EvaluationIn(BaseModel):
    model_id: str | None = Field(default=None, max_length=cards.MODEL_ID_MAX,
                                 description="ORG/NAME; derived from the scorecard's sources when omitted")
    scorecard: dict[str, Any] = Field(description="`truecard scan -f json` output")

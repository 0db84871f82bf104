"""The JSON API (documented at /openapi.json) and the badges.

Reads are public. Writes take `Authorization: Bearer TOKEN` (`truecard token create`): no or
a wrong token is 401, a model someone else maintains is 403, bad input 422, a body too large 413.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from truecard.spec import load_spec
from truecard.store import cards, repo
from truecard.store.diff import diff_scorecards
from truecard.store.validate import NOTE_MAX, URL_MAX
from truecard.web import view

router = APIRouter()
T = TypeVar("T")

LicenseClass = Literal[
    "osi-permissive", "osi-copyleft", "open-data", "open-content", "restricted", "non-commercial",
    "proprietary", "none", "unknown",
]
# The API's schema is built once, from the spec current when the app module is imported (the
# OpenAPI document is static); the pages read the spec on every request.
_SPEC = load_spec()  # a server started with TRUECARD_SPEC set has that spec here
SORT_KEYS = (
    "total", "detected", "tier", "name", *_SPEC.dimension_ids, "license", "org", "scanned", "mof", "osaid",
    "osai", "open", "scope", *_SPEC.criterion_ids,
)
SortKey = Literal[SORT_KEYS]  # type: ignore[valid-type]
TierName = Literal[_SPEC.tier_names]  # type: ignore[valid-type,name-defined]
YesNo = Literal["yes", "no"]


# ------------------------------------------------------------------------------------ schemas


Dimensions = dict[str, int]  # dimension id -> score, in the spec's order


class Openness(BaseModel):
    verdict: Literal["open", "not-open", "unclear"] = Field(
        description="open: the weights are under an open licence; not-open: their licence restricts use "
        "(or there is none): not open source whatever the tier; unclear: not identified")
    label: str
    text: str


class MofSummary(BaseModel):
    class_: int = Field(alias="class", description="1 Open Science, 2 Open Tooling, 3 Open Model, 0 unclassified")
    label: str
    name: str


class FrameworksSummary(BaseModel):
    mof: MofSummary | None = Field(description="Model Openness Framework class (null: not computed)")
    osaid: dict[str, bool] | None = Field(description='OSI Open Source AI Definition: {"ready": bool}')
    osai: dict[str, float] | None = Field(description='European Open Source AI Index: {"score_percent": 0-100}')


class Provenance(BaseModel):
    how: Literal["scanned", "imported", "demo", "pushed", "unknown"] = Field(
        description="scanned: by the server's operator (scan/batch --save, db rescan); imported; demo; "
        "pushed: sent with a token (the pusher's statement); unknown: stored before truecard recorded it")
    by: str | None = Field(description="The token's user, for a pushed evaluation")
    rescanned: bool = Field(description="The server re-scanned the public source and got the same points")
    verified_at: str | None
    ranked: bool = Field(description="In the default ranking: server-produced, or pushed and re-scanned")
    label: str = Field(examples=["pushed by bob, not re-scanned"])


class ModelSummary(BaseModel):
    model_id: str = Field(examples=["EleutherAI/pythia-1b"])
    name: str
    organisation: str | None
    total: int = Field(description=f"TRUE total (0-{_SPEC.max}), claims in the scorecard included")
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


class ModelList(BaseModel):
    total: int = Field(description="Models matching the filters")
    page: int
    per_page: int
    items: list[ModelSummary]


class EvaluationSummary(BaseModel):
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


class ClaimOut(BaseModel):
    id: int
    criterion: str
    evidence_url: str
    note: str
    author: str
    created_at: str | None
    evaluation_id: int | None
    origin: Literal["claimed"] = "claimed"


class ClaimIn(BaseModel):
    # the schema says what the API accepts: one of the criterion ids, an http(s) URL
    criterion: str = Field(max_length=64, description="A TRUE criterion id", examples=["reproducible.replication"],
                           json_schema_extra={"enum": list(_SPEC.criterion_ids)})
    evidence_url: str = Field(min_length=8, max_length=URL_MAX, description="http(s) URL of the evidence",
                              json_schema_extra={"pattern": "^https?://"})
    note: str = Field(default="", max_length=NOTE_MAX)


class EvaluationIn(BaseModel):
    model_id: str | None = Field(default=None, max_length=cards.MODEL_ID_MAX,
                                 description="ORG/NAME; derived from the scorecard's sources when omitted")
    scorecard: dict[str, Any] = Field(description="`truecard scan -f json` output")


class PushResult(BaseModel):
    model_id: str
    evaluation_id: int
    duplicate: bool
    created_model: bool
    url: str


class AuditOut(BaseModel):
    at: str | None
    actor: str
    action: str
    model_id: str | None
    detail: dict[str, Any]


class ModelDetail(BaseModel):
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


class ShieldsEndpoint(BaseModel):
    schemaVersion: int = 1  # shields.io field names
    label: str
    message: str
    color: str
    cacheSeconds: int = 3600


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No token, or a wrong or revoked one"},
    403: {"description": "The token's user does not maintain this model"},
    404: {"description": "No such model"},
    413: {"description": "Request body too large"},
    422: {"description": "Invalid input"},
}


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


# ---------------------------------------------------------------------------------- plumbing


def read_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.read() as s:
        yield s


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": 'Bearer realm="truecard"'})
    return token.strip()


def authenticate(s: Session, token: str) -> Any:
    user = repo.user_for_token(s, token)
    if user is None:
        raise HTTPException(
            401, "invalid or revoked token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    return user


async def read_body(request: Request, limit: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"request body larger than {limit} bytes")
    return bytes(body)


BODY_MAX_DEPTH = 32  # a scorecard nests 6 levels; deeper bodies are refused before validation


def json_depth(value: Any, limit: int) -> int:
    """Nesting depth of decoded JSON, walked without recursion and stopped past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            stack.extend((c, d + 1) for c in (v.values() if isinstance(v, dict) else v))
    return deepest


def parse_json(body: bytes) -> Any:
    """Decode a request body (after the token was checked: a bad token is 401 before a bad body)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise HTTPException(422, "the body is not valid JSON") from None
    if json_depth(data, BODY_MAX_DEPTH) > BODY_MAX_DEPTH:
        raise HTTPException(422, f"the body nests deeper than {BODY_MAX_DEPTH} levels")
    return data


async def check_token_first(request: Request, token: str) -> None:
    """401 for a bad token before a byte of the body is read (a 5 MB body costs nothing then)."""
    db = request.app.state.db

    def work() -> None:
        with db.read() as s:
            authenticate(s, token)

    await run_in_threadpool(work)


def with_retry(fn: Callable[[], T], attempts: int = 3) -> T:
    """Run a write transaction again when a concurrent writer won a race (new model, deadlock)."""
    for i in range(attempts):
        try:
            return fn()
        except (IntegrityError, OperationalError):
            if i == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _model_or_404(s: Session, model_id: str) -> Any:
    m = repo.get_model(s, model_id)
    if m is None:
        raise HTTPException(404, f"no model {model_id!r}")
    return m


# -------------------------------------------------------------------------------------- reads


@router.get("/api/models", response_model=ModelList, tags=["models"], summary="The leaderboard")
def list_models(
    s: Session = Depends(read_session),
    sort: SortKey = "total",
    direction: Literal["asc", "desc"] = Query("desc", alias="dir"),
    tier: TierName | None = None,
    org: str | None = Query(None, max_length=100, description="Organisation (exact)"),
    license_class: LicenseClass | None = Query(None, alias="license", description="Weights licence class"),
    min_score: int | None = Query(None, ge=0, le=_SPEC.max),
    q: str | None = Query(None, max_length=100,
                          description="Words, in any order, each found in the model id, organisation or name"),
    mof: Literal["1", "2", "3", "0", "none"] | None = Query(
        None, description="MOF class (0: unclassified, none: not computed)"),
    osaid: YesNo | None = Query(None, description="OSAID 1.0 ready"),
    open_weights: YesNo | None = Query(None, alias="open", description="Weights under an open licence"),
    scope: Literal["card-only", "card+code", "verified"] | None = Query(None, description="What was read"),
    modality: Literal["text", "code", "vision", "audio", "multimodal", "other"] | None = None,
    finetuned: YesNo | None = Query(None, description="The card names a base model"),
    pushed: Literal["hide", "show", "only"] = Query(
        "hide", description="Models whose latest evaluation was pushed and not re-scanned by the server: "
        "left out of the ranking (hide, the default), listed and labelled (show), or alone (only)"),
    page: int = Query(1, ge=1, le=1_000_000),
    per_page: int = Query(50, ge=1, le=repo.PER_PAGE_MAX),
) -> dict[str, Any]:
    query = repo.LeaderboardQuery(sort, direction, tier, org, license_class, min_score, q, page, per_page,
                                  mof=mof, osaid=osaid, open=open_weights, scope=scope, modality=modality,
                                  finetuned=finetuned, pushed=pushed)
    rows, count = repo.list_models(s, query)
    return {"total": count, "page": page, "per_page": per_page, "items": [view.model_summary(m) for m in rows]}


@router.get("/api/models/{model_id:path}/evaluations/{evaluation_id}", tags=["models"],
            summary="One stored evaluation: the full scorecard", responses={404: ERRORS[404]})
def get_evaluation(model_id: str, evaluation_id: int, s: Session = Depends(read_session)) -> Response:
    m = _model_or_404(s, model_id)
    ev = repo.get_evaluation(s, m, evaluation_id)
    if ev is None:
        raise HTTPException(404, f"no evaluation {evaluation_id} of {m.model_id}")
    body = '{"evaluation":' + json.dumps(view.evaluation_summary(ev)) + ',"scorecard":' + ev.scorecard + "}"
    return Response(body, media_type="application/json")


@router.get("/api/models/{model_id:path}/evaluations", response_model=list[EvaluationSummary], tags=["models"],
            summary="History: every evaluation, oldest first", responses={404: ERRORS[404]})
def list_evaluations(model_id: str, s: Session = Depends(read_session)) -> list[dict[str, Any]]:
    m = _model_or_404(s, model_id)
    return [view.evaluation_summary(e) for e in repo.history(s, m)]


@router.get("/api/models/{model_id:path}/diff", tags=["models"], responses={404: ERRORS[404]},
            summary="What changed between two evaluations (default: the last two)")
def diff(model_id: str, a: int | None = None, b: int | None = None,
         s: Session = Depends(read_session)) -> dict[str, Any]:
    m = _model_or_404(s, model_id)
    old, new = pick_pair(s, m, a, b)
    if old is None or new is None:
        raise HTTPException(404, f"{m.model_id} has fewer than two evaluations")
    out = diff_scorecards(repo.scorecard_doc(old), repo.scorecard_doc(new))
    return {"a": view.evaluation_summary(old), "b": view.evaluation_summary(new), **out}


def pick_pair(s: Session, m: Any, a: int | None, b: int | None) -> tuple[Any, Any]:
    """Evaluations a (older) and b (newer); by default the latest and the one before it."""
    if a is not None or b is not None:
        ea = repo.get_evaluation(s, m, a) if a is not None else None
        eb = repo.get_evaluation(s, m, b) if b is not None else repo.get_evaluation(s, m)
        if (a is not None and ea is None) or eb is None:
            raise HTTPException(404, "no such evaluation of this model")
        if ea is None:
            hist = [e for e in repo.history(s, m) if e.id != eb.id and e.scanned_at <= eb.scanned_at]
            ea = repo.get_evaluation(s, m, hist[-1].id) if hist else None
        return ea, eb
    hist = repo.history(s, m)
    if len(hist) < 2:
        return None, None
    latest = next((e for e in hist if e.id == m.latest_evaluation_id), hist[-1])
    before = [e for e in hist if e.id != latest.id and e.scanned_at <= latest.scanned_at]
    if not before:
        return None, None
    return repo.get_evaluation(s, m, before[-1].id), repo.get_evaluation(s, m, latest.id)


@router.get("/api/models/{model_id:path}/claims", response_model=list[ClaimOut], tags=["claims"],
            responses={404: ERRORS[404]}, summary="Claims on a model (all shown as claimed)")
def list_claims(model_id: str, s: Session = Depends(read_session)) -> list[dict[str, Any]]:
    m = _model_or_404(s, model_id)
    return [view.claim_view(c) for c in repo.claims_for(s, m)]


@router.get("/api/models/{model_id:path}/audit", response_model=list[AuditOut], tags=["audit"],
            responses={404: ERRORS[404]}, summary="Audit log of one model: who changed what, when")
def model_audit(model_id: str, limit: int = Query(100, ge=1, le=1000),
                s: Session = Depends(read_session)) -> list[dict[str, Any]]:
    m = _model_or_404(s, model_id)
    return [view.audit_view(a) for a in repo.audit_for(s, m, limit)]


@router.get("/api/audit", response_model=list[AuditOut], tags=["audit"], summary="Recent audit log entries")
def audit_log(limit: int = Query(100, ge=1, le=1000), s: Session = Depends(read_session)) -> list[dict[str, Any]]:
    return [view.audit_view(a) for a in repo.recent_audit(s, limit)]


@router.get("/api/compare", tags=["models"], summary="Two to four models side by side, criterion by criterion",
            responses={404: ERRORS[404], 422: ERRORS[422]})
def compare(m: list[str] = Query(..., min_length=2, max_length=4, description="Model ids (2-4)"),
            s: Session = Depends(read_session)) -> dict[str, Any]:
    try:
        models = repo.models_by_ids(s, m)
    except repo.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return compare_data(s, models)


def compare_data(s: Session, models: list[Any]) -> dict[str, Any]:
    ids = load_spec().criterion_ids
    out_models: list[dict[str, Any]] = []
    crit_rows: dict[str, list[Any]] = {cid: [] for cid in ids}
    for m in models:
        ev = repo.get_evaluation(s, m)
        doc = repo.scorecard_doc(ev) if ev else {"dimensions": []}
        out_models.append({**view.model_summary(m), "evaluation_id": ev.id if ev else None,
                           "revision": ev.revision if ev else None})
        crits = {c["id"]: c for d in doc.get("dimensions", []) for c in d.get("criteria", [])}
        for cid in ids:
            c = crits.get(cid, {})
            crit_rows[cid].append({
                "points": c.get("points", 0), "max": c.get("max", 2), "status": c.get("status"),
                "basis": c.get("basis"), "detected_points": c.get("detected_points", 0),
                "rationale": c.get("rationale", ""), "name": c.get("name", cid),
            })
    return {
        "models": out_models,
        "criteria": [{"id": cid, "name": rows[0]["name"] if rows else cid, "cells": rows}
                     for cid, rows in crit_rows.items()],
    }


@router.get("/api/models/{model_id:path}", response_model=ModelDetail, tags=["models"],
            responses={404: ERRORS[404]}, summary="One model: latest scorecard with every criterion, history")
def get_model(model_id: str, s: Session = Depends(read_session)) -> dict[str, Any]:
    m = _model_or_404(s, model_id)
    ev = repo.get_evaluation(s, m)
    if ev is None:
        raise HTTPException(404, f"{m.model_id} has no evaluation")
    doc = repo.scorecard_doc(ev)
    claims = repo.claims_for(s, m)
    criteria = [c for d in view.dimensions_view(doc, claims) for c in d["criteria"]]
    return {
        "model": view.model_summary(m),
        "maintainer": m.owner.name if m.owner else None,
        "evaluation": view.evaluation_summary(ev),
        "criteria": criteria,
        "claims": [view.claim_view(c) for c in claims],
        "history": [view.evaluation_summary(e) for e in repo.history(s, m)],
        "scorecard": doc,
    }


# ------------------------------------------------------------------------------------- writes


@router.post("/api/models/{model_id:path}/claims", status_code=201, response_model=ClaimOut, tags=["claims"],
             summary="Add a claim (maintainer's bearer token)", openapi_extra=_body_schema(ClaimIn),
             responses={k: v for k, v in ERRORS.items()})
async def post_claim(model_id: str, request: Request) -> JSONResponse:
    token = bearer_token(request)
    await check_token_first(request, token)
    raw = await read_body(request, 64_000)
    db = request.app.state.db

    def work() -> dict[str, Any]:
        with db.write() as s:
            user = authenticate(s, token)
            m = _model_or_404(s, model_id)
            if not repo.can_maintain(user, m):
                raise HTTPException(403, f"{user.name} does not maintain {m.model_id}")
            try:
                data = ClaimIn.model_validate(parse_json(raw))
            except ValueError as exc:
                raise HTTPException(422, _first_error(exc)) from None
            try:
                claim = repo.add_claim(s, m, user, criterion=data.criterion, evidence_url=data.evidence_url,
                                       note=data.note, actor=user.name)
            except repo.Forbidden as exc:
                raise HTTPException(403, str(exc)) from None
            except ValueError as exc:
                raise HTTPException(422, str(exc)) from None
            return view.claim_view(claim)

    return JSONResponse(await run_in_threadpool(with_retry, work), 201)


@router.post("/api/evaluations", response_model=PushResult, status_code=201, tags=["evaluations"],
             summary="Store an evaluation (`truecard push`); a new model becomes the token user's",
             openapi_extra=_body_schema(EvaluationIn), responses={k: v for k, v in ERRORS.items()})
async def push_evaluation(request: Request) -> JSONResponse:
    token = bearer_token(request)
    await check_token_first(request, token)
    raw = await read_body(request, cards.SCORECARD_MAX_BYTES + 10_000)
    db = request.app.state.db

    def work() -> tuple[dict[str, Any], bool]:
        with db.write() as s:
            user = authenticate(s, token)
            body = parse_json(raw)
            if isinstance(body, dict) and "scorecard" not in body and "dimensions" in body:
                body = {"scorecard": body}  # a bare scorecard
            try:
                data = EvaluationIn.model_validate(body)
            except ValueError as exc:
                raise HTTPException(422, _first_error(exc)) from None
            try:
                # a pushed scorecard is its pusher's statement: labelled so, and out of the default
                # ranking until the server re-scans its public source (truecard.store.rescan)
                res = repo.save_evaluation(s, data.scorecard, actor=user.name, model_id=data.model_id,
                                           user=user, enforce_owner=True, provenance="pushed",
                                           pushed_by=user.name)
            except repo.Forbidden as exc:
                raise HTTPException(403, str(exc)) from None
            except (cards.InvalidEvaluation, cards.InvalidModelId) as exc:
                raise HTTPException(422, str(exc)) from None
            return {
                "model_id": res.model.model_id, "evaluation_id": res.evaluation.id, "duplicate": res.duplicate,
                "created_model": res.created_model, "url": f"/models/{res.model.model_id}",
            }, res.duplicate

    out, dup = await run_in_threadpool(with_retry, work)
    return JSONResponse(out, 200 if dup else 201)


def _first_error(exc: Exception) -> str:
    errs = getattr(exc, "errors", None)
    if callable(errs):
        e = errs()[0]
        return f"{'.'.join(str(x) for x in e.get('loc', ())) or 'body'}: {e.get('msg')}"
    return str(exc)


# ------------------------------------------------------------------------------------- badges


NOT_OPEN_COLOUR = "#b42318"  # the badge of a model whose weights are not open: red, whatever the tier


def _badge_parts(s: Session, model_id: str) -> tuple[str, str, bool]:
    from truecard.reports.badge import UNKNOWN_COLOR, tier_color

    m = repo.get_model(s, model_id)
    if m is None:
        return "not rated", UNKNOWN_COLOR, False
    verdict = cards.openness_verdict(m.license_class)
    top = view.spec_max(m.spec_version)  # the maximum of the spec its evaluation names
    if not m.ranked:
        # a badge is embedded far from the dashboard: a pushed score says it was not checked
        return f"{m.total}/{top} {m.tier} · not re-scanned", UNKNOWN_COLOR, True
    if verdict["verdict"] == "open":
        return f"{m.total}/{top} {m.tier}", tier_color(m.tier), True
    return f"{m.total}/{top} {m.tier} · {verdict['label']}", NOT_OPEN_COLOUR, True


@router.get("/badge/{model_id:path}.svg", tags=["badges"], summary='SVG badge: "TRUE 24/30 Gold"',
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}, 404: ERRORS[404]})
def badge_svg(model_id: str, s: Session = Depends(read_session)) -> Response:
    from truecard.reports.badge import LABEL, badge_svg

    message, colour, found = _badge_parts(s, model_id)
    return Response(badge_svg(LABEL, message, colour), 200 if found else 404, media_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=300"})


@router.get("/badge/{model_id:path}.json", response_model=ShieldsEndpoint, tags=["badges"],
            summary="shields.io endpoint JSON (https://img.shields.io/endpoint?url=...)")
def badge_json(model_id: str, s: Session = Depends(read_session)) -> JSONResponse:
    from truecard.reports.badge import LABEL

    message, colour, found = _badge_parts(s, model_id)
    body = {"schemaVersion": 1, "label": LABEL, "message": message, "color": colour.lstrip("#"),
            "cacheSeconds": 3600}
    return JSONResponse(body, 200 if found else 404, headers={"Cache-Control": "max-age=300"})

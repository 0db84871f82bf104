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
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from truecard.spec import load_spec
from truecard.store import cards, repo
from truecard.store.diff import diff_scorecards
from truecard.web import view
from truecard.web.schemas import (
    SPEC,
    AuditOut,
    ClaimIn,
    ClaimOut,
    CompareCell,
    CompareCriterion,
    CompareModel,
    Comparison,
    ErrorOut,
    EvaluationIn,
    EvaluationSummary,
    ModelDetail,
    ModelList,
    ModelSummary,
    PushResult,
    ShieldsEndpoint,
    spec_max,
)

router = APIRouter()
T = TypeVar("T")

LicenseClass = Literal[
    "osi-permissive", "osi-copyleft", "open-data", "open-content", "restricted", "non-commercial",
    "proprietary", "none", "unknown",
]
# The API's schema is built once, from the spec current when the app module is imported (the
# OpenAPI document is static: `schemas.SPEC`); the pages read the spec on every request.
_SPEC = SPEC
SORT_KEYS = (
    "total", "detected", "tier", "name", *_SPEC.dimension_ids, "license", "org", "scanned", "mof", "osaid",
    "osai", "open", "scope", *_SPEC.criterion_ids,
)
SortKey = Literal[SORT_KEYS]  # type: ignore[valid-type]
TierName = Literal[_SPEC.tier_names]  # type: ignore[valid-type,name-defined]
YesNo = Literal["yes", "no"]


# The response and request models are `truecard.web.schemas` (the pages render the same ones).


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No token, or a wrong or revoked one", "model": ErrorOut},
    403: {"description": "The token's user does not maintain this model", "model": ErrorOut},
    404: {"description": "No such model", "model": ErrorOut},
    413: {"description": "Request body too large", "model": ErrorOut},
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
) -> ModelList:
    query = repo.LeaderboardQuery(sort, direction, tier, org, license_class, min_score, q, page, per_page,
                                  mof=mof, osaid=osaid, open=open_weights, scope=scope, modality=modality,
                                  finetuned=finetuned, pushed=pushed)
    rows, count = repo.list_models(s, query)
    return ModelList.of(rows, count, page, per_page)


@router.get("/api/models/{model_id:path}/evaluations/{evaluation_id}", tags=["models"],
            summary="One stored evaluation: the full scorecard", responses={404: ERRORS[404]})
def get_evaluation(model_id: str, evaluation_id: int, s: Session = Depends(read_session)) -> Response:
    m = _model_or_404(s, model_id)
    ev = repo.get_evaluation(s, m, evaluation_id)
    if ev is None:
        raise HTTPException(404, f"no evaluation {evaluation_id} of {m.model_id}")
    summary = json.dumps(EvaluationSummary.of(ev).model_dump(mode="json", by_alias=True))
    body = '{"evaluation":' + summary + ',"scorecard":' + ev.scorecard + "}"
    return Response(body, media_type="application/json")


@router.get("/api/models/{model_id:path}/evaluations", response_model=list[EvaluationSummary], tags=["models"],
            summary="History: every evaluation, oldest first", responses={404: ERRORS[404]})
def list_evaluations(model_id: str, s: Session = Depends(read_session)) -> list[EvaluationSummary]:
    m = _model_or_404(s, model_id)
    return [EvaluationSummary.of(e) for e in repo.history(s, m)]


@router.get("/api/models/{model_id:path}/diff", tags=["models"], responses={404: ERRORS[404]},
            summary="What changed between two evaluations (default: the last two)")
def diff(model_id: str, a: int | None = None, b: int | None = None,
         s: Session = Depends(read_session)) -> dict[str, Any]:
    m = _model_or_404(s, model_id)
    old, new = pick_pair(s, m, a, b)
    if old is None or new is None:
        raise HTTPException(404, f"{m.model_id} has fewer than two evaluations")
    out = diff_scorecards(repo.scorecard_doc(old), repo.scorecard_doc(new))
    return {"a": EvaluationSummary.of(old).model_dump(mode="json", by_alias=True),
            "b": EvaluationSummary.of(new).model_dump(mode="json", by_alias=True), **out}


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
def list_claims(model_id: str, s: Session = Depends(read_session)) -> list[ClaimOut]:
    m = _model_or_404(s, model_id)
    return [ClaimOut.of(c) for c in repo.claims_for(s, m)]


@router.get("/api/models/{model_id:path}/audit", response_model=list[AuditOut], tags=["audit"],
            responses={404: ERRORS[404]}, summary="Audit log of one model: who changed what, when")
def model_audit(model_id: str, limit: int = Query(100, ge=1, le=1000),
                s: Session = Depends(read_session)) -> list[AuditOut]:
    m = _model_or_404(s, model_id)
    return [AuditOut.of(a) for a in repo.audit_for(s, m, limit)]


@router.get("/api/audit", response_model=list[AuditOut], tags=["audit"], summary="Recent audit log entries")
def audit_log(limit: int = Query(100, ge=1, le=1000), s: Session = Depends(read_session)) -> list[AuditOut]:
    return [AuditOut.of(a) for a in repo.recent_audit(s, limit)]


@router.get("/api/compare", response_model=Comparison, tags=["models"],
            summary="Two to four models side by side, criterion by criterion",
            responses={404: ERRORS[404], 422: ERRORS[422]})
def compare(m: list[str] = Query(..., min_length=2, max_length=4, description="Model ids (2-4)"),
            s: Session = Depends(read_session)) -> Comparison:
    try:
        models = repo.models_by_ids(s, m)
    except repo.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return compare_data(s, models)


def compare_data(s: Session, models: list[Any]) -> Comparison:
    """The comparison the API returns and the compare page renders."""
    ids = load_spec().criterion_ids
    out_models: list[CompareModel] = []
    crit_rows: dict[str, list[CompareCell]] = {cid: [] for cid in ids}
    for m in models:
        ev = repo.get_evaluation(s, m)
        doc = repo.scorecard_doc(ev) if ev else {"dimensions": []}
        out_models.append(CompareModel(**dict(ModelSummary.of(m)), evaluation_id=ev.id if ev else None,
                                       revision=ev.revision if ev else None))
        crits = {c["id"]: c for d in doc.get("dimensions", []) for c in d.get("criteria", [])}
        for cid in ids:
            c = crits.get(cid, {})
            crit_rows[cid].append(CompareCell(
                points=c.get("points", 0), max=c.get("max", 2), status=c.get("status"),
                basis=c.get("basis"), detected_points=c.get("detected_points", 0),
                rationale=c.get("rationale", ""), name=c.get("name", cid),
            ))
    return Comparison(
        models=out_models,
        criteria=[CompareCriterion(id=cid, name=rows[0].name if rows else cid, cells=rows)
                  for cid, rows in crit_rows.items()],
    )


@router.get("/api/models/{model_id:path}", response_model=ModelDetail, tags=["models"],
            responses={404: ERRORS[404]}, summary="One model: latest scorecard with every criterion, history")
def get_model(model_id: str, s: Session = Depends(read_session)) -> ModelDetail:
    m = _model_or_404(s, model_id)
    ev = repo.get_evaluation(s, m)
    if ev is None:
        raise HTTPException(404, f"{m.model_id} has no evaluation")
    doc = repo.scorecard_doc(ev)
    claims = repo.claims_for(s, m)
    criteria = [c for d in view.dimensions_view(doc, claims) for c in d["criteria"]]
    return ModelDetail(
        model=ModelSummary.of(m),
        maintainer=m.owner.name if m.owner else None,
        evaluation=EvaluationSummary.of(ev),
        criteria=criteria,
        claims=[ClaimOut.of(c) for c in claims],
        history=[EvaluationSummary.of(e) for e in repo.history(s, m)],
        scorecard=doc,
    )


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
            return ClaimOut.of(claim).model_dump(mode="json")

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
            return PushResult(
                model_id=res.model.model_id, evaluation_id=res.evaluation.id, duplicate=res.duplicate,
                created_model=res.created_model, url=f"/models/{res.model.model_id}",
            ).model_dump(mode="json"), res.duplicate

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
    top = spec_max(m.spec_version)  # the maximum of the spec its evaluation names
    if not m.ranked:
        # a badge is embedded far from the dashboard: a pushed score says it was not checked
        return f"{m.total}/{top} {m.tier} · not re-scanned", UNKNOWN_COLOR, True
    if verdict["verdict"] == "open":
        return f"{m.total}/{top} {m.tier}", tier_color(m.tier), True
    return f"{m.total}/{top} {m.tier} · {verdict['label']}", NOT_OPEN_COLOUR, True


@router.get("/badge/{model_id:path}.svg", tags=["badges"], summary='SVG badge: "TRUE 24/30 Gold"',
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}},
                                                404: {"description": "No such model (a grey badge)"}})
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
    body = ShieldsEndpoint(label=LABEL, message=message, color=colour.lstrip("#")).model_dump(mode="json")
    return JSONResponse(body, 200 if found else 404, headers={"Cache-Control": "max-age=300"})

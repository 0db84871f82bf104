"""HTML pages: leaderboard, model page (scorecard, history, diff), compare, claims, sign-in.

Every page works without JavaScript. Signing in exchanges an API token for a session cookie
(HttpOnly, SameSite=Lax); every form that writes carries the session's CSRF token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from truecard import __version__
from truecard.spec import CRITERION_IDS, load_spec
from truecard.store import cards, repo
from truecard.store.diff import diff_scorecards
from truecard.store.orm import User, WebSession
from truecard.web import svg, view
from truecard.web.api import compare_data, pick_pair, with_retry
from truecard.web.rows import leaderboard_rows

router = APIRouter(include_in_schema=False)
COOKIE = "truecard_session"
FORM_MAX = 64_000


# ---------------------------------------------------------------------------------- plumbing


def _signed_in(request: Request, s: Session) -> tuple[User | None, WebSession | None]:
    sid = request.cookies.get(COOKIE)
    if not sid:
        return None, None
    ws = repo.session_for(s, sid)
    return (ws.user, ws) if ws else (None, None)


def render(request: Request, template: str, ctx: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    base = {"version": __version__, "user": None, "csrf": None}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, {**base, **ctx}, status_code=status, headers=headers
    )


def error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "message": message}, status, headers)


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


async def _form(request: Request) -> dict[str, str]:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_MAX:
            raise HTTPException(413, "form too large")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "malformed form") from None
    return {k: v[0] for k, v in parsed.items()}


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# ------------------------------------------------------------------------------- leaderboard


COLUMNS = [
    ("name", "Model"), ("org", "Organisation"), ("total", "Total"), ("tier", "Tier"),
    ("transparent", "T"), ("reproducible", "R"), ("understandable", "U"), ("executable", "E"),
    ("license", "Weights licence"), ("scanned", "Last scanned"),
]


@router.get("/", response_class=HTMLResponse)
def leaderboard(request: Request) -> HTMLResponse:
    p = request.query_params
    params = {
        "q": p.get("q") or None, "tier": p.get("tier") or None, "org": p.get("org") or None,
        "license": p.get("license") or None, "min_score": _int(p.get("min_score")),
        "sort": p.get("sort") or "total", "dir": p.get("dir") or "desc",
        "per_page": _int(p.get("per_page"), 50), "page": _int(p.get("page"), 1),
    }
    query = repo.LeaderboardQuery(
        params["sort"], params["dir"], params["tier"], params["org"], params["license"],  # type: ignore[arg-type]
        params["min_score"], params["q"], params["page"] or 1, params["per_page"] or 50,  # type: ignore[arg-type]
    ).normalised()
    shown = {k: v for k, v in params.items() if k != "page"}
    shown.update(sort=query.sort, dir=query.direction, per_page=query.per_page if query.per_page != 50 else None)
    if shown["sort"] == "total" and shown["dir"] == "desc":
        shown.update(sort=None, dir=None)
    cache = request.app.state.page_cache
    with request.app.state.db.read() as s:
        user, ws = _signed_in(request, s)
        key = (repo.data_version(s), query.page, tuple(sorted(shown.items())))
        board = cache.get(key)
        if board is None:
            rows, count = repo.list_models(s, query)
            stats = repo.stats(s) if not rows and count == 0 else None
            pages = max(1, -(-count // query.per_page))
            offset = (query.page - 1) * query.per_page
            board = request.app.state.templates.get_template("_board.html").render({
                "rows": rows, "rows_html": leaderboard_rows(rows, offset), "count": count, "query": query,
                "params": shown, "page": query.page, "pages": pages, "offset": offset, "stats": stats,
                "columns": COLUMNS,
            })
            cache.put(key, board)
    if p.get("partial"):
        return HTMLResponse(board)
    return render(request, "leaderboard.html", {
        "board": Markup(board), "query": query, "params": shown, "tiers": cards.TIERS,
        "licenses": cards.LICENSE_CLASSES, "user": user, "csrf": ws.csrf if ws else None,
    })


# ----------------------------------------------------------------------------------- models


def _model(s: Session, model_id: str) -> Any:
    m = repo.get_model(s, model_id)
    if m is None:
        raise HTTPException(404, f"no model {model_id!r}")
    return m


@router.get("/models/{model_id:path}/diff", response_class=HTMLResponse)
def diff_page(request: Request, model_id: str) -> HTMLResponse:
    a, b = _int(request.query_params.get("a")), _int(request.query_params.get("b"))
    with request.app.state.db.read() as s:
        m = _model(s, model_id)
        user, ws = _signed_in(request, s)
        old, new = pick_pair(s, m, a, b)
        hist = repo.history(s, m)
        if old is None or new is None:
            return error_page(request, 404, f"{m.model_id} has fewer than two evaluations to compare")
        d = diff_scorecards(repo.scorecard_doc(old), repo.scorecard_doc(new))
    return render(request, "diff.html", {
        "m": m, "a": old, "b": new, "d": d, "history": hist, "user": user, "csrf": ws.csrf if ws else None,
    })


@router.get("/models/{model_id:path}/claim", response_class=HTMLResponse)
def claim_form(request: Request, model_id: str) -> HTMLResponse:
    with request.app.state.db.read() as s:
        m = _model(s, model_id)
        user, ws = _signed_in(request, s)
        if user is None:
            return error_page(request, 401, "Sign in to submit a claim.")
        if not repo.can_maintain(user, m):
            return error_page(request, 403, f"{user.name} does not maintain {m.model_id}: only its maintainer can add claims.")
        crits = _criteria_names()
    return render(request, "claim.html", {"m": m, "user": user, "csrf": ws.csrf, "criteria": crits,  # type: ignore[union-attr]
                                          "form": {"criterion": request.query_params.get("criterion", "")}})


@router.post("/models/{model_id:path}/claim", response_class=HTMLResponse)
async def claim_submit(request: Request, model_id: str) -> Response:
    form = await _form(request)
    sid = request.cookies.get(COOKIE)
    db = request.app.state.db

    def work() -> Response:
        with db.write() as s:
            m = _model(s, model_id)
            ws = repo.session_for(s, sid)
            if ws is None:
                return error_page(request, 401, "Sign in to submit a claim.")
            if form.get("csrf") != ws.csrf:
                return error_page(request, 403, "This form has expired; reload the page and submit again.")
            try:
                repo.add_claim(s, m, ws.user, criterion=form.get("criterion", ""),
                               evidence_url=form.get("evidence_url", ""), note=form.get("note", ""),
                               actor=ws.user.name)
            except repo.Forbidden as exc:
                return error_page(request, 403, str(exc))
            except ValueError as exc:  # refused before anything was written
                return render(request, "claim.html", {
                    "m": m, "user": ws.user, "csrf": ws.csrf, "criteria": _criteria_names(), "form": form,
                    "error": str(exc),
                }, 422)
            return RedirectResponse(f"/models/{m.model_id}#claims", 303)

    return await run_in_threadpool(with_retry, work)


def _criteria_names() -> list[tuple[str, str]]:
    spec = load_spec()
    return [(c.id, f"{d.name}: {c.name}") for d in spec.dimensions for c in d.criteria]


@router.get("/models/{model_id:path}", response_class=HTMLResponse)
def model_page(request: Request, model_id: str) -> HTMLResponse:
    eid = _int(request.query_params.get("evaluation"))
    with request.app.state.db.read() as s:
        m = _model(s, model_id)
        user, ws = _signed_in(request, s)
        ev = repo.get_evaluation(s, m, eid)
        if ev is None:
            raise HTTPException(404, f"no evaluation {eid} of {m.model_id}")
        doc = repo.scorecard_doc(ev)
        claims = repo.claims_for(s, m)
        hist = repo.history(s, m)
        old, new = pick_pair(s, m, None, None) if len(hist) > 1 else (None, None)
        changes = diff_scorecards(repo.scorecard_doc(old), repo.scorecard_doc(new)) if old and new else None
        audit = repo.audit_for(s, m, 50)
        owner = m.owner.name if m.owner else None
        can_claim = repo.can_maintain(user, m)
    dims = view.dimensions_view(doc, claims if ev.id == m.latest_evaluation_id else [])
    chart = svg.dimension_chart(
        [{"id": d["id"], "name": d["name"], "score": d["score"], "max": d["max"], "detected": d["detected"]}
         for d in dims]
    )
    points = view.history_points(hist)
    hchart = svg.history_chart(points, lambda p: f"/models/{m.model_id}?evaluation={p['evaluation_id']}#history")
    return render(request, "model.html", {
        "m": m, "ev": ev, "doc": doc, "dims": dims, "chart": chart, "history": hist, "hchart": hchart,
        "changes": changes, "change_pair": (old, new), "claims": [view.claim_view(c) for c in claims],
        "audit": [view.audit_view(a) for a in audit], "owner": owner, "can_claim": can_claim,
        "user": user, "csrf": ws.csrf if ws else None, "is_latest": ev.id == m.latest_evaluation_id,
        "criteria_names": dict(_criteria_names()), "tier_desc": {t.name: t.description for t in load_spec().tiers},
    })


# ---------------------------------------------------------------------------------- compare


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request) -> HTMLResponse:
    ids = [i.strip() for i in request.query_params.getlist("m") if i.strip()]
    ids = list(dict.fromkeys(ids))
    with request.app.state.db.read() as s:
        user, ws = _signed_in(request, s)
        ctx: dict[str, Any] = {"ids": ids, "user": user, "csrf": ws.csrf if ws else None, "data": None}
        if len(ids) > 4:
            return render(request, "compare.html", {**ctx, "error": "Compare at most four models."}, 422)
        if len(ids) < 2:
            msg = "Pick two to four models." if ids else None
            return render(request, "compare.html", {**ctx, "error": msg})
        try:
            models = repo.models_by_ids(s, ids)
        except repo.NotFound as exc:
            return render(request, "compare.html", {**ctx, "error": str(exc)}, 404)
        data = compare_data(s, models)
    data["chart"] = svg.compare_chart([
        {"model_id": mm["model_id"], "dimensions": [
            {"id": k, "name": k.capitalize(), "score": v, "max": mx}
            for (k, v), mx in zip(mm["dimensions"].items(), (10, 10, 6, 4), strict=True)
        ]} for mm in data["models"]
    ])
    return render(request, "compare.html", {**ctx, "data": data})


# ------------------------------------------------------------------------------- sign in/out


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> HTMLResponse:
    return render(request, "signin.html", {"next": _safe_next(request.query_params.get("next"))})


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    form = await _form(request)
    token = form.get("token", "").strip()
    target = _safe_next(form.get("next"))
    db = request.app.state.db

    def work() -> tuple[str | None, str | None]:
        with db.write() as s:
            user = repo.user_for_token(s, token)
            if user is None:
                return None, None
            return repo.create_session(s, user), user.name

    sid, _name = await run_in_threadpool(work)
    if sid is None:
        return render(request, "signin.html", {"next": target, "error": "That token is not valid."}, 401)
    resp = RedirectResponse(target, 303)
    resp.set_cookie(COOKIE, sid, max_age=repo.SESSION_DAYS * 86400, httponly=True, samesite="lax",
                    secure=request.url.scheme == "https", path="/")
    return resp


@router.post("/signout")
async def signout(request: Request) -> Response:
    form = await _form(request)
    sid = request.cookies.get(COOKIE)
    db = request.app.state.db

    def work() -> None:
        with db.write() as s:
            ws = repo.session_for(s, sid)
            if ws is not None and form.get("csrf") == ws.csrf:
                repo.delete_session(s, sid)

    await run_in_threadpool(work)
    resp = RedirectResponse("/", 303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


# ------------------------------------------------------------------------------------ others


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request) -> HTMLResponse:
    with request.app.state.db.read() as s:
        user, ws = _signed_in(request, s)
        entries = [view.audit_view(a) for a in repo.recent_audit(s, 200)]
    return render(request, "audit.html", {"entries": entries, "user": user, "csrf": ws.csrf if ws else None})


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    endpoints = []
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                              "auth": method.upper() == "POST"})
    return render(request, "api.html", {"endpoints": endpoints, "criteria": CRITERION_IDS})

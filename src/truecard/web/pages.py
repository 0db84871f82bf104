"""HTML pages: leaderboard, model page (scorecard, history, diff), compare, claims, sign-in.

Every page works without JavaScript. Signing in exchanges an API token for a session cookie
(HttpOnly, SameSite=Lax); every form that writes carries the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from truecard import __version__
from truecard.spec import load_spec
from truecard.store import cards, repo
from truecard.store.diff import diff_scorecards
from truecard.store.orm import User, WebSession
from truecard.web import svg, view
from truecard.web.api import compare_data, pick_pair, with_retry
from truecard.web.rows import leaderboard_rows, matrix_rows, scope_chip
from truecard.web.schemas import AuditOut, ClaimOut, EvaluationSummary, ModelList, ModelSummary, Provenance

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
        n = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    return n if n is None or -(2**63) < n < 2**63 else default  # a 64-bit column holds no more


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


def columns() -> list[tuple[str, str, str]]:
    """(sort key, header, full name for the header's tooltip and the legend), the dimensions and
    maxima from the current spec."""
    spec = load_spec()
    return [
        ("name", "Model", "Model id, and what truecard read"),
        ("total", "Total", f"TRUE total, out of {spec.max}"), ("tier", "Tier", "TRUE tier, and whether the weights are open"),
        *((d.id, d.name[:1], f"{d.name}, out of {d.max}") for d in spec.dimensions),
        ("mof", "MOF", "Model Openness Framework class (Class I is the most open)"),
        ("osaid", "OSAID", "OSI Open Source AI Definition 1.0 readiness"),
        ("osai", "OSAI", "European Open Source AI Index score"),
        ("license", "Licence", "Licence class of the weights"), ("scanned", "Scanned", "Last scanned"),
    ]


def numeric() -> set[str]:
    return {"total", "osai", *load_spec().dimension_ids}


ASCENDING_FIRST = {"name", "org", "license"}
FILTER_KEYS = ("q", "tier", "org", "license", "min_score", "mof", "osaid", "open", "scope", "modality", "finetuned",
               "pushed")
FILTER_LABELS = {
    "q": "search", "tier": "tier", "org": "organisation", "license": "weights licence", "min_score": "minimum score",
    "mof": "MOF class", "osaid": "OSAID", "open": "open weights", "scope": "read", "modality": "modality",
    "finetuned": "fine-tuned", "pushed": "pushed, not re-scanned",
}
def sort_choices() -> list[tuple[str, str]]:
    return [(k, full) for k, _, full in columns()] + [
        ("org", "Organisation"), ("detected", f"Detected total, out of {load_spec().max}")]


def parse_query(request: Request, default_per_page: int = 50) -> tuple[repo.LeaderboardQuery, dict[str, Any]]:
    """The leaderboard query from the address (bad values dropped with a notice) and the
    parameters to keep in links (defaults left out)."""
    p = request.query_params
    raw: dict[str, Any] = {k: (p.get(k) or None) for k in FILTER_KEYS}
    raw["min_score"] = _int(p.get("min_score"))
    query = repo.LeaderboardQuery(
        p.get("sort") or "total", p.get("dir") or "desc", raw["tier"], raw["org"], raw["license"],
        raw["min_score"], raw["q"], _int(p.get("page"), 1) or 1, _int(p.get("per_page"), default_per_page) or default_per_page,
        mof=raw["mof"], osaid=raw["osaid"], open=raw["open"], scope=raw["scope"], modality=raw["modality"],
        finetuned=raw["finetuned"], pushed=raw["pushed"],
    ).normalised()
    shown: dict[str, Any] = {k: getattr(query, k) for k in FILTER_KEYS}
    if query.q:
        shown["q"] = p.get("q", "").strip()[:100]
    shown.update(sort=query.sort, dir=query.direction,
                 per_page=query.per_page if query.per_page != default_per_page else None)
    if shown["sort"] == "total" and shown["dir"] == "desc":
        shown.update(sort=None, dir=None)
    return query, shown


def _shown_value(key: str, value: Any) -> Any:
    """A filter's value as the page says it ("Class III", "not open", "card + code")."""
    yes_no = {"osaid": ("ready", "not ready"), "open": ("open licence", "not open"),
              "finetuned": ("fine-tunes", "base models")}
    if key == "mof":
        return repo.MOF_FILTERS.get(value, value)
    if key in yes_no:
        return yes_no[key][0 if value == "yes" else 1]
    if key == "scope":
        return view.SCOPE_LABELS.get(value, value)
    if key == "pushed":
        return {"show": "shown", "only": "only"}.get(value, value)
    return value


def _table(request: Request, s: Session, query: repo.LeaderboardQuery, shown: dict[str, Any],
           template: str, rows_fn: Any, columns: Any, base: str) -> tuple[str, dict[str, Any]]:
    """One page of a model table, cached by query and data version: (html, facts)."""
    cache = request.app.state.page_cache
    version = repo.data_version(s)
    request.state.data_version = version  # the whole page is cached under the same version
    key = (template, version, query.page, tuple(sorted(shown.items())))
    hit = cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    # every sort and page of one set of filters shares its count: counted once per data version
    count_key = ("count", version, tuple(sorted(query.filters().items())))
    rows, count = repo.list_models(s, query, count=cache.get(count_key))
    cache.put(count_key, count)
    pages = max(1, -(-count // query.per_page))
    past_end = None
    if count and query.page > pages:  # a page past the end shows the last page, and says so
        past_end = query.page
        query = repo.LeaderboardQuery(**{**query.__dict__, "page": pages})
        rows, count = repo.list_models(s, query, count=count)
    stats = repo.stats(s) if count == 0 else None
    hidden = repo.unranked_count(s) if query.pushed is None else 0
    offset = (query.page - 1) * query.per_page
    active = {k: _shown_value(k, v) for k, v in query.filters().items()}
    board = ModelList.of(rows, count, query.page, query.per_page)  # what /api/models returns for it
    html = request.app.state.templates.get_template(template).render({
        "rows": board.items, "rows_html": rows_fn(board.items, offset), "count": count, "query": query,
        "params": shown, "page": query.page, "pages": pages, "offset": offset, "stats": stats,
        "columns": columns, "numeric": numeric(), "ascending_first": ASCENDING_FIRST, "base": base,
        "past_end": past_end, "empty": (None if count else "empty" if stats and stats["models"] == 0 else "no-match"),
        "active": active, "filter_labels": FILTER_LABELS, "q_shown": shown.get("q"), "hidden": hidden,
    })
    out = (html, {"count": count, "page": query.page})
    cache.put(key, out)
    return out


def _filters_ctx(query: repo.LeaderboardQuery, shown: dict[str, Any]) -> dict[str, Any]:
    return {
        "query": query, "params": shown, "tiers": load_spec().tier_names, "licenses": cards.LICENSE_CLASSES,
        "mof_choices": repo.MOF_FILTERS, "scopes": view.SCOPE_LABELS, "modalities": view.MODALITY_LABELS,
        "sort_choices": sort_choices(), "download_qs": {k: v for k, v in shown.items() if k not in ("page", "per_page")},
    }


# Whole anonymous pages are cached under (path, data version, raw query string): `_keep_page`
# stores them after a render, `CachedPages` answers from them before routing.
CACHED_PATHS = frozenset({"/", "/matrix"})


def _page_key(scope: Mapping[str, Any], version: int) -> tuple[str, int, bytes]:
    return (scope["path"], version, scope.get("query_string", b""))


def _keep_page(request: Request, response: HTMLResponse, user: User | None) -> HTMLResponse:
    version = getattr(request.state, "data_version", None)
    if user is None and version is not None and COOKIE not in request.cookies and response.status_code == 200:
        request.app.state.page_cache.put(_page_key(request.scope, version), response.body)
    return response


class CachedPages:
    """ASGI middleware: an anonymous GET of a page the cache holds for the store's current data
    version is answered before routing, from the bytes rendered then: one version read (shared
    by the requests waiting for it, `VersionProbe.read`), no routing, no request object, no
    session, no thread, no template. Anything else (a signed-in visitor: a session cookie; a
    miss; a probe that cannot answer) goes on to the pages, which render and keep the page."""

    HEADERS = ((b"content-type", b"text/html; charset=utf-8"),)

    def __init__(self, app: Any, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in CACHED_PATHS
                and not _has_session(scope)):
            version = await self.state.version_probe.read()
            body = None if version is None else self.state.page_cache.get(_page_key(scope, version))
            if body is not None:
                await send({"type": "http.response.start", "status": 200,
                            "headers": [*self.HEADERS, (b"content-length", str(len(body)).encode("ascii"))]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _has_session(scope: dict[str, Any]) -> bool:
    """A session cookie may be there (any cookie header naming it: checked properly on the
    pages' own path, which then renders for the signed-in visitor)."""
    marker = COOKIE.encode("ascii")
    return any(k == b"cookie" and marker in v for k, v in scope.get("headers", ()))


@router.get("/", response_class=HTMLResponse)
async def leaderboard(request: Request) -> Response:
    page: Response = await run_in_threadpool(_leaderboard, request)  # a cached page: CachedPages
    return page


def _leaderboard(request: Request) -> HTMLResponse:
    query, shown = parse_query(request)
    with request.app.state.db.read() as s:
        user, ws = _signed_in(request, s)
        board, _facts = _table(request, s, query, shown, "_board.html", leaderboard_rows, columns(), "/")
    if request.query_params.get("partial"):
        return _keep_page(request, HTMLResponse(board), user)
    return _keep_page(request, render(request, "leaderboard.html", {
        "board": Markup(board), **_filters_ctx(query, shown), "user": user, "csrf": ws.csrf if ws else None,
        "columns": columns(), "action": "/",
    }), user)


@router.get("/matrix", response_class=HTMLResponse)
async def matrix(request: Request) -> Response:
    """Models by the spec's criteria (the European Open Source AI Index's main view, for TRUE)."""
    page: Response = await run_in_threadpool(_matrix, request)  # a cached page: CachedPages
    return page


def _matrix(request: Request) -> HTMLResponse:
    query, shown = parse_query(request)
    spec = load_spec()
    columns = [("name", "Model", "Model id"), ("total", "Total", "TRUE total, tier and openness verdict")]
    crit_cols = [(c.id, c.name, f"{d.name}: {c.name}", d.id) for d in spec.dimensions for c in d.criteria]
    with request.app.state.db.read() as s:
        user, ws = _signed_in(request, s)
        board, _facts = _table(
            request, s, query, shown, "_matrix.html", matrix_rows,
            {"lead": columns, "criteria": crit_cols, "dims": [(d.id, d.name, len(d.criteria)) for d in spec.dimensions]},
            "/matrix",
        )
    if request.query_params.get("partial"):
        return _keep_page(request, HTMLResponse(board), user)
    return _keep_page(request, render(request, "matrix.html", {
        "board": Markup(board), **_filters_ctx(query, shown), "user": user, "csrf": ws.csrf if ws else None,
        "action": "/matrix", "criteria": crit_cols,
    }), user)


def download_fields() -> tuple[str, ...]:
    spec = load_spec()
    return ("model_id", "name", "organisation", "total", "total_detected", "tier", "openness", *spec.dimension_ids,
            "mof_class", "osaid_ready", "osai_score", "license_class", "scope", "modality", "finetuned",
            "last_scanned_at", *spec.criterion_ids)


def _download_rows(request: Request) -> list[dict[str, Any]]:
    query, _shown = parse_query(request)
    with request.app.state.db.read() as s:
        rows = repo.all_models(s, query)
    return [ModelSummary.of(m).flat() for m in rows]


@router.get("/models.csv")
def download_csv(request: Request) -> Response:
    """Every model matching the filters (not only one page), one row each, every column."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(download_fields()), lineterminator="\n")
    w.writeheader()
    for r in _download_rows(request):
        # a cell starting with = + - @ is a formula to spreadsheets: quote it as text
        w.writerow({k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in r.items()})
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="truecard-models.csv"'})


@router.get("/models.json")
def download_json(request: Request) -> Response:
    import json

    rows = _download_rows(request)
    body = json.dumps({"count": len(rows), "items": rows}, ensure_ascii=False)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="truecard-models.json"'})


@router.get("/rubric", response_class=HTMLResponse)
def rubric_page(request: Request) -> HTMLResponse:
    """What earns 0, 1 or 2 points on each criterion (the rubric truecard applies)."""
    from truecard.criteria import criterion_module

    spec = load_spec()
    dims = [{"id": d.id, "name": d.name, "max": d.max, "question": d.question,
             "criteria": [{"id": c.id, "name": c.name, "spec": c.spec, "rubric": criterion_module(c).RUBRIC}
                          for c in d.criteria]} for d in spec.dimensions]
    with request.app.state.db.read() as s:
        user, ws = _signed_in(request, s)
    return render(request, "rubric.html", {"dims": dims, "tiers": spec.tiers, "user": user,
                                           "csrf": ws.csrf if ws else None})


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


DOWNLOADS = {  # format: (media type, file extension, label)
    "json": ("application/json", "json", "JSON"),
    "markdown": ("text/markdown; charset=utf-8", "md", "Markdown"),
    "sarif": ("application/sarif+json", "sarif", "SARIF"),
    "html": ("text/html; charset=utf-8", "html", "HTML report"),
}


@router.get("/models/{model_id:path}/download")
def download_evaluation(request: Request, model_id: str) -> Response:
    """One evaluation as truecard renders it: JSON exactly as stored, or Markdown, SARIF, HTML."""
    from truecard.models import Scorecard
    from truecard.reports import render as render_report

    fmt = request.query_params.get("format", "json")
    if fmt not in DOWNLOADS:
        raise HTTPException(422, f"unknown format {fmt[:20]!r}; one of: {', '.join(DOWNLOADS)}")
    eid = _int(request.query_params.get("evaluation"))
    with request.app.state.db.read() as s:
        m = _model(s, model_id)
        ev = repo.get_evaluation(s, m, eid)
        if ev is None:
            raise HTTPException(404, f"no evaluation {eid} of {m.model_id}")
        text = ev.scorecard
        stamp = ev.scanned_at.strftime("%Y%m%d")
    media, ext, _label = DOWNLOADS[fmt]
    if fmt != "json":
        text = render_report(Scorecard.model_validate_json(text), fmt)
    name = f"{m.model_id.replace('/', '_')}-{stamp}.{ext}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "html":  # the report is a standalone page with its own inline style
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return Response(text, media_type=media, headers=headers)


def public_base(request: Request) -> str:
    """The site's public address for badge code: configured (`TRUECARD_PUBLIC_URL`), else the
    address this request came to (uvicorn honours X-Forwarded-* behind a trusted proxy)."""
    configured = getattr(request.app.state, "public_url", None)
    return (configured or str(request.base_url)).rstrip("/")


def _criteria_names(version: str | None = None) -> list[tuple[str, str]]:
    spec = load_spec(version)
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
    evaluation = EvaluationSummary.of(ev)  # what /api/models/{id} says of it (and its history)
    dims = view.dimensions_view(doc, claims if ev.id == m.latest_evaluation_id else [])
    card_spec = view.spec_of(doc)
    chart = svg.dimension_chart(
        [{"id": d["id"], "name": d["name"], "score": d["score"], "max": d["max"], "detected": d["detected"]}
         for d in dims]
    )
    points = view.history_points(hist)
    hchart = svg.history_chart(points, lambda p: f"/models/{m.model_id}?evaluation={p['evaluation_id']}#history",
                               spec=card_spec)
    return render(request, "model.html", {
        "m": m, "ev": ev, "doc": doc, "dims": dims, "chart": chart, "history": hist, "hchart": hchart,
        "changes": changes, "change_pair": (old, new), "claims": [ClaimOut.of(c) for c in claims],
        "audit": [AuditOut.of(a) for a in audit], "owner": owner, "can_claim": can_claim,
        "user": user, "csrf": ws.csrf if ws else None, "is_latest": ev.id == m.latest_evaluation_id,
        "spec": card_spec, "criteria_names": dict(_criteria_names(card_spec.version)),
        "tier_desc": {t.name: t.description for t in card_spec.tiers},
        "frameworks": view.framework_views(doc), "verdict": evaluation.openness, "evaluation": evaluation,
        "scope_label": view.SCOPE_LABELS.get(ev.scope, ev.scope), "scope_help": view.SCOPE_HELP.get(ev.scope, ""),
        "scope_chip": Markup(scope_chip(ev.scope)), "base_url": public_base(request), "downloads": DOWNLOADS,
        "scope_labels": view.SCOPE_LABELS, "prov": evaluation.provenance, "provenance_of": Provenance.of,
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
        data = compare_data(s, models)  # what /api/compare returns
    maxima = {d.id: d.max for d in load_spec().dimensions}
    chart = svg.compare_chart([
        {"model_id": mm.model_id, "dimensions": [
            {"id": k, "name": k.capitalize(), "score": v, "max": maxima[k]} for k, v in mm.dimensions.items()
        ]} for mm in data.models
    ])
    return render(request, "compare.html", {**ctx, "data": data, "chart": chart})


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
        entries = [AuditOut.of(a) for a in repo.recent_audit(s, 200)]
    return render(request, "audit.html", {"entries": entries, "user": user, "csrf": ws.csrf if ws else None})


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    endpoints = []
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                              "auth": method.upper() == "POST"})
    return render(request, "api.html", {"endpoints": endpoints, "criteria": load_spec().criterion_ids,
                                        "base_url": public_base(request)})

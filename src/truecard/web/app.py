"""The dashboard application: pages, JSON API, badges, static files.

    from truecard.web import create_app
    app = create_app("sqlite:///truecard.db")      # or a truecard.store.Database

Served by uvicorn (`truecard serve`). Every asset is local: the only script is
/static/app.js (sorting without reload), charts are SVG drawn on the server.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from truecard import __version__
from truecard.store import Database, open_store

HERE = Path(__file__).parent
BODY_MAX = 6_000_000  # a pushed scorecard is at most 5 MB

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
]


class Guard:
    """ASGI middleware: security headers on every response, oversized bodies refused (413)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    too_big = int(v) > BODY_MAX
                except ValueError:
                    too_big = True
                if too_big:
                    resp = JSONResponse({"detail": f"request body larger than {BODY_MAX} bytes"}, 413)
                    await resp(scope, receive, send)
                    return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the page cache's version probe connection when the server stops."""
    yield
    probe = getattr(app.state, "version_probe", None)
    if probe is not None:
        await probe.aclose()


def _wants_json(request: Request) -> bool:
    p = request.url.path
    return p.startswith(("/api/", "/badge/")) or p in ("/api", "/openapi.json")


def create_app(db: Database | str | None = None, *, title: str = "truecard dashboard",
               public_url: str | None = None) -> FastAPI:
    """Build the app on a store (opened, and created if empty, from a URL when given one).

    `public_url` (else $TRUECARD_PUBLIC_URL) is the site's address in badge code; without it,
    the address each request came to."""
    store = db if isinstance(db, Database) else open_store(db)
    app = FastAPI(
        title=title,
        version=__version__,
        description=(
            "TRUE openness scorecards of AI models, evaluated by truecard from the models' own "
            "artifacts. Reads are public; writes need a bearer token (`truecard token create`). "
            "Claims are shown as claimed, never as detected."
        ),
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: /api lists the endpoints instead
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.db = store
    app.state.public_url = (public_url or os.environ.get("TRUECARD_PUBLIC_URL") or "").strip() or None
    from truecard.web.pages import CachedPages

    app.add_middleware(CachedPages, state=app.state)  # inside Guard: cached pages get its headers too
    app.add_middleware(Guard)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    from truecard.web import filters

    filters.install(templates.env)
    app.state.templates = templates
    from truecard.web.cache import PageCache, VersionProbe

    app.state.page_cache = PageCache(int(os.environ.get("TRUECARD_PAGE_CACHE", "512")))
    app.state.version_probe = VersionProbe(store)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from truecard.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        headers = getattr(exc, "headers", None)
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)
        return pages.error_page(request, exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()[:20]
        ]
        if _wants_json(request):
            return JSONResponse({"detail": errors}, 422)
        msg = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors[:3])
        return pages.error_page(request, 422, f"invalid request: {msg}")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> HTMLResponse:
        return HTMLResponse(status_code=204)

    return app


def app_from_env() -> FastAPI:
    """App factory for `truecard serve --workers N` (each worker process opens the store
    named by $TRUECARD_DATABASE_URL)."""
    from truecard.store import ENV_VAR

    return create_app(os.environ.get(ENV_VAR))

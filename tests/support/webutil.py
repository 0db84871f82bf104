"""Fixtures and helpers for the dashboard's tests (store, API, pages, CLI, browser).

Every store test runs against SQLite, and also against PostgreSQL when
TRUECARD_TEST_POSTGRES_URL points at a server (`.ci/run` starts one). In CI (CI=true) a missing
PostgreSQL or chromium is a failure, not a skip.

Test modules import the fixtures they use from here (`from webutil import store, ...`).
"""

from __future__ import annotations

import copy
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tiny-open-model"
PG_ENV = "TRUECARD_TEST_POSTGRES_URL"
CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def missing(what: str) -> None:
    """Skip here, fail in CI."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available here")


# ------------------------------------------------------------------------------ databases


class _PgServer:
    """One throw-away database on the test server per test session; emptied before each test."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        self.admin_url = url
        self.name = f"truecard_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{self.name}"'))
        admin.dispose()
        self.url = make_url(url).set(database=self.name).render_as_string(hide_password=False)

    def reset(self) -> str:
        from sqlalchemy import create_engine, text

        eng = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
        eng.dispose()
        return self.url

    def drop(self) -> None:
        from sqlalchemy import create_engine, text

        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


_PG: dict[str, _PgServer] = {}


def _pg() -> _PgServer:
    url = os.environ.get(PG_ENV)
    if not url:
        missing(f"PostgreSQL (${PG_ENV})")
    if "server" not in _PG:
        import atexit

        _PG["server"] = _PgServer(url)  # type: ignore[arg-type]
        atexit.register(drop_pg_database)
    return _PG["server"]


def drop_pg_database() -> None:
    if "server" in _PG:
        _PG.pop("server").drop()


def index_names(conn: Any, table: str) -> set[str]:
    """Every index of a table by name, expression indexes too (reflection skips those)."""
    import sqlalchemy as sa

    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = :t"
    return {str(n) for n in conn.execute(sa.text(sql), {"t": table}).scalars()}


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: an SQLite file, or the test PostgreSQL database wiped clean."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _pg().reset()


@pytest.fixture
def store(db_url: str) -> Iterator[Any]:
    from truecard.store import open_store

    db = open_store(db_url)
    yield db
    db.dispose()


@pytest.fixture
def client(store: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from truecard.web import create_app

    with TestClient(create_app(store)) as c:
        yield c


# ----------------------------------------------------------------------------- scorecards


@cache
def _example_json() -> str:
    import truecard

    return truecard.scan(EXAMPLE, use_claims=False).model_dump_json()


def example_card() -> dict[str, Any]:
    """A real scorecard: truecard's scan of the bundled example (claims ignored: all detected)."""
    return json.loads(_example_json())


def retarget(doc: dict[str, Any], model_id: str, revision: str | None = None, kind: str = "hf") -> dict[str, Any]:
    """The same scorecard as if read from the Hugging Face repository `model_id` at `revision`."""
    doc = copy.deepcopy(doc)
    old = doc["subject"]["sources"][0]["id"]
    new = f"{kind}:{model_id}"

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "source" and v == old:
                    node[k] = new
                elif k == "revision" and node.get("source") in (old, new):
                    node[k] = revision
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    doc["subject"]["sources"] = [
        {"id": new, "kind": kind, "location": model_id, "revision": revision, "partial": False, "notes": []}
    ]
    doc["subject"]["name"] = model_id
    return doc


def set_points(doc: dict[str, Any], changes: dict[str, int], *, claimed: bool = False) -> dict[str, Any]:
    """Change some criteria's points and recompute every sum and tier, as the engine would."""
    from truecard.spec import load_spec

    spec = load_spec()
    doc = copy.deepcopy(doc)
    total = detected = 0
    for d in doc["dimensions"]:
        for c in d["criteria"]:
            if c["id"] in changes:
                p = changes[c["id"]]
                c["points"] = p
                c["status"] = {2: "met", 1: "partial"}.get(p, "unmet")
                if claimed:
                    c["basis"] = "claimed"
                    c["detected_points"] = min(c["detected_points"], p)
                else:
                    c["basis"] = "detected"
                    c["detected_points"] = p
                c["rationale"] = f"test: set to {p}" + (" (claimed)" if claimed else "")
        d["score"] = sum(c["points"] for c in d["criteria"])
        total += d["score"]
        detected += sum(c["detected_points"] for c in d["criteria"])
    doc["total"], doc["total_detected"] = total, detected
    doc["tier"], doc["tier_detected"] = spec.tier_for(total).name, spec.tier_for(detected).name
    return doc


def at(doc: dict[str, Any], iso: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["scanned_at"] = iso
    return doc


def card_for(model_id: str, revision: str | None = None, changes: dict[str, int] | None = None,
             when: str = "2025-06-01T12:00:00+00:00") -> dict[str, Any]:
    return at(set_points(retarget(example_card(), model_id, revision), changes or {}), when)


@cache
def demo_lines() -> tuple[str, ...]:
    """The shipped demo data: truecard's evaluations of the 400 real corpus cards."""
    import gzip

    p = ROOT / "src" / "truecard" / "store" / "data" / "demo-evaluations.jsonl.gz"
    return tuple(gzip.open(p, "rt", encoding="utf-8").read().splitlines())


def load_demo(store: Any, n: int | None = None) -> None:
    from truecard.store import transfer

    lines = demo_lines()[:n] if n else demo_lines()
    recs = ((i, json.loads(line), None) for i, line in enumerate(lines, 1))
    report = transfer.import_records(store, recs, actor="test")
    assert report.ok, report.errors[:3]


def save(store: Any, doc: dict[str, Any], model_id: str | None = None, **kw: Any) -> Any:
    from truecard.store import repo

    with store.write() as s:
        res = repo.save_evaluation(s, doc, actor=kw.pop("actor", "test"), model_id=model_id, **kw)
        return res.evaluation.id


def make_token(store: Any, name: str, *, admin: bool = False, owns: tuple[str, ...] = ()) -> str:
    from truecard.store import repo

    with store.write() as s:
        return repo.create_token(s, name, admin=admin, owns=owns)[1]


# ---------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The real app under uvicorn, on loopback, in a thread of the test process."""

    def __init__(self, store: Any) -> None:
        import uvicorn

        from truecard.web import create_app

        # port 0: the kernel picks a free port at bind time (no race with other processes)
        config = uvicorn.Config(create_app(store), host="127.0.0.1", port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 30
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)

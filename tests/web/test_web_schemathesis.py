"""schemathesis against the dashboard's own /openapi.json: no request the schema allows (or
nearly allows) gets a server error (issue 16). Bounded examples per operation; SQLite."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from support.webutil import card_for, make_token, save  # noqa: E402
from truecard.store import open_store  # noqa: E402
from truecard.web import create_app  # noqa: E402

_dir = Path(tempfile.mkdtemp(prefix="truecard-schemathesis-"))
_store = open_store(f"sqlite:///{_dir / 'store.db'}")
save(_store, card_for("org/model", "1" * 40))
TOKEN = make_token(_store, "alice", owns=("org/model",))
app = create_app(_store)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: object) -> None:
    resp = case.call(headers={"Authorization": f"Bearer {TOKEN}"})  # type: ignore[attr-defined]
    assert resp.status_code < 500, (case, resp.status_code, resp.text[:500])  # type: ignore[attr-defined]

"""The dashboard's page cache: a whole anonymous leaderboard or matrix page is served from
memory while the store's data version is unchanged, and never after a write, whether the write
came through this app, another connection (a CLI command, another server process) or a claim.
Signed-in visitors get pages rendered for them, and theirs are never served to anyone else.
Counted in SQL statements, never timed. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from support.webutil import card_for, client, db_url, make_token, save, store

__all__ = ["client", "db_url", "store"]


@pytest.fixture
def statements(store: Any) -> Iterator[list[str]]:
    """Every statement the app's store engines run (the version probe's own connection aside)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engines = {store.read_engine, store.write_engine}
    for eng in engines:
        event.listen(eng, "before_cursor_execute", record)
    yield seen
    for eng in engines:
        event.remove(eng, "before_cursor_execute", record)


@pytest.mark.parametrize("path", ["/", "/?sort=name&tier=Gold", "/matrix", "/?partial=1"])
def test_a_repeated_anonymous_page_runs_no_store_statement(client: Any, store: Any, statements: list[str],
                                                           path: str) -> None:
    save(store, card_for("org/first"))
    first = client.get(path)
    assert first.status_code == 200 and statements  # rendered from the store
    statements.clear()
    again = client.get(path)
    assert again.status_code == 200 and again.text == first.text
    assert statements == []  # served from the cache: only the probe's version read
    assert again.headers["x-frame-options"] == "DENY"  # the security headers are still sent


def test_a_write_through_another_connection_shows_at_once(client: Any, store: Any, db_url: str) -> None:
    from truecard.store import open_store

    save(store, card_for("org/first"))
    assert "org/first" in client.get("/").text and "org/second" not in client.get("/").text
    assert "of 1 model." in client.get("/?sort=name").text
    other = open_store(db_url)  # as `truecard scan --save` or another server process would
    try:
        save(other, card_for("org/second"))
    finally:
        other.dispose()
    page = client.get("/").text
    assert "org/second" in page and "of 2 models." in page
    assert "of 2 models." in client.get("/?sort=name").text  # the cached count is renewed too
    assert "org/second" in client.get("/matrix").text


def test_a_rescore_replaces_the_cached_page(client: Any, store: Any) -> None:
    save(store, card_for("org/model", "1" * 40))
    before = client.get("/?sort=name").text
    assert client.get("/?sort=name").text == before  # cached
    save(store, card_for("org/model", "2" * 40, {"transparent.license": 0}, when="2025-07-01T12:00:00+00:00"))
    after = client.get("/?sort=name").text
    assert after != before


def test_a_claim_through_the_api_shows_at_once(client: Any, store: Any) -> None:
    save(store, card_for("org/model"))
    token = make_token(store, "alice", owns=("org/model",))
    assert "claims</span>" not in client.get("/").text
    r = client.post("/api/models/org/model/claims", headers={"Authorization": f"Bearer {token}"},
                    json={"criterion": "reproducible.replication", "evidence_url": "https://example.org/repro"})
    assert r.status_code == 201, r.text
    assert "claim(s) by its maintainer" in client.get("/").text


def test_signed_in_pages_are_their_own(client: Any, store: Any) -> None:
    save(store, card_for("org/model"))
    token = make_token(store, "alice")
    anonymous = client.get("/").text
    assert "Signed in as" not in anonymous
    r = client.post("/signin", data={"token": token}, follow_redirects=False)
    assert r.status_code == 303
    mine = client.get("/").text
    assert "Signed in as <strong>alice</strong>" in mine  # not the cached anonymous page
    client.cookies.clear()
    assert "Signed in as" not in client.get("/").text  # alice's page is not served to others


def test_an_in_memory_store_is_served_without_the_probe() -> None:
    from fastapi.testclient import TestClient

    from truecard.store import open_store
    from truecard.web import create_app

    db = open_store("sqlite://")
    try:
        save(db, card_for("org/first"))
        with TestClient(create_app(db)) as c:
            assert c.app.state.version_probe.version() is None  # its one connection is shared
            assert "org/first" in c.get("/").text
            save(db, card_for("org/second"))
            assert "org/second" in c.get("/").text
    finally:
        db.dispose()


def test_a_failing_probe_falls_back_to_rendering(client: Any, store: Any) -> None:
    save(store, card_for("org/first"))
    probe = client.app.state.version_probe
    assert probe.version() is not None
    probe._conn.close()  # the connection breaks (a database restart)
    assert probe.version() is None and probe._conn is None  # no answer, no reconnect right away
    assert "org/first" in client.get("/").text  # rendered on the normal path
    probe._retry_at = 0.0
    assert probe.version() is not None  # reconnects once the pause is over


def test_waiting_requests_share_a_version_read_that_started_after_them(store: Any) -> None:
    """On PostgreSQL the page path reads the version on an asyncio connection: requests waiting
    together share one read, and a request that arrives while a read is under way (a read that
    may predate a write it must see) waits for the next one. Counted in reads, never timed."""
    import asyncio

    from truecard.web.cache import VersionProbe

    save(store, card_for("org/first"))
    if store.is_sqlite:  # an in-process read: nothing to share or wait for
        probe = VersionProbe(store)
        assert asyncio.run(probe.read()) == probe.version() is not None
        probe.close()
        return

    class Gated(VersionProbe):
        """A probe whose rounds stay open after their read until the gate opens."""

        def __init__(self, db: Any) -> None:
            super().__init__(db)
            self.reads: list[int | None] = []
            self.gate = asyncio.Event()

        async def _aread(self) -> int | None:
            v = await super()._aread()
            self.reads.append(v)
            await self.gate.wait()
            return v

    async def scenario() -> tuple[list[int | None], list[int | None], list[int | None]]:
        probe = Gated(store)
        try:
            probe.gate.set()
            together = await asyncio.gather(*(probe.read() for _ in range(20)))
            assert len(probe.reads) == 1  # twenty waiting requests, one read
            probe.gate.clear()
            early = asyncio.create_task(probe.read())
            while len(probe.reads) < 2:  # its read has run (and is held open)
                await asyncio.sleep(0.001)
            save(store, card_for("org/second"))  # committed after that read
            late = [asyncio.create_task(probe.read()) for _ in range(5)]
            await asyncio.sleep(0.01)
            probe.gate.set()
            return together, [await early], [await t for t in late]
        finally:
            await probe.aclose()

    together, early, late = asyncio.run(scenario())
    assert len(set(together)) == 1 and early == [together[0]]
    assert set(late) == {together[0] + 1}  # the write is seen: their read started after they came

"""Trust on the dashboard (issue 16 item 10): a pushed scorecard is its pusher's statement, labelled
and kept out of the default ranking until the server re-scans its public source with the same
points; evidence links show their host; one model per case-folded id, enforced by the database;
migration 0003 keeps every row of a 0002 store. SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from support.fakehub import FakeHub, card, serve
from support.webutil import card_for, client, db_url, load_demo, make_token, save, set_points, store

__all__ = ["client", "db_url", "store"]

PHISH = "https://evil.example/phish"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def phishing_card(model_id: str) -> dict[str, Any]:
    """30/30, every point "detected", every piece of evidence a link to a phishing page."""
    from truecard.spec import load_spec

    doc = set_points(card_for(model_id, "1" * 40), {cid: 2 for cid in load_spec().criterion_ids})
    for d in doc["dimensions"]:
        for c in d["criteria"]:
            c["evidence"] = [{"kind": "card-section", "summary": "see here", "source": None, "path": "README.md",
                              "line_start": 3, "url": PHISH, "origin": "detected"}]
    assert doc["total"] == doc["total_detected"] == load_spec().max
    return doc


def listed(client: Any, **params: Any) -> list[str]:
    r = client.get("/api/models", params={"per_page": 200, **params})
    assert r.status_code == 200, r.text
    return [m["model_id"] for m in r.json()["items"]]


def test_a_phishing_push_is_labelled_and_not_ranked(client: Any, store: Any) -> None:
    save(store, card_for("org/scanned", "2" * 40))  # the server's own scan (scan --save)
    bob = make_token(store, "bob")
    r = client.post("/api/evaluations", json={"scorecard": phishing_card("bob/phish")}, headers=bearer(bob))
    assert r.status_code == 201, r.text
    # the default ranking: API, leaderboard, matrix, downloads
    assert listed(client) == ["org/scanned"]
    assert listed(client, pushed="show") == ["bob/phish", "org/scanned"]  # 30/30 first, labelled
    assert listed(client, pushed="only") == ["bob/phish"]
    item = client.get("/api/models", params={"pushed": "show"}).json()["items"][0]
    assert item["provenance"] == {"how": "pushed", "by": "bob", "rescanned": False, "verified_at": None,
                                  "ranked": False, "label": "pushed by bob, not re-scanned"}
    assert item["max"] == 30 and item["spec_version"] == "1.0"
    page = client.get("/").text
    assert 'data-model="bob/phish"' not in page and 'data-model="org/scanned"' in page
    assert 'id="pushed-hidden"' in page and "pushed=show" in page
    shown = client.get("/", params={"pushed": "show"}).text
    row = re.search(r'<tr data-model="bob/phish">.*?</tr>', shown, re.S)
    assert row and "pushed by bob, not re-scanned" in row.group(0)
    assert 'data-model="bob/phish"' not in client.get("/matrix").text
    assert "bob/phish" not in client.get("/models.csv").text
    assert "bob/phish" in client.get("/models.csv", params={"pushed": "show"}).text
    # the model page: a banner, "not re-scanned" beside each "detected", the link's host beside it
    page = client.get("/models/bob/phish").text
    assert 'id="provenance"' in page and "Pushed by bob, not re-scanned" in page
    assert page.count('class="basis unverified"') == 15
    links = re.findall(r'<a class="evidence-link" href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert links and all(h == PHISH and lab == "README.md:3 (evil.example)" for h, lab in links)
    # the badge says so too (it is embedded far from the dashboard)
    b = client.get("/badge/bob/phish.json").json()
    assert b["message"] == "30/30 Platinum · not re-scanned" and b["color"] != "e5e4e2"
    assert "not re-scanned" in client.get("/badge/bob/phish.svg").text
    # a server-produced evaluation is ranked, labelled as what it is, and its page has no banner
    ok = client.get("/api/models/org/scanned").json()
    assert ok["model"]["provenance"]["label"] == "scanned by the server" and ok["model"]["provenance"]["ranked"]
    assert 'id="provenance"' not in client.get("/models/org/scanned").text


def test_evidence_links_show_their_host_on_the_model_page(client: Any, store: Any) -> None:
    save(store, card_for("org/m", "3" * 40))
    page = client.get("/models/org/m").text
    hosts = re.findall(r'class="evidence-link" href="https://([^/"]+)/[^"]*"[^>]*>[^<]+</a> <span class="host"[^>]*>'
                       r'([^<]+)</span>', page)
    assert hosts and all(a == b == "huggingface.co" for a, b in hosts)


def test_import_demo_and_export_keep_provenance(store: Any, tmp_path: Any) -> None:
    from truecard.store import repo, transfer
    from truecard.store.orm import Evaluation

    load_demo(store, 3)
    with store.write() as s:
        repo.save_evaluation(s, phishing_card("bob/phish"), actor="bob", provenance="pushed", pushed_by="bob")
    demo = tmp_path / "demo.jsonl"
    from support.webutil import demo_lines

    demo.write_text("\n".join(demo_lines()[3:5]) + "\n", encoding="utf-8")
    assert transfer.import_file(store, demo, actor="t", provenance="demo").ok
    out = tmp_path / "all.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        transfer.export(store, fh)
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert {x["provenance"] for x in lines} == {"imported", "demo", "pushed"}
    assert next(x for x in lines if x["provenance"] == "pushed")["pushed_by"] == "bob"
    from truecard.store import open_store

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    assert transfer.import_file(other, out, actor="t").ok
    with other.read() as s:
        pushed = s.query(Evaluation).filter(Evaluation.provenance == "pushed").one()
        assert pushed.pushed_by == "bob" and not pushed.ranked  # an import does not launder a push
        assert repo.get_model(s, "bob/phish").ranked is False
    other.dispose()


# --------------------------------------------------------------------------- one id per case


def test_a_mixed_case_duplicate_id_is_refused_by_the_database(store: Any) -> None:
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from truecard.store.orm import Model

    save(store, card_for("alice/xss", "1" * 40))
    row = {"name": "x", "organisation": "ALICE", "created_at": sa.func.now(), "total": 0, "total_detected": 0,
           "tier": "Bronze", "transparent": 0, "reproducible": 0, "understandable": 0, "executable": 0,
           "license_class": "unknown", "evaluations_count": 0, "claims_count": 0}
    for mid, key in (("ALICE/XSS", "alice/xss"), ("Alice/Xss", "something-else")):
        with pytest.raises(IntegrityError), store.write() as s:  # no repo code: straight SQL
            s.execute(sa.insert(Model).values(model_id=mid, sort_key=key, **row))
    with store.write() as s:  # another id is fine
        s.execute(sa.insert(Model).values(model_id="ALICE/other", sort_key="alice/other", **row))


# ------------------------------------------------------------------------------- migration


def _insert(conn: Any, table: Any, **values: Any) -> int:
    return int(conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one())


def test_upgrade_from_0002_with_data_keeps_every_row(db_url: str) -> None:
    import sqlalchemy as sa

    from truecard.store import cards, migrate, open_store, repo
    from truecard.store.db import Database

    db = Database(db_url)
    try:
        migrate.upgrade(db, "0002")
        md = sa.MetaData()
        t = {n: sa.Table(n, md, autoload_with=db.write_engine)
             for n in ("users", "api_tokens", "models", "evaluations", "claims", "audit_log")}
        now = sa.func.now()
        # six evaluations, one of each way they arrived before 0003, and a case look-alike model
        kinds = [("org/demo", "cli:op (demo)", "evaluation.import", "cli:op"),
                 ("org/imp", "cli:op (import)", "evaluation.import", "cli:op"),
                 ("org/saved", "cli:op", "evaluation.add", "cli:op"),
                 ("bob/new", "bob", "evaluation.add", "bob (pushed; not re-scanned by the server)"),
                 ("bob/old", "bob", "evaluation.add", "bob"),  # pushed before pushes were labelled
                 ("org/raw", None, None, "someone"),  # no audit entry
                 ("ALICE/XSS", "mallory", "evaluation.add", "mallory")]
        with db.write_engine.begin() as c:
            uid = _insert(c, t["users"], name="bob", is_admin=False, created_at=now)
            _insert(c, t["api_tokens"], user_id=uid, token_hash="h" * 64, prefix="tc_x", created_at=now)
            alice = card_for("alice/xss", "a" * 40)
            text = cards.canonical_json(alice)
            apk = _insert(c, t["models"], model_id="alice/xss", sort_key="alice/xss", name="alice/xss",
                          organisation="alice", created_at=now, total=alice["total"],
                          total_detected=alice["total_detected"], tier=alice["tier"], transparent=0, reproducible=0,
                          understandable=0, executable=0, license_class="osi-permissive", evaluations_count=1,
                          claims_count=1, owner_id=uid)
            aev = _insert(c, t["evaluations"], model_pk=apk, scanned_at=now, stored_at=now, stored_by="cli:op",
                          total=alice["total"], total_detected=alice["total_detected"], tier=alice["tier"],
                          transparent=0, reproducible=0, understandable=0, executable=0,
                          license_class="osi-permissive", truecard_version="0.1.0",
                          fingerprint=cards.fingerprint(text), scorecard=text, points="2" * 15)
            c.execute(t["models"].update().where(t["models"].c.id == apk).values(latest_evaluation_id=aev))
            _insert(c, t["audit_log"], at=now, actor="cli:op", action="evaluation.add", model_pk=apk,
                    model_ref="alice/xss", detail=json.dumps({"evaluation": aev}))
            _insert(c, t["claims"], model_pk=apk, criterion="reproducible.replication",
                    evidence_url="https://example.org/r", note="", author="alice", created_at=now)
            for mid, actor, action, stored_by in kinds:
                doc = card_for(mid, "b" * 40)
                text = cards.canonical_json(doc)
                mpk = _insert(c, t["models"], model_id=mid, sort_key=mid.lower(), name=mid,
                              organisation=mid.split("/")[0], created_at=now, total=doc["total"],
                              total_detected=doc["total_detected"], tier=doc["tier"], transparent=0,
                              reproducible=0, understandable=0, executable=0, license_class="osi-permissive",
                              evaluations_count=1, claims_count=0)
                eid = _insert(c, t["evaluations"], model_pk=mpk, scanned_at=now, stored_at=now, stored_by=stored_by,
                              total=doc["total"], total_detected=doc["total_detected"], tier=doc["tier"],
                              transparent=0, reproducible=0, understandable=0, executable=0,
                              license_class="osi-permissive", truecard_version="0.1.0",
                              fingerprint=cards.fingerprint(text), scorecard=text, points="2" * 15)
                c.execute(t["models"].update().where(t["models"].c.id == mpk).values(latest_evaluation_id=eid))
                if action:
                    _insert(c, t["audit_log"], at=now, actor=actor, action=action, model_pk=mpk, model_ref=mid,
                            detail=json.dumps({"evaluation": eid, "total": doc["total"]}))
        with db.read_engine.connect() as c:
            before = {n: c.execute(sa.select(sa.func.count()).select_from(tab)).scalar_one() for n, tab in t.items()}
        assert migrate.upgrade(db) == ("0002", migrate.HEAD)  # through 0003 (and what follows it)
        md = sa.MetaData()
        t = {n: sa.Table(n, md, autoload_with=db.read_engine) for n in t}
        with db.read_engine.connect() as c:
            after = {n: c.execute(sa.select(sa.func.count()).select_from(tab)).scalar_one() for n, tab in t.items()}
            evs = {r["model_id"]: r for r in c.execute(
                sa.select(t["evaluations"], t["models"].c.model_id)
                .join(t["models"], t["models"].c.id == t["evaluations"].c.model_pk)).mappings()}
            models = {r["model_id"]: r for r in c.execute(sa.select(t["models"])).mappings()}
            renames = c.execute(sa.select(t["audit_log"]).where(t["audit_log"].c.action == "model.rename")).mappings().all()
        assert after == {**before, "audit_log": before["audit_log"] + 1}  # every row kept, one rename noted
        if db.is_sqlite:  # the table was copied to widen `points`: the ranking index keeps its orders
            with db.read_engine.connect() as c:
                sql = c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_models_rank'").scalar_one()
            assert "total DESC, total_detected DESC" in sql
        got = {mid: (e["provenance"], e["pushed_by"], e["ranked"], e["stored_by"]) for mid, e in evs.items()}
        look_alike = next(m for m in got if m.lower().startswith("alice/xss-case"))
        assert got == {
            "alice/xss": ("scanned", None, True, "cli:op"),
            "org/demo": ("demo", None, True, "cli:op"),
            "org/imp": ("imported", None, True, "cli:op"),
            "org/saved": ("scanned", None, True, "cli:op"),
            "bob/new": ("pushed", "bob", False, "bob"),  # the old label became columns
            "bob/old": ("pushed", "bob", False, "bob"),
            "org/raw": ("unknown", None, False, "someone"),
            look_alike: ("pushed", "mallory", False, "mallory"),
        }
        assert look_alike == f"ALICE/XSS-case{models[look_alike]['id']}" and renames[0]["model_ref"] == look_alike
        assert json.loads(renames[0]["detail"])["same_as"] == "alice/xss"
        for mid, m in models.items():  # each model copies its latest evaluation's provenance
            assert (m["provenance"], m["ranked"], m["spec_version"]) == (evs[mid]["provenance"], evs[mid]["ranked"], "1.0")
        store_ = open_store(db_url)  # at head: opens, serves, and takes the demo data and 16 criteria
        try:
            with store_.read() as s:
                assert repo.get_model(s, "ALICE/XSS").model_id == "alice/xss"
                rows, count = repo.list_models(s, repo.LeaderboardQuery())
                assert count == 4 and "bob/new" not in {r.model_id for r in rows}
            load_demo(store_, 20)
            with store_.write() as s:
                m = repo.get_model(s, "alice/xss")
                m.points = "2" * 16  # a 16th criterion's digit fits (VARCHAR(15) refused it on PostgreSQL)
        finally:
            store_.dispose()
    finally:
        db.dispose()


# ---------------------------------------------------------------------------------- re-scan


@pytest.fixture
def fake_hub(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    yield from serve(tmp_path, monkeypatch)


README = card({"license": "apache-2.0", "library_name": "transformers"},
              "# org/model\n\nA small decoder trained on public-domain books.\n")
LICENSE = b"Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n"


def hub_card(hub: FakeHub, repo_id: str) -> dict[str, Any]:
    from truecard.store import rescan

    repo = hub.add_model(repo_id, {"README.md": README, "LICENSE": LICENSE})
    return rescan.default_scan([f"hf:{repo_id}@{repo.sha}"])


def test_rescan_ranks_a_matching_push_and_files_the_servers_scan_for_a_forged_one(
    fake_hub: FakeHub, client: Any, store: Any
) -> None:
    from truecard.store import repo, rescan

    bob = make_token(store, "bob")
    honest = hub_card(fake_hub, "bob/honest")
    forged = hub_card(fake_hub, "bob/forged")
    forged = set_points(forged, {"transparent.datasets": 2, "reproducible.training_code": 2})
    local = card_for("x", "1" * 40)
    local["subject"]["sources"][0].update(kind="local", location="x", id="local:x")
    for doc, mid in ((honest, None), (forged, None), (copy.deepcopy(honest), "bob/renamed"), (local, "bob/local")):
        r = client.post("/api/evaluations", json={"scorecard": doc, "model_id": mid}, headers=bearer(bob))
        assert r.status_code == 201, r.text
    assert listed(client) == []
    out = {o.model_id: o for o in rescan.rescan(store, actor="test-rescan")}
    assert {k: v.result for k, v in out.items()} == {
        "bob/honest": "matched", "bob/forged": "differs", "bob/renamed": "not-rescannable",
        "bob/local": "not-rescannable"}
    assert "not the repository" in out["bob/renamed"].note and "'local'" in out["bob/local"].note
    assert "transparent.datasets" in out["bob/forged"].note
    # matched: ranked, labelled as re-scanned; differs: the server's own scan ranks instead
    assert sorted(listed(client)) == ["bob/forged", "bob/honest"]
    h = client.get("/api/models/bob/honest").json()
    assert h["model"]["provenance"]["label"] == "pushed by bob, re-scanned by the server: same points"
    f = client.get("/api/models/bob/forged").json()
    assert f["model"]["total"] == honest["total"] != forged["total"]  # the same files as bob/honest
    hist = f["history"]
    assert [e["provenance"]["how"] for e in hist] == ["pushed", "scanned"]
    assert "differs" in hist[0]["rescan_note"] and not hist[0]["provenance"]["ranked"]
    assert "Last re-scan" not in client.get("/models/bob/forged").text  # the latest is the server's
    assert "Last re-scan: not-rescannable" in client.get("/models/bob/local").text
    # nothing left to do: a second run re-scans only what is still unverified
    again = {o.model_id: o.result for o in rescan.rescan(store, actor="test-rescan")}
    assert again == {"bob/renamed": "not-rescannable", "bob/local": "not-rescannable"}
    with store.read() as s:
        assert repo.get_model(s, "bob/honest").verified_at is not None


def test_db_rescan_command(fake_hub: FakeHub, tmp_path: Any) -> None:
    """`truecard db rescan` in a child process, reading the loopback Hub as the server would."""
    import os
    import subprocess
    import sys

    from support.webutil import ROOT
    from truecard.store import open_store, repo

    doc = hub_card(fake_hub, "bob/honest")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = open_store(url)
    with db.write() as s:
        repo.save_evaluation(s, doc, actor="bob", provenance="pushed", pushed_by="bob")
    db.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    p = subprocess.run([sys.executable, "-m", "truecard", "db", "rescan", "--db", url], capture_output=True,
                       text=True, env=env, timeout=300, check=False)
    assert p.returncode == 0, p.stderr
    assert "bob/honest evaluation 1: matched" in p.stdout and "1 matched, 0 differs" in p.stderr
    p = subprocess.run([sys.executable, "-m", "truecard", "db", "rescan", "--db", url], capture_output=True,
                       text=True, env=env, timeout=300, check=False)
    assert p.returncode == 0 and p.stdout == "" and "0 matched" in p.stderr

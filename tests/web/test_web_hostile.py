"""A token holder cannot impersonate; hostile requests get 4xx, never 500 (issue 16).
SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from support.webutil import card_for, client, db_url, make_token, save, store

__all__ = ["client", "db_url", "store"]

CLAIM = {"criterion": "reproducible.replication", "evidence_url": "https://example.org/r", "note": "x"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_push_to_another_case_is_the_owners_model(client: Any, store: Any) -> None:
    """Audit item 8: bob's push to `ALICE/XSS` created a bob-owned look-alike of alice's model."""
    save(store, card_for("alice/xss", "1" * 40))
    alice = make_token(store, "alice", owns=("alice/xss",))
    bob = make_token(store, "bob")
    for mid in ("ALICE/XSS", "Alice/Xss"):
        r = client.post("/api/evaluations", json={"scorecard": card_for(mid, "2" * 40)}, headers=bearer(bob))
        assert r.status_code == 403 and "alice" in r.json()["detail"], r.text
        r = client.post("/api/evaluations", json={"scorecard": card_for("x/y", "2" * 40), "model_id": mid},
                        headers=bearer(bob))
        assert r.status_code == 403, r.text
        r = client.post(f"/api/models/{mid}/claims", json=CLAIM, headers=bearer(bob))
        assert r.status_code == 403, r.text
    models = client.get("/api/models", params={"per_page": 200}).json()["items"]
    assert [m["model_id"] for m in models if m["model_id"].lower() == "alice/xss"] == ["alice/xss"]
    # the owner's own push under another spelling lands on the one model
    r = client.post("/api/evaluations", json={"scorecard": card_for("ALICE/xss", "3" * 40)}, headers=bearer(alice))
    assert r.status_code == 201 and r.json()["model_id"] == "alice/xss" and not r.json()["created_model"]


def test_huge_evaluation_ids_are_404_not_500(client: Any, store: Any) -> None:
    save(store, card_for("org/model", "1" * 40))
    for eid in ("1e30", str(2**63), str(2**64 + 1), "9" * 5000):
        r = client.get(f"/api/models/org/model/evaluations/{eid}")
        assert r.status_code in (404, 422), (eid, r.status_code)
        r = client.get("/api/models/org/model/diff", params={"a": eid})
        assert r.status_code in (404, 422), (eid, r.status_code)
        r = client.get("/models/org/model", params={"evaluation": eid})
        assert r.status_code in (200, 404), (eid, r.status_code)


def test_deeply_nested_bodies_are_422(client: Any, store: Any) -> None:
    save(store, card_for("org/model", "1" * 40))
    t = make_token(store, "alice", owns=("org/model",))
    for depth in (40, 5000, 30_000):
        body = ("[" * depth + "]" * depth).encode()
        for url in ("/api/evaluations", "/api/models/org/model/claims"):
            r = client.post(url, content=body, headers={**bearer(t), "Content-Type": "application/json"})
            assert r.status_code == 422, (url, depth, r.status_code)
    deep = {"scorecard": card_for("org/model", "2" * 40)}
    deep["scorecard"]["extra"] = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
    r = client.post("/api/evaluations", json=deep, headers=bearer(t))
    assert r.status_code == 422 and "deeper" in r.json()["detail"]


def test_a_bad_token_is_refused_before_the_body_is_read(client: Any, store: Any) -> None:
    """Audit item 13: the 5 MB body was read before the token was checked."""
    read = []

    def body() -> Any:
        for _ in range(50):
            read.append(1)
            yield b"x" * 100_000

    r = client.post("/api/evaluations", content=body(), headers=bearer("not-a-token"))
    assert r.status_code == 401
    assert len(read) <= 1  # the first chunk at most (the client may have sent it already)


def test_a_local_scan_is_filed_under_its_folder_never_the_cards_name(tmp_path: Any) -> None:
    """Audit item 11: a card saying `model_name: bob/tiny` became bob's latest evaluation."""
    import os
    import subprocess
    import sys

    from support.files import ROOT, write
    from truecard.store import open_store
    from truecard.store import repo as r

    db = f"sqlite:///{tmp_path / 'x.db'}"
    store_ = open_store(db)
    save(store_, card_for("bob/tiny", "1" * 40))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for folder in ("evil", "other"):
        d = tmp_path / folder
        write(d / "README.md", "---\nmodel_name: bob/tiny\nlicense: mit\n---\n# bob/tiny\n\nA model.\n")
        p = subprocess.run([sys.executable, "-m", "truecard", "scan", str(d), "--save", "--db", db, "-f", "json"],
                           capture_output=True, text=True, env=env, timeout=120, check=False)
        assert p.returncode in (0, 1) and f"of {folder} (new model)" in p.stderr, p.stderr
    with store_.read() as s:
        bob = r.get_model(s, "bob/tiny")
        assert bob is not None and bob.evaluations_count == 1
        assert r.get_model(s, "evil") is not None and r.get_model(s, "other") is not None
    store_.dispose()


def test_claim_schema_says_what_the_api_accepts(client: Any) -> None:
    from truecard.spec import load_spec

    CRITERION_IDS = load_spec().criterion_ids

    op = client.get("/openapi.json").json()["paths"]["/api/models/{model_id}/claims"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert schema["criterion"]["enum"] == list(CRITERION_IDS) and "" not in schema["criterion"]["enum"]
    assert schema["evidence_url"]["pattern"] == "^https?://"


def test_evidence_urls_from_a_scorecard_show_their_host() -> None:
    """Audit item 10 (part): evidence labelled `README.md:3` pointed at https://evil.example/phish."""
    from truecard.web.links import evidence_link

    local = {"local:x": {"kind": "local", "location": "x"}}
    link = evidence_link({"source": "local:x", "path": "README.md", "line_start": 3,
                          "url": "https://Evil.example/phish"}, local)
    assert link["href"] == "https://Evil.example/phish" and link["label"] == "README.md:3 (evil.example)"
    hub = {"hf:o/n": {"kind": "hf", "location": "o/n"}}
    link = evidence_link({"source": "hf:o/n", "path": "README.md", "line_start": 3, "url": "https://evil.example/"}, hub)
    assert link["href"].startswith("https://huggingface.co/o/n/blob/") and "evil" not in link["label"]
    link = evidence_link({"url": "javascript:alert(1)", "path": "a"}, {})
    assert link["href"] is None


def test_a_pushed_evaluation_says_who_pushed_it_and_that_it_was_not_rescanned(client: Any, store: Any) -> None:
    t = make_token(store, "bob")
    r = client.post("/api/evaluations", json={"scorecard": card_for("bob/m", "1" * 40)}, headers=bearer(t))
    assert r.status_code == 201
    hist = client.get("/api/models/bob/m/evaluations").json()
    assert hist[0]["stored_by"] == "bob (pushed; not re-scanned by the server)"
    page = client.get("/models/bob/m").text
    assert "stored by bob (pushed; not re-scanned by the server)" in page

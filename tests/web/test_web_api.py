"""The JSON API, badges, pages without JavaScript, sign-in, and the security rules
(401/403/422/413, escaping, link schemes). SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import Any

from support.webutil import card_for, client, db_url, load_demo, make_token, save, store
from truecard.spec import load_spec

CRITERION_IDS = load_spec().criterion_ids

__all__ = ["client", "db_url", "store"]

REV1, REV2 = "1" * 40, "2" * 40
CLAIM = {"criterion": "reproducible.replication", "evidence_url": "https://example.org/replication",
         "note": "Reproduced by Example Lab"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def seed(store: Any) -> dict[str, str]:
    """Two revisions of org/model (owned by alice), one of org/other (owned by bob), and an admin."""
    save(store, card_for("org/model", REV1, {"reproducible.replication": 0, "transparent.datasets": 1},
                         when="2025-01-01T00:00:00+00:00"))
    save(store, card_for("org/model", REV2, {"reproducible.replication": 0}, when="2025-03-01T00:00:00+00:00"))
    save(store, card_for("org/other", REV1, {"executable.finetuning": 0, "reproducible.cost": 0}))
    return {
        "alice": make_token(store, "alice", owns=("org/model",)),
        "bob": make_token(store, "bob", owns=("org/other",)),
        "admin": make_token(store, "root", admin=True),
    }


# ----------------------------------------------------------------------------------- reads


def test_models_list_filters_sort_and_validation(client: Any, store: Any) -> None:
    load_demo(store, 40)
    seed(store)
    r = client.get("/api/models", params={"per_page": 5})
    body = r.json()
    assert r.status_code == 200 and body["total"] == 42 and len(body["items"]) == 5
    item = body["items"][0]
    assert set(item) >= {"model_id", "total", "tier", "dimensions", "license_class", "organisation", "last_scanned_at"}
    assert set(item["dimensions"]) == {"transparent", "reproducible", "understandable", "executable"}
    r = client.get("/api/models", params={"org": "org", "sort": "name", "dir": "asc"})
    assert [i["model_id"] for i in r.json()["items"]] == ["org/model", "org/other"]
    r = client.get("/api/models", params={"q": "OTHER"})
    assert [i["model_id"] for i in r.json()["items"]] == ["org/other"]
    r = client.get("/api/models", params={"min_score": 20, "per_page": 200})
    assert all(i["total"] >= 20 for i in r.json()["items"])
    for bad in ({"sort": "drop table"}, {"per_page": 1000}, {"min_score": 31}, {"tier": "Mithril"},
                {"license": "gpl"}, {"page": 0}):
        assert client.get("/api/models", params=bad).status_code == 422, bad


def test_model_detail_has_every_criterion_with_links_at_the_revision(client: Any, store: Any) -> None:
    seed(store)
    r = client.get("/api/models/org/model")
    assert r.status_code == 200
    body = r.json()
    assert [c["id"] for c in body["criteria"]] == list(CRITERION_IDS)
    assert body["evaluation"]["revision"] == REV2 and body["maintainer"] == "alice"
    assert len(body["history"]) == 2 and body["scorecard"]["subject"]["name"] == "org/model"
    links = [e["link"]["href"] for c in body["criteria"] for e in c["evidence"] if e["link"]["href"]]
    assert links and all(h.startswith(f"https://huggingface.co/org/model/blob/{REV2}/") for h in links)
    lic = next(c for c in body["criteria"] if c["id"] == "transparent.license")
    assert any(f"/blob/{REV2}/LICENSE#L" in e["link"]["href"] for e in lic["evidence"])
    assert client.get("/api/models/org/nope").status_code == 404
    assert client.get("/api/models/org/model/evaluations").json()[0]["revision"] == REV1
    eid = body["history"][0]["evaluation_id"]
    one = client.get(f"/api/models/org/model/evaluations/{eid}").json()
    assert one["scorecard"]["subject"]["sources"][0]["revision"] == REV1
    d = client.get("/api/models/org/model/diff").json()
    assert [m["id"] for m in d["moved"]] == ["transparent.datasets"]
    assert d["revision"] == {"before": REV1, "after": REV2}
    cmp = client.get("/api/compare", params=[("m", "org/model"), ("m", "org/other")]).json()
    assert [m["model_id"] for m in cmp["models"]] == ["org/model", "org/other"]
    assert len(cmp["criteria"]) == 15 and len(cmp["criteria"][0]["cells"]) == 2
    assert client.get("/api/compare", params=[("m", "org/model")]).status_code == 422
    assert client.get("/api/compare", params=[("m", "org/model"), ("m", "x/y")]).status_code == 404


def test_openapi_documents_everything(client: Any) -> None:
    doc = client.get("/openapi.json").json()
    paths = set(doc["paths"])
    for p in ("/api/models", "/api/models/{model_id}", "/api/models/{model_id}/claims", "/api/evaluations",
              "/api/models/{model_id}/evaluations", "/api/models/{model_id}/diff", "/api/compare",
              "/api/models/{model_id}/audit", "/badge/{model_id}.svg", "/badge/{model_id}.json"):
        assert p in paths, p
    post = doc["paths"]["/api/models/{model_id}/claims"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"criterion", "evidence_url", "note"}
    assert {"401", "403", "422"} <= set(post["responses"])
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_badges(client: Any, store: Any) -> None:
    seed(store)
    r = client.get("/badge/org/model.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    with store.read() as s:
        from truecard.store import repo

        m = repo.get_model(s, "org/model")
        total, tier = m.total, m.tier
    assert f"{total}/30 {tier}" in r.text and ">TRUE<" in r.text
    from truecard.web.svg import TIER_COLOURS

    assert TIER_COLOURS[tier] in r.text
    j = client.get("/badge/org/model.json").json()
    assert j == {"schemaVersion": 1, "label": "TRUE", "message": f"{total}/30 {tier}",
                 "color": TIER_COLOURS[tier].lstrip("#"), "cacheSeconds": 3600}
    r = client.get("/badge/no/such.svg")
    assert r.status_code == 404 and "not rated" in r.text


# ---------------------------------------------------------------------------------- writes


def test_claims_need_the_maintainers_token(client: Any, store: Any) -> None:
    t = seed(store)
    url = "/api/models/org/model/claims"
    r = client.post(url, json=CLAIM)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert client.post(url, json=CLAIM, headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.post(url, json=CLAIM, headers=bearer("tc_wrong")).status_code == 401
    assert client.post(url, content=b"{not json", headers=bearer("tc_wrong")).status_code == 401
    assert client.post(url, json=CLAIM, headers=bearer(t["bob"])).status_code == 403  # bob maintains org/other
    assert client.post("/api/models/org/nope/claims", json=CLAIM, headers=bearer(t["alice"])).status_code == 404
    for bad in ({**CLAIM, "evidence_url": "javascript:alert(1)"}, {**CLAIM, "evidence_url": "file:///etc/passwd"},
                {**CLAIM, "criterion": "transparent.vibes"}, {**CLAIM, "note": "x" * 2001},
                {"criterion": "reproducible.cost"}, ["not", "an", "object"]):
        r = client.post(url, json=bad, headers=bearer(t["alice"]))
        assert r.status_code == 422, (bad, r.text)
    assert client.post(url, content=b"{", headers=bearer(t["alice"])).status_code == 422
    big = {**CLAIM, "note": "x" * 70_000}
    assert client.post(url, json=big, headers=bearer(t["alice"])).status_code == 413
    r = client.post(url, json=CLAIM, headers=bearer(t["alice"]))
    assert r.status_code == 201, r.text
    claim = r.json()
    assert claim["origin"] == "claimed" and claim["author"] == "alice"
    assert client.post("/api/models/org/other/claims", json=CLAIM, headers=bearer(t["admin"])).status_code == 201
    detail = client.get("/api/models/org/model").json()
    crit = next(c for c in detail["criteria"] if c["id"] == "reproducible.replication")
    assert crit["points"] == 0 and crit["basis"] == "detected"  # the claim is shown, never counted
    assert crit["claims"][0]["evidence_url"] == CLAIM["evidence_url"]
    audit = client.get("/api/models/org/model/audit").json()
    assert audit[0]["action"] == "claim.add" and audit[0]["actor"] == "alice"
    assert audit[0]["detail"]["note"] == CLAIM["note"] and audit[0]["at"]


def test_push_evaluations(client: Any, store: Any) -> None:
    t = seed(store)
    new = card_for("carol/new-model", "3" * 40)
    r = client.post("/api/evaluations", json={"scorecard": new})
    assert r.status_code == 401
    r = client.post("/api/evaluations", json={"scorecard": new}, headers=bearer(t["bob"]))
    assert r.status_code == 201 and r.json()["model_id"] == "carol/new-model" and r.json()["created_model"]
    r = client.post("/api/evaluations", json={"scorecard": new}, headers=bearer(t["bob"]))
    assert r.status_code == 200 and r.json()["duplicate"]
    newer = card_for("carol/new-model", "4" * 40, {"transparent.license": 0}, when="2025-07-01T00:00:00+00:00")
    assert client.post("/api/evaluations", json=newer, headers=bearer(t["bob"])).status_code == 201  # bare scorecard
    hist = client.get("/api/models/carol/new-model/evaluations").json()
    assert [h["revision"] for h in hist] == ["3" * 40, "4" * 40]
    # another owner's model, an unowned one, a tampered scorecard, a bad id
    r = client.post("/api/evaluations", json={"scorecard": card_for("org/model", "9" * 40)}, headers=bearer(t["bob"]))
    assert r.status_code == 403 and "alice" in r.json()["detail"]
    tampered = card_for("x/y")
    tampered["total"] = 30
    r = client.post("/api/evaluations", json={"scorecard": tampered}, headers=bearer(t["bob"]))
    assert r.status_code == 422 and "disagrees" in r.json()["detail"]
    r = client.post("/api/evaluations", json={"model_id": "../../etc", "scorecard": new}, headers=bearer(t["bob"]))
    assert r.status_code == 422
    r = client.post("/api/evaluations", json={"scorecard": "nope"}, headers=bearer(t["bob"]))
    assert r.status_code == 422
    huge = b'{"scorecard": "' + b"x" * 6_100_000 + b'"}'
    assert client.post("/api/evaluations", content=huge, headers=bearer(t["bob"])).status_code == 413


# -------------------------------------------------------------------------- pages, security


def test_pages_render_without_javascript(client: Any, store: Any) -> None:
    load_demo(store, 20)
    seed(store)
    r = client.get("/")
    assert r.status_code == 200 and "org/model" in r.text and 'href="/models/org/model"' in r.text
    for h, v in (("content-security-policy", "script-src 'self'"), ("x-content-type-options", "nosniff"),
                 ("x-frame-options", "DENY")):
        assert v in r.headers[h]
    assert "<script>" not in r.text and 'src="http' not in r.text and 'href="https://cdn' not in r.text
    r = client.get("/", params={"tier": "Gold", "sort": "name", "dir": "asc"})
    rows = re.findall(r'<tr data-model="([^"]+)"', r.text)
    assert rows == sorted(rows) and all("Gold" in r.text for _ in rows)
    r = client.get("/", params={"tier": "Mithril", "min_score": "abc", "sort": "x"})
    assert r.status_code == 200 and "Ignored" in r.text
    r = client.get("/", params={"page": 2, "per_page": 10})
    assert "11–20 of 22" in r.text
    r = client.get("/", params={"partial": 1})
    assert r.status_code == 200 and "<html" not in r.text and 'id="leaderboard"' in r.text
    page = client.get("/models/org/model").text
    assert 'id="dimension-chart"' in page and page.count('class="bar"') == 4
    assert 'id="history-chart"' in page and page.count('class="point"') == 2
    assert f'href="https://huggingface.co/org/model/blob/{REV2}/LICENSE#L' in page
    assert "What changed" in page and "Dataset disclosure" in page
    assert client.get("/models/org/model", params={"evaluation": 999999}).status_code == 404
    old = client.get("/models/org/model", params={"evaluation": 1})
    assert old.status_code in (200, 404)
    assert client.get("/models/org/model/diff").status_code == 200
    assert client.get("/models/org/other/diff").status_code == 404  # one evaluation only
    cmp = client.get("/compare", params=[("m", "org/model"), ("m", "org/other")])
    assert cmp.status_code == 200 and cmp.text.count('class="crit-row"') == 15 and 'id="compare-chart"' in cmp.text
    assert client.get("/compare", params=[("m", "a")] * 5).status_code == 200  # duplicates collapse
    assert client.get("/compare", params=[("m", f"m{i}") for i in range(5)]).status_code == 422
    assert client.get("/models/nope/nope").status_code == 404
    for path in ("/audit", "/api", "/signin", "/compare", "/static/style.css", "/static/app.js"):
        assert client.get(path).status_code == 200, path


def test_stored_xss_is_escaped_and_only_http_links_are_emitted(client: Any, store: Any) -> None:
    t = seed(store)
    evil = card_for("org/model", "5" * 40, when="2025-09-01T00:00:00+00:00")
    crit = evil["dimensions"][0]["criteria"][0]
    crit["rationale"] = "<script>alert('rationale')</script>"
    crit["evidence"][0]["excerpt"] = "<img src=x onerror=alert(1)>"
    crit["evidence"][0]["url"] = "javascript:alert(document.cookie)"
    crit["evidence"][0]["path"] = None
    evil["subject"]["name"] = '"><svg onload=alert(1)>'
    evil["warnings"] = ["<b>bold</b>"]
    r = client.post("/api/evaluations", json={"scorecard": evil, "model_id": "org/model"}, headers=bearer(t["alice"]))
    assert r.status_code == 201, r.text
    note = '</textarea><script>alert("note")</script>'
    r = client.post("/api/models/org/model/claims", json={**CLAIM, "note": note}, headers=bearer(t["alice"]))
    assert r.status_code == 201
    for path in ("/models/org/model", "/audit", "/", "/compare?m=org/model&m=org/other", "/models/org/model/diff"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html, path
        assert "href=\"javascript:" not in html and "<b>bold</b>" not in html, path
    page = client.get("/models/org/model").text
    # reasons are rendered as Markdown with raw HTML escaped (markdown-it leaves ' as is)
    assert "&lt;script&gt;alert('rationale')&lt;/script&gt;" in page
    assert "&lt;/textarea&gt;&lt;script&gt;" in page


def test_signin_session_and_claim_form(client: Any, store: Any) -> None:
    t = seed(store)
    # signed out: the form is refused, and so is a forged post
    r = client.get("/models/org/model/claim")
    assert r.status_code == 401 and "Sign in" in r.text
    r = client.post("/models/org/model/claim", data={"criterion": "reproducible.replication",
                                                      "evidence_url": "https://x.org", "csrf": "x"})
    assert r.status_code == 401
    r = client.post("/signin", data={"token": "tc_nope"})
    assert r.status_code == 401 and "not valid" in r.text
    r = client.post("/signin", data={"token": t["bob"], "next": "//evil.example"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert client.get("/models/org/model/claim").status_code == 403  # bob does not maintain org/model
    client.cookies.clear()
    r = client.post("/signin", data={"token": t["alice"], "next": "/models/org/model"}, follow_redirects=False)
    assert r.headers["location"] == "/models/org/model"
    page = client.get("/models/org/model").text
    assert "Signed in as" in page and 'id="submit-claim"' in page
    form = client.get("/models/org/model/claim").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    data = {"criterion": "reproducible.replication", "evidence_url": "https://example.org/r", "note": "seen", "csrf": csrf}
    assert client.post("/models/org/model/claim", data={**data, "csrf": "forged"}).status_code == 403
    r = client.post("/models/org/model/claim", data={**data, "evidence_url": "javascript:x"})
    assert r.status_code == 422 and "http" in r.text
    r = client.post("/models/org/model/claim", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/models/org/model#claims"
    page = client.get("/models/org/model").text
    assert 'href="https://example.org/r"' in page and "claimed</span> by <strong>alice</strong>" in page
    audit = json.loads(client.get("/api/models/org/model/audit").text)
    assert audit[0]["actor"] == "alice" and audit[0]["action"] == "claim.add"
    # sign out: the session is gone server-side
    r = client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/models/org/model/claim").status_code == 401


def test_leaderboard_cache_never_serves_a_stale_page(client: Any, store: Any) -> None:
    seed(store)
    first = client.get("/").text
    assert client.get("/").text == first  # served from the page cache
    save(store, card_for("zz/new-top", changes=dict.fromkeys(CRITERION_IDS, 2)))  # a write elsewhere
    rows = re.findall(r'<tr data-model="([^"]+)"', client.get("/").text)
    assert rows[0] == "zz/new-top"
    t = make_token(store, "zed", owns=("zz/new-top",))
    client.post("/api/models/zz/new-top/claims", json=CLAIM, headers=bearer(t))
    assert 'title="1 claim(s) by its maintainer"' in client.get("/").text

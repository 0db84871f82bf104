"""The dashboard's public face without a browser: framework columns and filters, the openness
verdict everywhere a model is shown, the criteria matrix, downloads, the rubric, search and its
messages, the model page's downloads and badge code, and a crawl of every link two levels deep.
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest

from support.webutil import card_for, client, db_url, demo_lines, load_demo, save, store
from truecard.spec import load_spec

CRITERION_IDS = load_spec().criterion_ids

__all__ = ["client", "db_url", "store"]

def load_full_demo(store: Any, n: int = 60) -> None:
    """The first `n` corpus evaluations plus every card + code and verified one."""
    from truecard.store import transfer

    lines = demo_lines()
    picked = list(lines[:n]) + list(lines[400:])
    recs = ((i, json.loads(line), None) for i, line in enumerate(picked, 1))
    assert transfer.import_records(store, recs, actor="test").ok


def restricted(model_id: str, *, revision: str = "9" * 40, when: str = "2025-07-01T00:00:00+00:00") -> dict[str, Any]:
    """A Gold scorecard whose weights' licence entry is use-restricted (the openwashing case)."""
    doc = card_for(model_id, revision, when=when)
    for e in doc["licenses"]:
        if e.get("artifact") == "weights":
            e.update({"license_id": "llama2", "name": "Llama 2 Community License", "class": "restricted",
                      "osi_approved": False})
    return doc


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    p = Links()
    p.feed(html)
    return p.hrefs


def count_text(html: str) -> str:
    m = re.search(r'id="count"[^>]*>(.*?)</p>', html, re.S)
    assert m, "no count line"
    return re.sub(r"<[^>]+>", "", m.group(1)).strip()


# --------------------------------------------------------------------------- frameworks


def test_framework_views_are_stored_and_shown(client: Any, store: Any) -> None:
    load_full_demo(store, 5)
    body = client.get("/api/models/truecard/tiny-open-model").json()
    model = body["model"]
    stored = body["scorecard"]["frameworks"]
    assert model["frameworks"]["mof"]["class"] == stored["mof"]["class"]
    assert model["frameworks"]["osaid"]["ready"] is stored["osaid"]["ready"]
    assert model["frameworks"]["osai"]["score_percent"] == pytest.approx(stored["osai"]["score_percent"], abs=0.05)
    assert model["scope"] == "verified" and model["openness"]["verdict"] == "open"
    assert [model["criteria"][c] for c in CRITERION_IDS] == [
        c["points"] for d in body["scorecard"]["dimensions"] for c in d["criteria"]]
    page = client.get("/models/truecard/tiny-open-model").text
    assert 'id="mof"' in page and 'id="osaid"' in page and 'id="osai"' in page
    assert stored["mof"]["label"] in page
    board = client.get("/").text
    row = re.search(r'<tr data-model="truecard/tiny-open-model">.*?</tr>', board, re.S).group(0)
    label = {1: "Class I", 2: "Class II", 3: "Class III", 0: "Unclassified"}[stored["mof"]["class"]]
    assert f">{label}</span>" in row and "verified" in row


def test_leaderboard_filters_and_sorts_on_frameworks(client: Any, store: Any) -> None:
    load_full_demo(store, 60)
    api = client.get("/api/models", params={"per_page": 200}).json()["items"]

    def ids(**params: Any) -> list[str]:
        return [i["model_id"] for i in client.get("/api/models", params={"per_page": 200, **params}).json()["items"]]

    for cls in ("1", "2", "3", "0"):
        want = {i["model_id"] for i in api if i["frameworks"]["mof"] and str(i["frameworks"]["mof"]["class"]) == cls}
        assert set(ids(mof=cls)) == want
    assert set(ids(osaid="yes")) == {i["model_id"] for i in api if (i["frameworks"]["osaid"] or {}).get("ready")}
    assert set(ids(open="no")) == {i["model_id"] for i in api if i["openness"]["verdict"] != "open"}
    assert set(ids(open="yes")) | set(ids(open="no")) == {i["model_id"] for i in api}
    assert set(ids(scope="card+code")) == {i["model_id"] for i in api if i["scope"] == "card+code"}
    assert len(ids(scope="card+code")) == 19 and ids(scope="verified") == ["truecard/tiny-open-model"]
    assert set(ids(modality="audio")) == {i["model_id"] for i in api if i["modality"] == "audio"}
    assert set(ids(finetuned="yes")) == {i["model_id"] for i in api if i["finetuned"]}
    osai = [i["frameworks"]["osai"]["score_percent"] for i in
            client.get("/api/models", params={"sort": "osai", "per_page": 200}).json()["items"]]
    assert osai == sorted(osai, reverse=True)
    mof = [i["frameworks"]["mof"]["class"] for i in
           client.get("/api/models", params={"sort": "mof", "per_page": 200}).json()["items"]]
    rank = [{1: 3, 2: 2, 3: 1, 0: 0}[c] for c in mof]
    assert rank == sorted(rank, reverse=True)
    crit = "reproducible.checkpoints"
    pts = [i["criteria"][crit] for i in
           client.get("/api/models", params={"sort": crit, "dir": "asc", "per_page": 200}).json()["items"]]
    assert pts == sorted(pts) and len(set(pts)) > 1
    assert client.get("/api/models", params={"mof": "4"}).status_code == 422
    assert client.get("/api/models", params={"sort": "nope"}).status_code == 422
    # the page says what it ignored
    assert "Ignored: unknown MOF class" in client.get("/?mof=9").text


# ------------------------------------------------------------------------------ verdict


def test_openwashing_verdict_on_every_view(client: Any, store: Any) -> None:
    save(store, restricted("org/uncensored"))
    save(store, card_for("org/open", "8" * 40))
    page = client.get("/models/org/uncensored").text
    banner = re.search(r'<p class="verdict-banner v-not-open" id="verdict"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "Gold — but the weights' licence restricts use: not open source" in htmllib.unescape(re.sub(r"<[^>]+>", "", banner))
    assert 'class="verdict-banner v-open"' in client.get("/models/org/open").text
    board = client.get("/").text
    row = re.search(r'<tr data-model="org/uncensored">.*?</tr>', board, re.S).group(0)
    assert "not open source" in row and "tier-Gold" in row
    assert "not open source" not in re.search(r'<tr data-model="org/open">.*?</tr>', board, re.S).group(0)
    assert "not open source" in client.get("/matrix").text
    assert "not open source" in client.get("/compare?m=org/uncensored&m=org/open").text
    api = client.get("/api/models/org/uncensored").json()["model"]["openness"]
    assert api["verdict"] == "not-open" and "restricts use" in api["text"]
    svg = client.get("/badge/org/uncensored.svg").text
    assert "not open source" in svg and "Gold" in svg
    assert "not open source" not in client.get("/badge/org/open.svg").text
    shield = client.get("/badge/org/uncensored.json").json()
    assert "not open source" in shield["message"] and shield["color"] != client.get("/badge/org/open.json").json()["color"]
    # hide them, or show only them
    assert "org/uncensored" not in client.get("/?open=yes").text
    assert "org/open\"" not in client.get("/?open=no").text


# ------------------------------------------------------------------- matrix, downloads, rubric


def test_matrix_sorts_by_any_criterion_with_text_in_every_cell(client: Any, store: Any) -> None:
    load_full_demo(store, 30)
    html = client.get("/matrix", params={"sort": "transparent.license", "dir": "desc", "per_page": 200}).text
    rows = re.findall(r'<tr data-model="([^"]+)">(.*?)</tr>', html, re.S)
    assert len(rows) == client.get("/api/models").json()["total"] > 30
    first_cells = []
    for _mid, row in rows:
        cells = re.findall(r'<td class="cell p(\d)"[^>]*>(\d)<span class="sr"> (met|partly|unmet)</span>', row)
        assert len(cells) == 15, row[:300]
        assert all(a == b for a, b, _w in cells)  # the colour class and the text agree
        first_cells.append(int(cells[0][1]))
    assert first_cells == sorted(first_cells, reverse=True)
    for cid in CRITERION_IDS:
        assert f'href="/rubric#{cid}"' in html and f"sort={cid}" in html
    assert 'aria-sort="descending"' in html


def test_downloads_hold_every_filtered_model_with_all_columns(client: Any, store: Any) -> None:
    load_full_demo(store, 60)
    save(store, restricted("org/uncensored"))
    r = client.get("/models.csv", params={"open": "no", "sort": "name", "dir": "asc"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    want = [i["model_id"] for i in client.get("/api/models", params={"open": "no", "sort": "name", "dir": "asc",
                                                                     "per_page": 200}).json()["items"]]
    assert [x["model_id"] for x in rows] == want and "org/uncensored" in want
    assert set(CRITERION_IDS) <= set(rows[0]) and {"mof_class", "osaid_ready", "osai_score", "scope"} <= set(rows[0])
    assert all(x["openness"] != "open" for x in rows)
    j = client.get("/models.json", params={"scope": "card+code"}).json()
    assert j["count"] == 20 == len(j["items"]) and all(i["scope"] == "card+code" for i in j["items"])  # 19 + ours
    # more than one page of the leaderboard: the download is not paged
    total = client.get("/api/models").json()["total"]
    assert total > 50 and client.get("/models.json").json()["count"] == total
    board = client.get("/", params={"open": "no", "tier": "Gold"}).text
    assert 'href="/models.csv?tier=Gold&amp;open=no"' in board


def test_formula_cells_are_neutralised_in_csv(client: Any, store: Any) -> None:
    doc = card_for("org/formula")
    doc["subject"]["name"] = "=HYPERLINK(\"http://evil\")"
    save(store, doc)
    rows = list(csv.DictReader(io.StringIO(client.get("/models.csv").text)))
    assert rows[0]["name"].startswith("'=")


def test_rubric_page_has_every_criterion(client: Any, store: Any) -> None:
    from truecard.criteria import registry

    html = client.get("/rubric").text
    for cid, mod in registry().items():
        assert f'id="{cid}"' in html
        assert mod.RUBRIC.full.split("`")[0][:30].replace("'", "&#39;") in html.replace("&#x27;", "&#39;")
    assert "`" not in re.sub(r"<code[^>]*>.*?</code>", "", html.split("<main", 1)[1], flags=re.S).split("</main>")[0]


# ------------------------------------------------------------------------- search, paging


def test_search_words_in_any_order_and_honest_messages(client: Any, store: Any) -> None:
    load_demo(store, 400)
    hits = [i["model_id"] for i in client.get("/api/models", params={"q": "Mistral 7B", "per_page": 200}).json()["items"]]
    assert hits and all("mistral" in h.lower() and "7b" in h.lower() for h in hits)
    assert set(hits) == {i["model_id"] for i in client.get("/api/models", params={"q": "7b MISTRAL", "per_page": 200})
                         .json()["items"]}
    # the organisation and the name are searched too
    by_org = client.get("/api/models", params={"q": "thebloke gguf mistral", "per_page": 200}).json()["items"]
    assert {i["model_id"] for i in by_org} == {"TheBloke/CapybaraHermes-2.5-Mistral-7B-GGUF",
                                               "TheBloke/Mistral-7B-Instruct-v0.2-GGUF", "TheBloke/dolphin-2.2.1-mistral-7B-GGUF"}
    text = count_text(client.get("/", params={"q": "zzz-nothing"}).text)
    assert "No model matches search" in text and "zzz-nothing" in text and "400 stored models" in text
    assert "store is empty" not in text
    text = count_text(client.get("/", params={"tier": "Platinum", "open": "no"}).text)
    assert "No model matches" in text and "tier" in text and "Platinum" in text and "store is empty" not in text
    text = count_text(client.get("/matrix", params={"q": "zzz-nothing"}).text)
    assert "No model matches search" in text
    past = client.get("/", params={"page": 99}).text
    assert "There is no page 99: this is the last page, 8." in count_text(past)
    assert "351–400 of 400 models" in count_text(past) and len(re.findall(r"<tr data-model=", past)) == 50
    assert client.get("/api/models", params={"page": 99}).json()["items"] == []


def test_empty_store_says_so(client: Any) -> None:
    text = count_text(client.get("/").text)
    assert "The store is empty" in text


# --------------------------------------------------------------------------- model page


def test_model_page_downloads_badge_code_history_and_markdown(client: Any, store: Any) -> None:
    from truecard.models import Scorecard

    one = card_for("org/single", "1" * 40)
    one["dimensions"][0]["criteria"][0]["rationale"] = "run `truecard verify` <b>now</b>"
    save(store, one)
    page = client.get("/models/org/single").text
    assert "<code>truecard verify</code>" in page and "&lt;b&gt;now&lt;/b&gt;" in page
    assert 'type="radio"' not in page and "Show what changed" not in page  # one evaluation: nothing to compare
    assert "[![TRUE](http://testserver/badge/org/single.svg)](http://testserver/models/org/single)" in page
    assert "HOST" not in page
    for fmt, media in (("json", "application/json"), ("markdown", "text/markdown"), ("sarif", "application/sarif+json"),
                       ("html", "text/html")):
        assert f"/models/org/single/download?format={fmt}" in page
        r = client.get("/models/org/single/download", params={"format": fmt})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), fmt
        assert "attachment" in r.headers["content-disposition"]
    assert Scorecard.model_validate_json(client.get("/models/org/single/download").text).total == one["total"]
    sarif = client.get("/models/org/single/download", params={"format": "sarif"}).json()
    assert sarif["version"] == "2.1.0"
    assert client.get("/models/org/single/download", params={"format": "exe"}).status_code == 422
    save(store, card_for("org/single", "2" * 40, {"transparent.datasets": 0}, when="2025-09-01T00:00:00+00:00"))
    page = client.get("/models/org/single").text
    assert page.count('type="radio"') == 4 and "Show what changed" in page


def test_badge_code_uses_the_configured_public_url(store: Any) -> None:
    from fastapi.testclient import TestClient

    from truecard.web import create_app

    save(store, card_for("org/m"))
    with TestClient(create_app(store, public_url="https://true.example.org/")) as c:
        page = c.get("/models/org/m").text
        assert "(https://true.example.org/badge/org/m.svg)](https://true.example.org/models/org/m)" in page
        assert "https://true.example.org/api/models" in c.get("/api").text


# --------------------------------------------------------------------------------- crawl


def test_every_link_two_levels_deep_answers_200(client: Any, store: Any) -> None:
    """Every link on the leaderboard, and every link on the pages it links to (the site's own;
    external evidence links are not fetched), answers 200."""
    load_full_demo(store, 20)
    save(store, card_for("org/model", "1" * 40, when="2025-01-01T00:00:00+00:00"))
    save(store, card_for("org/model", "2" * 40, {"transparent.datasets": 1}, when="2025-02-01T00:00:00+00:00"))
    seen: dict[str, int] = {}

    def internal(href: str) -> str | None:
        url, _frag = urldefrag(href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url:
            return None
        return url

    def fetch(url: str) -> str:
        r = client.get(url)
        seen[url] = r.status_code
        ctype = r.headers.get("content-type", "")
        return r.text if ctype.startswith("text/html") else ""

    pages: dict[str, str] = {}
    first = [u for u in (internal(h) for h in links(fetch("/"))) if u]
    for url in dict.fromkeys(first):  # level one: every link on the leaderboard, each followed
        html = pages[url] = fetch(url) if url not in pages else pages[url]
        for deeper in (internal(h) for h in links(html)):  # level two: fetched once each
            if deeper and deeper not in seen:
                pages[deeper] = fetch(deeper)
    bad = {u: s for u, s in seen.items() if s != 200}
    assert not bad, bad
    assert len(seen) > 60  # the crawl really went two levels deep
    for want in ("/download?format=sarif", "/rubric", "/matrix", "/diff", "?evaluation=", "/models.csv"):
        assert any(want in u for u in seen), want

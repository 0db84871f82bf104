"""The pages and the API show one set of response models (`truecard.web.schemas`): for the same
model, every field a page shows (leaderboard and matrix rows, the model page's summary, the
compare table, the downloads) is the value the API returns. A page that computed a field again
from the columns, or an API shape that drifted from the page's, fails here. Real demo data
(with a pushed, a claimed and a framework-less model), SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from support.webutil import card_for, client, db_url, demo_lines, make_token, save, store
from truecard.spec import load_spec

__all__ = ["client", "db_url", "store"]


class Cells(HTMLParser):
    """Each table row with `data-model`: its cells' text by `data-label`, and the classes and
    titles of the elements inside each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}
        self._row: dict[str, dict[str, Any]] | None = None
        self._cell: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-model"):
            self._row = self.rows.setdefault(str(a["data-model"]), {})
        elif tag == "td" and self._row is not None:
            self._cell = self._row.setdefault(str(a.get("data-label")), {"text": "", "classes": [], "titles": []})
            self._cell["titles"].append(a.get("title") or "")
        elif self._cell is not None:
            self._cell["classes"].append(a.get("class") or "")
            self._cell["titles"].append(a.get("title") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data


def table_rows(html: str) -> dict[str, dict[str, dict[str, Any]]]:
    p = Cells()
    p.feed(html)
    return p.rows


def text(cell: dict[str, Any]) -> str:
    return " ".join(cell["text"].split())


@pytest.fixture
def demo(store: Any) -> dict[str, Any]:
    """Demo evaluations (every framework column, scope and licence class among them), a pushed
    one (not ranked: shown with ?pushed=show, labelled), one with maintainer claims and one
    stored without framework views."""
    from truecard.store import repo, transfer

    lines = list(demo_lines()[:40]) + list(demo_lines()[400:])
    recs = ((i, json.loads(line), None) for i, line in enumerate(lines, 1))
    assert transfer.import_records(store, recs, actor="test").ok
    save(store, card_for("plain/no-frameworks"))
    token = make_token(store, "bob")
    with store.write() as s:
        bob = repo.user_for_token(s, token)
        repo.save_evaluation(s, card_for("bob/pushed"), actor="bob", user=bob, enforce_owner=True,
                             provenance="pushed", pushed_by="bob")
        m = repo.get_model(s, "bob/pushed")
        repo.add_claim(s, m, bob, criterion="reproducible.replication", evidence_url="https://example.org/r")
    return {"token": token}


def api_items(client: Any, **params: Any) -> dict[str, dict[str, Any]]:
    body = client.get("/api/models", params={"per_page": 200, "pushed": "show", **params}).json()
    return {i["model_id"]: i for i in body["items"]}


@pytest.mark.parametrize("sort", ["total", "mof", "osai"])
def test_leaderboard_rows_show_the_api_items_fields(client: Any, demo: Any, sort: str) -> None:
    items = api_items(client, sort=sort)
    rows = table_rows(client.get("/", params={"per_page": 200, "pushed": "show", "sort": sort}).text)
    assert list(rows) == list(items) and len(rows) > 40  # the same models, in the same order
    spec = load_spec()
    seen = {"mof": set(), "osaid": set(), "osai": set(), "verdict": set(), "ranked": set()}
    for mid, row in rows.items():
        it = items[mid]
        total = text(row["Total"])
        assert total.startswith(f"{it['total']}/{it['max']}"), mid
        assert ("det." in total) == (it["total"] != it["total_detected"]), mid
        tier = row["Tier"]
        assert text(tier) == f"{it['tier']} {it['openness']['label']}", mid
        assert f"verdict v-{it['openness']['verdict']}" in tier["classes"] and it["openness"]["text"] in tier["titles"]
        for d in spec.dimensions:
            assert text(row[d.name]) == f"{it['dimensions'][d.id]}/{d.max}", (mid, d.id)
        fw = it["frameworks"]
        mof = text(row["MOF"])
        assert mof == (fw["mof"]["label"] if fw["mof"] else "n/a"), mid
        if fw["mof"]:
            assert f"Model Openness Framework: {fw['mof']['name']}" in row["MOF"]["titles"]
            assert f"mof-class mof-{fw['mof']['class']}" in row["MOF"]["classes"]
        assert text(row["OSAID"]) == ("n/a" if fw["osaid"] is None else "ready" if fw["osaid"]["ready"] else "not ready")
        assert text(row["OSAI"]) == ("n/a" if fw["osai"] is None else f"{fw['osai']['score_percent']:.0f}%"), mid
        assert text(row["Weights licence"]) == it["license_class"]
        assert text(row["Last scanned"]) == (it["last_scanned_at"] or "")[:10]
        model = text(row["Model"])
        assert model.startswith(mid) and ("claims" in model.split()) == (it["claims"] > 0), mid
        assert (it["provenance"]["label"] in model) == (not it["provenance"]["ranked"]), mid
        seen["mof"].add(fw["mof"]["class"] if fw["mof"] else None)
        seen["osaid"].add(fw["osaid"]["ready"] if fw["osaid"] else None)
        seen["osai"].add(fw["osai"] is None)
        seen["verdict"].add(it["openness"]["verdict"])
        seen["ranked"].add(it["provenance"]["ranked"])
    # the data exercises every branch compared above
    assert None in seen["mof"] and len(seen["mof"]) >= 3 and seen["osaid"] == {None, True, False}
    assert seen["osai"] == {True, False} and len(seen["verdict"]) >= 2 and seen["ranked"] == {True, False}


def test_matrix_cells_are_the_api_items_criteria(client: Any, demo: Any) -> None:
    items = api_items(client, sort="transparent.license")
    rows = table_rows(client.get("/matrix", params={"per_page": 200, "pushed": "show",
                                                    "sort": "transparent.license"}).text)
    assert list(rows) == list(items)
    spec = load_spec()
    for mid, row in rows.items():
        it = items[mid]
        assert text(row["Total"]).startswith(f"{it['total']}/{it['max']} {it['tier']}")
        for c in spec.criteria:
            p = it["criteria"][c.id]
            assert text(row[c.name]) == ("–" if p is None else f"{p} {['unmet', 'partly', 'met'][p]}"), (mid, c.id)


def test_model_page_summary_is_the_api_evaluation(client: Any, demo: Any) -> None:
    for mid in ("bob/pushed", "plain/no-frameworks", *list(api_items(client, sort="mof"))[:6]):
        api = client.get(f"/api/models/{mid}").json()
        ev, model = api["evaluation"], api["model"]
        page = client.get(f"/models/{mid}").text

        def by_id(element_id: str, page: str = page, mid: str = mid) -> str:
            m = re.search(rf'<(dd|span|p)[^>]* id="{re.escape(element_id)}"[^>]*>(.*?)</\1>', page, re.S)
            assert m, (mid, element_id)
            return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.group(2))).split())

        assert by_id("total") == str(ev["total"]) and f'<span class="of">/{model["max"]}</span>' in page
        assert f'<div class="tier-name">{ev["tier"]}</div>' in page
        fw = ev["frameworks"]
        assert by_id("mof-class") == (f"{fw['mof']['label']} {fw['mof']['name']}" if fw["mof"]
                                      else "not computed for this evaluation")
        assert by_id("osaid-verdict") == ("not computed" if fw["osaid"] is None
                                          else "ready" if fw["osaid"]["ready"] else "not ready")
        assert by_id("osai-score") == ("not computed" if fw["osai"] is None else f"{fw['osai']['score_percent']:.0f}%")
        assert by_id("provenance-label") == ev["provenance"]["label"]
        verdict = by_id("verdict")
        assert ev["tier"] in verdict and ev["license_class"] in verdict
        assert ev["openness"]["text"] in verdict or ev["openness"]["verdict"] == "open"
        assert f'class="verdict-banner v-{ev["openness"]["verdict"]}"' in page
        claims = client.get(f"/api/models/{mid}/claims").json()
        for cl in claims:  # each claim, as the API lists it, on the page
            assert cl["evidence_url"] in page and cl["author"] in page


def test_compare_page_is_the_api_comparison(client: Any, demo: Any) -> None:
    ids = ["bob/pushed", "plain/no-frameworks", next(iter(api_items(client, sort="mof")))]
    api = client.get("/api/compare", params=[("m", i) for i in ids]).json()
    page = client.get("/compare", params=[("m", i) for i in ids]).text
    assert [m["model_id"] for m in api["models"]] == ids
    cells = re.findall(r'<tr class="mof-row">(.*?)</tr>', page, re.S)[0]
    assert re.findall(r"<td>(.*?)</td>", cells) == [
        f'<span class="mof-class mof-{m["frameworks"]["mof"]["class"]}">{m["frameworks"]["mof"]["label"]}</span>'
        if m["frameworks"]["mof"] else '<span class="na">n/a</span>' for m in api["models"]]
    for c in api["criteria"]:
        row = re.search(rf'<tr class="crit-row" data-criterion="{re.escape(c["id"])}">(.*?)</tr>', page, re.S)
        assert row and re.findall(r'<span class="points p\d">(\d+/\d+)</span>', row.group(1)) == [
            f"{cell['points']}/{cell['max']}" for cell in c["cells"]]


def test_downloads_are_the_api_items_flattened(client: Any, demo: Any) -> None:
    items = api_items(client, sort="name")
    rows = client.get("/models.json", params={"pushed": "show", "sort": "name"}).json()["items"]
    assert [r["model_id"] for r in rows] == list(items)
    for r in rows:
        it, fw = items[r["model_id"]], items[r["model_id"]]["frameworks"]
        assert r == {
            "model_id": it["model_id"], "name": it["name"], "organisation": it["organisation"] or "",
            "total": it["total"], "total_detected": it["total_detected"], "tier": it["tier"],
            "openness": it["openness"]["verdict"], **it["dimensions"],
            "mof_class": fw["mof"]["class"] if fw["mof"] else None,
            "osaid_ready": fw["osaid"]["ready"] if fw["osaid"] else None,
            "osai_score": fw["osai"]["score_percent"] if fw["osai"] else None,
            "license_class": it["license_class"], "scope": it["scope"], "modality": it["modality"],
            "finetuned": it["finetuned"], "last_scanned_at": it["last_scanned_at"], **it["criteria"],
        }


def test_the_api_and_the_pages_share_the_shape_classes() -> None:
    """One definition of each shape: the API's response models are the schemas module's, and no
    other module of the web layer defines a pydantic model."""
    import ast
    from pathlib import Path

    from truecard.web import api, schemas

    routes = {r.path: r for r in api.router.routes}  # type: ignore[attr-defined]
    assert routes["/api/models"].response_model is schemas.ModelList
    assert routes["/api/models/{model_id:path}"].response_model is schemas.ModelDetail
    assert routes["/api/compare"].response_model is schemas.Comparison
    web = Path(schemas.__file__).parent
    for path in web.glob("*.py"):
        if path.name == "schemas.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        classes = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
                   and any(getattr(b, "id", getattr(b, "attr", "")) == "BaseModel" for b in n.bases)]
        assert classes == [], f"{path.name} defines response shapes of its own: {classes}"

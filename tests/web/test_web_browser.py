"""The dashboard in a real browser: Playwright driving Debian's chromium, against the real app
under uvicorn on SQLite and on PostgreSQL: sorting in place, filters, evidence links, history,
compare, claims. (Every page at both widths, axe-core and the screenshots: test_web_screens.py.)"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from support.webutil import (
    BACKENDS,
    CHROMIUM,
    ROOT,
    LiveServer,
    _pg,
    card_for,
    load_demo,
    make_token,
    missing,
    save,
)

pytestmark = pytest.mark.browser

REV1, REV2 = "3f2c1a9e" + "0" * 32, "8b7d6e5f" + "1" * 32
SHOTS = ROOT / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        missing(f"chromium ({CHROMIUM}; apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A dashboard with 80 real evaluations (the demo data) and a model with two revisions."""
    from truecard.store import open_store

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('site') / 'site.db'}"
    else:
        url = _pg().reset()
    db = open_store(url)
    load_demo(db, 80)
    save(db, card_for("example-org/open-model", REV1, {"transparent.datasets": 1, "reproducible.replication": 0},
                      when="2025-04-01T09:00:00+00:00"))
    save(db, card_for("example-org/open-model", REV2, {"reproducible.replication": 0},
                      when="2025-08-01T09:00:00+00:00"))
    token = make_token(db, "alice", owns=("example-org/open-model",))
    server = LiveServer(db)
    yield {"url": server.url, "token": token, "backend": request.param}
    server.stop()
    db.dispose()


@pytest.fixture
def page(browser: Any, site: dict[str, Any]) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site["url"])
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    ctx.close()


def _models(page: Any) -> list[str]:
    return page.eval_on_selector_all("#leaderboard tbody tr", "rows => rows.map(r => r.dataset.model)")


def test_leaderboard_sorts_without_reload_and_filters(page: Any, site: dict[str, Any]) -> None:
    page.goto("/")
    assert page.locator("#leaderboard tbody tr").count() == 50
    assert "1–50 of 81 models" in page.locator("#count").inner_text()
    totals = [int(t.split("/")[0]) for t in page.locator("#leaderboard tbody td.total").all_inner_texts()]
    assert totals == sorted(totals, reverse=True)
    page.evaluate("window.__still_here = true")
    page.click("th[data-sort=name] a")
    page.wait_for_url("**/?sort=name&dir=asc*")
    page.locator("th[data-sort=name].sorted").wait_for()  # locator waits: no eval, which the CSP forbids
    names = _models(page)
    assert names == sorted(names, key=str.lower)
    page.click("th[data-sort=name] a")  # again: descending
    page.wait_for_url("**dir=desc*")
    page.locator("th[data-sort=name][aria-sort=descending]").wait_for()
    names = _models(page)
    assert names == sorted(names, key=str.lower, reverse=True)
    assert page.evaluate("window.__still_here === true")  # sorted in place: no reload
    page.click("th[data-sort=reproducible] a")
    page.wait_for_url("**sort=reproducible*")
    page.locator("th[data-sort=reproducible].sorted").wait_for()
    repro = [int(r.split("/")[0]) for r in page.locator("#leaderboard tbody td[data-label=Reproducible]").all_inner_texts()]
    assert repro == sorted(repro, reverse=True)
    # filters (a plain form: works without JavaScript) keep the sort order
    page.select_option("select[name=tier]", "Silver")
    page.click(".more-filters summary")
    assert page.locator("select[name=sort]").input_value() == "reproducible"  # follows the in-place sort
    page.fill("input[name=min_score]", "12")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**tier=Silver*")
    tiers = page.locator("#leaderboard tbody td .tier").all_inner_texts()
    assert tiers and set(tiers) == {"Silver"}
    totals = [int(t.split("/")[0]) for t in page.locator("#leaderboard tbody td.total").all_inner_texts()]
    assert min(totals) >= 12
    assert "sort=reproducible" in page.url
    page.goto("/")
    page.fill("input[name=q]", "open-model")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=open-model*")
    assert _models(page) == ["example-org/open-model"]
    page.goto("/?per_page=20")
    page.click(".pager a[rel=next]")
    page.locator("#count", has_text="21–40").wait_for()


def test_model_page_chart_evidence_links_and_history(page: Any, site: dict[str, Any]) -> None:
    page.goto("/?q=example-org")
    page.click("a[href='/models/example-org/open-model']")
    page.wait_for_url("**/models/example-org/open-model")
    assert page.locator("h1#model-title").inner_text() == "example-org/open-model"
    chart = page.locator("svg#dimension-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    bars = page.locator("svg#dimension-chart rect.bar")
    assert bars.count() == 4
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(4)]
    assert all(w > 0 for w in widths)
    assert bars.nth(0).bounding_box()["width"] > 100  # drawn, not just present
    links = page.eval_on_selector_all("a.evidence-link", "as => as.map(a => a.href)")
    assert len(links) >= 10
    assert all(h.startswith(f"https://huggingface.co/example-org/open-model/blob/{REV2}/") for h in links), links[:3]
    assert any(f"/blob/{REV2}/LICENSE#L" in h for h in links)
    excerpts = page.locator("blockquote.excerpt")
    assert excerpts.count() > 0 and "MIT License" in page.locator("#crit-transparent\\.license").inner_text()
    assert page.locator("#crit-reproducible\\.replication .points").inner_text() == "0/2"
    points = page.locator("svg#history-chart circle.point")
    assert points.count() == 2
    assert "Dataset disclosure" in page.locator("#changes").inner_text()
    # the older evaluation links to files at its own revision
    page.locator("svg#history-chart a").first.click()
    page.wait_for_selector("#older-notice")
    links = page.eval_on_selector_all("a.evidence-link", "as => as.map(a => a.href)")
    assert links and all(f"/blob/{REV1}/" in h for h in links)
    page.goto("/models/example-org/open-model/diff")
    assert "transparent" in page.locator("#diff").inner_text().lower()


def test_compare_two_models(page: Any) -> None:
    page.goto("/")
    boxes = page.locator("#leaderboard tbody input[name=m]")
    picked = [boxes.nth(0).get_attribute("value"), boxes.nth(3).get_attribute("value")]
    boxes.nth(0).check()
    boxes.nth(3).check()
    page.click("#compare-form .compare-bar button")
    page.wait_for_url("**/compare?m=*")
    heads = page.locator("#compare-table thead th a").all_inner_texts()
    assert heads == picked
    assert page.locator("#compare-table tr.crit-row").count() == 15
    assert page.locator("#compare-table tr.crit-row").first.locator("td").count() == 2
    assert page.locator("svg#compare-chart rect.bar").count() == 8


def test_claim_signed_in_and_refused_signed_out(page: Any, site: dict[str, Any]) -> None:
    page.goto("/models/example-org/open-model")
    assert page.locator("#submit-claim").count() == 0
    assert "Sign in" in page.locator("#claims").inner_text()
    resp = page.goto("/models/example-org/open-model/claim")
    assert resp.status == 401 and "Sign in to submit a claim" in page.locator("#error-message").inner_text()
    r = page.request.post("/models/example-org/open-model/claim", form={
        "criterion": "reproducible.replication", "evidence_url": "https://example.org/x", "csrf": "guess"})
    assert r.status == 401
    r = page.request.post("/api/models/example-org/open-model/claims", data={
        "criterion": "reproducible.replication", "evidence_url": "https://example.org/x"})
    assert r.status == 401
    # sign in with the maintainer's token, then claim
    page.goto("/signin?next=/models/example-org/open-model")
    page.fill("input[name=token]", site["token"])
    page.click("form.card-form button[type=submit]")
    page.wait_for_url("**/models/example-org/open-model")
    assert "Signed in as alice" in page.locator(".who").inner_text()
    page.click("#submit-claim")
    page.select_option("select[name=criterion]", "reproducible.replication")
    note = f"Replicated by Example Lab <{site['backend']}>"
    page.fill("input[name=evidence_url]", "https://example.org/replication-report")
    page.fill("textarea[name=note]", note)
    page.click("#claim-form button[type=submit]")
    page.wait_for_url("**/models/example-org/open-model#claims")
    claims = page.locator("#claims .claim-list").inner_text()
    assert note in claims and "claimed" in claims.lower() and "alice" in claims
    crit = page.locator("#crit-reproducible\\.replication")
    assert crit.locator(".points").inner_text() == "0/2"  # claimed, never counted as detected
    assert crit.locator(".web-claims .basis.claimed").count() >= 1
    assert crit.locator("a.claim-link").first.get_attribute("href") == "https://example.org/replication-report"
    audit = page.locator("#audit-log tbody tr").first.inner_text()
    assert "alice" in audit and "claim.add" in audit
    # signed out again: refused
    page.click(".who button")
    page.wait_for_url(site["url"] + "/")
    assert page.goto("/models/example-org/open-model/claim").status == 401

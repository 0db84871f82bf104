"""Every page of the dashboard on a phone (390 x 844) and a desktop (1280 x 800), in Debian's
chromium driven by Playwright, on the full demo data: no sideways page scroll, no console
error, no serious or critical axe-core finding, the openness verdict and the MOF class where a
model is shown. Saves docs/screenshots/PAGE-WIDTH.png.

axe-core comes from npm (`npm ci --prefix tests/js`, which .ci/run does); it is injected into
each page with Playwright's add_script_tag, in a context that bypasses the page's CSP (the
dashboard's own CSP forbids injected scripts, as it should).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.webutil import CHROMIUM, ROOT, LiveServer, card_for, load_demo, make_token, missing, save

pytestmark = pytest.mark.browser

SHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
OPENWASHED = "llava-hf/llava-1.5-7b-hf"  # Gold on TRUE today, weights under the Llama 2 licence
OPEN = "truecard/tiny-open-model"  # the bundled example: open licence, verified
PAGES = {
    "leaderboard": "/",
    "matrix": "/matrix",
    "model": f"/models/{OPENWASHED}",
    "model-open": f"/models/{OPEN}",
    "compare": f"/compare?m={OPENWASHED}&m={OPEN}&m=apple/OpenELM-3B",
    "history": f"/models/{OPENWASHED}/diff",
    "claims": "/models/example-org/open-model/claim",
    "api": "/api",
    "rubric": "/rubric",
    "audit": "/audit",
}
SHOWS_VERDICT = {"leaderboard", "matrix", "model", "model-open", "compare"}


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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The whole demo (420 evaluations of 401 models) and a model alice maintains, on SQLite."""
    from truecard.store import open_store

    db = open_store(f"sqlite:///{tmp_path_factory.mktemp('screens') / 'site.db'}")
    load_demo(db)
    save(db, card_for("example-org/open-model", "a" * 40, {"reproducible.replication": 0},
                      when="2025-04-01T09:00:00+00:00"))
    token = make_token(db, "alice", owns=("example-org/open-model",))
    server = LiveServer(db)
    yield {"url": server.url, "token": token}
    server.stop()
    db.dispose()


def _axe_source() -> str:
    if not AXE.is_file():
        missing(f"axe-core ({AXE}; npm ci --prefix tests/js)")
    return str(AXE)


def _open(browser: Any, site: dict[str, Any], width: str, *, signed_in: bool) -> Any:
    w, h = WIDTHS[width]
    ctx = browser.new_context(viewport={"width": w, "height": h}, base_url=site["url"], bypass_csp=True)
    if signed_in:
        pg = ctx.new_page()
        pg.goto("/signin?next=/")
        pg.fill("input[name=token]", site["token"])
        pg.click("form.card-form button[type=submit]")
        pg.wait_for_url(site["url"] + "/")
        pg.close()
    return ctx


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_has_no_errors_and_passes_axe(browser: Any, site: dict[str, Any], name: str, width: str) -> None:
    axe = _axe_source()
    ctx = _open(browser, site, width, signed_in=name == "claims")
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        resp = page.goto(PAGES[name])
        assert resp is not None and resp.status == 200, (name, resp and resp.status)
        page.wait_for_load_state("load")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.right <= window.innerWidth + 1) return false;
            for (let p = e.parentElement; p; p = p.parentElement) {
              const o = getComputedStyle(p).overflowX;
              if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
            }
            return true;
          }).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert not wide, f"{name} at {width}: elements overflow the window: {wide}"
        # no sideways scroll of the page itself (a wide table may scroll inside its own box)
        scroll_w = page.evaluate("document.documentElement.scrollWidth")
        view_w = page.evaluate("window.innerWidth")
        assert scroll_w <= view_w, f"{name} at {width}: the page is {scroll_w} px wide in a {view_w} px window"
        header = page.locator("header.top").bounding_box()
        assert header is not None and header["width"] >= view_w - 1, f"{name}: the header stops at {header}"
        # chart text stays legible at every width (no label drawn smaller than 9 px)
        tiny = page.evaluate("""() => [...document.querySelectorAll('svg.chart text')]
            .map(t => [t.textContent, t.getBoundingClientRect().height])
            .filter(([_, h]) => h > 0 && h < 9).slice(0, 5)""")
        assert not tiny, f"{name} at {width}: chart labels too small: {tiny}"
        if name in SHOWS_VERDICT:
            verdict = page.locator(".verdict.v-not-open, .verdict-banner.v-not-open").first
            assert verdict.is_visible(), f"{name} at {width}: no visible openness verdict"
        if name in ("model", "model-open"):
            assert page.locator("#verdict").is_visible()
            assert page.locator("#mof-class .mof-class").is_visible()
        if name == "model":  # whatever tier the current scanner gives it, the verdict follows
            import re

            banner = page.locator("#verdict strong").inner_text()
            assert re.fullmatch(r"(Bronze|Silver|Gold|Platinum) — but the weights' licence restricts use: "
                                r"not open source\.", banner), banner
        if name == "leaderboard":
            assert page.locator("#leaderboard td.mof .mof-class").first.is_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        # the top of the page, two screens on a phone, one on a desktop (the first table rows show)
        w, h = WIDTHS[width]
        tall = min(page.evaluate("document.documentElement.scrollHeight"), int(h * (2.0 if width == "phone" else 1.0)))
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": w, "height": tall})
        page.add_script_tag(path=axe)
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""")
        assert result == [], f"{name} at {width}: axe found {result}"
        assert errors == [], f"{name} at {width}: console errors {errors}"
    finally:
        ctx.close()


def test_keyboard_reaches_search_and_a_model(browser: Any, site: dict[str, Any]) -> None:
    """Tab from the top: the skip link first, then the site; Enter in search filters."""
    ctx = _open(browser, site, "phone", signed_in=False)
    page = ctx.new_page()
    try:
        page.goto("/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        page.focus("input[name=q]")
        page.keyboard.type("Mistral 7B")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=Mistral*")
        ids = page.eval_on_selector_all("#leaderboard tbody tr", "rows => rows.map(r => r.dataset.model)")
        assert ids and all("mistral" in i.lower() and "7b" in i.lower() for i in ids), ids
        page.locator("#leaderboard tbody td.model a").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/models/**")
        assert page.locator("#verdict").is_visible()
    finally:
        ctx.close()


def test_empty_results_and_past_the_end_say_so(browser: Any, site: dict[str, Any]) -> None:
    ctx = _open(browser, site, "desktop", signed_in=False)
    page = ctx.new_page()
    try:
        page.goto("/?q=no-such-model-anywhere")
        msg = page.locator("#no-match").inner_text()
        assert "No model matches search" in msg and "402 stored models" in msg and "store is empty" not in msg
        page.goto("/matrix?tier=Platinum&open=no&scope=verified")
        assert "No model matches" in page.locator("#no-match").inner_text()
        page.goto("/?page=99")
        assert "There is no page 99" in page.locator("#past-end").inner_text()
        assert page.locator("#leaderboard tbody tr").count() == 402 - 8 * 50  # the last page's models
        # the openwashing filter: hide every model whose weights are not openly licensed
        page.goto("/")
        page.select_option("select[name=open]", "yes")
        page.click("#filters button[type=submit]")
        page.wait_for_url("**open=yes*")
        assert page.locator("#leaderboard .verdict.v-not-open").count() == 0
        assert page.locator("#leaderboard tbody tr").count() > 0
    finally:
        ctx.close()


def test_screenshots_of_every_page_at_both_widths_are_in_the_docs() -> None:
    for name in PAGES:
        for width in WIDTHS:
            p: Path = SHOTS / f"{name}-{width}.png"
            assert p.is_file() and p.stat().st_size > 5_000, p

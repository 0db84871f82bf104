"""Screenshots for the documentation: `truecard scan` at 80 and 120 columns, and the Jupyter view.

    python scripts/make_screenshots.py [--card PATH] [--out docs/screenshots]

The card is a real model card from the shared corpus (01-ai/Yi-9B's README, scanned as a
folder holding only it); the terminal is rich's own SVG export of exactly what `truecard scan`
prints (colours included), and the notebook view is `Scorecard._repr_html_()` inside a page
laid out like a Jupyter output cell. Debian's chromium (through Playwright) turns both into
PNG. Nothing is fetched from the network: the SVG's web font is replaced by a local one.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEFAULT_CARD = Path("/work/shared/corpus/cards/01-ai_Yi-9B.md")


def corpus_card() -> Path:
    for base in (ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")):
        p = base / "cards" / DEFAULT_CARD.name
        if p.is_file():
            return p
    raise SystemExit(f"{DEFAULT_CARD.name} not found in the shared corpus; pass --card")


def terminal_svg(card: object, width: int, title: str) -> str:
    from rich.console import Console

    from truecard.reports.portable import portable
    from truecard.reports.table import print_card

    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", highlight=False)
    print_card(portable(card), console)  # type: ignore[arg-type]
    svg = console.export_svg(title=title)
    # the export names a web font on a CDN; use the machine's monospace font instead
    svg = re.sub(r"@font-face\s*\{[^}]*\}", "", svg)
    return svg.replace("font-family: Fira Code, monospace", "font-family: 'DejaVu Sans Mono', monospace")


NOTEBOOK_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body{{margin:0;background:#fff;font:14px system-ui,sans-serif}}
.cell{{display:grid;grid-template-columns:80px 1fr;gap:0 8px;padding:12px 16px 4px}}
.prompt{{color:#303f9f;font:13px 'DejaVu Sans Mono',monospace;text-align:right;padding-top:6px}}
.out .prompt{{color:#d84315}}
.input{{background:#f5f5f5;border:1px solid #e0e0e0;border-radius:2px;padding:6px 8px;
font:13px 'DejaVu Sans Mono',monospace;white-space:pre}}
</style></head><body>
<div class="cell"><div class="prompt">[1]:</div><div class="input">import truecard
card = truecard.scan("Yi-9B")
card</div></div>
<div class="cell out"><div class="prompt">[1]:</div><div>{view}</div></div>
</body></html>"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--card", type=Path, default=None, help="a model card (README.md) to scan")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    import truecard

    src = args.card or corpus_card()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="truecard-shots-") as tmp:
        model = Path(tmp) / "Yi-9B"
        model.mkdir()
        shutil.copy(src, model / "README.md")
        os.chdir(tmp)  # the source is shown as the user would type it: local:Yi-9B
        card = truecard.scan("Yi-9B")
        pages = {}
        for width in (80, 120):
            svg = Path(tmp) / f"scan-{width}.svg"
            svg.write_text(terminal_svg(card, width, f"truecard scan Yi-9B   ({width} columns)"), encoding="utf-8")
            pages[f"scan-{width}.png"] = svg
        nb = Path(tmp) / "jupyter.html"
        nb.write_text(NOTEBOOK_PAGE.format(view=card._repr_html_()), encoding="utf-8")
        pages["jupyter-scorecard.png"] = nb
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                for name, path in pages.items():
                    text = path.read_text(encoding="utf-8")
                    size = {"width": 1200, "height": 800}
                    if path.suffix == ".svg":
                        # an HTML page exactly the terminal's size holding the SVG, nothing around it
                        m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', text)
                        if m:
                            size = {"width": int(float(m.group(1))) + 1, "height": int(float(m.group(2))) + 1}
                        html = path.with_suffix(".html")
                        html.write_text('<!doctype html><html><body style="margin:0;background:#fff">'
                                        f'<div style="width:{size["width"]}px">{text}</div></body></html>',
                                        encoding="utf-8")
                        path = html
                    page = browser.new_page(viewport=size, device_scale_factor=1)
                    page.set_default_timeout(120_000)
                    page.goto(path.as_uri())
                    page.screenshot(path=str(args.out / name), full_page=True)
                    page.close()
                    print(f"wrote {args.out / name}")
            finally:
                browser.close()


if __name__ == "__main__":
    main()

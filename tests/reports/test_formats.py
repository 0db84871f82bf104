"""SARIF, HTML, CycloneDX ML-BOM, badge and shields formats; schemas validated offline."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

import truecard
from support.files import ROOT, require_corpus, write, write_safetensors
from truecard.models import Scorecard
from truecard.reports import FORMATS, render
from truecard.reports.badge import TIER_COLORS, card_badge, shields_endpoint, text_width

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "schemas" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture(scope="module")
def example_card() -> Scorecard:
    return truecard.scan(ROOT / "examples" / "tiny-open-model", frameworks=["mof", "osaid", "osai"])


@pytest.fixture
def weak_card(tmp_path: Path) -> Scorecard:
    """Weights under a use-restricted licence, a thin card: most criteria short of the maximum."""
    d = tmp_path / "weak"
    write(d / "README.md", "---\nlicense: llama3.1\npipeline_tag: text-generation\n---\n# weak\n\n"
          "A chat model. Trained on web data.\n\n## Limitations\n\nIt may produce wrong or biased text; "
          "do not rely on it for medical, legal or financial advice.\n")
    write_safetensors(d / "model.safetensors")
    return truecard.scan(d, frameworks=["mof"])


def test_all_formats_registered() -> None:
    assert {"sarif", "html", "cyclonedx", "badge", "shields"} <= set(FORMATS)


def test_sarif_validates_and_reports_each_shortfall(weak_card: Scorecard, tmp_path: Path) -> None:
    doc = json.loads(render(weak_card, "sarif", base_dir=tmp_path))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    run = doc["runs"][0]
    short = [c for c in weak_card.criteria if c.points < c.max]
    assert [r["ruleId"] for r in run["results"]] == [c.id for c in short]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert len(rules) == 15
    for res, c in zip(run["results"], short, strict=True):
        assert rules[c.id]["help"]["text"] == c.remediation  # remediation as help text
        assert res["level"] == ("warning" if c.points == 0 else "note")
        assert res["locations"], c.id  # every result points somewhere (the card at least)
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("weak/") and not uri.startswith("/")
    lic = next(r for r in run["results"] if r["ruleId"] == "transparent.license")
    assert lic["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "weak/README.md"
    assert lic["locations"][0]["physicalLocation"]["region"]["startLine"] == 2  # `license:` line


def test_sarif_of_a_full_score_has_no_results_but_is_valid(example_card: Scorecard) -> None:
    doc = json.loads(render(example_card, "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    assert len(doc["runs"][0]["results"]) == sum(1 for c in example_card.criteria if c.points < c.max)


def test_sarif_reports_a_missed_policy(tmp_path: Path) -> None:
    pol = tmp_path / "p.yaml"
    pol.write_text("name: strict\nmin_total: 30\n")
    card = truecard.scan(ROOT / "examples" / "tiny-open-model", frameworks=[str(pol)])
    doc = json.loads(render(card, "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    res = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "policy/strict"]
    assert res and res[0]["level"] == "error" and "total" in res[0]["message"]["text"]


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag in ("script", "link", "img", "iframe", "object", "embed", "audio", "video", "source"):
            self.external.append(f"<{tag}>")
        for key in ("src", "srcset", "data"):
            if a.get(key):
                self.external.append(f"{tag}[{key}]")


def test_html_is_one_self_contained_page(example_card: Scorecard) -> None:
    page = render(example_card, "html")
    parser = _Assets()
    parser.feed(page)
    assert parser.external == []  # no scripts, stylesheets, images or frames
    assert "@import" not in page and "url(http" not in page
    assert page.startswith("<!doctype html>") and page.count("<svg") >= 2  # badge and dimension chart
    for c in example_card.criteria:
        assert f'id="{c.id}"' in page and html.escape(c.name) in page
    for d in example_card.dimensions:
        assert f">{d.score}/{d.max}<" in page
    assert "MOF:" in page and "OSAID 1.0:" in page and "OSAI index:" in page
    assert "To earn the rest" in page or all(c.points == c.max for c in example_card.criteria)


def test_html_escapes_what_it_reads(tmp_path: Path) -> None:
    d = tmp_path / "x"
    write(d / "README.md", "---\nmodel_name: <script>alert(1)</script>\n---\n# x\n")
    page = render(truecard.scan(d), "html")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_cyclonedx_ml_bom_validates_against_the_schema(example_card: Scorecard) -> None:
    from truecard.reports.cyclonedx_report import validate

    text = render(example_card, "cyclonedx")
    assert validate(text) == []
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    model = bom["metadata"]["component"]
    assert model["type"] == "machine-learning-model" and model["name"] == "tiny-open-model"
    props = {p["name"]: p["value"] for p in model["properties"]}
    assert props["truecard:total"] == f"{example_card.total}/30" and props["truecard:tier"] == example_card.tier
    assert props["truecard:criterion:transparent.weights"].startswith("2/2")
    assert "truecard:mof:class" in props
    mc = model["modelCard"]
    assert mc["modelParameters"]["task"] == "text-generation"
    assert mc["modelParameters"]["architectureFamily"] == "gpt2"
    assert mc["modelParameters"]["datasets"] == [{"ref": "dataset:truecard/tiny-corpus"}]
    files = [c for c in bom["components"] if c["type"] == "file"]
    assert files and files[0]["hashes"][0]["alg"] == "SHA-256"
    assert model["licenses"] == [{"license": {"id": "MIT", "acknowledgement": "declared"}}]


def test_cyclonedx_validation_catches_errors(example_card: Scorecard) -> None:
    from truecard.reports.cyclonedx_report import validate

    bom = json.loads(render(example_card, "cyclonedx"))
    bom["metadata"]["component"]["modelCard"]["modelParameters"]["approach"] = {"type": "guesswork"}
    assert validate(json.dumps(bom))


def test_cyclonedx_with_restricted_licence_and_limitations(weak_card: Scorecard) -> None:
    from truecard.reports.cyclonedx_report import validate

    text = render(weak_card, "cyclonedx")
    assert validate(text) == []
    mc = json.loads(text)["metadata"]["component"]["modelCard"]
    assert "medical" in mc["considerations"]["technicalLimitations"][0]


@pytest.mark.parametrize("tier, total", [("Platinum", 29), ("Gold", 24), ("Silver", 13), ("Bronze", 3)])
def test_badge_in_tier_colour(example_card: Scorecard, tier: str, total: int) -> None:
    card = example_card.model_copy(update={"tier": tier, "total": total})
    svg = render(card, "badge")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg")
    assert f"TRUE: {total}/30 {tier}" in svg and TIER_COLORS[tier] in svg
    shields = json.loads(render(card, "shields"))
    assert shields == {"schemaVersion": 1, "label": "TRUE", "message": f"{total}/30 {tier}",
                       "color": TIER_COLORS[tier].lstrip("#"), "cacheSeconds": 3600}
    assert shields == shields_endpoint(card)


def test_badge_ids_and_width() -> None:
    assert text_width("TRUE 24/30 Gold") > text_width("TRUE")
    card = truecard.scan(ROOT / "examples" / "tiny-open-model")
    a, b = card_badge(card, id_suffix="-a"), card_badge(card, id_suffix="-b")
    ids = re.findall(r'id="([^"]+)"', a + b)
    assert len(ids) == len(set(ids))  # two badges on one page do not clash


def test_formats_of_a_record_only_scan() -> None:
    """A self-report (no files) still renders in every format, evidence marked claimed."""
    from truecard.reports.cyclonedx_report import validate

    corpus = require_corpus()
    card = truecard.scan(f"mot:{corpus / 'mot' / 'OLMo-7B.yml'}", frameworks=["mof"])
    for fmt in FORMATS:
        assert render(card, fmt)
    doc = json.loads(render(card, "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    assert validate(render(card, "cyclonedx")) == []
    assert "claimed" in render(card, "html")

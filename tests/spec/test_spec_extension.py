"""A 16th criterion added by data alone: a copy of the TRUE spec with `understandable.glossary`
(and that criterion's module, written beside it) flows through scan, JSON, Markdown, the store,
the leaderboard, the model page and the badge with no other code change; evaluations stored
under TRUE 1.0 stay valid beside it (each is checked against the spec version it names).
SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from support.webutil import EXAMPLE, card_for, client, db_url, save, store
from truecard import spec as true_spec

__all__ = ["client", "db_url", "store"]

GLOSSARY_MODULE = '''
"""understandable.glossary: the terms a reader needs are defined."""

from truecard.criteria.base import Assessment, Rubric

ID = "understandable.glossary"
RUBRIC = Rubric(full="A GLOSSARY.md defines the model's terms.", partial="-", none="No glossary.",
                unknown="-", remediation="Publish a GLOSSARY.md.")


def evaluate(inv):
    found = [f for f in inv.files if f.path.lower().endswith("glossary.md")]
    if found:
        return Assessment.met(f"glossary found: {found[0].path}", [])
    return Assessment.unmet("no glossary")
'''


def extended_spec(tmp_path: Path) -> Path:
    """The shipped spec with a 16th criterion (Understandable, worth 2: 32 in all) as version 1.1."""
    raw = (Path(true_spec.__file__).with_name(true_spec.SPEC_FILE)).read_text("utf-8")
    raw = raw.replace('version: "1.0"', 'version: "1.1"').replace("max: 30\n", "max: 32\n", 1)
    raw = raw.replace("    max: 6\n", "    max: 8\n", 1)
    raw = raw.replace(
        '        spec: "Licensing, source, and curation process documented"\n',
        '        spec: "Licensing, source, and curation process documented"\n'
        "      - id: understandable.glossary\n"
        '        name: "Glossary of terms"\n'
        '        spec: "The terms the documentation uses are defined"\n'
        "        module: tc_glossary_criterion\n",
    )
    raw = raw.replace("{name: Platinum, min: 28, max: 30,", "{name: Platinum, min: 28, max: 32,")
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / "tc_glossary_criterion.py").write_text(GLOSSARY_MODULE, "utf-8")
    path = tmp_path / "true-1.1.yaml"
    path.write_text(raw, "utf-8")
    return path


@pytest.fixture
def old_doc() -> dict[str, Any]:
    """A scorecard of TRUE 1.0 (scanned before the new spec is current: card_for caches it)."""
    return card_for("old-lab/old-model")


@pytest.fixture
def spec16(old_doc: dict[str, Any], client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The 16-criterion spec, current for the test. The app is built first: the API's OpenAPI
    schema (sort keys, tier names, ranges) is fixed when truecard.web.api is imported, from the
    spec current then (a server started with TRUECARD_SPEC set has it from the start); the
    pages, the store and the badges read the current spec on every request."""
    path = extended_spec(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path / "mods"))
    with true_spec.use_spec(path) as s:
        yield s
    assert "1.1" not in true_spec.versions()  # the block's registration ends with it


def test_a_16th_criterion_flows_from_the_spec_file_to_every_output(
    old_doc: dict[str, Any], store: Any, client: Any, spec16: Any, tmp_path: Path
) -> None:
    import truecard

    assert old_doc["spec"]["version"] == "1.0" and old_doc["max"] == 30
    assert spec16.max == 32 and len(spec16.criteria) == 16 and spec16.tier_bands[-1] == ("Platinum", 28, 32)

    folder = tmp_path / "tiny-open-model"
    shutil.copytree(EXAMPLE, folder)
    (folder / "GLOSSARY.md").write_text("# Glossary\n\nToken: a piece of text.\n", "utf-8")
    card = truecard.scan(folder, use_claims=False)
    assert len(card.criteria) == 16 and card.max == 32 and card.spec.version == "1.1"
    glossary = card.criterion("understandable.glossary")
    assert (glossary.points, glossary.max, glossary.dimension) == (2, 2, "understandable")
    assert card.total == sum(d.score for d in card.dimensions) and card.tier == spec16.tier_for(card.total).name

    doc = json.loads(card.render("json"))
    assert doc["max"] == 32 and len([c for d in doc["dimensions"] for c in d["criteria"]]) == 16
    und = next(d for d in doc["dimensions"] if d["id"] == "understandable")
    assert und["max"] == 8 and und["criteria"][-1]["id"] == "understandable.glossary"
    md = card.render("markdown")
    assert "Glossary of terms" in md and "/32" in md

    save(store, old_doc)
    save(store, doc, model_id="new-lab/tiny-16")
    board = client.get("/").text
    assert "/32" in board and "new-lab/tiny-16" in board
    page = client.get("/models/new-lab/tiny-16").text
    assert "Glossary of terms" in page and "/32" in page and "glossary found" in page
    old_page = client.get("/models/old-lab/old-model").text  # its own spec's maximum
    assert '<span class="of">/30</span>' in old_page and "Glossary of terms" not in old_page
    badge = client.get("/badge/new-lab/tiny-16.svg")
    assert badge.status_code == 200 and f"{card.total}/32" in badge.text
    assert "understandable.glossary" in client.get("/api/models/new-lab/tiny-16").json()["model"]["criteria"]
    assert "Glossary of terms" in client.get("/rubric").text


def test_each_stored_scorecard_is_checked_against_the_spec_it_names(tmp_path: Path, store: Any) -> None:
    from truecard.store.cards import InvalidEvaluation, validate_scorecard

    doc = card_for("lab/model")
    doc["spec"]["version"] = "9.9"
    with pytest.raises(InvalidEvaluation, match=r"unknown TRUE spec version '9.9'; known: 1.0"):
        validate_scorecard(doc)
    # a 1.0 scorecard dressed up as 1.1: 15 criteria where 1.1 wants 16
    doc["spec"]["version"] = "1.1"
    true_spec.register_spec(extended_spec(tmp_path))
    try:
        with pytest.raises(InvalidEvaluation, match="understandable: criteria must be"):
            validate_scorecard(doc)
        doc["spec"]["version"] = "1.0"
        assert validate_scorecard(doc).max == 30  # valid under the spec it names, whatever else is known
    finally:
        true_spec.unregister_spec("1.1")


def test_a_spec_file_whose_sums_disagree_is_refused(tmp_path: Path) -> None:
    path = extended_spec(tmp_path)
    path.write_text(path.read_text("utf-8").replace("max: 32\n", "max: 31\n", 1), "utf-8")
    with pytest.raises(ValueError, match="do not add up to 31"):
        true_spec.register_spec(path)
    assert "1.1" not in true_spec.versions()

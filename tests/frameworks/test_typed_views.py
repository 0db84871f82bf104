"""Framework views are typed where they are made (issue 12.3): each built-in producer returns its
model (`MofView`, `OsaidView`, `OsaiView`, `PolicyView`), never a dict for `Frameworks` to
validate, and the JSON of a view holds only the keys the producer set."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.files import require_corpus
from truecard.engine import build_inventory, scorecard_from_inventory
from truecard.evidence.inventory import Inventory
from truecard.frameworks import mof, osai, osaid, policy
from truecard.models import (
    MofComparison,
    MofComponent,
    MofView,
    OsaiComparison,
    OsaidElement,
    OsaidView,
    OsaiParameter,
    OsaiView,
    PolicyCheck,
    PolicyView,
    Scorecard,
)
from truecard.registry import load, plugins
from truecard.sources import open_source

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tiny-open-model"


def _inventory(*sources: str) -> tuple[Inventory, Scorecard]:
    inv = build_inventory([open_source(s) for s in sources])
    return inv, scorecard_from_inventory(inv)


def test_detected_views_with_records_compared_are_typed_to_the_leaves() -> None:
    corpus = require_corpus()
    inv, card = _inventory(str(EXAMPLE), f"mot:{corpus / 'mot' / 'OLMo-7B.yml'}",
                           f"osai:{corpus / 'osai' / 'OLMo.yaml'}")
    m = mof.evaluate(inv)
    assert isinstance(m, MofView) and m.basis == "detected"
    assert all(isinstance(c, MofComponent) for c in m.components)
    assert isinstance(m.claimed, MofView) and m.claimed.record and isinstance(m.comparison, MofComparison)
    d = osaid.evaluate(inv, card)
    assert isinstance(d, OsaidView) and all(isinstance(e, OsaidElement) for e in d.elements)
    assert isinstance(d.claimed, OsaidView) and len(d.comparison) == 3
    o = osai.evaluate(inv, card)
    assert isinstance(o, OsaiView) and isinstance(o.comparison, OsaiComparison)
    assert all(isinstance(p, OsaiParameter) for c in o.categories for p in c.parameters)
    # only the keys set: a detected parameter states notes and evidence, never links
    first = o.categories[0].parameters[0].model_dump(mode="json")
    assert set(first) == {"ref", "name", "level", "value", "notes", "evidence"}
    # a record's parameter says its links and notes as the record has them
    claimed = o.claimed
    assert claimed is not None and "links" in claimed.categories[0].parameters[0].model_dump(mode="json")


def test_views_of_records_alone_keep_the_other_records() -> None:
    corpus = require_corpus()
    inv, card = _inventory(f"osai:{corpus / 'osai' / 'Gemma.yaml'}", f"osai:{corpus / 'osai' / 'OLMo.yaml'}")
    o = osai.evaluate(inv, card)
    assert o.basis == "claimed" and [r.model for r in o.other_records] and o.comparison is None
    d = osaid.evaluate(inv, card)
    assert d.basis == "claimed" and len(d.other_records) == 1


def test_policy_view_is_typed(tmp_path: Path) -> None:
    inv, card = _inventory(str(EXAMPLE))
    p = tmp_path / "p.yaml"
    p.write_text("name: intake\ncriteria:\n  transparent.license: 2\nmof_class: 1\nosaid: true\n")
    view = policy.evaluate(policy.load_policy(p), inv, card, str(p))
    assert isinstance(view, PolicyView) and all(isinstance(c, PolicyCheck) for c in view.checks)
    assert [c.check for c in view.checks] == ["transparent.license", "MOF class", "OSAID 1.0"]
    assert not view.passed and view.failures


@pytest.mark.parametrize("name, model", [("mof", MofView), ("osaid", OsaidView), ("osai", OsaiView)])
def test_the_registered_producers_return_models(name: str, model: type) -> None:
    inv, card = _inventory(str(EXAMPLE))
    view = load(plugins("frameworks")[name])(inv, card)
    assert isinstance(view, model)
    card.frameworks.set(name, view)
    assert card.frameworks[name] is view  # stored as made, not re-read from a dict

"""The OSAI index and OSAID views: records read exactly, detected evidence mapped, compared."""

from __future__ import annotations

from pathlib import Path

import pytest

import truecard
from support.files import require_corpus
from truecard.frameworks.osai import load_osai_spec, score
from truecard.records import RecordError, parse_osai

# record -> (levels in parameter order, as o/p/c, score). Parameter order: base data, end data,
# base weights, end weights, training code | code docs, hardware, preprint, paper, model card,
# datasheet | licences. The score is the plain mean: open 1, partial 0.5, closed 0.
EXPECTED = {
    "FLUX.yaml": ("ccppcccccpcc", 0.125),  # gated weights and a thin card: 1.5/12
    "GPT-OSS.yaml": ("ccooccoococp", 0.4583),  # open weights, docs; no data, code: 5.5/12
    "Gemma.yaml": ("ccpppcoococc", 0.375),  # gated weights, some tooling, report: 4.5/12
    "Mistral.yaml": ("ccoocccccpco", 0.2917),  # weights and licence open, little else: 3.5/12
    "OLMo.yaml": ("oooooooopooo", 0.9583),  # all open but the peer-reviewed paper (partial): 11.5/12
    "Pythia.yaml": ("oooooooppppo", 0.8333),  # papers, card and datasheet partial: 10/12
    "Salamandra.yaml": ("ppooccoocoop", 0.625),  # 7.5/12
    "Teuken.yaml": ("poooccoopoco", 0.6667),  # 8/12
    "Whisper.yaml": ("ccoopoooooco", 0.7083),  # `class: open ` with a trailing space still reads open: 8.5/12
    "YuLan.yaml": ("oooooooooooo", 1.0),
    "a_submission_template.yaml": ("cccccccccccc", 0.0),  # the empty template: all closed
    "deepseek-v3.yaml": ("ccoocppocpcc", 0.375),  # 4.5/12
    "llama-3.1.yaml": ("ccpcpppocpcc", 0.2917),  # 3.5/12
}


def test_every_sample_record_is_covered() -> None:
    corpus = require_corpus()
    records = sorted(p.name for p in (corpus / "osai").glob("*.yaml"))
    assert records == sorted(EXPECTED)


@pytest.mark.parametrize("record", sorted(EXPECTED))
def test_osai_score_of_each_record(record: str) -> None:
    corpus = require_corpus()
    levels, expected = EXPECTED[record]
    card = truecard.scan(f"osai:{corpus / 'osai' / record}", frameworks=["osai"])
    view = card.frameworks.osai
    assert view is not None
    got = "".join(p.level[0] for c in view.categories for p in c.parameters)
    assert got == levels
    assert view.score == pytest.approx(expected, abs=1e-4)
    assert view.basis == "claimed" and len(load_osai_spec().params) == 12


def test_empty_level_counts_zero_and_keys_are_matched_loosely() -> None:
    text = ("system:\n  name: X\n  endmodel license: Apache-2.0\nweights_endmodel:\n  class: open\n"
            "trainingcode:\n  class:\n  link: []\npackage:\n  class: open\n")
    rec = parse_osai(text, "x.yaml")
    assert rec.system["endmodellicense"] == "Apache-2.0"
    assert rec.params["trainingcode"].level == ""
    assert "package" in rec.extra_params and "package" not in rec.params  # retired, not scored
    assert score({r: p.level for r, p in rec.params.items()}) == pytest.approx(1 / 12)
    assert any("absent" in w for w in rec.warnings)


@pytest.mark.parametrize("text, fragment", [
    ("system: [\n", "not valid YAML"),
    ("- a\n", "a mapping"),
    ("org: {}\n", "missing 'system'"),
    ("system: {name: x}\nlicenses:\n  class: opne\n", "has class 'opne'"),
    ("system: {name: x}\nlicenses: open\n", "must be a mapping"),
])
def test_bad_osai_records(text: str, fragment: str) -> None:
    with pytest.raises(RecordError, match=fragment):
        parse_osai(text, "bad.yaml")


def test_detected_osai_and_osaid(open_model: Path) -> None:
    card = truecard.scan(open_model, frameworks=["osai", "osaid"])
    osai = card.frameworks.osai
    assert osai is not None
    levels = {p.ref: p.level for c in osai.categories for p in c.parameters}
    assert levels["weights_endmodel"] == "open" and levels["trainingcode"] == "open"
    assert levels["preprint"] == "open"  # arxiv link in the card
    assert levels["paper"] == "closed"  # no peer-reviewed venue linked
    assert osai.basis == "detected" and 0.8 <= osai.score < 1
    osaid = card.frameworks.osaid
    assert osaid is not None
    assert osaid.verdict == "ready", osaid.missing
    assert [e.status for e in osaid.elements] == ["met", "met", "met"]


def test_osaid_names_what_is_missing(tmp_path: Path) -> None:
    from support.files import write, write_safetensors

    d = tmp_path / "m"
    write(d / "README.md", "---\nlicense: llama3.1\n---\n# m\n\nWeights only. Trained on web data.\n")
    write_safetensors(d / "model.safetensors")
    view = truecard.scan(d, frameworks=["osaid"]).frameworks.osaid
    assert view is not None and view.verdict == "not ready"
    params = next(e for e in view.elements if e.id == "parameters")
    assert params.terms_ok is False and any("OSI-approved" in m for m in params.missing)
    code = next(e for e in view.elements if e.id == "code")
    assert code.status == "missing" and "training code" in code.missing


def test_osai_record_compared_with_detection(open_model: Path) -> None:
    corpus = require_corpus()
    card = truecard.scan(open_model, f"osai:{corpus / 'osai' / 'llama-3.1.yaml'}", frameworks=["osai", "osaid"])
    osai, osaid = card.frameworks.osai, card.frameworks.osaid
    assert osai is not None and osai.comparison is not None and osaid is not None and osaid.claimed is not None
    cmp = osai.comparison
    assert cmp.claimed_score == pytest.approx(0.2917, abs=1e-4)
    assert cmp.disagreements > 0
    assert osaid.claimed.verdict == "not ready"
    # OSAI record claims reach TRUE as claims only
    assert all(c.detected_points <= c.points for c in card.criteria)


def test_record_claims_are_claimed_and_ignored_with_no_claims() -> None:
    corpus = require_corpus()
    src = f"osai:{corpus / 'osai' / 'OLMo.yaml'}"
    card = truecard.scan(src)
    assert card.subject.name == "OLMo" and card.total_detected == 0 and card.total > 0
    assert card.claims_used and all(c.basis == "claimed" for c in card.criteria if c.points)
    ev = [e for c in card.criteria for e in c.evidence]
    assert ev and all(e.origin == "claimed" and e.kind == "osai-record" and e.line_start for e in ev)
    assert truecard.scan(src, use_claims=False).total == 0

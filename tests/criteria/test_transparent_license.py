"""transparent.license: OSI licences for the weights (and the code), clearly published, are 2;
open non-OSI terms (CC-BY) or prose-only terms are 1; use-restricted weights licences are 0
whatever the code's licence; a code licence never stands in for the weights' licence."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "transparent.license"
ROOT = Path(__file__).resolve().parents[2]
MIT = (ROOT / "examples" / "tiny-open-model" / "LICENSE").read_text()
BODY = "# Acme-7B\n\nAcme-7B is a language model.\n"


@settings(max_examples=25, deadline=None)
@given(lic=st.sampled_from(["apache-2.0", "mit", "bsd-3-clause", "Apache-2.0", "MIT"]))
def test_osi_metadata_id_is_full(lic: str) -> None:
    r = assess(ID, BODY, {"license": lic})
    assert r.points == 2, (lic, r.rationale)
    assert any(e.field == "card:license" for e in r.evidence)


def test_osi_licence_file_is_full() -> None:
    r = assess(ID, BODY, None, files={"LICENSE": MIT})
    assert r.points == 2, r.rationale
    assert any(e.path == "LICENSE" for e in r.evidence)


RESTRICTED = [
    {"license": "llama2"},
    {"license": "llama3.1"},
    {"license": "openrail"},
    {"license": "creativeml-openrail-m"},
    {"license": "bigscience-openrail-m"},
    {"license": "gemma"},
    {"license": "cc-by-nc-4.0"},
    {"license": "cc-by-nc-sa-4.0"},
    {"license": "other", "license_name": "deepseek", "license_link": "LICENSE"},
]


@settings(max_examples=25, deadline=None)
@given(meta=st.sampled_from(RESTRICTED), code_mit=st.booleans())
def test_use_restricted_weights_licences_score_zero(meta: dict, code_mit: bool) -> None:
    files = {"LICENSE-CODE": MIT, "inference.py": "import torch\nprint(torch.ones(1))\n"} if code_mit else None
    r = assess(ID, BODY, meta, files=files)
    assert r.points == 0, (meta, r.rationale)


LLAMA2_TEXT = (
    "LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023\n\n\"Agreement\" means the terms "
    "and conditions for use, reproduction, distribution and modification of the Llama Materials set forth herein.\n"
)


@settings(max_examples=25, deadline=None)
@given(where=st.sampled_from(["file", "prose"]), name=st.sampled_from(["CC-BY-NC-4.0", "the Llama 3 Community License", "OpenRAIL-M"]))
def test_restricted_terms_in_a_file_or_the_prose_score_zero(where: str, name: str) -> None:
    if where == "file":
        r = assess(ID, BODY, None, files={"LICENSE": LLAMA2_TEXT})
    else:
        r = assess(ID, BODY + f"\n## License\n\nThis model is licensed under {name}.\n", None)
    assert r.points == 0, (where, name, r.rationale)


def test_a_non_commercial_weights_file_governs_beside_open_metadata() -> None:
    """The least open identified statement governs the weights."""
    r = assess(ID, BODY, {"license": "apache-2.0"},
               files={"MODEL_LICENSE": "The weights may be used for non-commercial research purposes only.\n"})
    assert r.points == 0, r.rationale
    assert any(e.path == "MODEL_LICENSE" for e in r.evidence)


def test_cc_by_weights_are_partial() -> None:
    for lic in ("cc-by-4.0", "cc-by-sa-4.0"):
        r = assess(ID, BODY, {"license": lic})
        assert r.points == 1, (lic, r.rationale)


def test_a_code_licence_never_stands_in_for_the_weights_licence() -> None:
    """The openwashing case of the issue: `license: other`, the code repository's MIT LICENSE and
    a MODEL_LICENSE restricting the weights to non-commercial research."""
    meta = {"license": "other", "commercial": False}
    code = {
        "README.md": "# acme\n\nThe code for Acme-7B.\n",
        "LICENSE": MIT,
        "MODEL_LICENSE.md": (
            "Acme Model License\n\nThe model weights may be used for non-commercial research purposes "
            "only. Commercial use is prohibited.\n"
        ),
        "inference.py": "import torch\n",
    }
    r = assess(ID, BODY, meta, code=code)
    assert r.points == 0, r.rationale
    assert "MIT" not in r.rationale or "weights" in r.rationale


def test_a_code_repository_mit_alone_does_not_license_the_weights() -> None:
    code = {"README.md": "# acme\n\nThe code for Acme-7B.\n", "LICENSE": MIT, "inference.py": "import torch\n"}
    r = assess(ID, BODY, None, code=code)
    assert r.points < 2, r.rationale


def test_prose_only_licence_is_partial() -> None:
    r = assess(ID, BODY + "\n## License\n\nThe model is released under the Apache 2.0 license.\n", None)
    assert r.points == 1, r.rationale
    assert "Apache" in quotes(r)


def test_unnamed_other_is_unknown() -> None:
    r = assess(ID, BODY, {"license": "other"})
    assert r.status.value == "unknown", r.rationale


def test_no_licence_is_unmet() -> None:
    r = assess(ID, BODY, None)
    assert r.points == 0 and r.status.value == "unmet", r.rationale

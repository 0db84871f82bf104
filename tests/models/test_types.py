"""Types to the leaves (issue 12.3): the scorecard's nested records are typed, stored evaluations
still load and are written back byte for byte, evidence kinds are an enum, and mypy is clean."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from truecard.models import (
    ArtifactLicenseRecord,
    Evidence,
    EvidenceKind,
    Frameworks,
    ModelCardSummary,
    MofView,
    PolicyView,
    Scorecard,
    VerifyResult,
)
from truecard.reports.literal import json_safe

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "truecard" / "store" / "data" / "demo-evaluations.jsonl.gz"


def _any_open_object(node: Any) -> bool:
    """True when a JSON Schema node (or one it is built of, without following $ref) is a free dict."""
    if not isinstance(node, dict):
        return False
    if node.get("additionalProperties") is True:
        return True
    return any(_any_open_object(n) for n in node.get("anyOf", []) + node.get("items", {}).get("anyOf", [])) or (
        _any_open_object(node["items"]) if isinstance(node.get("items"), dict) else False
    )


def test_the_four_leaves_are_typed_in_the_schema() -> None:
    props = Scorecard.model_json_schema()["properties"]
    for name in ("licenses", "frameworks", "model_card", "verification"):
        assert not _any_open_object(props[name]), (name, props[name])
    defs = Scorecard.model_json_schema()["$defs"]
    assert defs["MofView"]["additionalProperties"] is False and "class" in defs["MofView"]["properties"]
    assert defs["Frameworks"]["additionalProperties"] is not True  # policy views typed, others kept as JSON


def test_stored_evaluations_validate_and_round_trip_byte_for_byte() -> None:
    n = 0
    with gzip.open(DEMO, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)["scorecard"]
            card = Scorecard.model_validate(doc)
            assert json.loads(card.model_dump_json()) == doc
            n += 1
    assert n > 100


def test_scan_json_is_the_typed_scorecard_written_back() -> None:
    import truecard

    card = truecard.scan(ROOT / "examples" / "tiny-open-model", frameworks=["mof", "osaid", "osai"])
    assert isinstance(card.frameworks.mof, MofView) and isinstance(card.model_card, ModelCardSummary)
    assert all(isinstance(r, ArtifactLicenseRecord) for r in card.licenses)
    text = json_safe(card.model_dump_json(indent=2))
    assert json_safe(Scorecard.model_validate_json(text).model_dump_json(indent=2)) == text
    data = json.loads(text)
    # keys that were never set are not written: a MOF component without a licence has no
    # `type_appropriate`, one the model does not list has no `evidence`
    comps = data["frameworks"]["mof"]["components"]
    assert any("type_appropriate" not in c for c in comps) and any("evidence" not in c for c in comps)
    assert all("class" in c and "mof_class" not in c for c in comps)
    assert "class" in data["licenses"][0] and "license_class" not in data["licenses"][0]


def test_frameworks_holds_policies_and_foreign_views() -> None:
    fw = Frameworks.model_validate({
        "policy:acme": {"policy": "acme", "file": "p.yaml", "description": "", "basis": "detected",
                        "passed": False, "checks": [], "failures": ["x"]},
        "true-reference-tool": {"id": "r1", "scores": {"transparent": {"license": True}}},
    })
    assert isinstance(fw["policy:acme"], PolicyView) and fw.policies[0].failures == ["x"]
    assert fw["true-reference-tool"] == {"id": "r1", "scores": {"transparent": {"license": True}}}
    assert fw.keys() == ["policy:acme", "true-reference-tool"] and "mof" not in fw
    assert json.loads(fw.model_dump_json())["true-reference-tool"]["id"] == "r1"
    with pytest.raises(KeyError):
        fw["mof"]
    with pytest.raises(ValueError, match="passed"):
        Frameworks.model_validate({"policy:bad": {"policy": "bad", "checks": [], "failures": []}})


def test_verification_is_the_typed_verify_result() -> None:
    from truecard.verify import VerifyResult as FromVerify

    assert FromVerify is VerifyResult  # one class, defined beside the scorecard
    with pytest.raises(ValueError):
        VerifyResult.model_validate({"truecard_version": "0", "source": "s", "location": "l",
                                     "status": "maybe", "summary": ""})


def test_evidence_kinds_are_an_enum_and_unknown_kinds_survive() -> None:
    e = Evidence(kind="card-section", summary="s")
    assert e.kind is EvidenceKind.CARD_SECTION
    other = Evidence.model_validate_json('{"kind": "from-a-newer-version", "summary": "s"}')
    assert other.kind == "from-a-newer-version" and not isinstance(other.kind, EvidenceKind)
    assert json.loads(other.model_dump_json())["kind"] == "from-a-newer-version"


def test_every_kind_a_scan_produces_is_an_evidence_kind() -> None:
    import truecard

    card = truecard.scan(ROOT / "examples" / "tiny-open-model", frameworks=["mof", "osaid", "osai"])
    found: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if "kind" in x and "summary" in x:
                found.add(x["kind"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(json.loads(card.model_dump_json()))
    with gzip.open(DEMO, "rt", encoding="utf-8") as fh:
        for line in fh:
            walk(json.loads(line)["scorecard"])
    assert found and found <= {k.value for k in EvidenceKind}, found - {k.value for k in EvidenceKind}


def test_mypy_is_clean_on_the_package() -> None:
    """`python -m mypy src/truecard` (config in pyproject's [tool.mypy]) reports no error."""
    if importlib.util.find_spec("mypy") is None:
        if os.environ.get("CI"):
            pytest.fail("mypy is not installed (it is a dev dependency)")
        pytest.skip("mypy is not installed")
    out = subprocess.run([sys.executable, "-m", "mypy", "src/truecard"], capture_output=True, text=True,
                         cwd=ROOT, timeout=900, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]

"""BOMs a repository ships are read as declared evidence: a CycloneDX BOM saying Apache-2.0 over a
Llama licence file is a licence conflict; an SPDX 3 document is read with spdx-python-model."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import truecard
from support.files import write, write_safetensors
from truecard.reports import render

LLAMA31 = (
    "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n"
    '"Agreement" means the terms and conditions for use, reproduction, distribution and modification of the '
    "Llama Materials set forth herein.\nIf you distribute or make available the Llama Materials, you shall "
    'prominently display "Built with Llama" on a related website.\n'
)


def _cdx(license_id: str = "Apache-2.0") -> dict:
    return {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "metadata": {"component": {
            "type": "machine-learning-model", "bom-ref": "model", "name": "shipped-model",
            "licenses": [{"license": {"id": license_id}}],
            "modelCard": {"modelParameters": {"datasets": [{"type": "dataset", "name": "wikitext-103"}]}},
        }},
        "components": [{"type": "data", "bom-ref": "c4", "name": "allenai/c4"}],
    }


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    d = tmp_path / "model"
    write(d / "README.md", "# A model\n\nWeights in model.safetensors.\n")
    write_safetensors(d / "model.safetensors")
    for name, text in files.items():
        write(d / name, text)
    return d


def test_cyclonedx_bom_declaring_apache_over_a_llama_licence_is_a_conflict(tmp_path: Path) -> None:
    d = _folder(tmp_path, {"LICENSE": LLAMA31, "sbom.cdx.json": json.dumps(_cdx(), indent=2)})
    card = truecard.scan(d)
    (bom,) = card.integrity.declared
    assert bom.format == "cyclonedx" and bom.spec_version == "1.6" and bom.subject == "shipped-model"
    assert bom.licenses == ["Apache-2.0"] and bom.datasets == ["allenai/c4", "wikitext-103"]
    assert bom.problems == []  # a valid CycloneDX 1.6 document
    assert str(bom.evidence.origin) == "declared"
    conflicts = [w for w in card.warnings if "conflict" in w and "sbom.cdx.json" in w]
    assert conflicts and "Apache-2.0" in conflicts[0] and "llama3.1" in conflicts[0], card.warnings
    weights = next(r for r in card.licenses if getattr(r, "artifact", None) == "weights")
    declared = [f.model_dump() for f in weights.findings if f.how == "declared"]
    assert declared and declared[0]["evidence"]["origin"] == "declared"
    text = (d / "sbom.cdx.json").read_text().splitlines()
    line = declared[0]["evidence"]["line_start"]
    assert line and '"Apache-2.0"' in text[line - 1]  # cites the BOM's line
    assert weights.license_class == "restricted"  # the BOM never overrides the licence file


def test_agreeing_bom_is_no_conflict_and_declared_alone_is_not_a_clear_licence(tmp_path: Path) -> None:
    agree = _folder(tmp_path / "a", {"sbom.cdx.json": json.dumps(_cdx("MIT")),
                                     "LICENSE": (Path(__file__).parents[2] / "examples/tiny-open-model/LICENSE").read_text()})
    assert not [w for w in truecard.scan(agree).warnings if "sbom.cdx.json" in w]
    alone = _folder(tmp_path / "b", {"sbom.cdx.json": json.dumps(_cdx("MIT"))})
    card = truecard.scan(alone)
    lic = card.criterion("transparent.license")
    assert lic.points < 2 and lic.detected_points < 2


def test_invalid_cyclonedx_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    bad = _cdx()
    bad["metadata"]["component"]["type"] = "spaceship"
    d = _folder(tmp_path, {"bom.json": json.dumps(bad), "other.cdx.json": "{not json"})
    (bom,) = truecard.scan(d).integrity.declared
    assert bom.problems and "spaceship" in " ".join(bom.problems)


def test_shipped_spdx3_document_is_read_with_spdx_python_model(tmp_path: Path) -> None:
    spdx = pytest.importorskip("spdx_python_model").v3_0_1
    ns = "https://example.org/spdx/shipped/"
    agent = spdx.Organization(_id=ns + "org", name="Example Lab")
    ci = spdx.CreationInfo(specVersion="3.0.1", created=datetime(2025, 1, 1, tzinfo=UTC), createdBy=[agent])
    agent.creationInfo = ci
    pkg = spdx.ai_AIPackage(_id=ns + "model", name="shipped-model", creationInfo=ci,
                            software_primaryPurpose=spdx.software_SoftwarePurpose.model)
    data = spdx.dataset_DatasetPackage(_id=ns + "data", name="the-pile", creationInfo=ci,
                                       dataset_datasetType=[spdx.dataset_DatasetType.text])
    lic = spdx.simplelicensing_LicenseExpression(_id=ns + "lic", creationInfo=ci,
                                                 simplelicensing_licenseExpression="Apache-2.0")
    rels = [spdx.Relationship(_id=ns + "r1", creationInfo=ci, from_=pkg, to=[lic],
                              relationshipType=spdx.RelationshipType.hasDeclaredLicense),
            spdx.Relationship(_id=ns + "r2", creationInfo=ci, from_=pkg, to=[data],
                              relationshipType=spdx.RelationshipType.trainedOn)]
    doc = spdx.SpdxDocument(_id=ns + "doc", creationInfo=ci, rootElement=[pkg], element=[pkg, data, lic, *rels])
    text = json.dumps(spdx.JSONLDSerializer().serialize_data(spdx.SHACLObjectSet([agent, pkg, data, lic, doc, *rels])))
    d = _folder(tmp_path, {"LICENSE": LLAMA31, "model.spdx3.json": text})
    card = truecard.scan(d)
    (bom,) = card.integrity.declared
    assert bom.format == "spdx3" and bom.subject == "shipped-model"
    assert bom.licenses == ["Apache-2.0"] and bom.datasets == ["the-pile"]
    assert any("conflict" in w and "model.spdx3.json" in w for w in card.warnings), card.warnings
    assert "shipped spdx3 BOM model.spdx3.json declares Apache-2.0" in render(card, "markdown")


def test_dependencies_and_truecards_own_output_are_not_the_models_licence(tmp_path: Path) -> None:
    sbom = _cdx("MIT")
    sbom["components"].append({"type": "library", "name": "some-gpl-dep", "licenses": [{"license": {"id": "GPL-3.0-only"}}]})
    sbom["components"].append({"type": "machine-learning-model", "name": "base-model",
                               "licenses": [{"license": {"id": "CC-BY-NC-4.0"}}]})
    d = _folder(tmp_path / "a", {"LICENSE": (Path(__file__).parents[2] / "examples/tiny-open-model/LICENSE").read_text(),
                                 "sbom.cdx.json": json.dumps(sbom)})
    card = truecard.scan(d)
    (bom,) = card.integrity.declared
    assert bom.licenses == ["MIT"] and not [w for w in card.warnings if "conflict" in w]
    # truecard's own BOM committed back into the repository is not evidence (it would be circular)
    own = truecard.scan(_two := _folder(tmp_path / "b", {"LICENSE": LLAMA31}))
    write(_two / "truecard.spdx3.json", render(own, "spdx3"))
    write(_two / "truecard.cdx.json", render(own, "cyclonedx"))
    again = truecard.scan(_two)
    assert {b.path for b in again.integrity.declared} == {"truecard.spdx3.json", "truecard.cdx.json"}
    assert all(b.licenses == [] and "written by truecard" in b.problems[0] for b in again.integrity.declared)
    assert not [f for r in again.licenses for f in getattr(r, "findings", []) if f.how == "declared"]

"""`-f spdx3`: SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, read back with
spdx-python-model's deserialiser: the AI package, its fields, trainedOn, licences, evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import truecard
from support.files import EXAMPLE, write, write_safetensors
from truecard.cli import _load_commands, app
from truecard.reports import render

spdx_python_model = pytest.importorskip("spdx_python_model")
from truecard.reports.spdx3 import license_expression, validate  # noqa: E402

LLAMA31 = (
    "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n"
    '"Agreement" means the terms and conditions for use, reproduction, distribution and modification of the '
    "Llama Materials set forth herein.\nIf you distribute or make available the Llama Materials, you shall "
    'prominently display "Built with Llama" on a related website.\n'
)
TWO_DATASETS = """\
---
license: apache-2.0
pipeline_tag: text-generation
datasets:
- allenai/c4
- wikimedia/wikipedia
---
# Two-dataset model

## Training

Trained for 3 epochs on allenai/c4 and wikimedia/wikipedia. Training consumed 12.5 MWh of energy.

## Limitations

It makes things up; not for medical advice.
"""


def _load(text: str) -> tuple[Any, Any]:
    return spdx_python_model.load_data(json.loads(text))


def _by_type(model: Any, objset: Any, cls: str) -> list[Any]:
    return list(objset.foreach_type(getattr(model, cls)))


def _rels(model: Any, objset: Any, rtype: str, frm: Any) -> list[Any]:
    return [r for r in _by_type(model, objset, "Relationship")
            if str(r.relationshipType).endswith(rtype) and (r.from_ is frm or r.from_ == frm._id)]


def _two_datasets(tmp_path: Path) -> Path:
    d = tmp_path / "two"
    write(d / "README.md", TWO_DATASETS)
    write(d / "LICENSE", LLAMA31)
    write(d / "config.json", json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}))
    write(d / "train_config.json", json.dumps({"learning_rate": 0.0003, "num_train_epochs": 3,
                                               "per_device_train_batch_size": 8, "optimizer": "adamw"}, indent=1))
    write_safetensors(d / "model.safetensors")
    return d


def test_example_exports_and_reads_back() -> None:
    card = truecard.scan(EXAMPLE)
    text = render(card, "spdx3")
    assert validate(text) == []
    doc = json.loads(text)
    assert doc["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    model, objset = _load(text)
    (pkg,) = _by_type(model, objset, "ai_AIPackage")
    assert pkg.name == "tiny-open-model"
    assert str(pkg.software_primaryPurpose).endswith("model")
    assert "gpt2" in list(pkg.ai_typeOfModel)
    assert list(pkg.ai_domain) == ["text-generation"]
    hps = {e.key: e.value for e in pkg.ai_hyperparameter}
    assert hps.get("learning_rate") == "0.001" and hps.get("lora.r") == "4"
    (trained,) = _rels(model, objset, "trainedOn", pkg)
    assert [t.name for t in trained.to] == ["truecard/tiny-corpus"]
    files = [f for f in _by_type(model, objset, "software_File") if f.name == "model.safetensors"]
    assert files and files[0].verifiedUsing[0].hashValue == next(
        s.evidence.sha256 for s in card.integrity.serialization if s.path == "model.safetensors")
    (declared,) = _rels(model, objset, "hasDeclaredLicense", pkg)
    (concluded,) = _rels(model, objset, "hasConcludedLicense", pkg)
    assert declared.to[0].simplelicensing_licenseExpression == "MIT"
    assert concluded.to[0].simplelicensing_licenseExpression == "MIT"
    (sdoc,) = _by_type(model, objset, "SpdxDocument")
    profiles = {str(p).rsplit("/", 1)[-1] for p in sdoc.profileConformance}
    assert {"core", "software", "ai", "dataset"} <= profiles
    notes = [a.statement for a in _by_type(model, objset, "Annotation") if a.subject is pkg or a.subject == pkg._id]
    assert any(n.startswith("truecard evidence for hyperparameter learning_rate") and "configs/" in n for n in notes)
    assert any(n.startswith("TRUE ") for n in notes)


def test_two_datasets_trained_on_and_declared_differs_from_concluded(tmp_path: Path) -> None:
    card = truecard.scan(_two_datasets(tmp_path))
    text = render(card, "spdx3")
    assert validate(text) == []
    model, objset = _load(text)
    (pkg,) = _by_type(model, objset, "ai_AIPackage")
    datasets = _by_type(model, objset, "dataset_DatasetPackage")
    assert sorted(d.name for d in datasets) == ["allenai/c4", "wikimedia/wikipedia"]
    assert {d.software_downloadLocation for d in datasets} == {
        "https://huggingface.co/datasets/allenai/c4", "https://huggingface.co/datasets/wikimedia/wikipedia"}
    (trained,) = _rels(model, objset, "trainedOn", pkg)
    assert sorted(t.name for t in trained.to) == ["allenai/c4", "wikimedia/wikipedia"]
    for d in datasets:  # each dataset carries the locator of the card line that named it
        notes = [a.statement for a in _by_type(model, objset, "Annotation") if a.subject is d]
        assert notes and "README.md" in notes[0]
    (declared,) = _rels(model, objset, "hasDeclaredLicense", pkg)
    (concluded,) = _rels(model, objset, "hasConcludedLicense", pkg)
    assert declared.to[0].simplelicensing_licenseExpression == "Apache-2.0"
    assert concluded.to[0].simplelicensing_licenseExpression == "LicenseRef-llama3.1"
    notes = {a.subject._id if hasattr(a.subject, "_id") else a.subject: a.statement
             for a in _by_type(model, objset, "Annotation")}
    assert "README.md" in notes[declared._id] and "card:license" in notes[declared._id]
    assert "differs from the declared licence" in notes[concluded._id] and " LICENSE:" in notes[concluded._id]
    hps = {e.key: e.value for e in pkg.ai_hyperparameter}
    assert hps["learning_rate"] == "0.0003" and hps["per_device_train_batch_size"] == "8"
    (desc,) = pkg.ai_energyConsumption.ai_trainingEnergyConsumption
    assert desc.ai_energyQuantity == pytest.approx(12500.0) and str(desc.ai_energyUnit).endswith("kilowattHour")
    assert "medical" in pkg.ai_limitation
    assert "Trained for 3 epochs" in pkg.ai_informationAboutTraining


def test_unknown_licence_is_no_assertion_and_nothing_is_invented(tmp_path: Path) -> None:
    d = tmp_path / "bare"
    write(d / "README.md", "# bare\n")
    text = render(truecard.scan(d), "spdx3")
    assert validate(text) == []
    model, objset = _load(text)
    (pkg,) = _by_type(model, objset, "ai_AIPackage")
    (declared,) = _rels(model, objset, "hasDeclaredLicense", pkg)
    assert str(declared.to[0]).endswith("NoAssertionLicense")
    assert pkg.software_downloadLocation is None and pkg.releaseTime is None and pkg.suppliedBy is None
    assert not _by_type(model, objset, "dataset_DatasetPackage")


def test_licence_expressions() -> None:
    assert license_expression("apache-2.0") == "Apache-2.0"
    assert license_expression("MIT AND CC-BY-4.0") == "MIT AND CC-BY-4.0"
    assert license_expression("llama3.1") == "LicenseRef-llama3.1"
    assert license_expression("") is None


def test_validate_reports_a_broken_document() -> None:
    assert validate("{}")
    assert validate(json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}))
    doc = json.loads(render(truecard.scan(EXAMPLE), "spdx3"))
    doc["@graph"] = [o for o in doc["@graph"] if o.get("relationshipType") != "hasConcludedLicense"]
    assert any("hasConcludedLicense" in e for e in validate(json.dumps(doc)))


def test_cli_scan_and_render(tmp_path: Path) -> None:
    _load_commands()
    out, saved = tmp_path / "bom.spdx3.json", tmp_path / "card.json"
    r = CliRunner().invoke(app, ["scan", str(EXAMPLE), "-f", "spdx3", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert validate(out.read_text()) == []
    r = CliRunner().invoke(app, ["scan", str(EXAMPLE), "-f", "json", "-o", str(saved)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["render", str(saved), "-f", "spdx3"])
    assert r.exit_code == 0, r.output
    model, objset = _load(r.stdout)
    assert [p.name for p in _by_type(model, objset, "ai_AIPackage")] == ["tiny-open-model"]

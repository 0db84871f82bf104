"""The CycloneDX ML-BOM's modelCard filled from evidence: declared and concluded licences,
hyperparameters and energy with their locators, datasets with the line that named them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_spdx3 import _two_datasets

import truecard
from truecard.reports import render

pytest.importorskip("cyclonedx")
from truecard.reports.cyclonedx_report import validate


def test_model_card_from_evidence(tmp_path: Path) -> None:
    card = truecard.scan(_two_datasets(tmp_path))
    text = render(card, "cyclonedx")
    assert validate(text) == []
    bom = json.loads(text)
    model = bom["metadata"]["component"]
    lic = sorted((x["license"]["acknowledgement"], x["license"].get("id") or x["license"]["name"])
                 for x in model["licenses"])
    assert lic == [("concluded", "llama3.1"), ("declared", "Apache-2.0")]
    mc = model["modelCard"]
    props = {p["name"]: p["value"] for p in mc["properties"]}
    assert props["truecard:hyperparameter:learning_rate"] == "0.0003"
    assert props["truecard:evidence:hyperparameter:learning_rate"].startswith("train_config.json:")
    energy = mc["considerations"]["environmentalConsiderations"]["properties"]
    assert {"name": "truecard:energy:training", "value": "12.5 MWh"} in energy
    assert "medical" in mc["considerations"]["technicalLimitations"][0]
    data = {c["name"]: c for c in bom["components"] if c["type"] == "data"}
    assert set(data) == {"allenai/c4", "wikimedia/wikipedia"}
    ev = {p["name"]: p["value"] for p in data["allenai/c4"]["properties"]}
    assert ev["truecard:evidence"].startswith("README.md:")
    assert mc["modelParameters"]["datasets"] == [{"ref": "dataset:allenai/c4"}, {"ref": "dataset:wikimedia/wikipedia"}]
    files = [c for c in bom["components"] if c["type"] == "file"]
    assert files and any(p["name"] == "truecard:integrity" and p["value"].startswith("code-free")
                         for p in files[0]["properties"])

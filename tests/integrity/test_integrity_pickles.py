"""Pickle safety without unpickling: hostile pickles flagged (and never run), plain state dicts safe,
code-free formats named, the result in every output format."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import truecard
from support.files import EXAMPLE, ROOT, write, write_safetensors
from truecard.cli import app
from truecard.integrity.pickles import judge
from truecard.models import Scorecard
from truecard.reports import render
from truecard.sources.base import SourceInfo
from truecard.sources.memory import MemoryTree

SCHEMAS = ROOT / "tests" / "data" / "schemas"


def _marker_pickle(marker: Path, how: str = "system", protocol: int = 4) -> bytes:
    """A pickle whose loading would create `marker` (os.system or builtins.exec)."""

    class Boom:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            if how == "system":
                return (os.system, (f"touch {marker}",))
            return (exec, (f"open({str(marker)!r}, 'w').close()",))

    return pickle.dumps({"state_dict": Boom()}, protocol=protocol)


def _torch_zip_with(pkl: bytes) -> bytes:
    """A PyTorch-style zip archive (archive/data.pkl) around the given pickle stream."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/version", "3\n")
    return buf.getvalue()


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    d = tmp_path / "hostile"
    marker = tmp_path / "MARKER"
    write(d / "README.md", "---\nlicense: mit\n---\n# A model\n")
    (d / "pytorch_model.bin").write_bytes(_marker_pickle(marker, "system", protocol=2))
    (d / "optimizer.pt").write_bytes(_torch_zip_with(_marker_pickle(marker, "exec")))
    (d / "extra" / "model.pkl").parent.mkdir(parents=True)
    (d / "extra" / "model.pkl").write_bytes(_marker_pickle(marker, "exec", protocol=0))
    write_safetensors(d / "model.safetensors")
    return d, marker


def test_hostile_pickles_are_unsafe_and_never_run(hostile: tuple[Path, Path]) -> None:
    d, marker = hostile
    card = truecard.scan(d)
    assert not marker.exists()  # nothing was unpickled
    by = {s.path: s for s in card.integrity.serialization}
    assert by["model.safetensors"].verdict == "code-free" and by["model.safetensors"].code_free
    for path, glob in (("pytorch_model.bin", "system"), ("optimizer.pt", "exec"), ("extra/model.pkl", "exec")):
        s = by[path]
        assert s.verdict == "unsafe", (path, s)
        bad = [i for i in s.imports if i.verdict == "dangerous"]
        assert bad and bad[0].name == glob, s.imports
        assert glob in s.message
    assert by["optimizer.pt"].format == "pytorch-zip"
    assert any(w.startswith("unsafe pickle: pytorch_model.bin") for w in card.warnings)
    assert not marker.exists()


def test_plain_torch_state_dict_is_safe(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    d = tmp_path / "m"
    d.mkdir()
    layer = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))
    torch.save(layer.state_dict(), d / "pytorch_model.bin")
    torch.save(layer.state_dict(), d / "legacy.pt", _use_new_zipfile_serialization=False)
    torch.save({"model": layer.state_dict(), "step": 7}, d / "last.ckpt")
    torch.save(layer, d / "whole_module.pt")  # a pickled nn.Module: imports classes, not safe to load
    card = truecard.scan(d)
    by = {s.path: s for s in card.integrity.serialization}
    for path in ("pytorch_model.bin", "legacy.pt", "last.ckpt"):
        assert by[path].verdict == "safe", by[path]
        names = {f"{i.module}.{i.name}" for i in by[path].imports}
        assert "torch._utils._rebuild_tensor_v2" in names and all(i.verdict == "allowed" for i in by[path].imports)
    assert by["pytorch_model.bin"].format == "pytorch-zip" and by["legacy.pt"].format == "pickle"
    whole = by["whole_module.pt"]
    assert whole.verdict == "unsafe"
    assert {i.verdict for i in whole.imports if i.module.startswith("torch.nn")} == {"unlisted"}
    assert not [w for w in card.warnings if "pytorch_model.bin" in w]


def test_remote_tree_is_scanned_through_ranged_reads(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    tree = MemoryTree(info=SourceInfo(id="mem:x", kind="memory", location="mem"), files={
        "README.md": b"# remote\n",
        "weights.pt": _torch_zip_with(_marker_pickle(marker)),
        "tokenizer.bin": b"\x00\x01 raw bytes, not a pickle",
    })
    assert tree.local_path("weights.pt") is None
    card = truecard.scan(tree)
    by = {s.path: s for s in card.integrity.serialization}
    assert by["weights.pt"].verdict == "unsafe"
    assert "tokenizer.bin" not in by  # not pickle-based: nothing to judge
    assert not marker.exists()


def test_gguf_is_code_free(tmp_path: Path) -> None:
    import numpy as np
    from gguf import GGUFWriter

    d = tmp_path / "g"
    d.mkdir()
    w = GGUFWriter(str(d / "model.gguf"), "llama")
    w.add_tensor("t", np.zeros((2, 2), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    card = truecard.scan(d)
    assert [(s.path, s.format, s.verdict) for s in card.integrity.serialization] == [("model.gguf", "gguf", "code-free")]


def test_allow_list_is_narrow() -> None:
    assert judge("torch._utils", "_rebuild_tensor_v2", "innocuous") == "allowed"
    assert judge("collections", "OrderedDict", "innocuous") == "allowed"
    assert judge("builtins", "eval", "dangerous") == "dangerous"
    assert judge("torch.storage", "_load_from_bytes", "suspicious") == "unlisted"
    assert judge("argparse", "Namespace", "suspicious") == "unlisted"


def test_integrity_in_every_output(hostile: tuple[Path, Path]) -> None:
    d, marker = hostile
    card = truecard.scan(d)
    doc = json.loads(render(card, "json"))
    assert doc["integrity"]["serialization"] and Scorecard.model_validate(doc).integrity.unsafe
    assert "Integrity" in render(card, "table") and "unsafe pickle pytorch_model.bin" in render(card, "table")
    md = render(card, "markdown")
    assert "## Integrity" in md and "**unsafe pickle pytorch_model.bin" in md
    html = render(card, "html")
    assert 'id="integrity"' in html and "unsafe pickle pytorch_model.bin" in html
    sarif = json.loads(render(card, "sarif", base_dir=d))
    jsonschema.Draft4Validator(json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())).validate(sarif)
    errors = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
    assert {r["ruleId"] for r in errors} == {"integrity/unsafe-pickle"}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in errors} == {
        "pytorch_model.bin", "optimizer.pt", "extra/model.pkl"}
    rule = next(r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "integrity/unsafe-pickle")
    assert rule["defaultConfiguration"]["level"] == "error"
    cdx = json.loads(render(card, "cyclonedx"))
    props = {p["name"]: p["value"] for p in cdx["metadata"]["component"]["properties"]}
    assert "truecard:integrity:serialization:unsafe" in props
    assert not marker.exists()


def test_example_has_only_code_free_weights_and_no_errors() -> None:
    card = truecard.scan(EXAMPLE)
    assert {s.verdict for s in card.integrity.serialization} == {"code-free"}
    assert not [r for r in json.loads(render(card, "sarif"))["runs"][0]["results"] if r["level"] == "error"]
    assert "signature: none found" in render(card, "markdown")


def test_cli_scan_json_carries_integrity(hostile: tuple[Path, Path]) -> None:
    d, marker = hostile
    r = CliRunner().invoke(app, ["scan", str(d), "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert sorted(s["path"] for s in doc["integrity"]["serialization"] if s["verdict"] == "unsafe") == [
        "extra/model.pkl", "optimizer.pt", "pytorch_model.bin"]
    assert not marker.exists()


def test_oversized_archive_member_and_corrupt_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from truecard.integrity import pickles

    monkeypatch.setattr(pickles, "MEMBER_LIMIT", 1024)
    d = tmp_path / "z"
    write(d / "README.md", "# z\n")
    (d / "big.pt").write_bytes(_torch_zip_with(pickle.dumps({"pad": b"x" * 4096}, protocol=4)))
    (d / "broken.pt").write_bytes(_torch_zip_with(pickle.dumps({"a": 1}))[:40])
    by = {s.path: s for s in truecard.scan(d).integrity.serialization}
    assert by["big.pt"].verdict == "not-scanned" and "archive/data.pkl" in by["big.pt"].message
    assert by["broken.pt"].verdict == "error"

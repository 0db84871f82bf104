"""ONNX models run through onnxruntime (an optional dependency, outside the run extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from truecard.verify import verify


def test_onnx_model_runs(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from support.tiny_models import write_onnx

    d = write_onnx(tmp_path / "onnx")
    res = verify(d, timeout=120, finetune=True)
    inf = res.inference
    assert inf.ok, inf.error
    assert inf.loader == "onnxruntime (CPUExecutionProvider)"
    assert inf.output["outputs"] == {"logits": [1, 5, 16]}
    assert inf.parameters.in_weights == 16 * 8 * 2
    # No fine-tuning of an inference export: said so, not pretended.
    assert res.finetune is not None and res.finetune.ok is not True
    assert "ONNX" in (res.finetune.error or "")
    assert res.status == "partial"

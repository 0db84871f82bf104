"""`verify()` on tiny models built by the tests: the sandboxed child really loads and runs them.

Each test here starts one child that imports torch and transformers (several seconds); the
cases are chosen so that every outcome the issue names is proven once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from support.tiny_models import gpt2_copy, leftovers, make_remote_code, private_tempdir, tiny_gpt2, tiny_llama  # noqa: F401 - private_tempdir is an autouse fixture
from truecard.verify import verify
from truecard.verify.core import CONFINED_NOTE

__all__ = ["gpt2_copy", "tiny_gpt2", "tiny_llama"]  # fixtures, used by name

pytestmark = pytest.mark.run


def test_runnable_model_passes_inference_and_finetuning(tiny_gpt2: Path) -> None:
    before = leftovers()
    res = verify(tiny_gpt2, finetune=True, timeout=300)
    inf = res.inference
    assert res.status == "passed", res.summary
    assert inf.ok and inf.loaded and inf.error is None
    assert inf.loader == "transformers AutoModelForCausalLM"
    assert inf.loader_basis == "usage code in README.md:12"
    assert inf.dtype == "float32"
    assert inf.output and inf.output["new_tokens"] == 8 and isinstance(inf.output["text"], str)
    pc = inf.parameters
    assert pc.loaded == pc.in_weights == pc.from_config and pc.loaded > 10_000
    assert pc.declared == pc.loaded and pc.matches_declared is True
    assert inf.peak_memory_mb and inf.peak_memory_mb > inf.baseline_memory_mb > 50
    assert 0 < inf.seconds < 120
    assert all(c.ok for c in res.static), res.static
    assert {c.name for c in res.static} >= {"weights-headers", "tokenizer", "shapes", "parameters"}
    ft = res.finetune
    assert ft is not None and ft.ok and ft.loss_finite and ft.weights_changed
    assert ft.method in ("lora", "full") and len(ft.losses) == 3
    assert ft.repo_files == [] and "ships no fine-tuning" in (ft.repo_note or "")
    assert res.sandbox and res.sandbox.exit == "exited normally"
    assert leftovers() <= before


def test_corrupted_shard_fails_with_the_loaders_error(gpt2_copy: Path) -> None:
    p = gpt2_copy / "model.safetensors"
    data = bytearray(p.read_bytes())
    data[8:40] = b"\x00not json at all, garbage here!!"
    p.write_bytes(bytes(data))
    res = verify(gpt2_copy, timeout=300)
    assert res.status == "failed"
    assert res.inference.ok is False and not res.inference.loaded
    headers = next(c for c in res.static if c.name == "weights-headers")
    assert headers.ok is False
    # The loader's own words, quoted: safetensors' error type and message.
    assert "SafetensorError" in res.inference.error
    assert "Error while deserializing header" in res.inference.error


def test_config_weights_shape_mismatch_detected(gpt2_copy: Path) -> None:
    cfg = json.loads((gpt2_copy / "config.json").read_text())
    cfg["n_embd"] = 64  # the weights are 32 wide
    (gpt2_copy / "config.json").write_text(json.dumps(cfg))
    res = verify(gpt2_copy, timeout=300)
    assert res.status == "failed"
    assert res.inference.ok is False
    shapes = next(c for c in res.static if c.name == "shapes")
    assert shapes.ok is False and "28 tensors disagree with config.json" in shapes.detail
    assert "weights [32, 96], config implies [64, 192]" in shapes.detail
    assert next(c for c in res.static if c.name == "config-vs-weights").ok is False
    assert "config and weights disagree" in res.inference.error
    assert "ignore_mismatched_sizes" in res.inference.error  # transformers' own message


def test_remote_code_runs_only_with_the_flag(gpt2_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "custom-code-ran"
    make_remote_code(gpt2_copy, marker)
    res = verify(gpt2_copy, timeout=300)
    assert res.status == "not-run" and res.inference.needs_remote_code
    assert "--trust-remote-code" in res.inference.error
    assert not marker.exists()
    res = verify(gpt2_copy, timeout=300, trust_remote_code=True)
    # with the flag the repository's code runs (MarkerForCausalLM is its own class), confined:
    # its write to the test's folder, outside the sandbox's own, was refused
    assert res.status == "passed", res.summary
    assert res.sandbox and res.sandbox.trust_remote_code
    assert CONFINED_NOTE in res.inference.notes
    assert not marker.exists()


def test_memory_limit_stops_the_child_not_us(tiny_gpt2: Path) -> None:
    res = verify(tiny_gpt2, timeout=300, memory_limit=120 << 20)
    inf = res.inference
    assert not res.too_large  # the weights fit; the run does not
    assert res.status == "failed" and inf.ok is False
    assert inf.memory_exceeded
    assert "120 MiB limit" in inf.error
    assert res.sandbox and res.sandbox.exit and res.sandbox.exit.startswith("killed")


def test_timeout_is_reported(tiny_gpt2: Path) -> None:
    res = verify(tiny_gpt2, timeout=1.0, finetune=True)
    assert res.status == "failed"
    assert res.inference.timed_out and "timed out after 1 s" in res.inference.error
    assert res.finetune is not None and res.finetune.ok is False


def test_too_large_is_checked_without_loading(tiny_llama: Path) -> None:
    weights = (tiny_llama / "model.safetensors").stat().st_size
    res = verify(tiny_llama, timeout=300, memory_limit=weights // 2, finetune=True)
    assert res.too_large
    assert res.status == "partial", res.summary
    assert res.inference.ok is None and not res.inference.attempted and not res.inference.loaded
    assert "not loaded" in res.inference.error
    names = {c.name: c.ok for c in res.static}
    assert names["shapes"] is True and names["parameters"] is True and names["tokenizer"] is True
    pc = res.inference.parameters
    assert pc.from_config and pc.in_weights and pc.loaded is None
    assert res.finetune is not None and res.finetune.ok is None  # not attempted, said why
    assert "too large" in res.finetune.error


def test_too_large_with_a_missing_shard_is_not_partial(tiny_llama: Path, tmp_path: Path) -> None:
    """Static checks alone still catch a broken release: a shard named but absent."""
    import shutil

    d = Path(shutil.copytree(tiny_llama, tmp_path / "m"))
    extra = {"lm_head.extra": np.zeros((2, 2), np.float32)}
    save_file(extra, str(d / "model-00002-of-00002.safetensors"))
    (d / "model.safetensors").rename(d / "model-00001-of-00002.safetensors")
    (d / "model-00002-of-00002.safetensors").unlink()
    res = verify(d, timeout=300, memory_limit=1000)
    assert res.too_large and res.status == "failed"
    headers = next(c for c in res.static if c.name == "weights-headers")
    assert headers.ok is False and "1 of 2 shards of model missing" in headers.detail
    assert res.sandbox and res.sandbox.exit is None  # nothing left to learn by starting a child


def test_gguf_release_is_read_and_run(tiny_llama: Path, tmp_path: Path) -> None:
    pytest.importorskip("gguf")
    from support.tiny_models import write_gguf

    d = write_gguf(tiny_llama, tmp_path / "gguf")
    res = verify(d, timeout=300)
    assert res.format == "gguf"
    assert res.status == "passed", res.summary
    gc = next(c for c in res.static if c.name == "gguf-tensors")
    assert gc.ok and "architecture 'llama'" in gc.detail and "tokenizer present" in gc.detail
    assert res.inference.parameters.in_weights == res.inference.parameters.loaded
    assert res.inference.output and res.inference.output["new_tokens"] == 8


def test_non_finite_weights_load_but_fail(gpt2_copy: Path) -> None:
    from safetensors.numpy import load_file

    p = gpt2_copy / "model.safetensors"
    weights = load_file(str(p))
    weights["transformer.wte.weight"][:] = np.nan
    save_file(weights, str(p), metadata={"format": "pt"})
    res = verify(gpt2_copy, timeout=300)
    assert res.inference.loaded and res.inference.ok is False
    assert res.status == "failed"
    assert "NaN or infinity" in res.inference.error


def test_full_step_without_peft_uses_only_the_learning_rate(
    gpt2_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (gpt2_copy / "lora.yaml").write_text("lora_r: 2\nlora_alpha: 4\nlearning_rate: 5.0e-3\n")
    hide = tmp_path / "hide-peft"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['peft'] = None\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hide), os.environ.get("PYTHONPATH", "")]))
    res = verify(gpt2_copy, timeout=300, finetune=True)
    ft = res.finetune
    assert ft is not None and ft.ok, ft
    assert ft.method == "full" and ft.trainable_parameters == res.inference.parameters.loaded
    assert ft.settings["learning_rate"] == 5e-3
    assert ft.used_repo_files == ["lora.yaml"] and "only the learning rate" in (ft.repo_note or "")

"""Checks made without loading (no torch needed): headers, shards, config, plan, settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from truecard.models import SourceInfo
from truecard.sources.memory import MemoryTree
from truecard.verify.sandbox import parse_size
from truecard.verify.static import analyse, declared_parameters

CONFIG = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 10,
          "n_embd": 4, "n_layer": 2, "n_head": 2}


def tensors(layers: int = 2, vocab: int = 10, width: int = 4) -> dict[str, np.ndarray]:
    out = {"transformer.wte.weight": np.zeros((vocab, width), np.float32)}
    for i in range(layers):
        out[f"transformer.h.{i}.ln_1.weight"] = np.ones(width, np.float32)
    return out


def folder(tmp_path: Path, config: dict | None = None, **files: str) -> Path:
    d = tmp_path / "m"
    d.mkdir(parents=True)
    (d / "config.json").write_text(json.dumps(config or CONFIG))
    (d / "tokenizer.json").write_text("{}")
    for name, text in files.items():
        (d / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (d / name.replace("__", "/")).write_text(text)
    return d


def check(rep, name):  # type: ignore[no-untyped-def]
    return next(c for c in rep.checks if c.name == name)


def test_consistent_single_file(tmp_path: Path) -> None:
    d = folder(tmp_path)
    save_file(tensors(), str(d / "model.safetensors"))
    rep = analyse(d)
    assert rep.ok, rep.checks
    assert rep.parameters_in_weights == 10 * 4 + 2 * 4
    assert check(rep, "config-vs-weights").ok is True
    assert rep.plan.loader == "transformers"
    assert rep.plan.auto_class == "AutoModelForCausalLM"
    assert "architectures" in rep.plan.basis


def test_config_disagrees_with_weights(tmp_path: Path) -> None:
    d = folder(tmp_path, {**CONFIG, "n_embd": 8, "n_layer": 3})
    save_file(tensors(), str(d / "model.safetensors"))
    c = check(analyse(d), "config-vs-weights")
    assert c.ok is False
    assert "hidden size 8" in c.detail and "3 layers" in c.detail


def test_shards_missing_and_index_inconsistent(tmp_path: Path) -> None:
    d = folder(tmp_path)
    t = tensors()
    names = sorted(t)
    save_file({names[0]: t[names[0]]}, str(d / "model-00001-of-00003.safetensors"))
    save_file({names[1]: t[names[1]]}, str(d / "model-00002-of-00003.safetensors"))
    index = {"metadata": {"total_size": 1}, "weight_map": {
        names[0]: "model-00001-of-00003.safetensors", names[1]: "model-00002-of-00003.safetensors",
        names[2]: "model-00003-of-00003.safetensors"}}
    (d / "model.safetensors.index.json").write_text(json.dumps(index))
    c = check(analyse(d), "weights-headers")
    assert c.ok is False
    assert "1 of 3 shards of model missing" in c.detail
    assert "names model-00003-of-00003.safetensors, which is missing" in c.detail


def test_shards_complete_but_index_points_elsewhere(tmp_path: Path) -> None:
    d = folder(tmp_path)
    t = tensors()
    a, b, c_ = sorted(t)
    save_file({a: t[a], b: t[b]}, str(d / "model-00001-of-00002.safetensors"))
    save_file({c_: t[c_]}, str(d / "model-00002-of-00002.safetensors"))
    index = {"weight_map": {a: "model-00002-of-00002.safetensors", b: "model-00001-of-00002.safetensors",
                            c_: "model-00002-of-00002.safetensors"}}
    (d / "model.safetensors.index.json").write_text(json.dumps(index))
    c = check(analyse(d), "weights-headers")
    assert c.ok is False and "not in the shard it names" in c.detail
    index["weight_map"][a] = "model-00001-of-00002.safetensors"
    (d / "model.safetensors.index.json").write_text(json.dumps(index))
    c = check(analyse(d), "weights-headers")
    assert c.ok is True and "2 shards consistent" in c.detail


def test_corrupt_header_and_missing_tokenizer(tmp_path: Path) -> None:
    d = folder(tmp_path)
    (d / "tokenizer.json").unlink()
    save_file(tensors(), str(d / "model.safetensors"))
    data = (d / "model.safetensors").read_bytes()
    (d / "model.safetensors").write_bytes(data[: len(data) // 2])
    rep = analyse(d)
    assert check(rep, "weights-headers").ok is False
    assert check(rep, "tokenizer").ok is False
    assert rep.parameters_in_weights is None


def test_no_weights(tmp_path: Path) -> None:
    rep = analyse(folder(tmp_path))
    assert rep.plan.loader is None
    assert check(rep, "weights").ok is False


def test_plan_follows_the_card_then_the_scripts(tmp_path: Path) -> None:
    card = "# m\n\n```python\nfrom transformers import AutoModelForMaskedLM\n```\n"
    d = folder(tmp_path, **{"README.md": card})
    save_file(tensors(), str(d / "model.safetensors"))
    plan = analyse(d).plan
    assert plan.auto_class == "AutoModelForMaskedLM" and plan.basis == "usage code in README.md:4"
    (d / "README.md").write_text("---\npipeline_tag: text2text-generation\n---\n# m\n")
    assert analyse(d).plan.auto_class == "AutoModelForSeq2SeqLM"
    (d / "run_inference.py").write_text("clf = pipeline('text-classification')\n")
    plan = analyse(d).plan
    assert plan.auto_class == "AutoModelForSequenceClassification"
    assert "run_inference.py:1" in plan.basis


def test_remote_code_detected(tmp_path: Path) -> None:
    d = folder(tmp_path, {**CONFIG, "auto_map": {"AutoConfig": "configuration_x.XConfig",
                                                  "AutoModelForCausalLM": "modeling_x.XModel"}})
    save_file(tensors(), str(d / "model.safetensors"))
    rep = analyse(d)
    assert rep.remote_code == ["config.json auto_map -> configuration_x.py, modeling_x.py"]


def test_finetuning_settings_nested_and_adapter_config(tmp_path: Path) -> None:
    yaml_text = "lora:\n  r: 8\n  alpha: 16\n  target_modules: [c_attn]\nlearning_rate: 2.0e-4\n"
    d = folder(tmp_path, **{"configs__finetune_lora.yaml": yaml_text, "finetune.py": "pass\n",
                            "checkpoints__step-1__lora.yaml": "r: 1\n"})
    save_file(tensors(), str(d / "model.safetensors"))
    rep = analyse(d)
    assert rep.finetune_files == ["configs/finetune_lora.yaml", "finetune.py"]
    assert rep.finetune_settings == {"r": 8, "alpha": 16, "target_modules": ["c_attn"],
                                     "learning_rate": 2e-4}
    d2 = folder(tmp_path / "2", **{"adapter_config.json": json.dumps(
        {"r": 4, "lora_alpha": 32, "lora_dropout": 0.1, "target_modules": ["q_proj", "v_proj"]})})
    rep2 = analyse(d2)
    assert rep2.finetune_settings["alpha"] == 32 and rep2.finetune_settings_from == ["adapter_config.json"]
    d3 = folder(tmp_path / "3", **{"train_sft.yaml": "learning_rate: 0.1\nepochs: 3\n"})
    assert analyse(d3).finetune_settings == {}  # a learning rate alone is no LoRA recipe


@pytest.mark.parametrize(("text", "count"), [
    ("A model with 124M parameters.", 124_000_000),
    ("**Parameters**: about 37 thousand, stored as float32", 37_000),
    ("It has 1.3B params", 1_300_000_000),
    ("We release a 7 billion parameter model", 7_000_000_000),
    ("| Parameters | 37,120 |", 37_120),
    ("trained with 2 parameters of the loss tuned", None),
    ("no size given", None),
])
def test_declared_parameters(text: str, count: int | None) -> None:
    got = declared_parameters(text, "README.md")
    assert (got[0] if got else None) == count


@pytest.mark.parametrize(("text", "value"), [
    ("512M", 512 << 20), ("4G", 4 << 30), ("2.5GiB", int(2.5 * (1 << 30))), ("1048576", 1 << 20),
    ("1t", 1 << 40),
])
def test_parse_size(text: str, value: int) -> None:
    assert parse_size(text) == value


@pytest.mark.parametrize("text", ["lots", "4X", "-1G", "100"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="size"):
        parse_size(text)


def _memory_copy(d: Path) -> MemoryTree:
    files = {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}
    return MemoryTree(info=SourceInfo(id="mem:m", kind="memory", location="/nonexistent/m"), files=files)


def test_reads_through_the_tree_only(tmp_path: Path) -> None:
    """The same report from the folder and from an in-memory tree whose location does not exist:
    every read goes through `Tree` (file list, sizes, ranged reads), none to the disk."""
    card = "# m\n\nAbout 48 parameters... no: 1.2M parameters.\n\n```python\nAutoModelForCausalLM\n```\n"
    d = folder(tmp_path, **{"README.md": card,
                            "lora.yaml": "lora:\n  r: 8\n  lora_alpha: 16\n  target_modules: [c_attn]\n"})
    save_file(tensors(), str(d / "model-00001-of-00002.safetensors"))
    on_disk = analyse(d)
    in_memory = analyse(_memory_copy(d))
    assert in_memory.root == Path("/nonexistent/m") and on_disk.root == d
    assert [c.model_dump() for c in in_memory.checks] == [c.model_dump() for c in on_disk.checks]
    for attr in ("tensors", "weight_files", "weights_bytes", "declared", "finetune_settings", "plan",
                 "tokenizer_files", "card_path"):
        assert getattr(in_memory, attr) == getattr(on_disk, attr), attr
    assert "1 of 2 shards" in check(in_memory, "weights-headers").detail
    assert in_memory.finetune_settings == {"r": 8, "alpha": 16, "target_modules": ["c_attn"]}


def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    """The folder is walked as a scan walks it: a config linked from elsewhere is not read."""
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({**CONFIG, "auto_map": {"AutoModel": "evil.Model"}}))
    d = folder(tmp_path)
    (d / "tokenizer_config.json").symlink_to(outside)
    save_file(tensors(), str(d / "model.safetensors"))
    rep = analyse(d)
    assert rep.remote_code == [] and "tokenizer_config.json" not in _files_of(rep)
    assert any("outside the scanned folder" in p.message for p in rep.tree.problems)


def _files_of(rep) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.path for e in rep.tree.entries()]


def test_a_missing_folder_or_a_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file or directory"):
        analyse(tmp_path / "nope")
    (tmp_path / "f").write_text("x")
    with pytest.raises(OSError, match="is a file, not a folder"):
        analyse(tmp_path / "f")

"""Tiny models for `truecard verify` tests, built here with the real libraries.

Test modules import the fixtures they use from here (a module, not a conftest, so that it
cannot shadow the suite's top-level `conftest`).

Nothing is downloaded: each model has random weights, a 2-layer config and a byte-level
BPE tokenizer trained on a few sentences with `tokenizers`, saved by transformers itself.
Tests that need torch are marked `run`; they skip when the extra is missing, except in CI
(CI=true), where the extra is installed and a skip would hide a broken install: they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

RUN_MODULES = ("torch", "transformers", "tokenizers")
SENTENCES = [
    "Open models publish their weights, code and data.",
    "The quick brown fox jumps over the lazy dog.",
    "A tiny model for tests loads in a second.",
    "Fine-tuning changes the weights a little.",
] * 3
CARD = """---
license: mit
library_name: transformers
pipeline_tag: text-generation
---

# tiny test model

A 2-layer GPT-2 with {params} parameters.

```python
from transformers import AutoModelForCausalLM, AutoTokenizer
model = AutoModelForCausalLM.from_pretrained("tiny")
```
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_run_extra() -> None:
    """Skip without torch & co., but fail in CI, where the run extra must be installed."""
    missing = [m for m in RUN_MODULES if importlib.util.find_spec(m) is None]
    if not missing:
        return
    msg = f"needs the truecard[run] extra (missing: {', '.join(missing)})"
    if in_ci():
        pytest.fail(f"CI must install truecard[run]: {msg}", pytrace=False)
    pytest.skip(msg)


def _tokenizer():  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=320, special_tokens=["<unk>", "<eos>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(SENTENCES, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", eos_token="<eos>",
                                   bos_token="<eos>")


def build_gpt2(d: Path, n_embd: int = 32) -> Path:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    tok = _tokenizer()
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=n_embd, n_layer=2, n_head=2,
                     bos_token_id=1, eos_token_id=1)
    model = GPT2LMHeadModel(cfg)
    model.save_pretrained(d)
    tok.save_pretrained(d)
    params = sum(p.numel() for p in model.parameters())
    (d / "README.md").write_text(CARD.format(params=f"{params:,}"), encoding="utf-8")
    return d


def build_llama(d: Path) -> Path:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tok = _tokenizer()
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64,
                      num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
                      max_position_embeddings=64, bos_token_id=1, eos_token_id=1)
    LlamaForCausalLM(cfg).save_pretrained(d)
    tok.save_pretrained(d)
    return d


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_run_extra()
    return build_gpt2(tmp_path_factory.mktemp("models") / "gpt2")


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_run_extra()
    return build_llama(tmp_path_factory.mktemp("models") / "llama")


@pytest.fixture
def gpt2_copy(tiny_gpt2: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny GPT-2 that a test may damage."""
    return Path(shutil.copytree(tiny_gpt2, tmp_path / "model"))


REMOTE_CONFIG = '''import pathlib

try:  # outside the sandbox's own folder: refused when the run is confined
    pathlib.Path({marker!r}).write_text("the repository's custom code ran")
except OSError:
    pass

from transformers import GPT2Config


class MarkerConfig(GPT2Config):
    model_type = "markergpt"
'''
REMOTE_MODEL = '''from transformers import GPT2LMHeadModel

from .configuration_marker import MarkerConfig


class MarkerForCausalLM(GPT2LMHeadModel):
    config_class = MarkerConfig
'''


def make_remote_code(model_dir: Path, marker: Path) -> Path:
    """Turn a saved GPT-2 folder into one whose config needs the repository's own code,
    which creates `marker` the moment it is imported."""
    cfg = json.loads((model_dir / "config.json").read_text())
    cfg.update(model_type="markergpt", architectures=["MarkerForCausalLM"], auto_map={
        "AutoConfig": "configuration_marker.MarkerConfig",
        "AutoModelForCausalLM": "modeling_marker.MarkerForCausalLM",
    })
    (model_dir / "config.json").write_text(json.dumps(cfg))
    (model_dir / "configuration_marker.py").write_text(REMOTE_CONFIG.format(marker=str(marker)))
    (model_dir / "modeling_marker.py").write_text(REMOTE_MODEL)
    (model_dir / "README.md").unlink(missing_ok=True)
    # save_pretrained writes the weights 0600; the confined run (uid 65534 when the tests run as
    # root) reads only what is world-readable, as a downloaded model is
    for f in [model_dir, *model_dir.rglob("*")]:
        f.chmod(0o755 if f.is_dir() else 0o644)
    return model_dir


GGUF_NAMES = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
              "lm_head.weight": "output.weight"}
GGUF_LAYER_NAMES = {
    "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down", "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
}


def write_gguf(llama_dir: Path, out: Path) -> Path:
    """Convert the tiny Llama folder to a GGUF file with the gguf package's own writer
    (llama.cpp's tensor names and tokenizer keys), as a GGUF-only release would ship."""
    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    cfg = json.loads((llama_dir / "config.json").read_text())
    tok = json.loads((llama_dir / "tokenizer.json").read_text())
    out.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(str(out / "tiny-f32.gguf"), "llama")
    w.add_name("tiny")
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_head_count_kv(cfg["num_key_value_heads"])
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_vocab_size(cfg["vocab_size"])
    vocab = tok["model"]["vocab"]
    w.add_tokenizer_model("gpt2")
    w.add_token_list([t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])])
    w.add_token_types([1] * len(vocab))
    w.add_token_merges([m if isinstance(m, str) else " ".join(m) for m in tok["model"]["merges"]])
    w.add_bos_token_id(1)
    w.add_eos_token_id(1)
    for name, arr in load_file(str(llama_dir / "model.safetensors")).items():
        if name in GGUF_NAMES:
            gname = GGUF_NAMES[name]
        else:
            parts = name.split(".")  # model.layers.N.<module>.<sub>.weight
            gname = f"blk.{parts[2]}.{GGUF_LAYER_NAMES['.'.join(parts[3:-1])]}.weight"
        w.add_tensor(gname, arr.astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out


def write_onnx(out: Path, vocab: int = 16, width: int = 8) -> Path:
    """A tiny causal-LM-shaped ONNX graph: input_ids -> embedding -> projection -> logits."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    emb = numpy_helper.from_array(rng.standard_normal((vocab, width)).astype(np.float32), "emb")
    proj = numpy_helper.from_array(rng.standard_normal((width, vocab)).astype(np.float32), "proj")
    graph = helper.make_graph(
        [helper.make_node("Gather", ["emb", "input_ids"], ["h"]),
         helper.make_node("MatMul", ["h", "proj"], ["logits"])],
        "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "seq", vocab])],
        initializer=[emb, proj],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(out / "model.onnx"))
    return out


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's sandbox temp folders go to a folder of its own, so the leftover check
    cannot see another process's verify run on the same machine. Autouse in every test module
    that imports it."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tmp")))


def leftovers() -> set[str]:
    """Sandbox temp folders present now (in this test's private temp folder)."""
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("truecard-verify-")}

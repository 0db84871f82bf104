"""Regenerate `examples/tiny-open-model`: a tiny, fully open GPT-2-style model folder.

Run: python scripts/make_example.py [OUT_DIR]

The weights are random (seed 0) and written with the real `safetensors` library, the
tokenizer is trained on the bundled corpus with the real `tokenizers` library, so both the
scan (headers, configs) and `truecard verify` (loading with transformers) work on it.
Needs the dev extras (numpy, safetensors, tokenizers); no torch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

N_LAYER, N_EMBD, N_HEAD, N_POS = 2, 32, 2, 64


def gpt2_weights(vocab: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    def w(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    t: dict[str, np.ndarray] = {
        "transformer.wte.weight": w(vocab, N_EMBD),
        "transformer.wpe.weight": w(N_POS, N_EMBD),
        "transformer.ln_f.weight": np.ones(N_EMBD, np.float32),
        "transformer.ln_f.bias": np.zeros(N_EMBD, np.float32),
    }
    for i in range(N_LAYER):
        p = f"transformer.h.{i}."
        t[p + "ln_1.weight"] = np.ones(N_EMBD, np.float32)
        t[p + "ln_1.bias"] = np.zeros(N_EMBD, np.float32)
        t[p + "attn.c_attn.weight"] = w(N_EMBD, 3 * N_EMBD)
        t[p + "attn.c_attn.bias"] = np.zeros(3 * N_EMBD, np.float32)
        t[p + "attn.c_proj.weight"] = w(N_EMBD, N_EMBD)
        t[p + "attn.c_proj.bias"] = np.zeros(N_EMBD, np.float32)
        t[p + "ln_2.weight"] = np.ones(N_EMBD, np.float32)
        t[p + "ln_2.bias"] = np.zeros(N_EMBD, np.float32)
        t[p + "mlp.c_fc.weight"] = w(N_EMBD, 4 * N_EMBD)
        t[p + "mlp.c_fc.bias"] = np.zeros(4 * N_EMBD, np.float32)
        t[p + "mlp.c_proj.weight"] = w(4 * N_EMBD, N_EMBD)
        t[p + "mlp.c_proj.bias"] = np.zeros(N_EMBD, np.float32)
    return t


def train_tokenizer(corpus: Path, out: Path) -> int:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<|endoftext|>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train([str(corpus)], trainer)
    tok.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "bos_token": "<|endoftext|>",
                "eos_token": "<|endoftext|>",
                "unk_token": "<unk>",
                "model_max_length": N_POS,
            },
            indent=2,
        )
        + "\n"
    )
    return tok.get_vocab_size()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    vocab = train_tokenizer(out / "data" / "corpus.txt", out)
    config = {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "vocab_size": vocab,
        "n_positions": N_POS,
        "n_ctx": N_POS,
        "n_embd": N_EMBD,
        "n_layer": N_LAYER,
        "n_head": N_HEAD,
        "activation_function": "gelu_new",
        "bos_token_id": 0,
        "eos_token_id": 0,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "generation_config.json").write_text(
        json.dumps({"bos_token_id": 0, "eos_token_id": 0, "max_new_tokens": 8, "do_sample": False}, indent=2)
        + "\n"
    )
    rng = np.random.default_rng(0)
    save_file(gpt2_weights(vocab, rng), str(out / "model.safetensors"), metadata={"format": "pt"})
    ck = out / "checkpoints" / "step-50"
    ck.mkdir(parents=True, exist_ok=True)
    save_file(
        gpt2_weights(vocab, np.random.default_rng(1)),
        str(ck / "model.safetensors"),
        metadata={"format": "pt", "step": "50"},
    )
    print(f"wrote {out} (vocab {vocab})")


if __name__ == "__main__":
    main(
        Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1] / "examples" / "tiny-open-model")
    )

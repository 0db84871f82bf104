"""Shared fixtures: real model folders built with the real libraries, and the shared corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tiny-open-model"


def corpus_dir() -> Path | None:
    """`../shared/corpus` beside the repository (where CI puts it), or /work/shared/corpus."""
    for p in (ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")):
        if p.is_dir():
            return p
    return None


def require_corpus() -> Path:
    p = corpus_dir()
    if p is None:
        if os.environ.get("CI"):
            pytest.fail("the shared corpus (../shared/corpus) is missing in CI")
        pytest.skip("the shared corpus (../shared/corpus) is not present here")
    return p


def write_safetensors(
    path: Path, n_layers: int = 2, dim: int = 8, metadata: dict[str, str] | None = None
) -> int:
    """A tiny real safetensors file; returns its parameter count."""
    rng = np.random.default_rng(0)
    tensors = {"embed.weight": rng.standard_normal((16, dim)).astype(np.float32)}
    for i in range(n_layers):
        tensors[f"layers.{i}.weight"] = rng.standard_normal((dim, dim)).astype(np.float16)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata=metadata or {"format": "pt"})
    return sum(t.size for t in tensors.values())


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MIT = (ROOT / "examples" / "tiny-open-model" / "LICENSE").read_text()

OPEN_CARD = """\
---
license: apache-2.0
datasets:
- EleutherAI/pile
base_model: null
---

# open-model

open-model is a decoder-only transformer with 2 layers, 4 attention heads and a hidden size of
8, using rotary position embeddings. It is released fully openly for research and teaching.

## Model details

The architecture follows GPT-NeoX; the configuration is in `config.json` and the paper is at
https://arxiv.org/abs/2304.01373. Intended uses: research on training dynamics. Limitations:
the model is tiny and produces poor text; it has not been aligned and may reproduce biases of
its training data.

## How to use

```python
from transformers import AutoModelForCausalLM
model = AutoModelForCausalLM.from_pretrained("example-org/open-model")
print(model.generate(max_new_tokens=8))
```

## Training data

The model was trained on The Pile (https://huggingface.co/datasets/EleutherAI/pile), an
825 GB English corpus released under the MIT licence, deduplicated and filtered for quality
with the scripts in `data/`.

## Training

We trained on 64 NVIDIA A100 GPUs across 8 nodes. Training took 3 days of wall-clock time,
about 4,600 GPU-hours. Intermediate checkpoints are available as branches `step1000` to
`step143000` and the training logs are published at https://wandb.ai/example/open-model.

## Reproductions

Our results were independently reproduced by the Example Lab team, see
https://example.org/reproduction-report.
"""


@pytest.fixture
def open_model(tmp_path: Path) -> Path:
    """A fully open model folder: weights, config, tokenizer, card, licence, code, configs, logs."""
    d = tmp_path / "open-model"
    write(d / "README.md", OPEN_CARD)
    write(
        d / "LICENSE",
        "Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n\n"
        "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n",
    )
    write_safetensors(d / "model.safetensors")
    write(
        d / "config.json",
        json.dumps(
            {
                "architectures": ["GPTNeoXForCausalLM"],
                "model_type": "gpt_neox",
                "num_hidden_layers": 2,
                "hidden_size": 8,
                "num_attention_heads": 4,
            }
        ),
    )
    write(
        d / "tokenizer.json",
        json.dumps({"version": "1.0", "model": {"type": "BPE", "vocab": {}, "merges": []}}),
    )
    write(
        d / "train.py",
        "import torch\nfrom transformers import AutoConfig, AutoModelForCausalLM\n"
        "model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained('.'))\n"
        "opt = torch.optim.AdamW(model.parameters())\nfor batch in []:\n"
        "    loss = model(**batch).loss\n    loss.backward()\n    opt.step()\n    opt.zero_grad()\n",
    )
    write(
        d / "inference.py",
        "from transformers import AutoModelForCausalLM, AutoTokenizer\n"
        "tok = AutoTokenizer.from_pretrained('.')\nmodel = AutoModelForCausalLM.from_pretrained('.')\n"
        "print(tok.decode(model.generate(**tok('hi', return_tensors='pt'))[0]))\n",
    )
    write(
        d / "finetune.py",
        "from peft import LoraConfig, get_peft_model\nfrom transformers import AutoModelForCausalLM\n"
        "model = get_peft_model(AutoModelForCausalLM.from_pretrained('.'), LoraConfig(r=4))\n",
    )
    write(
        d / "configs" / "train.yaml",
        "learning_rate: 0.0003\nbatch_size: 32\nmax_steps: 143000\nwarmup_steps: 1000\n"
        "data:\n  train_data: pile\n",
    )
    write(d / "data" / "prepare_data.py", "import json\n\ndef dedup(lines):\n    return sorted(set(lines))\n")
    write(d / "requirements.txt", "torch==2.13.0\ntransformers\n")
    write(d / "logs" / "trainer_state.json", json.dumps({"log_history": [{"step": 10, "loss": 3.2}]}))
    return d

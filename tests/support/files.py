"""Helpers shared by the tests: the repository's paths, the shared corpus, real files written with
the real libraries (safetensors), and the text of a fully open model card."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parents[2]
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

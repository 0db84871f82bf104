"""Shared fixtures: real model folders built with the real libraries. Helpers that tests import
live in tests/support (never `from conftest import`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.files import OPEN_CARD, write, write_safetensors


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

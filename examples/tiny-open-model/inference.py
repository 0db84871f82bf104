"""Generate text with tiny-open-model: python inference.py "a prompt"."""

import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main(prompt: str) -> str:
    root = Path(__file__).parent
    tok = AutoTokenizer.from_pretrained(root)
    model = AutoModelForCausalLM.from_pretrained(root).eval()
    with torch.no_grad():
        out = model.generate(**tok(prompt, return_tensors="pt"), max_new_tokens=8, do_sample=False)
    return tok.decode(out[0])


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else "Open models"))

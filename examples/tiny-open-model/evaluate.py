"""Evaluate tiny-open-model: perplexity on data/heldout.txt (python evaluate.py)."""

import math
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def evaluate(root: Path = Path(__file__).parent) -> float:
    tok = AutoTokenizer.from_pretrained(root)
    model = AutoModelForCausalLM.from_pretrained(root).eval()
    losses = []
    with torch.no_grad():
        for line in (root / "data" / "heldout.txt").read_text().splitlines():
            ids = tok(line, return_tensors="pt")["input_ids"]
            losses.append(model(input_ids=ids, labels=ids).loss.item())
    return math.exp(sum(losses) / len(losses))


if __name__ == "__main__":
    print(f"perplexity: {evaluate():.1f}")

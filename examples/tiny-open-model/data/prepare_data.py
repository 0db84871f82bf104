"""Prepare the training data: deduplicate, normalise and tokenize data/corpus.txt."""

from pathlib import Path

from transformers import AutoTokenizer


def prepare(root: Path) -> list[list[int]]:
    lines = (root / "data" / "corpus.txt").read_text(encoding="utf-8").splitlines()
    seen: set[str] = set()
    clean = []
    for line in lines:
        line = " ".join(line.split())
        if line and line not in seen:
            seen.add(line)
            clean.append(line)
    tok = AutoTokenizer.from_pretrained(root)
    return [tok(line)["input_ids"] for line in clean]


if __name__ == "__main__":
    print(len(prepare(Path(__file__).parents[1])), "examples")

"""Regenerate the dashboard's demo data: truecard's own evaluations of 400 real model cards.

Run: python scripts/make_demo_data.py [CARDS_DIR] [OUT_FILE]

Defaults: CARDS_DIR = ../shared/corpus/cards (relative to the project root), OUT_FILE =
src/truecard/store/data/demo-evaluations.jsonl.gz. Each card `org_model.md` (the README.md of the
Hugging Face repository `org/model`) is copied alone into a temporary folder as README.md and
scanned with `truecard.scan`. The temporary folder is then replaced in the scorecard by the model's
Hugging Face id, marked `partial` (only the card was read) with a note saying where the card came
from. Nothing else is changed: points, reasons and evidence are exactly what the scan produced.

`truecard serve --demo` and `truecard import` read the output (one export line per evaluation).
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import truecard  # noqa: E402
from truecard.store.transfer import export_line  # noqa: E402

DEFAULT_CARDS = ROOT.parent / "shared" / "corpus" / "cards"
DEFAULT_OUT = ROOT / "src" / "truecard" / "store" / "data" / "demo-evaluations.jsonl.gz"
NOTE = (
    "model card only: the repository's README.md as collected in 2024-2025 by the public corpus "
    "YinanWusoymilk/hf-readme; no other file of the repository was read and the revision was not recorded"
)


def model_id_for(card: Path) -> str:
    org, _, name = card.stem.partition("_")
    return f"{org}/{name}" if name else org


def relabel(doc: dict[str, Any], old_id: str, model_id: str) -> dict[str, Any]:
    """Replace the temporary folder's source id by the model's Hugging Face id, everywhere."""
    new_id = f"hf:{model_id}"

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (new_id if k == "source" and v == old_id else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    doc = walk(doc)
    doc["subject"]["sources"] = [
        {
            "id": new_id,
            "kind": "hf",
            "location": f"https://huggingface.co/{model_id}",
            "revision": None,
            "partial": True,
            "notes": [NOTE],
        }
    ]
    return doc


def main(argv: list[str]) -> int:
    cards_dir = Path(argv[0]) if argv else DEFAULT_CARDS
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    cards = sorted(cards_dir.glob("*.md"))
    if not cards:
        print(f"no cards in {cards_dir}", file=sys.stderr)
        return 2
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="truecard-demo-") as tmp:
        for i, card in enumerate(cards, 1):
            model_id = model_id_for(card)
            folder = Path(tmp) / card.stem
            folder.mkdir()
            (folder / "README.md").write_bytes(card.read_bytes())
            sc = truecard.scan(folder, use_claims=False)
            doc = json.loads(sc.model_dump_json())
            doc = relabel(doc, sc.subject.sources[0].id, model_id)
            if doc["subject"]["name"] == card.stem:  # no name in the card: the folder's name
                doc["subject"]["name"] = model_id
            lines.append(export_line(model_id, doc))
            if i % 50 == 0:
                print(f"{i}/{len(cards)}", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same evaluations give the same bytes
    with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"wrote {len(lines)} evaluations to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

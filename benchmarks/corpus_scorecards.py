"""Every corpus card's scorecard as JSON, for checking that a speed-up changed no result.

    PYTHONPATH=src python benchmarks/corpus_scorecards.py OUT_DIR
    diff -r OLD_DIR OUT_DIR          # nothing: the two trees score every card alike

Scores the 400 cards of ../shared/corpus/cards the way a batch worker does (`warm()`, then
`score_item` on a folder holding the card as README.md, always at the same path, so the
evidence's paths and hashes agree run to run) and writes one file per card: the outcome and
its scorecard, keys sorted, less what changes run to run by design: the timing fields
(`scanned_at`, `duration_seconds`) and the folders' revisions (`fs:` fingerprints of
freshly copied folders, which include their times).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARDS = ROOT.parent / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")
FOLDERS = Path("/tmp/truecard-corpus-scorecards")  # fixed: the source ids name it


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: corpus_scorecards.py OUT_DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(FOLDERS, ignore_errors=True)
    for c in sorted(CARDS.glob("*.md")):
        d = FOLDERS / c.stem
        d.mkdir(parents=True)
        shutil.copy(c, d / "README.md")
    from truecard.batch.work import score_item, warm

    warm()
    try:
        for d in sorted(FOLDERS.iterdir()):
            res = score_item([str(d)], {"timeout": None})
            res.pop("revisions", None)
            if res.get("ok"):
                card = json.loads(res.pop("card_json"))
                card.pop("scanned_at", None)
                card.pop("duration_seconds", None)
                res["card"] = card
            (out / f"{d.name}.json").write_text(json.dumps(res, sort_keys=True, indent=1) + "\n")
    finally:
        shutil.rmtree(FOLDERS, ignore_errors=True)
    print(f"{len(list(out.glob('*.json')))} scorecards in {out}")


if __name__ == "__main__":
    main()

"""Where a batch item's time goes: ms per card in each evidence collector and in scoring.

    PYTHONPATH=src python benchmarks/profile_collectors.py [--json]

Scores the 400 corpus cards in one process after `warm()`, with the collector frozen and off
(as a batch worker runs), once to warm up and once timed, with each collector wrapped in a
timer of CPU time (a shared machine's load inflates wall time far more). Run on demand; on a
shared machine compare trees side by side (`PYTHONPATH=OTHER/src` in the same minute).
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CARDS = ROOT.parent / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    import truecard.engine as engine
    import truecard.evidence.collectors as collectors
    from truecard.batch.work import score_item, warm

    warm()
    gc.freeze()  # as a batch worker starts (truecard.batch.engines._init_worker)
    gc.disable()
    spent: collections.Counter[str] = collections.Counter()

    def timed(f: Callable[..., Any], name: str) -> Callable[..., Any]:
        def g(*a: Any, **k: Any) -> Any:
            t = time.process_time()
            try:
                return f(*a, **k)
            finally:
                spent[name] += time.process_time() - t

        return g

    for steps in (collectors.TREE_COLLECTORS, collectors.INVENTORY_COLLECTORS):
        steps[:] = [timed(f, f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}") for f in steps]
    for name in ("build_inventory", "scorecard_from_inventory"):
        setattr(engine, name, timed(getattr(engine, name), f"engine.{name}"))
    tmp = Path(tempfile.mkdtemp(prefix="truecard-profile-"))
    try:
        dirs = []
        for c in sorted(CARDS.glob("*.md")):
            d = tmp / c.stem
            d.mkdir()
            shutil.copy(c, d / "README.md")
            dirs.append(d)
        for d in dirs:
            score_item([str(d)], {"timeout": None})
        spent.clear()
        t = time.process_time()
        for d in dirs:
            out = score_item([str(d)], {"timeout": None})
            if not out.get("ok"):
                raise SystemExit(f"{d.name}: {out.get('error')}")
        total = time.process_time() - t
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = len(dirs)
    per = {k: round(v / n * 1000, 3) for k, v in spent.most_common()}
    if args.json:
        print(json.dumps({"cards": n, "score_item_ms_per_card": round(total / n * 1000, 3), "ms_per_card": per}))
        return
    print(f"{n} cards: score_item {total / n * 1000:.2f} ms/card")
    for k, v in per.items():
        print(f"{v:8.3f} ms/card  {k}")


if __name__ == "__main__":
    main()

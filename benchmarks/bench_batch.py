"""Batch throughput on the 400 real cards of ../shared/corpus/cards (run on demand).

    python benchmarks/bench_batch.py [--concurrency 2] [--no-ray]

Reports models per second for:
- a floor script that only reads each card and parses its front matter and sections (the
  least any scorer must do),
- `truecard batch` on the local engine,
- `truecard batch` on a local Ray instance.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from truecard.batch.run import BatchOptions, run_batch  # noqa: E402
from truecard.evidence.card import parse_front_matter, split_sections  # noqa: E402

CARDS = ROOT.parent / "shared" / "corpus" / "cards"


def floor(folders: list[Path]) -> float:
    t = time.perf_counter()
    for d in folders:
        text = (d / "README.md").read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        _, _, n, body = parse_front_matter(text)
        split_sections(body.split("\n"), n + 1)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    if not CARDS.is_dir():
        sys.exit(f"corpus not found at {CARDS}")
    tmp = Path(tempfile.mkdtemp(prefix="truecard-batch-bench-"))
    try:
        folders = []
        for c in sorted(CARDS.glob("*.md")):
            d = tmp / "models" / c.stem
            d.mkdir(parents=True)
            shutil.copy(c, d / "README.md")
            folders.append(d)
        src = tmp / "sources.txt"
        src.write_text("\n".join(map(str, folders)) + "\n")
        n = len(folders)
        f = floor(folders)
        print(f"{n} cards; concurrency {args.concurrency}")
        print(f"floor (read + parse only, 1 process): {n / f:7.1f} models/s  ({f:.2f} s)")
        engines = ["local"] + ([] if args.no_ray else ["ray"])
        for engine in engines:
            state = tmp / f"{engine}.sqlite"
            t = time.perf_counter()
            s = run_batch(BatchOptions(sources_file=src, concurrency=args.concurrency, engine=engine, state=state))
            wall = time.perf_counter() - t
            print(f"truecard batch --engine {engine:5s}:       {s.scored / wall:7.1f} models/s  ({wall:.2f} s wall, "
                  f"{s.scored} scored, {s.failed} failed; engine start-up included)")
            if s.failures:
                print(f"  first failure: {s.failures[0]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

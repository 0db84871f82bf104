"""Instructions per batch item, counted by valgrind: a side-by-side figure that load cannot move.

    python benchmarks/batch_instructions.py [--every 8] [--against OTHER/src] [--json]

On a shared machine wall and CPU times of the same code vary by a third from one minute to
the next (the batch floor went from 380 to 556 models/s within an hour); the number of
instructions a scan executes does not (runs repeat within 0.1 %). This scores every
`--every`-th corpus card in one process after `warm()` and a warm-up on other cards (so no
card is seen twice and no per-process first-use cost is counted), with callgrind counting
only the measured loop (`callgrind_control -i on/off`), and prints millions of instructions
per card for this tree and, with `--against`, for another checkout's `src`. Needs valgrind;
run on demand (about half a minute per tree at `--every 8`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARDS = ROOT.parent / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def _child(every: int) -> None:
    """The measured process: warm, warm up on other cards, then the measured loop."""
    import gc

    from truecard.batch.work import score_item, warm

    warm()
    gc.freeze()  # as a batch worker runs (truecard.batch.engines._init_worker)
    gc.disable()
    cards = sorted(CARDS.glob("*.md"))
    tmp = Path(tempfile.mkdtemp(prefix="truecard-instr-"))
    try:
        def folders(picked: list[Path]) -> list[Path]:
            out = []
            for c in picked:
                d = tmp / c.stem
                d.mkdir()
                shutil.copy(c, d / "README.md")
                out.append(d)
            return out

        measured, warmup = folders(cards[::every]), folders(cards[1::every])
        for d in warmup:
            score_item([str(d)], {"timeout": None})
        pid = str(os.getpid())
        subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=False)
        for d in measured:
            score_item([str(d)], {"timeout": None})
        subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=False)
        print(len(measured))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(src: Path, every: int) -> dict[str, float]:
    """Millions of instructions per card for the tree `src`."""
    out = Path(tempfile.mkstemp(prefix="callgrind-")[1])
    try:
        env = {**os.environ, "PYTHONPATH": str(src)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
               sys.executable, __file__, "--child", "--every", str(every)]
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        cards = int(res.stdout.strip().splitlines()[-1])
        m = re.search(r"^totals:\s*(\d+)", out.read_text(errors="replace"), re.M)
        if m is None:
            raise SystemExit("no callgrind summary (is valgrind installed?)")
        return {"cards": cards, "m_instructions_per_card": round(int(m.group(1)) / cards / 1e6, 2)}
    finally:
        out.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=8, help="score every n-th corpus card (default 8: 50 cards)")
    ap.add_argument("--against", help="another checkout's src folder, counted the same way")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.every)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt install valgrind)")
    res = {"this": measure(ROOT / "src", args.every)}
    if args.against:
        res["against"] = measure(Path(args.against).resolve(), args.every)
        res["ratio"] = round(res["this"]["m_instructions_per_card"] / res["against"]["m_instructions_per_card"], 3)
    if args.json:
        print(json.dumps(res))
        return
    for name, r in res.items():
        print(f"{name}: {r}")


if __name__ == "__main__":
    main()

"""Scan-speed figures (run on demand, not part of the test suite).

    python benchmarks/bench_scan.py [--files 10000] [--repeat 5]

Reports:
1. scan time of a snapshot whose weights are 100 GB of sparse safetensors shards against the
   same tree with tiny weights (the scan reads headers only, so the two should match);
2. scan time of a folder of 10,000 files;
3. `truecard --version` start-up time against `python -c pass`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import truecard  # noqa: E402

EXAMPLE = ROOT / "examples" / "tiny-open-model"


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def fmt(xs: list[float]) -> str:
    return f"median {statistics.median(xs) * 1000:8.1f} ms  (min {min(xs) * 1000:.1f}, max {max(xs) * 1000:.1f}, n={len(xs)})"


def sparse_shards(d: Path, total_bytes: int, shards: int) -> None:
    """Sharded safetensors whose headers declare `total_bytes` of F16 data, written sparse."""
    per = total_bytes // shards
    weight_map = {}
    for i in range(shards):
        name = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        numel = per // 2
        rows = 4096
        header = {
            "__metadata__": {"format": "pt"},
            f"layers.{i}.weight": {
                "dtype": "F16",
                "shape": [rows, numel // rows],
                "data_offsets": [0, (numel // rows) * rows * 2],
            },
        }
        raw = json.dumps(header).encode()
        raw += b" " * (-len(raw) % 8)
        with open(d / name, "wb") as fh:
            fh.write(len(raw).to_bytes(8, "little") + raw)
            fh.truncate(8 + len(raw) + (numel // rows) * rows * 2)
        weight_map[f"layers.{i}.weight"] = name
    (d / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": total_bytes}, "weight_map": weight_map})
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="truecard-bench-"))
    try:
        big = tmp / "big"
        small = tmp / "small"
        for d in (big, small):
            shutil.copytree(EXAMPLE, d, ignore=shutil.ignore_patterns("model.safetensors"))
        sparse_shards(big, 100 * 10**9, 20)
        sparse_shards(small, 20 * 10**6, 20)
        truecard.scan(small)  # warm imports
        card = truecard.scan(big)
        w = card.criterion("transparent.weights")
        print(f"100 GB snapshot: weights criterion says: {w.rationale}")
        print(
            f"scan, 100 GB sparse safetensors (20 shards): {fmt(timed(lambda: truecard.scan(big), args.repeat))}"
        )
        print(
            f"scan, 20 MB safetensors (20 shards):         {fmt(timed(lambda: truecard.scan(small), args.repeat))}"
        )

        many = tmp / "many"
        shutil.copytree(EXAMPLE, many)
        for i in range(args.files):
            sub = many / "files" / f"d{i // 1000:03d}"
            if i % 1000 == 0:
                sub.mkdir(parents=True)
            (sub / f"f{i}.txt").touch()
        print(
            f"scan, {args.files:,} extra files:                  {fmt(timed(lambda: truecard.scan(many), max(1, args.repeat // 2)))}"
        )
        print(
            f"scan, bundled example:                      {fmt(timed(lambda: truecard.scan(EXAMPLE), args.repeat))}"
        )

        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        py = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), args.repeat)
        ver = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "truecard", "--version"],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            ),
            args.repeat,
        )
        print(f"python -c pass:                             {fmt(py)}")
        print(f"truecard --version:                         {fmt(ver)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Scan-speed figures (run on demand, not part of the test suite).

    python benchmarks/bench_scan.py [--files 10000] [--repeat 5] [--against OLD/src] [--json]

Reports:
1. the cold scan a user feels: `truecard scan examples/tiny-open-model -f json` as a whole
   process against `python -c "import yaml, json"` (the floor), runs interleaved, medians and
   their ratio; once with the compiled-data cache and licence memo warm (every run after the
   first) and once with an empty cache (the first run after an install); and the same scan
   through typer (`--fail-under 0` added: a command line the typer-free fast path leaves to
   typer), warm;
2. scan time of a snapshot whose weights are 100 GB of sparse safetensors shards against the
   same tree with tiny weights (the scan reads headers only, so the two should match);
3. scan time of a folder of 10,000 files;
4. `truecard --version` start-up time against `python -c pass`.

`--against DIR` (another checkout's `src`) measures that tree's cold scan in the same run, side
by side. Processes run with bytecode caching on (as an installed package has it), whatever
PYTHONDONTWRITEBYTECODE says, after one warm-up run each. `--json` prints one JSON object.
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


def _cold(args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    """Whole-process cold scans, interleaved with the floor, for this tree (and `--against`).

    Wall time and CPU time (user + system of the child) are both reported: on a shared
    machine the CPU time is the steadier of the two.
    """
    import resource

    trees = {"this": ROOT / "src"}
    if args.against:
        trees["against"] = Path(args.against).resolve()
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out_json = tmp / "cold.json"

    def measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)

    def run_scan(name: str, src: Path, fresh: bool, extra: tuple[str, ...] = ()) -> tuple[float, float]:
        cache = tmp / f"cold-cache-{name}"
        if fresh:
            shutil.rmtree(cache, ignore_errors=True)
        # PYTHONPATH first on sys.path: the tree named here is measured, not the installed copy
        env = {**base_env, "PYTHONPATH": str(src), "TRUECARD_CACHE_DIR": str(cache)}
        return measured([sys.executable, "-m", "truecard", "scan", str(EXAMPLE), "-f", "json",
                         "-o", str(out_json), *extra], env)

    floor_cmd = [sys.executable, "-c", "import yaml, json"]
    for name, src in trees.items():  # warm-up: bytecode written, compiled data cached
        run_scan(name, src, False)
    times: dict[str, list[tuple[float, float]]] = {"floor": []}
    for name in trees:
        times[f"{name} warm-cache"] = []
        times[f"{name} empty-cache"] = []
        times[f"{name} typer-path"] = []
    for _ in range(args.cold_repeat):
        times["floor"].append(measured(floor_cmd, base_env))
        for name, src in trees.items():
            times[f"{name} warm-cache"].append(run_scan(name, src, False))
        for name, src in trees.items():
            times[f"{name} typer-path"].append(run_scan(name, src, False, ("--fail-under", "0")))
        for name, src in trees.items():
            times[f"{name} empty-cache"].append(run_scan(name, src, True))
            run_scan(name, src, False)  # leave the cache warm again
    floor_wall = statistics.median(x[0] for x in times["floor"]) * 1000
    floor_cpu = statistics.median(x[1] for x in times["floor"]) * 1000
    res: dict[str, object] = {"repeat": args.cold_repeat, "floor_ms": round(floor_wall, 1),
                              "floor_cpu_ms": round(floor_cpu, 1), "goal_ratio": 4.0}
    for key, xs in times.items():
        if key == "floor":
            continue
        wall = statistics.median(x[0] for x in xs) * 1000
        cpu = statistics.median(x[1] for x in xs) * 1000
        k = key.replace(" ", "_")
        res[k + "_ms"] = round(wall, 1)
        res[k + "_ratio"] = round(wall / floor_wall, 2)
        res[k + "_cpu_ms"] = round(cpu, 1)
        res[k + "_cpu_ratio"] = round(cpu / floor_cpu, 2)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cold-repeat", type=int, default=9)
    ap.add_argument("--against", help="another checkout's src folder, measured side by side")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="truecard-bench-"))
    out: dict[str, object] = {}
    say = (lambda *_: None) if args.json else print
    try:
        out["cold_scan"] = cold = _cold(args, tmp)
        for k, v in cold.items():
            say(f"cold scan {k}: {v}")

        big = tmp / "big"
        small = tmp / "small"
        for d in (big, small):
            shutil.copytree(EXAMPLE, d, ignore=shutil.ignore_patterns("model.safetensors"))
        sparse_shards(big, 100 * 10**9, 20)
        sparse_shards(small, 20 * 10**6, 20)
        truecard.scan(small)  # warm imports
        card = truecard.scan(big)
        w = card.criterion("transparent.weights")
        say(f"100 GB snapshot: weights criterion says: {w.rationale}")
        t_big = timed(lambda: truecard.scan(big), args.repeat)
        t_small = timed(lambda: truecard.scan(small), args.repeat)
        say(f"scan, 100 GB sparse safetensors (20 shards): {fmt(t_big)}")
        say(f"scan, 20 MB safetensors (20 shards):         {fmt(t_small)}")
        out["sparse_100gb_ms"] = round(statistics.median(t_big) * 1000, 1)
        out["sparse_20mb_ms"] = round(statistics.median(t_small) * 1000, 1)
        out["sparse_ratio"] = round(statistics.median(t_big) / statistics.median(t_small), 2)

        many = tmp / "many"
        shutil.copytree(EXAMPLE, many)
        for i in range(args.files):
            sub = many / "files" / f"d{i // 1000:03d}"
            if i % 1000 == 0:
                sub.mkdir(parents=True)
            (sub / f"f{i}.txt").touch()
        t_many = timed(lambda: truecard.scan(many), max(1, args.repeat // 2))
        t_ex = timed(lambda: truecard.scan(EXAMPLE), args.repeat)
        say(f"scan, {args.files:,} extra files:                  {fmt(t_many)}")
        say(f"scan, bundled example (in-process, warm):   {fmt(t_ex)}")
        out["many_files"] = args.files
        out["many_files_ms"] = round(statistics.median(t_many) * 1000, 1)
        out["example_in_process_ms"] = round(statistics.median(t_ex) * 1000, 1)

        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
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
        say(f"python -c pass:                             {fmt(py)}")
        say(f"truecard --version:                         {fmt(ver)}")
        out["python_pass_ms"] = round(statistics.median(py) * 1000, 1)
        out["version_ms"] = round(statistics.median(ver) * 1000, 1)
        out["version_ratio"] = round(statistics.median(ver) / statistics.median(py), 2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()

"""Batch throughput on the 400 real cards of ../shared/corpus/cards (run on demand).

    python benchmarks/bench_batch.py [--jobs 1 2] [--ray] [--repeat 3] [--against OLD/src] [--json]

Reports models per second for:
- a floor script that only reads each card, parses its front matter with libyaml and lists
  its headings (the least any scorer must do), in one process;
- `truecard batch` on the local engine at each `--jobs` concurrency (engine start-up and the
  ledger included), its ratio to the floor, and `-j 2` against `-j 1`;
- what the machine allows: two CPU-bound processes against one, timed the same way (on a
  shared 2-core machine other people's work takes a share, and no batch can beat that);
- each round's own ratio to the floor (`floor_ratio_rounds`, sorted), the floor and the batch
  timed one after the other, beside the ratio of the medians (`floor_ratio`);
- where the time goes: CPU seconds of the parent (ledger, results) and of the workers; the
  wall time of the ledger's start, of the engine's start (`warm()`), to the first result (with
  the first chunk of items), and after the last result;
- `--ray`: `truecard batch` on a local Ray instance too.

`--against DIR` (another checkout's `src`) runs the same measurements with that tree in a
subprocess, interleaved run by run, so the two are compared side by side on the same load.
Medians of `--repeat` runs. `--json` prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARDS = ROOT.parent / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def _import_tree(src: Path) -> None:
    sys.path.insert(0, str(src))


def floor(folders: list[Path]) -> float:
    """Read each card, parse its front matter with libyaml, list its headings."""
    import re

    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    heading = re.compile(r"^#{1,6}\s+(.+)$", re.M)
    t = time.perf_counter()
    for d in folders:
        text = (d / "README.md").read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        body = text
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            if end > 0:
                with contextlib.suppress(yaml.YAMLError):
                    yaml.load(text[4:end], Loader=loader)  # a safe loader
                body = text[end + 4 :]
        heading.findall(body)
    return time.perf_counter() - t


def _busy(n: int) -> int:
    x = 0
    for i in range(n):
        x += i * i % 7
    return x


def machine_parallelism(n: int = 3_000_000) -> float:
    """How much faster two CPU-bound processes finish twice the work than one does once."""
    ctx = get_context("fork")
    with ctx.Pool(2) as pool:
        pool.map(_busy, [1000, 1000])  # started
        t = time.perf_counter()
        pool.map(_busy, [n])
        one = time.perf_counter() - t
        t = time.perf_counter()
        pool.map(_busy, [n, n])
        two = time.perf_counter() - t
    return 2 * one / two


class _Phases:
    """A `run_batch` progress hook that only notes when things happen: the items read and
    recorded as pending (`start`), the first and the last result (`advance`)."""

    def __init__(self) -> None:
        self.started = self.first = self.last = 0.0

    def start(self, total: int) -> None:
        self.started = time.perf_counter()

    def advance(self, ok: bool) -> None:
        self.last = time.perf_counter()
        self.first = self.first or self.last

    def stop(self) -> None:
        pass


@contextlib.contextmanager
def _timed_engine_start(engine: str) -> Iterator[list[float]]:
    """The seconds each engine construction takes (the local engine's `warm()` and pool, the
    Ray engine's `ray.init`), noted by wrapping the engine class's `__init__` while inside."""
    from truecard.batch import engines

    cls = engines.LocalEngine if engine == "local" else engines.RayEngine
    spent: list[float] = []
    init = cls.__init__

    def timed(self: object, *args: object, **kwargs: object) -> None:
        t = time.perf_counter()
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        spent.append(time.perf_counter() - t)

    cls.__init__ = timed  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        cls.__init__ = init  # type: ignore[method-assign]


def run_engine(src_file: Path, state: Path, jobs: int, engine: str) -> dict[str, float]:
    """One batch, and where its wall time went: the ledger's start, the engine's, the time to
    the first result (both, the workers' start and the first chunk's items) and after the last
    (the rest is the items' scoring)."""
    from truecard.batch.run import BatchOptions, run_batch

    if state.exists():
        state.unlink()
    phases = _Phases()
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with _timed_engine_start(engine) as engine_start:
        t = time.perf_counter()
        s = run_batch(BatchOptions(sources_file=src_file, concurrency=jobs, engine=engine, state=state),
                      progress=phases)
        end = time.perf_counter()
    wall = end - t
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if s.failed:
        raise SystemExit(f"{s.failed} item(s) failed; first: {s.failures[0]}")
    return {
        "models_per_s": s.scored / wall,
        "wall_s": wall,
        "parent_cpu_s": (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime),
        "workers_cpu_s": (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime),
        "ledger_s": phases.started - t,  # sources read, items recorded and selected
        "engine_start_s": sum(engine_start),
        # the engine's start, the workers' and the first chunk of items (the corpus's first
        # cards, in name order, are among its heaviest)
        "to_first_result_s": phases.first - t,
        "after_last_result_s": end - phases.last,
    }


def prepare(tmp: Path) -> tuple[list[Path], Path]:
    folders = []
    for c in sorted(CARDS.glob("*.md")):
        d = tmp / "models" / c.stem
        d.mkdir(parents=True)
        shutil.copy(c, d / "README.md")
        folders.append(d)
    src = tmp / "sources.txt"
    src.write_text("\n".join(map(str, folders)) + "\n")
    return folders, src


def _child(args: argparse.Namespace) -> None:
    """`--child`: one engine at one concurrency for the tree on sys.path, as JSON on stdout."""
    tmp = Path(args.child)
    src = tmp / "sources.txt"
    j = args.jobs[0]
    if args.ray_only:
        res = {f"ray -j {j}": run_engine(src, tmp / "ray.sqlite", j, "ray")}
    else:
        res = {f"local -j {j}": run_engine(src, tmp / f"local-{j}.sqlite", j, "local")}
    print(json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--ray", action="store_true", help="also measure the Ray engine")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", help="another checkout's src folder, measured side by side")
    ap.add_argument("--src", help=argparse.SUPPRESS)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--ray-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    _import_tree(Path(args.src) if args.src else ROOT / "src")
    if args.child:
        _child(args)
        return
    if not CARDS.is_dir():
        sys.exit(f"corpus not found at {CARDS}")
    say = (lambda *_: None) if args.json else print
    trees = {"this": ROOT / "src"}
    if args.against:
        trees["against"] = Path(args.against).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="truecard-batch-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    try:
        folders, _ = prepare(tmp)
        n = len(folders)
        floors, machine = [], []
        runs: dict[str, dict[str, list[dict[str, float]]]] = {name: {} for name in trees}
        for r in range(args.repeat):
            floors.append(floor(folders))
            machine.append(machine_parallelism())
            for name, src in trees.items():
                # each configuration in a fresh process: none inherits another's warm imports
                configs = [["--jobs", str(j)] for j in args.jobs] + ([["--jobs", str(max(args.jobs)), "--ray-only"]]
                                                                     if args.ray else [])
                for extra in configs:
                    cmd = [sys.executable, __file__, "--src", str(src), "--child", str(tmp), *extra]
                    child_env = {**env, "PYTHONPATH": str(src), "TRUECARD_CACHE_DIR": str(tmp / f"cache-{name}")}
                    res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True,
                                                    env=child_env).stdout)
                    for k, v in res.items():
                        runs[name].setdefault(k, []).append(v)
                        say(f"round {r + 1}: {name}: {k} {v['models_per_s']:.1f}/s")
        floor_rate = n / statistics.median(floors)
        out: dict[str, object] = {
            "cards": n,
            "repeat": args.repeat,
            "floor_models_per_s": round(floor_rate, 1),
            "machine_parallelism_2_vs_1": round(statistics.median(machine), 2),
            "goal": {"floor_ratio": 3.0, "j2_vs_j1": 1.8},
        }
        for name, engines in runs.items():
            tree_out: dict[str, object] = {}
            for k, xs in engines.items():
                med = {m: statistics.median(x[m] for x in xs) for m in xs[0]}
                tree_out[k] = {m: round(v, 2) for m, v in med.items()}
                tree_out[k]["floor_ratio"] = round(floor_rate / med["models_per_s"], 2)  # type: ignore[index]
                # each round's own ratio, its floor and its batch timed one after the other: the
                # spread says how far load moved the figure within this run
                per_round = sorted(n / f / x["models_per_s"] for f, x in zip(floors, xs, strict=True))
                tree_out[k]["floor_ratio_rounds"] = [round(r, 2) for r in per_round]  # type: ignore[index]
            j1, j2 = tree_out.get("local -j 1"), tree_out.get("local -j 2")
            if isinstance(j1, dict) and isinstance(j2, dict):
                tree_out["j2_vs_j1"] = round(j2["models_per_s"] / j1["models_per_s"], 2)
            out[name] = tree_out
        say(f"{n} cards; floor {floor_rate:.1f} models/s; machine allows {out['machine_parallelism_2_vs_1']}x "
            "for 2 processes")
        for name in trees:
            say(f"{name}: {json.dumps(out[name])}")
        if args.json:
            print(json.dumps(out, sort_keys=True))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""What scoring a Hub model costs on the wire (run on demand, not part of the test suite).

    python benchmarks/bench_hub.py [--size-gb 100] [--shards 4 20 50] [--latency-ms 0] [--deep] [--json]

A fake Hub on loopback (tests/support/fakehub.py) serves a model whose sharded safetensors headers
declare `--size-gb` of BF16 weights (headers generated, the rest never stored; Range
requests answered for any region), with a realistic file set (card, config, a 2.5 MB
non-LFS tokenizer.json, shard index, licence) and a linked dataset card. The real
huggingface_hub client talks to it. For each shard count it reports, for a first scan, a
re-scan (revision cache), a re-scan pinned to the commit, and an offline re-scan: requests,
bytes received, wall time; plus the first scan's requests and bytes by kind. `--latency-ms`
delays every response, to show what concurrency buys on a real network. `--deep` scans with
every safetensors header read (the default reads none: the Hub's safetensors counts, which
the Hub computed from every header, stand for them). `--json` prints one JSON object: per
shard count and scan, requests, bytes, seconds, and the first scan's requests and bytes by
kind (small files by name).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from support.fakehub import FakeHub, card, generated_model, sharded_weights  # noqa: E402


def kind(path: str) -> str:
    if path.startswith("/api/models/") and path.endswith("/refs"):
        return "refs"
    if path.startswith("/api/models/"):
        return "model info"
    if path.startswith("/cdn/"):
        return "LFS range (CDN)"
    if path.startswith("/datasets/"):
        return "dataset card"
    if ".safetensors?" in path or path.endswith(".safetensors"):
        return "LFS redirect (302)"
    return "small file " + path.split("?")[0].rsplit("/", 1)[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-gb", type=float, default=100.0)
    ap.add_argument("--shards", type=int, nargs="+", default=[4, 20, 50])
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--deep", action="store_true", help="read every safetensors header")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    say = (lambda *_: None) if args.json else print
    out: dict[str, object] = {"size_gb": args.size_gb, "latency_ms": args.latency_ms, "deep": args.deep,
                              "goal": {"requests": 6, "bytes": 200_000}, "shards": {}}

    tmp = Path(tempfile.mkdtemp(prefix="bench-hub-"))
    with FakeHub() as hub:
        # huggingface_hub reads HF_ENDPOINT at import: set it before the first import
        os.environ["HF_ENDPOINT"] = hub.url
        os.environ["HF_HUB_CACHE"] = str(tmp / "hf-cache")
        os.environ["HF_HOME"] = str(tmp / "hf-home")
        os.environ.pop("HF_TOKEN", None)
        from truecard.engine import scan

        if args.latency_ms:
            from support import fakehub

            orig = fakehub._Handler._dispatch

            def slow(self, method, _orig=orig):  # type: ignore[no-untyped-def]
                time.sleep(args.latency_ms / 1000)
                return _orig(self, method)

            fakehub._Handler._dispatch = slow  # type: ignore[method-assign]

        hub.add_dataset("org/corpus", {"README.md": card({"license": "odc-by"}, "# corpus\n\nWeb text.\n")})
        # warm up: imports and huggingface_hub's own once-a-day registry request are not a scan's cost
        hub.add_model("org/warmup", generated_model("org/warmup"))
        os.environ["TRUECARD_CACHE_DIR"] = str(tmp / "cache-warmup")
        scan("hf:org/warmup")
        total = int(args.size_gb * 1e9)
        say(f"Scoring a model with {args.size_gb:g} GB of sharded safetensors against a loopback fake Hub")
        say(f"(latency per response: {args.latency_ms:g} ms)\n")
        header = f"{'shards':>6} {'scan':<22} {'requests':>8} {'bytes':>11} {'time s':>7}"
        say(header)
        say("-" * len(header))
        for n in args.shards:
            repo_id = f"org/model-{n}"
            files = generated_model(repo_id, datasets=["org/corpus"], weights=sharded_weights(total, n))
            files["LICENSE"] = b"Apache License\nVersion 2.0, January 2004\n"
            repo = hub.add_model(repo_id, files, branches={"step1000": None})
            declared = sum(getattr(f, "size", 0) for f in files.values())
            os.environ["TRUECARD_CACHE_DIR"] = str(tmp / f"cache-{n}")
            kinds: Counter[str] = Counter()
            row: dict[str, object] = {}
            out["shards"][str(n)] = row  # type: ignore[index]
            deep = {"deep": True} if args.deep else {}
            for label, kw, spec in (
                ("first scan", {}, f"hf:{repo_id}"),
                ("re-scan (cache)", {}, f"hf:{repo_id}"),
                ("re-scan @commit", {}, f"hf:{repo_id}@{repo.sha}"),
                ("re-scan --offline", {"offline": True}, f"hf:{repo_id}"),
            ):
                hub.reset_stats()
                t = time.perf_counter()
                result = scan(spec, **kw, **deep)
                dt = time.perf_counter() - t
                s = hub.stats()
                if label == "first scan":
                    kinds = Counter(kind(r.path) for r in hub.log)
                    kind_bytes: Counter[str] = Counter()
                    for r in hub.log:
                        kind_bytes[kind(r.path)] += r.body_bytes
                    assert not hub.refused_full_downloads, hub.refused_full_downloads
                    w = result.criterion("transparent.weights")
                    assert w.points == 2, w.rationale
                say(f"{n:>6} {label:<22} {s['requests']:>8} {s['bytes']:>11,} {dt:>7.3f}")
                row[label] = {"requests": s["requests"], "bytes": s["bytes"], "seconds": round(dt, 3)}
            say(f"{'':>6} declared weights {declared / 1e9:,.1f} GB; first scan by kind: {dict(kinds)}")
            say(f"{'':>6} first scan bytes by kind: {dict(kind_bytes)}")
            say(f"{'':>6} result: {result.total}/30 {result.tier}; {w.rationale}\n")
            row["first scan by kind"] = dict(kinds)
            row["first scan bytes by kind"] = dict(kind_bytes)
            row["total"] = result.total
            row["weights rationale"] = w.rationale
    if args.json:
        print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()

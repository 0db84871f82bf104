"""Load benchmark of the dashboard's leaderboard: p50/p95 latency with N stored models and C
concurrent clients on loopback.

    python benchmarks/bench_web.py                      # 10,000 models, 20 clients, SQLite
    python benchmarks/bench_web.py --db postgresql+psycopg://postgres@127.0.0.1:54329/bench
    python benchmarks/bench_web.py --models 2000 --requests 1000   # quicker
    python benchmarks/bench_web.py --json --no-cache               # every request rendered

The store is filled through the real import path with 10,000 evaluations made from the 401
real models shipped as demo data (each model's latest evaluation, under distinct model ids, so
the leaderboard's distribution of totals, tiers, licences, MOF classes and scopes is the real
one). The server is `truecard serve` (one uvicorn process) in a child process; the clients are
asyncio tasks in this process, each on its own keep-alive connection (a minimal HTTP/1.1 client:
httpx, the first benchmark's client and still `--client httpx`, used more CPU than the server on
a 2-core machine, so its figures were mostly the load generator's), each looping over a mix of
pages (every page is requested once before the clock starts):

- `--mix classic` (the mix of the first dashboard benchmark): default order, every sort column
  both ways, tier / licence / organisation / minimum-score filters, searches, deep pages;
- `--mix full` (default): classic, plus the framework columns (MOF, OSAID, OSAI, openness, scope
  sorts; MOF / OSAID / open / scope / modality / fine-tune filters; multi-word searches) and the
  criteria matrix (sorted by criteria, filtered).
`--no-cache` serves with the page cache off, as right after a write: every request queries the
store and renders. `--json` prints one JSON object with the figures (requests/s, p50/p95/p99,
backend, client, cache), to compare run to run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEMO = ROOT / "src" / "truecard" / "store" / "data" / "demo-evaluations.jsonl.gz"


def populate(url: str, n: int) -> float:
    from truecard.store import open_store, repo, transfer

    db = open_store(url)
    with db.read() as s:
        have = repo.stats(s)["models"]
    if have >= n:
        print(f"store already holds {have} models", file=sys.stderr)
        db.dispose()
        return 0.0
    with gzip.open(DEMO, "rt", encoding="utf-8") as fh:
        latest = {}
        for line in fh:  # a model's later evaluation replaces its earlier one
            rec = json.loads(line)
            latest[rec["model_id"]] = rec
        base = list(latest.values())

    def records():
        for i in range(have, n):
            rec = base[i % len(base)]
            org, _, name = rec["model_id"].partition("/")
            copy_no = i // len(base)
            mid = rec["model_id"] if copy_no == 0 else f"{org}-{copy_no}/{name}" if name else f"{org}-{copy_no}"
            yield i + 1, {**rec, "model_id": mid}, None

    t = time.perf_counter()
    report = transfer.import_records(db, records(), actor="bench")
    took = time.perf_counter() - t
    if report.errors:
        print("import errors:", report.errors[:3], file=sys.stderr)
    db.dispose()
    print(f"stored {report.evaluations} evaluations in {took:.1f} s", file=sys.stderr)
    return took


def workload(rng: random.Random, orgs: list[str], mix: str = "full") -> list[str]:
    sorts = ["total", "detected", "name", "transparent", "reproducible", "understandable", "executable",
             "license", "org", "scanned"]
    urls = ["/"] * 10
    for s in sorts:
        for d in ("asc", "desc"):
            urls.append(f"/?sort={s}&dir={d}")
    for tier in ("Bronze", "Silver", "Gold", "Platinum"):
        urls.append(f"/?tier={tier}")
    for lic in ("osi-permissive", "restricted", "unknown", "open-content", "none"):
        urls.append(f"/?license={lic}&sort=reproducible")
    for m in (5, 10, 15):
        urls.append(f"/?min_score={m}&sort=transparent&dir=asc")
    for q in ("llama", "bert", "gpt", "whisper", "xl"):
        urls.append(f"/?q={q}")
    for o in rng.sample(orgs, min(10, len(orgs))):
        urls.append(f"/?org={o}")
    for p in (2, 10, 50, 100, 199):
        urls.append(f"/?page={p}")
    urls.append("/?tier=Silver&license=osi-permissive&min_score=12&sort=name&page=3")
    if mix == "classic":
        return urls
    for s in ("mof", "osaid", "osai", "open", "scope"):
        for d in ("asc", "desc"):
            urls.append(f"/?sort={s}&dir={d}")
    for f in ("open=no", "open=yes", "mof=2", "mof=0", "osaid=yes", "scope=card-only", "scope=card%2Bcode",
              "modality=text", "modality=vision", "finetuned=yes", "open=no&tier=Gold", "mof=0&sort=osai"):
        urls.append(f"/?{f}")
    for q in ("mistral 7b", "llama instruct", "bert base"):
        urls.append("/?q=" + q.replace(" ", "+"))
    urls.append("/?page=999")
    for c in ("transparent.license", "reproducible.checkpoints", "executable.inference"):
        urls.append(f"/matrix?sort={c}")
    urls += ["/matrix", "/matrix?open=no&page=3", "/matrix?scope=card-only&sort=name"]
    return urls


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: GET, Content-Length or chunked
    bodies. It costs a fraction of httpx's CPU per request, so on a small machine the figures are
    the server's, not the load generator's (`--client httpx` keeps the first benchmark's client)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode("latin-1"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.read()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def measured_load(base: str, urls: list[str], args: argparse.Namespace, server_pid: int,
                        url: str) -> tuple[list[float], int, float, dict[str, float]]:
    """The load, with the CPU the server process and the database's server processes used
    during it (after the warm-up: every page requested once, which also opens the connections)."""
    import resource

    box: dict[str, float] = {}

    def own() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    async def warmed() -> None:
        pg = db_backend_pids(url)
        box.update(server=cpu_seconds([server_pid]), db=cpu_seconds(pg), client=own())

    lat, errors, wall = await run_load(base, urls, args.clients, args.requests, args.client, on_warm=warmed)
    client = own() - box["client"]
    pg = db_backend_pids(url)
    return lat, errors, wall, {"server": cpu_seconds([server_pid]) - box["server"],
                               "db": cpu_seconds(pg) - box["db"], "client": client}


async def run_load(base: str, urls: list[str], clients: int, total: int,
                   kind: str = "raw", on_warm: Any = None) -> tuple[list[float], int, float]:
    if kind == "raw":
        return await _run_raw(base, urls, clients, total, on_warm)
    return await _run_httpx(base, urls, clients, total, on_warm)


def _page_ok(status: int, body: bytes) -> bool:
    return status == 200 and (b'id="leaderboard"' in body or b'id="matrix"' in body)


async def _run_raw(base: str, urls: list[str], clients: int, total: int,
                   on_warm: Any = None) -> tuple[list[float], int, float]:
    host, _, port = base.removeprefix("http://").partition(":")
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def client(i: int) -> None:
        nonlocal errors
        rng = random.Random(i)
        http = RawClient(host, int(port))
        try:
            for _ in counter:
                url = rng.choice(urls)
                t = time.perf_counter()
                status, body = await http.get(url)
                latencies.append(time.perf_counter() - t)
                if not _page_ok(status, body):
                    errors += 1
        finally:
            await http.close()

    warm = RawClient(host, int(port))
    for u in urls:  # warm-up: every page once
        await warm.get(u)
    await warm.close()
    if on_warm is not None:
        await on_warm()
    t = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, errors, time.perf_counter() - t


async def _run_httpx(base: str, urls: list[str], clients: int, total: int,
                     on_warm: Any = None) -> tuple[list[float], int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def client(i: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(i)
        for _ in counter:
            url = rng.choice(urls)
            t = time.perf_counter()
            r = await http.get(base + url)
            latencies.append(time.perf_counter() - t)
            if not _page_ok(r.status_code, r.content):
                errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        for u in urls:  # warm-up: every page once
            await http.get(base + u)
        if on_warm is not None:
            await on_warm()
        t = time.perf_counter()
        await asyncio.gather(*(client(i, http) for i in range(clients)))
        wall = time.perf_counter() - t
    return latencies, errors, wall


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (Linux /proc; 0 elsewhere)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def db_backend_pids(url: str) -> list[int]:
    """The PostgreSQL server processes serving this database (the server's pool and probe), so
    their CPU counts in the figures; none for SQLite (in the server's own process)."""
    if url.startswith("sqlite"):
        return []
    from sqlalchemy import text

    from truecard.store import open_store

    db = open_store(url)
    try:
        with db.read() as s:
            return [int(p) for p in s.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                .scalars()]
    finally:
        db.dispose()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=4_000)
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1, help="server processes (truecard serve --workers)")
    ap.add_argument("--mix", choices=("full", "classic"), default="full",
                    help="pages requested: full (with the framework columns and the matrix) or classic")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="load generator: raw (a minimal keep-alive HTTP/1.1 client, cheap) or httpx (the first "
                         "benchmark's; on a 2-core machine it uses more CPU than the server)")
    ap.add_argument("--no-cache", action="store_true",
                    help="serve with the page cache off (TRUECARD_PAGE_CACHE=0): every request queries and renders, "
                         "as right after a write")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="truecard-bench-")
    url = args.db or f"sqlite:///{tmp}/bench.db"
    fill = populate(url, args.models)

    from truecard.store import open_store

    db = open_store(url)
    with db.read() as s:
        from sqlalchemy import select

        from truecard.store.orm import Model

        orgs = [o for o in s.scalars(select(Model.organisation).distinct().limit(500)) if o]
        n_models = len(list(s.scalars(select(Model.id))))
    db.dispose()

    import socket

    port = args.port
    if not port:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if args.no_cache:
        env["TRUECARD_PAGE_CACHE"] = "0"
    server = subprocess.Popen([sys.executable, "-m", "truecard", "serve", "--db", url, "--port", str(port),
                               "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    err = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit("server did not start: " + err) from None
                time.sleep(0.2)
        urls = workload(random.Random(0), orgs, args.mix)
        load_before = os.getloadavg()
        lat, errors, wall, cpu = asyncio.run(measured_load(base, urls, args, server.pid, url))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(30)
    ms = [v * 1000 for v in lat]
    figures = {
        "models": n_models,
        "clients": args.clients,
        "requests": len(ms),
        "errors": errors,
        "backend": url.split(":", 1)[0],
        "p50_ms": round(pct(ms, 50), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "p99_ms": round(pct(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "max_ms": round(max(ms), 1),
        "requests_per_s": round(len(ms) / wall, 1),
        # CPU per request: the server process, and the database's server processes (PostgreSQL)
        "server_cpu_ms_per_request": round(1000 * cpu["server"] / max(1, len(ms)), 3),
        "db_cpu_ms_per_request": round(1000 * cpu["db"] / max(1, len(ms)), 3),
        "client_cpu_ms_per_request": round(1000 * cpu["client"] / max(1, len(ms)), 3),  # the load generator
        "load_average_1min": [round(load_before[0], 2), round(load_after[0], 2)],  # before, after the load
        "fill_seconds": round(fill, 1),
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "mix": args.mix,
        "client": args.client,
        "page_cache": not args.no_cache,
        "distinct_pages": len(set(urls)),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"dashboard ({args.mix} mix, {figures['distinct_pages']} distinct pages), {figures['models']:,} models, {args.clients} concurrent clients, "
              f"{figures['requests']:,} requests on loopback ({figures['backend']}, {args.workers} server "
              f"process(es), {figures['cpus']} CPUs):")
        print(f"  p50 {figures['p50_ms']} ms   p95 {figures['p95_ms']} ms   p99 {figures['p99_ms']} ms   "
              f"max {figures['max_ms']} ms   {figures['requests_per_s']} req/s   errors {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

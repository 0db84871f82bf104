"""Run a batch: read items, skip what is done, score the rest on an engine, record each result.

Items come from a sources file (one item per line; several sources on one line are merged
into one model; `#` starts a comment) or from a Hub search. Progress is a rich bar on a
terminal and plain lines otherwise.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from truecard.batch.ledger import BATCH_SECONDS, Item, Ledger, item_key
from truecard.options import ScanOptions


class LineSink(Protocol):
    """Where `--format jsonl` results go: a text stream, or the CLI's tracker around one."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class BatchError(Exception):
    """A batch that cannot start (bad sources file, unknown engine, ...): exit code 2."""


@dataclass
class BatchOptions:
    sources_file: Path | None = None
    hub_query: str | None = None
    limit: int | None = None
    state: Path | None = None
    concurrency: int = 4
    engine: str = "local"
    address: str | None = None
    timeout: float | None = 300.0
    retry_failed: bool = False
    rescan_stale: float | None = None  # seconds
    save: bool = False
    db: str | None = None
    fmt: str | None = None  # "jsonl" to stream results
    output: Path | None = None
    rate: float = 10.0  # requests per second per host, across all workers
    burst: int = 20
    # one frozen request, made (and checked) once, handed to every item's scan
    scan_options: ScanOptions = field(default_factory=ScanOptions)


@dataclass
class BatchSummary:
    total: int = 0
    scored: int = 0
    failed: int = 0
    unchanged: int = 0
    skipped_done: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    requests: int = 0
    keys: list[str] = field(default_factory=list)  # this run's items, in order (for reports)
    state: Path | None = None  # the ledger file the results are in

    @property
    def rate(self) -> float:
        return self.scored / self.seconds if self.seconds else 0.0


def parse_duration(text: str) -> float:
    """'7d', '12h', '30m', '90s' or plain seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    t = text.strip().lower()
    try:
        if t and t[-1] in units:
            return float(t[:-1]) * units[t[-1]]
        return float(t)
    except ValueError:
        raise BatchError(f"invalid duration {text!r}: use e.g. 7d, 12h, 30m") from None


# A line without quotes or backslashes whose only blanks are shlex's (space, tab, CR) splits
# alike by `str.split()`, without shlex's character-by-character tokenizer (about 20 us a
# line: most of the time before a batch of local folders starts). Anything else goes to shlex.
_NEEDS_SHLEX = re.compile(r"[\"'\\]|(?![ \t\r\n])\s")


def read_sources_file(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BatchError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchError(f"{path}: cannot read sources file: {exc}") from None
    items = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not line:
            continue
        try:
            items.append(line.split() if not _NEEDS_SHLEX.search(line) else shlex.split(line))
        except ValueError as exc:
            raise BatchError(f"{path}:{n}: cannot parse line: {exc}") from None
    return items


def hub_query_items(query: str, limit: int | None) -> list[list[str]]:
    """Items from a Hub search: 'author=allenai', 'search=llama,library=transformers'."""
    try:
        from huggingface_hub import HfApi
    except ImportError:
        from truecard._install import install_command

        raise BatchError(f"--hub-query needs huggingface_hub: {install_command('hub')}") from None
    kwargs: dict[str, Any] = {}
    for part in query.replace(",", " ").split():
        if "=" not in part:
            raise BatchError(f"--hub-query: expected key=value, got {part!r}")
        k, v = part.split("=", 1)
        kwargs[k.strip()] = v.strip()
    try:
        models = list(HfApi().list_models(limit=limit, **kwargs))
    except TypeError as exc:
        raise BatchError(f"--hub-query: {exc}") from None
    except Exception as exc:
        raise BatchError(f"--hub-query failed: {type(exc).__name__}: {exc}") from None
    return [[f"hf:{m.id}"] for m in models]


def make_engine(opts: BatchOptions, items: list[Item] | None = None) -> Any:
    """The engine the options name; a local one for `items` (None: any item) shares a rate
    bucket between its workers only where an item may make a request (`may_request`)."""
    from truecard.batch.engines import LocalEngine, RayEngine, may_request

    if opts.engine == "local":
        requests = items is None or may_request([it.sources for it in items], opts.scan_options.follow_links)
        return LocalEngine(opts.concurrency, opts.rate, opts.burst, requests=requests)
    if opts.engine == "ray":
        try:
            return RayEngine(opts.concurrency, opts.rate, opts.burst, opts.address)
        except RuntimeError as exc:
            raise BatchError(str(exc)) from None
    raise BatchError(f"unknown engine {opts.engine!r}: use local or ray")


Saver = Callable[[dict[str, Any], str], None]


def run_batch(
    opts: BatchOptions, *, saver: Saver | None = None, progress: Any = None, out: LineSink | None = None
) -> BatchSummary:
    started = time.perf_counter()
    if opts.hub_query:
        items = hub_query_items(opts.hub_query, opts.limit)
    elif opts.sources_file is not None:
        items = read_sources_file(opts.sources_file)
        if opts.limit:
            items = items[: opts.limit]
    else:
        raise BatchError("give a SOURCES_FILE or --hub-query")
    state = opts.state or (
        opts.sources_file.with_name(opts.sources_file.name + ".truecard-state.sqlite")
        if opts.sources_file
        else Path("truecard-batch-state.sqlite")
    )
    ledger = Ledger(state)
    summary = BatchSummary(total=len(items), keys=[item_key(i) for i in items], state=Path(state))
    try:
        ledger.add(items)
        keys = {item_key(i) for i in items}
        if opts.retry_failed:
            todo = ledger.select(statuses=("failed",), keys=keys)
        else:
            stale_before = time.time() - opts.rescan_stale if opts.rescan_stale is not None else None
            todo = ledger.select(statuses=("pending",), stale_before=stale_before, keys=keys)
        summary.skipped_done = len(keys) - len(todo)
        # results saved to the ledger but not yet to the store (a crash between the two)
        if saver is not None:
            for key, card in ledger.unsaved():
                saver(card, key)
                ledger.mark_saved(key)
        if progress is not None:
            progress.start(len(todo))
        if not todo:
            return summary
        engine = make_engine(opts, todo)
        to_save: list[tuple[str, str]] = []  # (key, card JSON) recorded, not yet in the store

        def commit() -> None:
            """The ledger's batch first, then the store: a stored result is always recorded."""
            ledger.flush()
            if saver is not None and to_save:
                for key, text in to_save:
                    saver(json.loads(text), key)
                    ledger.mark_saved(key)
                to_save.clear()
                ledger.flush()

        try:
            todo = _drop_unchanged(engine, ledger, todo, summary, progress)
            options = {"timeout": opts.timeout, "scan": opts.scan_options}
            jsonl = out is not None and opts.fmt == "jsonl"
            work = [(it.key, it.sources) for it in todo]
            for key, outcome in engine.run("score", work, options, tick=BATCH_SECONDS):
                if key is None:  # a quiet moment: nothing recorded waits for the next result
                    commit()
                    continue
                if outcome.get("ok"):
                    ledger.finish(key, outcome)
                    summary.scored += 1
                    if saver is not None:
                        to_save.append((key, _card_text(outcome)))
                else:
                    ledger.fail(key, outcome.get("error") or "unknown error", outcome.get("kind") or "error")
                    summary.failed += 1
                    summary.failures.append((key, outcome.get("kind") or "error", outcome.get("error") or ""))
                if jsonl:
                    assert out is not None
                    out.write(_jsonl_record(key, outcome) + "\n")
                    out.flush()
                if ledger.due():
                    commit()
                if progress is not None:
                    progress.advance(ok=bool(outcome.get("ok")))
            commit()
            try:
                summary.requests = int(engine.stats().get("requests", 0))
            except Exception:
                summary.requests = 0
        finally:
            engine.close()
    finally:
        summary.seconds = time.perf_counter() - started
        ledger.close()
        if progress is not None:
            progress.stop()
    return summary


def _card_text(outcome: dict[str, Any]) -> str:
    text = outcome.get("card_json")
    return text if isinstance(text, str) else json.dumps(outcome["card"])


def _jsonl_record(key: str, outcome: dict[str, Any]) -> str:
    """One line of `--format jsonl`: the item, the outcome, and the scorecard as an object
    (spliced in as the worker's JSON text, not parsed and dumped again)."""
    rest = {k: v for k, v in outcome.items() if k not in ("card_json", "card", "model", "total", "tier")}
    line = json.dumps({"item": key, **rest})
    if "card_json" in outcome or "card" in outcome:
        line = line[:-1] + ', "card": ' + _card_text(outcome) + "}"
    return line


def _drop_unchanged(
    engine: Any, ledger: Ledger, todo: list[Item], summary: BatchSummary, progress: Any
) -> list[Item]:
    """For done-but-stale items, one cheap revision probe decides whether to re-score."""
    stale = [it for it in todo if it.status == "done"]
    if not stale:
        return todo
    by_key = {it.key: it for it in stale}
    unchanged: set[str] = set()
    for key, revs in engine.run("probe", [(it.key, it.sources) for it in stale], {}):
        stored = by_key[key].revision
        if isinstance(revs, list) and revs and all(revs) and stored == ",".join(revs):
            ledger.unchanged(key)
            unchanged.add(key)
            summary.unchanged += 1
            if progress is not None:
                progress.advance(ok=True)
    return [it for it in todo if it.key not in unchanged]


class Progress:
    """A rich progress bar on a terminal; plain progress lines otherwise (e.g. in CI logs)."""

    def __init__(self, stream: TextIO = sys.stderr, interval: float = 2.0) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = interval
        self.done = 0
        self.failed = 0
        self.total = 0
        self._last = 0.0
        self._t0 = 0.0
        self._bar: Any = None
        self._task: Any = None

    def start(self, total: int) -> None:
        self.total = total
        self._t0 = time.perf_counter()
        if self.tty and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("[bold]scoring"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f}/s"),
                TextColumn("[red]{task.fields[failed]} failed"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
            )
            self._bar.start()
            self._task = self._bar.add_task("batch", total=total, rate=0.0, failed=0)
        else:
            self.stream.write(f"truecard batch: {total} item(s) to score\n")

    def advance(self, ok: bool) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        elapsed = time.perf_counter() - self._t0
        rate = self.done / elapsed if elapsed else 0.0
        if self._bar is not None:
            self._bar.update(self._task, advance=1, rate=rate, failed=self.failed)
            return
        now = time.perf_counter()
        if now - self._last >= self.interval or self.done == self.total:
            self._last = now
            eta = (self.total - self.done) / rate if rate else 0
            self.stream.write(
                f"truecard batch: {self.done}/{self.total} done, {self.failed} failed, "
                f"{rate:.1f}/s, ETA {eta:.0f} s\n"
            )
            self.stream.flush()

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()

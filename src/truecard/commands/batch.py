"""`truecard batch`: score many models, resumably, locally or on Ray."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def batch(
        sources_file: Annotated[
            Path | None,
            typer.Argument(help="One item per line (hf:, gh:, paths; several per line = one merged model)."),
        ] = None,
        hub_query: Annotated[
            str | None,
            typer.Option("--hub-query", help="Take items from a Hub search, e.g. 'author=allenai'."),
        ] = None,
        limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N items.")] = None,
        save: Annotated[
            bool, typer.Option("--save", help="Store every evaluation in the dashboard database.")
        ] = False,
        db: Annotated[
            str | None,
            typer.Option(
                "--db", help="Database URL for --save (default: TRUECARD_DATABASE_URL or local SQLite)."
            ),
        ] = None,
        concurrency: Annotated[
            int, typer.Option("--concurrency", "-j", min=1, max=512, help="Items scored at once.")
        ] = 4,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="jsonl: one result per line as items finish.")
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write --format output to FILE.")
        ] = None,
        state: Annotated[
            Path | None,
            typer.Option("--state", help="Ledger file (default: SOURCES_FILE.truecard-state.sqlite)."),
        ] = None,
        retry_failed: Annotated[
            bool, typer.Option("--retry-failed", help="Retry only the items that failed before.")
        ] = False,
        rescan_stale: Annotated[
            str | None,
            typer.Option("--rescan-stale", help="Re-check items scored longer ago than this (7d, 12h)."),
        ] = None,
        engine: Annotated[
            str, typer.Option("--engine", help="local (processes on this machine) or ray.")
        ] = "local",
        address: Annotated[
            str | None,
            typer.Option("--address", help="Ray cluster address (ray://HOST:PORT); default: a local Ray."),
        ] = None,
        timeout: Annotated[
            float, typer.Option("--timeout", min=1, help="Seconds per item before it fails as a timeout.")
        ] = 300,
        rate: Annotated[
            float, typer.Option("--rate", min=0.01, help="Requests per second per host, across all workers.")
        ] = 10.0,
    ) -> None:
        """Score a list of models; resumable, one failure never stops the rest.

        When it finishes, a table shows the best and the worst models and every failure with
        its reason (on stdout; on stderr when stdout carries -f jsonl). Exit 1 when an item
        of the list has failed (retry with --retry-failed), 2 for a usage error."""
        from truecard.batch.run import BatchError, BatchOptions, Progress, parse_duration, run_batch
        from truecard.commands._common import fail

        if fmt not in (None, "jsonl"):
            raise fail(f"unknown batch format {fmt!r}; use jsonl")
        if sources_file is None and hub_query is None:
            raise fail("give a SOURCES_FILE or --hub-query")
        saver = None
        close_store = None
        if save:
            saver, close_store = _saver(db)
        try:
            stale = parse_duration(rescan_stale) if rescan_stale else None
        except BatchError as exc:
            raise fail(str(exc)) from None
        opts = BatchOptions(
            sources_file=sources_file,
            hub_query=hub_query,
            limit=limit,
            state=state,
            concurrency=concurrency,
            engine=engine,
            address=address,
            timeout=timeout,
            retry_failed=retry_failed,
            rescan_stale=stale,
            save=save,
            db=db,
            fmt=fmt,
            output=output,
            rate=rate,
        )
        out: TextIO | None = None
        tracker: _Tracker | None = None
        try:
            if fmt == "jsonl":
                # the file is written whole each run: new results as they finish, then the
                # results the ledger already holds for the other items (a re-run is complete too)
                out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
                tracker = _Tracker(out)
            summary = run_batch(opts, saver=saver, progress=Progress(sys.stderr), out=tracker)
            held = _held_results(summary)
            if tracker is not None:
                for rec in held:
                    if rec["item"] not in tracker.items:
                        tracker.write(json.dumps(rec) + "\n")
        except BatchError as exc:
            raise fail(str(exc)) from None
        finally:
            if out is not None and out is not sys.stdout:
                out.close()
            if close_store is not None:
                close_store()
        typer.echo(
            f"truecard batch: {summary.scored} scored, {summary.failed} failed, {summary.unchanged} unchanged, "
            f"{summary.skipped_done} not due, in {summary.seconds:.1f} s ({summary.rate:.1f} models/s)",
            err=True,
        )
        failed_now = [r for r in held if not r["ok"]]
        to_stdout = not (fmt == "jsonl" and output is None)
        from rich.console import Console

        console = Console(file=sys.stdout if to_stdout else sys.stderr, highlight=False)
        for item in results_view(held, top=10):
            console.print(item)
        if fmt == "jsonl" and output is not None:
            n = tracker.count if tracker else 0
            if n:
                typer.echo(f"truecard batch: wrote {n} result(s) to {output}", err=True)
            else:
                typer.echo(f"truecard batch: wrote nothing to {output}: the list has no items", err=True)
        elif fmt is None and not save and summary.skipped_done and not summary.scored:
            typer.echo("truecard batch: every item was already scored (not due); the table shows the "
                       "results held in the ledger. --retry-failed or --rescan-stale AGE re-scores; "
                       "-f jsonl -o FILE writes them out.", err=True)
        if failed_now:
            typer.echo(f"truecard batch: {len(failed_now)} item(s) failed; retry them with --retry-failed",
                       err=True)
            raise typer.Exit(1)


class _Tracker:
    """A text stream that remembers which items' JSON lines went through it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.items: set[str] = set()
        self.count = 0

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip():
                with contextlib.suppress(ValueError):
                    self.items.add(json.loads(line).get("item"))
                self.count += 1
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def _held_results(summary: Any) -> list[dict[str, Any]]:
    """Every item of this run as the ledger holds it now: scored (with its card) or failed."""
    from truecard.batch.ledger import Ledger

    keys = list(getattr(summary, "keys", []) or [])
    state = getattr(summary, "state", None)
    if not keys or state is None:
        return []
    ledger = Ledger(state)
    try:
        rows = {
            r[0]: r
            for r in ledger.db.execute("SELECT key, status, result, error, error_kind FROM items").fetchall()
        }
    finally:
        ledger.close()
    out: list[dict[str, Any]] = []
    for key in dict.fromkeys(keys):
        row = rows.get(key)
        if row is None:
            continue
        _, status, result, error, kind = row
        if status == "done" and result:
            out.append({"item": key, "ok": True, "card": json.loads(result)})
        elif status == "failed":
            out.append({"item": key, "ok": False, "error": error or "unknown error", "kind": kind or "error"})
    return out


def results_view(results: list[dict[str, Any]], top: int = 10) -> list[Any]:
    """The finished run as tables: the best and the worst models, then every failure and why."""
    from rich.table import Table
    from rich.text import Text

    from truecard.reports.literal import literal

    done = [r for r in results if r["ok"]]
    failed = [r for r in results if not r["ok"]]
    items: list[Any] = []
    if done:
        ranked = sorted(done, key=lambda r: (-int(r["card"].get("total", 0)), r["item"]))
        shown = ranked if len(ranked) <= 2 * top else [*ranked[:top], None, *ranked[-top:]]
        t = Table(title=f"{len(done)} model(s) scored" + (f", best and worst {top}" if None in shown else ""),
                  title_justify="left", box=None, pad_edge=False, show_edge=False)
        t.add_column("#", justify="right", no_wrap=True)
        t.add_column("model", overflow="fold")
        t.add_column("total", justify="right", no_wrap=True)
        t.add_column("tier", no_wrap=True)
        for label in ("T", "R", "U", "E"):
            t.add_column(label, justify="right", no_wrap=True)
        t.add_column("item", overflow="fold", style="dim")
        for r in shown:
            if r is None:
                t.add_row("…", Text(f"{len(ranked) - 2 * top} more", style="dim"), "", "", "", "", "", "", "")
                continue
            card = r["card"]
            dims = [str(d.get("score", "")) for d in card.get("dimensions", [])][:4]
            rank = ranked.index(r) + 1
            t.add_row(str(rank), Text(literal(card.get("subject", {}).get("name", "?"))),
                      f"{card.get('total')}/{card.get('max', 30)}", str(card.get("tier", "")),
                      *dims, Text(literal(r["item"])))
        items.append(t)
    if failed:
        f = Table(title=f"{len(failed)} failed", title_justify="left", title_style="bold red", box=None,
                  pad_edge=False, show_edge=False)
        f.add_column("item", overflow="fold")
        f.add_column("kind", no_wrap=True)
        f.add_column("reason", overflow="fold")
        for r in failed:
            f.add_row(Text(literal(r["item"])), Text(literal(r.get("kind")), style="red"),
                      Text(literal(str(r.get("error"))[:300])))
        items.append(f)
    return items


def _saver(db: str | None):  # type: ignore[no-untyped-def]
    """A function storing one scorecard in the dashboard database (the web extra)."""
    from truecard.commands._common import fail

    try:
        from truecard.batch.save import batch_saver

        return batch_saver(db)
    except ImportError:
        from truecard._install import missing_extra_message

        raise fail(missing_extra_message("batch --save", "web")) from None
    except Exception as exc:
        raise fail(f"cannot open the database: {exc}") from None

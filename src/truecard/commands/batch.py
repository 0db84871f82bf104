"""`truecard batch`: score many models, resumably, locally or on Ray."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

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
        """Score a list of models; resumable, one failure never stops the rest."""
        from truecard.batch.run import BatchError, BatchOptions, Progress, parse_duration, run_batch
        from truecard.cli import fail

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
        out = None
        try:
            if fmt == "jsonl":
                out = open(output, "a", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
            summary = run_batch(opts, saver=saver, progress=Progress(sys.stderr), out=out)
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
        for key, kind, err in summary.failures[:20]:
            typer.echo(f"  failed [{kind}] {key}: {err[:160]}", err=True)
        if summary.failed:
            typer.echo("  (retry them with --retry-failed)", err=True)


def _saver(db: str | None):  # type: ignore[no-untyped-def]
    """A function storing one scorecard in the dashboard database (the web extra)."""
    from truecard.cli import fail

    try:
        from truecard.batch.save import batch_saver

        return batch_saver(db)
    except ImportError:
        raise fail("--save needs the dashboard store: pip install 'truecard[web]'") from None
    except Exception as exc:
        raise fail(f"cannot open the database: {exc}") from None

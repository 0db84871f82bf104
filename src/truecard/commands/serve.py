"""`truecard serve`: the TRUE dashboard (leaderboard, model pages, API, badges)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from truecard.commands._common import DbOption, cli_actor, fail, open_db

DEMO_DATA = "demo-evaluations.jsonl.gz"


def demo_data_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("truecard.store").joinpath("data", DEMO_DATA)))


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
        db: DbOption = None,
        workers: Annotated[
            int, typer.Option("--workers", min=1, max=64, help="Server processes (more use more CPU cores).")
        ] = 1,
        demo: Annotated[
            bool,
            typer.Option("--demo", help="Start on a throw-away database filled with truecard's evaluations "
                         "of 400 real model cards."),
        ] = False,
    ) -> None:
        """Start the dashboard: leaderboard, model pages, history, compare, claims, JSON API, badges."""
        from truecard.store import redact

        tmp: str | None = None
        try:
            if demo:
                if db:
                    raise fail("--demo uses its own throw-away database; leave out --db")
                tmp = tempfile.mkdtemp(prefix="truecard-demo-")
                store = open_db(f"sqlite:///{tmp}/demo.db")
                from truecard.store.transfer import import_file

                report = import_file(store, demo_data_path(), actor=cli_actor() + " (demo)")
                typer.echo(f"truecard: demo database: {report.summary()}", err=True)
            else:
                store = open_db(db)
            import uvicorn

            from truecard.web import create_app

            shown = "a throw-away demo database" if demo else redact(store.url)
            typer.echo(f"truecard: dashboard at http://{host}:{port}/ on {shown} (Ctrl-C stops)", err=True)
            if workers > 1:
                import os

                from truecard.store import ENV_VAR

                os.environ[ENV_VAR] = store.url  # each worker process opens the same store
                store.dispose()
                uvicorn.run("truecard.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                            log_level="warning", server_header=False)
            else:
                uvicorn.run(create_app(store), host=host, port=port, log_level="warning", server_header=False)
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)

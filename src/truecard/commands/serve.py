"""`truecard serve`: the TRUE dashboard (leaderboard, model pages, API, badges).

The port is checked before anything is printed or loaded: a busy port, a name that does not
resolve or a port the user may not open is one line and exit 2, never "dashboard at ..."
followed by a server's traceback.
"""

from __future__ import annotations

import errno
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from truecard.commands._common import DbOption, cli_actor, fail, need_web_extra, open_db

DEMO_DATA = "demo-evaluations.jsonl.gz"


def demo_data_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("truecard.store").joinpath("data", DEMO_DATA)))


def check_port(host: str, port: int) -> None:
    """Exit 2 with a clear line unless `host:port` can be listened on right now.

    Binds as uvicorn will (SO_REUSEADDR, every address the name resolves to) and lets go at
    once; the server binds again a moment later.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise fail(f"cannot listen on {host!r}: {exc.strerror or exc}") from None
    for family, kind, proto, _, addr in infos:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(addr)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise fail(
                        f"port {port} on {host} is already in use; stop what uses it or choose another "
                        f"with --port (e.g. --port {port + 1 if port < 65535 else 8000})"
                    ) from None
                if exc.errno in (errno.EACCES, errno.EPERM):
                    raise fail(f"not allowed to listen on {host}:{port} (ports below 1024 need root); "
                               "choose another with --port") from None
                raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
        db: DbOption = None,
        workers: Annotated[
            int, typer.Option("--workers", min=1, max=64,
                              help="Server processes (more use more CPU cores; each keeps its own page cache).")
        ] = 1,
        demo: Annotated[
            bool,
            typer.Option("--demo", help="Start on a throw-away database filled with truecard's evaluations "
                         "of 400 real model cards."),
        ] = False,
    ) -> None:
        """Start the dashboard: leaderboard, model pages, history, compare, claims, JSON API, badges."""
        need_web_extra("truecard serve")
        if demo and db:
            raise fail("--demo uses its own throw-away database; leave out --db")
        check_port(host, port)
        from truecard.store import redact

        tmp: str | None = None
        try:
            if demo:
                tmp = tempfile.mkdtemp(prefix="truecard-demo-")
                store = open_db(f"sqlite:///{tmp}/demo.db")
                from truecard.store.transfer import import_file

                report = import_file(store, demo_data_path(), actor=cli_actor() + " (demo)", provenance="demo")
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
                _run(uvicorn.run, "truecard.web.app:app_from_env", factory=True, workers=workers, host=host,
                     port=port, log_level="warning", server_header=False)
            else:
                _run(uvicorn.run, create_app(store), host=host, port=port, log_level="warning", server_header=False)
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)


def server_options() -> dict[str, object]:
    """uvicorn's fast parts when installed (`truecard[web]` brings them: uvicorn[standard]):
    httptools parses HTTP/1.1 in C and uvloop runs the event loop, about 1.3-1.5x the requests
    per second of h11 on asyncio on the dashboard's cached pages. Without them, the pure-Python
    ones. No access log line per request (uvicorn logs them at info; the server logs warnings)."""
    import importlib.util

    fast_http = importlib.util.find_spec("httptools") is not None
    fast_loop = importlib.util.find_spec("uvloop") is not None
    return {"http": "httptools" if fast_http else "h11", "loop": "uvloop" if fast_loop else "asyncio",
            "access_log": False}


def _run(run, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """uvicorn.run, with its exit on a failed start (the port taken in the meantime) as exit 2."""
    kwargs = {**server_options(), **kwargs}
    try:
        run(*args, **kwargs)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise fail(f"the dashboard could not start (server exit {exc.code}); see the message above") from None

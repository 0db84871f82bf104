"""`truecard push RESULT.json --to URL --token T`: store an evaluation on a dashboard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from truecard.commands._common import fail


def register(app: typer.Typer) -> None:
    @app.command()
    def push(
        result: Annotated[Path, typer.Argument(help="A scorecard: `truecard scan -f json -o RESULT.json`.")],
        to: Annotated[str, typer.Option("--to", help="The dashboard's address, e.g. https://true.example.org")],
        token: Annotated[
            str | None, typer.Option("--token", envvar="TRUECARD_TOKEN", help="API token (or $TRUECARD_TOKEN).")
        ] = None,
        model_id: Annotated[
            str | None, typer.Option("--model-id", help="ORG/NAME (default: from the scorecard's sources).")
        ] = None,
        timeout: Annotated[float, typer.Option("--timeout", help="Seconds.")] = 60.0,
    ) -> None:
        """Send a scan result to a dashboard; a new revision adds to the model's history."""
        import urllib.error
        import urllib.request

        if not token:
            raise fail("a token is needed: --token T or $TRUECARD_TOKEN (`truecard token create` on the server)")
        if not to.startswith(("http://", "https://")):
            raise fail(f"--to must be an http(s) address, not {to!r}")
        try:
            doc = json.loads(result.read_text(encoding="utf-8"))
        except OSError as exc:
            raise fail(f"cannot read {result}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise fail(f"{result} is not JSON: {exc}") from None
        body = json.dumps({"model_id": model_id, "scorecard": doc}).encode("utf-8")
        req = urllib.request.Request(
            to.rstrip("/") + "/api/evaluations",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                     "User-Agent": "truecard-push"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # http(s) checked above
                out = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            try:
                detail = json.loads(exc.read()).get("detail")
            except ValueError:
                detail = exc.reason
            raise fail(f"{to} refused the evaluation ({exc.code}): {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise fail(f"cannot reach {to}: {getattr(exc, 'reason', exc)}") from None
        what = "already stored as" if out.get("duplicate") else "stored"
        typer.echo(f"{what} evaluation {out['evaluation_id']} of {out['model_id']}: {to.rstrip('/')}{out['url']}")



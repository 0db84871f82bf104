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
            raise fail(f"--to must be an http(s) address, not {_without_credentials(to)!r}")
        try:
            doc = json.loads(result.read_text(encoding="utf-8"))
        except OSError as exc:
            raise fail(f"cannot read {result}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise fail(f"{result} is not JSON: {exc}") from None
        shown = _without_credentials(to)  # never echo `https://user:secret@host` in a message
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
                got = json.loads(exc.read())
                detail = got.get("detail") if isinstance(got, dict) else exc.reason
            except ValueError:
                detail = exc.reason
            raise fail(f"{shown} refused the evaluation ({exc.code}): {str(detail)[:500]}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = str(getattr(exc, "reason", exc)).replace(to, shown)
            raise fail(f"cannot reach {shown}: {reason}") from None
        what = "already stored as" if out.get("duplicate") else "stored"
        typer.echo(f"{what} evaluation {out['evaluation_id']} of {out['model_id']}: {shown.rstrip('/')}{out['url']}")


def _without_credentials(url: str) -> str:
    """The address with any `user:password@` removed, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        u = urlsplit(url)
        if u.username is None and u.password is None:
            return url
        host = (u.hostname or "") + (f":{u.port}" if u.port else "")
        return urlunsplit((u.scheme, host, u.path, u.query, u.fragment))
    except ValueError:
        return "the address given"

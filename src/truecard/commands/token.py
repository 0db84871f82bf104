"""`truecard token create|list|revoke`: bearer tokens for the API and for signing in."""

from __future__ import annotations

from typing import Annotated

import typer

from truecard.commands._common import DbOption, cli_actor, fail, need_web_extra, open_db

token_app = typer.Typer(help="API tokens: writes to the dashboard (push, claims) need one.", no_args_is_help=True)


@token_app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Who the token is for (created if new).")],
    admin: Annotated[bool, typer.Option("--admin", help="May write to every model.")] = False,
    owns: Annotated[
        list[str] | None,
        typer.Option("--owns", help="Make NAME the maintainer of this stored model (repeatable)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create a token; it is printed once, as the last word of the output."""
    need_web_extra("truecard token create")
    from truecard.store import repo

    store = open_db(db, what="truecard token create")
    try:
        with store.write() as s:
            user, raw = repo.create_token(s, name, admin=admin, owns=owns or [], actor=cli_actor())
            role = "admin" if user.is_admin else "maintainer"
    except (ValueError, repo.NotFound) as exc:
        raise fail(str(exc).strip("'\"")) from None
    finally:
        store.dispose()
    extra = f" of {', '.join(owns)}" if owns else ""
    typer.echo(f"Created a token for {user.name} ({role}{extra}). Keep it secret; it is shown only once:")
    typer.echo(raw)


@token_app.command("list")
def list_(db: DbOption = None) -> None:
    """List tokens (prefix, user, created, revoked); never the tokens themselves."""
    need_web_extra("truecard token list")
    from truecard.store import repo

    store = open_db(db, what="truecard token list")
    try:
        with store.read() as s:
            for t in repo.list_tokens(s):
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                admin = " admin" if t.user.is_admin else ""
                typer.echo(f"{t.prefix}…  {t.user.name}{admin}  created {t.created_at:%Y-%m-%d %H:%M}  {state}")
    finally:
        store.dispose()


@token_app.command("revoke")
def revoke(
    prefix: Annotated[str, typer.Argument(help="The token's first 10 characters (as `token list` shows).")],
    db: DbOption = None,
) -> None:
    """Revoke a token by its prefix."""
    need_web_extra("truecard token revoke")
    from truecard.store import repo

    store = open_db(db, what="truecard token revoke")
    try:
        with store.write() as s:
            n = repo.revoke_token(s, prefix, actor=cli_actor())
    finally:
        store.dispose()
    if not n:
        raise fail(f"no active token starts with {prefix!r}")
    typer.echo(f"revoked {n} token(s)")


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")

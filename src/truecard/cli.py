"""The `truecard` command line.

Exit codes: 0 success, 1 total below `--fail-under` (or a policy missed, or batch items that
failed), 2 usage or input error. A user mistake is a one-line message on stderr, never a
traceback: usage errors, a missing optional extra (with the install command that fits how
truecard was installed) and a closed pipe included. This module only assembles the app:
the commands live in `truecard.commands.*` (each with `register(app)`), listed in
`truecard.registry` (group `truecard.commands`, so an installed package can add one), and are
imported lazily enough that `truecard --version` stays fast; shared options and helpers are
in `truecard.commands._common`.

Help is click's plain layout (as pip, ruff and git print it): options that take a value show
a metavar such as `FORMAT` or `FILE`, flags show none, ranges read "0 to 30", and nothing is
cut short at narrow widths.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated, Any

import typer
import typer.main

try:  # recent typer carries its own copy of click; its exceptions are the ones raised
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer on plain click
    from click import exceptions as click_exc  # type: ignore[no-redef]

from truecard import __version__

app = typer.Typer(
    name="truecard",
    help="Evidence-backed TRUE openness scorecards for AI models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)



from truecard.commands._common import (  # noqa: E402,F401 - re-exported
    command_path,
    fail,
    missing_extra,
    nothing_to_score,
    write_output,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"truecard {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Score how open an AI model really is: every point cites the artifact that earned it."""


from truecard.commands import core as _core  # noqa: E402 - scan, schema, rubric: registered first

_core.register(app)

_loaded: set[str] = set()
CORE = ("scan", "schema", "rubric")  # registered above, before every other command


def _load_commands(first: str | None = None) -> None:
    """Register the commands beyond the core on `app` (the registry's group `truecard.commands`:
    truecard's own, then installed packages'), each once however often this is called.

    `first`: the command word about to run. When it names truecard's own command, only that
    one is needed (assembling all of them costs more than a small scan); anything else (help,
    a typo, a third party's command) loads them all."""
    if first in CORE:
        return
    from truecard.registry import load, plugins

    found = plugins("commands")
    chosen = list(found.items())
    if first is not None and first in found and found[first].builtin:
        chosen = [(first, found[first])]
    for name, plugin in chosen:
        if name in _loaded:
            continue
        load(plugin)(app)
        _loaded.add(name)


# Metavars for options whose value has a meaning beyond its type; the rest get their name.
METAVARS: dict[str, str] = {
    "--format": "FORMAT", "--output": "FILE", "--claims": "FILE", "--state": "FILE",
    "--db": "URL", "--to": "URL", "--address": "URL", "--framework": "NAME|FILE",
    "--fail-under": "N", "--limit": "N", "--concurrency": "N", "--workers": "N",
    "--timeout": "SECONDS", "--memory-limit": "SIZE", "--model-id": "ORG/NAME", "--owns": "ORG/NAME",
    "--rescan-stale": "AGE", "--rate": "PER_SECOND", "--engine": "local|ray", "--host": "HOST",
    "--port": "PORT", "--token": "TOKEN", "--name": "NAME", "--hub-query": "QUERY",
}


def _range_text(param: Any) -> str | None:
    """A number range in words ("0 to 30", "at least 1"), or None."""
    if not hasattr(param, "_get_number_range_help_str"):
        return None
    lo, hi = getattr(param, "min", None), getattr(param, "max", None)
    if not isinstance(lo, int | float) and not isinstance(hi, int | float):
        return None
    if lo is not None and hi is not None:
        return f"{lo:g} to {hi:g}"
    return f"at least {lo:g}" if lo is not None else f"at most {hi:g}"


def tidy_help(cmd: Any) -> Any:
    """Give every option and argument a plain metavar and every range words, recursively.

    Typer would show Python types (`<bool>`, `<list[str]>`, `<int range> [0<=x<=30]`); users
    of pip, ruff or git expect `--format FORMAT`, bare flags and "0 to 30".
    """
    for p in cmd.params:
        if getattr(p, "param_type_name", None) == "option":
            if not (p.is_flag or p.count) and p.metavar is None:
                long = next((o for o in p.opts if o.startswith("--")), p.opts[0])
                p.metavar = METAVARS.get(long, long.lstrip("-").upper().replace("-", "_"))
        elif getattr(p, "param_type_name", None) == "argument":
            name = (p.metavar or p.name or "ARG").upper().removesuffix("...")
            p.metavar = name
            shown = name + ("..." if p.nargs != 1 else "")
            usage = shown if p.required else f"[{shown}]"
            # typer shows "{NAME}" and "<type>" for arguments; plain tools show NAME...
            p.display_type_rich = lambda ctx=None: None  # type: ignore[method-assign]
            p._rich_display_name = lambda shown=shown: shown  # type: ignore[attr-defined]
            p._usage_display_name = lambda usage=usage: usage  # type: ignore[attr-defined]
            p.make_metavar = lambda ctx=None, usage=usage: usage  # type: ignore[method-assign]
        words = _range_text(p)
        if words is not None:
            p._get_number_range_help_str = lambda words=words: words  # type: ignore[attr-defined]
    if isinstance(getattr(cmd, "commands", None), dict):
        for sub in cmd.commands.values():
            tidy_help(sub)
    return cmd


def command(first: str | None = None) -> Any:
    """The whole command line as one click command, help tidied: every sub-command loaded, or
    only what running the command word `first` needs (see `_load_commands`)."""
    _load_commands(first)
    return tidy_help(typer.main.get_command(app))


def reference_markdown(width: int = 88) -> str:
    """The command-line reference page: every command's `--help`, as the commands print it.

    Generated at documentation build time (scripts/docs_pages.py), so the page can never
    disagree with the code.
    """
    root = command()
    out = [
        "# Command-line reference",
        "",
        "Generated from the commands themselves (`truecard COMMAND --help`); exit codes: 0 success,",
        "1 a threshold or policy missed (or a batch item failed), 2 a usage or input error.",
        "",
    ]

    def page(cmd: Any, path: list[str], parent: Any) -> None:
        settings = {k: v for k, v in (getattr(cmd, "context_settings", None) or {}).items()
                    if k not in ("terminal_width", "max_content_width")}
        ctx = typer.Context(cmd, info_name=path[-1] if path else "truecard", parent=parent,
                            terminal_width=width, max_content_width=width, **settings)
        if path:
            out.extend([f"## `truecard {' '.join(path)}`", ""])
        out.extend(["```text", ctx.get_help().rstrip(), "```", ""])
        subs = getattr(cmd, "commands", None)
        if isinstance(subs, dict):
            for name in subs:
                page(subs[name], [*path, name], ctx)

    page(root, [], None)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every failure is one line on stderr and an exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        typer.echo(f"truecard {__version__}")  # fast path: no command modules imported
        return
    code: int | Any = 0
    try:
        first = args[0] if args and not args[0].startswith("-") else None
        code = command(first).main(args=args, prog_name="truecard", standalone_mode=False)
    except click_exc.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        code = 2
    except click_exc.UsageError as exc:
        cmd = exc.ctx.command_path if exc.ctx else "truecard"
        typer.echo(f"truecard: error: {exc.format_message()} (see '{cmd} --help')", err=True)
        code = 2
    except click_exc.ClickException as exc:
        typer.echo(f"truecard: error: {exc.format_message()}", err=True)
        code = exc.exit_code
    except typer.Exit as exc:
        code = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("truecard: interrupted", err=True)
        code = 130
    except BrokenPipeError:
        # `truecard scan ... | head`: the reader left; say nothing, like other Unix tools
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the interpreter flushes it at exit
        code = 141
    except ImportError as exc:
        from truecard._install import extra_for

        if extra_for(getattr(exc, "name", None)) is None:
            raise
        typer.echo(f"truecard: error: {missing_extra(command_path(args), exc)}", err=True)
        code = 2
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

"""The `truecard` command line.

Exit codes: 0 success, 1 total below `--fail-under` (or a policy missed, or batch items that
failed), 2 usage or input error. A user mistake is a one-line message on stderr, never a
traceback: usage errors, a missing optional extra (with the install command that fits how
truecard was installed) and a closed pipe included. Sub-commands beyond the core live in
`truecard.commands.*`, each with `register(app)`, imported lazily enough that
`truecard --version` stays fast.

Help is click's plain layout (as pip, ruff and git print it): options that take a value show
a metavar such as `FORMAT` or `FILE`, flags show none, ranges read "0 to 30", and nothing is
cut short at narrow widths.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main

try:  # recent typer carries its own copy of click; its exceptions are the ones raised
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer on plain click
    from click import exceptions as click_exc  # type: ignore[no-redef]

from truecard import __version__
from truecard.spec import load_spec

app = typer.Typer(
    name="truecard",
    help="Evidence-backed TRUE openness scorecards for AI models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Extra command modules (each: `register(app: typer.Typer) -> None`). Add yours here.
COMMAND_MODULES: list[str] = [
    "batch", "render", "licenses", "verify", "serve", "db", "token", "push", "export", "importing",
]


class UserError(Exception):
    """An input or usage error: printed as one line, exit code 2."""


def fail(message: str, code: int = 2) -> typer.Exit:
    from truecard.reports.literal import literal  # a file name or card field cannot drive the terminal

    typer.echo(f"truecard: error: {literal(message)}", err=True)
    return typer.Exit(code)


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


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)  # never leave a partial document behind
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None


FORMAT_HELP = "table, json, markdown, sarif, html, cyclonedx, spdx3 (these two need the formats extra), badge, shields."
FRAMEWORK_HELP = (
    "true (default), mof, osaid, osai, or a policy YAML file; repeat or comma-separate for several. "
    "A model that misses a policy exits 1."
)


@app.command()
def scan(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="Folder(s) or source ids (hf:ORG/NAME, gh:ORG/REPO, ...); several are merged into one evaluation.",
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_under: Annotated[
        int | None, typer.Option("--fail-under", min=0, max=load_spec().max, help="Exit 1 when the total is below N.")
    ] = None,
    claims: Annotated[
        Path | None, typer.Option("--claims", help="A claims file (YAML) to merge, marked 'claimed'.")
    ] = None,
    no_claims: Annotated[
        bool, typer.Option("--no-claims", help="Ignore truecard.yaml and --claims.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More evidence per criterion, with the text it quotes.")
    ] = False,
    verify: Annotated[
        bool, typer.Option("--verify", help="Also load and run the model in a sandbox (see `truecard verify`).")
    ] = False,
    finetune: Annotated[
        bool, typer.Option("--finetune", help="With --verify: also run one fine-tuning step.")
    ] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="With --verify: seconds before the run is killed.")] = 600.0,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="With --verify: memory limit, e.g. 4G.")
    ] = None,
    trust_remote_code: Annotated[
        bool, typer.Option("--trust-remote-code", help="With --verify: allow the repository's own code to run.")
    ] = False,
    framework: Annotated[
        list[str] | None, typer.Option("--framework", "-F", help=FRAMEWORK_HELP)
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Contact no server: read remote sources from the truecard and Hugging Face caches.",
        ),
    ] = False,
    deep: Annotated[
        bool,
        typer.Option(
            "--deep",
            help="Hub models: read every safetensors header, not one sample checked against the Hub's counts.",
        ),
    ] = False,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            help="Also score the code repository, paper and datasets the model card links to (bounded).",
        ),
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Also store the evaluation in the dashboard's database (history kept).")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database for --save (default: $TRUECARD_DATABASE_URL, else ~/.local/share/truecard/truecard.db).",
        ),
    ] = None,
    model_id: Annotated[
        str | None, typer.Option("--model-id", help="ORG/NAME to store it under (default: from the sources).")
    ] = None,
    trust_key: Annotated[
        list[Path] | None,
        typer.Option("--trust-key", help="A signer's PEM public key: model signatures made with it are authenticated."),
    ] = None,
    trust_cert: Annotated[
        list[Path] | None,
        typer.Option("--trust-cert", help="A PEM CA certificate (chain): certificate-signed models under it are authenticated."),
    ] = None,
) -> None:
    """Score a model against TRUE and show each criterion's points, reason and evidence.

    Sources: a folder, hf:ORG/NAME[@REV] or a huggingface.co URL, gh:ORG/REPO[@REF] or a
    GitHub/git URL, ./clone@REF, arxiv:ID. Several are merged into one evaluation."""
    from truecard.engine import scan as run_scan
    from truecard.evidence.claims import ClaimsError
    from truecard.frameworks import FrameworkError, failed_policies, resolve
    from truecard.reports import FORMATS, render
    from truecard.sources import SourceError

    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if save or db:
        # before the scan, so a missing extra never follows a printed scorecard
        from truecard.commands._common import need_extra

        need_extra("web", "scan --save")
    verify_options = None
    errors: tuple[type[Exception], ...] = (SourceError, ClaimsError)
    if finetune and not verify:
        raise fail("--finetune needs --verify (a plain scan runs nothing)")
    if verify:
        from truecard.commands.verify import parse_memory
        from truecard.verify import VerifyError

        errors = (*errors, VerifyError)
        if timeout <= 0:
            raise fail("--timeout must be a positive number of seconds")
        verify_options = {"finetune": finetune, "timeout": timeout,
                          "memory_limit": parse_memory(memory_limit), "trust_remote_code": trust_remote_code}
    try:
        selection = resolve(framework)
    except FrameworkError as exc:
        raise fail(str(exc)) from None
    from truecard.integrity import TrustError, trusting

    scan_selection = selection
    if save or db:
        # a stored evaluation carries every built-in framework's view (the dashboard shows them all)
        from truecard.frameworks import Selection

        extra = [n for n in ("mof", "osaid", "osai") if n not in selection.names]
        scan_selection = Selection([*selection.names, *extra], selection.policies)
    try:
        with trusting(trust_key or (), trust_cert or ()):
            card = run_scan(
                *sources,
                claims=claims,
                use_claims=not no_claims,
                frameworks=scan_selection,
                offline=offline,
                follow_links=follow_links,
                verify=verify_options,
                deep=deep,
            )
    except (*errors, TrustError) as exc:
        raise fail(str(exc)) from None
    empty = nothing_to_score(card)
    if empty:
        raise fail(f"nothing to score in {', '.join(sources)}: {empty}")
    stored = card
    if scan_selection is not selection:  # the report shows what was asked for
        wanted = set(selection.keys())
        card = card.model_copy(update={"frameworks": {k: v for k, v in card.frameworks.items() if k in wanted}})
    if fmt == "table" and output is None:
        from rich.console import Console

        from truecard.reports.portable import portable
        from truecard.reports.table import print_card

        print_card(portable(card), Console(highlight=False), verbose=verbose, show_true=selection.show_true)
    else:
        try:
            text = render(card, fmt, verbose=verbose, show_true=selection.show_true)
        except ImportError as exc:
            raise fail(missing_extra(f"--format {fmt}", exc)) from None
        write_output(text, output)
    if save or db:
        from truecard.commands._common import save_scorecard

        save_scorecard(stored, db, model_id)
    exit_code = 0
    for pol in failed_policies(card):
        from truecard.reports.literal import literal

        typer.echo(literal(f"truecard: policy {pol['policy']!r} not met: {'; '.join(pol['failures'])}"), err=True)
        exit_code = 1
    if fail_under is not None and card.total < fail_under:
        typer.echo(f"truecard: total {card.total} is below --fail-under {fail_under}", err=True)
        exit_code = 1
    if exit_code:
        raise typer.Exit(exit_code)


def nothing_to_score(card: Any) -> str | None:
    """Why a scan found nothing at all to judge (the wrong folder, say), or None.

    A scorecard with no evidence in any criterion, no licence statement, nothing stated by a
    model card, no claims and no framework self-report read nothing a score could rest on;
    "0/30 Bronze" would read as a verdict on a model, so the CLI says so and exits 2.
    """
    if any(c.evidence for c in card.criteria) or card.model_card or card.claims_used:
        return None
    if any(f.get("findings") for f in card.licenses if isinstance(f, dict)):
        return None
    if any(isinstance(v, dict) and v.get("claimed") for v in card.frameworks.values()):
        return None
    said = [p.message for p in card.problems if "no files" in p.message or "empty" in p.message]
    if said:
        return said[0]
    return "no model card, licence, weights, code, configs or data documentation was found"


def missing_extra(what: str, exc: ImportError) -> str:
    """A one-line message for an ImportError of an optional dependency."""
    from truecard._install import extra_for, missing_extra_message

    extra = extra_for(getattr(exc, "name", None))
    if extra is None:
        return f"{what}: {exc}"
    return missing_extra_message(what, extra, exc.name)


@app.command()
def schema() -> None:
    """Print the JSON Schema of `truecard scan --format json` output."""
    import json

    from truecard.models import Scorecard

    typer.echo(json.dumps(Scorecard.model_json_schema(), indent=2))


@app.command()
def rubric(
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="markdown or json.")] = "markdown",
) -> None:
    """Print the partial-credit rubric every criterion applies."""
    from truecard.docs import rubric_json, rubric_markdown

    if fmt not in ("markdown", "json"):
        raise fail(f"unknown format {fmt!r}; choose one of: markdown, json")
    sys.stdout.write(rubric_markdown() if fmt == "markdown" else rubric_json() + "\n")


_loaded: set[str] = set()


def _load_commands() -> None:
    """Register the extra command modules on `app`, each once however often this is called."""
    for name in COMMAND_MODULES:
        if name in _loaded:
            continue
        mod = importlib.import_module(f"truecard.commands.{name}")
        mod.register(app)
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


def command() -> Any:
    """The whole command line as one click command, every sub-command loaded, help tidied."""
    _load_commands()
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


def _command_path(args: list[str]) -> str:
    words = ["truecard"]
    for a in args:
        if a.startswith("-"):
            break
        words.append(a)
        if len(words) == 3:
            break
    return " ".join(words)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every failure is one line on stderr and an exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        typer.echo(f"truecard {__version__}")  # fast path: no command modules imported
        return
    code: int | Any = 0
    try:
        code = command().main(args=args, prog_name="truecard", standalone_mode=False)
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
        typer.echo(f"truecard: error: {missing_extra(_command_path(args), exc)}", err=True)
        code = 2
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

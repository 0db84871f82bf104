"""The `truecard` command line.

Exit codes: 0 success, 1 total below `--fail-under` (or a policy missed), 2 usage or input
error. A user mistake is a one-line message on stderr, never a traceback. Sub-commands
beyond the core live in `truecard.commands.*`, each with `register(app)`, imported lazily
enough that `truecard --version` stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from truecard import __version__

app = typer.Typer(
    name="truecard",
    help="Evidence-backed TRUE openness scorecards for AI models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Extra command modules (each: `register(app: typer.Typer) -> None`). Add yours here.
COMMAND_MODULES: list[str] = [
    "batch", "render", "licenses", "verify", "serve", "db", "token", "push", "export", "importing",
]


class UserError(Exception):
    """An input or usage error: printed as one line, exit code 2."""


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"truecard: error: {message}", err=True)
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


FORMAT_HELP = "table, json, markdown, sarif, html, cyclonedx, spdx3 (these two need the formats extra), badge, shields"
FRAMEWORK_HELP = (
    "true (default), mof, osaid, osai, or a policy YAML file; repeat or comma-separate for several. "
    "A model that misses a policy exits 1."
)


@app.command()
def scan(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Folder(s) or source ids (hf:ORG/NAME, gh:ORG/REPO, ...); several are merged into one evaluation."
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_under: Annotated[
        int | None, typer.Option("--fail-under", min=0, max=30, help="Exit 1 when the total is below N.")
    ] = None,
    claims: Annotated[
        Path | None, typer.Option("--claims", help="A claims file (YAML) to merge, marked 'claimed'.")
    ] = None,
    no_claims: Annotated[
        bool, typer.Option("--no-claims", help="Ignore truecard.yaml and --claims.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More evidence per criterion in the table.")
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
        str | None, typer.Option("--db", help="Database for --save (default: $TRUECARD_DATABASE_URL or ~/.local/share/truecard).")
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

    try:
        with trusting(trust_key or (), trust_cert or ()):
            card = run_scan(
                *sources,
                claims=claims,
                use_claims=not no_claims,
                frameworks=selection,
                offline=offline,
                follow_links=follow_links,
                verify=verify_options,
                deep=deep,
            )
    except (*errors, TrustError) as exc:
        raise fail(str(exc)) from None
    if fmt == "table" and output is None:
        from rich.console import Console

        from truecard.reports.table import build

        console = Console(highlight=False)
        for item in build(card, verbose, show_true=selection.show_true):
            console.print(item)
    else:
        try:
            text = render(card, fmt, verbose=verbose, show_true=selection.show_true)
        except ImportError as exc:
            raise fail(f"--format {fmt} needs the formats extra (pip install 'truecard[formats]'): {exc}") from None
        write_output(text, output)
    if save or db:
        from truecard.commands._common import save_scorecard

        save_scorecard(card, db, model_id)
    exit_code = 0
    for pol in failed_policies(card):
        typer.echo(f"truecard: policy {pol['policy']!r} not met: {'; '.join(pol['failures'])}", err=True)
        exit_code = 1
    if fail_under is not None and card.total < fail_under:
        typer.echo(f"truecard: total {card.total} is below --fail-under {fail_under}", err=True)
        exit_code = 1
    if exit_code:
        raise typer.Exit(exit_code)


@app.command()
def schema() -> None:
    """Print the JSON Schema of `truecard scan --format json` output."""
    import json

    from truecard.models import Scorecard

    typer.echo(json.dumps(Scorecard.model_json_schema(), indent=2))


@app.command()
def rubric(
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown or json")] = "markdown",
) -> None:
    """Print the partial-credit rubric every criterion applies."""
    from truecard.docs import rubric_json, rubric_markdown

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


def main() -> None:
    """Console-script entry point."""
    if len(sys.argv) > 1 and sys.argv[1] == "--version":
        typer.echo(f"truecard {__version__}")  # fast path: no command modules imported
        return
    _load_commands()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("truecard: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()

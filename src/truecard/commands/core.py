"""The core commands: `scan`, `schema` and `rubric` (registered before every other command).

Their bodies import what they need when they run, so registering them costs only typer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from truecard.commands._common import fail, missing_extra, nothing_to_score, write_output
from truecard.spec import load_spec


def format_help() -> str:
    """`--format`'s help, generated from the registry (a package's format is listed too)."""
    from truecard.registry import choices_text

    return choices_text("formats") + "."


FRAMEWORK_HELP = (
    "true (default), mof, osaid, osai, or a policy YAML file; repeat or comma-separate for several. "
    "A model that misses a policy exits 1."
)


def register(app: typer.Typer) -> None:
    @app.command()
    def scan(
        sources: Annotated[
            list[str],
            typer.Argument(
                metavar="SOURCE",
                help="Folder(s) or source ids (hf:ORG/NAME, gh:ORG/REPO, ...); several are merged into one evaluation.",
            ),
        ],
        fmt: Annotated[str, typer.Option("--format", "-f", help=format_help())] = "table",
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
                help="Hub models: read every safetensors header, not take the Hub's parameter counts for them.",
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
            from truecard.verify.options import VerifyError, VerifyOptions

            errors = (*errors, VerifyError)
            try:
                verify_options = VerifyOptions(finetune=finetune, timeout=timeout, memory_limit=parse_memory(memory_limit),
                                               trust_remote_code=trust_remote_code)
            except VerifyError as exc:
                raise fail(str(exc)) from None
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
        except (*errors, TrustError) as exc:  # type: ignore[misc]  # a tuple built above
            raise fail(str(exc)) from None
        empty = nothing_to_score(card)
        if empty:
            raise fail(f"nothing to score in {', '.join(sources)}: {empty}")
        stored = card
        if scan_selection is not selection:  # the report shows what was asked for
            from truecard.models import Frameworks

            wanted = set(selection.keys())
            kept = Frameworks()
            for k, v in card.frameworks.items():
                if k in wanted:
                    kept.set(k, v)
            card = card.model_copy(update={"frameworks": kept})
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

            typer.echo(literal(f"truecard: policy {pol.policy!r} not met: {'; '.join(pol.failures)}"), err=True)
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
        fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="markdown or json.")] = "markdown",
    ) -> None:
        """Print the partial-credit rubric every criterion applies."""
        from truecard.docs import rubric_json, rubric_markdown

        if fmt not in ("markdown", "json"):
            raise fail(f"unknown format {fmt!r}; choose one of: markdown, json")
        sys.stdout.write(rubric_markdown() if fmt == "markdown" else rubric_json() + "\n")

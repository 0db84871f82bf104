"""The core commands: `scan`, `schema` and `rubric` (registered before every other command).

Their bodies import what they need when they run, so registering them costs only typer.
`scan`'s body is `truecard.commands._scan.run`, which the typer-free fast path for a plain
`truecard scan SOURCE... [-f FORMAT] [-o FILE]` (`truecard._entry`) calls too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from truecard.commands._common import fail
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
        from truecard.commands._scan import run

        run(sources, fmt=fmt, output=output, fail_under=fail_under, claims=claims, no_claims=no_claims,
            verbose=verbose, verify=verify, finetune=finetune, timeout=timeout, memory_limit=memory_limit,
            trust_remote_code=trust_remote_code, framework=framework, offline=offline, deep=deep,
            follow_links=follow_links, save=save, db=db, model_id=model_id, trust_key=trust_key,
            trust_cert=trust_cert)

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

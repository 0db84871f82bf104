"""`truecard scan`'s body, and its typer-free runner for the plain command line.

The typer command (`truecard.commands.core`) and `truecard._entry`'s fast path for
`truecard scan SOURCE... [-f FORMAT] [-o FILE]` both call `run`, so a scan prints, writes and
fails in one way whichever path parsed its arguments; `main_plain` handles what escapes the
body exactly as typer and `truecard.cli.main` would (tests/commands/test_fast_path.py compares
the two byte for byte).
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import IO, Any, NoReturn

from truecard.commands._plain import (
    echo,
    exit_types,
    exit_with,
    fail,
    missing_extra,
    nothing_to_score,
    write_output,
)


def run(
    sources: list[str],
    fmt: str = "table",
    output: Path | None = None,
    fail_under: int | None = None,
    claims: Path | None = None,
    no_claims: bool = False,
    verbose: bool = False,
    verify: bool = False,
    finetune: bool = False,
    timeout: float = 600.0,
    memory_limit: str | None = None,
    trust_remote_code: bool = False,
    framework: list[str] | None = None,
    offline: bool = False,
    deep: bool = False,
    follow_links: bool = False,
    save: bool = False,
    db: str | None = None,
    model_id: str | None = None,
    trust_key: list[Path] | None = None,
    trust_cert: list[Path] | None = None,
) -> None:
    """Score a model and show or write its report; the options are `truecard scan`'s."""
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

        echo(literal(f"truecard: policy {pol.policy!r} not met: {'; '.join(pol.failures)}"), err=True)
        exit_code = 1
    if fail_under is not None and card.total < fail_under:
        echo(f"truecard: total {card.total} is below --fail-under {fail_under}", err=True)
        exit_code = 1
    if exit_code:
        raise exit_with(exit_code)


class _Pacified:
    """A stream whose flush ignores a closed pipe (click's `PacifyFlushWrapper`), so the
    interpreter's last flush after `... | head` prints no traceback."""

    def __init__(self, wrapped: IO[Any]) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def main_plain(args: list[str], sources: list[str], fmt: str, output: Path | None) -> NoReturn:
    """Run a plain `truecard scan` and exit as the typer path would (`truecard.cli.main` around
    typer's `_main`): the body's exit code, 130 for an interrupt, 1 for a closed pipe, and a
    missing optional extra as one line."""
    code = 0
    try:
        try:
            run(sources, fmt=fmt, output=output)
        except KeyboardInterrupt:
            code = 130  # typer: Exit(130), nothing said
        except EOFError:
            echo("", err=True)  # typer: a blank line, then Abort, which the CLI reports
            echo("truecard: interrupted", err=True)
            code = 130
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            sys.stdout = _Pacified(sys.stdout)  # type: ignore[assignment]
            sys.stderr = _Pacified(sys.stderr)  # type: ignore[assignment]
            code = 1
    except ImportError as exc:
        from truecard._install import extra_for
        from truecard.commands._plain import command_path

        if extra_for(getattr(exc, "name", None)) is None:
            raise
        echo(f"truecard: error: {missing_extra(command_path(args), exc)}", err=True)
        code = 2
    except Exception as exc:
        if not isinstance(exc, exit_types()):
            raise
        code = getattr(exc, "exit_code", 1)
    sys.exit(code)

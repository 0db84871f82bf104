"""What a command needs to report and leave, without typer: one-line errors, exits, output.

The plain `truecard scan SOURCE... [-f FORMAT] [-o FILE]` runs without typer and click
(`truecard._entry`), which take longer to import and assemble than the scan of a small model;
every other command line goes through typer. Both run the same command bodies, so those
bodies report through these helpers, which behave exactly as typer's do: under typer,
`exit_with` is `typer.Exit` and `echo` is `typer.echo`; without it, the same bytes are written
and `Exit` carries the code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from truecard.models import Scorecard


class Exit(Exception):
    """Leave the command with `exit_code` (the typer-free path's `typer.Exit`)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.exit_code = code


def exit_types() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "leave with `.exit_code`": ours, and typer's once it is loaded."""
    typer = sys.modules.get("typer")
    return (Exit,) if typer is None else (Exit, typer.Exit)


def exit_with(code: int) -> Exception:
    """The exception that ends a command with `code`: `typer.Exit` when typer runs it (click
    handles that one), else `Exit`. Typer is never imported here: the plain path must not."""
    typer = sys.modules.get("typer")
    return Exit(code) if typer is None else typer.Exit(code)


def echo(message: str, *, err: bool = False) -> None:
    """`typer.echo(message, err=err)`; without typer, the same line written and flushed.

    (click also strips ANSI escapes when the stream is not a terminal; the messages given here
    have none: text from a repository passes through `literal()` first.)
    """
    typer = sys.modules.get("typer")
    if typer is not None:
        typer.echo(message, err=err)
        return
    stream = sys.stderr if err else sys.stdout
    stream.write(message + "\n")
    stream.flush()


def fail(message: str, code: int = 2) -> Exception:
    """Say `truecard: error: MESSAGE` on stderr and return the exit to raise."""
    from truecard.reports.literal import literal  # a file name or card field cannot drive the terminal

    echo(f"truecard: error: {literal(message)}", err=True)
    return exit_with(code)


def write_output(text: str, output: Path | None) -> None:
    """Print `text`, or write it to `output` atomically (never a partial document)."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)  # never leave a partial document behind
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None


def nothing_to_score(card: Scorecard) -> str | None:
    """Why a scan found nothing at all to judge (the wrong folder, say), or None.

    A scorecard with no evidence in any criterion, no licence statement, nothing stated by a
    model card, no claims and no framework self-report read nothing a score could rest on;
    "0/30 Bronze" would read as a verdict on a model, so the CLI says so and exits 2.
    """
    if any(c.evidence for c in card.criteria) or card.model_card or card.claims_used:
        return None
    if any(getattr(f, "findings", None) for f in card.licenses):  # older scorecards: raw findings
        return None
    if any(getattr(v, "claimed", None) for _, v in card.frameworks.items()):
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


def command_path(args: list[str]) -> str:
    """`truecard` and up to two command words of `args`, for messages ("truecard db upgrade")."""
    words = ["truecard"]
    for a in args:
        if a.startswith("-"):
            break
        words.append(a)
        if len(words) == 3:
            break
    return " ".join(words)

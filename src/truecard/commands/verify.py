"""`truecard verify`: load and run a model in a sandbox, and say what happened.

Exit codes: 0 when everything asked for ran (inference, and the fine-tuning step with
`--finetune`); 1 when the model did not pass (failed, only partly checked, or not run);
2 for a usage error or a missing optional dependency (the message says what to install).
Nothing heavy is imported until the command runs, and torch never in this process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from truecard.verify import VerifyResult

TIMEOUT_HELP = "Seconds before the sandboxed run is killed."
MEMORY_HELP = "Memory limit of the sandboxed run, e.g. 4G or 512M (default: 3/4 of available memory)."
TRUST_HELP = "Allow the repository's own Python code to run (inside the sandbox, without network)."
# Not imported from truecard.verify.core: that package costs ~160 ms to import, and every CLI
# start registers this command.
UNCONFINED_HELP = ("With --trust-remote-code: run the repository's code without the bubblewrap "
                   "confinement (only no network, memory and time limits). For a disposable VM.")


def parse_memory(value: str | None) -> int | None:
    """A --memory-limit value in bytes (None for the default), or a clean usage error."""
    from truecard.commands._common import fail
    from truecard.verify.sandbox import parse_size

    if value is None or value.strip().lower() in ("", "auto"):
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise fail(f"--memory-limit: {exc}") from None


def run_verify(source: str, *, finetune: bool, timeout: float, memory_limit: str | None,
               trust_remote_code: bool, unconfined: bool = False) -> VerifyResult:
    """Run verify for a CLI command, turning VerifyError into a one-line exit 2."""
    from truecard.commands._common import fail
    from truecard.verify import VerifyError, VerifyOptions, verify

    limit = parse_memory(memory_limit)
    try:
        return verify(source, VerifyOptions(finetune=finetune, timeout=timeout, memory_limit=limit,
                                            trust_remote_code=trust_remote_code, unconfined=unconfined))
    except VerifyError as exc:
        raise fail(str(exc)) from None


def _row(table: Any, *cells: Any) -> None:
    """A table row whose every cell is literal text: errors, notes and the model's own output
    come from the run, so no rich markup, emoji code or control character in them is obeyed."""
    from rich.text import Text

    from truecard.reports.literal import literal

    out = []
    for c in cells:
        if isinstance(c, Text):
            out.append(Text(literal(c.plain, multiline=True), style=c.style))
        else:
            out.append(Text(literal("" if c is None else str(c), multiline=True)))
    table.add_row(*out)


def render_table(res: VerifyResult) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    style = {"passed": "bold green", "partial": "bold yellow", "failed": "bold red",
             "not-run": "bold magenta"}[res.status]
    head = Text()
    from truecard.reports.literal import literal

    head.append(f"truecard verify: {literal(res.source)}\n", style="bold")
    head.append(f" {res.status.upper()} ", style=style.replace("bold ", "bold black on "))
    head.append(f"  {literal(res.summary)}")
    t = Table(show_header=False, expand=True, pad_edge=False)
    t.add_column("what", ratio=2, style="bold")
    t.add_column("result", ratio=7)
    inf = res.inference
    ok_text = {True: ("ran", "green"), False: ("failed", "red"), None: ("not run", "yellow")}[inf.ok]
    _row(t, "inference", Text(ok_text[0], style=ok_text[1]))
    if inf.loader:
        _row(t, "loader", f"{inf.loader}  ({inf.loader_basis})" if inf.loader_basis else inf.loader)
    if inf.error:
        _row(t, "error", Text(inf.error, style="red"))
    if inf.output:
        out = inf.output
        if "text" in out:
            _row(t, "output", f"{out.get('prompt')!r} → {out['text']!r}  ({out.get('new_tokens')} new tokens)")
        else:
            _row(t, "output", str(out)[:300])
    if inf.dtype:
        _row(t, "dtype", inf.dtype)
    if inf.seconds is not None and inf.attempted:
        _row(t, "time", f"{inf.seconds:.2f} s (load {inf.load_seconds or 0:.2f} s, run "
                  f"{inf.run_seconds or 0:.2f} s); {res.seconds:.1f} s in all")
    if inf.peak_memory_mb:
        _row(t, "peak memory", f"{inf.peak_memory_mb:,.0f} MiB"
                  + (f" (libraries alone {inf.baseline_memory_mb:,.0f} MiB)" if inf.baseline_memory_mb else ""))
    pc = inf.parameters
    counts = [f"{label} {v:,}" for label, v in (("loaded", pc.loaded), ("in weights", pc.in_weights),
                                                ("from config", pc.from_config)) if v]
    if pc.declared:
        mark = {True: "matches", False: "DOES NOT match", None: "not compared"}[pc.matches_declared]
        counts.append(f"card says {pc.declared_text!r} ({pc.declared_at}): {mark}")
    if counts:
        _row(t, "parameters", "; ".join(counts))
    for note in inf.notes:
        _row(t, "note", Text(note, style="dim"))
    if res.finetune is not None:
        ft = res.finetune
        ft_text = {True: ("ran", "green"), False: ("failed", "red"), None: ("not run", "yellow")}[ft.ok]
        _row(t, "fine-tuning", Text(ft_text[0], style=ft_text[1]))
        if ft.error:
            _row(t, "error", Text(ft.error, style="red"))
        if ft.method:
            _row(t, "step", f"{ft.method} on {ft.head}, {ft.trainable_parameters or 0:,} trainable "
                      f"parameters; loss {ft.loss_before} → {ft.loss_after}; weights "
                      f"{'changed' if ft.weights_changed else 'unchanged'}")
        if ft.repo_note:
            _row(t, "repository", Text(ft.repo_note, style="dim"))
    for c in res.static:
        sign, colour = {True: ("✓", "green"), False: ("✗", "red"), None: ("?", "yellow")}[c.ok]
        _row(t, f"check: {c.name}", Text(f"{sign} {c.detail}", style=colour))
    if res.sandbox:
        s = res.sandbox
        _row(t, "sandbox", Text(f"network: {s.network}; memory limit {s.memory_limit_mb:,.0f} MiB; "
                                  f"timeout {s.timeout_seconds:g} s; remote code "
                                  f"{'allowed' if s.trust_remote_code else 'refused'}; child "
                                  f"{s.exit or 'not started'}", style="dim"))
    return [head, t]


def register(app: typer.Typer) -> None:
    @app.command()
    def verify(
        source: Annotated[str, typer.Argument(help="A model folder, or hf:ORG/NAME (downloaded).")],
        finetune: Annotated[bool, typer.Option("--finetune", help="Also run one training step.")] = False,
        timeout: Annotated[float, typer.Option("--timeout", help=TIMEOUT_HELP)] = 600.0,
        memory_limit: Annotated[str | None, typer.Option("--memory-limit", help=MEMORY_HELP)] = None,
        trust_remote_code: Annotated[bool, typer.Option("--trust-remote-code", help=TRUST_HELP)] = False,
        unconfined: Annotated[bool, typer.Option("--unconfined", help=UNCONFINED_HELP)] = False,
        fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    ) -> None:
        """Load and run the model in a sandbox (time and memory limits, no network)."""
        from truecard.commands._common import fail, write_output

        if fmt not in ("table", "json"):
            raise fail(f"unknown format {fmt!r}; choose table or json")
        res = run_verify(source, finetune=finetune, timeout=timeout, memory_limit=memory_limit,
                         trust_remote_code=trust_remote_code, unconfined=unconfined)
        if fmt == "json":
            write_output(res.model_dump_json(indent=2) + "\n", output)
        elif output is not None:
            import io

            from rich.console import Console

            console = Console(record=True, width=120, file=io.StringIO())
            for item in render_table(res):
                console.print(item)
            write_output(console.export_text(), output)
        else:
            from rich.console import Console

            console = Console(highlight=False)
            for item in render_table(res):
                console.print(item)
        if res.status != "passed":
            raise typer.Exit(1)

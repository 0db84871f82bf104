"""Console-script entry point, kept import-free so `truecard --version` starts instantly.

Importing the CLI pulls in typer, click and rich, and assembling its commands costs more than
scanning a small model; the version needs none of it, and neither does the most common
command line, `truecard scan SOURCE... [-f FORMAT] [-o FILE]`: that one is parsed here and
runs the scan command's own body (`truecard.commands._scan`). Anything else, or anything
unusual in that form (another option, a repeated one, a value starting with `-`, `--`), goes
to typer, so help, usage errors and every other option keep their one implementation.
"""

from __future__ import annotations

import gc
import os
import sys

_VALUE_OPTIONS = {"-f": "format", "--format": "format", "-o": "output", "--output": "output"}


def plain_scan(args: list[str]) -> dict[str, str | list[str]] | None:
    """`{"sources": [...], "format": F, "output": O}` when `args` is a plain scan command line
    that the typer-free path gives the same result for; else None (typer parses it).

    Accepted: `scan`, then sources and at most one each of `-f/--format VALUE`,
    `--format=VALUE`, `-o/--output VALUE`, `--output=VALUE`, in any order, with non-empty
    sources and values that do not start with `-`.
    """
    if not args or args[0] != "scan" or "_TRUECARD_COMPLETE" in os.environ:
        return None
    found: dict[str, str | list[str]] = {}
    sources: list[str] = []
    i = 1
    while i < len(args):
        arg = args[i]
        if arg in _VALUE_OPTIONS:
            if i + 1 >= len(args):
                return None
            key, value = _VALUE_OPTIONS[arg], args[i + 1]
            i += 2
        elif arg.startswith(("--format=", "--output=")):
            name, _, value = arg.partition("=")
            key = _VALUE_OPTIONS[name]
            i += 1
        elif not arg or arg.startswith("-"):
            return None
        else:
            sources.append(arg)
            i += 1
            continue
        if not value or value.startswith("-") or key in found:
            return None
        if key == "output" and os.path.exists(value) and not os.access(value, os.R_OK):
            return None  # click's path check refuses it with its own message
        found[key] = value
    if not sources:
        return None
    found["sources"] = sources
    return found


def main() -> None:
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):
        from truecard import __version__

        sys.stdout.write(f"truecard {__version__}\n")
        return
    gc.disable()  # until the imports are done: see _settle
    from truecard._compiled import keep_dataclass_code, keep_process_regexes

    keep_process_regexes()  # the patterns every scan compiles, ready-made
    keep_dataclass_code()  # and the dataclasses' methods
    plain = plain_scan(args)
    if plain is not None:
        from pathlib import Path

        _build_models_without_plugin_search()
        from truecard.commands._scan import main_plain

        _settle()

        output = plain.get("output")
        main_plain(
            args,
            list(plain["sources"]),
            str(plain.get("format", "table")),
            Path(output) if isinstance(output, str) else None,
        )
    from truecard.cli import main as cli_main

    if args and args[0] == "scan":
        _build_models_without_plugin_search()  # what the command imports first, built the same way
    _settle()
    cli_main()


def _settle() -> None:
    """The start-up imports are done: keep what they made out of the garbage collector's sight.

    Importing the command line, pydantic and the scan pipeline makes about 50,000 long-lived
    objects (modules, classes, the models' schemas) and no garbage worth collecting; with the
    collector on, each full collection during the start-up and the scan walks all of them again,
    and the one at exit too: 45-60 ms of a 0.4 s cold scan, measured (`gc.callbacks`). So
    `main` turns collection off while importing, and here `gc.freeze()` moves everything
    imported into the permanent generation, which collections skip (the documented use of
    `gc.freeze`), and collection is on again for the work itself, whose garbage is collected
    as ever.
    """
    gc.freeze()
    gc.enable()


def _build_models_without_plugin_search() -> None:
    """Import the scan pipeline (which builds the result models) with pydantic's plugin search
    off, when no installed distribution declares a pydantic plugin.

    pydantic's first model build reads every installed distribution's entry points to find
    plugins, afresh in each process; `truecard.registry` keeps that same reading across
    processes, so when it shows none there is nothing for pydantic to find, and
    `PYDANTIC_DISABLE_PLUGINS` (pydantic's own switch) skips the search. The variable is set
    only while the models are built: child processes, and any model built later, see the
    environment as it was. A value the user set is left alone, and so is a system with plugins.
    """
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ or "truecard.models" in sys.modules:
        return
    from truecard.registry import declares_pydantic_plugins

    if declares_pydantic_plugins():
        return
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    try:
        import truecard.engine  # noqa: F401  (builds the models)
    finally:
        del os.environ["PYDANTIC_DISABLE_PLUGINS"]

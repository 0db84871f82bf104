"""Console-script entry point, kept import-free so `truecard --version` starts instantly.

Importing the CLI pulls in typer, click and rich (~0.2 s); the version needs none of them.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from truecard import __version__

        sys.stdout.write(f"truecard {__version__}\n")
        return
    from truecard.cli import main as cli_main

    cli_main()

"""The typer-free `truecard scan` (truecard._entry) against the typer command line, byte for byte.

A plain `truecard scan SOURCE... [-f FORMAT] [-o FILE]` is parsed in `truecard._entry` and runs
without importing typer; every other command line goes to typer. Both must print the same
bytes on stdout and stderr, write the same file and exit with the same code, for good and bad
command lines alike; and the fast path must really be the one taken where it is meant to be.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.files import EXAMPLE, ROOT
from truecard._entry import plain_scan

# The console script's entry point, and the typer command line alone; each writes to
# $TYPER_MARK at exit whether typer was ever imported.
MARK = (
    "import atexit, os, sys\n"
    "atexit.register(lambda: open(os.environ['TYPER_MARK'], 'w').write(str('typer' in sys.modules)))\n"
)
FAST = MARK + "sys.argv = ['truecard', *sys.argv[1:]]\nfrom truecard._entry import main\nmain()\n"
TYPER = MARK + "from truecard.cli import main\nmain(sys.argv[1:])\n"

# What legitimately differs between two runs: when the scan ran and how long it took.
_VOLATILE = [
    (re.compile(r'"(scanned_at|duration_seconds)": [^,\n]+'), r'"\1": X'),
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d| UTC)?"), "TIME"),
]


def _steady(text: str) -> str:
    for rx, repl in _VOLATILE:
        text = rx.sub(repl, text)
    return text


def _run(code: str, args: list[str], tmp: Path, tag: str) -> tuple[int, str, str, dict[str, str], str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TRUECARD_CACHE_DIR": str(tmp / "cache"),
           "TYPER_MARK": str(tmp / f"typer-{tag}"), "COLUMNS": "100"}
    work = tmp / f"cwd-{tag}"
    work.mkdir()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                         cwd=work, timeout=120)
    files = {p.name: _steady(p.read_text()) for p in sorted(work.iterdir()) if p.is_file()}
    mark = (tmp / f"typer-{tag}").read_text() if (tmp / f"typer-{tag}").exists() else ""
    return out.returncode, _steady(out.stdout), _steady(out.stderr), files, mark


EMPTY = "empty-folder"
CASES: list[tuple[list[str], bool]] = [  # (arguments, whether the fast path takes them)
    (["scan", str(EXAMPLE), "-f", "json"], True),
    (["scan", "--format=json", str(EXAMPLE), "-o", "card.json"], True),
    (["scan", str(EXAMPLE), "--output", "card.md", "--format", "markdown"], True),
    (["scan", str(EXAMPLE)], True),  # the terminal table
    (["scan", str(EXAMPLE), str(EXAMPLE / "configs"), "-f", "badge"], True),
    (["scan", str(EXAMPLE), "-f", "nope"], True),  # unknown format: exit 2
    (["scan", "no/such/folder", "-f", "json"], True),  # a source that cannot be opened
    (["scan", f"../{EMPTY}", "-f", "json"], True),  # nothing to score
    (["scan", str(EXAMPLE), "-f", "json", "-o", "missing-dir/card.json"], True),  # cannot write
    (["scan", str(EXAMPLE), "-f"], False),  # usage errors are typer's
    (["scan"], False),
    (["scan", str(EXAMPLE), "-f", "json", "-f", "markdown"], False),
    (["scan", str(EXAMPLE), "--format", "-o"], False),
    (["scan", str(EXAMPLE), "--bogus"], False),
    (["scan", "--", str(EXAMPLE)], False),
    (["scan", str(EXAMPLE), "-f", "json", "--fail-under", "29"], False),
]


@pytest.mark.parametrize(("args", "fast"), CASES, ids=[" ".join(a[1:]).replace(str(EXAMPLE), "EX") or "bare"
                                                        for a, _ in CASES])
def test_the_fast_path_and_typer_give_identical_bytes_and_exit_codes(tmp_path, args, fast):
    (tmp_path / EMPTY).mkdir()
    assert (plain_scan(args) is not None) == fast
    got_fast = _run(FAST, args, tmp_path, "fast")
    got_typer = _run(TYPER, args, tmp_path, "typer")
    assert got_fast[:4] == got_typer[:4]
    assert got_fast[4] == ("False" if fast else "True")  # the fast path never imports typer
    assert got_typer[4] == "True"


def test_the_fast_path_scores_like_typer():
    """Not just equal to each other: a real scorecard, and errors that say what went wrong."""
    res = subprocess.run([sys.executable, "-m", "truecard", "scan", str(EXAMPLE), "-f", "nope"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert res.returncode == 2
    assert res.stderr.startswith("truecard: error: unknown format 'nope'; choose one of: table, json,")
    assert res.stdout == ""


@pytest.mark.parametrize("args", [
    ["scan", "a", "-o", "x", "--output=y"],
    ["scan", "-h"],
    ["scan", "a", "-fjson"],
    ["scan", "a", "--format="],
    ["scan", "", "-f", "json"],
    ["scan", "-", "-f", "json"],
    ["--version", "scan", "a"],
    ["render", "a"],
])
def test_unusual_command_lines_go_to_typer(args):
    assert plain_scan(args) is None


def test_plain_scan_reads_sources_and_options_in_any_order():
    assert plain_scan(["scan", "-o", "f.json", "a", "--format=json", "b"]) == {
        "output": "f.json", "format": "json", "sources": ["a", "b"]}
    assert plain_scan(["scan", "a"]) == {"sources": ["a"]}

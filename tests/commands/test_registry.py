"""The extension registry, exercised by a real third-party distribution made in a temporary folder.

The distribution (a module plus a dist-info folder with entry_points.txt) is put on the
subprocess's path, exactly as `pip install` would leave it, and adds one output format and one
source scheme; the CLI must list the format in its help and use both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = '''
"""A third-party truecard plugin: a CSV format and a `zz:` source."""
from truecard.sources.local import LocalTree
from truecard.sources.resolve import register


def render(card, **options):
    rows = ["criterion,points"] + [f"{c.id},{c.points}" for c in card.criteria]
    return "\\n".join(rows) + "\\n"


def open_zz(spec, options):  # options: a frozen truecard.sources.SourceOptions
    return LocalTree.open(spec[len("zz:"):])


register("zz:", open_zz)
'''


def _install(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "truecard_zz.py").write_text(PLUGIN)
    info = site / "truecard_zz-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: truecard-zz\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[truecard.formats]\ncsv = truecard_zz:render\n\n[truecard.sources]\nzz = truecard_zz\n"
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(site)])}


def _truecard(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "truecard", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_a_third_party_format_and_source(tmp_path: Path) -> None:
    env = _install(tmp_path)
    help_ = _truecard(env, "scan", "--help")
    assert help_.returncode == 0, help_.stderr
    assert "badge, shields, csv." in " ".join(help_.stdout.split())
    out = _truecard(env, "scan", f"zz:{ROOT / 'examples' / 'tiny-open-model'}", "-f", "csv")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "criterion,points" and "transparent.license,2" in lines
    # the same model through the built-in route scores the same
    js = json.loads(_truecard(env, "scan", str(ROOT / "examples" / "tiny-open-model"), "-f", "json").stdout)
    assert lines[1:] == [f"{c['id']},{c['points']}" for d in js["dimensions"] for c in d["criteria"]]


def test_without_the_package_the_format_is_unknown() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = _truecard(env, "scan", str(ROOT / "examples" / "tiny-open-model"), "-f", "csv")
    assert out.returncode == 2
    assert "unknown format 'csv'" in out.stderr


def test_a_broken_third_party_format_names_its_distribution(tmp_path: Path) -> None:
    env = _install(tmp_path)
    (tmp_path / "site" / "truecard_zz.py").write_text("def render(:\n")
    out = _truecard(env, "scan", str(ROOT / "examples" / "tiny-open-model"), "-f", "csv")
    assert out.returncode != 0
    assert "truecard-zz" in out.stderr and "truecard_zz" in out.stderr
    assert "Traceback" not in out.stderr


def test_builtin_format_help_is_generated_unchanged() -> None:
    from truecard.registry import choices_text

    assert choices_text("formats") == (
        "table, json, markdown, sarif, html, cyclonedx, spdx3 (these two need the formats extra), badge, shields"
    )


def test_the_layers_hold() -> None:
    """`lint-imports` (import-linter) with the contracts in pyproject.toml: layers point one way."""
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "importlinter.cli"]
    out = subprocess.run([*cmd, "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "broken" not in out.stdout.split("Contracts:")[-1].lower().replace("0 broken", "")

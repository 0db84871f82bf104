"""The command line: formats, exit codes, schema, rubric page, start-up weight."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from support.files import EXAMPLE, ROOT
from truecard import __version__
from truecard.cli import _load_commands, app

runner = CliRunner()
_load_commands()


def test_version() -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.strip() == f"truecard {__version__}"


def test_json_output_matches_its_schema() -> None:
    r = runner.invoke(app, ["scan", str(EXAMPLE), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    jsonschema.validate(doc, schema)
    for key in ("truecard_version", "spec", "subject", "total", "max", "tier", "dimensions", "scanned_at"):
        assert key in doc
    assert doc["max"] == 30 and doc["spec"] == {"name": "TRUE", "version": "1.0"}
    assert [d["id"] for d in doc["dimensions"]] == [
        "transparent",
        "reproducible",
        "understandable",
        "executable",
    ]
    for d in doc["dimensions"]:
        assert d["score"] == sum(c["points"] for c in d["criteria"])
        for c in d["criteria"]:
            assert set(c) >= {"points", "max", "status", "rationale", "evidence", "remediation"}


def test_table_shows_criteria_total_and_tier() -> None:
    r = runner.invoke(app, ["scan", str(EXAMPLE)], env={"COLUMNS": "140"})
    assert r.exit_code == 0
    out = r.stdout
    for text in (
        "Transparent",
        "Reproducible",
        "Understandable",
        "Executable",
        "Training code",
        "Total 28/30: Platinum",
        "claimed",
        "LICENSE",
    ):
        assert text in out, text


def test_markdown_to_file(tmp_path: Path) -> None:
    out = tmp_path / "card.md"
    r = runner.invoke(app, ["scan", str(EXAMPLE), "-f", "markdown", "-o", str(out)])
    assert r.exit_code == 0 and r.stdout == ""
    text = out.read_text()
    assert text.startswith("# TRUE scorecard: tiny-open-model")
    assert "| Open license (MIT/Apache) | 2/2 |" in text
    assert "**claimed**" in text
    assert not (tmp_path / "card.md.tmp").exists()


def test_fail_under_exit_codes() -> None:
    assert runner.invoke(app, ["scan", str(EXAMPLE), "-f", "json", "--fail-under", "28"]).exit_code == 0
    r = runner.invoke(app, ["scan", str(EXAMPLE), "-f", "json", "--fail-under", "29"])
    assert r.exit_code == 1
    r = runner.invoke(app, ["scan", str(EXAMPLE), "-f", "json", "--no-claims", "--fail-under", "28"])
    assert r.exit_code == 1  # without the claim the detected total is 27


def test_claims_option(tmp_path: Path) -> None:
    claims = tmp_path / "c.yaml"
    claims.write_text("claims:\n  - criterion: executable.inference\n    points: 2\n    note: it runs\n")
    r = runner.invoke(app, ["scan", str(EXAMPLE), "-f", "json", "--claims", str(claims)])
    doc = json.loads(r.stdout)
    crit = {c["id"]: c for d in doc["dimensions"] for c in d["criteria"]}
    assert crit["executable.inference"]["basis"] == "claimed"
    assert doc["total"] == 29 and doc["total_detected"] == 27


def test_rubric_page_is_generated_from_the_code() -> None:
    from truecard.docs import rubric_markdown

    committed = (ROOT / "docs" / "rubric.md").read_text()
    assert committed == rubric_markdown(), "docs/rubric.md is stale: run `truecard rubric > docs/rubric.md`"
    for cid in ("transparent.license", "executable.finetuning"):
        assert f"`{cid}`" in committed


def test_import_stays_light() -> None:
    code = (
        "import sys, truecard; truecard.scan; import truecard.cli; "
        "heavy = [m for m in ('torch', 'transformers', 'fastapi', 'sqlalchemy', 'huggingface_hub') "
        "if m in sys.modules]; print(heavy)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"

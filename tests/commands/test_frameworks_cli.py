"""`--framework` on the command line: names, several at once, policies (exit 1), bad input (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import truecard
from support.files import ROOT, require_corpus
from truecard.cli import _load_commands, app
from truecard.frameworks import FrameworkError, resolve

_load_commands()


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def cli(*args: str) -> Result:
    """The CLI in-process (fast); `cli_process` runs the real console entry point."""
    r = CliRunner().invoke(app, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Result(r.exit_code, r.stdout, r.stderr)


def cli_process(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "truecard", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def one_line_error(proc: Result | subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("truecard: error:") and fragment in lines[0], proc.stderr
    assert proc.stdout == ""


def test_mof_of_a_self_report_from_the_command_line() -> None:
    corpus = require_corpus()
    proc = cli("scan", f"mot:{corpus / 'mot' / 'Pythia-6.9B.yml'}", "--framework", "mof", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["frameworks"]["mof"]["class"] == 1
    assert data["frameworks"]["mof"]["progress"] == {"class_1": 100.0, "class_2": 100.0, "class_3": 100.0}
    assert data["subject"]["name"] == "Pythia-6.9B"
    assert data["subject"]["sources"][0]["kind"] == "mot"
    table = cli("scan", f"mot:{corpus / 'mot' / 'Pythia-6.9B.yml'}", "--framework", "mof")
    assert table.returncode == 0 and "Class I - Open Science Model" in table.stdout
    assert "Transparent" not in table.stdout  # only the frameworks asked for


def test_several_frameworks_and_comparison_in_markdown() -> None:
    corpus = require_corpus()
    ex = str(ROOT / "examples" / "tiny-open-model")
    proc = cli("scan", ex, f"mot:{corpus / 'mot' / 'OLMo-7B.yml'}", "-F", "true,mof", "-F", "osaid",
               "--framework", "osai", "-f", "markdown")
    assert proc.returncode == 0, proc.stderr
    md = proc.stdout
    assert md.startswith("# TRUE scorecard: tiny-open-model")
    for heading in ("## MOF:", "### Self-report against detected evidence", "## OSAID 1.0:", "## OSAI index:"):
        assert heading in md


def test_policy_met_and_missed(tmp_path: Path) -> None:
    ex = str(ROOT / "examples" / "tiny-open-model")
    ok = tmp_path / "ok.yaml"
    ok.write_text("name: intake\ncriteria:\n  transparent.license: 2\n  transparent.weights: 2\n"
                  "min_total: 21\nmin_tier: gold\n")
    proc = cli("scan", ex, "--framework", str(ok), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    view = json.loads(proc.stdout)["frameworks"]["policy:intake"]
    assert view["passed"] and {c["check"] for c in view["checks"]} == {
        "transparent.license", "transparent.weights", "total", "tier"}
    strict = tmp_path / "strict.yaml"
    strict.write_text("criteria:\n  reproducible.replication: 2\nmof_class: 1\nosaid: true\n")
    proc = cli("scan", ex, "--framework", str(strict))
    assert proc.returncode == 1
    assert "policy 'strict' not met" in proc.stderr and "reproducible.replication" in proc.stderr
    assert "MOF class" in proc.stderr
    assert "Policy strict: NOT met" in proc.stdout  # the table says so too


def test_policy_basis_claimed_lets_claims_count(tmp_path: Path) -> None:
    corpus = require_corpus()
    pol = tmp_path / "p.yaml"
    pol.write_text("criteria:\n  transparent.weights: 2\nmof_class: 1\n")
    src = f"mot:{corpus / 'mot' / 'Pythia-6.9B.yml'}"
    assert cli("scan", src, "-F", str(pol)).returncode == 1  # detected evidence only: nothing
    pol.write_text("basis: claimed\ncriteria:\n  transparent.weights: 2\nmof_class: 1\n")
    proc = cli("scan", src, "-F", str(pol), "-f", "json")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("policy, fragment", [
    ("criteria: [\n", "not valid YAML"),
    ("- a\n", "a policy is a mapping"),
    ("criteria:\n  transparent.licence: 2\n", "unknown criterion 'transparent.licence'"),
    ("criteria:\n  transparent.license: 3\n", "minimum points must be 0..2"),
    ("min_tier: Diamond\n", "unknown tier 'Diamond'"),
    ("min_total: 31\n", "min_total must be 0..30"),
    ("name: x\n", "requires nothing"),
    ("criteria: {}\nfoo: 1\n", "foo"),
])
def test_bad_policy_files(tmp_path: Path, policy: str, fragment: str) -> None:
    p = tmp_path / "policy.yaml"
    p.write_text(policy)
    one_line_error(cli("scan", str(ROOT / "examples" / "tiny-open-model"), "--framework", str(p)), fragment)


def test_bad_framework_names_and_records(tmp_path: Path) -> None:
    ex = str(ROOT / "examples" / "tiny-open-model")
    one_line_error(cli_process("scan", ex, "--framework", "mofx"), "unknown framework 'mofx'")
    one_line_error(cli("scan", ex, "--framework", str(tmp_path / "missing.yaml")), "policy file not found")
    bad = tmp_path / "bad.yml"
    bad.write_text("release:\n  components:\n    - name: Model card\n      license: [\n")
    one_line_error(cli_process("scan", f"mot:{bad}", "-F", "mof"), "not valid YAML")
    one_line_error(cli("scan", f"mot:{tmp_path / 'nope.yml'}"), "no such file")
    one_line_error(cli("scan", f"osai:{tmp_path}"), "is not a file")
    bad.write_bytes(b"\xff\xfe\x00junk")
    one_line_error(cli("scan", f"osai:{bad}"), "not UTF-8")
    with pytest.raises(FrameworkError):
        resolve(["nonsense"])


def test_python_api_frameworks() -> None:
    card = truecard.scan(ROOT / "examples" / "tiny-open-model", frameworks=["mof", "osai"])
    assert set(card.frameworks.keys()) == {"mof", "osai"}
    assert not truecard.scan(ROOT / "examples" / "tiny-open-model").frameworks.keys()


def test_render_a_saved_scorecard(tmp_path: Path) -> None:
    ex = str(ROOT / "examples" / "tiny-open-model")
    saved = tmp_path / "card.json"
    assert cli("scan", ex, "-F", "mof", "-f", "json", "-o", str(saved)).returncode == 0
    for fmt in ("markdown", "sarif", "html", "badge", "shields", "table"):
        proc = cli("render", str(saved), "-f", fmt)
        assert proc.returncode == 0 and proc.stdout, (fmt, proc.stderr)
    one_line_error(cli("render", str(tmp_path / "none.json")), "no such file")
    (tmp_path / "x.json").write_text("{")
    one_line_error(cli("render", str(tmp_path / "x.json")), "not valid JSON")
    (tmp_path / "y.json").write_text("{}")
    one_line_error(cli("render", str(tmp_path / "y.json")), "not a truecard scorecard")

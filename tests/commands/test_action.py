"""The GitHub composite action, run on this machine: its shell steps against a fixture repository.

`action.yml` is parsed and executed the way the runner does it: `${{ ... }}` expressions
substituted (inputs, github.*, steps.*.outputs), each `run:` step in bash with
`--noprofile --norc -eo pipefail`, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY pointing at temp files,
step outputs read back from GITHUB_OUTPUT, `if:` conditions honoured, later steps skipped after a
failure. `uses:` steps (setup-python, upload-sarif) are replaced by a record of their inputs.
No GitHub and no network: truecard itself comes from this checkout through a `truecard` shim.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = ROOT / "tests" / "data" / "schemas" / "sarif-schema-2.1.0.json"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class Run:
    conclusion: str = "success"
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    uses: list[dict[str, Any]] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    logs: dict[str, str] = field(default_factory=dict)
    failed_step: str | None = None


class Runner:
    """Just enough of the Actions runner for a composite action's bash steps."""

    def __init__(self, action: Path, workspace: Path, inputs: dict[str, str], env: dict[str, str]):
        self.spec = yaml.safe_load(action.read_text())
        self.action_path = action.parent
        self.workspace = workspace
        self.temp = workspace.parent / "runner-temp"
        self.temp.mkdir(exist_ok=True)
        defaults = {k: str(v.get("default", "")) for k, v in self.spec.get("inputs", {}).items()}
        unknown = set(inputs) - set(defaults)
        assert not unknown, f"inputs not declared in action.yml: {unknown}"
        self.inputs = defaults | inputs
        self.env = env
        self.summary = self.temp / "step_summary.md"
        self.summary.write_text("")

    def value(self, expr: str, run: Run) -> str:
        expr = expr.strip()
        if m := re.fullmatch(r"inputs\.([\w-]+)", expr):
            return self.inputs[m.group(1)]
        if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
            return run.outputs.get(m.group(1), {}).get(m.group(2), "")
        if expr == "github.action_path":
            return str(self.action_path)
        if expr == "github.workspace":
            return str(self.workspace)
        if expr == "runner.temp":
            return str(self.temp)
        raise AssertionError(f"expression the harness does not know: {expr}")

    def subst(self, text: str, run: Run) -> str:
        return EXPR.sub(lambda m: self.value(m.group(1), run), str(text))

    def condition(self, cond: str | None, run: Run) -> bool:
        if cond is None:
            return run.conclusion == "success"
        cond = EXPR.sub(lambda m: m.group(1), str(cond)).strip()
        if cond == "always()":
            return True
        if m := re.fullmatch(r"([\w.-]+)\s*==\s*'([^']*)'", cond):
            return run.conclusion == "success" and self.value(m.group(1), run) == m.group(2)
        raise AssertionError(f"condition the harness does not know: {cond}")

    def execute(self, stop_after: str | None = None) -> Run:
        run = Run()
        for i, step in enumerate(self.spec["runs"]["steps"]):
            name = step.get("name", f"step {i}")
            if stop_after is not None and stop_after in run.ran:
                break
            if not self.condition(step.get("if"), run):
                continue
            if "uses" in step:
                run.uses.append({"uses": step["uses"], "with": {k: self.subst(v, run) for k, v in step.get("with", {}).items()}})
                run.ran.append(name)
                continue
            assert step.get("shell") == "bash", f"{name}: composite run steps need shell: bash"
            out_file = self.temp / f"output_{i}"
            out_file.write_text("")
            script = self.temp / f"step_{i}.sh"
            script.write_text(self.subst(step["run"], run) if "${{" in step["run"] else step["run"])
            env = dict(self.env)
            env.update({k: self.subst(v, run) for k, v in step.get("env", {}).items()})
            env.update({
                "GITHUB_OUTPUT": str(out_file), "GITHUB_STEP_SUMMARY": str(self.summary),
                "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_ACTION_PATH": str(self.action_path),
                "RUNNER_TEMP": str(self.temp), "GITHUB_ACTIONS": "true", "CI": "true",
            })
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=self.workspace, env=env, capture_output=True, text=True, timeout=120)
            run.ran.append(name)
            run.logs[name] = proc.stdout + proc.stderr
            if step.get("id"):
                run.outputs[step["id"]] = parse_outputs(out_file.read_text())
            if proc.returncode != 0:
                run.conclusion = "failure"
                run.failed_step = name
        return run


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` lines and `name<<DELIM` blocks."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            out[name] = "\n".join(body)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        i += 1
    return out


def _exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def gha(tmp_path: Path):
    """A fixture model repository and a PATH with `truecard` (this checkout) and a pip recorder."""
    ws = tmp_path / "workspace"
    shutil.copytree(ROOT / "examples" / "tiny-open-model", ws / "model")
    (ws / "README.md").write_text("# a repository holding a model in model/\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pip_log = tmp_path / "pip.log"
    _exe(bin_dir / "truecard", f'#!/bin/sh\nPYTHONPATH="{ROOT / "src"}" exec "{sys.executable}" -m truecard "$@"\n')
    # `python -m pip ...` is recorded, not run (no network); any other use runs the real Python.
    _exe(bin_dir / "python", f'#!/bin/sh\nif [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$@" >> "{pip_log}"; '
                             f'exit 0; fi\nexec "{sys.executable}" "$@"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"

    def run(stop_after: str | None = None, **inputs: str) -> tuple[Run, Runner]:
        r = Runner(ROOT / "action.yml", ws, {"setup-python": "true", **inputs}, env)
        return r.execute(stop_after), r

    run.workspace = ws  # type: ignore[attr-defined]
    run.pip_log = pip_log  # type: ignore[attr-defined]
    return run


def test_action_passes_uploads_sarif_and_writes_summary(gha) -> None:
    result, runner = gha(path="model", **{"fail-under": "21", "install": "false"})
    assert result.conclusion == "success", result.logs
    # setup-python and upload-sarif were `uses:` steps, replaced and recorded with their inputs
    assert [u["uses"].split("@")[0] for u in result.uses] == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    upload = result.uses[1]["with"]
    assert upload == {"sarif_file": "truecard.sarif", "category": "truecard"}
    out = result.outputs["scan"]
    assert out["tier"] == "Platinum" and int(out["total"]) >= 28
    sarif = json.loads((gha.workspace / out["sarif-file"]).read_text())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    # locations resolve from the repository root, where code scanning looks for them
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"] for loc in r.get("locations", [])}
    assert uris and all(u.startswith("model/") for u in uris), uris
    summary = runner.summary.read_text()
    assert summary.startswith("# TRUE scorecard: tiny-open-model") and "| Transparent |" in summary


def test_action_fails_under_threshold_after_reporting(gha) -> None:
    result, runner = gha(path="model", **{"fail-under": "30", "install": "false"})
    assert result.conclusion == "failure"
    assert result.failed_step == "Check threshold and policies"
    assert "below fail-under 30" in result.logs["Check threshold and policies"]
    # the reports were still written and uploaded before the gate failed the job
    assert "Upload SARIF" in result.ran and runner.summary.read_text().strip()


def test_action_fails_on_a_missed_policy(gha, tmp_path: Path) -> None:
    (gha.workspace / "policy.yaml").write_text("name: strict\ncriteria:\n  reproducible.replication: 2\n")
    result, runner = gha(path="model", frameworks="true, mof, policy.yaml", install="false", **{"upload-sarif": "false"})
    assert result.conclusion == "failure"
    assert "misses a policy" in result.logs["Check threshold and policies"]
    assert result.uses == [{"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}}]
    card = json.loads((gha.workspace / "truecard.json").read_text())
    assert card["frameworks"]["policy:strict"]["passed"] is False and "mof" in card["frameworks"]
    assert "## Policy strict: NOT met" in runner.summary.read_text()


def test_action_input_error_stops_at_the_scan(gha) -> None:
    result, _ = gha(path="no-such-folder", install="false")
    assert result.conclusion == "failure" and result.failed_step == "Scan"
    assert "could not scan" in result.logs["Scan"]
    assert "Upload SARIF" not in result.ran


def test_action_installs_its_own_copy_with_pip(gha) -> None:
    result, _ = gha(path="model", install="true", **{"setup-python": "false", "upload-sarif": "false"})
    assert result.conclusion == "success", result.logs
    assert result.uses == []
    assert gha.pip_log.read_text().split() == [
        "-m", "pip", "install", "--disable-pip-version-check", "--quiet", str(ROOT)
    ]
    result, _ = gha(stop_after="Install truecard", install="true", package="truecard==0.1.0")
    assert result.conclusion == "success" and result.ran[-1] == "Install truecard"
    assert gha.pip_log.read_text().splitlines()[-1].endswith("install --disable-pip-version-check --quiet truecard==0.1.0")


def test_pre_commit_hook_runs_the_scan(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "truecard")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    cmd = [sys.executable, "-m", "truecard", *hook["entry"].split()[1:], *hook["args"], "--fail-under", "21"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run(cmd, cwd=ROOT / "examples" / "tiny-open-model", env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr

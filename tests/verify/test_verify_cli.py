"""`truecard verify` and `truecard scan --verify` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from support.tiny_models import require_run_extra

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tiny-open-model"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, **(env or {})}
    e["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), e.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "truecard", *args], capture_output=True,
                          text=True, timeout=600, env=e, cwd=ROOT, check=False)


def clean_error(p: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert p.returncode == code, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    for n in needles:
        assert n in p.stderr, p.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["verify", "/no/such/model"], "no such file or directory"),
    (["verify", str(EXAMPLE), "--memory-limit", "lots"], "--memory-limit: invalid size 'lots'"),
    (["verify", str(EXAMPLE), "--format", "xml"], "unknown format 'xml'"),
    (["verify", str(EXAMPLE), "--timeout", "0"], "--timeout must be a positive"),
    (["verify", "hf:too/many/parts"], "expected hf:ORG/NAME"),
    (["verify", "hf:datasets/org/name"], "a dataset, not a model"),
    (["scan", str(EXAMPLE), "--finetune"], "--finetune needs --verify"),
])
def test_usage_errors_are_one_line(args: list[str], needle: str) -> None:
    clean_error(cli(*args), 2, needle)


def test_missing_extra_says_how_to_install(tmp_path: Path) -> None:
    # A sitecustomize that hides torch from find_spec, as on a machine without the extra.
    (tmp_path / "sitecustomize.py").write_text(
        "import importlib.util as u\n_f = u.find_spec\n"
        "u.find_spec = lambda n, *a, **k: None if n in ('torch', 'transformers') else _f(n, *a, **k)\n"
    )
    p = cli("verify", str(EXAMPLE), env={"PYTHONPATH": str(tmp_path)})
    clean_error(p, 2, "pip install -e '.[run]'", "torch and transformers")  # from this checkout


def remote_code_folder(tmp_path: Path, marker: Path) -> Path:
    d = tmp_path / "remote"
    d.mkdir()
    (d / "config.json").write_text(json.dumps({
        "model_type": "markergpt", "architectures": ["MarkerForCausalLM"],
        "auto_map": {"AutoConfig": "configuration_marker.MarkerConfig",
                     "AutoModelForCausalLM": "modeling_marker.MarkerForCausalLM"}}))
    (d / "configuration_marker.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n")
    (d / "modeling_marker.py").write_text("import configuration_marker\n")
    save_file({"w": np.zeros((2, 2), np.float32)}, str(d / "model.safetensors"))
    return d


def test_remote_code_is_refused_without_the_flag(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    d = remote_code_folder(tmp_path, marker)
    p = cli("verify", str(d), "--format", "json")
    assert p.returncode == 1, p.stderr
    res = json.loads(p.stdout)
    assert res["status"] == "not-run"
    assert res["inference"]["needs_remote_code"] is True
    assert "configuration_marker.py" in res["inference"]["error"]
    assert "--trust-remote-code" in res["inference"]["error"]
    assert res["sandbox"]["exit"] is None  # no process was even started
    assert not marker.exists()


def test_plain_scan_runs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from truecard.engine import scan
    from truecard.verify import sandbox

    def forbidden(*a: object, **k: object) -> None:
        raise AssertionError("a plain scan started the sandbox")

    monkeypatch.setattr(sandbox, "run_child", forbidden)
    card = scan(str(EXAMPLE))
    assert card.verification is None
    assert card.criterion("executable.inference").points == 1
    assert card.criterion("executable.finetuning").points == 1


@pytest.mark.run
def test_verify_json_on_the_bundled_example() -> None:
    require_run_extra()
    p = cli("verify", str(EXAMPLE), "--finetune", "--format", "json")
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    inf, ft = res["inference"], res["finetune"]
    assert res["status"] == "passed"
    assert inf["ok"] is True and inf["error"] is None
    assert set(inf) >= {"ok", "error", "seconds", "peak_memory_mb", "output", "parameters"}
    assert inf["parameters"]["loaded"] == inf["parameters"]["in_weights"]
    assert inf["parameters"]["matches_declared"] is True  # "about 37 thousand"
    assert inf["output"]["new_tokens"] == 8
    assert ft["ok"] is True and ft["loss_finite"] is True and ft["weights_changed"] is True
    assert ft["used_repo_files"] == ["configs/finetune_lora.yaml"]
    assert "finetune_lora.py" in ft["repo_files"] and "not executed" in ft["repo_note"]
    if ft["method"] == "lora":
        assert ft["settings"]["target_modules"] == ["c_attn"] and ft["settings"]["r"] == 4


@pytest.mark.run
def test_scan_verify_turns_executable_points_into_full_marks() -> None:
    require_run_extra()
    p = cli("scan", str(EXAMPLE), "--verify", "--finetune", "--format", "json")
    assert p.returncode == 0, p.stderr
    card = json.loads(p.stdout)
    crit = {c["id"]: c for d in card["dimensions"] for c in d["criteria"]}
    inf, ft = crit["executable.inference"], crit["executable.finetuning"]
    assert (inf["points"], ft["points"]) == (2, 2)
    assert inf["evidence"][0]["kind"] == "execution" and inf["evidence"][0]["origin"] == "detected"
    assert "executed" in inf["rationale"] and "executed" in ft["rationale"]
    assert card["verification"]["status"] == "passed"
    assert card["verification"]["inference"]["ok"] is True


def test_hub_source_that_cannot_be_downloaded() -> None:
    """hf: sources are downloaded only for verify; offline, that fails with one clear line."""
    pytest.importorskip("huggingface_hub")
    p = cli("verify", "hf:org/name", env={"HF_HUB_OFFLINE": "1"})
    clean_error(p, 2, "hf:org/name: not in the local cache (offline)")

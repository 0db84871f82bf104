"""reproducible.checkpoints: checkpoint folders, training logs, step-by-step metrics tables or a
public tracker are 2; checkpoints only mentioned (or promised) are 1; nothing is 0."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import truecard
from support.cardfactory import assess, quotes, result_of, tiny_safetensors

ID = "reproducible.checkpoints"
META = {"license": "apache-2.0"}
INTRO = "# Acme-7B\n\nAcme-7B is a language model.\n\n"


@settings(max_examples=25, deadline=None)
@given(stem=st.sampled_from(["checkpoint-{n}", "checkpoint_{n}", "step{n}", "step-{n}", "global_step{n}", "ckpt-{n}", "epoch_{n}"]),
       n=st.integers(min_value=1, max_value=500_000))
def test_checkpoint_folders_are_full(stem: str, n: int) -> None:
    folder = stem.format(n=n)
    files = {"model.safetensors": tiny_safetensors(), f"{folder}/model.safetensors": tiny_safetensors()}
    r = assess(ID, INTRO, META, files=files)
    assert r.points == 2, (folder, r.rationale)
    assert folder in quotes(r)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_step_named_branches_are_full(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(INTRO, encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "card")
    for b in ("step1000", "step2000", "v1.0"):
        _git(tmp_path, "branch", b)
    r = result_of(truecard.scan(f"{tmp_path}@main", use_claims=False), ID)
    assert r.points == 2, r.rationale
    assert "step1000" in quotes(r) and "v1.0" not in quotes(r)


def test_trainer_state_with_log_history_is_full() -> None:
    state = {"global_step": 300, "log_history": [{"step": s, "loss": 2.0 / s} for s in (100, 200, 300)]}
    r = assess(ID, INTRO, META, files={"trainer_state.json": json.dumps(state)})
    assert r.points == 2, r.rationale


def test_tensorboard_events_are_full() -> None:
    r = assess(ID, INTRO, META, files={"runs/events.out.tfevents.1700000000.host.1.0": b"\x00" * 64})
    assert r.points == 2, r.rationale


@settings(max_examples=25, deadline=None)
@given(url=st.sampled_from([
    "https://wandb.ai/acme/acme-7b/reports/Training--Vmlldzo1",
    "https://api.wandb.ai/links/acme/abc123",
    "https://tensorboard.dev/experiment/AbCdEf/",
]), form=st.sampled_from(["Training logs: {u}", "The training curves are public at {u}.", "See the [training logs]({u})."]))
def test_public_tracker_links_are_full(url: str, form: str) -> None:
    r = assess(ID, INTRO + "## Training\n\n" + form.format(u=url) + "\n", META)
    assert r.points == 2, (form, url, r.rationale)


def test_step_metrics_table_is_full() -> None:
    table = "| Step | Training loss |\n|---|---|\n| 1000 | 2.1 |\n| 2000 | 1.9 |\n| 3000 | 1.8 |\n"
    r = assess(ID, INTRO + "## Training results\n\n" + table, META)
    assert r.points == 2, r.rationale


def test_intermediate_checkpoints_released_statement_is_full() -> None:
    r = assess(ID, INTRO + "We release intermediate checkpoints every 1000 steps as branches of this repository.\n", META)
    assert r.points == 2, r.rationale


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "We saved intermediate checkpoints during training.",
    "Intermediate checkpoints will be released in the future.",
    "Intermediate checkpoints are available upon request.",
]))
def test_mentioned_or_promised_checkpoints_are_partial(text: str) -> None:
    r = assess(ID, INTRO + "## Training\n\n" + text + "\n", META)
    assert r.points == 1, (text, r.rationale)
    assert text in quotes(r)


def test_a_repository_docs_mention_is_not_this_models_log() -> None:
    code = {"README.md": "# trainer\n\nPlot the loss curve after fine-tuning your model.\n", "train.py": "import torch\n"}
    r = assess(ID, INTRO, META, code=code)
    assert r.points == 0, r.rationale


def test_nothing_is_unmet() -> None:
    assert assess(ID, INTRO + "It is good.\n", META).points == 0

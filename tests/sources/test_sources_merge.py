"""One evaluation from several sources: a Hub model plus its code repository (named, or
found with --follow-links), each piece of evidence naming its source and revision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_sources_hub import CONFIG, WEIGHTS
from typer.testing import CliRunner

from support.fakehub import FakeHub, card, serve
from support.repos import make_code_repo
from truecard.cli import app
from truecard.engine import scan

ARXIV = "2304.01373"
CARD = card(
    {"license": "apache-2.0", "datasets": ["org/corpus"], "library_name": "transformers"},
    "# org/model\n\nA small decoder-only language model (2 layers).\n\n"
    "- **Code:** https://github.com/org/code\n"
    f"- **Paper:** https://arxiv.org/abs/{ARXIV}\n"
    "- **Library code:** https://github.com/huggingface/transformers\n"
    "- Evaluated with https://github.com/someone/unrelated-benchmark\n\n"
    "## Usage\n\n```python\nfrom transformers import AutoModelForCausalLM\n"
    'model = AutoModelForCausalLM.from_pretrained("org/model")\n```\n',
)


@pytest.fixture(scope="module")
def code_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_code_repo(tmp_path_factory.mktemp("code") / "code")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code_template: Path):
    """The model on the (fake) Hub, its paper page, and its code on a (file://) GitHub."""
    base = tmp_path / "github"
    shutil.copytree(code_template, base / "org" / "code", symlinks=True)
    monkeypatch.setenv("TRUECARD_GITHUB_URL", base.as_uri())
    for hub in serve(tmp_path, monkeypatch):
        hub.add_dataset("org/corpus", {"README.md": card({"license": "odc-by"}, "# corpus\n\nWeb text.\n")})
        hub.add_model(
            "org/model",
            {"README.md": CARD, "config.json": CONFIG, "model.safetensors": WEIGHTS},
            hub_tags=[f"arxiv:{ARXIV}"],
        )
        hub.add_paper(
            ARXIV,
            "A small model",
            "We train a small model on 8 A100 GPUs.",
            github_repo="https://github.com/org/code",
        )
        yield hub


def _sources(result) -> dict[str, str | None]:
    return {s.id: s.revision for s in result.subject.sources}


def test_merged_evaluation_scores_at_least_either_alone(world: FakeHub) -> None:
    hub_alone = scan("hf:org/model")
    code_alone = scan("gh:org/code")
    merged = scan("hf:org/model", "gh:org/code")
    assert merged.total >= max(hub_alone.total, code_alone.total)
    assert merged.total > hub_alone.total, "the code repository must add training/inference code"
    for c in merged.criteria:
        assert c.points >= max(hub_alone.criterion(c.id).points, code_alone.criterion(c.id).points), c.id
    revs = _sources(merged)
    assert {"hf:org/model", "gh:org/code"} <= set(revs) and all(revs.values())
    evidence = [e for c in merged.criteria for e in c.evidence]
    cited = {e.source for e in evidence}
    assert {"hf:org/model", "gh:org/code"} <= cited
    for e in evidence:
        if e.source in revs:
            assert e.revision == revs[e.source], (e.source, e.revision)


def test_follow_links_finds_code_and_paper_and_says_so(world: FakeHub) -> None:
    followed = scan("hf:org/model", follow_links=True)
    named = scan("hf:org/model", "gh:org/code")
    ids = set(_sources(followed))
    assert {"hf:org/model", "gh:org/code", f"arxiv:{ARXIV}", "hf:datasets/org/corpus"} <= ids
    assert not any("transformers" in i or "unrelated" in i for i in ids)
    assert not any("transformers" in w or "unrelated" in w for w in followed.warnings), "not even tried"
    assert any(w.startswith("followed gh:org/code @ ") for w in followed.warnings)
    assert any(w.startswith(f"followed arxiv:{ARXIV}") for w in followed.warnings)
    gh = next(s for s in followed.subject.sources if s.id == "gh:org/code")
    assert any("followed from hf:org/model" in n for n in gh.notes)
    assert followed.total >= named.total
    paper = next(s for s in followed.subject.sources if s.kind == "paper")
    assert paper.location == f"https://arxiv.org/abs/{ARXIV}"


def test_follow_links_is_bounded(world: FakeHub) -> None:
    one = scan("hf:org/model", follow_links=True, follow_max=1)
    extra = [s for s in one.subject.sources if s.kind in ("gh", "paper")]
    assert len(extra) == 1
    assert any("stopped after 1 sources" in w for w in one.warnings)
    none = scan("hf:org/model")
    assert not [s for s in none.subject.sources if s.kind in ("gh", "paper")]


def test_a_link_that_cannot_be_followed_is_a_note(world: FakeHub, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "github" / "org" / "code")
    result = scan("hf:org/model", follow_links=True)
    assert any(w.startswith("could not follow gh:org/code") for w in result.warnings)
    assert "hf:org/model" in _sources(result)


def test_cli_merges_sources_and_passes_options(world: FakeHub, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "training-notes.md").write_text("# Notes\n\nTraining took 3 days on 8 NVIDIA A100 GPUs.\n")
    r = CliRunner().invoke(app, ["scan", "hf:org/model", "gh:org/code", str(notes), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    sources = {s["id"]: s for s in data["subject"]["sources"]}
    assert sources["hf:org/model"]["revision"] and sources["gh:org/code"]["revision"]
    assert any(k.startswith("local:") for k in sources)
    r = CliRunner().invoke(app, ["scan", "hf:org/model", "--follow-links", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert "gh:org/code" in {s["id"] for s in json.loads(r.stdout)["subject"]["sources"]}
    world.stop()
    r = CliRunner().invoke(app, ["scan", "hf:org/model", "--offline", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["subject"]["sources"][0]["revision"] == sources["hf:org/model"]["revision"]

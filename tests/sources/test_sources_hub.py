"""Hub sources against a fake Hub on loopback, through the real huggingface_hub client."""

from __future__ import annotations

import hashlib
import json
import time

import numpy as np
import pytest
from safetensors.numpy import save
from typer.testing import CliRunner

from support.fakehub import Failure, FakeHub, card, serve
from truecard.cli import app
from truecard.engine import scan
from truecard.sources import SourceError, open_source
from truecard.sources.hub import HubCacheTree, HubTree, parse_hub_spec

CARD = card(
    {"license": "apache-2.0", "datasets": ["org/corpus"], "library_name": "transformers"},
    "# org/model\n\nA small decoder. Trained on 8 NVIDIA A100 GPUs for 3 days.\n\n"
    "## Usage\n\n```python\nfrom transformers import AutoModelForCausalLM\n"
    'model = AutoModelForCausalLM.from_pretrained("org/model")\n```\n',
)
# a real safetensors file, larger than the "fetch whole" threshold so it is read by range
WEIGHTS = save({"embed.weight": np.zeros((512, 600), dtype=np.float32), "head.bias": np.ones(7, np.float32)})
WEIGHT_PARAMS = 512 * 600 + 7
CONFIG = json.dumps({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_layer": 2}).encode()
DATACARD = card(
    {"license": "cc-by-nc-4.0"}, "# corpus\n\nA corpus of public-domain books, deduplicated and filtered.\n"
)


@pytest.fixture
def fake_hub(tmp_path, monkeypatch: pytest.MonkeyPatch):
    yield from serve(tmp_path, monkeypatch)


def model_files() -> dict[str, bytes]:
    return {
        ".gitattributes": b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
        "README.md": CARD,
        "config.json": CONFIG,
        "model.safetensors": WEIGHTS,
        "pytorch_model.bin": b"\x80\x02pickle" + b"\0" * 2000,
        "LICENSE": b"Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n",
    }


def add_model(hub: FakeHub, repo_id: str = "org/model", **kw: object):
    hub.add_dataset("org/corpus", {"README.md": DATACARD})
    return hub.add_model(
        repo_id,
        model_files(),
        branches={"step1000": None, "step2000": None},
        tags={"v1.0": "main"},
        **kw,
    )


def weight_requests(hub: FakeHub) -> list:
    return [r for r in hub.log if "model.safetensors" in r.path or "/cdn/" in r.path]


def test_scans_a_hub_model_without_downloading_weights(fake_hub: FakeHub) -> None:
    repo = add_model(fake_hub)
    result = scan("hf:org/model", deep=True)  # deep: the header itself is read, by range
    hub_src = next(s for s in result.subject.sources if s.id == "hf:org/model")
    assert hub_src.revision == repo.sha and not hub_src.partial
    # the safetensors header was parsed from a ranged read: parameters counted exactly
    weights = result.criterion("transparent.weights")
    assert weights.points == 2
    ev = next(e for e in weights.evidence if e.path == "model.safetensors")
    assert f"{WEIGHT_PARAMS:,} parameters" in ev.summary
    assert ev.source == "hf:org/model" and ev.revision == repo.sha
    assert ev.url == f"{fake_hub.url}/org/model/blob/{repo.sha}/model.safetensors"
    assert ev.sha256 == hashlib.sha256(WEIGHTS).hexdigest()  # the Hub's LFS sha256, not a download
    # weight bytes: only ranges, far less than the file; the pickle file never requested
    ranged = [r for r in weight_requests(fake_hub) if r.status == 206]
    assert ranged and all(r.range for r in ranged)
    assert sum(r.body_bytes for r in weight_requests(fake_hub)) < 70_000 < len(WEIGHTS)
    # the pickle file is read only for the globals it imports (truecard.integrity), never loaded
    assert sum(r.body_bytes for r in fake_hub.log if "pytorch_model.bin" in r.path) <= 2008
    pkl = next(s for s in result.integrity.serialization if s.path == "pytorch_model.bin")
    assert pkl.source == "hf:org/model" and pkl.verdict in ("safe", "error") and not pkl.code_free
    # step-named branches are intermediate checkpoints
    ck = result.criterion("reproducible.checkpoints")
    assert any(e.kind == "checkpoint-revisions" and e.source == "hf:org/model" for e in ck.evidence)
    # the linked dataset's card is its own source, at its own revision, read as a data card
    ds = next(s for s in result.subject.sources if s.id == "hf:datasets/org/corpus")
    assert ds.kind == "hf-dataset" and len(ds.revision or "") == 40
    lic = result.criterion("transparent.license")
    assert lic.points == 2, "the dataset card's NC licence must not be taken as the model's"
    assert fake_hub.stats()["requests"] <= 12


def test_without_deep_the_hubs_counts_stand_for_the_header(fake_hub: FakeHub, tmp_path) -> None:
    add_model(fake_hub)
    deep = scan("hf:org/model", deep=True, cache_dir=str(tmp_path / "deep-cache"))
    fake_hub.reset_stats()
    result = scan("hf:org/model")
    assert not [r for r in fake_hub.log if "model.safetensors" in r.path], "no byte of the safetensors"
    ev = next(e for e in result.criterion("transparent.weights").evidence if e.path == "model.safetensors")
    assert "header not read" in ev.summary and "--deep" in ev.summary
    assert f"{WEIGHT_PARAMS:,} parameters by the Hub's counts" in ev.summary
    assert ev.sha256 == hashlib.sha256(WEIGHTS).hexdigest()
    assert result.total == deep.total
    assert [c.points for c in result.criteria] == [c.points for c in deep.criteria]


def test_second_scan_uses_the_revision_cache(fake_hub: FakeHub) -> None:
    repo = add_model(fake_hub)
    first = scan("hf:org/model")
    fake_hub.reset_stats()
    t0 = time.perf_counter()
    second = scan("hf:org/model")
    assert time.perf_counter() - t0 < 1.0
    assert [r.path for r in fake_hub.log] == ["/api/models/org/model?expand=sha"]
    assert second.total == first.total
    fake_hub.reset_stats()
    pinned = scan(f"hf:org/model@{repo.sha}")
    assert fake_hub.stats()["requests"] == 0 and pinned.total == first.total
    offline = scan("hf:org/model", offline=True)
    assert fake_hub.stats()["requests"] == 0 and offline.total == first.total
    assert any("offline" in n for s in offline.subject.sources for n in s.notes)


def test_revision_syntax_and_urls(fake_hub: FakeHub) -> None:
    repo = add_model(fake_hub)
    for spec in (
        "hf:org/model@step1000",
        "https://huggingface.co/org/model/tree/step1000",
        f"{fake_hub.url}/org/model@step1000",
    ):
        t = open_source(spec)
        assert isinstance(t, HubTree) and t.info.revision == repo.branches["step1000"], spec
        assert any("step1000" in n for n in t.info.notes)
    with pytest.raises(SourceError, match="no such branch, tag or commit"):
        open_source("hf:org/model@nope")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("hf:", "not a Hub repository id"),
        ("hf:a/b/c", "not a Hub repository id"),
        ("hf:../etc", "not a Hub repository id"),
        ("hf:org/na--me", "not a Hub repository id"),
        ("https://huggingface.co/spaces/org/app", "Space is an app"),
        ("hf:org/model@bad rev", "malformed revision"),
    ],
)
def test_malformed_hub_ids(spec: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse_hub_spec(spec)


def test_parse_forms() -> None:
    assert parse_hub_spec("hf:gpt2").repo_id == "gpt2"
    d = parse_hub_spec("https://huggingface.co/datasets/org/data/blob/refs%2Fpr%2F1/README.md")
    assert (d.repo_type, d.repo_id, d.revision) == ("dataset", "org/data", "refs/pr/1")


def test_missing_and_private_repos_are_clear_errors(fake_hub: FakeHub) -> None:
    fake_hub.add_model("org/secret", model_files(), private=True)
    for spec in ("hf:org/missing", "hf:org/secret"):
        with pytest.raises(SourceError, match="repository not found"):
            open_source(spec)
    r = CliRunner().invoke(app, ["scan", "hf:org/missing"])
    assert r.exit_code == 2
    assert r.stderr.strip().startswith("truecard: error: hf:org/missing: repository not found")
    assert "Traceback" not in r.output + r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_gated_repo_without_access_is_partial_and_says_so(fake_hub: FakeHub) -> None:
    add_model(fake_hub, gated="manual", granted={"hf_granted"})
    result = scan("hf:org/model")
    src = result.subject.sources[0]
    assert src.partial and any("gated" in n for n in src.notes)
    assert any("hf:org/model was read only in part" in w and "gated" in w for w in result.warnings)
    # the card (public on gated repos) is scored; weights headers were not readable
    assert result.criterion("understandable.model_card").points >= 1
    denied = [r for r in fake_hub.log if r.status in (401, 403)]
    assert len(denied) == 1, "after the first refusal no further gated file is requested"
    # with a token that has access, the same model is complete
    fake_hub.reset_stats()
    full = scan("hf:org/model", token="hf_granted", cache_dir=None)
    assert not full.subject.sources[0].partial
    assert full.total >= result.total


def test_gated_with_hf_token_env(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    add_model(fake_hub, gated="auto", granted={"hf_granted"})
    monkeypatch.setenv("HF_TOKEN", "hf_granted")
    result = scan("hf:org/model")
    assert not result.subject.sources[0].partial
    assert result.criterion("transparent.weights").points == 2


def test_rate_limit_retry_after_is_honoured(fake_hub: FakeHub) -> None:
    add_model(fake_hub)
    fake_hub.fail("org/model", Failure("429", target="info", times=2, retry_after=2))
    t = open_source("hf:org/model")
    assert t.info.revision and not t.info.partial
    assert fake_hub.sleeps == [2.0, 2.0]


def test_rate_limit_that_persists_is_bounded(fake_hub: FakeHub) -> None:
    add_model(fake_hub)
    fake_hub.fail("org/model", Failure("429", target="info", times=None, retry_after=1))
    with pytest.raises(SourceError, match=r"rate limited by the Hub \(HTTP 429, retry after 1s\)"):
        open_source("hf:org/model")
    assert len([r for r in fake_hub.log if r.status == 429]) == 3
    fake_hub.fail("org/model", Failure("429", target="refs", times=None, retry_after=3600))
    fake_hub.repos[("model", "org/model")].failures.pop(0)
    fake_hub.reset_stats()
    t = open_source("hf:org/model")  # a Retry-After of an hour is reported, not waited for
    assert t.info.partial and any("branches and tags not read" in n for n in t.info.notes)
    assert len([r for r in fake_hub.log if r.status == 429]) == 1


def test_timeouts_are_retried_then_reported(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUECARD_HUB_TIMEOUT", "0.3")
    add_model(fake_hub)
    fake_hub.fail("org/model", Failure("timeout", target="README.md", times=1, delay=2))
    t0 = time.perf_counter()
    ok = scan("hf:org/model")
    assert not ok.subject.sources[0].partial and ok.criterion("understandable.model_card").points >= 1
    fake_hub.add_model("org/slow", model_files())
    fake_hub.fail("org/slow", Failure("timeout", target="config.json", times=None, delay=2))
    slow = scan("hf:org/slow")
    src = slow.subject.sources[0]
    assert src.partial
    assert any(p.path == "config.json" and "timed out after 0.3s" in p.message for p in slow.problems)
    assert time.perf_counter() - t0 < 6


def test_truncated_bodies_are_retried_and_never_trusted(fake_hub: FakeHub) -> None:
    add_model(fake_hub)
    fake_hub.fail("org/model", Failure("truncate", target="README.md", times=1))
    t = open_source("hf:org/model")
    assert t.read_range("README.md", 0, 10**6) == CARD
    fake_hub.add_model("org/cut", model_files())
    fake_hub.fail("org/cut", Failure("truncate", target="model.safetensors", times=None))
    result = scan("hf:org/cut", deep=True)
    assert result.subject.sources[0].partial
    msgs = [p.message for p in result.problems if p.path == "model.safetensors"]
    assert msgs and any("before the whole response arrived" in m or "truncated" in m for m in msgs)
    assert all("parameters" not in e.summary for e in result.criterion("transparent.weights").evidence)


def test_server_errors_and_dropped_connections(fake_hub: FakeHub) -> None:
    add_model(fake_hub)
    fake_hub.fail("org/model", Failure("503", target="info", times=1))
    fake_hub.fail("org/model", Failure("drop", target="config.json", times=1))
    result = scan("hf:org/model")
    assert not result.subject.sources[0].partial
    assert result.criterion("understandable.architecture").evidence


def test_server_that_ignores_range_cannot_force_a_download(fake_hub: FakeHub) -> None:
    add_model(fake_hub)
    fake_hub.fail("org/model", Failure("ignore-range", target="model.safetensors", times=None))
    t = open_source("hf:org/model", deep=True)
    head = t.read_head("model.safetensors", 8)
    assert head == WEIGHTS[:8]


def test_unreachable_hub_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    from truecard.sources import hubapi

    monkeypatch.setattr(hubapi, "sleep", lambda s: None)
    r = CliRunner().invoke(app, ["scan", "hf:org/model"], env={"HF_ENDPOINT": f"http://127.0.0.1:{port}"})
    assert r.exit_code == 2
    assert "cannot reach http://127.0.0.1" in r.stderr and "--offline" in r.stderr
    assert "Traceback" not in r.stderr


def test_offline_from_the_hugging_face_cache(
    fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """A cache laid out by huggingface_hub's own hf_hub_download, then read with no server."""
    from huggingface_hub import hf_hub_download

    repo = add_model(fake_hub)
    for f in ("README.md", "config.json", "model.safetensors"):
        hf_hub_download("org/model", f, cache_dir=str(tmp_path / "hf-cache"), endpoint=fake_hub.url)
    fake_hub.stop()
    fake_hub.reset_stats()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = scan("hf:org/model")
    src = result.subject.sources[0]
    assert src.revision == repo.sha and src.partial and src.kind == "hf"
    assert any("Hugging Face cache" in n for n in src.notes)
    w = result.criterion("transparent.weights")
    assert any(f"{WEIGHT_PARAMS:,} parameters" in e.summary for e in w.evidence)
    assert all(e.source == "hf:org/model" and e.revision == repo.sha for e in w.evidence)
    assert isinstance(open_source("hf:org/model"), HubCacheTree)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    assert isinstance(open_source("hf:org/model", offline=True), HubCacheTree)
    r = CliRunner().invoke(app, ["scan", "hf:org/never-downloaded", "--offline"])
    assert r.exit_code == 2 and "not in the local cache (offline)" in r.stderr
    assert fake_hub.stats()["requests"] == 0


def test_unsafe_file_names_from_the_server_are_skipped(fake_hub: FakeHub) -> None:
    files = model_files()
    files["a/../../escape.txt"] = b"x"
    fake_hub.add_model("org/odd", files)
    t = open_source("hf:org/odd")
    assert all(".." not in e.path for e in t.entries())
    assert any("unsafe file name" in p.message for p in t.problems)


def test_large_text_files_are_hashed_by_their_head(fake_hub: FakeHub) -> None:
    files = model_files()
    big = b'{"vocab": "' + b"a" * (3 << 20) + b'"}'
    files["tokenizer.json"] = big
    fake_hub.add_model("org/tok", files)
    t = open_source("hf:org/tok")
    sha, scope = t.sha256("tokenizer.json")
    assert scope == "header" and sha == hashlib.sha256(big[: 64 << 10]).hexdigest()
    assert sum(r.body_bytes for r in fake_hub.log if "tokenizer.json" in r.path) == 64 << 10


def test_a_header_larger_than_the_first_block_takes_one_more_range(fake_hub: FakeHub) -> None:
    tensors = {f"layer.{i}.a_rather_long_tensor_name.weight": np.zeros(64, np.float32) for i in range(1500)}
    big_header = save(tensors)
    files = model_files()
    files["model.safetensors"] = big_header + b""  # ~150 KB header, > 1 MiB with data? pad below
    n = int.from_bytes(big_header[:8], "little")
    assert n > 64 << 10
    tensors["padding"] = np.zeros(300_000, np.float32)  # makes the file larger than 1 MiB
    files["model.safetensors"] = save(tensors)
    fake_hub.add_model("org/wide", files)
    result = scan("hf:org/wide", deep=True)
    w = result.criterion("transparent.weights")
    assert w.points == 2 and any("1501 tensors" in e.summary for e in w.evidence)
    ranges = [r for r in fake_hub.log if "/cdn/" in r.path and r.status == 206]
    assert len(ranges) == 2, [r.range for r in ranges]


def test_an_unreachable_hub_falls_back_to_the_cache(fake_hub: FakeHub) -> None:
    add_model(fake_hub)
    first = scan("hf:org/model")
    fake_hub.stop()
    again = scan("hf:org/model")  # online, but the Hub is gone: the cached revision is used
    src = again.subject.sources[0]
    assert again.total == first.total and src.revision == first.subject.sources[0].revision
    assert any("could not be reached" in n for n in src.notes), src.notes


def test_lfs_content_that_does_not_match_its_sha256_is_rejected(fake_hub: FakeHub) -> None:
    files = model_files()
    small = save({"w": np.ones(16, np.float32)})  # an LFS file small enough to fetch whole
    files["model.safetensors"] = small
    fake_hub.add_model("org/bad", files)
    fake_hub.fail("org/bad", Failure("corrupt", target="model.safetensors", times=None))
    result = scan("hf:org/bad", deep=True)
    assert result.subject.sources[0].partial
    assert any("does not match its LFS sha256" in p.message for p in result.problems)
    assert not any("16 parameters" in e.summary for e in result.criterion("transparent.weights").evidence)


def test_fake_hub_serves_many_generated_repos(fake_hub: FakeHub) -> None:
    ids = fake_hub.populate(40)
    fake_hub.fail(ids[7], Failure("500", target="info", times=None))
    totals = {}
    for rid in ids[:10]:
        try:
            totals[rid] = scan(f"hf:{rid}").total
        except SourceError as exc:
            totals[rid] = str(exc)
    assert "HTTP 500" in str(totals[ids[7]])
    assert len({v for k, v in totals.items() if k != ids[7]}) == 1
    assert not fake_hub.refused_full_downloads and fake_hub.stats()["requests"] < 10 * 12


def test_revision_probe_for_batch_rescans(fake_hub: FakeHub) -> None:
    from truecard.sources.resolve import probe_revision

    repo = add_model(fake_hub)
    fake_hub.reset_stats()
    assert probe_revision("hf:org/model") == repo.sha
    assert probe_revision("hf:org/model@step1000") == repo.branches["step1000"]
    assert probe_revision(f"hf:org/model@{repo.sha}") == repo.sha
    assert probe_revision("hf:org/missing") is None
    assert fake_hub.stats()["requests"] == 3  # one tiny request per probe, none for a sha


@pytest.mark.parametrize("spec", ["hf:org/model@", "hf:org/model@ ", "https://huggingface.co/org/model@"])
def test_empty_revision_is_a_clear_error_before_any_request(spec: str) -> None:
    with pytest.raises(SourceError, match="empty revision") as exc:
        parse_hub_spec(spec)
    assert exc.value.kind == "bad-input"

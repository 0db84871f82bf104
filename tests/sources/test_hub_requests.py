"""What a Hub scan costs on the wire: at most six requests whatever the shard count.

The model info call carries the commit, the file list and the Hub's safetensors parameter
counts, which the Hub computed by reading every header: a first scan reads no shard header
and no shard index whose shards are all listed, only the small files the criteria read
(card, licence, config), the branches, and the linked dataset's card. `--deep` reads every
header. Against the fake Hub on loopback, through the real huggingface_hub client. Nothing
is timed.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from support.fakehub import (
    FakeHub,
    VirtualFile,
    card,
    generated_model,
    safetensors_header,
    serve,
    sharded_weights,
)
from truecard.cli import app
from truecard.engine import scan

SIZE = 100 * 10**9


@pytest.fixture
def fake_hub(tmp_path, monkeypatch: pytest.MonkeyPatch):
    yield from serve(tmp_path, monkeypatch)


def add(hub: FakeHub, repo_id: str, shards: int) -> None:
    files = generated_model(repo_id, datasets=["org/corpus"], weights=sharded_weights(SIZE, shards))
    files["LICENSE"] = b"Apache License\nVersion 2.0, January 2004\n"
    hub.add_model(repo_id, files, branches={"step1000": None})
    if ("dataset", "org/corpus") not in hub.repos:
        hub.add_dataset("org/corpus", {"README.md": card({"license": "odc-by"}, "# corpus\n\nWeb text.\n")})


def shard_requests(hub: FakeHub) -> list[str]:
    """Requests for shard bytes: the resolve redirects and the CDN ranges."""
    return [r.path for r in hub.log
            if r.path.startswith("/cdn/") or (".safetensors" in r.path and "index.json" not in r.path)]


def requested(hub: FakeHub, name: str) -> list[str]:
    return [r.path for r in hub.log if r.path.split("?")[0].endswith("/" + name)]


def weights_of(card_):  # type: ignore[no-untyped-def]
    w = card_.criterion("transparent.weights")
    return w.points, w.rationale


def test_first_scan_of_a_50_shard_model_makes_at_most_six_requests(fake_hub: FakeHub) -> None:
    add(fake_hub, "org/m4", 4)
    add(fake_hub, "org/m50", 50)
    fake_hub.reset_stats()
    small = scan("hf:org/m4")
    r4 = fake_hub.stats()["requests"]
    fake_hub.reset_stats()
    big = scan("hf:org/m50")
    r50, b50 = fake_hub.stats()["requests"], fake_hub.stats()["bytes"]
    assert r50 <= 6 and b50 <= 200_000, [r.path for r in fake_hub.log]
    assert r50 == r4, "the cost does not grow with the number of shards"
    paths = [r.path.split("?")[0] for r in fake_hub.log]
    assert sorted(p.rsplit("/", 1)[-1] for p in paths if "/resolve/" in p) == [
        "LICENSE", "README.md", "README.md", "config.json"]  # the model's three, the dataset's card
    assert not shard_requests(fake_hub) and not requested(fake_hub, "model.safetensors.index.json")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"):
        assert not requested(fake_hub, name), f"{name} is cited by name, never fetched"
    assert not fake_hub.refused_full_downloads
    # the Hub's counts stand for the unread shards: the same total as reading every header
    for card_ in (small, big):
        assert weights_of(card_)[0] == 2
    assert "50 safetensors file(s), 50,013,831,168 parameters" in weights_of(big)[1]
    unread = [e for c in big.criteria for e in c.evidence if "header not read" in e.summary]
    assert unread and all("--deep" in e.summary for e in unread)
    # the branches (a step-named one) and the dataset card still count
    assert big.criterion("reproducible.checkpoints").points == 2
    assert any(s.id == "hf:datasets/org/corpus" for s in big.subject.sources)


def test_deep_reads_every_header_and_agrees_with_the_hub(fake_hub: FakeHub) -> None:
    add(fake_hub, "org/m20", 20)
    fake_hub.reset_stats()
    default = scan("hf:org/m20")
    fake_hub.reset_stats()
    deep = scan("hf:org/m20", deep=True)
    ranged = {r.path.rsplit("path=", 1)[-1] for r in fake_hub.log if r.path.startswith("/cdn/")}
    assert len(ranged) == 20  # every shard's header, one range each
    assert requested(fake_hub, "model.safetensors.index.json")  # and the index, to size them
    assert deep.total == default.total
    assert weights_of(deep) == weights_of(default)  # the same parameter total either way
    assert not [e for c in deep.criteria for e in c.evidence if "header not read" in e.summary]
    read = [e for e in deep.criterion("transparent.weights").evidence if "tensors" in e.summary]
    assert read and all("by the Hub's counts" not in e.summary for e in read)


def test_cli_deep_flag(fake_hub: FakeHub) -> None:
    add(fake_hub, "org/m8", 8)
    res = CliRunner().invoke(app, ["scan", "hf:org/m8", "--deep", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert len([r for r in fake_hub.log if r.path.startswith("/cdn/")]) == 8


@pytest.mark.parametrize("how", ["missing", "renamed"])
def test_a_shard_the_file_list_cannot_vouch_for_means_the_index_is_read(fake_hub: FakeHub, how: str) -> None:
    files = generated_model("org/holey", weights=sharded_weights(SIZE, 5))
    gone = files.pop("model-00003-of-00005.safetensors")
    if how == "renamed":  # a shard under a name the index does not use: only the index knows
        files["model-extra.safetensors"] = gone
    fake_hub.add_model("org/holey", files)
    result = scan("hf:org/holey")
    assert requested(fake_hub, "model.safetensors.index.json")
    assert any(p.message.startswith("shards missing: model-00003-of-00005") for p in result.problems)
    assert not shard_requests(fake_hub)  # the Hub's counts still stand for the headers


def test_without_the_hubs_counts_every_header_is_read(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    from support import fakehub

    monkeypatch.setattr(fakehub, "_safetensors_counts", lambda files: None)
    add(fake_hub, "org/m6", 6)
    fake_hub.reset_stats()
    result = scan("hf:org/m6")
    assert len([r for r in fake_hub.log if r.path.startswith("/cdn/")]) == 6
    assert weights_of(result)[0] == 2
    assert not [e for c in result.criteria for e in c.evidence if "header not read" in e.summary]


def test_stale_counts_are_the_hubs_word_until_deep_reads_the_headers(fake_hub: FakeHub) -> None:
    """The Hub's counts are its own reading of the headers; --deep is the way to check them."""
    from support import fakehub

    files = generated_model("org/odd", weights=sharded_weights(SIZE, 6))
    head, size = safetensors_header({"w": ("F32", [4096, 4096])})
    odd = fake_hub.add_model("org/odd", files)
    real = fakehub._safetensors_counts

    def stale(fs):  # type: ignore[no-untyped-def]  # counts that miss the first shard's change
        return real({k: v for k, v in fs.items() if "00001-of" not in k})

    fakehub._safetensors_counts = stale
    try:
        odd.commits[odd.sha]["model-00001-of-00006.safetensors"] = VirtualFile(size, head)
        hub_counts = stale(odd.commits[odd.sha])["total"]
        default = scan("hf:org/odd")
        assert not shard_requests(fake_hub)
        fake_hub.reset_stats()
        deep = scan("hf:org/odd", deep=True)
    finally:
        fakehub._safetensors_counts = real
    assert len([r for r in fake_hub.log if r.path.startswith("/cdn/")]) == 6
    assert f"{hub_counts:,} parameters" in weights_of(default)[1]
    assert f"{hub_counts:,} parameters" not in weights_of(deep)[1]


def test_rescans_cost_one_request_and_none_pinned_or_offline(fake_hub: FakeHub) -> None:
    add(fake_hub, "org/m30", 30)
    first = scan("hf:org/m30")
    sha = fake_hub.repos[("model", "org/m30")].sha
    for spec, kw, want in (("hf:org/m30", {}, 1), (f"hf:org/m30@{sha}", {}, 0),
                           ("hf:org/m30", {"offline": True}, 0)):
        fake_hub.reset_stats()
        again = scan(spec, **kw)
        assert fake_hub.stats()["requests"] == want, spec
        assert again.total == first.total and weights_of(again) == weights_of(first)


def test_a_gated_sharded_model_without_access_has_unreadable_weights(fake_hub: FakeHub, tmp_path) -> None:
    files = generated_model("org/gated", weights=sharded_weights(SIZE, 10))
    fake_hub.add_model("org/gated", files, gated="manual", granted={"hf_granted"})
    result = scan("hf:org/gated")
    (src,) = [s for s in result.subject.sources if s.id == "hf:org/gated"]
    assert src.partial and any("gated" in n for n in src.notes)
    # the Hub's counts do not vouch for weights this token cannot read
    points, why = weights_of(result)
    assert points == 1 and "unreadable" in why
    # after the first refusal no further gated file is requested
    assert len([r for r in fake_hub.log if r.status in (401, 403)]) == 1
    # with access, the same model costs what a public one does
    fake_hub.reset_stats()
    granted = scan("hf:org/gated", token="hf_granted", cache_dir=str(tmp_path / "granted"))
    assert fake_hub.stats()["requests"] <= 6 and not shard_requests(fake_hub)
    assert len(requested(fake_hub, "config.json")) == 1  # the access probe is the file read anyway
    assert weights_of(granted)[0] == 2
    assert not next(s for s in granted.subject.sources if s.id == "hf:org/gated").partial


def test_a_gated_model_with_nothing_small_to_probe_tries_its_first_shard(fake_hub: FakeHub) -> None:
    files = {"README.md": card({"license": "apache-2.0"}, "# gated\n"),
             **{k: v for k, v in sharded_weights(SIZE, 3).items() if k.endswith(".safetensors")}}
    fake_hub.add_model("org/bare", files, gated="auto", granted={"hf_granted"})
    denied = scan("hf:org/bare")
    assert weights_of(denied)[0] == 1 and "unreadable" in weights_of(denied)[1]
    assert len([r for r in fake_hub.log if r.status in (401, 403)]) == 1
    fake_hub.reset_stats()
    granted = scan("hf:org/bare", token="hf_granted", cache_dir=None)
    assert weights_of(granted)[0] == 2
    assert len({r.path for r in fake_hub.log if r.path.startswith("/cdn/")}) == 1  # the probe's range

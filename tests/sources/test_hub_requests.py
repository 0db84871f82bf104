"""What a Hub scan costs on the wire: a constant number of requests whatever the shard count.

The model info call carries the Hub's safetensors parameter counts; one sample shard's header
is read to check them, the other shards are taken from them, and `--deep` reads every header.
Against the fake Hub on loopback, through the real huggingface_hub client. Nothing is timed.
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


def weights_of(card_):  # type: ignore[no-untyped-def]
    w = card_.criterion("transparent.weights")
    return w.points, w.rationale


def test_first_scan_of_a_50_shard_model_costs_what_a_4_shard_one_costs(fake_hub: FakeHub) -> None:
    add(fake_hub, "org/m4", 4)
    add(fake_hub, "org/m50", 50)
    fake_hub.reset_stats()
    small = scan("hf:org/m4")
    r4, b4, s4 = fake_hub.stats()["requests"], fake_hub.stats()["bytes"], len(shard_requests(fake_hub))
    fake_hub.reset_stats()
    big = scan("hf:org/m50")
    r50, b50, s50 = fake_hub.stats()["requests"], fake_hub.stats()["bytes"], len(shard_requests(fake_hub))
    assert r50 == r4 and s50 == s4 == 2  # one sample shard: the redirect and its range
    assert b50 < 200_000 and b4 < 200_000
    assert not fake_hub.refused_full_downloads
    # the Hub's counts stand for the unread shards: the same total as reading every header
    for card_ in (small, big):
        assert weights_of(card_)[0] == 2
    assert "50 safetensors file(s)" in weights_of(big)[1]
    unread = [e for c in big.criteria for e in c.evidence if "header not read" in e.summary]
    assert unread and all("--deep" in e.summary for e in unread)


def test_deep_reads_every_header_and_agrees_with_the_hub(fake_hub: FakeHub) -> None:
    add(fake_hub, "org/m20", 20)
    fake_hub.reset_stats()
    default = scan("hf:org/m20")
    fake_hub.reset_stats()
    deep = scan("hf:org/m20", deep=True)
    ranged = [r for r in fake_hub.log if r.path.startswith("/cdn/")]
    # every header not read before is read now (the sample's is in the cache)
    assert len(ranged) == 19
    assert deep.total == default.total
    assert weights_of(deep) == weights_of(default)  # the same parameter total either way
    assert not [e for c in deep.criteria for e in c.evidence if "header not read" in e.summary]


def test_cli_deep_flag(fake_hub: FakeHub) -> None:
    add(fake_hub, "org/m8", 8)
    res = CliRunner().invoke(app, ["scan", "hf:org/m8", "--deep", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert len([r for r in fake_hub.log if r.path.startswith("/cdn/")]) == 8


def test_a_sample_that_disagrees_with_the_hub_means_every_header_is_read(fake_hub: FakeHub) -> None:
    files = generated_model("org/odd", weights=sharded_weights(SIZE, 6))
    # the first shard's header declares F32 tensors the Hub's counts (computed from the
    # others, as if the shard changed after the counts) do not have
    head, size = safetensors_header({"w": ("F32", [4096, 4096])})
    odd = fake_hub.add_model("org/odd", files)
    fake_hub.reset_stats()
    from support import fakehub

    real = fakehub._safetensors_counts

    def stale(fs):  # type: ignore[no-untyped-def]
        return real({k: v for k, v in fs.items() if "00001-of" not in k})

    fakehub._safetensors_counts = stale
    try:
        first = "model-00001-of-00006.safetensors"
        odd.commits[odd.sha][first] = VirtualFile(size, head)
        result = scan("hf:org/odd")
    finally:
        fakehub._safetensors_counts = real
    assert len([r for r in fake_hub.log if r.path.startswith("/cdn/")]) == 6
    assert any("disagrees" in n for s in result.subject.sources for n in s.notes)
    assert not [e for c in result.criteria for e in c.evidence if "header not read" in e.summary]


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


def test_a_gated_sharded_model_is_partial_not_a_disagreement(fake_hub: FakeHub) -> None:
    files = generated_model("org/gated", weights=sharded_weights(SIZE, 10))
    fake_hub.add_model("org/gated", files, gated="manual", granted={"hf_granted"})
    result = scan("hf:org/gated")
    (src,) = [s for s in result.subject.sources if s.id == "hf:org/gated"]
    assert src.partial and any("gated" in n for n in src.notes)
    assert not any("disagrees" in n for n in src.notes)
    # after the first refusal no further gated file is requested
    assert len([r for r in fake_hub.log if r.status in (401, 403)]) == 1

"""Batch scans of hundreds of Hub models against the loopback fake Hub, failures injected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.fakehub import Failure, FakeHub, card, serve
from truecard import ratelimit
from truecard.batch.run import BatchOptions, run_batch


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    monkeypatch.setenv("TRUECARD_HUB_TIMEOUT", "1")
    yield from serve(tmp_path, monkeypatch)


def test_hundreds_of_hub_models_with_injected_failures(hub: FakeHub, tmp_path: Path) -> None:
    ids = hub.populate(200)
    hub.repos[("model", ids[3])].gated = "auto"  # gated: scored on what is public, labelled partial
    hub.fail(ids[5], Failure("500", target="info", times=None))  # the Hub keeps failing
    hub.fail(ids[6], Failure("timeout", target="info", times=None, delay=2))
    hub.fail(ids[7], Failure("429", target="info", times=1, retry_after=1))  # heals after one wait
    broken = hub.repos[("model", ids[8])]
    broken.commit({**broken.files(), "README.md": b"---\nlicense: [mit\n---\n# broken front matter\n"})
    lines = [f"hf:{i}" for i in ids] + ["hf:nobody/missing-model", '"hf:not a/valid id!"']
    src = tmp_path / "models.txt"
    src.write_text("\n".join(lines) + "\n")
    hub.reset_stats()
    summary = run_batch(BatchOptions(sources_file=src, concurrency=4, timeout=60, rate=1000, burst=100))
    failures = {k: kind for k, kind, _ in summary.failures}
    assert summary.scored + summary.failed == len(lines)
    assert failures[f"hf:{ids[5]}"] == "server"
    assert failures[f"hf:{ids[6]}"] in ("timeout", "network")
    assert failures["hf:nobody/missing-model"] == "not-found"
    assert failures["'hf:not a/valid id!'"] == "bad-input"  # the key quotes as its line does
    assert f"hf:{ids[7]}" not in failures  # retried after Retry-After, then scored
    assert f"hf:{ids[3]}" not in failures and f"hf:{ids[8]}" not in failures
    assert summary.failed == 4, summary.failures
    # a Hub-wide run stays cheap: a handful of requests per model, never a full weights download
    per_model = hub.stats()["requests"] / summary.scored
    assert per_model < 12, per_model
    assert not hub.refused_full_downloads

    # only the failures are retried; the Hub has healed meanwhile
    hub.repos[("model", ids[5])].failures.clear()
    hub.repos[("model", ids[6])].failures.clear()
    retry = run_batch(BatchOptions(sources_file=src, concurrency=4, retry_failed=True, rate=1000))
    assert (retry.scored, retry.failed) == (2, 2)

    # re-scans: one metadata request per unchanged model decides; a new commit is re-scored
    changed = hub.repos[("model", ids[0])]
    changed.commit({**changed.files(), "README.md": card({"license": "mit"}, "# updated\n")})
    hub.reset_stats()
    again = run_batch(BatchOptions(sources_file=src, concurrency=4, rescan_stale=0, rate=1000, burst=100))
    assert again.scored == 1 and again.unchanged == len(ids) - 1
    info_calls = [r for r in hub.log if r.path.startswith("/api/models/")]
    assert len(info_calls) <= len(ids) + 8  # one probe each, plus the one re-scan


def test_hub_query_and_the_shared_rate_limit(hub: FakeHub, tmp_path: Path) -> None:
    hub.populate(30, org="allenai")
    hub.populate(5, org="other")
    state = tmp_path / "state.sqlite"
    summary = run_batch(BatchOptions(hub_query="author=allenai", limit=12, state=state, concurrency=3, rate=50, burst=5))
    assert summary.total == 12 and summary.scored == 12 and summary.failed == 0
    assert summary.requests > 0  # every Hub request went through the run-wide bucket


def test_token_bucket_and_retry_after() -> None:
    b = ratelimit.TokenBucket(rate=10, burst=2)
    assert b.take("h") == 0 and b.take("h") == 0
    assert 0.05 < b.take("h") <= 0.1  # the third request in a burst of two waits ~1/rate
    b.pause("h", 5)
    assert b.take("h") >= 4.9  # a 429 holds every worker
    assert b.take("other") == 0  # per host

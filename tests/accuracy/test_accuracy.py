"""Accuracy never silently regresses: truecard against two independent raters on the labelled
development set (`../shared/bench-dev`, its README and LABELING.md), measured by the same code
as `python benchmarks/accuracy.py`.

The floors are what the accuracy work reached (issue 11), a little below the exact figures so
that a rule change trading one cell for another can land; a drop beyond them fails. The scan
is deterministic, so these are not flaky: a failure means a rule got worse on real models.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Floors (issue 11: 505/720 cells, tier 32/48, error 3.15 points before the work)
MIN_CELLS = 700  # of 720 within the raters' range
MIN_PER_CRITERION = 41  # of 48, i.e. >= 85 % on every criterion
MIN_TIER = 46  # of 48 subjects whose tier equals a rater's
MAX_MEAN_ABS_ERROR = 0.5  # points, total vs the nearer rater


def _bench_dir() -> Path:
    for p in (ROOT.parent / "shared" / "bench-dev", Path("/work/shared/bench-dev")):
        if (p / "subjects.tsv").is_file():
            return p
    if os.environ.get("CI"):
        pytest.fail("the labelled development set (../shared/bench-dev) is missing in CI")
    pytest.skip("the labelled development set (../shared/bench-dev) is not present here")


def _accuracy_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("truecard_accuracy", ROOT / "benchmarks" / "accuracy.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["truecard_accuracy"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return _accuracy_module().measure(_bench_dir())


def test_every_subject_scans(result) -> None:  # type: ignore[no-untyped-def]
    assert len(result.subjects) == 48
    assert {s.name: s.error for s in result.subjects if s.error} == {}


def test_agreement_floor(result) -> None:  # type: ignore[no-untyped-def]
    agree = sum(c.agrees for c in result.cells)
    off = [f"{c.subject} {c.criterion}: {c.points} vs {c.a}/{c.b}" for c in result.cells if not c.agrees]
    assert agree >= MIN_CELLS, f"{agree}/720 cells agree (floor {MIN_CELLS}); off: {off}"


def test_every_criterion_floor(result) -> None:  # type: ignore[no-untyped-def]
    low = {cid: ok for cid, (ok, _n) in result.per_criterion().items() if ok < MIN_PER_CRITERION}
    assert low == {}, f"criteria below {MIN_PER_CRITERION}/48: {low}"


def test_tier_and_total(result) -> None:  # type: ignore[no-untyped-def]
    assert result.tier_agreement >= MIN_TIER
    assert result.mean_abs_error <= MAX_MEAN_ABS_ERROR


def test_no_restricted_weights_licence_scored_open(result) -> None:  # type: ignore[no-untyped-def]
    """The openwashing check: weights both raters call not open never get the licence's 2 points."""
    assert result.restricted_scored_open == []
    both_closed = [c for c in result.cells if c.criterion == "transparent.license" and c.a == 0 and c.b == 0]
    assert len(both_closed) >= 18 and all(c.points == 0 for c in both_closed)


def test_static_scan_caps_executable(result) -> None:  # type: ignore[no-untyped-def]
    """Nothing in the set can run, so no Executable criterion may reach 2 from a static scan."""
    assert all(c.points <= 1 for c in result.cells if c.criterion.startswith("executable."))

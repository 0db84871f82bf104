"""The scorecard's `model_card` summary lists the first 50 results of a card's `model-index`,
in order: read until there are 50 (an MTEB card's index holds thousands), the same list as
reading them all and keeping the first 50."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truecard.evidence.card import parse_front_matter
from truecard.evidence.summary import _metrics

CARDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def _all_then_first(mi: Any, limit: int) -> list[dict[str, Any]]:
    """Every result of the index, as the summary wrote them, then the first `limit`."""
    out = []
    for m in mi if isinstance(mi, list) else []:
        for r in (m.get("results") or []) if isinstance(m, dict) else []:
            if not isinstance(r, dict):
                continue
            t, d = r.get("task"), r.get("dataset")
            task = t if isinstance(t, dict) else {}
            ds = d if isinstance(d, dict) else {}
            for met in r.get("metrics") or []:
                if isinstance(met, dict) and met.get("value") is not None:
                    out.append({"type": str(met.get("type") or met.get("name") or "metric"), "value": str(met["value"]),
                                "dataset": str(ds.get("name") or ds.get("type") or ""), "task": str(task.get("type") or "")})
    return out[:limit]


_metric = st.fixed_dictionaries({"type": st.sampled_from(["accuracy", "f1"]), "value": st.none() | st.integers(0, 9)})
_result = st.one_of(st.none(), st.fixed_dictionaries({
    "task": st.just({"type": "classification"}), "dataset": st.just({"name": "d"}),
    "metrics": st.lists(_metric | st.none(), max_size=4)}))
_index = st.lists(st.one_of(st.none(), st.fixed_dictionaries({"results": st.lists(_result, max_size=4)})), max_size=4)


@settings(max_examples=300, deadline=None)
@given(_index, st.integers(1, 6))
def test_first_results_as_reading_them_all(mi: Any, limit: int) -> None:
    assert _metrics(mi, limit) == _all_then_first(mi, limit)


@pytest.mark.skipif(not CARDS.is_dir(), reason="corpus not present")
def test_corpus_model_indexes() -> None:
    n = 0
    for path in sorted(CARDS.glob("*.md")):
        md = parse_front_matter(path.read_text(encoding="utf-8", errors="replace"))[0]
        if "model-index" in md:
            assert _metrics(md["model-index"], 50) == _all_then_first(md["model-index"], 50), path.name
            n += 1
    assert n > 20

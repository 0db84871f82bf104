"""The AI licences a card's sentence names (`licenses.prose._names_in`) are found by one
automaton pass over all their names before the per-licence tests: the same licences, in the
same order, with the same reason as testing every name of every licence on every sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truecard.licenses import prose

CARDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def _reference_ai_names(sentence: str) -> list[tuple[str, str]]:
    """(licence id, the name that hit) for every AI licence the sentence names, testing each."""
    norm = prose._norm(sentence)
    out = []
    for e, keys in prose._prose_keys():
        hit = next((k for k in keys if k in norm), None)
        if hit:
            out.append((e["id"], hit))
    return out


def _found(sentence: str) -> list[tuple[str | None, str]]:
    return [(v.license_id, v.reason) for v in prose._names_in(sentence)]


def _expected(sentence: str) -> list[tuple[str | None, str]]:
    got = _found(sentence)
    ai = [(lid, reason) for lid, reason in got if "the text names" in reason]
    want = _reference_ai_names(sentence)
    if len(want) > 1:
        want = [w for w in want if w[0] != "openrail"]
    assert [(lid, f"the text names {hit!r}") for lid, hit in want] == [(a, r) for a, r in ai], sentence
    return got


_NAMES = [k for _, keys in prose._prose_keys() for k in keys]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_NAMES, "the model", " is released under ", "Apache 2.0", "-", " ", "LICENSE"]),
                max_size=5))
def test_names_found_as_testing_each(parts: list[str]) -> None:
    sentence = "".join(parts)
    _expected(sentence)
    _expected(sentence.upper())


@pytest.mark.skipif(not CARDS.is_dir(), reason="corpus not present")
def test_corpus_lines_alike() -> None:
    n = 0
    for path in sorted(CARDS.glob("*.md")):
        for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            if "licen" in line.lower() or "rail" in line.lower() or "llama" in line.lower():
                _expected(line)
                n += 1
    assert n > 1000


def test_a_name_is_found() -> None:
    name: Any = _NAMES[0]
    assert _reference_ai_names(f"This model is under the {name}.") != []
    assert _found(f"This model is under the {name}.") != []

"""`sentences_for` picks exactly the sentences a per-sentence prefilter test would keep.

Collectors iterate over `sentences_for(card, *patterns)` instead of every sentence, so its
answer must equal testing each sentence with each pattern's `possible` (and each string of
`containing` with `in` on the sentence's fold): checked on the corpus cards with every
pattern the evidence modules search, and on random cards built from the patterns' own
literals, case variants, the characters `re.IGNORECASE` maps to ASCII letters and newlines.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import truecard.evidence.collectors.datasets as datasets
import truecard.evidence.collectors.links as links
import truecard.evidence.collectors.usage as usage
import truecard.evidence.patterns as patterns
from truecard.evidence.card import parse_card
from truecard.evidence.collectors._common import card_sentences, sentences_for
from truecard.evidence.prefilter import Prefiltered, fold
from truecard.sources.local import LocalTree

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cards"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/cards")

PATTERNS: list[Prefiltered] = sorted(
    {id(v): v for m in (patterns, datasets, links, usage) for v in vars(m).values() if isinstance(v, Prefiltered)}.values(),
    key=lambda p: (p.pattern, p.flags),
)


def _card(tmp_path: Path, text: str) -> Any:
    (tmp_path / "README.md").write_text(text, encoding="utf-8")
    tree = LocalTree.open(tmp_path)
    return parse_card(tree, "README.md", text, None)


def _expected(card: Any, pats: tuple[Prefiltered, ...], containing: tuple[str, ...]) -> list[tuple[int, str]]:
    return [
        (ln, s)
        for ln, s in card_sentences(card)
        if any(p.possible(s) for p in pats) or any(c in fold(s) for c in containing)
    ]


def test_patterns_found() -> None:
    assert len(PATTERNS) > 100
    assert sum(p.literals is not None for p in PATTERNS) > 0.9 * len(PATTERNS)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
def test_corpus_cards_every_pattern(tmp_path: Path) -> None:
    cards = sorted(CORPUS.glob("*.md"))[::8]
    rng = random.Random(15)
    checked = 0
    for path in cards:
        text = path.read_text(encoding="utf-8", errors="replace")
        d = tmp_path / path.stem
        d.mkdir()
        card = _card(d, text)
        for p in PATTERNS:
            assert sentences_for(card, p) == _expected(card, (p,), ()), (path.name, p.pattern)
        for _ in range(10):
            pats = tuple(rng.sample(PATTERNS, 3))
            assert sentences_for(card, *pats, containing=("://",)) == _expected(card, pats, ("://",))
            # the cached answer is the same answer
            assert sentences_for(card, *pats, containing=("://",)) == _expected(card, pats, ("://",))
        lines = {ln for ln, _ in card_sentences(card)[::5]}
        pats = (PATTERNS[checked % len(PATTERNS)],)
        want = [(ln, s) for ln, s in card_sentences(card) if ln in lines or pats[0].possible(s)]
        assert sentences_for(card, *pats, on_lines=lines) == want
        checked += 1
    assert checked >= 40


def _piece(lits: list[str]) -> st.SearchStrategy[str]:
    def vary(lit: str) -> st.SearchStrategy[str]:
        return st.lists(st.booleans(), min_size=len(lit), max_size=len(lit)).map(
            lambda up: "".join(c.upper() if u else c for c, u in zip(lit, up, strict=True))
        )

    return st.one_of(
        st.sampled_from(lits).flatmap(vary),
        st.sampled_from(["\n", "\n\n", ". ", "! The ", "```\n", " ", "\u212a", "\u017f", "\u0130", "\u0131", "é", "#"]),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz .:/-", max_size=12),
    )


_LITS = sorted({x for p in PATTERNS for x in (p.literals or ())})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(_piece(_LITS), max_size=40),
    which=st.lists(st.integers(0, len(PATTERNS) - 1), min_size=1, max_size=4),
    containing=st.lists(st.sampled_from(["://", "train", "data", " "]), max_size=2),
)
def test_random_cards(tmp_path_factory: pytest.TempPathFactory, parts: list[str], which: list[int], containing: list[str]) -> None:
    card = _card(tmp_path_factory.mktemp("c"), "".join(parts))
    pats = tuple(PATTERNS[i] for i in which)
    assert sentences_for(card, *pats, containing=tuple(containing)) == _expected(card, pats, tuple(containing))


def test_a_pattern_without_literals_keeps_every_sentence(tmp_path: Path) -> None:
    card = _card(tmp_path, "One sentence here. Another one there.\n\nA third line.\n")
    plain = re.compile(r"[A-Z]\d+")
    assert sentences_for(card, plain) == card_sentences(card)
    assert len(card_sentences(card)) == 3
    only = sentences_for(card, Prefiltered(re.compile("another", re.I)))
    assert only == [(1, "Another one there.")]


def _reference_sentences(lines: list[str], first_line: int = 1) -> list[tuple[int, str]]:
    out, in_fence = [], False
    for i, raw in enumerate(lines):
        if raw.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        line = raw[:4000]
        if not line.strip():
            continue
        line = re.sub(patterns._EMPHASIS_RE.pattern, "", line, flags=patterns._EMPHASIS_RE.flags)
        for s in re.split(patterns._SENTENCE_END_RE.pattern, line, flags=patterns._SENTENCE_END_RE.flags):
            if s.strip():
                out.append((first_line + i, s.strip()))
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet="ab .!?*`_\u00a0\u2003\tA([\n", max_size=30), max_size=8))
def test_sentences_equal_the_plain_patterns(lines: list[str]) -> None:
    assert list(patterns.sentences(lines, 3)) == _reference_sentences(lines, 3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.text(alphabet="abé", min_size=1, max_size=12), min_size=1, max_size=12),
    lits=st.lists(st.text(alphabet="abé", min_size=1, max_size=4), min_size=1, max_size=6, unique=True),
)
def test_the_automaton_finds_every_sentence_holding_a_literal(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], lits: list[str]
) -> None:
    """`_holding` (one non-overlapping Aho-Corasick pass over the joined folds) against its
    definition, on texts made of few letters so that occurrences overlap, nest and repeat
    across sentences (one line each here) as often as they can; non-ASCII letters check
    that positions are counted in bytes (the index searches UTF-8)."""
    from truecard.evidence.collectors._common import _holding, folded_sentences

    card = _card(tmp_path_factory.mktemp("c"), "\n".join(lines) + "\n")
    folds = folded_sentences(card).split("\n")
    want = {k for k, f in enumerate(folds) if any(x in f for x in lits)}
    assert _holding(card, tuple(sorted(lits))) == want


def test_sentence_literals_are_the_prefilters() -> None:
    """`sentences` tests these literals itself before its two per-line patterns: they must be
    the literals the prefilter requires of each (no clause besides)."""
    for name, lits in patterns.SENTENCE_LITERALS.items():
        rx = getattr(patterns, name)
        assert set(rx.literals) == lits and rx.clauses == (), name

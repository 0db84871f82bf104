"""Which pieces of a text hold one of a set of literals, found in one pass.

A card is tested against a hundred patterns, sentence by sentence or line by line, and most
tests find none of the pattern's required literals (`truecard.evidence.prefilter`). Asking
once per card and set of literals which sentences or lines hold one, by one Aho-Corasick pass
(ahocorasick-rs, a Rust automaton: no Python-level loop over the text), leaves the loops only
the pieces a pattern may match. A pure function of the text; no I/O.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Any

from ahocorasick_rs import AhoCorasick, MatchKind

from truecard.evidence.inventory import Card
from truecard.evidence.prefilter import Prefiltered, fold

_MINIMAL: dict[tuple[str, ...], tuple[str, ...]] = {}  # literal set -> those holding no other
_AUTOMATA: dict[tuple[str, ...], AhoCorasick] = {}  # minimal literal set -> its automaton


def _minimal(literals: tuple[str, ...]) -> tuple[str, ...]:
    """`literals` without those holding another of them (every text holding such a literal
    holds the other), once per set."""
    lits = _MINIMAL.get(literals)
    if lits is None:
        lits = _MINIMAL[literals] = tuple(x for x in literals if not any(o != x and o in x for o in literals))
    return lits


def holding(text: str, starts: list[int], literals: tuple[str, ...]) -> set[int]:
    """Indices of the pieces of `text` (folded pieces joined by "\n", piece k starting at
    `starts[k]`) that hold one of the folded `literals`, none of which holds a newline.

    One pass of an Aho-Corasick automaton over the whole text (ahocorasick-rs, once per set
    of literals and process) instead of a Python-level test of every piece, or of one
    `str.find` scan per literal (some 400 scans of each card, a seventh of a batch item's
    time). Exact: no literal holds a newline, so no match spans two pieces; and the
    automaton's non-overlapping matches, each reported where it ends first and the search
    resumed after it, leave no piece holding a literal without a match in it (from any point
    before a piece's occurrence, the next match ends no later than that occurrence and starts
    no earlier than the point), so the pieces with a match are exactly those holding a
    literal (tests/evidence/test_sentence_index.py compares the two on corpus cards and
    random texts).
    """
    lits = _minimal(literals)
    automaton = _AUTOMATA.get(lits)
    if automaton is None:
        automaton = _AUTOMATA[lits] = AhoCorasick(list(lits), matchkind=MatchKind.Standard)
    n, hit, bound = len(starts), set[int](), -1
    for _, i, _ in automaton.find_matches_as_indexes(text):
        if i < bound:  # in the piece found last
            continue
        k = bisect_right(starts, i) - 1
        hit.add(k)
        bound = starts[k + 1] if k + 1 < n else len(text) + 1
    return hit


class LineIndex:
    """Which lines of a list may hold a match of a prefiltered pattern, for loops that test
    every line of a card against one (the hyper-parameter list, lineage, loading code): one
    automaton pass over the folded lines (`holding`) instead of a search call per line, most
    of which find none of the pattern's literals. Built once per list of lines (`line_index`)."""

    __slots__ = ("_memo", "starts", "text")

    def __init__(self, lines: list[str], folded_joined: str | None = None) -> None:
        # `fold` works character by character and keeps every "\n": the folded text's lines
        # are the lines' folds
        self.text = fold("\n".join(lines)) if folded_joined is None else folded_joined
        self.starts = list(accumulate((len(x) + 1 for x in self.text.split("\n")[:-1]), initial=0))
        self._memo: dict[tuple[str, ...], set[int]] = {}

    def may_match(self, rx: Any) -> set[int] | None:
        """Indices of the lines `rx` may match (`rx.possible` holds for them and no other);
        None when it may match any (a pattern without literals, or one with a newline)."""
        lits = rx.literals if isinstance(rx, Prefiltered) else None
        if lits is None or any("\n" in x for x in lits):
            return None
        got = self._memo.get(lits)
        if got is None:
            got = self._memo[lits] = holding(self.text, self.starts, lits)
        return got


def line_index(card: Card, name: str, lines: list[str], folded_joined: str | None = None) -> LineIndex:
    """The card's `LineIndex` of `lines` (named `name` in its cache: "body" for `body_lines`)."""
    key = f"line_index:{name}"
    if key not in card.cache:
        card.cache[key] = LineIndex(lines, folded_joined)
    out: LineIndex = card.cache[key]
    return out



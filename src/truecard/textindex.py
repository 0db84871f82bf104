"""Which pieces of a text hold one of a set of literals, found in one pass.

A card is tested against a hundred patterns, sentence by sentence or line by line, and most
tests find none of the pattern's required literals (`truecard.evidence.prefilter`). Asking
once per card and set of literals which sentences or lines hold one, by one Aho-Corasick pass
(ahocorasick-rs, a Rust automaton: no Python-level loop over the text), leaves the loops only
the pieces a pattern may match. Pure functions of the text, below every package that reads
cards (evidence, integrity), so that each can use it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, repeat
from operator import add
from typing import Any

from ahocorasick_rs import BytesAhoCorasick, MatchKind

_MINIMAL: dict[tuple[str, ...], tuple[str, ...]] = {}  # literal set -> those holding no other
# (literals, whether it reports every occurrence) -> its automaton, built once per process
_AUTOMATA: dict[tuple[tuple[str, ...], bool], BytesAhoCorasick] = {}


def _minimal(literals: tuple[str, ...]) -> tuple[str, ...]:
    """`literals` without those holding another of them (every text holding such a literal
    holds the other), once per set."""
    lits = _MINIMAL.get(literals)
    if lits is None:
        lits = _MINIMAL[literals] = tuple(x for x in literals if not any(o != x and o in x for o in literals))
    return lits


def encode(text: str) -> bytes:
    """The UTF-8 bytes the automata search (lone surrogates, which a decoded file never
    holds, kept as their three bytes rather than refused)."""
    return text.encode("utf-8", "surrogatepass")


def _matches(data: bytes, literals: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """The leftmost-first matches of the folded `literals` (none holding a newline) in
    `data`, the UTF-8 bytes of folded pieces joined by "\n"; `_pieces` names the pieces
    they lie in.

    One pass of an Aho-Corasick automaton over the whole text (ahocorasick-rs, once per set
    of literals and process) instead of a Python-level test of every piece, or of one
    `str.find` scan per literal (some 400 scans of each card, a seventh of a batch item's
    time). Over bytes, with leftmost-first matches: the library's vectorised searcher runs
    only for leftmost matching, and it and the bytes (encoded once per text, no offsets
    mapped back to characters) make the pass about three times as fast as a standard search
    of the `str`. A UTF-8 encoding holds a literal's encoding exactly where the text holds
    the literal (the encoding is self-synchronising), so bytes change no answer.

    Exact: no literal holds a newline, so no match spans two pieces; and the automaton's
    non-overlapping leftmost matches, the search resumed after each, leave no piece holding a
    literal without a match in it (from any point before a piece's occurrence, the next match
    starts no later than that occurrence and no earlier than the point, and lies within one
    piece), so the pieces with a match are exactly those holding a literal
    (tests/evidence/test_sentence_index.py and test_line_index.py compare the two on corpus
    cards and random texts).
    """
    out: list[tuple[int, int, int]] = _automaton(_minimal(literals)).find_matches_as_indexes(data)
    return out


def _automaton(literals: tuple[str, ...], every: bool = False) -> BytesAhoCorasick:
    """The automaton of `literals` (their UTF-8): leftmost-first matching, or with `every`
    standard matching (which can report every occurrence, overlapping ones too)."""
    automaton = _AUTOMATA.get((literals, every))
    if automaton is None:
        kind = MatchKind.Standard if every else MatchKind.LeftmostFirst
        automaton = _AUTOMATA[literals, every] = BytesAhoCorasick([encode(x) for x in literals], matchkind=kind)
    return automaton


def finder(literals: tuple[str, ...]) -> Callable[[bytes], list[tuple[int, int, int]]]:
    """The leftmost-first search of `literals` in a text's `encode`d bytes, for a loop that
    asks `holds_any` of many texts: a non-empty list exactly where the text holds one."""
    return _automaton(literals).find_matches_as_indexes  # type: ignore[no-any-return]


def occurrences(literals: tuple[str, ...]) -> Callable[..., list[tuple[int, int, int]]]:
    """The search of every occurrence of `literals` in a text's `encode`d bytes, overlapping
    ones too, when called with `overlapping=True` (a standard-matching automaton: see
    `present`): (literal index, start, end) of each, in bytes."""
    return _automaton(literals, every=True).find_matches_as_indexes  # type: ignore[no-any-return]


def holds_any(text: str, literals: tuple[str, ...]) -> bool:
    """Whether `text` holds one of `literals`: one automaton pass (a leftmost-first search
    finds a match wherever any literal occurs) instead of an `in` test per literal. The
    automaton is built on the literals as given (once per set and process): for a yes or no,
    dropping the literals that hold another (`_minimal`, quadratic in their number) would
    cost a short-lived process more than it saves."""
    return bool(finder(literals)(encode(text)))


def present(text: str, literals: tuple[str, ...]) -> set[int]:
    """The indices of the `literals` that occur in `text`, from one pass: an automaton with
    standard matching reports every occurrence of every literal when asked for overlapping
    matches, so each literal present is reported (at least once) and no other."""
    matches = _automaton(literals, every=True).find_matches_as_indexes(encode(text), overlapping=True)
    return {i for i, _, _ in matches}


def _pieces(matches: list[tuple[int, int, int]], starts: list[int], size: int) -> set[int]:
    """The indices of the pieces (starting at `starts`, of a text of `size` bytes) that hold
    one of `matches`."""
    n, hit, bound = len(starts), set[int](), -1
    for _, i, _ in matches:
        if i < bound:  # in the piece found last
            continue
        k = bisect_right(starts, i) - 1
        hit.add(k)
        bound = starts[k + 1] if k + 1 < n else size + 1
    return hit


class LineIndex:
    """Which lines of a text may hold a match of a prefiltered pattern, for loops that test
    every line of a card against one (the hyper-parameter list, lineage, loading code): one
    automaton pass over the folded lines (`_matches`) instead of a search call per line, most
    of which find none of the pattern's literals.

    `folded`: the lines joined by "\n" and folded as the literals are (`prefilter.fold`, or
    `str.lower` for plain lower-case words); a fold never makes or removes a "\n", so line k
    of it is line k's fold. Held as UTF-8 (`encode`), line k starting at byte `starts[k]`;
    given as bytes, they are that UTF-8 already (folded as the literals are: `bytes.lower()`,
    say, which lowers the ASCII letters alone)."""

    __slots__ = ("_memo", "_starts", "data")

    def __init__(self, folded: str | bytes) -> None:
        self.data = folded if isinstance(folded, bytes) else encode(folded)
        self._starts: list[int] | None = None
        self._memo: dict[tuple[str, ...], set[int]] = {}

    @property
    def starts(self) -> list[int]:
        """Where each line starts, in bytes: worked out on the first match (many texts hold
        none of the literals asked of them, and a card's front matter can be most of it)."""
        if self._starts is None:
            # each line's length and its "\n", summed, in C-level iterators (a generator made
            # this a Python step per line of every card's indexes)
            lengths = map(len, self.data.split(b"\n")[:-1])
            self._starts = list(accumulate(map(add, lengths, repeat(1)), initial=0))
        return self._starts

    def holding(self, literals: tuple[str, ...]) -> set[int]:
        """Indices of the lines whose fold holds one of `literals` (none holds a newline)."""
        got = self._memo.get(literals)
        if got is None:
            matches = _matches(self.data, literals)
            got = self._memo[literals] = _pieces(matches, self.starts, len(self.data)) if matches else set()
        return got

    def may_match(self, rx: Any) -> set[int] | None:
        """Indices of the lines the prefiltered pattern `rx` may match (its `possible` holds
        for them and no other, given the `prefilter.fold` of the lines); None when it may
        match any (a plain pattern, one without literals, or one with a newline)."""
        lits = getattr(rx, "literals", None)  # a Prefiltered's; a plain re.Pattern has none
        if lits is None or any("\n" in x for x in lits):
            return None
        return self.holding(lits)

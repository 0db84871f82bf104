"""Placeholders are blanked with only the alternatives a card can hold, and that gives what
the whole pattern gives: on every section of the corpus cards and on random texts made of
the placeholders, their near misses, case variants and the characters `re.IGNORECASE` maps
to ASCII letters."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truecard.evidence import card as card_mod
from truecard.evidence.card import (
    PLACEHOLDER_RE,
    placeholder_pattern,
    real_chars,
    split_sections,
    strip_placeholders,
)

CARDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def _reference_real_chars(text: str) -> int:
    if "#" in text:
        text = "\n".join(ln for ln in text.split("\n") if not ln.lstrip().startswith("#"))
    t = card_mod._TAG_RE.sub(" ", PLACEHOLDER_RE.rx.sub(" ", text))
    return len("".join(t.split())) - sum(t.count(c) for c in card_mod._PUNCT)


def test_the_ascii_characters_real_chars_drops_are_the_whitespace_and_punctuation() -> None:
    dropped = set(card_mod._NOT_PROSE_ASCII.decode("ascii"))
    assert dropped == {chr(i) for i in range(128) if chr(i).isspace()} | set(card_mod._PUNCT)


def test_no_alternative_literal_holds_a_newline() -> None:
    for alt in card_mod._ALTERNATIVE_FILTERS:
        assert alt.literals is not None and all("\n" not in x for x in alt.literals), alt.pattern


@pytest.mark.skipif(not CARDS.is_dir(), reason="corpus not present")
def test_corpus_sections_alike() -> None:
    n = 0
    for path in sorted(CARDS.glob("*.md")):
        body = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        lines = body.split("\n")
        ph = placeholder_pattern("\n".join(lines))
        for s in split_sections(lines, 1):
            assert strip_placeholders(s.text, ph) == PLACEHOLDER_RE.rx.sub(" ", s.text)
            assert real_chars(s.text, ph) == _reference_real_chars(s.text)
            n += 1
        assert real_chars(body) == _reference_real_chars(body)
    assert n > 2000


_PIECES = ["[More Information Needed]", "[ more information  needed ]", "more information needed", "MORE INFORMATION",
           "[needs more information]", "{{ placeholder }}", "{{", "}}", "{", "<!-- note -->", "<!--", "-->",
           "[optional]", "[to be added]", "[TO BE DETERMINED]", "[added]", "tbd", "TBD", "todo", "ToDo", "todos",
           "\u0130", "\u0131", "\u212a", "\u017f", "\n", "\n# heading\n", " ", "word", "<b>", ".", "-", "#", " #",
           "\t#", "\x0b", "\x1c", "\r", "\xa0#", "\u2028", "\u3000", "*", "|", "\u00e9", "\U0001f642", "\udcff", "「」"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(0, 29))
def test_random_texts_alike(parts: list[str], cut: int) -> None:
    text = "".join(parts)
    assert strip_placeholders(text) == PLACEHOLDER_RE.rx.sub(" ", text)
    assert real_chars(text) == _reference_real_chars(text)
    # a text made of some of its lines, with the whole text's pattern
    lines = text.split("\n")
    part = "\n".join(lines[cut % max(1, len(lines)) :])
    assert strip_placeholders(part, placeholder_pattern(text)) == PLACEHOLDER_RE.rx.sub(" ", part)


def test_a_card_without_placeholders_needs_no_pattern() -> None:
    assert placeholder_pattern("A plain card: trained on 2T tokens of web text.") is None
    assert placeholder_pattern("Details: [More Information Needed]") is not None


def _check_ranges(lines: list[str], cuts: set[int]) -> bool:
    """`_RangeChars` counts every run between two cuts as `real_chars` of its text does;
    whether it could (`ok`)."""
    ph = placeholder_pattern("\n".join(lines))
    ranges = card_mod._RangeChars(lines, ph, cuts)
    if ranges.ok:
        points = sorted({0, len(lines)} | {c for c in cuts if 0 < c <= len(lines)})
        for a in points:
            for b in points:
                if a < b:
                    assert ranges.count(a, b) == real_chars("\n".join(lines[a:b]), ph), (lines, a, b)
    return ranges.ok


_LINE_PIECES = [*_PIECES, "<b\n", "\nx>", "{{ a\nb }}", "<!-- open", "[more\ninformation needed]", "# h", "<h2>T</h2>"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=30), st.sets(st.integers(0, 30), max_size=8))
def test_range_counts_equal_real_chars(parts: list[str], cuts: set[int]) -> None:
    _check_ranges("".join(parts).split("\n"), cuts)


def test_range_counts_refuse_a_match_across_lines() -> None:
    assert not _check_ranges(["a <b", "# heading", "c> d"], {1, 2})  # a tag across a removed line
    assert not _check_ranges(["text {{ a", "b }} more"], {1})
    assert not _check_ranges(["<!-- open comment", "prose that the comment hides"], {1})
    assert _check_ranges(["# Title", "Some prose <b>bold</b> here.", "## Sub", "[More Information Needed]"], {0, 1, 2, 3})


@pytest.mark.skipif(not CARDS.is_dir(), reason="corpus not present")
def test_corpus_range_counts_equal_real_chars() -> None:
    """On every corpus card, at its headings: what `split_sections` asks of it."""
    ok = 0
    for path in sorted(CARDS.glob("*.md"))[::4]:
        lines = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").split("\n")
        heads = {i for i, ln in enumerate(lines) if ln.startswith("#")}
        ok += _check_ranges(lines, {c for i in heads for c in (i, i + 1)})
    assert ok > 50

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

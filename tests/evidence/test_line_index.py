"""`LineIndex.may_match` picks exactly the lines a per-line prefilter test would keep.

The loops over a card's lines (the hyper-parameter list, lineage, loading code, command
lines, energy) test only the lines the index names, so its answer must equal `possible` on
each line: checked on the corpus cards with every pattern the evidence modules search, and on
random lines built from few letters (occurrences overlap, nest and repeat), the characters
`re.IGNORECASE` maps to ASCII letters, and non-ASCII letters (positions count UTF-8 bytes).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import truecard.evidence.collectors.checkpoints as checkpoints
import truecard.evidence.collectors.datasets as datasets
import truecard.evidence.collectors.links as links
import truecard.evidence.collectors.usage as usage
import truecard.evidence.patterns as patterns
from truecard.evidence.prefilter import Prefiltered, fold, prefiltered
from truecard.integrity.facts import _energy_lines, _may_state_energy
from truecard.textindex import LineIndex

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cards"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/cards")

PATTERNS: list[Prefiltered] = sorted(
    {id(v): v for m in (patterns, datasets, links, usage, checkpoints) for v in vars(m).values()
     if isinstance(v, Prefiltered)}.values(),
    key=lambda p: (p.pattern, p.flags),
)


def _want(lines: list[str], rx: Prefiltered) -> set[int]:
    return {k for k, line in enumerate(lines) if rx.possible(line)}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
def test_corpus_lines_every_pattern() -> None:
    checked = 0
    for path in sorted(CORPUS.glob("*.md"))[::10]:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        index = LineIndex(fold("\n".join(lines)))
        for rx in PATTERNS:
            got = index.may_match(rx)
            if got is None:
                assert rx.literals is None or any("\n" in x for x in rx.literals)
                continue
            assert got == _want(lines, rx), (path.name, rx.pattern)
            checked += 1
        assert _energy_lines(lines) == {k for k, line in enumerate(lines) if _may_state_energy(line)}, path.name
    assert checked > 3000


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(st.text(alphabet="abéK\u212a\u0130\u0131\u017fsik ", max_size=14), min_size=1, max_size=12),
    words=st.lists(st.text(alphabet="abéksi", min_size=1, max_size=4), min_size=1, max_size=5, unique=True),
)
def test_random_lines_alike(lines: list[str], words: list[str]) -> None:
    import re

    rx = prefiltered("|".join(map(re.escape, words)), re.IGNORECASE)
    index = LineIndex(fold("\n".join(lines)))
    got = index.may_match(rx)
    if rx.literals is None:  # "é" has other cases: no literal holds it, every line may match
        assert got is None
    else:
        assert got == _want(lines, rx)
    # and the lines the pattern matches are among those named
    assert {k for k, line in enumerate(lines) if rx.rx.search(line)} <= _want(lines, rx)


def test_a_pattern_without_literals_may_match_every_line() -> None:
    import re

    assert LineIndex("a\nb").may_match(prefiltered(r"\w+")) is None
    assert LineIndex("a\nb").may_match(re.compile("a")) is None


def test_lines_are_found_by_their_bytes_whatever_they_hold() -> None:
    """The index searches UTF-8: multi-byte characters before a line move its start in bytes,
    not in characters, and a lone surrogate (no decoded file holds one) is searched, not refused."""
    index = LineIndex("€€€ co₂\nno\n\udcff train\ntraîn ₂")
    assert index.holding(("co₂",)) == {0}
    assert index.holding(("train",)) == {2}
    assert index.holding(("₂", "zz")) == {0, 3}
    assert index.holding(("\udcff",)) == {2}


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("abé₂ \n")), max_size=30),
       st.lists(st.text(st.sampled_from(list("abé₂ ")), min_size=1, max_size=4), min_size=1, max_size=6))
def test_holds_any_is_any_in(text: str, literals: list[str]) -> None:
    from truecard.textindex import holds_any

    assert holds_any(text, tuple(literals)) == any(x in text for x in literals), (text, literals)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
def test_first_body_match_is_the_body_search() -> None:
    """On every corpus card, for the patterns searched over whole bodies: the same first match
    (its line and text) as `rx.search(card.body)`."""
    from pathlib import PurePath

    from truecard.criteria.understandable_architecture import NAME_RE
    from truecard.evidence.card import parse_card
    from truecard.evidence.collectors._common import first_body_match
    from truecard.evidence.patterns import FINETUNED_FROM_RE
    from truecard.sources.local import LocalTree

    assert NAME_RE.line_local and FINETUNED_FROM_RE.line_local  # else the lines are not what is searched
    tree = LocalTree.open(str(CORPUS))
    found = 0
    for path in sorted(CORPUS.glob("*.md")):
        card = parse_card(tree, PurePath(path).name, path.read_text(encoding="utf-8", errors="replace"), None)
        for rx in (NAME_RE, FINETUNED_FROM_RE):
            m = rx.rx.search(card.body)
            want = None if m is None else (card.body.count("\n", 0, m.start()), m.group(0))
            got = first_body_match(card, rx)
            assert (None if got is None else (got[0], got[1].group(0))) == want, (path.name, rx.pattern[:40])
            found += want is not None
    assert found > 200


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("abé₂ \n")), max_size=30),
       st.lists(st.text(st.sampled_from(list("abé₂ ")), min_size=1, max_size=4), min_size=1, max_size=6, unique=True))
def test_present_is_each_literal_in(text: str, literals: list[str]) -> None:
    from truecard.textindex import present

    assert present(text, tuple(literals)) == {i for i, x in enumerate(literals) if x in text}, (text, literals)


def test_folded_body_is_the_fold_of_the_body_lines(tmp_path: Path) -> None:
    """With or without HTML comments (which `body_lines` blanks), `folded_body` is the fold of
    the body's lines, as the line index reads them."""
    from truecard.evidence.card import parse_card
    from truecard.evidence.collectors._common import body_lines, folded_body
    from truecard.sources.local import LocalTree

    tree = LocalTree.open(str(tmp_path))
    texts = ["---\nlicense: mit\n---\n# Model\nTrained on İstanbul data.\n",
             "# Model\n<!-- template: say\nwhat it was TRAINED on -->\nReal text.\n",
             *(p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.glob("*.md"))[::20])]
    for text in texts:
        card = parse_card(tree, "README.md", text, None)
        assert folded_body(card) == fold("\n".join(body_lines(card)))


def test_raw_body_index_is_that_of_the_lines_after_the_front_matter(tmp_path: Path) -> None:
    """The checkpoints collector's fold and index of the file's lines after the front matter,
    shared with the body's where those lines are the body, answer as ones made afresh."""
    from truecard.evidence.card import parse_card
    from truecard.sources.local import LocalTree

    tree = LocalTree.open(str(tmp_path))
    lineage = "acme-v1-2 was resumed from acme-v1-1 ( loss | step )"
    texts = [f"---\nlicense: mit\n---\n# Model\n{lineage}\n",
             f"# Model\n<!-- template: {lineage}\n-->\n{lineage}\n",  # a comment: the "text" index
             "---\nlicense: mit\n---",  # closed at the end: the lines after it are not the body
             f"---\nbase_model: x\n---\t\n{lineage}\n",
             *(p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.glob("*.md"))[::20])]
    shared = 0
    for text in texts:
        card = parse_card(tree, "README.md", text, None)
        lines = card.lines[card.body_offset :]
        body, index = checkpoints.raw_body_index(card)
        assert body == fold("\n".join(lines))
        fresh = LineIndex(body)
        for rx in (checkpoints.LINEAGE_RE, checkpoints._LOSS_CELL_RE, checkpoints._STEP_CELL_RE):
            assert index.may_match(rx) == fresh.may_match(rx)
        shared += "raw_body" not in "".join(k for k in card.cache if isinstance(k, str))
    assert shared == len(texts) - 1  # all but the front matter closed at the end


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet="kKwWhHmMjJgGtTlLoOaA\u212a\u0130\u0131 é1", max_size=12), min_size=1, max_size=8))
@example(["12 \u212aWh", "none", "4 K\u0130LOWATT", "MEGAWATT", "5 Mj"])  # the Kelvin sign; every case
def test_energy_lines_are_the_lines_the_energy_prefilter_keeps(lines: list[str]) -> None:
    """The card's lines searched for the energy words in their UTF-8 with the ASCII letters
    lowered (and "kwh" after the Kelvin sign too) are the lines whose `lower()` holds one."""
    assert _energy_lines(lines) == {k for k, line in enumerate(lines) if _may_state_energy(line)}

"""`load_yaml` and `compose_yaml` parse a document once and count the budgets on its nodes;
they must give exactly what checking the event stream first (`check_yaml`) and then loading
gave: the same data, the same refusals with the same reasons, the same errors.

And `depth_bound`, which decides whether libyaml may compose a document at all (its C
recursion crashes on very deep ones), must never be below a document's real depth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from support.yamlshape import shape
from truecard import bounded
from truecard.bounded import SAFE_LOADER, YAMLBudgetError, check_yaml, compose_yaml, depth_bound, load_yaml

CARDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def _outcome(f: Any) -> Any:
    try:
        return ("ok", f())
    except YAMLBudgetError as exc:
        return ("refused", exc.problem)
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))
    except RecursionError:
        return ("recursion",)


def _reference_load(text: str, loader: Any) -> Any:
    check_yaml(text)
    return shape(yaml.load(text, Loader=loader))


def _nodeshape(node: yaml.Node | None) -> Any:
    return None if node is None else yaml.serialize(node)


def _same(text: str) -> None:
    for loader in (SAFE_LOADER, yaml.SafeLoader):
        assert _outcome(lambda: shape(load_yaml(text, loader))) == _outcome(lambda: _reference_load(text, loader)), text  # noqa: B023
    want = _outcome(lambda: (check_yaml(text), _nodeshape(yaml.compose(text, Loader=SAFE_LOADER)))[1])
    assert _outcome(lambda: _nodeshape(compose_yaml(text))) == want, text


LAUGHS = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join('*' + chr(97 + i) for _ in range(9))}]\n" for i in range(8)
)

HOSTILE = [
    LAUGHS,
    LAUGHS + "z: [1, 2",  # a bomb, then a syntax error: the refusal comes first
    "a: [1, 2\n" + LAUGHS,  # a syntax error before the bomb
    "[" * 101 + "]" * 101,
    "[" * 100 + "]" * 100,
    "[" * 99 + "]" * 99,
    "- " * 101 + "x",
    "- " * 100 + "x",
    "".join("  " * i + f"k{i}:\n" for i in range(101)) + "  " * 101 + "v",
    "".join("  " * i + f"k{i}:\n" for i in range(99)) + "  " * 99 + "v",
    "a: &r [*r]",
    "a: &r {b: *r, c: [*r, *r]}",
    "a: &x 1\nb: &x 2\nc: *x",  # a duplicate anchor
    LAUGHS.replace("&i", "&a"),  # a duplicate anchor inside a bomb
    "---\na: 1\n---\n" + LAUGHS,  # two documents, the bomb in the second
    "---\n" + LAUGHS + "---\nb: 2",
    "a: *missing",
    "a: '\ud800'",
    "? &k [1, 2]\n: *k",
    "x: &s " + "y" * 1000 + "\nl: [" + ", ".join(["*s"] * 200) + "]",
    "",
    "# only a comment",
    "just a string",
    "a: [" * 30 + "]" * 30,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_documents_alike(text: str) -> None:
    _same(text)


# documents the alias-free path builds from events itself, or must hand to the general one
EVENT_PATH = [
    "a: 1\na: 2\nb: 3\na: 4",  # a later duplicate replaces the value, in the first key's place
    "a: {x: 1, x: [2]}\nb: [{c: d, c: e}]",
    "'<<': {k: v}\n\"=\": 1",  # quoted: plain strings, no merge
    "base: {x: 1}\nd:\n  <<: {y: 2}\n  x: 3",  # a merge key: the general constructor
    "a: =",
    "- !!str 12\n- !!int '3'\n- !custom x",
    "a: !!map {b: c}\nl: !!seq [1]",
    "? [1, 2]\n: x",
    "? {a: 1}\n: x",
    "---\na: 1\n---\nb: 2",
    "---\n---\n",
    "---\n",
    "just a string",
    "'quoted'",
    "",
    "a:\nb: ~\nc: null\nd: ''",
    "1: a\n2.5: b\ntrue: c\n~: d\n2001-01-01: e\n2001-12-14t21:59:43.10-05:00: f",
    "a: yes\nb: 'yes'\nc: \"yes\"\nd: |\n  yes\ne: >\n  1.5\nf: 0x1F\ng: .nan\nh: -.inf\ni: 1_000",
    "a: [1, 2]\nb: {c: [3, {d: e}]}\n- x",  # a syntax error after a valid start
    "a: b\n...\n",
    "%YAML 1.1\n---\na: 1",
    "&anchor a: &v [1, 2]",  # anchors without aliases
    ".nan: 1\n.NaN: 2\n-.inf: 3\n-.inf: 4\n1.0: 5\n1: 6",  # keys the constructor makes equal or the same object
]


@pytest.mark.parametrize("text", EVENT_PATH)
def test_event_path_documents_alike(text: str) -> None:
    _same(text)


def test_a_bomb_is_refused() -> None:
    with pytest.raises(YAMLBudgetError, match="alias bomb"):
        load_yaml(LAUGHS)
    with pytest.raises(YAMLBudgetError, match="nested deeper"):
        load_yaml("[" * 150 + "]" * 150)


def test_a_document_past_the_bound_is_checked_before_it_is_composed() -> None:
    deep = "[" * 200_000 + "]" * 200_000  # libyaml's C recursion would crash on composing it
    assert depth_bound(deep) > bounded.COMPOSE_DEPTH_BOUND
    with pytest.raises(YAMLBudgetError, match="nested deeper"):
        load_yaml(deep)
    with pytest.raises(YAMLBudgetError, match="nested deeper"):
        load_yaml("- " * 200_000 + "x")


@pytest.mark.skipif(not CARDS.is_dir(), reason="corpus not present")
def test_corpus_front_matter_alike() -> None:
    from truecard.evidence.card import REGEX_YAML_BLOCK

    n = 0
    for path in sorted(CARDS.glob("*.md")):
        m = REGEX_YAML_BLOCK.search(path.read_text(encoding="utf-8", errors="replace"))
        if m:
            _same(m.group(2))
            n += 1
    assert n > 300


_PIECES = ["a", "b", "1", ": ", ":", "- ", "-", "\n", "  ", "    ", "[", "]", "{", "}", ", ", "&x ", "*x", "&y ",
           "*y", "? ", "'", '"', "#", "---\n", "!!str ", "\t", "|\n", "~"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_random_texts_alike(parts: list[str]) -> None:
    _same("".join(parts))


def _depth(node: yaml.Node | None, seen: frozenset[int] = frozenset()) -> int:
    if node is None or isinstance(node, yaml.ScalarNode) or id(node) in seen:
        return 0
    inner = seen | {id(node)}
    kids = [x for pair in node.value for x in pair] if isinstance(node, yaml.MappingNode) else node.value
    return 1 + max((_depth(k, inner) for k in kids), default=0)


_DATA = st.recursive(
    st.none() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_DATA, st.sampled_from([None, True, False]), st.integers(1, 6))
def test_depth_bound_is_never_below_the_depth(data: Any, flow: bool | None, indent: int) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, indent=max(2, indent))
    assert _depth(yaml.compose(text, Loader=yaml.SafeLoader)) <= depth_bound(text)


@pytest.mark.parametrize(
    "text",
    ["- - - - x", "a:\n- b:\n  - c:\n    - d", "- [[{a: [x]}]]", "a:\n  - - - b", "? - - x\n: y", "- a: - b"],
)
def test_depth_bound_on_compact_forms(text: str) -> None:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    assert _depth(node) <= depth_bound(text)


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="libyaml not present")
def test_a_plain_document_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The event-stream check runs only for documents it must judge (errors, refusals)."""
    calls: list[str] = []
    real = bounded.check_yaml

    def counting(text: str, *a: Any, **k: Any) -> int:
        calls.append(text)
        return real(text, *a, **k)

    monkeypatch.setattr(bounded, "check_yaml", counting)
    assert load_yaml("a: [1, 2]\nb: {c: d}\n") == {"a": [1, 2], "b": {"c": "d"}}
    assert calls == []
    with pytest.raises(YAMLBudgetError):
        load_yaml(LAUGHS)
    assert calls == [LAUGHS]


def _passes(text: str, budget: int) -> bool:
    try:
        check_yaml(text, budget)
    except YAMLBudgetError:
        return False
    return True


_ALIASED = ["a: &x [1, 22, 333]\nb: *x\nc: [*x, *x]\n", "a: &r [1, *r, [*r]]\nb: *r\n", "k: &s abc\nl: [*s, *s]\n",
            "? &k [1]\n: *k\nz: {y: *k}\n", "- &m {a: b}\n- *m\n- [*m, {c: *m}]\n", "a: &q {b: &p [x], c: *p}\nd: *q\n"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(_ALIASED), _DATA.map(yaml.safe_dump)), st.integers(-2, 2))
def test_node_budget_equals_the_event_budget_at_its_edge(text: str, delta: int) -> None:
    size = check_yaml(text, 10**9)
    node = yaml.compose(text, Loader=SAFE_LOADER)
    if node is None:
        return
    budget = max(1, size + delta)
    assert bounded._within_budgets(node, budget, bounded.MAX_DEPTH) == _passes(text, budget), (text, budget, size)


_ALIAS_FREE_PIECES = [p for p in _PIECES if not p.startswith("*")] + ["?", ",", "{a", "|+\n", ">-\n", '"\\x41"']


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_ALIAS_FREE_PIECES), max_size=60))
def test_an_alias_free_document_expands_to_at_most_twice_its_length(parts: list[str]) -> None:
    """The bound `load_yaml`'s alias-free path rests on: such a document never reaches the
    size budget (four times its length, at least 100,000), so it need not be counted."""
    text = "".join(parts)
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return
    if node is not None:
        assert bounded._within_budgets(node, 2 * len(text) + 3, 10**6), text
    assert check_yaml(text, 10**9) <= 2 * len(text) + 3, text


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="libyaml not present")
def test_an_alias_free_document_skips_the_size_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[int] = []
    real = bounded._within_budgets

    def counting(*a: Any, **k: Any) -> bool:
        walks.append(1)
        return real(*a, **k)

    monkeypatch.setattr(bounded, "_within_budgets", counting)
    assert load_yaml("a: [1, 2]\nb: {c: d}\n") == {"a": [1, 2], "b": {"c": "d"}}
    assert walks == []
    assert load_yaml("a: &x [1]\nb: *x\n") == {"a": [1], "b": [1]}  # an alias: counted
    assert walks == [1]
    # depth is still refused on the alias-free path, with the checked path's reason
    with pytest.raises(YAMLBudgetError, match="nested deeper"):
        load_yaml("[" * 101 + "]" * 101)
    assert load_yaml("[" * 100 + "]" * 100) is not None



def _outcome_of(f: Any) -> Any:
    try:
        value = f()
    except bounded._Fallback:
        return ("fallback",)
    except Exception as exc:
        return ("error", type(exc).__name__)
    return (type(value).__name__, repr(value))


def _reference_plain(text: str) -> Any:
    """What PyYAML's pure-Python safe loader makes of the plain scalar `text`: its resolver's
    tag, then that tag's constructor; a tag the fast path leaves alone is "fallback"."""
    ldr = yaml.SafeLoader("")
    tag = ldr.resolve(yaml.ScalarNode, text, (True, False))
    if tag != "tag:yaml.org,2002:str" and tag not in bounded._PLAIN_SCALARS:
        raise bounded._Fallback
    return ldr.construct_object(yaml.ScalarNode(tag, text))


@settings(max_examples=1500, deadline=None)
@example("٣.٣")  # a decimal in Arabic-Indic digits: `float` reads it, YAML's resolver does not
@example("1._5")
@example("85.123")
@given(st.text(st.sampled_from(list("0123456789._-+eE:xob٣~")), min_size=1, max_size=12)
       | st.from_regex(r"[-+]?[0-9_]{0,3}\.?[0-9_]{0,3}(?:[eE][-+]?[0-9]{1,2})?", fullmatch=True).filter(bool))
def test_a_plain_scalar_is_what_the_safe_constructor_makes(text: str) -> None:
    """`_plain_value` (with its shortcut for decimals) against the pure-Python loader, on
    texts of the characters numbers are written with (an Arabic-Indic digit among them)."""
    ldr = SAFE_LOADER("")
    try:
        got = _outcome_of(lambda: bounded._plain_value(ldr, text, (True, False)))
    finally:
        ldr.dispose()
    assert got == _outcome_of(lambda: _reference_plain(text)), text

"""The fast safe loader (`truecard.bounded.FastSafeLoader`) gives what libyaml's safe loader
gives: the same data, of the same types, with aliases shared alike, and the same errors."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from support.yamlshape import shape
from truecard.bounded import FastSafeLoader, YAMLBudgetError, check_yaml, expanded_budget

BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CARDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cards"
if not CARDS.is_dir():
    CARDS = Path("/work/shared/corpus/cards")


def _load(text: str, loader: Any) -> Any:
    try:
        return ("ok", shape(yaml.load(text, Loader=loader)))
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))


def _same(text: str) -> None:
    assert _load(text, FastSafeLoader) == _load(text, BASE), text


TRICKY = [
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2001-12-14t21:59:43.10-05:00\nf: 2002-12-14\ng: 0x1F\nh: 1_000\ni: .nan\nj: -.inf",
    "a: &x [1, 2]\nb: *x\nc: {<<: {k: v, z: 1}, z: 2}",
    "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2",
    "a: !!set {x, y}\nb: !!binary aGVsbG8=\nc: !!omap [x: 1, y: 2]\nd: !!pairs [x: 1]\ne: !!str 12",
    "a: 1\na: 2\nb: [x]\n",
    "=: 1",
    "a: =",
    "? [1, 2]\n: x",
    "? {a: 1}\n: x",
    "1: a\n2.5: b\ntrue: c\n~: d\n2001-01-01: e",
    "a: &r [*r]",
    "a: &r {b: *r}",
    "- !foo bar",
    "a: !!python/object:os.system x",
    "a: [1, 2",
    "a: b: c",
    "",
    "---\na: 1\n---\nb: 2",
    "just a string",
    "- 1\n- 'two'\n- \"three\"\n- |\n  block\n- >\n  folded",
    "a: ! 12",
    "'1': x\n\"2\": y\n3: z",
    "yes: no\non: off\nY: N",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents_load_alike(text: str) -> None:
    _same(text)


def test_aliases_are_one_object() -> None:
    data = yaml.load("a: &x [1]\nb: *x\nc: &y {k: v}\nd: *y", Loader=FastSafeLoader)
    assert data["a"] is data["b"] and data["c"] is data["d"]


def test_recursive_documents_load_alike() -> None:
    data = yaml.load("a: &r [*r]", Loader=FastSafeLoader)
    assert data["a"][0] is data["a"]


def test_corpus_front_matter_loads_alike() -> None:
    from truecard.evidence.card import REGEX_YAML_BLOCK

    cards = sorted(CARDS.glob("*.md"))
    if not cards:
        pytest.skip("corpus not present")
    for c in cards:
        m = REGEX_YAML_BLOCK.search(c.read_text(encoding="utf-8", errors="replace"))
        if m:
            _same(m.group(2))


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
    st.dates(), st.datetimes(timezones=st.none() | st.just(datetime.UTC)),
    st.sampled_from(["yes", "No", "0o17", "0x1f", "1_0", "1e3", ".inf", "~", "null", "2001-12-14", "=", "<<"]),
)
keys = st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.none(), st.dates(),
                 st.sampled_from(["<<", "=", "1.0", "true"]))
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(data=documents, flow=st.sampled_from([None, True, False]))
def test_random_documents_load_alike(data: Any, flow: bool | None) -> None:
    _same(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("ab:-[]{},&*!<=? \n'\"#|>1.~")), max_size=40))
def test_random_text_loads_alike(text: str) -> None:
    _same(text)


# check_yaml as it was before its event loop dispatched on the event's type (the reference)
def _reference_check_yaml(text: str, budget: int | None = None, max_depth: int = 100) -> int:
    """The expanded size of every document in `text`; `YAMLBudgetError` past a budget.

    Syntax errors are left to the real load, which reports them with their line.
    """
    budget = expanded_budget(text) if budget is None else budget
    try:
        loader = BASE(text)
    except UnicodeEncodeError:  # lone surrogates: never from decoded bytes, but refused cleanly
        raise YAMLBudgetError("text holds characters that are not valid Unicode") from None
    sizes: dict[str, int] = {}  # anchor -> expanded size of the node it names
    stack: list[list[Any]] = []  # [size so far, anchor] per open collection
    total = 0
    try:
        while True:
            try:
                ev = loader.get_event()
            except yaml.YAMLError:
                return total
            if ev is None or isinstance(ev, yaml.StreamEndEvent):
                return total
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([1, ev.anchor])
                if len(stack) > max_depth:
                    raise YAMLBudgetError(f"nested deeper than {max_depth} levels; refused")
                continue
            if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                size, anchor = stack.pop()
            elif isinstance(ev, yaml.ScalarEvent):
                size, anchor = 1 + len(ev.value), ev.anchor
            elif isinstance(ev, yaml.AliasEvent):
                size, anchor = (sizes.get(ev.anchor, 1) if ev.anchor is not None else 1), None
            else:  # stream/document start and end
                continue
            if anchor is not None:
                sizes[anchor] = size
            if stack:
                stack[-1][0] += size
                grown = stack[-1][0]
            else:
                total += size
                grown = total
            if grown > budget:
                raise YAMLBudgetError(
                    f"aliases expand to more than {budget:,} characters (a YAML alias bomb?); refused"
                )
    finally:
        loader.dispose()



def _checked(f: Any, text: str, budget: int | None) -> Any:
    try:
        return ("ok", f(text, budget, 3))
    except YAMLBudgetError as exc:
        return ("refused", str(exc))


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list("ab:-[]{},&*!? \n'\"#|>1")), max_size=60), st.sampled_from([None, 5, 40]))
def test_check_yaml_equals_its_reference(text: str, budget: int | None) -> None:
    assert _checked(check_yaml, text, budget) == _checked(_reference_check_yaml, text, budget)


def test_check_yaml_reference_refuses_a_bomb() -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c, *c]"
    assert _checked(check_yaml, bomb, 20)[0] == "refused"
    assert _checked(check_yaml, bomb, 20) == _checked(_reference_check_yaml, bomb, 20)

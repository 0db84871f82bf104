"""The literal prefilters are exact: a prefiltered search finds what the plain search finds.

Checked three ways: the two character facts the folding rests on, over every code point;
every pattern truecard compiles, on random text holding its own literals, case variants and
the non-ASCII characters that match ASCII letters; and random regular expressions built
from literals, classes, repeats, alternations and lookarounds, on random text.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import truecard
from truecard.evidence.prefilter import (
    FOLD_TO_ASCII,
    Prefiltered,
    fold,
    folded,
    is_safe_char,
    line_local,
    prefiltered,
    required_clauses,
    required_literals,
    required_starts,
)

TRICKY_CHARS = "kKsSiI\u212a\u017f\u0130\u0131é€₂ \n.-_:/"
ALL = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
NON_ASCII = ALL[128:]


def test_fold_table_is_every_non_ascii_match_of_an_ascii_character() -> None:
    found = {}
    for code in range(128):
        for ch in re.compile(re.escape(chr(code)), re.IGNORECASE).findall(NON_ASCII):
            found[ord(ch)] = chr(code).lower()
    assert found == FOLD_TO_ASCII


def test_safe_non_ascii_characters_match_only_themselves() -> None:
    safe = [c for c in NON_ASCII if is_safe_char(c)]
    assert "€" in safe and "₂" in safe and "é" not in safe and "\u212a" not in safe
    cls = re.compile("[" + "".join(re.escape(c) for c in safe) + "]", re.IGNORECASE)
    assert set(cls.findall(ALL)) == set(safe)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from([*TRICKY_CHARS, "\u03a3", "\u0307", "\u1e9e"])) | st.text())
def test_fold_is_translate_then_lower(text: str) -> None:
    assert fold(text) == text.translate(FOLD_TO_ASCII).lower()
    assert folded(text) == fold(text) and folded(text) == fold(text)


def _project_patterns() -> list[re.Pattern[str]]:
    out: dict[tuple[str, int], re.Pattern[str]] = {}
    for name in ("evidence", "criteria", "licenses"):
        pkg = importlib.import_module(f"truecard.{name}")
        mods = [pkg] + [
            importlib.import_module(m.name)
            for m in pkgutil.walk_packages(pkg.__path__, f"truecard.{name}.")
        ]
        for mod in mods:
            for v in vars(mod).values():
                rx = v.rx if isinstance(v, Prefiltered) else v
                if isinstance(rx, re.Pattern) and isinstance(rx.pattern, str):
                    out[(rx.pattern, rx.flags)] = rx
    return list(out.values())


PATTERNS = _project_patterns()
TRICKY = TRICKY_CHARS


def _variants(lit: str) -> st.SearchStrategy[str]:
    """The literal as it may appear: any case, and ASCII letters as their non-ASCII matches."""
    back = {v: [chr(k) for k, t in FOLD_TO_ASCII.items() if t == v] for v in "iks"}

    def one(ch: str) -> st.SearchStrategy[str]:
        return st.sampled_from([ch, ch.upper(), ch.lower(), *back.get(ch.lower(), [])])

    return st.tuples(*[one(c) for c in lit]).map("".join)


@st.composite
def _text_for(draw: st.DrawFn, rx: re.Pattern[str]) -> str:
    lits = sorted({*(required_literals(rx) or ()), *(x for c in required_clauses(rx) for x in c)})
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 2))
        if kind == 0 and lits:
            parts.append(draw(_variants(draw(st.sampled_from(lits)))))
        elif kind == 1:
            parts.append(draw(st.text(st.sampled_from(TRICKY), max_size=4)))
        else:
            parts.append(draw(st.text(max_size=12)))
    return "".join(parts)


def _same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.span() == b.span())


def _same_groups(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    """The same match: where it lies, and what each group took."""
    return _same(a, b) and (a is None or b is None or [a.span(g) for g in range(a.re.groups + 1)] == [b.span(g) for g in range(b.re.groups + 1)])


def _anchored(rx: re.Pattern[str]) -> Prefiltered:
    """The pattern as a batch runs it, with every automaton built however few its literals
    and start strings (a batch builds them from AUTOMATON_MIN and ANCHOR_MIN on)."""
    primed = Prefiltered(rx)
    primed.prime(least=1, starts=1)
    return primed


@pytest.mark.parametrize("rx", PATTERNS, ids=lambda rx: rx.pattern[:40])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_project_patterns_prefiltered_equal_plain(rx: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(_text_for(rx))
    pre = Prefiltered(rx)
    assert _same(pre.search(text), rx.search(text))
    assert pre.findall(text) == rx.findall(text)
    assert pre.sub("#", text) == rx.sub("#", text)
    primed = Prefiltered(rx)  # as a batch runs it: its literals tested by one automaton
    primed.prime(least=1)
    assert primed.possible(text) == pre.possible(text) and primed.may_match(text) == pre.may_match(text)
    assert _same(primed.search(text), rx.search(text))
    ascii_text = text.encode("ascii", "ignore").decode()  # the texts a pattern is anchored on
    anchored = _anchored(rx)
    for t in (text, ascii_text):
        assert _same_groups(anchored.search(t), rx.search(t))
        assert [m.span() for m in anchored.finditer(t)] == [m.span() for m in rx.finditer(t)]
        assert anchored.findall(t) == rx.findall(t)


def test_project_patterns_have_literals_where_expected() -> None:
    """Not exactness but usefulness: most patterns get a prefilter."""
    assert sum(required_literals(rx) is not None for rx in PATTERNS) >= len(PATTERNS) // 2


ALPHABET = ["a", "b", "k", "K", "s", "i", "\u212a", "\u017f", "\u0130", "\u0131", "€", "é", "É", " ", "-"]


CLASSES = [".", r"\w", r"\s", r"\b", "^", "$", "[ak]", "[^a]", "[a-k]", "[sK€]", r"\d"]


def _regex(
    alphabet: list[str] = ALPHABET, classes: list[str] = CLASSES, choices: int = 3, more: tuple[str, ...] = (),
    leaves: int = 8,
) -> st.SearchStrategy[str]:
    """Random regular expressions of literals from `alphabet` and `classes` (as written),
    joined, alternated (up to `choices`), repeated, grouped and put in lookaheads and atomic
    groups, and in the group openers of `more` ("(?<=", "(?-i:" ...)."""
    atom = st.one_of(st.sampled_from(alphabet).map(re.escape), st.sampled_from(classes))
    wraps = ["(", "(?=", "(?!", "(?>", *more]

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.lists(inner, min_size=2, max_size=4).map("".join),
            st.lists(inner, min_size=2, max_size=choices).map(lambda xs: "(?:" + "|".join(xs) + ")"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{0,2}", "{1,3}", "??", "+?"])).map(
                lambda t: "(?:" + t[0] + ")" + t[1]
            ),
            *(inner.map(lambda x, w=w: w + x + ")") for w in wraps),
        )

    return st.recursive(atom, extend, max_leaves=leaves)


@settings(max_examples=1500, deadline=None)
@given(
    pattern=_regex(),
    flags=st.sampled_from([0, re.IGNORECASE, re.IGNORECASE | re.MULTILINE]),
    text=st.text(st.sampled_from([*ALPHABET, "A", "B", "S", "I", "e", "x"]), max_size=12),
)
def test_random_regexes_prefiltered_equal_plain(pattern: str, flags: int, text: str) -> None:
    try:
        rx = re.compile(pattern, flags)
    except re.error:
        return
    lits = required_literals(rx)
    m = rx.search(text)
    if m is not None and lits is not None:
        assert any(lit in fold(text) for lit in lits), (pattern, text, lits)
    if m is not None:  # and one literal of every other clause
        for clause in required_clauses(rx):
            assert any(lit in fold(text) for lit in clause), (pattern, text, clause)
    pre = prefiltered(rx)
    assert _same(pre.search(text), m)
    assert _same_groups(_anchored(rx).search(text), m)
    primed = prefiltered(rx)
    primed.prime(least=1)
    assert primed.possible(text) == pre.possible(text) and primed.may_match(text) == pre.may_match(text)
    assert _same(primed.search(text), m)
    assert _same(pre.match(text), rx.match(text)) and _same(pre.fullmatch(text), rx.fullmatch(text))
    assert pre.findall(text) == rx.findall(text) and pre.split(text) == rx.split(text)


ASCII_ALPHABET = ["a", "b", "k", "K", "s", "S", "i", "I", "e", "x", "1", "9", " ", "-", "."]


@settings(max_examples=2000, deadline=None)
@given(
    pattern=_regex(ASCII_ALPHABET,
                   [".", r"\w", r"\s", r"\b", r"\B", "^", "$", "[ak]", "[^a]", "[a-k]", "[sK1]", r"\d", "[0-9]"],
                   choices=6, more=("(?<=", "(?<!", "(?-i:"), leaves=10),
    flags=st.sampled_from([0, re.IGNORECASE, re.IGNORECASE | re.MULTILINE]),
    text=st.text(st.sampled_from([*ASCII_ALPHABET, "A", "B", "E", "X", "\n"]), max_size=16),
)
@example(pattern=r"\b(?:ab)*c", flags=0, text="c")  # a repeat that may be absent starts nothing
@example(pattern=r"(?<!x)(?:ab|k)?(?:ab|s)", flags=re.IGNORECASE, text="xS ks")
@example(pattern=r"\b(?:aa|ab|ak|as|ai|ae|ax|ba|bb|bk|bs|bi)(?:aa|ab|ak|as|ai|ae|ax|ba|bb|bk|bs|bi)(?:a|b)x", flags=0,
         text="aa akbsax")  # 144 strings: cut
def test_every_match_begins_with_a_start_string(pattern: str, flags: int, text: str) -> None:
    """On ASCII texts (the only ones a pattern is anchored on): every match, and every match
    found from a later position, begins with a start string; and the anchored search finds
    the very match the plain one finds, groups and all."""
    try:
        rx = re.compile(pattern, flags)
    except re.error:  # a lookbehind of no fixed width, say
        return
    starts = required_starts(rx)
    if starts is not None:
        low = text.lower()
        for p in range(len(text) + 1):
            m = rx.search(text, p)
            if m is not None:
                assert low.startswith(starts, m.start()), (pattern, text, starts, m)
    anchored = _anchored(rx)
    assert _same_groups(anchored.search(text), rx.search(text))
    assert [m.span() for m in anchored.finditer(text)] == [m.span() for m in rx.finditer(text)]
    assert anchored.findall(text) == rx.findall(text)


def _starts(pattern: str, flags: int = 0) -> set[str] | None:
    got = required_starts(re.compile(pattern, flags))
    return None if got is None else set(got)


def test_start_strings_of_a_pattern() -> None:
    assert _starts(r"\b(?:pre-?)?trained on\b", re.I) == {"trained on", "pre-trained on", "pretrained on"}
    assert _starts(r"(?:\b|(?<=\dx))(?:A100|T4)s?\b") == {"t4", "a100"}  # assertions consume nothing
    assert _starts(r"(?<!\.)\d+ ?tokens|web ?text", re.I) == {*"0123456789", "webtext", "web text"}
    assert _starts(r"\bfine-?tun\w*\s+guide|\bhow to", re.I) == {"how to", "finetun", "fine-tun"}
    assert _starts(r"\b[A-Z]\w*Model") is None  # a class of 26 letters: no few starts
    assert _starts(r"\b(?:ab)?") is None  # may match ""
    assert _starts(r"\b(?:Model|Tokenizer)") == {"model", "tokenizer"}
    # `re` scans for these itself (a literal prefix, a first-character set): not anchored
    assert _starts(r"from_pretrained\(") is None
    assert _starts(r"[.!?]\s+[A-Z]") is None
    assert _starts(r"\b(?:ab)*c") is None and _starts(r"\b(?:ab)+c") == {"ab"}
    assert _starts(r"\b(?:ab)?c") == {"c", "abc"}
    # 12 x 12 strings are too many: cut to shorter prefixes, and nothing joined after a cut
    twelve = ["aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh", "jj", "kk", "ll", "mm"]
    pairs = "(?:" + "|".join(twelve) + ")"
    many = re.compile(rf"\b{pairs}{pairs}(?:h|i)x")
    assert _starts(many.pattern) == set(twelve)
    text = "zz aaggihx ggaahx"
    assert _same_groups(_anchored(many).search(text), many.search(text)) and many.search(text) is not None


def test_an_anchored_search_is_tried_where_a_start_string_stands() -> None:
    """A batch's pattern of many start strings is tried at their positions only, and a
    non-ASCII text is searched whole."""
    rx = re.compile(r"\b(?:alpha|beta|gamma|delta|epsilon|zeta|eta|theta)\s+(\w+)", re.I)
    primed = prefiltered(rx)
    primed.prime()
    assert primed._at is not None  # eight start strings: anchored in a batch
    long = "beta " * 5000  # over ANCHORED_MAX: searched as it is
    for text in ("the Beta  release", "no such word", "xbeta gamma ray", "θ: Theta ray", "ETA\tzeta one", "alpha", long):
        assert _same_groups(primed.search(text), rx.search(text)), text
        assert primed.findall(text) == rx.findall(text)
    few = prefiltered(r"\b(?:alpha|beta)\s+\w+", re.I)
    few.prime()
    assert few._at is None  # two: searched as it is


def test_a_primed_pattern_tests_a_long_clause_by_its_automaton() -> None:
    """A batch's pattern gets an automaton for each clause of AUTOMATON_MIN literals or
    more (the others keep their `in` tests), and answers as the unprimed pattern does."""
    from truecard.evidence.prefilter import AUTOMATON_MIN

    names = ["vllm", "llama.cpp", "ollama", "onnxruntime", "tensorrt", "mlx"]
    rx = re.compile(r"\b(?:run|serve)s? (?:it )?(?:with|on) (" + "|".join(map(re.escape, names)) + r")\b(?: or (?:tgi|sglang))?", re.I)
    plain, primed = prefiltered(rx), prefiltered(rx)
    primed.prime()
    assert primed._more_any is not None and plain._more_any is None
    sizes = {len(c): find is not None for c, find in primed._more_any}
    assert sizes == {n: n >= AUTOMATON_MIN for n in sizes} and any(sizes.values())
    for text in ("It runs with vLLM today.", "serve on Ollama", "run with nothing", "runs on MLX or TGI",
                 "it RUNS WITH ONNXRUNTIME", "run on llama.cpp\ud800", "with vllm but no verb"):
        assert primed.may_match(text) == plain.may_match(text), text
        assert _same_groups(primed.search(text), rx.search(text)), text


def test_a_primed_pattern_takes_lone_surrogates() -> None:
    """A string parsed from JSON may hold a lone surrogate, which UTF-8 cannot encode: the
    primed test reads it as the plain one does."""
    rx = re.compile(r"\b(?:alpha|beta|gamma|delta) \ud800?x", re.I)
    primed = prefiltered(rx)
    primed.prime(least=1)
    for text in ("beta \ud800x", "\ud800 gamma x", "\ud800 nothing here"):
        assert _same(primed.search(text), rx.search(text)) and primed.possible(text) == ("nothing" not in text)


def test_literals_of_a_pattern() -> None:
    assert required_literals(re.compile(r"\b(?:pre-?)?trained on\b", re.I)) == ("trained on",)
    assert required_literals(re.compile(r"\bfine-?tun", re.I)) == ("fine-tun", "finetun")
    assert required_literals(re.compile(r"\d+|x")) is None  # the first branch has no literal
    assert required_literals(re.compile(r"(?:abc)?")) is None  # may match ""
    rx = prefiltered(r"kelvin", re.IGNORECASE)
    assert rx.search("\u212aelvin") is not None  # the Kelvin sign matches "k"
    assert rx.search("celvin") is None


def test_clauses_of_a_pattern() -> None:
    """A pattern needing two words at once gets the second as a clause, and a sentence
    holding only the first is ruled out before the search runs."""
    data_licence = re.compile(r"\b(?:data|corpus)\W+(?:\w+\W+){0,3}licen[cs]e|\blicen[cs]ed\W+(?:data|corpus)", re.I)
    assert required_literals(data_licence) == ("licence", "license")  # the longer words first
    assert required_clauses(data_licence) == (("corpus", "data"),)
    assert required_clauses(re.compile(r"\bpython\s*\d+\.\d+")) == ((".",),)  # a version's dot too
    assert required_clauses(re.compile(r"abc|\d+")) == ()  # no literal at all
    # an alternation of more choices than are combined keeps a set every alternative has
    hub_id = r"[a-z]+/[a-z]+"
    forms = [rf"(?:alpha|beta)-{n}\s+(?:on|off)\s+{hub_id}" for n in ("ab", "cd", "ef", "gh")]
    assert ("/",) in required_clauses(re.compile("|".join(forms)))
    rx = prefiltered(data_licence)
    calls = []

    class Spy:
        def search(self, text: str, *a: object) -> object:
            calls.append(text)
            return data_licence.search(text, *a)

    assert rx.clauses == (("corpus", "data"),)  # worked out before the pattern is swapped
    rx.rx = Spy()  # type: ignore[assignment]
    assert rx.search("The licence is MIT.") is None and calls == []
    assert rx.search("The data's license is CC-BY.") is not None and len(calls) == 1
    assert rx.search("LICENSED CORPUS") is not None


def test_prefiltered_keeps_the_pattern_interface() -> None:
    rx = prefiltered(r"(a)(b)?", re.I)
    assert rx.pattern == "(a)(b)?" and rx.groups == 2
    assert rx.subn("x", "zz") == ("zz", 0) and rx.subn("x", "AB") == ("x", 1)
    assert list(rx.finditer("zz")) == [] and [m.group(0) for m in rx.finditer("ab a")] == ["ab", "a"]
    assert truecard is not None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["1", "2,5", ".", " ", "-", "k", "K", "\u212a", "W", "h", "H", "M", "J", "G", "T",
                                 "kilowatt", "KILOWATT", "megawatt", "hour", "s", "x", "\n", "i", "\u0130", "\u0131",
                                 "\u017f", "wh", "kıl", "K\u0130LOWATT"]), max_size=14))
def test_energy_prefilter_never_skips_a_match(parts: list[str]) -> None:
    from truecard.integrity.facts import ENERGY_RE, _may_state_energy

    text = "".join(parts)
    if ENERGY_RE.search(text):
        assert _may_state_energy(text)


@pytest.mark.parametrize(
    "text",
    ["12 kWh", "3.5MWh", "1 GWh", "2 TWh", "5 MJ", "7 GJ", "9 TJ", "4 kilowatt hours", "4 k\u0131lowatt-hours",
     "8 megawatt hour", "1 \u212aWh", "6 KILOWATT-HOURS"],
)
def test_energy_prefilter_keeps_each_unit(text: str) -> None:
    from truecard.integrity.facts import ENERGY_RE, _may_state_energy

    assert ENERGY_RE.search(text) and _may_state_energy(text)


def test_energy_prefilter_skips_everyday_words() -> None:
    from truecard.integrity.facts import _may_state_energy

    assert not _may_state_energy("What, which and when: the model was trained for 3 days on 8 GPUs.")


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from([*TRICKY_CHARS, "=", "<", ">", "*", "`", "!", "?", "\u2160", "\u2170", "\u0307"])))
def test_letterless_literals_are_tested_on_the_text_itself(text: str) -> None:
    """A pattern whose literals hold no ASCII letter skips folding (`_plain`), with the same results."""
    from truecard.evidence import prefilter

    for pattern in (r"\w+\s*=\s*\d", r"<[^<>]+>", r"\*\*?|`", r"(?<=[.!?])\s+(?=[A-Z(\[])", r"-->|\?\?"):
        rx = re.compile(pattern, re.IGNORECASE)
        pf = prefiltered(rx)
        assert pf.literals is not None and pf._plain
        prefilter._folded.pop(text, None)
        assert _same(pf.search(text), rx.search(text))
        assert pf.sub("", text) == rx.sub("", text) and pf.split(text) == rx.split(text)
        assert text not in prefilter._folded or len(text) == 0
    lettered = prefiltered(re.compile("abc=", re.I))
    assert lettered.literals == ("abc=",) and not lettered._plain


@settings(max_examples=600, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            st.sampled_from(["hour", "HRS", "Day", "token", "$", "€", "co₂", "CO2", "kWh", "1999", "2024", "19", "20"]).flatmap(_variants),
            st.text(st.sampled_from([*TRICKY_CHARS, "1", "9", "2", "0", "٣", "o", "c"]), max_size=5),
        ),
        max_size=6,
    )
)
def test_cost_hint_is_its_pattern(parts: list[str]) -> None:
    """`_cost_hint` (words tested on the lower-cased ASCII sentence, the regex otherwise) says
    what `_COST_HINT.search` says, on texts full of its words in any case, digits (ASCII and
    Arabic-Indic, which `\\d` also matches) and the characters `re.IGNORECASE` maps to letters."""
    from truecard.evidence.patterns import _COST_HINT, _cost_hint

    text = "".join(parts)
    assert _cost_hint(text) == bool(_COST_HINT.rx.search(text)), text


def test_a_remembered_long_fold_is_served_and_bounded() -> None:
    """A card's body folded by its parser is served to the whole-body searches; only the last
    few are kept, and a long text not remembered is folded afresh."""
    from truecard.evidence import prefilter

    bodies = [("Trained on DATA " * 200) + str(i) for i in range(prefilter._LONG_KEPT + 2)]
    for b in bodies:
        prefilter.remember_fold(b, fold(b))
    assert len(prefilter._folded_long) <= prefilter._LONG_KEPT
    last = bodies[-1]
    assert folded(last) is prefilter._folded_long[last]  # served, not folded again
    other = "Kelvin \u212a " * 300
    assert folded(other) == fold(other) and other not in prefilter._folded_long


@settings(max_examples=400, deadline=None)
@given(st.sets(st.text(st.sampled_from("abk"), min_size=1, max_size=5), max_size=12))
def test_minimal_drops_exactly_the_strings_holding_another(strings: set[str]) -> None:
    from truecard.evidence.prefilter import _minimal

    assert _minimal(strings) == {x for x in strings if not any(y != x and y in x for y in strings)}


def _first_line_match(rx: re.Pattern[str], text: str) -> tuple[int, str, tuple[Any, ...]] | None:
    for k, line in enumerate(text.split("\n")):
        m = rx.search(line)
        if m is not None:
            return k, m.group(0), m.groups()
    return None


@settings(max_examples=2500, deadline=None)
@given(
    pattern=_regex(),
    flags=st.sampled_from([0, re.IGNORECASE, re.IGNORECASE | re.MULTILINE, re.DOTALL]),
    text=st.text(st.sampled_from([*ALPHABET, "A", "B", "\n", "\n", "\r", ".", "_"]), max_size=14),
)
def test_a_line_local_pattern_finds_its_first_match_in_the_first_line_holding_one(pattern: str, flags: int,
                                                                                    text: str) -> None:
    """`line_local`: where it holds, searching the text and searching its lines one by one
    find the same first match (its line, text and groups)."""
    try:
        rx = re.compile(pattern, flags)
    except re.error:
        return
    if not line_local(rx):
        return
    m = rx.search(text)
    whole = None if m is None else (text.count("\n", 0, m.start()), m.group(0), m.groups())
    assert whole == _first_line_match(rx, text), (pattern, flags, text)


def test_line_local_on_known_forms() -> None:
    local = [r"\bab\b", r"a.b", r"[\w-]+x", r"a[\S]b", r"(?i:a)b", r"(?:ab|c\d)+", r"a[^\n]b", r"(?>ab)c"]
    not_local = [r"a\sb", r"a[^x]b", r"(?s)a.b", r"^ab", r"a$", r"(?=a)b", r"\Bab", r"a\Wb", r"a\nb",
                 r"(a)\1", r"a[\s]b", r"a\Db", r"[^a-z]", r"(?s:a.)"]
    assert all(line_local(re.compile(p)) for p in local)
    assert not any(line_local(re.compile(p)) for p in not_local)
    assert not line_local(re.compile(r"a.b", re.DOTALL))

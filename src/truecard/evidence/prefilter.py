"""Exact literal prefilters for regular expressions: skip a search that cannot match.

Most of a scan's time went into regex searches over every sentence of a card, and most of
those searches find nothing. For a pattern, `required_literals` reads its parse tree and
finds a set of literal strings one of which every match must contain (for `\\b(?:pre-?)?
trained on` that is {"trained on"}). A text holding none of them cannot match, so the search
is skipped for the price of a few `in` tests, which run at C speed.

Exactness rests on two things, both checked by tests over all of Unicode:

- the text is folded before the `in` tests (`fold`): lower-cased, with the four non-ASCII
  characters that `re.IGNORECASE` matches to ASCII letters (the Kelvin sign, long s, dotted
  and dotless i) folded to those letters first; the literals are lower-cased. So whatever
  a case-insensitive (or case-sensitive) literal matches, its folded form is in the folded
  text;
- only ASCII literal characters, and non-ASCII ones that no other character matches under
  `re.IGNORECASE` (symbols such as "€" or "₂"), go into a literal; anything else (classes,
  optional parts, negative lookarounds, back-references) only ends one.

The prefilter never says "no match" for a text the pattern matches; it may say "maybe" for
one it does not, and then the pattern itself decides.

A pattern may require more than one literal at once: `\\b{licence}\\W+(?:\\w+\\W+){0,3}{data}\\b`
needs a licence word *and* a data word. The first set (`literals`) is what the sentence and
line indexes select on; the others (`clauses`: each a set one of which every match holds too)
are tested only after it passed, before the search runs, and so rule out the many sentences
holding a data word but no licence word at the price of a few more `in` tests.

A pattern may also have start strings (`required_starts`): folded literals one of which
every match *begins* with (`\\b(?:notebook|blog|guide|...)` begins with one of its words).
Python's `re` has no fast scan for a pattern that opens with `\\b`, a lookaround, or an
alternation of case-insensitive words: it tries the whole alternation at every position of
the text. A primed pattern with many start strings is instead tried only where one of them
stands (`Prefiltered.search`), which a search of its text for them finds in one pass.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from itertools import product
from typing import Any

# the standard library's regex parser (private, untyped, and stable since Python 3.11)
_c: Any = importlib.import_module("re._constants")
_sre_parse: Any = importlib.import_module("re._parser")

# Non-ASCII characters that `re.IGNORECASE` matches to an ASCII letter (found by testing
# every code point; tests/evidence/test_prefilter.py repeats the search).
FOLD_TO_ASCII = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
_SAFE_CATEGORIES = frozenset({"Sc", "Sm", "Sk", "So", "No", "Pd", "Pi", "Pf", "Po", "Ps", "Pe", "Zs"})
_MAX_STRINGS = 32  # exact-string sets larger than this are not expanded further


def fold(text: str) -> str:
    """`text` as the literals are compared with it: see the module's docstring.

    The same as `text.translate(FOLD_TO_ASCII).lower()`, faster: U+0130 is the one character
    whose lower case is two characters ("i" and a combining dot), so it is replaced before
    `lower()`; the Kelvin sign lower-cases to "k" by itself; dotless i and long s keep their
    own lower case, so they are replaced after it.
    """
    if text.isascii():
        return text.lower()
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    low = text.lower()
    if "\u0131" in low:
        low = low.replace("\u0131", "i")
    if "\u017f" in low:
        low = low.replace("\u017f", "s")
    return low


def is_safe_char(ch: str) -> bool:
    """A character a literal may hold: one whose case-insensitive match is itself alone
    (ASCII, whose other case `fold` handles, or an uncased non-ASCII symbol)."""
    if ch.isascii():
        return True
    return (
        unicodedata.category(ch) in _SAFE_CATEGORIES
        and ch.lower() == ch
        and ch.upper() == ch
        and ch.casefold() == ch
    )


def _char(code: int) -> str | None:
    ch = chr(code)
    return ch.lower() if is_safe_char(ch) else None


# `_exact` of each subpattern of the pattern being read (by identity; cleared per pattern):
# `_required` and `_clauses` walk the same parse, and nested alternations ask again
_EXACT: dict[int, tuple[Any, set[str] | None]] = {}


# the repeat operators (`*`, `+`, `{m,n}`, lazy or possessive): a repeat at least once holds
# what one of its items holds
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None))


def _union(alternatives: Any, of: Callable[[Any], set[str] | None]) -> set[str] | None:
    """The union of `of(alternative)` over an alternation's alternatives (a new set), or None
    when one of them has none: each walk of the parse (exact strings, required literals,
    start strings) reads an alternation this way."""
    out: set[str] = set()
    for alt in alternatives:
        got = of(alt)
        if got is None:
            return None
        out |= got
    return out


def _exact(items: Any) -> set[str] | None:
    """The strings a subpattern can match, when they are few and all literal; else None.
    Zero-width assertions match "" (they consume nothing, so neighbours stay adjacent).
    The set returned is shared: callers make new sets from it, never change it."""
    got = _EXACT.get(id(items))
    if got is not None and got[0] is items:
        return got[1]
    out = _exact_walk(items)
    _EXACT[id(items)] = (items, out)  # the subpattern kept alive with it, so its id stays its own
    return out


def _exact_walk(items: Any) -> set[str] | None:
    out = {""}
    for op, av in items:
        alts = _exact_item(op, av)
        if alts is None:
            return None
        out = {a + b for a, b in product(out, alts)}
        if len(out) > _MAX_STRINGS:
            return None
    return out


def _exact_item(op: Any, av: Any) -> set[str] | None:
    if op is _c.LITERAL:
        ch = _char(av)
        return None if ch is None else {ch}
    if op is _c.IN:
        chars = set()
        for iop, iav in av:
            if iop is not _c.LITERAL:
                return None
            ch = _char(iav)
            if ch is None:
                return None
            chars.add(ch)
        return chars if 0 < len(chars) <= 4 else None
    if op is _c.SUBPATTERN:
        return _exact(av[-1])
    if op is _c.BRANCH:
        out = _union(av[1], _exact)
        return out if out is not None and len(out) <= _MAX_STRINGS else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        e = _exact(av[2])
        return None if e is None else e | {""}
    if op is _c.AT:
        return {""}
    return None


def _sequence_sets(items: Any, item: Callable[[Any, Any], list[Any]]) -> list[set[str] | frozenset[str]]:
    """Sets of strings a match of the sequence `items` holds one string of each: its runs of
    exact strings (the strings a run of items can match, joined), an exact item too long to
    join, and what `item` gives for each other item, in the sequence's order."""
    out: list[set[str] | frozenset[str]] = []
    run = {""}
    for op, av in items:
        e = _exact_item(op, av)
        if e is not None:
            grown = {a + b for a, b in product(run, e)}
            if len(grown) <= _MAX_STRINGS:
                run = grown
                continue
            if "" not in run:
                out.append(run)
            run = {""}
            if "" not in e:
                out.append(e)
            continue
        if "" not in run:
            out.append(run)
        run = {""}
        out.extend(item(op, av))
    if "" not in run:
        out.append(run)
    return out


def _required(items: Any) -> set[str] | None:
    """A set of strings one of which every match of the sequence `items` holds; None if
    no such set is known (the sequence may match anything, even "")."""
    candidates = _sequence_sets(items, lambda op, av: [r] if (r := _required_item(op, av)) is not None else [])
    if not candidates:
        return None
    return _minimal(set(max(candidates, key=lambda c: _score(set(c)))))


def _inner(op: Any, av: Any) -> Any:
    """The items inside a group, an atomic group or a repeat taken at least once, every
    match of which holds (and begins with) a match of them; None for any other item."""
    if op is _c.SUBPATTERN:
        return av[-1]
    if op is _c.ATOMIC_GROUP:
        return av
    if op in _REPEATS and av[0] >= 1:
        return av[2]
    return None


def _required_item(op: Any, av: Any) -> set[str] | None:
    inner = _inner(op, av)
    if inner is not None:
        return _required(inner)
    if op is _c.BRANCH:
        out = _union(av[1], _required)
        return None if out is None else _minimal(out)
    if op is _c.ASSERT:  # a lookaround's text is in the string, if outside the match
        return _required(av[1])
    return None


def _score(s: set[str]) -> tuple[int, int]:
    """Longer literals rule out more texts; fewer of them cost fewer `in` tests."""
    return (min(min(len(x) for x in s), 6), -len(s))


def _minimal(s: set[str]) -> set[str]:
    """Drop strings that contain another member: the shorter one is required anyway.

    Shortest first, each tested against those kept so far only: a string holding a dropped
    one holds what that one held, which was kept."""
    kept: list[str] = []
    for x in sorted(s, key=len):
        if not any(y in x for y in kept):
            kept.append(x)
    return set(kept)


_MAX_CLAUSES = 3  # extra clauses tested per search: the ones ruling out most texts first
_MAX_COMBOS = 64  # clause unions formed for an alternation before only its best are combined
_MAX_CLAUSE_STRINGS = 64  # a clause's literals: a few more `in` tests cost far less than a search


def _clauses(items: Any) -> list[frozenset[str]]:
    """Sets of strings such that every match of the sequence `items` holds one string of
    each set: all of `_required`'s candidates at once (each is required), not the best."""
    return _independent([frozenset(c) for c in _sequence_sets(items, _clauses_item)])


def _clauses_item(op: Any, av: Any) -> list[frozenset[str]]:
    inner = _inner(op, av)
    if inner is not None:
        return _clauses(inner)
    if op is _c.BRANCH:
        # a match of the alternation is a match of one alternative, which holds one string of
        # each of that alternative's sets; so it holds one of the union of any one set taken
        # from every alternative (tried for every choice, up to _MAX_COMBOS of them)
        alts = [sorted(_clauses(alt), key=lambda c: _score(set(c)), reverse=True) for alt in av[1]]
        if any(not a for a in alts):
            return []
        combos = 1
        for a in alts:
            combos *= len(a)
        if combos > _MAX_COMBOS:
            # too many choices: the union of each alternative's best set, and every set all
            # the alternatives have (the union of one set taken from each: "/" of a Hub id
            # that each form of a loader call holds)
            common = set(alts[0]).intersection(*alts[1:])
            unions = [frozenset().union(*(a[0] for a in alts)), *common]
            return _independent([u for u in unions if len(u) <= _MAX_CLAUSE_STRINGS])
        unions = [frozenset().union(*choice) for choice in product(*alts)]
        return _independent([u for u in unions if len(u) <= _MAX_CLAUSE_STRINGS])
    if op is _c.ASSERT:
        return _clauses(av[1])
    return []


def _implies(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether a text holding one string of `a` always holds one of `b`: each of `a`'s
    strings holds one of `b`'s."""
    return a <= b or all(any(y in x for y in b) for x in a)


def _independent(clauses: list[frozenset[str]]) -> list[frozenset[str]]:
    """The clauses without those another one implies, best first, each made `_minimal` (at
    the end: the unions of an alternation are many and large, the clauses kept few)."""
    kept: list[frozenset[str]] = []
    for c in sorted({c for c in clauses if c}, key=lambda c: (-_score(set(c))[0], len(c), sorted(c))):
        if not any(_implies(k, c) for k in kept):
            kept = [k for k in kept if not _implies(c, k)] + [c]
    return [frozenset(_minimal(set(c))) for c in kept]


def required_clauses(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Sets of folded literals besides `required_literals(pattern)`, at most _MAX_CLAUSES,
    such that every string `pattern` matches holds one literal of each; () if none is known.
    Worked out from the same parse, and remembered alike (in a table of their own)."""
    if not isinstance(pattern.pattern, str):
        return ()
    key = f"{pattern.flags}\0{pattern.pattern}"
    memo = _clause_memo()
    if key not in memo:
        main = required_literals(pattern)  # a parse fills in both tables
        if key not in memo:  # the literals were kept from an earlier process, the clauses not
            try:
                memo[key] = _extra_clauses(_sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE), main)
            finally:
                _EXACT.clear()
    return tuple(tuple(c) for c in memo[key] or ())


def _extra_clauses(parsed: Any, main: tuple[str, ...] | None) -> list[list[str]]:
    if main is None:
        return []
    first = frozenset(main)
    extra = [c for c in _clauses(list(parsed)) if not _implies(first, c)][:_MAX_CLAUSES]
    return [sorted(c, key=lambda x: (-len(x), x)) for c in extra]


_compiler: Any = importlib.import_module("re._compiler")  # its prefix scans: private, as the parser
_MAX_STARTS = 128  # start strings kept for a pattern (more are cut to shorter prefixes)


def _zero_width(op: Any, av: Any) -> bool:
    """Whether a parsed item matches only "" (an assertion, or a group or alternation of them)."""
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return True
    if op is _c.SUBPATTERN:
        return all(_zero_width(o, a) for o, a in av[-1])
    if op is _c.BRANCH:
        return all(all(_zero_width(o, a) for o, a in alt) for alt in av[1])
    return False


def _fewer(starts: set[str]) -> tuple[set[str] | None, bool]:
    """`starts`, at most _MAX_STARTS of them: cut to shorter prefixes while too many (every
    text a string begins with begins with its prefix too; None if even one letter is too
    many), and whether any was cut (a cut string is no longer a whole one to join others to)."""
    if len(starts) <= _MAX_STARTS:
        return starts, False
    for keep in (8, 6, 4, 3, 2, 1):
        starts = {x[:keep] for x in starts}
        if len(starts) <= _MAX_STARTS:
            return starts, True
    return None, True


def _class_starts(av: Any) -> set[str] | None:
    """The folded characters a character class can match in an ASCII text, when few; None
    for a negated class, a wide range, a category other than digits, or a character whose
    case-insensitive match is not itself alone (`is_safe_char`)."""
    chars: set[str] = set()
    for op, x in av:
        if op is _c.LITERAL:
            codes = [x]
        elif op is _c.RANGE and x[1] - x[0] < 12:
            codes = list(range(x[0], x[1] + 1))
        elif op is _c.CATEGORY and x is _c.CATEGORY_DIGIT:
            codes = list(range(ord("0"), ord("9") + 1))  # in an ASCII text, \d is [0-9]
        else:
            return None
        for code in codes:
            ch = _char(code)
            if ch is None:
                return None
            chars.add(ch)
    return chars if 0 < len(chars) <= 12 else None


def _starts(items: Any) -> set[str] | None:
    """Folded strings one of which every match of the sequence `items` begins with (in an
    ASCII text), or None: the exact strings of its leading items (`_exact_item`, assertions
    skipped as they consume nothing) joined, then the starts of the first other item."""
    out = {""}
    for op, av in items:
        if _zero_width(op, av):
            continue
        e = _exact_item(op, av)
        first = e if e is not None else _starts_item(op, av)
        if first is None:
            break
        grown, cut = _fewer({a + b for a, b in product(out, first)})
        if grown is None:
            break
        out = grown  # may hold "": optional items so far, and the next one's starts join on
        if cut or e is None:  # what follows a cut string, or a non-exact item, does not join on
            break
    return None if "" in out else out


def _starts_item(op: Any, av: Any) -> set[str] | None:
    inner = _inner(op, av)
    if inner is not None:
        return _starts(inner)
    if op is _c.BRANCH:
        out = _union(av[1], _starts)
        return None if out is None else _fewer(out)[0]
    if op is _c.IN:
        return _class_starts(av)
    return None


def _shortest_prefixes(s: set[str]) -> list[str]:
    """`s` without the strings another member begins: a text position where one of those
    stands is one where the shorter one stands."""
    kept: list[str] = []
    for x in sorted(s, key=lambda x: (len(x), x)):
        if not any(x.startswith(y) for y in kept):
            kept.append(x)
    return kept


def required_starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Folded literals one of which every match of `pattern` in an ASCII text begins with;
    None if unknown, or if `re` itself scans for the pattern's first characters (a literal
    prefix or a character set it finds with a fast loop: anchoring would only add a pass).
    Remembered across processes like the literals."""
    if not isinstance(pattern.pattern, str):
        return None
    memo = _starts_memo()
    key = f"{pattern.flags}\0{pattern.pattern}"
    if key not in memo:
        memo[key] = _work_out_starts(pattern)
    hit = memo[key]
    return tuple(hit) if isinstance(hit, list) else None


def _work_out_starts(pattern: re.Pattern[str]) -> list[str] | None:
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
        if _compiler._get_literal_prefix(parsed, pattern.flags)[0] or _compiler._get_charset_prefix(parsed, pattern.flags):
            return None
    except Exception:  # another Python's internals: not worked out, so not claimed
        return None
    try:
        got = _starts(list(parsed))
    finally:
        _EXACT.clear()
    return None if not got else _shortest_prefixes(got)


_NL = ord("\n")
# the categories (`\d`, `\S`, `\w`, and `[^\n]`'s own) that hold no line break
_NO_NL_CATEGORIES = frozenset({_c.CATEGORY_DIGIT, _c.CATEGORY_NOT_SPACE, _c.CATEGORY_WORD, _c.CATEGORY_NOT_LINEBREAK})


def _class_holds_newline(items: Any) -> bool:
    """Whether a parsed character class (`[...]`) may match "\n" (True where not sure)."""
    negate, holds = False, False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            holds = holds or av == _NL
        elif op is _c.RANGE:
            holds = holds or av[0] <= _NL <= av[1]
        elif op is _c.CATEGORY:
            holds = holds or av not in _NO_NL_CATEGORIES
        else:
            return True
    return holds != negate


def _within_a_line(items: Any, flags: int) -> bool:
    for op, av in items:
        if op is _c.LITERAL:
            ok = av != _NL  # no character matches "\n" under IGNORECASE but itself
        elif op is _c.NOT_LITERAL:
            ok = av == _NL
        elif op is _c.ANY:
            ok = not flags & re.DOTALL
        elif op is _c.IN:
            ok = not _class_holds_newline(av)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            ok = _within_a_line(av[2], flags)
        elif op is _c.SUBPATTERN:
            ok = _within_a_line(av[3], (flags | av[1]) & ~av[2])
        elif op is _c.ATOMIC_GROUP:
            ok = _within_a_line(av, flags)
        elif op is _c.BRANCH:
            ok = all(_within_a_line(b, flags) for b in av[1])
        elif op is _c.AT:
            ok = av is _c.AT_BOUNDARY
        else:  # lookarounds, back-references, conditionals: not worked out, so not claimed
            ok = False
        if not ok:
            return False
    return True


def line_local(pattern: re.Pattern[str]) -> bool:
    """Whether `pattern` finds, in any text, the matches it finds in each of the text's lines
    searched alone (the lines `split("\n")` gives): nothing in it can match a line break
    (literals, classes and `.` checked, with the flags in force where each stands), and the
    only assertion it makes is `\b`, which holds at a line's edge exactly where it holds at a
    text's edge (a line break is not a word character, nor is the absence of one). Then every
    match lies within one line, an attempt at a position reads nothing beyond that position's
    line, and the text's first match is the first match of the first line that has one.
    False where that is not shown (`^`, `$`, lookarounds, `\\s`, `[^x]`, `(?s)`, ...)."""
    if not isinstance(pattern.pattern, str):
        return False
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
    except Exception:  # pragma: no cover - it compiled, so it parses
        return False
    return _within_a_line(list(parsed), pattern.flags)


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Folded literals, one of which is in every string `pattern` matches; None if unknown.

    A pure function of the pattern's text and flags (and of this module's code), remembered in
    `_compiled.process_memo`: parsing the ~100 per-sentence patterns again in every process
    cost a command-line scan more than the searches it saves."""
    if not isinstance(pattern.pattern, str):
        return None
    memo = _memo()
    key = f"{pattern.flags}\0{pattern.pattern}"
    if key in memo:
        hit = memo[key]
        return tuple(hit) if isinstance(hit, list) else None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
    except Exception:  # pragma: no cover - it compiled, so it parses
        return None
    try:
        req = _required(list(parsed))
        out = tuple(sorted(req, key=lambda x: (-len(x), x))) if req else None
        clauses = _extra_clauses(parsed, out)
    finally:
        _EXACT.clear()
    memo[key] = list(out) if out is not None else None
    _clause_memo()[key] = clauses
    return out


def _memo() -> dict[str, Any]:
    from truecard._compiled import process_memo

    return process_memo("prefilter-literals", [__file__])


def _clause_memo() -> dict[str, Any]:
    from truecard._compiled import process_memo

    return process_memo("prefilter-clauses", [__file__])


def _starts_memo() -> dict[str, Any]:
    from truecard._compiled import process_memo

    return process_memo("prefilter-starts", [__file__])


_folded: dict[str, str] = {}  # text -> fold(text): a sentence is tested by many patterns


# a few long texts and their folds: a card's body, which patterns searching the whole card
# test one after another (`remember_fold`, by the card's parser, which folds it anyway)
_folded_long: dict[str, str] = {}
_LONG_KEPT = 4
_SHORT = 2000  # texts up to this long are remembered by `folded` itself


def folded(text: str) -> str:
    """`fold(text)`, remembered for the texts seen lately (strings keep their hash, so a
    look-up costs less than folding again)."""
    low = _folded.get(text)
    if low is None:
        if len(text) > _SHORT:  # long texts (whole sections) are rarely tested twice, but a body is
            low = _folded_long.get(text)
            return fold(text) if low is None else low
        if len(_folded) >= 4096:
            _folded.clear()
        low = _folded[text] = fold(text)
    return low


def remember_fold(text: str, low: str) -> None:
    """Keep `low` (which must be `fold(text)`) as the fold of `text` for `folded`, when it is
    long (a short one `folded` remembers by itself), among the last few such texts."""
    if len(text) <= _SHORT:
        return
    if len(_folded_long) >= _LONG_KEPT:
        _folded_long.clear()
    _folded_long[text] = low


class Prefiltered:
    """A compiled pattern whose searches are skipped where its required literals are absent.

    Has the pattern's methods; `search`, `match`, `fullmatch`, `finditer`, `findall`,
    `split`, `sub` and `subn` give what the pattern gives, and `pattern`, `flags`, `groups`
    and `groupindex` are the pattern's own. Each tests the literals (`literals`, then every
    set of `clauses`) before the pattern runs. The literals are worked out on first use
    (parsing every pattern at import would cost start-up).
    """

    __slots__ = ("_any", "_at", "_fold_more", "_line_local", "_lits", "_more", "_more_any", "_plain", "rx")

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx = rx
        self._lits: tuple[str, ...] | bool | None = False
        # True when no literal holds an ASCII letter ("=", "--", "<", ". "): folding changes
        # only letters, and a literal's other characters are ASCII or uncased symbols (see
        # `is_safe_char`) that no character folds into, so such a literal is in the fold exactly
        # where it is in the text, and is tested on the text itself (no fold of every line)
        self._plain = False
        self._more: tuple[tuple[str, ...], ...] = ()  # `clauses`, set with the literals
        self._fold_more = False  # whether a clause holds a letter (so is tested on the fold)
        self._line_local: bool | None = None  # `line_local(rx)`, worked out on first use
        self._any: Any = None  # an automaton of the literals, once `prime`d (a batch's)
        # once `prime`d: each clause with the automaton that tests it (None: its `in` tests)
        self._more_any: tuple[tuple[tuple[str, ...], Any], ...] | None = None
        self._at: Any = None  # a search of the start strings' occurrences, once `prime`d

    def prime(self, least: int | None = None, starts: int | None = None) -> None:
        """Work out the literals now, and where there are many (`AUTOMATON_MIN`), build the
        automaton that tests them all at once; the same for each clause with as many (most
        are a few words, but the runtime names, weight-release phrases and accelerator names
        give clauses of 12 to 42, tested about 30 times per card, most often in vain).

        Testing `lit in text` for each literal costs about 60 ns a literal; encoding a
        sentence and one leftmost-first pass of an Aho-Corasick automaton over it
        (`textindex.finder`) cost about 250 ns whatever their number, and find a match exactly
        where the text holds one of the literals (as `textindex.holds_any`). Building
        the automata costs about 6 ms for the project's patterns: a batch builds them once,
        before its workers fork (`batch.work.warm`); a single scan keeps the loop. `least`
        (tests): the number of literals from which to build one.

        A pattern with many start strings (`required_starts`, ANCHOR_MIN) also gets the
        search of their occurrences that `search` tries it at (`starts`, tests: from how many)."""
        lits = self.literals
        if lits is not None and self._any is None and len(lits) >= (AUTOMATON_MIN if least is None else least):
            from truecard.textindex import finder

            self._any = finder(lits)
        if lits is not None and self._more_any is None and self._more:
            from truecard.textindex import finder

            least_ = AUTOMATON_MIN if least is None else least
            self._more_any = tuple((c, finder(c) if len(c) >= least_ else None) for c in self._more)
        if self._at is None:
            at = required_starts(self.rx)
            if at is not None and len(at) >= (ANCHOR_MIN if starts is None else starts):
                from truecard.textindex import occurrences

                self._at = occurrences(at)

    @property
    def literals(self) -> tuple[str, ...] | None:
        """The first set of required literals (`required_literals`): what `possible` tests."""
        if self._lits is False:
            lits = required_literals(self.rx)
            self._plain = lits is not None and not _has_letter(lits)
            self._more = required_clauses(self.rx) if lits is not None else ()
            self._fold_more = any(_has_letter(c) for c in self._more)
            self._lits = lits
        return self._lits  # type: ignore[return-value]

    @property
    def line_local(self) -> bool:
        """`line_local(self.rx)`: a text's first match is its first line's that has one."""
        if self._line_local is None:
            self._line_local = line_local(self.rx)
        return self._line_local

    @property
    def clauses(self) -> tuple[tuple[str, ...], ...]:
        """The other sets of literals every match holds one of (`required_clauses`)."""
        _ = self.literals
        return self._more

    def possible(self, text: str, low: str | None = None) -> bool:
        """Whether `text` holds one of `literals` (`low`: its `fold`, when the caller has it):
        the test the sentence and line indexes answer for many texts at once."""
        lits = self._lits if self._lits is not False else self.literals
        if lits is None:
            return True
        if low is None:
            low = text if self._plain else folded(text)
        if self._any is not None:  # on `textindex.encode(low)`, inlined: lone surrogates kept
            return bool(self._any(low.encode("utf-8", "surrogatepass")))
        for lit in lits:  # type: ignore[union-attr]  # noqa: SIM110 - a loop beats any() over a generator
            if lit in low:
                return True
        return False

    def _rest(self, text: str, low: str) -> bool:
        """Whether `text` holds one literal of every clause (`low`: what the first set was
        tested on, the text itself when that set is letterless)."""
        if self._fold_more and self._plain:
            low = folded(text)
        tests = self._more_any
        if tests is None:  # not primed: every clause by its `in` tests
            for clause in self._more:
                for lit in clause:
                    if lit in low:
                        break
                else:
                    return False
            return True
        data = None  # `low`'s UTF-8, for the clauses tested by an automaton (as in `possible`)
        for clause, find in tests:
            if find is None:
                for lit in clause:
                    if lit in low:
                        break
                else:
                    return False
            else:
                if data is None:
                    data = low.encode("utf-8", "surrogatepass")
                if not find(data):
                    return False
        return True

    def may_match(self, text: str) -> bool:
        """Whether the pattern may match `text`: `possible`, and every clause held."""
        if not self.possible(text):
            return False
        if not self._more:
            return True
        return self._rest(text, text if self._plain else folded(text))

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        # `may_match` inlined: this is called about a thousand times per card
        lits = self._lits
        if lits is False:
            lits = self.literals
        low = None
        if lits is not None:
            low = text if self._plain else _folded.get(text)
            if low is None:
                low = folded(text)
            if self._any is not None:  # as in `possible`
                if not self._any(low.encode("utf-8", "surrogatepass")):
                    return None
            else:
                for lit in lits:  # type: ignore[union-attr]
                    if lit in low:
                        break
                else:
                    return None
            if self._more and not self._rest(text, low):
                return None
        if self._at is not None and not args:
            return self._anchored(text, None if self._plain else low)
        return self.rx.search(text, *args)

    def _positions(self, text: str, low: str | None = None) -> list[int] | None:
        """Where in `text` a start string stands, in order (`low`: the text's fold, if
        known); None for a text not anchored: one that is not ASCII (an ASCII text's fold is
        its `lower()` and its bytes are its characters, so offsets need no mapping) or is
        longer than ANCHORED_MAX (the positions are listed at once)."""
        if len(text) > ANCHORED_MAX or not text.isascii():
            return None
        hits = self._at((low if low is not None else text.lower()).encode("ascii"), overlapping=True)
        return sorted({h[1] for h in hits})

    def _anchored(self, text: str, low: str | None) -> re.Match[str] | None:
        """`self.rx.search(text)`, tried only where a start string stands (`_positions`).
        Exact: every match begins with a start string, so the leftmost match begins at the
        first of their positions where the pattern matches, and `rx.match(text, p)` is the
        attempt `rx.search` makes at p (assertions such as `\\b` and lookbehinds still see
        the text before p; `^` still means the text's start). Each attempt is one `rx.search`
        would make, so however many positions there are, this tries no more than it does. A
        text not anchored is searched as it is. The match's `pos` is where it was tried."""
        positions = self._positions(text, low)
        if positions is None:
            return self.rx.search(text)
        match = self.rx.match
        for p in positions:
            m = match(text, p)
            if m is not None:
                return m
        return None

    def match(self, text: str, *args: Any) -> re.Match[str] | None:
        return self.rx.match(text, *args) if self.may_match(text) else None

    def fullmatch(self, text: str, *args: Any) -> re.Match[str] | None:
        return self.rx.fullmatch(text, *args) if self.may_match(text) else None

    def finditer(self, text: str, *args: Any) -> Iterator[re.Match[str]]:
        if not self.may_match(text):
            return iter(())
        found = self._all_anchored(text) if self._at is not None and not args else None
        return self.rx.finditer(text, *args) if found is None else iter(found)

    def findall(self, text: str, *args: Any) -> list[Any]:
        if not self.may_match(text):
            return []
        found = self._all_anchored(text) if self._at is not None and not args else None
        if found is None:
            return self.rx.findall(text, *args)
        n = self.rx.groups  # what `re.findall` gives: the match, its group, or its groups
        if n == 0:
            return [m.group() for m in found]
        return [m.groups("")[0] for m in found] if n == 1 else [m.groups("") for m in found]

    def _all_anchored(self, text: str) -> list[re.Match[str]] | None:
        """`list(self.rx.finditer(text))`, tried only where a start string stands (as
        `_anchored`), or None for a text not anchored. Every match begins with a start
        string, so none is empty, and after a match `re` searches on from its end: the
        first position at or after it where the pattern matches."""
        positions = self._positions(text)
        if positions is None:
            return None
        match, out, after = self.rx.match, [], 0
        for p in positions:
            if p >= after:
                m = match(text, p)
                if m is not None:
                    out.append(m)
                    after = m.end()
        return out

    def split(self, text: str, maxsplit: int = 0) -> list[Any]:
        return self.rx.split(text, maxsplit) if self.may_match(text) else [text]

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.rx.sub(repl, text, count) if self.may_match(text) else text

    def subn(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> tuple[str, int]:
        return self.rx.subn(repl, text, count) if self.may_match(text) else (text, 0)

    # The pattern's attributes, each by name. Not a `__getattr__` hook: a class with one
    # makes every attribute read of its instances slower (the interpreter's fast path for
    # slots is off, some 20 ns a read), and `search` alone reads six about a thousand times
    # per card.
    @property
    def pattern(self) -> str:
        return self.rx.pattern

    @property
    def flags(self) -> int:
        return self.rx.flags

    @property
    def groups(self) -> int:
        return self.rx.groups

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.rx.groupindex

    def __repr__(self) -> str:
        return f"Prefiltered({self.rx!r})"


# from this many literals on, a primed pattern tests them by its automaton (`Prefiltered.prime`)
AUTOMATON_MIN = 4
# From this many start strings on, a primed pattern is tried only where one stands
# (`Prefiltered._anchored`). Measured on the searches the 400 corpus cards make: patterns
# opening with an alternation of eight or more words (the fine-tuning guides, vague data,
# accelerator names, release phrases) ran in a third to a half of their time; with fewer,
# the words are common in the sentences given to them and anchoring costs what it saves.
ANCHOR_MIN = 8
# Texts longer than this are searched as they are: the start strings' positions are listed
# at once, and a card's sentences and code blocks are far shorter.
ANCHORED_MAX = 20_000


def _has_letter(lits: tuple[str, ...]) -> bool:
    return any(c.isascii() and c.isalpha() for x in lits for c in x)


def compiled(rx: Prefiltered | re.Pattern[str]) -> re.Pattern[str]:
    """The compiled pattern beneath a prefiltered one (`rx` itself if it is not): for a loop
    that tries it where its own tests already rule out most texts, or at a line's start only,
    where a prefiltered call would first scan the whole text for its literals."""
    return rx.rx if isinstance(rx, Prefiltered) else rx


def prefiltered(pattern: str | re.Pattern[str], flags: int = 0) -> Prefiltered:
    """`re.compile(pattern, flags)` behind an exact literal prefilter."""
    return Prefiltered(pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags))


def prefilter_namespace(namespace: dict[str, Any]) -> None:
    """Put every compiled text pattern of a module's namespace (`globals()`) behind its
    prefilter; called at the end of the modules whose patterns are searched per sentence."""
    for name, value in list(namespace.items()):
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            namespace[name] = Prefiltered(value)

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
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Iterator
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


def _exact(items: Any) -> set[str] | None:
    """The strings a subpattern can match, when they are few and all literal; else None.
    Zero-width assertions match "" (they consume nothing, so neighbours stay adjacent)."""
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
        out: set[str] = set()
        for alt in av[1]:
            e = _exact(alt)
            if e is None:
                return None
            out |= e
        return out if len(out) <= _MAX_STRINGS else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        e = _exact(av[2])
        return None if e is None else e | {""}
    if op is _c.AT:
        return {""}
    return None


def _required(items: Any) -> set[str] | None:
    """A set of strings one of which every match of the sequence `items` holds; None if
    no such set is known (the sequence may match anything, even "")."""
    candidates: list[set[str]] = []
    run = {""}

    def flush() -> None:
        nonlocal run
        if "" not in run:
            candidates.append(run)
        run = {""}

    for op, av in items:
        e = _exact_item(op, av)
        if e is not None:
            grown = {a + b for a, b in product(run, e)}
            if len(grown) <= _MAX_STRINGS:
                run = grown
                continue
            flush()
            if "" not in e:
                candidates.append(e)
            continue
        flush()
        sub = _required_item(op, av)
        if sub is not None:
            candidates.append(sub)
    flush()
    if not candidates:
        return None
    return _minimal(max(candidates, key=_score))


def _required_item(op: Any, av: Any) -> set[str] | None:
    if op is _c.SUBPATTERN:
        return _required(av[-1])
    if op is _c.ATOMIC_GROUP:
        return _required(av)
    if op is _c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            r = _required(alt)
            if r is None:
                return None
            out |= r
        return _minimal(out)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
        return _required(av[2])
    if op is _c.ASSERT:  # a lookaround's text is in the string, if outside the match
        return _required(av[1])
    return None


def _score(s: set[str]) -> tuple[int, int]:
    """Longer literals rule out more texts; fewer of them cost fewer `in` tests."""
    return (min(min(len(x) for x in s), 6), -len(s))


def _minimal(s: set[str]) -> set[str]:
    """Drop strings that contain another member: the shorter one is required anyway."""
    return {x for x in s if not any(y != x and y in x for y in s)}


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
    req = _required(list(parsed))
    out = tuple(sorted(req, key=lambda x: (-len(x), x))) if req else None
    memo[key] = list(out) if out is not None else None
    return out


def _memo() -> dict[str, Any]:
    from truecard._compiled import process_memo

    return process_memo("prefilter-literals", [__file__])


_folded: dict[str, str] = {}  # text -> fold(text): a sentence is tested by many patterns


def folded(text: str) -> str:
    """`fold(text)`, remembered for the texts seen lately (strings keep their hash, so a
    look-up costs less than folding again)."""
    low = _folded.get(text)
    if low is None:
        if len(text) > 2000:  # long texts (whole sections) are rarely tested twice
            return fold(text)
        if len(_folded) >= 4096:
            _folded.clear()
        low = _folded[text] = fold(text)
    return low


class Prefiltered:
    """A compiled pattern whose searches are skipped where its required literals are absent.

    Has the pattern's methods; `search`, `match`, `fullmatch`, `finditer`, `findall`, `sub`
    and `subn` give what the pattern gives, other attributes are the pattern's own. The
    literals are worked out on first use (parsing every pattern at import would cost start-up).
    """

    __slots__ = ("_lits", "_plain", "rx")

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx = rx
        self._lits: tuple[str, ...] | bool | None = False
        # True when no literal holds an ASCII letter ("=", "--", "<", ". "): folding changes
        # only letters, and a literal's other characters are ASCII or uncased symbols (see
        # `is_safe_char`) that no character folds into, so such a literal is in the fold exactly
        # where it is in the text, and is tested on the text itself (no fold of every line)
        self._plain = False

    @property
    def literals(self) -> tuple[str, ...] | None:
        if self._lits is False:
            lits = required_literals(self.rx)
            self._plain = lits is not None and not any(c.isascii() and c.isalpha() for x in lits for c in x)
            self._lits = lits
        return self._lits  # type: ignore[return-value]

    def possible(self, text: str, low: str | None = None) -> bool:
        """Whether `text` may match (`low`: its `fold`, when the caller has it)."""
        lits = self._lits if self._lits is not False else self.literals
        if lits is None:
            return True
        if low is None:
            low = text if self._plain else folded(text)
        for lit in lits:  # type: ignore[union-attr]  # noqa: SIM110 - a loop beats any() over a generator
            if lit in low:
                return True
        return False

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        # `possible` inlined: this is called about a thousand times per card
        lits = self._lits
        if lits is False:
            lits = self.literals
        if lits is not None:
            low = text if self._plain else _folded.get(text)
            if low is None:
                low = folded(text)
            for lit in lits:  # type: ignore[union-attr]
                if lit in low:
                    break
            else:
                return None
        return self.rx.search(text, *args)

    def match(self, text: str, *args: Any) -> re.Match[str] | None:
        return self.rx.match(text, *args) if self.possible(text) else None

    def fullmatch(self, text: str, *args: Any) -> re.Match[str] | None:
        return self.rx.fullmatch(text, *args) if self.possible(text) else None

    def finditer(self, text: str, *args: Any) -> Iterator[re.Match[str]]:
        return self.rx.finditer(text, *args) if self.possible(text) else iter(())

    def findall(self, text: str, *args: Any) -> list[Any]:
        return self.rx.findall(text, *args) if self.possible(text) else []

    def split(self, text: str, maxsplit: int = 0) -> list[Any]:
        return self.rx.split(text, maxsplit) if self.possible(text) else [text]

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.rx.sub(repl, text, count) if self.possible(text) else text

    def subn(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> tuple[str, int]:
        return self.rx.subn(repl, text, count) if self.possible(text) else (text, 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rx, name)

    def __repr__(self) -> str:
        return f"Prefiltered({self.rx!r})"


def prefiltered(pattern: str | re.Pattern[str], flags: int = 0) -> Prefiltered:
    """`re.compile(pattern, flags)` behind an exact literal prefilter."""
    return Prefiltered(pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags))


def prefilter_namespace(namespace: dict[str, Any]) -> None:
    """Put every compiled text pattern of a module's namespace (`globals()`) behind its
    prefilter; called at the end of the modules whose patterns are searched per sentence."""
    for name, value in list(namespace.items()):
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            namespace[name] = Prefiltered(value)

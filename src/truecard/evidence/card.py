"""Model cards parsed the way the Hugging Face Hub parses them.

Front matter: the Hub's own pattern (`huggingface_hub.repocard.REGEX_YAML_BLOCK`, copied
here because importing huggingface_hub costs ~0.7 s of start-up; a test checks the two stay
identical) and `yaml.safe_load`. Sections: ATX and HTML headings outside code fences.
Template placeholders ("[More Information Needed]", HTML comments, empty sections) are
recognised so an unfilled template earns nothing.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from truecard import bounded
from truecard.bounded import load_yaml
from truecard.evidence.inventory import Card, Section
from truecard.evidence.prefilter import Prefiltered, compiled, fold, remember_fold
from truecard.sources.base import Tree
from truecard.textindex import present

REGEX_YAML_BLOCK = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")

_PLACEHOLDER_ALTERNATIVES = (
    r"\[\s*more information needed\s*\]",
    r"more information needed",
    r"\[needs more information\]",
    r"\{\{[^{}]*\}\}",
    r"<!--.*?(?:-->|\Z)",
    r"\[optional\]",
    r"\[(?:to be )?(?:added|determined)\]",
    r"\btbd\b",
    r"\btodo\b",
)
_PLACEHOLDER_FLAGS = re.IGNORECASE | re.DOTALL
PLACEHOLDER_RE = re.compile("|".join(_PLACEHOLDER_ALTERNATIVES), _PLACEHOLDER_FLAGS)
# Linear by construction: `[^{}]*` stops at the next `{`, so a run of `{{` costs one pass, not
# one pass per `{{`; a comment left open runs to the end of the text (as it does when the Hub
# renders the card), so a run of `<!--` is one match instead of one scan to the end each.
# libyaml's safe loader is the same safe YAML subset as `yaml.safe_load` (which the Hub uses),
# about ten times faster; the pure-Python loader is the fallback where libyaml is missing.
SAFE_LOADER = bounded.SAFE_LOADER  # libyaml's, with a faster resolver and constructor
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML_HEADING_RE = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>", re.IGNORECASE)
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_FENCES = ("```", "~~~")
_TAG_RE = re.compile(r"<[^<>]+>")  # no "<" inside: each attempt stops at the next "<" (linear)


# REGEX_YAML_BLOCK in two steps, for speed: its lazy `[\S\s]*?` tries the closing line at
# every character of the front matter (0.1 ms a card). The same match: the opening can only be
# the whitespace before the first "---" and that line's break (`\s*` cannot give back
# whitespace where "-" must follow); the lazy body ends at the first place, from there on,
# where the closing matches, which is what a search for the closing finds. Only an opening
# "---\r\n" has a second way to match (its "\r" alone), tried as the regex would, after the
# first. Tested against the regex on random texts (tests/evidence/test_parsers.py).
_YAML_OPEN_RE = re.compile(r"\s*---(?:\r\n|\r|\n)")
_YAML_CLOSE_RE = re.compile(r"(?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$)")


def front_matter_span(text: str) -> tuple[int, int, int] | None:
    """(start of the YAML block, its end, end of the closing line) where REGEX_YAML_BLOCK
    matches `text` (its group 2 and its end), or None where it does not."""
    opening = _YAML_OPEN_RE.match(text)
    if opening is None:
        return None
    start = opening.end()
    starts = [start, start - 1] if opening.group(0).endswith("\r\n") else [start]
    for begin in starts:
        closing = _closing_line(text, begin)
        if closing is not None:
            return begin, closing.start(), closing.end()
    return None


def _closing_line(text: str, begin: int) -> re.Match[str] | None:
    """`_YAML_CLOSE_RE.search(text, begin)`, its candidates found by `str.find`: the search
    tries the pattern at every character of the front matter (some 4 ms over a 700 KB
    model-index), and every match is a line break, then "---" (and what may follow it). So
    each "---" that a "\r" or "\n" precedes is tried where its line break starts (two
    characters back for "\r\n", else one, never before `begin`), in order; the first that
    matches is the search's match (at "\r\n" and at the "\n" in it the rest to match is
    the same, so the earlier start decides)."""
    i = text.find("---", begin)
    while i >= 0:
        if i > begin and text[i - 1] in "\r\n":
            start = i - 2 if i - 2 >= begin and text[i - 2 : i] == "\r\n" else i - 1
            m = _YAML_CLOSE_RE.match(text, start)
            if m is not None:
                return m
        i = text.find("---", i + 1)
    return None


def parse_front_matter(text: str) -> tuple[dict[str, Any], str | None, int, str]:
    """(metadata, error, lines of front matter, body) for a card's text."""
    span = front_matter_span(text)
    if span is None:
        return {}, None, 0, text
    block = text[span[0] : span[1]]
    body = text[span[2] :]
    fm_lines = text[: span[2]].count("\n")
    try:
        data = load_yaml(block, SAFE_LOADER)  # alias bombs and depth refused first
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        return {}, f"broken YAML front matter{where}: {getattr(exc, 'problem', exc)}", fm_lines, body
    except RecursionError:
        return {}, "YAML front matter nested too deeply", fm_lines, body
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, "front matter is not a mapping (the Hub rejects such cards)", fm_lines, body
    return {str(k): v for k, v in data.items()}, None, fm_lines, body


_ALTERNATIVE_FILTERS = tuple(Prefiltered(re.compile(a, _PLACEHOLDER_FLAGS)) for a in _PLACEHOLDER_ALTERNATIVES)


@cache
def _alternative_literals() -> tuple[tuple[str, ...], tuple[tuple[int, ...] | None, ...]]:
    """(every alternative's literals, once each; for each alternative the indices of its own,
    or None for one without literals), worked out on first use like the literals themselves.

    `possible` tests an alternative's literals on the fold (the letterless ones, "{{" and
    "<!--", are in the fold exactly where they are in the text), so the literals one pass
    finds in the fold (`textindex.present`) give every alternative's `possible` at once."""
    lits = tuple(dict.fromkeys(x for alt in _ALTERNATIVE_FILTERS for x in alt.literals or ()))
    return lits, tuple(
        None if alt.literals is None else tuple(lits.index(x) for x in alt.literals) for alt in _ALTERNATIVE_FILTERS
    )


def placeholder_pattern(text: str, low: str | None = None) -> re.Pattern[str] | None:
    """PLACEHOLDER_RE without the alternatives that can match nowhere in `text` (their
    literals are absent from its fold: `truecard.evidence.prefilter`), or None when none can.

    The same substitutions on `text` and on every text made of its lines: at each position
    the regex tries its alternatives in order, and one that matches nowhere never takes a
    position from another. Most cards hold no placeholder, and the nine-way alternation tried
    at every "t", "m", "[" ... of each section (ten times per card) cost more than anything
    else in parsing a card's body. No alternative's literal holds a newline, so none forms
    where lines are joined. `low`: `fold(text)`, when the caller has it."""
    low = fold(text) if low is None else low
    lits, own = _alternative_literals()
    found = present(low, lits)  # one pass for all their literals
    keep = tuple(i for i, mine in enumerate(own) if mine is None or any(j in found for j in mine))
    return _placeholder_subset(keep) if keep else None


@cache
def _placeholder_subset(keep: tuple[int, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_PLACEHOLDER_ALTERNATIVES[i] for i in keep), _PLACEHOLDER_FLAGS)


_WHOLE = object()  # real_chars's default: work the placeholder pattern out from the text


def strip_placeholders(text: str, placeholders: Any = _WHOLE) -> str:
    """`text` with template placeholders blanked. `placeholders`: `placeholder_pattern` of a
    text this one is made of (its lines), computed once for a whole card."""
    rx = placeholder_pattern(text) if placeholders is _WHOLE else placeholders
    return rx.sub(" ", text) if rx is not None else text


_PUNCT = "#*_`|>-=:[]()!"  # Markdown punctuation, not counted as prose
# what `real_chars` does not count in an ASCII text: the punctuation and every ASCII
# character `str.isspace()` holds (tests/evidence/test_placeholders.py checks the list)
_NOT_PROSE_ASCII = (_PUNCT + "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ").encode("ascii")
_PUNCT_BYTES = _PUNCT.encode("ascii")
# a line whose first non-blank character is "#", with the line break before it
_HASH_LINE_RE = re.compile(r"\n[^\S\n]*#[^\n]*")


def real_chars(text: str, placeholders: Any = _WHOLE) -> int:
    """Characters of real prose: placeholders, tags and Markdown punctuation removed
    (`placeholders`: see `strip_placeholders`)."""
    return _prose_count(_markup_blanked(text, placeholders, ""))


def _markup_blanked(text: str, placeholders: Any, hash_line: str) -> str:
    """`text` without its "#" lines (each replaced by `hash_line` with the break before it:
    "" removes it, "\n" leaves an empty line), then with placeholders and tags blanked."""
    if "#" in text:  # else no line starts with one
        # each line is "\n" + line in "\n" + text, so replacing those lines' "\n" + line
        # leaves "\n" + the rest joined
        text = _HASH_LINE_RE.sub(hash_line, "\n" + text)[1:]
    return _TAG_RE.sub(" ", strip_placeholders(text, placeholders))


def _prose_count(t: str) -> int:
    """`real_chars`' count of a text whose placeholders, tags and "#" lines are gone."""
    # the characters that are not whitespace, less the punctuation among them: for ASCII
    # text one C pass deleting both; else str.count, far cheaper than a regex blanking them
    if t.isascii():
        return len(t.encode("ascii").translate(None, _NOT_PROSE_ASCII))
    # else the characters that are not whitespace (str.split's, Unicode's), less the
    # punctuation, counted as the bytes one C pass deletes from their UTF-8: an ASCII
    # character is one byte there, and no byte of a longer character is ASCII
    kept = "".join(t.split())
    data = kept.encode("utf-8", "surrogatepass")
    return len(kept) - (len(data) - len(data.translate(None, _PUNCT_BYTES)))


class _RangeChars:
    """`real_chars` of the text of any run of `lines` between the given cuts, from one pass
    over all of them, where that is exact.

    The sections of a card nest, so judging each heading's section "filled" ran
    `real_chars` over the body once per level of headings, and the body once more. Here the
    body's "#" lines are blanked (kept as empty lines, so line k stays line k), then its
    placeholders and tags, once. When no placeholder or tag matched across a line break (the
    blanked text kept every "\n": each match is replaced by a space), every match lies within
    one line, and the matches of the text of any run of whole lines are exactly the whole
    body's matches on those lines: the search starts afresh at each line either way (nothing
    matched spans a break, and a line's start and a text's start look alike to `\b`), and a
    run's end cuts off no match. Removing a "#" line (as `real_chars` does) or blanking it
    makes no difference then: the lines around it meet at a break either way, and no match
    crosses one. So a run's count is the sum of its lines' counts, added up here chunk by
    chunk between the cuts. Otherwise (`ok` False) each run is counted on its own text.
    Tested against `real_chars` on random texts and every corpus card
    (tests/evidence/test_placeholders.py)."""

    __slots__ = ("_at", "_lines", "_placeholders", "ok")

    def __init__(self, lines: list[str], placeholders: Any, cuts: set[int]) -> None:
        self._lines, self._placeholders = lines, placeholders
        t = _markup_blanked("\n".join(lines), placeholders, "\n")
        self.ok = t.count("\n") == len(lines) - 1
        self._at: dict[int, int] = {}
        if not self.ok:
            return
        pieces = t.split("\n")
        total, prev = 0, 0
        self._at[0] = 0
        for cut in sorted(c for c in cuts if 0 < c <= len(lines)):
            total += _prose_count("\n".join(pieces[prev:cut]))
            self._at[cut] = total
            prev = cut
        if prev < len(lines):
            total += _prose_count("\n".join(pieces[prev:]))
        self._at[len(lines)] = total

    def count(self, start: int, end: int) -> int:
        """`real_chars` of lines `start` to `end` (each a cut, 0 or the number of lines)."""
        if not self.ok:
            return real_chars("\n".join(self._lines[start:end]), self._placeholders)
        return self._at[end] - self._at[start]


def split_sections(lines: list[str], first_line: int, placeholders: Any = _WHOLE) -> list[Section]:
    """Sections of the body; `first_line` is the 1-based file line where the body starts
    (`placeholders`: `placeholder_pattern` of the lines joined, when the caller has it)."""
    return _sections(lines, first_line, placeholders)[0]


def _sections(lines: list[str], first_line: int, placeholders: Any = _WHOLE) -> tuple[list[Section], int]:
    """`split_sections`, and `real_chars` of all the lines joined."""
    if placeholders is _WHOLE:
        placeholders = placeholder_pattern("\n".join(lines))  # once: each section is made of these lines
    heads: list[tuple[int, int, str]] = []  # (index, level, title)
    in_fence = False
    # the compiled patterns beneath their prefilters (`prefilter_namespace` wraps this module's
    # at its end): each is tried at a line's start only, behind the cheaper tests here, and a
    # prefiltered `match` would first scan the whole line for its literals (a card's hundreds
    # of lines cost more in those calls than in the patterns)
    fence, heading = compiled(_FENCE_RE).match, compiled(_HEADING_RE).match
    html_heading = compiled(_HTML_HEADING_RE).match
    for i, line in enumerate(lines):
        # each pattern is tried only where it can match: a fence after leading whitespace
        # (`lstrip()` strips what `\s` matches), an ATX heading at "#", an HTML one with a "<"
        if ("`" in line or "~" in line) and line.lstrip().startswith(_FENCES) and fence(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = heading(line) if line.startswith("#") else None
        if m:
            heads.append((i, len(m.group(1)), _TAG_RE.sub("", m.group(2)).strip(" *_")))
            continue
        m = html_heading(line) if "<" in line else None
        if m:
            heads.append((i, int(m.group(1)), _TAG_RE.sub("", m.group(2)).strip()))
    sections: list[Section] = []
    ranges = _RangeChars(lines, placeholders, {c for i, _, _ in heads for c in (i, i + 1)})
    if (heads and heads[0][0] > 0) or not heads:
        end = heads[0][0] if heads else len(lines)
        text = "\n".join(lines[:end])
        if text.strip():
            sections.append(Section("", 0, first_line, first_line + end - 1, text, ranges.count(0, end) >= 20))
    # where each heading's section ends: at the next heading of the same or a higher level,
    # found for all headings in one pass with a stack (a scan of the following headings for
    # each one was quadratic: 2 MiB of headings took 47 s)
    ends = [len(lines)] * len(heads)
    open_: list[int] = []
    for n, (i, level, _t) in enumerate(heads):
        while open_ and heads[open_[-1]][1] >= level:
            ends[open_.pop()] = i
        open_.append(n)
    for n, (i, level, title) in enumerate(heads):
        end = ends[n]
        # body up to the next heading of any level, for "filled" judgement of this heading alone
        nxt = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        filled = ranges.count(i + 1, end) >= 20
        text = "\n".join(lines[i + 1 : end] if filled else lines[i + 1 : nxt])
        sections.append(Section(title, level, first_line + i, first_line + end - 1, text, filled))
    return sections, ranges.count(0, len(lines))


def parse_card(tree: Tree, path: str, text: str, sha256: str | None) -> Card:
    metadata, error, fm_lines, body = parse_front_matter(text)
    lines = text.split("\n")
    # the body's lines are the file's after the front matter where the body starts a line
    # (always but for front matter closed at the very end): sliced, not split a second time
    # (the front matter's `fm_lines` are the line breaks before the body: `parse_front_matter`)
    cut = len(text) - len(body)  # the body is the text from here on
    body_lines = lines[fm_lines:] if cut == 0 or text[cut - 1] == "\n" else body.split("\n")
    low = fold(body)  # kept in the card's cache for the collectors (`folded_text`)
    placeholders = placeholder_pattern(body, low)  # the body's lines joined: once for the sections and the body
    sections, chars = _sections(body_lines, fm_lines + 1, placeholders)
    card = Card(
        tree=tree,
        path=path,
        metadata=metadata,
        metadata_error=error,
        body=body,
        body_offset=fm_lines,
        lines=lines,
        sections=sections,
        sha256=sha256,
        filled_chars=chars,
    )
    card.cache["folded_text"] = low
    remember_fold(body, low)  # the patterns searching the whole body find its fold made
    return card


def find_section(card: Card, *patterns: str) -> list[Section]:
    """Filled sections whose title matches any of the regex patterns (case-insensitive)."""
    rx = re.compile("|".join(patterns), re.IGNORECASE)
    return [s for s in card.sections if s.title and rx.search(s.title) and s.filled]


DATA_TITLE_RE = re.compile(r"\b(data|dataset|datasets|corpus|corpora|datasheet)\b", re.I)


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

"""What every collector shares: citing a file of a tree as evidence."""

from __future__ import annotations

import posixpath
import re
from typing import Any, Literal, cast

from truecard.evidence.inventory import Card
from truecard.evidence.patterns import DATACARD_RE, sentences
from truecard.evidence.prefilter import Prefiltered, fold, folded
from truecard.models import Evidence, clip
from truecard.sources.base import Tree
from truecard.textindex import LineIndex

HashScope = Literal["file", "header", "value"] | None


def ev(
    tree: Tree,
    path: str,
    kind: str,
    summary: str,
    *,
    line: int | None = None,
    line_end: int | None = None,
    excerpt: str | None = None,
    hash_it: bool = True,
    field: str | None = None,
) -> Evidence:
    """Evidence for a file of `tree`, hashed with the tree's one hash scope (`Tree.sha256`:
    the whole file for text, the header for large binaries) so every source cites alike."""
    sha, scope = tree.sha256(path) if hash_it else (None, None)
    return Evidence(
        kind=kind,
        summary=summary,
        source=tree.info.id,
        revision=tree.info.revision,
        path=path,
        line_start=line,
        line_end=line_end or line,
        excerpt=clip(excerpt) if excerpt else None,
        sha256=sha,
        sha256_scope=cast(HashScope, scope),  # a Tree says "file" or "header"
        url=tree.url_for(path, line),
        field=field,
    )


_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)  # an open comment runs to the end: linear


def body_lines(card: Card) -> list[str]:
    """The card's body lines with HTML comments (template instructions, commented-out text)
    blanked out line for line, so line numbers stay right. Computed once per card."""
    if "lines" not in card.cache:
        body = _COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), card.body)
        card.cache["lines"] = body.split("\n")
    lines: list[str] = card.cache["lines"]
    return lines


def folded_body(card: Card) -> str:
    """`fold` of the card's `body_lines` joined: a whole-card gate for loops over those lines
    (a line a pattern matches holds one of its literals, so the joined lines do). Once per card."""
    if "folded_body" not in card.cache:
        # without an HTML comment the body's lines are its own lines, and their fold is the
        # card's `folded_text`, made when it was parsed
        card.cache["folded_body"] = folded_text(card) if "<!--" not in card.body else fold("\n".join(body_lines(card)))
    out: str = card.cache["folded_body"]
    return out


def card_sentences(card: Card) -> list[tuple[int, str]]:
    """(file line, sentence) pairs of the card's prose outside code fences, computed once."""
    if "sentences" not in card.cache:
        card.cache["sentences"] = list(sentences(body_lines(card), card.body_offset + 1))
    out: list[tuple[int, str]] = card.cache["sentences"]
    return out


def folded_sentences(card: Card) -> str:
    """The card's sentences, each folded (`prefilter.fold`), one per line: every sentence's
    fold is a substring of it, so a pattern whose literals it lacks matches no sentence."""
    if "folded_sentences" not in card.cache:
        # through `folded`: the prefiltered searches of each sentence then find its fold made
        folds = [folded(s) for _, s in card_sentences(card)]
        card.cache["folded_sentences"] = "\n".join(folds)
    out: str = card.cache["folded_sentences"]
    return out


def folded_text(card: Card) -> str:
    """`fold(card.body)`, once per card (the parser makes it for the placeholders): a gate for
    loops over the body's own lines."""
    if "folded_text" not in card.cache:
        card.cache["folded_text"] = fold(card.body)
    out: str = card.cache["folded_text"]
    return out


def first_body_match(card: Card, rx: Any) -> tuple[int, re.Match[str]] | None:
    """(index of the body line it is in, the match) for the first match of `rx` in
    `card.body`, or None: what `rx.search(card.body)` finds (its group, at that line; the
    match's offsets are the line's when the lines were searched).

    A prefiltered pattern that is `line_local` is searched only on the body's lines that
    hold one of its literals (`LineIndex` of the card's folded body, one automaton pass),
    instead of once over the whole body: a search over a long card tried the pattern at
    every position of it, and this is how the architecture names and "fine-tuned from"
    are found on every card."""
    lits = rx.literals if isinstance(rx, Prefiltered) and rx.line_local else None
    if lits is None or any("\n" in x for x in lits):
        m = rx.search(card.body)
        return None if m is None else (card.body.count("\n", 0, m.start()), m)
    # the body's own lines; without an HTML comment these are `body_lines`, and their index is shared
    if "<!--" not in card.body:
        index, lines = body_line_index(card), body_lines(card)
    else:
        index = line_index(card, "text", folded_text(card))
        if "text_lines" not in card.cache:
            card.cache["text_lines"] = card.body.split("\n")
        lines = card.cache["text_lines"]
    hits = index.holding(lits)
    for k in sorted(hits):
        m = rx.search(lines[k])
        if m is not None:
            return k, m
    return None


def may_match(rx: Any, folded_text: str) -> bool:
    """False when `rx` (a prefiltered pattern) cannot match any part of a text whose folds
    are all substrings of `folded_text` (`folded_sentences`): one test of its
    literals on a whole card instead of one per sentence."""
    return not isinstance(rx, Prefiltered) or rx.possible("", folded_text)


def _holding(card: Card, literals: tuple[str, ...]) -> set[int]:
    """Indices of the sentences whose fold holds one of the folded `literals` (none of which
    holds a newline): the `LineIndex` of the card's folded sentences, one per line."""
    return line_index(card, "sentences", folded_sentences(card)).holding(literals)


def line_index(card: Card, name: str, folded: str) -> LineIndex:
    """The card's `LineIndex` of the folded lines `folded` (joined by "\n"), kept in its cache
    under `name` ("body" for `body_lines`, "sentences" for the sentences)."""
    key = f"line_index:{name}"
    if key not in card.cache:
        card.cache[key] = LineIndex(folded)
    out: LineIndex = card.cache[key]
    return out


def body_line_index(card: Card) -> LineIndex:
    """`line_index` of `body_lines(card)`; line k is file line `card.body_offset + 1 + k`."""
    return line_index(card, "body", folded_body(card))


def raw_body_index(card: Card) -> tuple[str, LineIndex]:
    """The fold of the file's lines after the front matter, joined, and its `LineIndex` (for
    the checkpoints collector's lineage and metrics-table search).

    In the usual case those lines joined are the card's body, whose fold the parser made and
    whose index the other collectors use (`body_line_index`, or the "text" index where the
    body holds an HTML comment, which `body_lines` leave out): so they are shared, instead of
    a third fold and index of the same text per card (1.3 % of a batch item). Otherwise (front
    matter closed at the end of the file, without a line break) they are made for it."""
    joined = "\n".join(card.lines[card.body_offset :])
    if joined == card.body:
        body = folded_text(card)
        return body, body_line_index(card) if "<!--" not in card.body else line_index(card, "text", body)
    body = fold(joined)
    return body, line_index(card, "raw_body", body)


def _plan(patterns: tuple[Any, ...], containing: tuple[str, ...]) -> tuple[str, ...] | None:
    """The sorted literals `sentences_for` looks for, or None when it keeps every sentence."""
    lits = set(containing)
    for rx in patterns:
        got = rx.literals if isinstance(rx, Prefiltered) else None
        if got is None:
            return None
        lits.update(got)
    if any("\n" in x for x in lits):
        return None  # could span two sentences of the joined folds
    return tuple(sorted(lits))


# (patterns, containing) -> their literals: patterns are module globals, hashed by identity
_PLANS: dict[tuple[tuple[Any, ...], tuple[str, ...]], tuple[str, ...] | None] = {}


def sentences_for(
    card: Card, *patterns: Any, containing: tuple[str, ...] = (), on_lines: set[int] | None = None
) -> list[tuple[int, str]]:
    """The card's sentences (`card_sentences`) that one of `patterns` (prefiltered patterns)
    may match, or whose fold holds one of the lower-case strings `containing`, or that stand
    on one of `on_lines` (file line numbers), in order.

    Exactly the sentences for which some pattern's `possible(sentence)` holds (or a string is
    in `fold(sentence)`), so a loop that does nothing with a sentence none of them matches can
    iterate over these alone: ten collectors each testing every sentence of a card cost a
    batch more than the searches themselves. A pattern without literals (or a plain
    `re.Pattern`) keeps every sentence. Found by one automaton pass over the card's folds
    (`_holding`), cached per card and set of literals."""
    pairs = card_sentences(card)
    plan_key = (patterns, containing)
    if plan_key in _PLANS:
        plan = _PLANS[plan_key]
    else:
        plan = _PLANS[plan_key] = _plan(patterns, containing)
    if plan is None:
        return pairs
    memo: dict[tuple[str, ...], tuple[set[int], list[tuple[int, str]]]] = card.cache.setdefault("sentences_for", {})
    if plan not in memo:
        hit = _holding(card, plan)
        memo[plan] = (hit, [pairs[k] for k in sorted(hit)])
    hit, picked = memo[plan]
    if on_lines:
        return [pairs[k] for k in sorted(hit | {k for k, (ln, _) in enumerate(pairs) if ln in on_lines})]
    return picked


def is_datacard(card: Card) -> bool:
    return card.role == "datacard" or bool(DATACARD_RE.search(posixpath.basename(card.path)))


def ascii_lower(text: str) -> str | None:
    """`text` lower-cased when it is ASCII, else None: a cheap `in` test on it can rule out a
    case-insensitive regex before it runs. Only for ASCII is that exact (under re.IGNORECASE
    'k' also matches the Kelvin sign, 's' the long s), so callers treat None as "may match"."""
    return text.lower() if text.isascii() else None


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

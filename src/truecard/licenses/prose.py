"""Licences named in a model card's prose: its License section and `License:` lines.

Many cards carry no `license:` metadata (55 of the 400 real cards in the corpus) but say in
their text which licence applies, often per artifact ("The code is licensed under Apache-2.0,
while model weights are ..."). Prose counts for what it plainly says, and no more: each
statement found here is a weaker finding (`how="prose"`) than a licence file or metadata.

Only licence names and links are matched, each through the same tables as ids (SPDX names,
the AI licence table, licence URLs); a sentence's artifact (code, weights, data) is read from
the words it uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from truecard.licenses import (
    LicenseClass,
    LicenseVerdict,
    _fuzzy_index,
    _norm,
    _tokens,
    _verdict_for_key,
    _verdict_from_ai,
    ai_licenses,
    classify_link,
)
from truecard.textindex import holds_any

# The longest a prose licence statement's confidence may be: prose is never as clear as a
# licence file or an SPDX id in metadata.
PROSE_CONFIDENCE = 0.6

_SECTION_RE = re.compile(r"licen[cs]e|terms of use|许可|协议|ライセンス", re.IGNORECASE)
# possessive runs (`*+`): each run of spaces or stars is taken once, never re-split between
# the neighbouring `\s*` (which made the backtracking pattern cubic: 4,000 spaces took 56 s)
_FIELD_RE = re.compile(r"^\s*+[-*]?\s*+\**+\s*+licen[cs]e\s*+\**+\s*+:\s*+\**+\s*+(.+)$", re.IGNORECASE)
_LINK_RE = re.compile(r"\[([^\]]{0,200})\]\((https?://[^)\s]+)\)|(https?://[^\s)>\]\"']+)")
_UNDER_RE = re.compile(
    r"(?:licen[cs]ed|released|available|distributed|governed|published|subject to|under)"
    r"\s+(?:under\s+)?(?:the\s+|an?\s+)?(?:terms of (?:the\s+)?)?"
    r"([A-Za-z][\w.+\-]*(?:[ \t]+[\w.+\-]+){0,7})",
    re.IGNORECASE,
)
# Sentences and the clauses that name different artifacts' licences ("The code is licensed
# under Apache-2.0, while model weights are ...").
_CLAUSE_RE = re.compile(
    # "(?<!\s)" starts a run of spaces only once, so long runs of spaces stay linear
    r"(?<=[.;!?。])\s+|,\s*(?:while|whereas|but|and)\s+|(?<!\s)\s+(?:while|whereas)\s+|;\s*|，|；"
)
_PLACEHOLDER_RE = re.compile(r"more information needed|\[needs more|\btbd\b|\btodo\b", re.I)


@dataclass
class ProseStatement:
    """One licence named in a card's text."""

    verdict: LicenseVerdict
    scope: str  # model, weights, code, data, docs
    line: int  # 1-based line in the card file
    text: str  # the sentence or line that names it


def _scope_of(sentence: str) -> str:
    low = sentence.lower()
    code = re.search(r"\b(code|software|scripts?|repository's code|source)\b", low)
    weights = re.search(r"\b(weights?|checkpoints?|parameters)\b", low)
    data = re.search(r"\b(data ?sets?|data|corpus|corpora)\b", low)
    if code and not weights:
        return "code"
    if weights and not code:
        return "weights"
    if data and not (code or weights) and not re.search(r"\bmodels?\b", low):
        return "data"
    return "model"


@cache
def _prose_keys() -> list[tuple[dict[str, Any], list[str]]]:
    """(entry, the strings that name it in prose) for each AI licence without an SPDX id:
    its first marker and its longer names, lower-cased; made once per process."""
    return [
        (e, e["markers"][:1] + [n.lower() for n in e["names"] if len(n) > 8]) for e in ai_licenses() if "spdx" not in e
    ]


@cache
def _prose_key_set() -> tuple[str, ...]:
    """Every string of `_prose_keys`, for one test of a sentence against them all."""
    return tuple(sorted({k for _, keys in _prose_keys() for k in keys}))


def _names_in(sentence: str) -> list[LicenseVerdict]:
    """Licences a sentence names: AI licence titles/names, then 'under the X licence' phrases."""
    found: list[LicenseVerdict] = []
    norm = _norm(sentence)
    # most sentences name no AI licence: one automaton pass says so, not 171 `in` tests
    for e, keys in _prose_keys() if holds_any(norm, _prose_key_set()) else ():
        hit = next((k for k in keys if k in norm), None)
        if hit:
            found.append(_verdict_from_ai(e, PROSE_CONFIDENCE, f"the text names {hit!r}", "prose"))
    if len(found) > 1:  # a specific RAIL licence named: drop the generic family entry
        found = [v for v in found if v.license_id != "openrail"]
    for m in _UNDER_RE.finditer(sentence):
        toks = _tokens(m.group(1))
        for n in range(min(len(toks), 8), 0, -1):
            key = _fuzzy_index().get(toks[:n])
            if key is None:
                continue
            if n == 1 and toks[0] in {"a", "an", "same", "this", "its", "other", "open"}:
                break
            v = _verdict_for_key(key, PROSE_CONFIDENCE, f"the text says {m.group(0).strip()!r}",
                                 "prose")
            found.append(v)
            break
    return found


def _links_in(line: str) -> list[tuple[str, LicenseVerdict]]:
    out = []
    for m in _LINK_RE.finditer(line):
        url = m.group(2) or m.group(3)
        v = classify_link(url)
        if v is not None:
            v.confidence = min(v.confidence, PROSE_CONFIDENCE)
            v.method = "prose-link"
            out.append((url, v))
    return out


def statements(
    lines: list[str], body_offset: int, sections: list | None = None
) -> list[ProseStatement]:
    """Licence statements in a card: in sections titled like 'License', and `License:` lines.

    `lines` are the whole file's lines, `body_offset` the number of front-matter lines;
    `sections` the card's parsed sections (objects with title, line_start, line_end).
    """
    spans: list[tuple[int, int]] = []
    for s in sections or []:
        if _SECTION_RE.search(s.title or ""):
            spans.append((s.line_start, min(s.line_end, s.line_start + 40)))
    for i, line in enumerate(lines[body_offset:], start=body_offset + 1):
        if _FIELD_RE.match(line):
            spans.append((i, i))
    out: list[ProseStatement] = []
    seen: set[tuple[str | None, str]] = set()
    for start, end in spans:
        for ln in range(start, min(end, len(lines)) + 1):
            line = lines[ln - 1]
            if not line.strip() or _PLACEHOLDER_RE.search(line):
                continue
            fm = _FIELD_RE.match(line)
            candidates: list[LicenseVerdict] = []
            if fm:
                from truecard.licenses import classify_name

                v = classify_name(re.sub(r"[*_`\[\]]", "", fm.group(1)).strip())
                if v is not None:
                    v.confidence = min(v.confidence, PROSE_CONFIDENCE)
                    v.method = "prose"
                    v.reason = f"the card's License line says {fm.group(1).strip()[:80]!r}"
                    candidates.append(v)
            for sentence in _CLAUSE_RE.split(line):
                if not sentence or not sentence.strip():
                    continue
                names = _names_in(sentence)
                links = _links_in(sentence)
                for v in names + [lv for _, lv in links]:
                    if v.license_class is LicenseClass.UNKNOWN:
                        continue
                    key = (v.license_id, _scope_of(sentence))
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(ProseStatement(v, _scope_of(sentence), ln, sentence.strip()))
            for v in candidates:
                key = (v.license_id, "model")
                if key not in seen:
                    seen.add(key)
                    out.append(ProseStatement(v, "model", ln, line.strip()))
    return out

"""Identify a licence from the text of a licence file.

Two matchers, each over maintained or sourced data, never over licence texts typed here:

- Common open licences: the `licenseclassifier` package (a pure-Python port of Google's
  licensecheck, with patterns generated from the SPDX License List's matching templates). It
  tolerates reflowed text, changed copyright lines, Markdown and HTML markup, and reports the
  character span of every licence it recognises; truecard turns the share of the text that is
  recognised licence text (coverage) into a confidence.
- AI model licences, which SPDX lacks: the distinctive phrases (`markers`) of each entry of
  `data/ai_licenses.yaml`, the first of which is the licence's title. A title near the top is
  strong evidence; a title further down or only body phrases are weaker, and say so.

ScanCode is deliberately not used: it is heavy to install, slow to start, and its licence
detection adds little here over licenseclassifier plus the AI markers, and truecard must start
fast and install from PyPI alone. It could come back as an optional deep mode.

Bad input never raises: empty files, a URL alone, undecodable bytes, 10 MB files and texts that
match nothing each give a reasoned `unknown` or a best match with its confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from truecard.licenses import (
    LicenseClass,
    LicenseVerdict,
    _fuzzy_index,
    _norm,
    _tokens,
    _verdict_for_key,
    _verdict_from_ai,
    ai_licenses,
    classify_id,
    classify_link,
    classify_name,
    combine_classes,
    spdx_class,
    spdx_verdict,
)

# Licence files longer than this are matched on their first part only: the longest common
# licence (GPL-3.0) is 35 kB, and licenseclassifier's time grows with the text.
MAX_CHARS = 200_000
# licenseclassifier's own default: below this share of recognised licence text a file is not
# reported as that licence by itself (it is reported as a weaker, partial match).
FULL_COVERAGE = 75.0
PARTIAL_COVERAGE = 30.0

_URL_ONLY_RE = re.compile(
    r"^\s*(?:(?:see|license|licence|licensed under|terms)\s*:?\s*)?<?(https?://\S+?)>?\s*\.?\s*$",
    re.IGNORECASE,
)
_SPDX_TAG_RE = re.compile(r"SPDX-License-Identifier:\s*([^\n\r*/]+)", re.IGNORECASE)
_LEAD_IN_RE = re.compile(
    r"^(?:this (?:model|repository|project|code) is )?(?:licensed under|license:|licence:)\s*",
    re.IGNORECASE,
)
_MD_LINK_RE = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")  # no nested brackets: linear
_TAG_RE = re.compile(r"<[^<>]{1,200}>")
# Custom terms that forbid commercial use (phrases of prohibition, not the mere word, which
# open licences use too: "commercially or noncommercially" in the GFDL).
_NC_TERMS_RE = re.compile(
    r"non-?commercial (?:use|purposes?|research)(?: \w+){0,3} only|only for non-?commercial"
    r"|not (?:be used )?for commercial|no commercial use|commercial use (?:is |are )?"
    r"(?:not (?:permitted|allowed)|prohibited|forbidden)|research (?:purposes|use) only"
    r"|under a non-?commercial licen[cs]e"
)


@dataclass(frozen=True)
class SpdxMatch:
    """One region of a text recognised as an SPDX licence."""

    license_id: str
    start: int
    end: int


def decode(data: bytes) -> tuple[str, str | None]:
    """Text of a licence file's bytes, and a note when it was not plain UTF-8.

    BOMs first (UTF-8, UTF-16, UTF-32), then UTF-8, then Windows-1252 and finally Latin-1,
    which decodes any byte: a licence text in a legacy encoding is still matched.
    """
    boms = [
        (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
    ]
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                return data.decode(enc), None if enc == "utf-8-sig" else f"decoded as {enc} (BOM)"
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; decoded as Latin-1"


def demarkdown(text: str) -> str:
    """Markdown and HTML markup removed, so that a licence pasted into a README still matches."""
    text = _MD_LINK_RE.sub(r"\1", text)
    text = _TAG_RE.sub(" ", text)
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[*+-]\s+(?=\S)|\d+[.)]\s+(?=[A-Z(]))", "", line)
        line = re.sub(r"(\*\*|__|\*|`)", "", line)
        if re.fullmatch(r"\s*[-=*_|:]{3,}\s*", line):
            continue
        lines.append(line)
    return "\n".join(lines)


def spdx_matches(text: str) -> tuple[list[SpdxMatch], float]:
    """licenseclassifier's matched regions and the share of the text's words they cover (0-100)."""
    from licenseclassifier import identify_license

    from truecard.licenses.matcher import load_matcher

    load_matcher()
    hits = identify_license(text, coverage_threshold=0.0)
    if not hits:
        return [], 0.0
    total = len(re.findall(r"\w+", text))
    covered = sum(len(re.findall(r"\w+", text[h.start:h.end])) for h in hits)
    coverage = 100.0 * covered / total if total else 0.0
    return [SpdxMatch(h.id, h.start, h.end) for h in hits], min(coverage, 100.0)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


@dataclass
class _AiHit:
    """An AI licence of the data table that a licence text resembles, and how closely."""

    entry: dict
    score: float
    title_at: int | None  # offset of the title in the normalised text, if found
    hits: list[str]


def ai_marker_hits(norm: str) -> list[_AiHit]:
    """The data file's entries whose markers occur in the normalised text, best first.

    The title (first marker) weighs 10, each further marker 1; a title near the start of the
    text is what a licence file looks like, a title deep inside is a mention.
    """
    out: list[_AiHit] = []
    for e in ai_licenses():
        markers = e.get("markers") or []
        if not markers:
            continue
        hits = [m for m in markers if m in norm]
        if not hits:
            continue
        title_at = norm.find(markers[0]) if markers[0] in hits else None
        score = (10.0 if title_at is not None else 0.0) + (len(hits) - (title_at is not None))
        out.append(_AiHit(e, score, title_at, hits))
    out.sort(key=lambda h: (-h.score, h.title_at if h.title_at is not None else 1 << 30))
    return out


def _ai_verdict(norm: str, hits: list[_AiHit]) -> LicenseVerdict | None:
    if not hits:
        return None
    best = hits[0]
    if best.title_at is not None:
        near_top = best.title_at < max(600, len(norm) // 20)
        conf = 0.95 if near_top else 0.7
        conf = min(0.99, conf + 0.01 * (len(best.hits) - 1))
        where = "at the top" if near_top else "inside the text (a mention, not the heading)"
        return _verdict_from_ai(
            best.entry, conf,
            f"text carries the title {best.entry['markers'][0]!r} {where}"
            + (f" and {len(best.hits) - 1} more of its phrases" if len(best.hits) > 1 else ""),
            "ai-markers")
    if len(best.hits) >= 2:
        tied = [h for h in hits if h.score == best.score]
        if len(tied) > 1:
            generic = next((h for h in tied if h.entry["id"] == "openrail"), tied[0])
            v = _verdict_from_ai(
                generic.entry, 0.55,
                "no licence title found; phrases shared by "
                + ", ".join(h.entry["id"] for h in tied) + f" ({', '.join(best.hits)})",
                "ai-markers")
            return v
        return _verdict_from_ai(
            best.entry, 0.7, f"no title found, but {len(best.hits)} of its phrases: "
            + ", ".join(repr(h) for h in best.hits), "ai-markers")
    return None


def _short_statement(stripped: str) -> LicenseVerdict | None:
    """A licence file that is only an id, a name or an SPDX tag ("MIT", "Apache License 2.0")."""
    tag = _SPDX_TAG_RE.search(stripped)
    if tag:
        v = classify_id(tag.group(1).strip())
        if v.license_class is not LicenseClass.UNKNOWN:
            v.reason = f"SPDX-License-Identifier tag: {v.reason}"
            v.confidence = min(v.confidence, 0.9)
            return v
    if len(stripped) > 200 or "\n\n" in stripped:
        return None
    one = " ".join(demarkdown(stripped).split())
    one = _LEAD_IN_RE.sub("", one).rstrip(".")
    named = classify_name(one)
    if named is None:
        cv = classify_id(one)
        named = cv if cv.license_class is not LicenseClass.UNKNOWN else None
    if named is not None:
        named.confidence = min(named.confidence, 0.7)
        named.reason = f"licence file holds only the licence's name: {named.reason}"
    return named


def _title_guess(text: str) -> LicenseVerdict | None:
    """The licence a text's title names, when its body matches no known text (weak evidence).

    Titles carry dates and subtitles ("GNU Free Documentation License / Version 1.2, November
    2002"), so the longest known prefix of the title's tokens is looked up.
    """
    lines = [ln.strip() for ln in demarkdown(text[:3000]).splitlines() if ln.strip()][:4]
    candidates = [" ".join(lines[:2]), *lines] if len(lines) > 1 else lines
    for line in candidates:
        if len(line) > 160:
            continue
        toks = _tokens(line)
        for n in range(min(len(toks), 8), 0, -1):
            key = _fuzzy_index().get(toks[:n])
            if key is None or (n == 1 and len(toks) > 3):
                continue
            if len(text.strip()) < 600:
                # a stub: the licence's title and heading, nothing that contradicts it
                return _verdict_for_key(
                    key, 0.75, f"titled {line!r}; the file holds only the licence's heading, "
                    "not its full text", "title")
            return _verdict_for_key(
                key, 0.45,
                f"titled {line!r} but the text does not match that licence's text "
                "(modified, abridged or not in the matcher's data): best match", "title")
    return None


def _heuristics(head: str, norm: str) -> LicenseVerdict | None:
    """Custom terms: recognised by what they forbid, with a low confidence."""
    if _NC_TERMS_RE.search(head):
        return LicenseVerdict(None, "custom non-commercial terms", LicenseClass.NON_COMMERCIAL,
                              False, 0.5, "custom text forbidding commercial use",
                              method="heuristic")
    if "all rights reserved" in head and "permission is hereby granted" not in norm:
        return LicenseVerdict(None, "all rights reserved", LicenseClass.PROPRIETARY, False, 0.5,
                              "custom text reserving all rights", method="heuristic")
    if re.search(r"(you (shall|will|may) not use|use restrictions|acceptable use policy)", norm):
        return LicenseVerdict(None, "custom use-restricted terms", LicenseClass.RESTRICTED,
                              False, 0.5, "custom text with use restrictions", method="heuristic")
    return None


def _spdx_verdict(text: str, matches: list[SpdxMatch], coverage: float,
                  note: str) -> LicenseVerdict:
    ids = list(dict.fromkeys(m.license_id for m in matches))
    first, last = matches[0], matches[-1]
    if coverage >= FULL_COVERAGE:
        conf = min(0.99, 0.75 + 0.25 * (coverage - FULL_COVERAGE) / (100 - FULL_COVERAGE))
        how = f"matches the SPDX licence text ({coverage:.0f}% of the words are licence text)"
    else:
        conf = 0.3 + 0.4 * (coverage - PARTIAL_COVERAGE) / (FULL_COVERAGE - PARTIAL_COVERAGE)
        how = (f"partial match: only {coverage:.0f}% of the words are recognised licence text; "
               "the rest is other prose or modified terms (best match)")
    if len(ids) == 1:
        v = spdx_verdict(ids[0], conf, f"{ids[0]}: {how}{note}", "spdx-text")
    else:
        parts = [{"id": i, "class": str(spdx_class(i))} for i in ids]
        cls = combine_classes([LicenseClass(p["class"]) for p in parts], disjunctive=False)
        expr = " AND ".join(ids)
        v = LicenseVerdict(
            expr, expr, cls, None, conf,
            f"the file holds {len(ids)} licences ({', '.join(ids)}): {how}{note}",
            "licenseclassifier (SPDX License List templates)", parts=parts, method="spdx-text",
        )
    v.source = f"text matched by licenseclassifier (SPDX templates); {v.source}"
    v.line_start, v.line_end = _line_of(text, first.start), _line_of(text, last.end - 1)
    return v


def _normalise(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def match_text(text: str) -> LicenseVerdict:
    """Identify the licence a licence file's text states, with a confidence and a reason.

    A text seen before (in this process, or by an earlier scan with the same matcher and
    data) is answered from its hash (`truecard.licenses.memo`) without loading the matcher.
    """
    if len(text) > MAX_CHARS:
        return match_text_fresh(text)
    from truecard.licenses import memo

    key = memo.text_key(_normalise(text))
    hit = memo.get(key)
    if hit is not None:
        return hit
    verdict = match_text_fresh(text)
    memo.put(key, verdict)
    return verdict


def match_text_fresh(text: str) -> LicenseVerdict:
    """`match_text` without the memo: every matcher runs on the text."""
    note = ""
    if len(text) > MAX_CHARS:
        note = f" (only the first {MAX_CHARS // 1000} kB of {len(text) // 1000} kB were read)"
        text = text[:MAX_CHARS]
    text = _normalise(text)
    stripped = text.strip()
    if not stripped or not re.search(r"\w", stripped):
        return LicenseVerdict(None, "empty", LicenseClass.UNKNOWN, None, 0.0,
                              "licence file is empty: it states no terms", method="empty")
    m = _URL_ONLY_RE.match(stripped)
    if m:
        lv = classify_link(m.group(1))
        if lv is not None:
            lv.confidence = min(lv.confidence, 0.7)
            lv.reason = f"licence file holds only a link: {lv.reason}"
            return lv
        return LicenseVerdict(None, m.group(1), LicenseClass.UNKNOWN, None, 0.0,
                              f"licence file holds only a URL ({m.group(1)}), which names no "
                              "licence truecard knows; truecard does not follow links",
                              method="url")
    short = _short_statement(stripped)
    if short is not None:
        return short

    norm = _norm(re.sub(r"[#*_>`|]", " ", text))
    ai = _ai_verdict(norm, ai_marker_hits(norm))
    matches, coverage = spdx_matches(text)
    if coverage < FULL_COVERAGE:
        md_text = demarkdown(text)
        if md_text != text:
            m2, c2 = spdx_matches(md_text)
            if c2 > coverage:
                matches, coverage, text = m2, c2, md_text

    spdx = None
    if matches and coverage >= PARTIAL_COVERAGE:
        spdx = _spdx_verdict(text, matches, coverage, note)
    if ai is not None and spdx is not None:
        # Both: an AI licence that quotes an open licence, or an open licence file that also
        # names model terms. The better-evidenced one leads; the other is kept as a part.
        spdx_leads = coverage >= FULL_COVERAGE and ai.confidence < 0.9
        lead, other = (spdx, ai) if spdx_leads else (ai, spdx)
        lead.parts = (lead.parts or [{"id": lead.license_id, "class": str(lead.license_class)}]) + (
            other.parts or [{"id": other.license_id, "class": str(other.license_class)}])
        lead.reason += f"; the text also carries {other.license_id} ({other.license_class})"
        return lead
    if ai is not None:
        ai.reason += note
        return ai
    if spdx is not None:
        return spdx
    head = norm[:4000]
    for guess in (_title_guess(text), _heuristics(head, norm)):
        if guess is not None:
            guess.reason += note
            return guess
    return LicenseVerdict(None, "unrecognised text", LicenseClass.UNKNOWN, None, 0.0,
                          "licence text not recognised: no SPDX licence text, AI licence title "
                          "or known licence name found" + note, method="unrecognised")

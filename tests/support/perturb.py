"""Real-world reformatting of licence texts, for the matcher's tests and benchmark.

Licence files in model repositories are rarely the canonical text: they are re-wrapped,
carry the publisher's copyright line, get pasted into Markdown, or travel with Windows line
endings and curly quotes. Each function here makes one such variation deterministically, so
that tests and `benchmarks/license_matcher.py` can check the matcher still recognises the text.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

# A copyright notice line ("Copyright (c) 2019 OpenAI", "Copyright [yyyy] [name]"), not a
# wrapped licence line that merely starts with the word ("copyright owner that is granting").
_COPYRIGHT_RE = re.compile(
    r"^\s*(?:copyright\s*(?:\(c\)|©|\d{4}|\[)|\(c\)\s*\d{4}|©).*$", re.IGNORECASE | re.MULTILINE
)


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def reflow(text: str, width: int = 62) -> str:
    """Every paragraph re-wrapped to another width (what editors and renderers do)."""
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width) for p in paragraphs(text))


def one_line_paragraphs(text: str) -> str:
    """Each paragraph on one line (how licences pasted from web pages look)."""
    return "\n\n".join(" ".join(p.split()) for p in paragraphs(text))


def change_copyright(text: str, holder: str = "Example Labs GmbH", year: str = "2031") -> str:
    """The copyright line replaced by another holder's, or added on top if there is none."""
    line = f"Copyright (c) {year} {holder}"
    if _COPYRIGHT_RE.search(text):
        return _COPYRIGHT_RE.sub(line, text, count=1)
    return f"{line}\n\n{text}"


def markdown(text: str) -> str:
    """The text as a Markdown document: a heading, bold section numbers, bullet lists."""
    paras = paragraphs(text)
    if not paras:
        return text
    out = [f"# {' '.join(paras[0].split())}"]
    for p in paras[1:]:
        flat = " ".join(p.split())
        m = re.match(r"^(\d+\.|\([a-z0-9]+\)|[a-z]\.)\s+(.*)$", flat)
        if m:
            out.append(f"- **{m.group(1)}** {m.group(2)}")
        else:
            out.append(flat)
    return "\n\n".join(out) + "\n"


def html(text: str) -> str:
    """Paragraphs in HTML tags (a licence copied from a web page's source)."""
    return "\n".join(f"<p>{' '.join(p.split())}</p>" for p in paragraphs(text))


def typographic(text: str) -> str:
    """Curly quotes, CRLF line endings and trailing spaces."""
    t = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", text).replace("'", "\u2019")
    return "\r\n".join(line + "  " for line in t.split("\n"))


PERTURBATIONS: dict[str, Callable[[str], str]] = {
    "original": lambda t: t,
    "reflowed": reflow,
    "one-line-paragraphs": one_line_paragraphs,
    "copyright-changed": change_copyright,
    "markdown": markdown,
    "html": html,
    "typographic": typographic,
}

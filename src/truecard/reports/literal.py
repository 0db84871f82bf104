"""Text read from a scanned repository, made safe to show literally in every output.

A model card is written by whoever published the model. Its words reach the terminal, a pull
request's Markdown, an HTML page and JSON files, and none of those may reinterpret them:

- terminal: no rich markup (`[bold]`), no emoji codes (`:100:` stays `:100:`), no ANSI escape
  sequences and no bidirectional overrides (which can make `evil.py` display as `yp.live`);
- Markdown: no emphasis, links, raw HTML or GitHub emoji codes from the repository's text;
- HTML: escaped, and the same invisible characters made visible;
- JSON: the exact value, with the dangerous characters written as `\\uXXXX` escapes so that
  `cat card.json` cannot drive the terminal.

Control characters are *shown*, not dropped: `\\x1b` or `\\u202e` appear as those six
characters, so a reader sees that the repository contains them.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls; bidirectional embeddings, overrides and
# isolates, the Arabic letter mark, LRM/RLM; line and paragraph separators; BOM and zero-width
# characters that hide text.
_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
)
_UNSAFE = re.compile(f"[{_INVISIBLE}]")
_UNSAFE_WITH_NEWLINES = re.compile(f"[{_INVISIBLE}\\t\\n]")


def _visible(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch == "\n":
        return " "
    if ch == "\t":
        return " "
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def literal(text: object, *, multiline: bool = False) -> str:
    """`text` with control and bidi characters shown as escapes; newlines folded unless `multiline`."""
    s = "" if text is None else str(text)
    return (_UNSAFE if multiline else _UNSAFE_WITH_NEWLINES).sub(_visible, s)


def has_unsafe(text: str) -> bool:
    """Whether `text` holds a character `literal` would rewrite (newlines and tabs aside)."""
    return bool(_UNSAFE.search(text))


# --- Markdown ---------------------------------------------------------------------------

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# that can start emphasis, links and images (`[`, `]`: a `(` after an escaped `]` is plain),
# raw HTML, entities, code, table cells, strike-through or math anywhere in a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
# ... and these only at the start of a line (headings, lists, block quotes, setext rules).
_MD_LINE_START = re.compile(r"^([#+\-=>])")
# GitHub turns :name: into an emoji in prose (not in code spans), escaped colons included.
_EMOJI_CODE = re.compile(r":([A-Za-z0-9_+\-]+):")


def md_text(text: object) -> str:
    """Repository text as Markdown prose that renders exactly as the text reads."""
    s = literal(text)
    out: list[str] = []
    pos = 0
    for m in _EMOJI_CODE.finditer(s):
        out.append(_MD_SPECIAL.sub(r"\\\1", s[pos : m.start()]))
        out.append(md_code(m.group(0)))
        pos = m.end()
    out.append(_MD_SPECIAL.sub(r"\\\1", s[pos:]))
    return _MD_LINE_START.sub(r"\\\1", "".join(out))


def md_code(text: object, *, in_table: bool = True) -> str:
    """Repository text as a Markdown code span (literal on GitHub, emoji codes included).

    The fence is one backtick longer than the longest run inside; in a table cell `|` is
    escaped because GFM splits cells on it even inside code spans.
    """
    s = literal(text)
    if not s:
        return ""
    longest = max((len(r) for r in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or (s.startswith(" ") and s.endswith(" ")) else ""
    body = s.replace("|", "\\|") if in_table else s
    return f"{fence}{pad}{body}{pad}{fence}"


# --- JSON -------------------------------------------------------------------------------

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def json_safe(document: str) -> str:
    """A JSON document with the invisible characters JSON allows raw written as `\\uXXXX`.

    Such characters can only occur inside JSON strings, where `\\uXXXX` means the same
    character: the data is unchanged, only its spelling is.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", document)

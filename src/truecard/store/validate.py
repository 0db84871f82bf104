"""Input checks shared by the API, the pages and the importer."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

URL_MAX = 2000
NOTE_MAX = 2000
NAME_MAX = 100

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,99}$")


def safe_http_url(url: object) -> str | None:
    """The URL if it is a plain http(s) URL with a host, else None (never `javascript:` ...)."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    if not u or len(u) > URL_MAX or _CONTROL.search(u) or any(c.isspace() for c in u):
        return None
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return u


def check_evidence_url(url: object) -> str:
    u = safe_http_url(url)
    if u is None:
        raise ValueError(f"evidence_url must be an http:// or https:// URL of at most {URL_MAX} characters")
    return u


def check_note(note: object) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise ValueError("note must be text")
    n = _CONTROL.sub("", note.replace("\r\n", "\n")).strip()
    if len(n) > NOTE_MAX:
        raise ValueError(f"note is {len(n)} characters; at most {NOTE_MAX}")
    return n


def check_user_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name.strip()):
        raise ValueError(
            "name must be 1-100 characters: letters, digits, space, '.', '_', '@', '-', starting with a letter or digit"
        )
    return name.strip()

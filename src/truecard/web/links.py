"""Links from a piece of evidence to the file it cites, at the exact revision that was read.

Hugging Face: https://huggingface.co/ORG/NAME/blob/REV/PATH#L12
GitHub:       https://github.com/ORG/REPO/blob/REV/PATH#L12-L20
GitLab:       https://gitlab.com/GROUP/REPO/-/blob/REV/PATH#L12-20

A local folder has no public address: its evidence is shown as path, lines and revision,
without a link. Only http(s) URLs are ever emitted (a scorecard's own `url` fields included).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from truecard.store.cards import repo_path
from truecard.store.validate import safe_http_url


def web_base(src: dict[str, Any]) -> tuple[str, str] | None:
    """(base URL of the repository, host kind) for a source, if it has a public address."""
    kind = src.get("kind") or ""
    loc = str(src.get("location") or "")
    if loc.startswith(("http://", "https://")):
        if safe_http_url(loc) is None:
            return None
        parts = urlsplit(loc)
        host = (parts.hostname or "").lower()
        path = parts.path.strip("/").removesuffix(".git")
        if host in ("huggingface.co", "www.huggingface.co"):
            if path.startswith(("datasets/", "spaces/")):
                segs = path.split("/")
                return (f"https://huggingface.co/{'/'.join(segs[:3])}", "hf") if len(segs) >= 3 else None
            rp = repo_path(path)
            return (f"https://huggingface.co/{rp}", "hf") if rp else None
        if host in ("github.com", "www.github.com"):
            rp = repo_path(path)
            return (f"https://github.com/{rp}", "gh") if rp else None
        if host == "gitlab.com" and path:
            return f"https://gitlab.com/{path}", "gitlab"
        return None
    if kind == "hf":
        rp = repo_path(loc)
        return (f"https://huggingface.co/{rp}", "hf") if rp else None
    if kind == "gh":
        rp = repo_path(loc)
        return (f"https://github.com/{rp}", "gh") if rp else None
    return None


def file_href(src: dict[str, Any], path: str, revision: str | None,
              line_start: int | None = None, line_end: int | None = None) -> str | None:
    base = web_base(src)
    if base is None or not path:
        return None
    url, host = base
    ref = revision or ("main" if host == "hf" else "HEAD")
    p = quote(path.lstrip("/"), safe="/")
    r = quote(ref, safe="")
    if host == "gitlab":
        href = f"{url}/-/blob/{r}/{p}"
        if line_start:
            href += f"#L{line_start}" + (f"-{line_end}" if line_end and line_end != line_start else "")
        return href
    href = f"{url}/blob/{r}/{p}"
    if line_start:
        href += f"#L{line_start}"
        if host == "gh" and line_end and line_end != line_start:
            href += f"-L{line_end}"
    return href


def evidence_link(ev: dict[str, Any], sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """{'href', 'label', 'revision', 'pinned', 'host'} for one evidence item (href and host may be
    None); the model page shows the host next to every link, so no label hides where it goes."""
    src = sources.get(ev.get("source") or "") or {}
    revision = ev.get("revision") or src.get("revision")
    path = ev.get("path")
    label = path or ev.get("url") or ev.get("field") or ev.get("kind") or "evidence"
    if path and ev.get("line_start"):
        label += f":{ev['line_start']}"
        if ev.get("line_end") and ev["line_end"] != ev["line_start"]:
            label += f"-{ev['line_end']}"
    href = None
    if path and src:
        href = file_href(src, path, revision, ev.get("line_start"), ev.get("line_end"))
    if href is None:
        href = safe_http_url(ev.get("url"))
        if href is not None and label != href:
            # a URL the scorecard itself supplies: the reader sees where it goes, so a
            # "README.md:12" label cannot hide https://evil.example/phish
            label += f" ({(urlsplit(href).hostname or '').lower()})"
    host = (urlsplit(href).hostname or "").lower() if href else None
    return {"href": href, "label": label, "revision": revision, "pinned": bool(href and revision and path),
            "host": host}

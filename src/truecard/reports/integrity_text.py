"""The "Integrity" section of the human-readable reports (terminal table, Markdown, HTML).

One place says what the integrity checks found, so every report shows the same thing: how many
weight files are code-free, each pickle that imports code (file and globals), each model
signature with its verdict and signer, and each BOM the repository ships (declared, not
verified). The section is always present; with nothing to check it says so. Names come from the
scanned repository, so control characters are removed before they reach a terminal.
"""

from __future__ import annotations

from html import escape
from typing import Any

from truecard.models import Scorecard

TITLE = "Integrity"
_SIG_WORDS = {
    "verified": "verified: authentic signer, every signed file matches",
    "digests-match": "files match the signed manifest; signer stated, not authenticated",
    "mismatch": "MISMATCH: the files differ from what was signed",
    "untrusted": "NOT signed by the trusted key or certificate",
    "invalid": "INVALID bundle",
    "unchecked": "files not checked",
}


def _clean(text: Any) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))


def lines(card: Scorecard) -> list[tuple[str, str]]:
    """(line, level) pairs; level is 'ok', 'warn' or 'error'."""
    integ = card.integrity
    if integ is None:
        return [("not checked (scorecard made before integrity checks existed)", "warn")]
    out: list[tuple[str, str]] = []
    counts: dict[str, list[str]] = {}
    for s in integ.serialization:
        counts.setdefault(s.verdict, []).append(s.format)
    if counts:
        parts = []
        for verdict in ("code-free", "safe", "unsafe", "not-scanned", "error"):
            if verdict in counts:
                fmts = sorted(set(counts[verdict]))
                word = {"safe": "pickle-based, allow-listed imports only", "unsafe": "UNSAFE pickle",
                        "not-scanned": "not scanned", "error": "unreadable"}.get(verdict, "code-free")
                parts.append(f"{len(counts[verdict])} {word} ({', '.join(fmts)})")
        out.append(("weights: " + "; ".join(parts), "error" if "unsafe" in counts else "ok"))
    else:
        out.append(("weights: no weight or checkpoint files found", "ok"))
    for s in integ.serialization:
        if s.verdict == "unsafe":
            out.append((f"unsafe pickle {_clean(s.path)}: {_clean(s.message)}", "error"))
        elif s.verdict in ("not-scanned", "error"):
            out.append((f"{_clean(s.path)}: {s.verdict}: {_clean(s.message)}", "warn"))
    for sig in integ.signatures:
        level = "ok" if sig.verdict == "verified" else "error" if sig.verdict in (
            "mismatch", "untrusted", "invalid") else "warn"
        out.append((f"signature {_clean(sig.path)}: {_SIG_WORDS.get(sig.verdict, sig.verdict)}. "
                    f"{_clean(sig.message)}", level))
    if not integ.signatures:
        out.append(("signature: none found (no model-signing bundle in the repository)", "ok"))
    for d in integ.declared:
        lic = ", ".join(map(_clean, d.licenses)) or "no licence"
        extra = f" ({'; '.join(map(_clean, d.problems[:2]))})" if d.problems else ""
        out.append((f"shipped {d.format} BOM {_clean(d.path)} declares {lic}"
                    + (f", datasets {', '.join(map(_clean, d.datasets[:5]))}" if d.datasets else "")
                    + f" — declared, not verified{extra}", "warn" if d.problems else "ok"))
    return out


def rich(card: Scorecard) -> Any:
    """A rich Text block for the terminal table's footer."""
    from rich.text import Text

    t = Text()
    t.append(f"\n{TITLE}", style="bold")
    style = {"ok": "", "warn": "yellow", "error": "bold red"}
    for line, level in lines(card):
        t.append(f"\n  {'✗' if level == 'error' else '•'} {line}", style=style[level])
    return t


def markdown(card: Scorecard) -> list[str]:
    out = [f"## {TITLE}", ""]
    for line, level in lines(card):
        text = line.replace("|", "\\|").replace("\n", " ")
        out.append(f"- {'**' + text + '**' if level == 'error' else text}")
    return [*out, ""]


def html(card: Scorecard) -> str:
    items = "".join(
        f'<li class="integrity-{level}">{"<strong>" if level == "error" else ""}{escape(line)}'
        f'{"</strong>" if level == "error" else ""}</li>'
        for line, level in lines(card)
    )
    return f'<h2 id="integrity">{TITLE}</h2><ul class="integrity">{items}</ul>'

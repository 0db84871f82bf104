"""Scorecards without the scanning machine's absolute paths.

A scan of `./my-model` records the folder as `local:/home/alice/work/my-model`. That is
useful in the process that scanned it, but a report pasted into a pull request, or an
evaluation shown on a shared dashboard, must not publish the scanner's home folder. Every
output therefore names a local source by a path relative to the folder the command ran in
(what the user typed), or by the folder's own name when it lies elsewhere; evidence already
names files relative to the source, and its revision identifies the exact content.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from truecard.models import Scorecard


def _is_absolute(location: str) -> bool:
    return PurePosixPath(location).is_absolute() or PureWindowsPath(location).is_absolute()


def shown_location(location: str, relative_to: Path | None) -> str:
    """How an absolute folder is named in output: relative to `relative_to` when inside it,
    else by its last component."""
    if relative_to is not None:
        try:
            rel = Path(location).resolve().relative_to(relative_to.resolve())
        except (ValueError, OSError):
            rel = None
        if rel is not None:
            return rel.as_posix() or "."
    name = PureWindowsPath(location).name if "\\" in location else PurePosixPath(location).name
    return name or "."


def replacements(sources: list[dict[str, Any]], relative_to: Path | None) -> list[tuple[str, str]]:
    """(absolute prefix, shown form) pairs, longest first, for the sources' absolute locations."""
    pairs: dict[str, str] = {}
    for s in sources:
        loc = str(s.get("location") or "")
        if loc and _is_absolute(loc):
            root = loc.rstrip("/\\") or loc
            pairs[root] = shown_location(root, relative_to)
            try:
                real = str(Path(root).resolve())
            except OSError:
                real = root
            pairs.setdefault(real, pairs[root])
    home = os.path.expanduser("~")
    if home and home not in ("/", "~") and _is_absolute(home):
        pairs.setdefault(home.rstrip("/\\"), "~")
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def _scrub(value: Any, pattern: re.Pattern[str] | None, table: dict[str, str]) -> Any:
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(lambda m: table[m.group(1)], value) if value else value
    if isinstance(value, list):
        return [_scrub(v, pattern, table) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, table) for k, v in value.items()}
    return value


def _pattern(sources: list[dict[str, Any]], relative_to: Path | None) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    pairs = replacements([s for s in sources if isinstance(s, dict)], relative_to)
    if not pairs:
        return None, {}
    # a prefix counts only as a whole path: followed by a separator, a quote, space or the end
    return re.compile("(" + "|".join(re.escape(p) for p, _ in pairs) + r")(?![\w.\-])"), dict(pairs)


def portable_doc(doc: dict[str, Any], relative_to: Path | None = None) -> dict[str, Any]:
    """A scorecard document (as JSON data) with every absolute local path replaced."""
    pattern, table = _pattern(((doc.get("subject") or {}).get("sources")) or [], relative_to)
    if pattern is None:
        return doc
    return _scrub(doc, pattern, table)  # type: ignore[no-any-return]


def scrub(value: Any, sources: list[dict[str, Any]], relative_to: Path | None = None) -> Any:
    """Any JSON-like value (a `licenses` report, say) with the sources' absolute paths replaced."""
    pattern, table = _pattern(sources, Path.cwd() if relative_to is None else relative_to)
    return _scrub(value, pattern, table)


def portable_text(text: str, card: Scorecard, relative_to: Path | None = None) -> str:
    """A report rendered from `card` with the absolute paths of its local sources replaced.

    Formats that relate files to a folder of their own (SARIF's `base_dir`) render from the
    real paths first; whatever absolute path is left in the text is then replaced.
    """
    base = Path.cwd() if relative_to is None else relative_to
    pattern, table = _pattern([s.model_dump() for s in card.subject.sources], base)
    return text if pattern is None else pattern.sub(lambda m: table[m.group(1)], text)


def portable(card: Scorecard, relative_to: Path | None = None) -> Scorecard:
    """A copy of `card` naming local sources relatively (see the module's docstring).

    `relative_to` defaults to the current folder; pass None explicitly through
    `portable_doc` to name outside folders by their last component only.
    """
    base = Path.cwd() if relative_to is None else relative_to
    doc = card.model_dump(mode="json")
    out = portable_doc(doc, base)
    if out is doc:
        return card
    return Scorecard.model_validate(out)

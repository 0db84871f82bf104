"""Jinja filters and globals for the templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from markdown_it import MarkdownIt
from markupsafe import Markup

from truecard.spec import load_spec
from truecard.web.svg import DIM_COLOURS, TIER_COLOURS, UNRATED
from truecard.web.view import short_rev


def fmt_dt(value: Any, with_time: bool = True) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return ""
    return value.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def query(params: dict[str, Any], **changes: Any) -> str:
    """A query string from the current parameters with some changed (None drops one)."""
    merged = {**params, **changes}
    pairs = [(k, v) for k, v in merged.items() if v not in (None, "")]
    return "?" + urlencode(pairs, doseq=True) if pairs else "?"


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # only http(s) links become links (never javascript:, data:, relative paths)
    md.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://"))  # type: ignore[method-assign]
    md.disable(["image"])
    return md


_MD = _markdown()


def markdown_inline(text: Any) -> Markup:
    """Inline Markdown of a reason or a hint (code spans, emphasis, http links), made safe:
    raw HTML in the text is escaped, not passed through."""
    if text is None:
        return Markup("")
    html = _MD.renderInline(str(text))
    html = html.replace("<a href=", '<a rel="nofollow noopener noreferrer" href=')
    return Markup(html)


def install(env: Environment) -> None:
    env.filters["md"] = markdown_inline
    env.filters["dt"] = fmt_dt
    env.filters["rev"] = short_rev
    env.globals["qs"] = query
    env.globals["TIER_COLOURS"] = TIER_COLOURS
    env.globals["DIM_COLOURS"] = DIM_COLOURS
    env.globals["UNRATED"] = UNRATED
    # the TRUE spec: `true_spec()` is the current one, `true_spec(doc.spec.version)` a stored
    # scorecard's; totals, maxima, dimensions and tiers in templates come from it
    env.globals["true_spec"] = load_spec

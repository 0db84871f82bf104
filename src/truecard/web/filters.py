"""Jinja filters and globals for the templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment

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


def install(env: Environment) -> None:
    env.filters["dt"] = fmt_dt
    env.filters["rev"] = short_rev
    env.globals["qs"] = query
    env.globals["TIER_COLOURS"] = TIER_COLOURS
    env.globals["DIM_COLOURS"] = DIM_COLOURS
    env.globals["UNRATED"] = UNRATED

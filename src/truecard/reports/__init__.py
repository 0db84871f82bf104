"""Reports: render a Scorecard (terminal table, JSON, Markdown; more formats plug in here).

A format is a function `render(card, **options) -> str`; `FORMATS` maps names to the module
that provides it, imported only when asked for so start-up stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from truecard.models import Scorecard

FORMATS: dict[str, str] = {
    "table": "truecard.reports.table",
    "json": "truecard.reports.json_report",
    "markdown": "truecard.reports.markdown",
    "sarif": "truecard.reports.sarif",
    "html": "truecard.reports.html_report",
    "cyclonedx": "truecard.reports.cyclonedx_report",
    "spdx3": "truecard.reports.spdx3",
    "badge": "truecard.reports.badge",
    "shields": "truecard.reports.shields",
}


def renderer(fmt: str) -> Callable[..., Any]:
    if fmt not in FORMATS:
        raise KeyError(fmt)
    return importlib.import_module(FORMATS[fmt]).render  # type: ignore[no-any-return]


def render(card: Scorecard, fmt: str, **options: Any) -> str:
    return renderer(fmt)(card, **options)  # type: ignore[no-any-return]

"""Reports: render a Scorecard (terminal table, JSON, Markdown, HTML, SARIF, ...).

A format is a module with a function `render(card, **options) -> str`; `FORMATS` maps names to
the module that provides it, imported only when asked for so start-up stays fast. `render()`
makes every report *portable*: local sources named relatively, never by the scanning
machine's absolute path (`truecard.reports.portable`).

    >>> import truecard
    >>> card = truecard.scan("examples/tiny-open-model")
    >>> print(truecard.render(card, "markdown"))  # doctest: +SKIP
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


class UnknownFormat(ValueError):
    """A format name that is not in `FORMATS`."""


def renderer(fmt: str) -> Callable[..., Any]:
    """The `render` function of format `fmt` (raises `KeyError` for an unknown name)."""
    if fmt not in FORMATS:
        raise KeyError(fmt)
    return importlib.import_module(FORMATS[fmt]).render  # type: ignore[no-any-return]


def render(card: Scorecard, fmt: str = "markdown", **options: Any) -> str:
    """`card` as text in format `fmt` (one of `FORMATS`).

    Options go to the format: `verbose=True` and `width=` for `table`, `show_true=False` to
    show only the other frameworks' views. Raises `UnknownFormat` for a name not in `FORMATS`
    and `ImportError` when the format needs an extra that is not installed (`cyclonedx`).
    """
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    import inspect

    from truecard.reports.portable import portable, portable_text

    fn = renderer(fmt)
    # a format that relates files to a folder of its own (SARIF's base_dir) needs the real
    # paths; every other one renders the portable card. Either way the text is checked after.
    shown = card if "base_dir" in inspect.signature(fn).parameters else portable(card)
    return portable_text(fn(shown, **options), card)

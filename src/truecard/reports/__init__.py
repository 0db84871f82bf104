"""Reports: render a Scorecard (terminal table, JSON, Markdown, HTML, SARIF, ...).

A format is a module with a function `render(card, **options) -> str`, registered in
`truecard.registry` (group `truecard.formats`, so an installed package can add one); `FORMATS`
maps names to where each lives, and a format is imported only when asked for so start-up stays
fast. `render()`
makes every report *portable*: local sources named relatively, never by the scanning
machine's absolute path (`truecard.reports.portable`).

    >>> import truecard
    >>> card = truecard.scan("examples/tiny-open-model")
    >>> print(truecard.render(card, "markdown"))  # doctest: +SKIP
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from truecard.models import Scorecard


class _Formats(Mapping[str, str]):
    """Format name -> where it lives, read from the registry each time (a package installed
    after start-up, or in a test, is seen)."""

    def _all(self) -> dict[str, str]:
        from truecard.registry import plugins

        return {n: p.target for n, p in plugins("formats").items()}

    def __getitem__(self, name: str) -> str:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


FORMATS: Mapping[str, str] = _Formats()


class UnknownFormat(ValueError):
    """A format name that is not in `FORMATS`."""


def renderer(fmt: str) -> Callable[..., Any]:
    """The `render` function of format `fmt` (raises `KeyError` for an unknown name)."""
    from truecard.registry import load, plugins

    found = plugins("formats")
    if fmt not in found:
        raise KeyError(fmt)
    obj = load(found[fmt])
    return obj if callable(obj) and not inspect.ismodule(obj) else obj.render  # type: ignore[no-any-return]


def render(card: Scorecard, fmt: str = "markdown", **options: Any) -> str:
    """`card` as text in format `fmt` (one of `FORMATS`).

    Options go to the format: `verbose=True` and `width=` for `table`, `show_true=False` to
    show only the other frameworks' views. Raises `UnknownFormat` for a name not in `FORMATS`
    and `ImportError` when the format needs an extra that is not installed (`cyclonedx`).
    """
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    from truecard.reports.portable import portable, portable_text

    fn = renderer(fmt)
    # a format that relates files to a folder of its own (SARIF's base_dir) needs the real
    # paths; every other one renders the portable card. Either way the text is checked after.
    shown = card if "base_dir" in inspect.signature(fn).parameters else portable(card)
    return portable_text(fn(shown, **options), card)

"""Reports: render a Scorecard (terminal table, JSON, Markdown, HTML, SARIF, ...).

A format is a module with a function `render(card, options: RenderOptions) -> str` (the
options: `truecard.reports.options`; the old `render(card, **options)` still works, with a
DeprecationWarning), registered in `truecard.registry` (group `truecard.formats`, so an
installed package can add one); `FORMATS` maps names to where each lives, and a format is
imported only when asked for so start-up stays fast. `render()` makes every report
*portable*: local sources named relatively, never by the scanning machine's absolute path
(`truecard.reports.portable`).

    >>> import truecard
    >>> card = truecard.scan("examples/tiny-open-model")
    >>> print(truecard.render(card, "markdown"))  # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from truecard.models import Scorecard
from truecard.reports.options import DEFAULT, RenderOptions, UnknownRenderOption

__all__ = ["FORMATS", "Format", "RenderOptions", "UnknownFormat", "UnknownRenderOption", "render", "renderer"]


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


@dataclass(frozen=True)
class Format:
    """One loaded format: its `render` function and how to call it.

    `legacy`: written for the old protocol, `render(card, **options)`; it is still called (its
    options as keywords, only those it names unless it takes `**`), with a DeprecationWarning,
    so a third-party format keeps working while its author moves to `render(card, options)`.
    `real_paths`: the format relates files to a folder of its own (SARIF's `base_dir`), so it
    gets the scanning machine's paths; every other format renders the portable card.
    """

    name: str
    fn: Callable[..., Any]
    legacy: bool
    real_paths: bool

    def __call__(self, card: Scorecard, options: RenderOptions = DEFAULT) -> str:
        if not self.legacy:
            return str(self.fn(card, options))
        warnings.warn(f"format {self.name!r}: render(card, **options) is deprecated; take "
                      "render(card, options: truecard.reports.RenderOptions)", DeprecationWarning,
                      stacklevel=3)
        kw = options.changed()
        params = inspect.signature(self.fn).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            kw = {k: v for k, v in kw.items() if k in params}
        return str(self.fn(card, **kw))


def _uses_options(fn: Callable[..., Any]) -> bool:
    """Whether `fn` follows the current protocol: a second positional parameter `options`."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # a builtin with no signature: call it the current way
        return True
    return len(params) >= 2 and params[1].name == "options" and params[1].kind in (
        inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def renderer(fmt: str) -> Format:
    """Format `fmt`, loaded (raises `KeyError` for an unknown name)."""
    from truecard.registry import load, plugins

    found = plugins("formats")
    if fmt not in found:
        raise KeyError(fmt)
    obj = load(found[fmt])
    module = obj if inspect.ismodule(obj) else None
    fn: Callable[..., Any] = obj.render if module is not None else obj
    legacy = not _uses_options(fn)
    real = bool(getattr(module, "REAL_PATHS", False) or getattr(fn, "real_paths", False)
                or (legacy and "base_dir" in inspect.signature(fn).parameters))
    return Format(fmt, fn, legacy, real)


def render(card: Scorecard, fmt: str = "markdown", options: RenderOptions | None = None,
           **changes: Any) -> str:
    """`card` as text in format `fmt` (one of `FORMATS`), with `options` (a frozen
    `RenderOptions`) and keyword `changes` to them: `render(card, "table", width=120)`.

    The options: `verbose=True`, `width=` and `color=True` for `table`; `show_true=False` to
    show only the other frameworks' views; `base_dir=` for `sarif`. Raises `UnknownFormat` for
    a name not in `FORMATS`, `UnknownRenderOption` for an option `RenderOptions` does not have,
    and `ImportError` when the format needs an extra that is not installed (`cyclonedx`).
    """
    opts = RenderOptions.of(options, **changes)
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    from truecard.reports.portable import portable, portable_text

    f = renderer(fmt)
    # the text is checked after either way: no absolute path of this machine leaks
    return portable_text(f(card if f.real_paths else portable(card), opts), card)

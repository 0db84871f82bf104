"""truecard: evidence-backed TRUE openness scorecards for AI models.

The library's public API is what this package exports; everything else is internal.

    >>> import truecard
    >>> card = truecard.scan("examples/tiny-open-model")
    >>> card.total, card.tier
    (28, 'Platinum')
    >>> card.criterion("transparent.license").points
    2
    >>> truecard.render(card, "markdown").splitlines()[0]
    '# TRUE scorecard: tiny-open-model'

- `scan(*sources, ...)` scores one model from folders or source ids (`hf:ORG/NAME`,
  `gh:ORG/REPO`, `mot:FILE`, ...) and returns a `Scorecard`;
- `render(card, fmt)` gives the text of any report format (`FORMATS`); `card.to_markdown()`,
  `card.to_html()` and `card.render(fmt)` are the same as methods;
- in Jupyter a `Scorecard` shows itself as the dimensions' bars and a table of criteria;
- `SourceError` is raised for a source that cannot be opened (a one-line message).

Heavy parts (the web dashboard, model execution, remote sources, huggingface_hub) are
imported only when used, so `import truecard` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from truecard._version import __version__

if TYPE_CHECKING:
    from truecard.engine import scan
    from truecard.models import CriterionResult, DimensionResult, Evidence, Scorecard, Status
    from truecard.reports import FORMATS, UnknownFormat, render
    from truecard.sources import SourceError

__all__ = [
    "FORMATS",
    "CriterionResult",
    "DimensionResult",
    "Evidence",
    "Scorecard",
    "SourceError",
    "Status",
    "UnknownFormat",
    "__version__",
    "render",
    "scan",
]

_LAZY = {
    "scan": "truecard.engine",
    "render": "truecard.reports",
    "FORMATS": "truecard.reports",
    "UnknownFormat": "truecard.reports",
    "Scorecard": "truecard.models",
    "Evidence": "truecard.models",
    "CriterionResult": "truecard.models",
    "DimensionResult": "truecard.models",
    "Status": "truecard.models",
    "SourceError": "truecard.sources",
}


def __getattr__(name: str) -> Any:
    # Lazy attributes keep `import truecard` (and `truecard --version`) fast.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'truecard' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

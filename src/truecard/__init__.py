"""truecard: evidence-backed TRUE openness scorecards for AI models.

    >>> import truecard
    >>> card = truecard.scan("examples/tiny-open-model")
    >>> card.total, card.tier

Heavy parts (the web dashboard, model execution, remote sources) are imported lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from truecard.engine import scan
    from truecard.models import CriterionResult, Evidence, Scorecard

__all__ = ["CriterionResult", "Evidence", "Scorecard", "__version__", "scan"]


def __getattr__(name: str) -> Any:
    # Lazy attributes keep `import truecard` (and `truecard --version`) fast.
    if name == "scan":
        from truecard.engine import scan

        return scan
    if name in {"Scorecard", "Evidence", "CriterionResult"}:
        from truecard import models

        return getattr(models, name)
    raise AttributeError(name)

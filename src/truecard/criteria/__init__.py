"""One module per TRUE criterion, each with its rubric beside its code."""

from __future__ import annotations

import importlib
from functools import cache

from truecard.criteria.base import Assessment, CriterionModule, Rubric
from truecard.spec import CRITERION_IDS


def module_name(criterion_id: str) -> str:
    return "truecard.criteria." + criterion_id.replace(".", "_")


@cache
def registry() -> dict[str, CriterionModule]:
    """Criterion id -> module, in specification order."""
    out: dict[str, CriterionModule] = {}
    for cid in CRITERION_IDS:
        mod = importlib.import_module(module_name(cid))
        assert cid == mod.ID, (mod.__name__, mod.ID)
        out[cid] = mod  # type: ignore[assignment]
    return out


__all__ = ["Assessment", "CriterionModule", "Rubric", "registry"]

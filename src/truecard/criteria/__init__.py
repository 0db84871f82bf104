"""One module per TRUE criterion, each with its rubric beside its code."""

from __future__ import annotations

import importlib
from functools import cache

from truecard.criteria.base import Assessment, CriterionModule, Rubric
from truecard.spec import CRITERION_IDS


def module_name(criterion_id: str) -> str:
    """The module of a criterion: an installed package's (registry group `truecard.criteria`,
    named by the criterion id) where one is declared, else truecard's own by convention."""
    from truecard.registry import plugins

    plugin = plugins("criteria").get(criterion_id)
    if plugin is not None:
        return plugin.target.partition(":")[0]
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

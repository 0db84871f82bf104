"""One module per TRUE criterion, each with its rubric beside its code.

Which module scores a criterion is decided here, once: an installed package's (registry group
`truecard.criteria`, named by the criterion id) where one is declared, else the module the
spec entry names (by default `truecard.criteria.<id with _>`). So a criterion added to a spec
file needs its entry and its module, and no list edited.
"""

from __future__ import annotations

import importlib
from functools import cache

from truecard.criteria.base import Assessment, CriterionModule, Rubric
from truecard.spec import CriterionSpec, load_spec


def module_name(cspec: CriterionSpec) -> str:
    """The module that scores `cspec`: a plugin's, else the spec entry's."""
    from truecard.registry import plugins

    plugin = plugins("criteria").get(cspec.id)
    if plugin is not None:
        return plugin.target.partition(":")[0]
    return cspec.module


def criterion_module(cspec: CriterionSpec) -> CriterionModule:
    """The code of one criterion, checked to be the one the spec entry means."""
    name = module_name(cspec)
    mod = importlib.import_module(name)
    if getattr(mod, "ID", None) != cspec.id:
        raise ValueError(f"criterion module {name} has ID {getattr(mod, 'ID', None)!r}, not {cspec.id!r}")
    return mod  # type: ignore[return-value]


def registry(version: str | None = None) -> dict[str, CriterionModule]:
    """Criterion id -> module, in specification order, for the spec `version` (None: current)."""
    return _registry(load_spec(version).version)


@cache
def _registry(version: str) -> dict[str, CriterionModule]:
    return {c.id: criterion_module(c) for c in load_spec(version).criteria}


__all__ = ["Assessment", "CriterionModule", "Rubric", "criterion_module", "module_name", "registry"]

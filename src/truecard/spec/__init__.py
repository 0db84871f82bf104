"""The TRUE specification, loaded once from the versioned data file beside this module.

Everything that names a criterion, a dimension or a tier (engine, reports, docs, later
tools) reads it from here, so the framework's facts live in exactly one place.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, Field

SPEC_FILE = "true-1.0.yaml"


class CriterionSpec(BaseModel):
    id: str
    name: str
    spec: str = Field(description="The specification's own wording of what earns the points.")
    max: int = 2
    dimension: str = ""


class DimensionSpec(BaseModel):
    id: str
    name: str
    max: int
    question: str
    criteria: list[CriterionSpec]


class TierSpec(BaseModel):
    name: str
    min: int
    max: int
    description: str


class Spec(BaseModel):
    name: str
    title: str
    version: str
    source: str
    license: str
    max: int
    points_per_criterion: int
    dimensions: list[DimensionSpec]
    tiers: list[TierSpec]

    @property
    def criteria(self) -> list[CriterionSpec]:
        return [c for d in self.dimensions for c in d.criteria]

    def criterion(self, criterion_id: str) -> CriterionSpec:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def tier_for(self, total: int) -> TierSpec:
        for t in self.tiers:
            if t.min <= total <= t.max:
                return t
        raise ValueError(f"total {total} outside 0..{self.max}")


@cache
def load_spec() -> Spec:
    """Return the packaged TRUE specification (validated, cached).

    The YAML is parsed once per version of the file into JSON (`truecard._compiled`); the
    pydantic validation and the arithmetic checks still run on every load.
    """
    from truecard._compiled import compiled

    path = str(resources.files(__package__).joinpath(SPEC_FILE))
    spec = Spec.model_validate(compiled("true-spec", [__file__, path], _raw_spec))
    # The file is data, but its arithmetic is part of the framework: check it once.
    assert sum(d.max for d in spec.dimensions) == spec.max
    for d in spec.dimensions:
        assert sum(c.max for c in d.criteria) == d.max, d.id
    return spec


def _raw_spec() -> dict[str, Any]:
    from truecard._compiled import yaml_load

    raw: dict[str, Any] = yaml_load(resources.files(__package__).joinpath(SPEC_FILE).read_text("utf-8"))
    for dim in raw["dimensions"]:
        for crit in dim["criteria"]:
            crit.setdefault("max", raw["points_per_criterion"])
            crit["dimension"] = dim["id"]
    return raw


CRITERION_IDS: tuple[str, ...] = (
    "transparent.license",
    "transparent.weights",
    "transparent.inference_code",
    "transparent.training_code",
    "transparent.datasets",
    "reproducible.hardware",
    "reproducible.pipeline",
    "reproducible.checkpoints",
    "reproducible.cost",
    "reproducible.replication",
    "understandable.model_card",
    "understandable.architecture",
    "understandable.data_provenance",
    "executable.inference",
    "executable.finetuning",
)

"""The TRUE specification, versioned: one YAML file per version beside this module.

Everything that names a criterion, a dimension, a maximum or a tier (engine, models, store,
web, reports, docs) reads it from here, so the framework's facts live in exactly one place:
adding a criterion is one entry in a spec file plus its criterion module.

- `load_spec()` is the current version (the newest shipped file, or the one `use_spec` or
  `TRUECARD_SPEC` selects); `load_spec("1.0")` a named one. A stored scorecard is checked
  against the version it names (`truecard.store.cards.validate_scorecard`).
- `register_spec(path)` adds a spec file that is not shipped (an extension, a test's copy);
  `use_spec(path_or_version)` makes one current for a block; `TRUECARD_SPEC=/path/spec.yaml`
  does the same for a whole process (a CLI run, a CI job).
- A criterion's code is the module its spec entry names (`module:`), by default
  `truecard.criteria.<id with "." as "_">`, imported by `truecard.frameworks.true`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SPEC_DIR = Path(__file__).parent
SPEC_FILE = "true-1.0.yaml"  # the first shipped version (kept for tools that read the file)
SPEC_ENV = "TRUECARD_SPEC"
_FILE_RE = re.compile(r"^true-(\d+(?:\.\d+)*)\.yaml$")


class UnknownSpecVersion(LookupError):
    """A spec version no shipped or registered file provides; the message lists the known ones."""


class CriterionSpec(BaseModel):
    model_config = ConfigDict(defer_build=True)  # read only inside Spec, built with it

    id: str
    name: str
    spec: str = Field(description="The specification's own wording of what earns the points.")
    max: int = 2
    dimension: str = ""
    module: str = Field(default="", description="Python module with ID, RUBRIC and evaluate(inv).")


class DimensionSpec(BaseModel):
    model_config = ConfigDict(defer_build=True)  # read only inside Spec, built with it

    id: str
    name: str
    max: int
    question: str
    criteria: list[CriterionSpec]


class TierSpec(BaseModel):
    model_config = ConfigDict(defer_build=True)  # read only inside Spec, built with it

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
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for d in self.dimensions for c in d.criteria)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @property
    def tier_names(self) -> tuple[str, ...]:
        """Tiers from the lowest band up (Bronze first)."""
        return tuple(t.name for t in sorted(self.tiers, key=lambda t: t.min))

    @property
    def tier_bands(self) -> tuple[tuple[str, int, int], ...]:
        """(name, min, max) from the lowest band up."""
        return tuple((t.name, t.min, t.max) for t in sorted(self.tiers, key=lambda t: t.min))

    def dimension(self, dimension_id: str) -> DimensionSpec:
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

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


_registered: dict[str, Path] = {}
_current: list[str] = []  # a stack: use_spec() blocks nest


def shipped() -> dict[str, Path]:
    """Version -> file, for the spec files the package ships (`spec/true-<version>.yaml`)."""
    return dict(_shipped())


@cache
def _shipped() -> tuple[tuple[str, Path], ...]:
    # The package's own folder does not change while it runs; listing it on every load_spec()
    # call (several per scan) was a measurable part of a batch's per-card time.
    out = []
    for p in sorted(SPEC_DIR.iterdir()):
        m = _FILE_RE.match(p.name)
        if m:
            out.append((m.group(1), p))
    return tuple(out)


def versions() -> dict[str, Path]:
    """Every known version: shipped, then registered."""
    return {**shipped(), **_registered}


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


def current_version() -> str:
    """The version `load_spec()` returns: a `use_spec` block's, else `TRUECARD_SPEC`'s, else the
    newest shipped one."""
    if _current:
        return _current[-1]
    env = os.environ.get(SPEC_ENV)
    if env:
        return register_spec(env).version
    return _newest_shipped()


@cache
def _newest_shipped() -> str:
    """The newest shipped version (the shipped files are listed once per process, so this is
    worked out once: a dashboard page asks for the spec a hundred times)."""
    return max(_shipped_index(), key=_version_key)


@cache
def _shipped_index() -> dict[str, Path]:
    """`shipped()` for this module's own look-ups (never handed out, so never changed)."""
    return dict(_shipped())


def load_spec(version: str | None = None) -> Spec:
    """The TRUE specification of `version` (None: the current one), validated and cached.

    Raises `UnknownSpecVersion` (a one-line message naming the known versions) for a version
    no file provides.
    """
    v = current_version() if version is None else str(version)
    # `versions()` without building the merged dict: a registered file never shadows a
    # shipped one of another path (register_spec refuses that)
    path = _registered.get(v) or _shipped_index().get(v)
    if path is None:
        known = ", ".join(sorted(versions(), key=_version_key)) or "none"
        raise UnknownSpecVersion(f"unknown TRUE spec version {v[:40]!r}; known: {known}")
    return _load(str(path))


def register_spec(path: str | os.PathLike[str]) -> Spec:
    """Add a spec file that the package does not ship (an extension's, a test's copy) and return
    it. Its `version` must not be one already known from another file."""
    p = Path(path).resolve()
    spec = _load(str(p))
    known = versions().get(spec.version)
    if known is not None and known.resolve() != p:
        raise ValueError(f"TRUE spec version {spec.version!r} is already provided by {known}")
    _registered[spec.version] = p
    return spec


def unregister_spec(version: str) -> None:
    _registered.pop(version, None)


@contextmanager
def use_spec(spec: str | os.PathLike[str]) -> Iterator[Spec]:
    """Make a spec current for the block: a known version, or a spec file (registered for the
    block's duration when it was not known before)."""
    is_file = not (isinstance(spec, str) and spec in versions())
    registered_here = False
    if is_file:
        before = set(_registered)
        version = register_spec(spec).version
        registered_here = version not in before
    else:
        version = str(spec)
    _current.append(version)
    try:
        yield load_spec(version)
    finally:
        _current.pop()
        if registered_here:
            unregister_spec(version)


@cache
def _load(path: str) -> Spec:
    """One spec file, validated; the YAML parsed once per version of the file into JSON
    (`truecard._compiled`). The arithmetic checks run on every load."""
    from truecard._compiled import compiled

    try:
        spec = Spec.model_validate(compiled(f"true-spec-{Path(path).stem}", [__file__, path], lambda: _raw_spec(path)))
    except (OSError, ValueError) as exc:
        raise ValueError(f"not a TRUE spec file: {path}: {str(exc).splitlines()[0][:200]}") from None
    # The file is data, but its arithmetic is part of the framework: check it once.
    if sum(d.max for d in spec.dimensions) != spec.max:
        raise ValueError(f"{path}: the dimensions' maxima do not add up to {spec.max}")
    for d in spec.dimensions:
        if sum(c.max for c in d.criteria) != d.max:
            raise ValueError(f"{path}: {d.id}'s criteria do not add up to {d.max}")
    ids = spec.criterion_ids
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: a criterion id is listed twice")
    bands = spec.tier_bands
    if not bands or bands[0][1] != 0 or bands[-1][2] != spec.max or any(
        a[2] + 1 != b[1] for a, b in pairwise(bands)
    ):
        raise ValueError(f"{path}: the tiers must cover 0..{spec.max} without gaps or overlaps")
    return spec


def _raw_spec(path: str | None = None) -> dict[str, Any]:
    """One spec file as the dict the models validate (default: the first shipped version)."""
    from truecard._compiled import yaml_load

    path = path or str(SPEC_DIR / SPEC_FILE)
    raw: dict[str, Any] = yaml_load(Path(path).read_text("utf-8"))
    raw["version"] = str(raw.get("version", ""))
    for dim in raw["dimensions"]:
        for crit in dim["criteria"]:
            crit.setdefault("max", raw["points_per_criterion"])
            crit.setdefault("module", "truecard.criteria." + crit["id"].replace(".", "_"))
            crit["dimension"] = dim["id"]
    return raw

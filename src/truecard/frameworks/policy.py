"""Organisation policies: a YAML file of minimum points, run as a framework.

An organisation states what it requires of a model it adopts or publishes, and truecard checks
it against the same evidence as every other framework:

    name: ACME model intake
    basis: detected          # judge detected evidence only (default); `claimed` lets claims count
    criteria:                # TRUE criterion id -> minimum points (0..2)
      transparent.license: 2
      transparent.weights: 2
      transparent.datasets: 1
    dimensions:              # TRUE dimension id -> minimum score (optional)
      reproducible: 4
    min_total: 15            # optional
    min_tier: Silver         # optional: Bronze, Silver, Gold, Platinum
    mof_class: 3             # optional: at least this MOF class (3 = Open Model, 1 = Open Science)
    osaid: true              # optional: OSAID 1.0 readiness required

`truecard scan PATH --framework ./policy.yaml` reports each check and exits 1 when the model
misses the policy. A policy file that cannot be used is an input error (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from truecard.evidence.inventory import Inventory
from truecard.models import PolicyCheck, PolicyView, Scorecard
from truecard.spec import load_spec


class PolicyError(ValueError):
    """A policy file that cannot be used; the message says where and why."""


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    description: str = Field(default="", max_length=4000)
    basis: Literal["detected", "claimed"] = "detected"
    criteria: dict[str, int] = Field(default_factory=dict)
    dimensions: dict[str, int] = Field(default_factory=dict)
    min_total: int | None = Field(default=None, ge=0)
    min_tier: str | None = None
    mof_class: Literal[1, 2, 3] | None = None
    osaid: bool = False

    @field_validator("criteria")
    @classmethod
    def _criteria(cls, v: dict[str, int]) -> dict[str, int]:
        spec = load_spec()
        maxes = {c.id: c.max for d in spec.dimensions for c in d.criteria}
        for cid, pts in v.items():
            if cid not in maxes:
                raise ValueError(f"unknown criterion {cid!r}; one of: {', '.join(maxes)}")
            if not isinstance(pts, int) or isinstance(pts, bool) or not 0 <= pts <= maxes[cid]:
                raise ValueError(f"{cid}: minimum points must be 0..{maxes[cid]}, not {pts!r}")
        return v

    @field_validator("dimensions")
    @classmethod
    def _dimensions(cls, v: dict[str, int]) -> dict[str, int]:
        dims = {d.id: d.max for d in load_spec().dimensions}
        for did, pts in v.items():
            if did not in dims:
                raise ValueError(f"unknown dimension {did!r}; one of: {', '.join(dims)}")
            if not isinstance(pts, int) or isinstance(pts, bool) or not 0 <= pts <= dims[did]:
                raise ValueError(f"{did}: minimum score must be 0..{dims[did]}, not {pts!r}")
        return v

    @field_validator("min_total")
    @classmethod
    def _total(cls, v: int | None) -> int | None:
        if v is not None and v > load_spec().max:
            raise ValueError(f"min_total must be 0..{load_spec().max}")
        return v

    @field_validator("min_tier")
    @classmethod
    def _tier(cls, v: str | None) -> str | None:
        if v is None:
            return v
        tiers = [t.name for t in load_spec().tiers]
        match = next((t for t in tiers if t.lower() == v.strip().lower()), None)
        if match is None:
            raise ValueError(f"unknown tier {v!r}; one of: {', '.join(tiers)}")
        return match


def load_policy(path: str | Path) -> Policy:
    p = Path(path)
    where = str(path)
    if not p.is_file():
        raise PolicyError(f"{where}: policy file not found")
    try:
        text = p.read_bytes()[: 1 << 20].decode("utf-8")
        data: Any = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise PolicyError(f"{where}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise PolicyError(f"{where}: not valid YAML{at}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: a policy is a mapping (name, criteria, min_total, ...)")
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        errs = "; ".join(
            f"{'.'.join(str(x) for x in e['loc']) or 'policy'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()[:3]
        )
        raise PolicyError(f"{where}: invalid policy: {errs}") from None
    if not (policy.criteria or policy.dimensions or policy.min_total is not None or policy.min_tier
            or policy.mof_class or policy.osaid):
        raise PolicyError(f"{where}: the policy requires nothing (add criteria, min_total, min_tier, ...)")
    if policy.name is None:
        policy.name = p.stem
    return policy


def evaluate(policy: Policy, inv: Inventory, card: Scorecard, file: str) -> PolicyView:
    """Every check of the policy against the scorecard (and MOF/OSAID views when it asks)."""
    spec = load_spec()
    claimed = policy.basis == "claimed"
    checks: list[PolicyCheck] = []

    def check(what: str, required: int | str, actual: int | str, passed: bool) -> None:
        checks.append(PolicyCheck(check=what, required=required, actual=actual, passed=passed))

    for c in card.criteria:
        if c.id in policy.criteria:
            got = c.points if claimed else c.detected_points
            check(c.id, policy.criteria[c.id], got, got >= policy.criteria[c.id])
    for d in card.dimensions:
        if d.id in policy.dimensions:
            got = d.score if claimed else sum(c.detected_points for c in d.criteria)
            check(f"dimension {d.id}", policy.dimensions[d.id], got, got >= policy.dimensions[d.id])
    total = card.total if claimed else card.total_detected
    if policy.min_total is not None:
        check("total", policy.min_total, total, total >= policy.min_total)
    if policy.min_tier:
        order = sorted(spec.tiers, key=lambda t: t.min)
        tier = spec.tier_for(total).name
        rank = [t.name for t in order]
        check("tier", policy.min_tier, tier, rank.index(tier) >= rank.index(policy.min_tier))
    if policy.mof_class:
        from truecard.frameworks import mof

        view = mof.evaluate(inv)
        classes = [view.mof_class] if view.basis == "detected" or claimed else [0]
        if claimed and view.claimed is not None:
            classes.append(view.claimed.mof_class)
        met = [c for c in classes if c]
        cls = min(met) if met else 0
        check("MOF class", policy.mof_class, cls or "unclassified", bool(cls) and cls <= policy.mof_class)
    if policy.osaid:
        from truecard.frameworks import osaid

        oview = osaid.evaluate(inv, card)
        ready = oview.ready and (oview.basis == "detected" or claimed)
        ready = ready or (claimed and oview.claimed is not None and oview.claimed.ready)
        check("OSAID 1.0", "ready", "ready" if ready else "not ready", bool(ready))
    failures = [
        f"{c.check}: {c.actual} (requires {'' if c.check == 'OSAID 1.0' else 'at least '}{c.required})"
        for c in checks
        if not c.passed
    ]
    return PolicyView(policy=policy.name, file=file, description=policy.description, basis=policy.basis,
                      passed=not failures, checks=checks, failures=failures)

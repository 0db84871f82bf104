"""The TRUE scorecard: run every criterion, overlay claims, sum dimensions, pick the tier."""

from __future__ import annotations

from truecard.criteria import criterion_module, registry
from truecard.criteria.base import Assessment, dedupe
from truecard.evidence.inventory import Inventory
from truecard.models import CriterionResult, DimensionResult, Origin, Status
from truecard.spec import load_spec


def _status_for(points: int) -> Status:
    return {2: Status.MET, 1: Status.PARTIAL}.get(points, Status.UNMET)


def evaluate_criteria(inv: Inventory, *, use_claims: bool = True) -> list[DimensionResult]:
    """Score every criterion from the inventory.

    Claims never change `detected_points`; they may raise `points` (up to what they assert,
    never above 2) and are then marked `basis: claimed`, their evidence `origin: claimed`.
    """
    spec = load_spec()
    mods = registry(spec.version)  # each criterion's module, checked once per process
    dims: list[DimensionResult] = []
    for dspec in spec.dimensions:
        results: list[CriterionResult] = []
        for cspec in dspec.criteria:
            mod = mods.get(cspec.id) or criterion_module(cspec)
            a: Assessment = mod.evaluate(inv)
            points, status, rationale = a.points, a.status, a.rationale
            evidence = dedupe(a.evidence)
            basis = Origin.DETECTED
            claims = inv.claims_for(cspec.id) if use_claims else []
            if claims:
                best = max(claims, key=lambda c: c.points)
                evidence = evidence + [c.evidence for c in claims]
                if best.points > points:
                    points = min(best.points, cspec.max)
                    status = _status_for(points)
                    basis = Origin.CLAIMED
                    rationale = (
                        f"claimed ({best.points}/{cspec.max}, unverified): {best.note or best.evidence_url}; "
                        f"detected: {a.rationale}"
                    )
            remediation = None
            if points < cspec.max:
                remediation = a.remediation or mod.RUBRIC.remediation
            results.append(
                CriterionResult(
                    id=cspec.id,
                    name=cspec.name,
                    dimension=dspec.id,
                    points=points,
                    max=cspec.max,
                    status=status,
                    rationale=rationale,
                    evidence=evidence,
                    remediation=remediation,
                    detected_points=a.points,
                    basis=basis,
                )
            )
        dims.append(
            DimensionResult(
                id=dspec.id,
                name=dspec.name,
                score=sum(r.points for r in results),
                max=dspec.max,
                criteria=results,
            )
        )
    return dims

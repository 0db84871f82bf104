"""What every criterion module provides, and the helpers they share.

A criterion is a pure function of the evidence inventory: no I/O, no network, no clock.
Each module documents its rubric (the exact conditions for 2, 1 and 0 points) in `RUBRIC`,
next to the code that applies it; `docs/rubric.md` is generated from these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from truecard.evidence.inventory import Inventory
from truecard.models import Evidence, Status


@dataclass(frozen=True)
class Rubric:
    """What each score of a criterion means, in words: shown beside its result and in the
    rubric documentation, so a score can always be read against the rule that gave it."""

    full: str  # 2 points
    partial: str  # 1 point
    none: str  # 0 points (unmet)
    unknown: str  # no evidence either way
    remediation: str  # what to publish to earn the points
    notes: str = ""


@dataclass
class Assessment:
    """A criterion's verdict on an inventory: points, status, the reason in words and the
    evidence cited for it (`met`, `partial`, `unmet`, `unknown` make the usual ones)."""

    points: int
    status: Status
    rationale: str
    evidence: list[Evidence] = field(default_factory=list)
    remediation: str | None = None  # overrides the rubric's when more specific

    @classmethod
    def met(cls, rationale: str, evidence: list[Evidence]) -> Assessment:
        return cls(2, Status.MET, rationale, evidence)

    @classmethod
    def partial(cls, rationale: str, evidence: list[Evidence], remediation: str | None = None) -> Assessment:
        return cls(1, Status.PARTIAL, rationale, evidence, remediation)

    @classmethod
    def unmet(cls, rationale: str, evidence: list[Evidence] | None = None) -> Assessment:
        return cls(0, Status.UNMET, rationale, evidence or [])

    @classmethod
    def unknown(cls, rationale: str, evidence: list[Evidence] | None = None) -> Assessment:
        return cls(0, Status.UNKNOWN, rationale, evidence or [])


class CriterionModule(Protocol):
    ID: str
    RUBRIC: Rubric

    def evaluate(self, inv: Inventory) -> Assessment: ...


def dedupe(evidence: list[Evidence], limit: int = 6) -> list[Evidence]:
    """Drop repeated citations and keep the list short enough to read."""
    seen: set[tuple[str | None, ...]] = set()
    out: list[Evidence] = []
    for e in evidence:
        # the excerpt too: two sentences of one paragraph (one line) are two citations
        key = (e.kind, e.path, e.url, e.field, str(e.line_start), e.excerpt)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
        if len(out) >= limit:
            break
    return out


def has_documentation(inv: Inventory) -> bool:
    """True when some card or doc with real prose was read: silence there means 'not
    disclosed' (unmet); with nothing read at all the answer is 'unknown'."""
    return any(c.filled_chars > 0 for c in inv.cards + inv.docs)

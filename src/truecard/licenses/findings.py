"""A licence finding: one licence statement for one artifact scope, as read from one place.

It lives in the licence package, not beside the other facts in `truecard.evidence.inventory`
(which re-exports it), because the licence package reads and amends findings
(`truecard.licenses.artifacts`, `.conflicts`) and the shipped-BOM reader
(`truecard.integrity.declared`) makes them: both sit below the evidence package, which runs
them, so neither may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from truecard.models import Evidence

__all__ = ["LicenseFinding"]


@dataclass
class LicenseFinding:
    """A licence statement for one artifact scope, as read from one place."""

    scope: Literal["model", "weights", "code", "data", "docs"]
    raw: str  # what was written (id, name or text head)
    license_id: str | None
    license_class: str  # see truecard.licenses.LicenseClass
    osi_approved: bool | None
    confidence: float
    how: Literal["metadata", "file", "prose", "link", "claim", "declared"]
    evidence: Evidence
    note: str = ""
    # Added by the licence package (truecard.licenses): the licence's name, where its class
    # comes from, what restricts it, and the parts of an expression or multi-licence file
    # ({"id", "class"} each), which the conflict check compares.
    name: str = ""
    source: str = ""
    restrictions: list[str] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)

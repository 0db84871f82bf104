"""JSON: the Scorecard model dumped as is (its schema: `truecard schema`)."""

from __future__ import annotations

from typing import Any

from truecard.models import Scorecard


def render(card: Scorecard, **_: Any) -> str:
    return card.model_dump_json(indent=2) + "\n"

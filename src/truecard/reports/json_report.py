"""JSON: the Scorecard model dumped as is (its schema: `truecard schema`).

Values are exact; invisible characters that JSON would carry raw (bidi overrides, C1
controls) are written as `\\uXXXX` escapes so that printing the file cannot drive a terminal.
"""

from __future__ import annotations

from typing import Any

from truecard.models import Scorecard
from truecard.reports.literal import json_safe


def render(card: Scorecard, **_: Any) -> str:
    return json_safe(card.model_dump_json(indent=2)) + "\n"

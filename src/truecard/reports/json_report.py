"""JSON: the Scorecard model dumped as is (its schema: `truecard schema`).

Values are exact; invisible characters that JSON would carry raw (bidi overrides, C1
controls) are written as `\\uXXXX` escapes so that printing the file cannot drive a terminal.
"""

from __future__ import annotations

from truecard.models import Scorecard
from truecard.reports.literal import json_safe
from truecard.reports.options import DEFAULT, RenderOptions


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    return json_safe(card.model_dump_json(indent=2)) + "\n"

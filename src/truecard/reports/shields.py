"""The `shields` format: shields.io endpoint JSON for a live badge (logic in `reports.badge`)."""

from __future__ import annotations

from truecard.reports.badge import render_shields as render

__all__ = ["render"]

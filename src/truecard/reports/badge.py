"""Badges: "TRUE 24/30 Gold" as an SVG in the tier's colour, and the shields.io endpoint JSON.

The one place that decides a badge's text and colour: the `badge` and `shields` formats, the
HTML page and the dashboard all call these functions, so a model's badge looks the same
wherever it appears. The SVG is self-contained (no fonts or images fetched) in the flat style
of shields.io, text widths estimated from Verdana 11px metrics.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from truecard.models import Scorecard
from truecard.reports.options import DEFAULT, RenderOptions

LABEL = "TRUE"
# Tier colours, chosen for white text at WCAG AA contrast on the right half of the badge.
TIER_COLORS: dict[str, str] = {
    "Platinum": "#4d6e8a",
    "Gold": "#9a7400",
    "Silver": "#6b7178",
    "Bronze": "#9a5518",
}
UNKNOWN_COLOR = "#6b7178"
LABEL_COLOR = "#555"

# Approximate advance widths of Verdana at 11px (what shields.io measures with), in pixels.
_WIDE = {"M": 9.9, "W": 11.3, "m": 10.7, "w": 9.0, "@": 11.0, "%": 12.0}
_NARROW = {" ": 3.9, "/": 4.9, "i": 3.1, "l": 3.1, "j": 3.3, "f": 3.9, "t": 4.3, "r": 4.7, ".": 3.9,
           ",": 3.9, ":": 4.5, "I": 4.6, "(": 4.5, ")": 4.5, "-": 4.6, "1": 7.0}


def text_width(text: str) -> float:
    """Estimated rendered width of `text` in Verdana 11px."""
    w = 0.0
    for ch in text:
        if ch in _WIDE:
            w += _WIDE[ch]
        elif ch in _NARROW:
            w += _NARROW[ch]
        elif ch.isupper() or ch.isdigit():
            w += 7.4
        else:
            w += 6.6
    return w


def tier_color(tier: str | None) -> str:
    return TIER_COLORS.get(tier or "", UNKNOWN_COLOR)


def badge_text(card: Scorecard) -> str:
    return f"{card.total}/{card.max} {card.tier}"


def badge_svg(label: str, message: str, color: str, *, id_suffix: str = "") -> str:
    """A flat two-part badge. `id_suffix` keeps ids unique when several badges share a page."""
    lw = round(text_width(label) + 12)
    mw = round(text_width(message) + 12)
    w = lw + mw
    title = escape(f"{label}: {message}")
    lab, msg, col = escape(label), escape(message), escape(color)
    s, r = f"s{id_suffix}", f"r{id_suffix}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<linearGradient id="{s}" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        f'<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="{r}"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#{r})"><rect width="{lw}" height="20" fill="{LABEL_COLOR}"/>'
        f'<rect x="{lw}" width="{mw}" height="20" fill="{col}"/><rect width="{w}" height="20" fill="url(#{s})"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{lw / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{lab}</text>'
        f'<text x="{lw / 2:.1f}" y="14">{lab}</text>'
        f'<text x="{lw + mw / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{msg}</text>'
        f'<text x="{lw + mw / 2:.1f}" y="14">{msg}</text></g></svg>'
    )


def card_badge(card: Scorecard, *, id_suffix: str = "") -> str:
    """The scorecard's badge: "TRUE 24/30 Gold" in the tier's colour."""
    return badge_svg(LABEL, badge_text(card), tier_color(card.tier), id_suffix=id_suffix)


def shields_endpoint(card: Scorecard) -> dict[str, Any]:
    """The shields.io endpoint schema (https://shields.io/badges/endpoint-badge), version 1."""
    return {
        "schemaVersion": 1,
        "label": LABEL,
        "message": badge_text(card),
        "color": tier_color(card.tier).lstrip("#"),
        "cacheSeconds": 3600,
    }


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    """The `badge` format: an SVG document."""
    return card_badge(card) + "\n"


def render_shields(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    return json.dumps(shields_endpoint(card), indent=2) + "\n"

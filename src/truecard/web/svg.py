"""Charts as SVG, drawn on the server: no JavaScript, no library, readable as is (badges come
from `truecard.reports.badge`, shared with the `badge` and `shields` formats).

Every text that comes from data is XML-escaped; hover details use SVG `<title>`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from truecard.reports.badge import TIER_COLORS, UNKNOWN_COLOR
from truecard.spec import Spec, load_spec

# One palette for tiers everywhere: the badge module's (the `badge` format, the HTML report).
TIER_COLOURS = TIER_COLORS
UNRATED = UNKNOWN_COLOR
DIM_COLOURS = {
    "transparent": "#2f6db5",
    "reproducible": "#7a4fb0",
    "understandable": "#b07a12",
    "executable": "#23875f",
}
# Tier bands' backgrounds, lowest first; a spec with more tiers than colours reuses the last.
BAND_FILLS = ("#f6ede6", "#eef1f3", "#fbf3dc", "#e6eff5")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def dimension_chart(dims: Sequence[dict[str, Any]], *, chart_id: str = "dimension-chart") -> Markup:
    """Horizontal bars, one per dimension: detected points solid, claimed points hatched."""
    row, label_w, bar_w, top = 34, 128, 240, 8
    height = top + row * len(dims) + 6
    width = label_w + bar_w + 70
    out = [
        f'<svg id="{_e(chart_id)}" class="chart dimension-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Scores of the TRUE dimensions">',
        f'<defs><pattern id="{_e(chart_id)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<rect width="3" height="6" fill="#d07a00"/></pattern></defs>',
    ]
    for i, d in enumerate(dims):
        y = top + i * row
        mx = max(int(d.get("max") or 1), 1)
        score = int(d.get("score") or 0)
        detected = min(int(d.get("detected", score)), score)
        claimed = score - detected
        colour = DIM_COLOURS.get(str(d.get("id")), "#555555")
        w_det = round(bar_w * detected / mx, 1)
        w_cl = round(bar_w * claimed / mx, 1)
        title = f"{d.get('name')}: {score}/{mx}" + (f" ({claimed} claimed, unverified)" if claimed else "")
        out.append(f'<g class="dimension" data-dimension="{_e(d.get("id"))}"><title>{_e(title)}</title>')
        out.append(
            f'<text x="0" y="{y + 19}" class="label" font-size="15" fill="#222222">{_e(d.get("name"))}</text>'
        )
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="20" rx="3" fill="#e8ecf0"/>')
        out.append(
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w_det}" height="20" rx="3" fill="{colour}"/>'
        )
        if w_cl:
            out.append(
                f'<rect class="bar-claimed" x="{label_w + w_det}" y="{y + 4}" width="{w_cl}" height="20" '
                f'fill="url(#{_e(chart_id)}-hatch)" stroke="#d07a00"/>'
            )
        out.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 19}" font-size="15" font-weight="bold" '
            f'fill="#222222">{score}/{mx}</text></g>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def history_chart(
    points: Sequence[dict[str, Any]],
    href: Callable[[dict[str, Any]], str] | None = None,
    *,
    chart_id: str = "history-chart",
    spec: Spec | None = None,
) -> Markup:
    """Totals across evaluations (solid) and detected totals (dashed), over the tier bands of
    `spec` (default: the current one)."""
    spec = spec or load_spec()
    top_v = spec.max
    width, height = 600, 240
    left, right, top, bottom = 36, 64, 12, 48
    pw, ph = width - left - right, height - top - bottom

    def y(v: float) -> float:
        return round(top + ph - ph * v / top_v, 1)

    n = len(points)

    def x(i: int) -> float:
        return round(left + (pw / 2 if n == 1 else pw * i / (n - 1)), 1)

    out = [
        f'<svg id="{_e(chart_id)}" class="chart history-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="group" aria-label="TRUE total across evaluations; each point links to its evaluation">'
    ]
    for i, (name, lo, hi) in enumerate(spec.tier_bands):
        y0, y1 = y(hi + (0.5 if hi < top_v else 0)), y(lo - (0.5 if lo > 0 else 0))
        fill = BAND_FILLS[min(i, len(BAND_FILLS) - 1)]
        out.append(
            f'<rect x="{left}" y="{y0}" width="{pw}" height="{round(y1 - y0, 1)}" fill="{fill}">'
            f"<title>{name}: {lo}–{hi}</title></rect>"
        )
        # the tier's name in the right margin, outside the plot: never under a data point
        out.append(
            f'<text x="{left + pw + 6}" y="{round((y0 + y1) / 2 + 4, 1)}" font-size="12" fill="#4a4f55">{name}</text>'
        )
    for v in sorted({*range(0, top_v, 10), top_v}):
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v)}" y2="{y(v)}" stroke="#d5d9de"/>')
        out.append(
            f'<text x="{left - 6}" y="{y(v) + 4}" font-size="12" text-anchor="end" fill="#4a4f55">{v}</text>'
        )
    if n > 1:
        det = " ".join(f"{x(i)},{y(p['total_detected'])}" for i, p in enumerate(points))
        tot = " ".join(f"{x(i)},{y(p['total'])}" for i, p in enumerate(points))
        out.append(
            f'<polyline class="line-detected" points="{det}" fill="none" stroke="#888888" '
            'stroke-width="2" stroke-dasharray="5 4"/>'
        )
        out.append(f'<polyline class="line-total" points="{tot}" fill="none" stroke="#1f4e79" stroke-width="2.5"/>')
    step = max(1, -(-n // 6))  # at most six labels: they never overlap
    for i, p in enumerate(points):
        title = (
            f"{p.get('label')}: {p['total']}/{top_v} {p.get('tier', '')}"
            + (f", detected {p['total_detected']}" if p["total_detected"] != p["total"] else "")
        )
        dot = (
            f'<circle class="point" cx="{x(i)}" cy="{y(p["total"])}" r="5" '
            f'fill="{TIER_COLOURS.get(str(p.get("tier")), UNRATED)}" stroke="#ffffff" stroke-width="1.5">'
            f"<title>{_e(title)}</title></circle>"
        )
        if href is not None:
            dot = f'<a href="{_e(href(p))}">{dot}</a>'
        out.append(dot)
        if i % step == 0 or i == n - 1:
            out.append(
                f'<text x="{x(i)}" y="{height - bottom + 16}" font-size="12" text-anchor="middle" '
                f'fill="#333333">{_e(p.get("label", ""))}</text>'
            )
            out.append(
                f'<text x="{x(i)}" y="{height - bottom + 31}" font-size="12" text-anchor="middle" '
                f'fill="#4a4f55">{_e(p.get("date", ""))}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def compare_chart(models: Sequence[dict[str, Any]], *, chart_id: str = "compare-chart") -> Markup:
    """Grouped bars: each dimension's share of its maximum, one bar per model. Narrow enough
    (360 units) to be drawn at full size on a phone; names sit above their bars."""
    palette = ("#1f4e79", "#c0504d", "#4f8a3c", "#8064a2")
    dims = [(d["id"], d["name"], d["max"]) for d in models[0]["dimensions"]] if models else []
    bar_h, bar_w, width = 16, 290, 360
    legend_h = 22 * len(models)
    height = 8 + len(dims) * (22 + len(models) * (bar_h + 3) + 10) + legend_h
    out = [
        f'<svg id="{_e(chart_id)}" class="chart compare-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="The TRUE dimensions, model by model">'
    ]
    yy = 8
    for did, dname, dmax in dims:
        out.append(f'<text x="0" y="{yy + 14}" font-size="15" font-weight="bold" fill="#222222">{_e(dname)}</text>')
        yy += 22
        for j, m in enumerate(models):
            d = next((x for x in m["dimensions"] if x["id"] == did), {"score": 0})
            w = round(bar_w * d["score"] / max(dmax, 1), 1)
            out.append(f'<rect x="0" y="{yy}" width="{bar_w}" height="{bar_h}" fill="#eef1f4"/>')
            out.append(
                f'<rect class="bar" x="0" y="{yy}" width="{w}" height="{bar_h}" fill="{palette[j % 4]}">'
                f"<title>{_e(m['model_id'])}: {_e(dname)} {d['score']}/{dmax}</title></rect>"
            )
            out.append(
                f'<text x="{bar_w + 6}" y="{yy + 13}" font-size="13" fill="#222222">{d["score"]}/{dmax}</text>'
            )
            yy += bar_h + 3
        yy += 10
    for j, m in enumerate(models):
        out.append(f'<rect x="0" y="{yy + 3}" width="14" height="14" fill="{palette[j % 4]}"/>')
        out.append(f'<text x="20" y="{yy + 15}" font-size="13" fill="#222222">{_e(m["model_id"])}</text>')
        yy += 22
    out.append("</svg>")
    return Markup("".join(out))

"""The leaderboard's and the matrix's table rows, rendered in Python: the hottest path of the
dashboard (every view renders fifty of them), about five times faster than the same markup in
Jinja. Every value from the database is HTML-escaped here; the templates insert the result as is.

Rows render from `schemas.ModelSummary`, the object /api/models returns for the same model: a
cell shows a field of it, never a value computed again from the columns.

Each cell carries `data-label` (its column's name): on a phone the table becomes stacked rows
and the label is shown before the value (style.css), so nothing scrolls sideways.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from truecard.spec import load_spec
from truecard.web.schemas import FrameworksSummary, ModelSummary, Openness
from truecard.web.view import SCOPE_HELP, SCOPE_LABELS


def _e(v: object) -> str:
    return escape(str(v), quote=True)


def verdict_chip(v: Openness) -> str:
    """The openness verdict beside a tier: loud when the weights are not openly licensed."""
    return f'<span class="verdict v-{v.verdict}" title="{_e(v.text)}">{_e(v.label)}</span>'


def scope_chip(scope: str | None) -> str:
    sc = scope or "card+code"
    label = SCOPE_LABELS.get(sc, sc)
    cls = sc.replace("+", "-")
    return f'<span class="scope scope-{cls}" title="{_e(SCOPE_HELP.get(sc, ""))}">{_e(label)}</span>'


def mof_cell(fw: FrameworksSummary) -> str:
    mof = fw.mof
    if mof is None:
        return '<td class="mof" data-label="MOF"><span class="na" title="not computed for this evaluation">n/a</span></td>'
    return (f'<td class="mof" data-label="MOF"><span class="mof-class mof-{int(mof.class_)}" '
            f'title="Model Openness Framework: {_e(mof.name)}">{_e(mof.label)}</span></td>')


def osaid_cell(fw: FrameworksSummary) -> str:
    if fw.osaid is None:
        return '<td class="osaid" data-label="OSAID"><span class="na" title="not computed for this evaluation">n/a</span></td>'
    if fw.osaid.ready:
        return ('<td class="osaid" data-label="OSAID"><span class="osaid-yes" '
                'title="meets the OSI Open Source AI Definition 1.0 on what was read">ready</span></td>')
    return ('<td class="osaid" data-label="OSAID"><span class="osaid-no" '
            'title="does not meet the OSI Open Source AI Definition 1.0 on what was read">not ready</span></td>')


def osai_cell(fw: FrameworksSummary) -> str:
    if fw.osai is None:
        return '<td class="num osai" data-label="OSAI"><span class="na" title="not computed for this evaluation">n/a</span></td>'
    return (f'<td class="num osai" data-label="OSAI" title="European Open Source AI Index score">'
            f'{fw.osai.score_percent:.0f}<span class="of">%</span></td>')


def _total_cell(m: ModelSummary) -> str:
    total, det, top = int(m.total), int(m.total_detected), m.max
    if total != det:
        return (f'<td class="num total" data-label="Total" title="{det} detected, the rest claimed"><strong>{total}</strong>/{top} '
                f'<span class="detected-note">({det} det.)</span></td>')
    return f'<td class="num total" data-label="Total" title="all detected"><strong>{total}</strong>/{top}</td>'


def provenance_chip(m: ModelSummary) -> str:
    """"pushed by bob, not re-scanned" on a row the default ranking leaves out; nothing otherwise."""
    if m.provenance.ranked:
        return ""
    return (f' <span class="provenance unranked" title="sent with a token; the server has not re-scanned its '
            f'public source, so it is not in the default ranking">{_e(m.provenance.label)}</span>')


def _model_cell(m: ModelSummary) -> str:
    mid = _e(m.model_id)
    claims = (
        f' <span class="basis claimed" title="{int(m.claims)} claim(s) by its maintainer">claims</span>'
        if m.claims else ""
    )
    return (f'<td class="model" data-label="Model"><a href="/models/{mid}">{mid}</a> {scope_chip(m.scope)}{claims}'
            f'{provenance_chip(m)}</td>')


def leaderboard_rows(rows: Sequence[ModelSummary], offset: int) -> Markup:
    spec = load_spec()
    dims = [(d.id, _e(d.name), f'<span class="of">/{d.max}</span>') for d in spec.dimensions]
    out = []
    for i, m in enumerate(rows, offset + 1):
        mid = _e(m.model_id)
        tier, lic = _e(m.tier), _e(m.license_class)
        fw = m.frameworks
        out.append(
            f'<tr data-model="{mid}">'
            f'<td class="num rank" data-label="Rank">{i}</td>'
            f"{_model_cell(m)}"
            f"{_total_cell(m)}"
            f'<td class="tier-cell" data-label="Tier"><span class="tier tier-{tier}">{tier}</span> {verdict_chip(m.openness)}</td>'
            + "".join(f'<td class="num dim" data-label="{name}">{int(m.dimensions[did])}{of}</td>' for did, name, of in dims)
            + f"{mof_cell(fw)}{osaid_cell(fw)}{osai_cell(fw)}"
            f'<td data-label="Weights licence"><span class="lic lic-{lic}">{lic}</span></td>'
            f'<td class="date" data-label="Last scanned">{m.scanned_date}</td>'
            f'<td class="pick" data-label="Compare"><input type="checkbox" name="m" value="{mid}" aria-label="Compare {mid}"></td>'
            "</tr>\n"
        )
    return Markup("".join(out))


def criterion_names() -> dict[str, str]:
    return {c.id: c.name for d in load_spec().dimensions for c in d.criteria}


POINT_WORDS = {2: "met", 1: "partly", 0: "unmet"}


def matrix_rows(rows: Sequence[ModelSummary], offset: int) -> Markup:
    """Models by the spec's criteria: each cell its points as a number and a word, coloured."""
    spec = load_spec()
    names = criterion_names()
    maxima = {c.id: c.max for c in spec.criteria}
    out = []
    for i, m in enumerate(rows, offset + 1):
        cells = []
        for cid in spec.criterion_ids:
            p = m.criteria.get(cid)
            if p is not None:
                cells.append(f'<td class="cell p{p}" data-label="{_e(names[cid])}" title="{_e(names[cid])}: {p}/{maxima[cid]}">'
                             f'{p}<span class="sr"> {POINT_WORDS.get(p, "")}</span></td>')
            else:
                cells.append(f'<td class="cell na" data-label="{_e(names[cid])}">–</td>')
        tier = _e(m.tier)
        out.append(
            f'<tr data-model="{_e(m.model_id)}">'
            f'<td class="num rank" data-label="Rank">{i}</td>'
            f"{_model_cell(m)}"
            f'<td class="num total" data-label="Total"><strong>{int(m.total)}</strong>/{m.max} '
            f'<span class="tier tier-{tier}">{tier}</span><br>{verdict_chip(m.openness)}</td>'
            + "".join(cells) + "</tr>\n"
        )
    return Markup("".join(out))

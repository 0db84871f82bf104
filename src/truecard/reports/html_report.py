"""HTML: one self-contained page per model (no scripts, fonts, images or styles fetched).

The page is what the dashboard's model page shows: the scorecard with its badge, the four
dimensions as an inline SVG chart, every criterion with its points, reason, cited evidence
(claimed evidence marked) and what to publish next, the other frameworks' views, and what the
model card states. `page_body()` and `CSS` are public so the dashboard can embed the same
fragment in its own layout; `render()` wraps them into a complete document.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from truecard.models import ArtifactLicenseRecord, CriterionResult, Evidence, Scorecard, Status
from truecard.reports.badge import card_badge, tier_color
from truecard.reports.integrity_text import html as integrity_html
from truecard.reports.literal import literal
from truecard.reports.options import DEFAULT, RenderOptions

CSS = """
:root{--fg:#1d2329;--muted:#5b6570;--line:#d8dde3;--bg:#fff;--met:#1f7a3a;--partial:#946200;
--unmet:#b3261e;--unknown:#6b4fa0;--claimed:#8a3ffc}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg)}main.truecard{max-width:1080px;margin:0 auto;padding:24px}
.truecard h1{font-size:1.6em;margin:0 0 4px}.truecard h2{font-size:1.25em;margin:28px 0 8px;
border-bottom:1px solid var(--line);padding-bottom:4px}.truecard h3{font-size:1.05em;margin:18px 0 6px}
.truecard .summary{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
.truecard .total{font-size:2.2em;font-weight:700}.truecard .tier{display:inline-block;padding:2px 10px;
border-radius:4px;color:#fff;font-weight:600}.truecard .muted{color:var(--muted)}
.truecard table{border-collapse:collapse;width:100%;margin:8px 0}.truecard th,.truecard td{
border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
.truecard th{font-size:.85em;color:var(--muted);font-weight:600}.truecard .pts{white-space:nowrap;font-weight:700}
.truecard .st{display:inline-block;font-size:.8em;padding:0 6px;border-radius:3px;color:#fff}
.truecard .st-met{background:var(--met)}.truecard .st-partial{background:var(--partial)}
.truecard .st-unmet{background:var(--unmet)}.truecard .st-unknown{background:var(--unknown)}
.truecard ul.ev{margin:4px 0 0;padding-left:18px;font-size:.88em}.truecard .claimed{color:var(--claimed);
font-weight:600}.truecard .todo{font-size:.9em;color:var(--muted)}.truecard code{font-size:.9em}
.truecard .excerpt{color:var(--muted);font-style:italic}.truecard dl{display:grid;
grid-template-columns:max-content 1fr;gap:2px 16px}.truecard dt{color:var(--muted)}.truecard dd{margin:0}
"""

STATUS_CLASS = {Status.MET: "st-met", Status.PARTIAL: "st-partial", Status.UNMET: "st-unmet",
                Status.UNKNOWN: "st-unknown"}


def _e(text: Any) -> str:
    """Escaped for HTML, with control and bidi characters shown as escapes (`literal`)."""
    return escape(literal(text, multiline=True))


def dimension_chart(card: Scorecard) -> str:
    """The four dimensions as horizontal bars, inline SVG."""
    row, label_w, bar_w = 30, 150, 360
    h = row * len(card.dimensions) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" height="{h}" role="img" '
             f'aria-label="TRUE dimensions">']
    color = tier_color(card.tier)
    for i, d in enumerate(card.dimensions):
        y = 5 + i * row
        frac = d.score / d.max if d.max else 0
        parts.append(f'<text x="0" y="{y + 16}" font-size="13" fill="#1d2329">{_e(d.name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" rx="3" fill="#e6e9ed"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * frac:.1f}" height="16" rx="3" fill="{color}"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 16}" font-size="13" fill="#1d2329">'
                     f"{d.score}/{d.max}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _evidence(e: Evidence) -> str:
    loc = _e(e.locator())
    if e.url and e.url.startswith(("https://", "http://")):
        loc = f'<a href="{_e(e.url)}" rel="noopener nofollow">{loc}</a>'
    out = ('<span class="claimed">claimed</span> ' if e.origin == "claimed" else "") + f"<code>{loc}</code>"
    out += f" — {_e(e.summary)}"
    if e.excerpt:
        out += f' <span class="excerpt">“{_e(e.excerpt)}”</span>'
    return f"<li>{out}</li>"


def _criterion(c: CriterionResult) -> str:
    ev = "".join(_evidence(e) for e in c.evidence[:6])
    extra = f"<ul class=ev>{ev}</ul>" if ev else ""
    todo = f'<div class="todo">To earn the rest: {_e(c.remediation)}</div>' if c.remediation else ""
    basis = ' <span class="claimed">(claimed)</span>' if c.basis == "claimed" else ""
    return (
        f'<tr id="{_e(c.id)}"><td>{_e(c.name)}</td><td class="pts">{c.points}/{c.max}</td>'
        f'<td><span class="st {STATUS_CLASS[c.status]}">{_e(c.status)}</span></td>'
        f"<td>{_e(c.rationale)}{basis}{extra}{todo}</td></tr>"
    )


_INLINE = re.compile(r"(?P<code>(?P<fence>`+) ?(?P<body>.+?) ?(?P=fence))|\\(?P<esc>[!-/:-@\[-`{-~])|\*\*(?P<strong>.+?)\*\*")


def _md_inline(text: str) -> str:
    """The inline Markdown the framework views write: code spans, **strong**, backslash escapes."""
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(_e(text[pos : m.start()]))
        if m.group("code") is not None:
            out.append(f"<code>{_e(m.group('body').replace(chr(92) + '|', '|'))}</code>")
        elif m.group("esc") is not None:
            out.append(_e(m.group("esc")))
        else:
            out.append(f"<strong>{_md_inline(m.group('strong'))}</strong>")
        pos = m.end()
    out.append(_e(text[pos:]))
    return "".join(out)


def markdown_to_html(lines: list[str]) -> str:
    """The small Markdown subset the framework sections use: headings, tables, lists, text."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("### "):
            out.append(f"<h3>{_md_inline(line[4:])}</h3>")
        elif line.startswith("## "):
            out.append(f"<h2>{_md_inline(line[3:])}</h2>")
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            cells = [[c.strip() for c in re.split(r"(?<!\\)\|", r.strip())[1:-1]] for r in rows]
            head, body = cells[0], [r for r in cells[2:]]
            out.append("<table><thead><tr>" + "".join(f"<th>{_md_inline(c)}</th>" for c in head) + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f"<td>{_md_inline(c)}</td>" for c in r) + "</tr>" for r in body)
                       + "</tbody></table>")
            continue
        elif line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(f"<li>{_md_inline(lines[i][2:])}</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        elif line.strip():
            out.append(f"<p>{_md_inline(line)}</p>")
        i += 1
    return "\n".join(out)


def _model_facts(card: Scorecard) -> str:
    mc = card.model_card
    if not mc:
        return ""
    names = [("task", "Task"), ("architecture_family", "Architecture"), ("parameters", "Parameters"),
             ("license", "Licence (card)"), ("base_model", "Base model"), ("datasets", "Datasets"),
             ("languages", "Languages"), ("hardware", "Hardware"), ("emissions", "Emissions"),
             ("limitations", "Limitations")]
    rows = []
    for key, label in names:
        v = getattr(mc, key)  # a field the card does not state is its empty default
        if v in (None, "", []):
            continue
        if key == "parameters":
            v = f"{v:,}"
        elif isinstance(v, list):
            v = ", ".join(map(str, v))
        rows.append(f"<dt>{label}</dt><dd>{_e(v)}</dd>")
    return "<h2>What the model card states</h2><dl>" + "".join(rows) + "</dl>" if rows else ""


def page_body(card: Scorecard, *, show_true: bool = True) -> str:
    """The model page's content, a `<main class="truecard">` fragment (style: `CSS`)."""
    from truecard.reports.frameworks_text import markdown as frameworks_markdown

    srcs = ", ".join(
        f"<code>{_e(s.location)}</code>" + (f" @ <code>{_e(s.revision[:12])}</code>" if s.revision else "")
        for s in card.subject.sources
    )
    head = [f"<h1>{_e(card.subject.name)}</h1>",
            f'<p class="muted">Sources: {srcs}. Scanned {card.scanned_at:%Y-%m-%d %H:%M} UTC with truecard '
            f"{_e(card.truecard_version)} ({_e(card.spec.name)} {_e(card.spec.version)}).</p>"]
    parts: list[str] = ['<main class="truecard">', *head]
    if show_true:
        detected = (f'<div class="muted">From detected evidence alone: {card.total_detected}/{card.max}, '
                    f"{_e(card.tier_detected)}</div>" if card.claims_used else "")
        parts.append(
            '<section class="summary">'
            f'<div><div class="total">{card.total}/{card.max}</div>'
            f'<span class="tier" style="background:{tier_color(card.tier)}">{_e(card.tier)}</span>{detected}</div>'
            f"<div>{card_badge(card, id_suffix='-page')}</div>"
            f"<div>{dimension_chart(card)}</div></section>"
        )
        for d in card.dimensions:
            parts.append(f"<h2>{_e(d.name)} <span class=muted>{d.score}/{d.max}</span></h2>")
            parts.append("<table><thead><tr><th>criterion</th><th>points</th><th>status</th>"
                         "<th>reason, evidence, next step</th></tr></thead><tbody>")
            parts += [_criterion(c) for c in d.criteria]
            parts.append("</tbody></table>")
    if card.frameworks:
        parts.append(markdown_to_html(frameworks_markdown(card)))
    parts.append(_model_facts(card))
    parts.append(integrity_html(card))
    if card.licenses:
        parts.append("<h2>Licences per artifact</h2><table><thead><tr><th>artifact</th><th>licence</th>"
                     "<th>class</th><th>basis</th><th>where</th></tr></thead><tbody>")
        for f in card.licenses[:30]:
            if isinstance(f, ArtifactLicenseRecord):
                what = f.artifact + ("" if f.present else " (not shipped)")
                lic, basis, loc = f.license_id or f.name, f.basis, f.where or ""
            else:  # scorecards from before per-artifact licences: raw findings by scope
                ev = f.evidence
                what, lic, basis = f.scope, f.license_id or f.raw, f.how
                loc = (ev.path or ev.url or ev.field or "") if ev is not None else ""
            parts.append(f"<tr><td>{_e(what)}</td><td>{_e(lic)}</td><td>{_e(f.license_class)}</td>"
                         f"<td>{_e(basis)}</td><td><code>{_e(loc)}</code></td></tr>")
        parts.append("</tbody></table>")
    if card.warnings:
        parts.append("<h2>Warnings</h2><ul>" + "".join(f"<li>{_e(w)}</li>" for w in card.warnings) + "</ul>")
    if card.problems:
        parts.append("<h2>What could not be read</h2><ul>" + "".join(
            f"<li>{_e((p.path + ': ') if p.path else '')}{_e(p.message)}</li>" for p in card.problems[:50]) + "</ul>")
    parts.append("</main>")
    return "\n".join(p for p in parts if p)


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    show_true = options.show_true
    title = f"TRUE scorecard: {card.subject.name} — {card.total}/{card.max} {card.tier}"
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n"
        f"{page_body(card, show_true=show_true)}\n</body></html>\n"
    )


# The notebook view's style: the page's rules without those that would restyle the notebook
# itself (body, *), on a light panel so it reads the same under a dark theme.
NOTEBOOK_CSS = (
    re.sub(r"(?<![\w.-])(body|\*)\{[^}]*\}", "", CSS)
    + ".truecard.nb{background:#fff;color:var(--fg);padding:12px 16px;border:1px solid var(--line);"
    "border-radius:6px;max-width:1080px;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}"
    ".truecard.nb td.dim{color:var(--muted);white-space:nowrap}"
)


def notebook_html(card: Scorecard) -> str:
    """What Jupyter shows for a Scorecard (`Scorecard._repr_html_`): the total and tier, the
    four dimensions as bars, and one table of every criterion with its points, status, reason
    and first two pieces of evidence. Local paths are shown relative, as in every report."""
    from truecard.reports.portable import portable

    card = portable(card)
    srcs = ", ".join(
        f"<code>{_e(s.id)}</code>" + (f" @ <code>{_e(s.revision[:12])}</code>" if s.revision else "")
        for s in card.subject.sources
    )
    detected = (f'<div class="muted">detected evidence alone: {card.total_detected}/{card.max} '
                f"{_e(card.tier_detected)}</div>" if card.claims_used else "")
    rows = []
    for d in card.dimensions:
        for i, c in enumerate(d.criteria):
            ev = "".join(
                f"<li>{'<span class=claimed>claimed</span> ' if e.origin == 'claimed' else ''}"
                f"<code>{_e(e.locator())}</code></li>"
                for e in c.evidence[:2]
            )
            dim = f'<td class="dim" rowspan="{len(d.criteria)}">{_e(d.name)} {d.score}/{d.max}</td>' if i == 0 else ""
            basis = ' <span class="claimed">(claimed)</span>' if c.basis == "claimed" else ""
            rows.append(
                f'<tr>{dim}<td>{_e(c.name)}</td><td class="pts">{c.points}/{c.max}</td>'
                f'<td><span class="st {STATUS_CLASS[c.status]}">{_e(c.status)}</span></td>'
                f"<td>{_e(c.rationale)}{basis}" + (f"<ul class=ev>{ev}</ul>" if ev else "") + "</td></tr>"
            )
    return (
        f"<style>{NOTEBOOK_CSS}</style>"
        '<div class="truecard nb">'
        f'<div class="summary"><div><strong>{_e(card.subject.name)}</strong>'
        f'<div class="total">{card.total}/{card.max} '
        f'<span class="tier" style="background:{tier_color(card.tier)}">{_e(card.tier)}</span></div>'
        f"{detected}</div><div>{dimension_chart(card)}</div></div>"
        "<table><thead><tr><th>dimension</th><th>criterion</th><th>points</th><th>status</th>"
        "<th>reason and evidence</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        f'<div class="muted">{card.spec.name} {_e(card.spec.version)} · sources: {srcs} · '
        f"truecard {_e(card.truecard_version)} · <code>card.to_markdown()</code> for a pull request</div>"
        "</div>"
    )

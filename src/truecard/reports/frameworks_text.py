"""Other frameworks' views (MOF, OSAID, OSAI index, policies) as Markdown and terminal text.

Shared by the Markdown, table and HTML reports so a view reads the same everywhere; the JSON
report carries the views as they are (`Scorecard.frameworks`).
"""

from __future__ import annotations

from typing import Any

from truecard.models import Scorecard, as_json
from truecard.reports.literal import md_text


def _cell(text: Any) -> str:
    """A value that may come from the scanned repository, escaped for a Markdown table cell."""
    return "—" if text is None or text == "" else md_text(text)


def _pct(p: dict[str, float]) -> str:
    return f"III {p['class_3']:.0f}% · II {p['class_2']:.0f}% · I {p['class_1']:.0f}%"


def title(key: str, view: dict[str, Any]) -> str:
    """One line per view: what a reader needs at a glance."""
    basis = f" ({view.get('basis')})" if view.get("basis") else ""
    if key == "mof":
        return f"MOF: {view['label']}, progress {_pct(view['progress'])}{basis}"
    if key == "osaid":
        n = sum(1 for e in view["elements"] if e["status"] == "met")
        return f"OSAID 1.0: {view['verdict']} ({n}/3 elements met){basis}"
    if key == "osai":
        return f"OSAI index: {view['score_percent']:.1f}% openness{basis}"
    if key.startswith("policy:"):
        return f"Policy {view['policy']}: {'met' if view['passed'] else 'NOT met'}"
    return key


def markdown(card: Scorecard) -> list[str]:
    out: list[str] = []
    for key, typed in card.frameworks.items():
        view = as_json(typed)
        if not isinstance(view, dict):
            continue
        out += [f"## {_cell(title(key, view))}", ""]
        if key == "mof":
            out += _mof_md(view)
        elif key == "osaid":
            out += _osaid_md(view)
        elif key == "osai":
            out += _osai_md(view)
        elif key.startswith("policy:"):
            out += _policy_md(view)
    return out


def _mof_md(v: dict[str, Any]) -> list[str]:
    out = [
        "| component | class | status | licence | from |",
        "|---|---|---|---|---|",
    ]
    for c in v["components"]:
        if c["status"] == "absent":
            continue
        roman = {1: "I", 2: "II", 3: "III"}[c["class"]] + ("" if c["required"] else " (optional)")
        out.append(
            f"| {_cell(c['name'])} | {roman} | {c['status']} | {_cell(c['license'])} | {_cell(c.get('license_from'))} |"
        )
    out.append("")
    if v.get("research_paper_for_technical_report"):
        out += ["The research paper stands in for the technical report, as the MOF allows.", ""]
    for w in v.get("warnings", []):
        out.append(f"- ⚠ {_cell(w)}")
    if v.get("warnings"):
        out.append("")
    cmp = v.get("comparison")
    if cmp:
        out += [
            f"### Self-report against detected evidence: claimed {_cell(v['claimed']['label'])}, "
            f"detected {_cell(v['label'])}",
            "",
            "| component | claimed | detected | verdict |",
            "|---|---|---|---|",
        ]
        for r in cmp["components"]:
            out.append(
                f"| {_cell(r['component'])} | {r['claimed']} ({_cell(r['claimed_license'])}) | "
                f"{r['detected']} ({_cell(r['detected_license'])}) | {r['verdict']} |"
            )
        out.append("")
    return out


def _osaid_md(v: dict[str, Any]) -> list[str]:
    out = ["| element | status | terms | missing |", "|---|---|---|---|"]
    for e in v["elements"]:
        out.append(
            f"| {e['name']} | {e['status']} | {_cell(e['terms'])} | {_cell('; '.join(e['missing']))} |"
        )
    out.append("")
    for r in v.get("comparison", []):
        out.append(f"- {r['element']}: claimed {r['claimed']}, detected {r['detected']} ({r['verdict']})")
    if v.get("comparison"):
        out.append("")
    return out


def _osai_md(v: dict[str, Any]) -> list[str]:
    out = ["| category | parameter | level | notes |", "|---|---|---|---|"]
    for c in v["categories"]:
        for p in c["parameters"]:
            out.append(f"| {c['name']} | {p['name']} | {p['level']} | {_cell(p.get('notes'))} |")
    out.append("")
    cmp = v.get("comparison")
    if cmp:
        out += [
            f"Self-report: {cmp['claimed_score'] * 100:.1f}%, detected: {cmp['detected_score'] * 100:.1f}%; "
            f"{cmp['disagreements']} parameters differ.",
            "",
        ]
        for r in cmp["parameters"]:
            if r["verdict"] != "agree":
                out.append(f"- {r['parameter']}: claimed {r['claimed']}, detected {r['detected']}")
        out.append("")
    return out


def _policy_md(v: dict[str, Any]) -> list[str]:
    out = [f"Basis: {v['basis']} evidence. {_cell(v.get('description'))}", "",
           "| check | required | actual | result |", "|---|---|---|---|"]
    for c in v["checks"]:
        out.append(f"| {_cell(c['check'])} | {_cell(c['required'])} | {_cell(c['actual'])} | "
                   f"{'✅' if c['passed'] else '❌'} |")
    out.append("")
    return out


def text_lines(card: Scorecard) -> list[tuple[str, str]]:
    """(text, style) lines for the terminal table's footer."""
    lines: list[tuple[str, str]] = []
    for key, typed in card.frameworks.items():
        view = as_json(typed)
        if not isinstance(view, dict):
            continue
        ok = (
            view.get("passed", True) if key.startswith("policy:")
            else view.get("ready", True) if key == "osaid"
            else True
        )
        lines.append((title(key, view), "bold" if ok else "bold red"))
        if key == "mof":
            for cls in (3, 2, 1):
                missing = view["missing"][f"class_{cls}"]
                if missing and view["progress"][f"class_{cls}"] < 100:
                    lines.append((f"  class {'I' * cls} lacks: {', '.join(missing)}", "dim"))
                    break
            cmp = view.get("comparison")
            if cmp:
                lines.append(
                    (f"  self-report claims {view['claimed']['label']}; {cmp['disagreements']} components differ "
                     "from what was detected", "yellow")
                )
        elif key == "osaid":
            for m in view["missing"][:4]:
                lines.append((f"  missing: {m}", "dim"))
        elif key.startswith("policy:"):
            for f in view["failures"]:
                lines.append((f"  ✗ {f}", "red"))
        elif key == "osai" and view.get("comparison"):
            cmp = view["comparison"]
            lines.append((f"  self-report {cmp['claimed_score'] * 100:.1f}%, {cmp['disagreements']} parameters differ",
                          "yellow"))
    return lines

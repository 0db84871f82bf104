"""A short, factual summary of the model card for reports that describe the model itself.

The ML-BOM's `modelCard` and the HTML page need what the card says (task, architecture,
parameters, datasets, metrics, limitations), not only the scores; this gathers it once from the
inventory into `Scorecard.model_card`, so renderers need nothing but the scorecard.
"""

from __future__ import annotations

import re
from typing import Any

from truecard.evidence.card import find_section
from truecard.evidence.inventory import Inventory
from truecard.models import ModelCardSummary, clip

_SECTION_LIMIT = 600


def _listify(v: Any) -> list[str]:
    if isinstance(v, list):
        return [str(x) for x in v if isinstance(x, str | int | float) and str(x).strip()][:20]
    if isinstance(v, str | int | float) and str(v).strip():
        return [str(v)]
    return []


def _section_text(inv: Inventory, *patterns: str) -> str | None:
    card = inv.card
    if card is None:
        return None
    for s in find_section(card, *patterns):
        text = re.sub(r"<[^>]+>", " ", s.text)
        text = clip(text, _SECTION_LIMIT)
        if text:
            return text
    return None


_METRICS_KEPT = 50


def _metrics(mi: Any, limit: int) -> list[dict[str, Any]]:
    """The first `limit` results of a `model-index`, in order, as (type, value, dataset, task).
    It stops there: an MTEB card's model-index holds thousands of results."""
    metrics: list[dict[str, Any]] = []
    for m in mi if isinstance(mi, list) else []:
        for r in (m.get("results") or []) if isinstance(m, dict) else []:
            if not isinstance(r, dict):
                continue
            t, d = r.get("task"), r.get("dataset")
            task: dict[str, Any] = t if isinstance(t, dict) else {}
            ds: dict[str, Any] = d if isinstance(d, dict) else {}
            for met in r.get("metrics") or []:
                if isinstance(met, dict) and met.get("value") is not None:
                    metrics.append({
                        "type": str(met.get("type") or met.get("name") or "metric"),
                        "value": str(met["value"]),
                        "dataset": str(ds.get("name") or ds.get("type") or ""),
                        "task": str(task.get("type") or ""),
                    })
                    if len(metrics) >= limit:
                        return metrics
    return metrics


def model_card_summary(inv: Inventory) -> ModelCardSummary:
    md = inv.metadata
    out: dict[str, Any] = {}
    if inv.card is not None:
        out["card"] = inv.card.path
    for key, name in (("pipeline_tag", "task"), ("library_name", "library")):
        if isinstance(md.get(key), str):
            out[name] = md[key]
    for key, name in (("language", "languages"), ("base_model", "base_model"), ("tags", "tags")):
        vals = _listify(md.get(key))
        if vals:
            out[name] = vals
    lic = _listify(md.get("license"))
    if lic:
        out["license"] = lic
    cfg = next((c for c in inv.configs_of("model-config") if c.path.endswith("config.json") and c.data), None)
    if cfg is not None:
        if isinstance(cfg.data.get("model_type"), str):
            out["architecture_family"] = cfg.data["model_type"]
        archs = _listify(cfg.data.get("architectures"))
        if archs:
            out["architectures"] = archs
    params = sum(w.parameters or 0 for w in inv.weights if w.ok and w.parameters)
    if params:
        out["parameters"] = params
    formats = sorted({w.format for w in inv.weights})
    if formats:
        out["weight_formats"] = formats
    datasets = sorted({d.name for d in inv.datasets if d.precise and d.name != "(not disclosed)"})
    if datasets:
        out["datasets"] = datasets[:30]
    metrics = _metrics(md.get("model-index"), _METRICS_KEPT)
    if metrics:
        out["metrics"] = metrics
    for name, pats in (
        ("intended_uses", (r"intended use", r"^uses$", r"direct use")),
        ("limitations", (r"limitation", r"bias", r"risk")),
        ("ethical_considerations", (r"ethic", r"safety")),
        ("training", (r"^training$", r"training (procedure|details)")),
    ):
        text = _section_text(inv, *pats)
        if text:
            out[name] = text
    for d in inv.disclosed("emissions")[:1]:
        out["emissions"] = d.evidence.excerpt or d.evidence.summary
    for d in inv.disclosed("hardware")[:1]:
        out["hardware"] = d.evidence.excerpt or d.evidence.summary
    return ModelCardSummary.model_validate(out)

"""The European Open Source AI Index (OSAI index) view.

The index (osai-index.eu; data in `Language-Technology-Assessment/main-database`, CC-BY-4.0)
rates each model on 12 parameters in three categories (availability, documentation, access),
each open (1), partial (0.5) or closed (0); the score is the unweighted mean over the
parameters, an empty level counting 0 as in the site's code. The parameters are data
(`frameworks/data/osai.yaml`).

From an `osai:FILE` record the view is the record itself (claimed). From truecard's detected
evidence each parameter is derived from the TRUE criteria's *detected* points (never claims),
so the same evidence answers both frameworks; when both are present the view compares them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from truecard.evidence.inventory import Inventory
from truecard.models import (
    Evidence,
    OsaiCategory,
    OsaiComparison,
    OsaiComparisonRow,
    OsaiParameter,
    OsaiView,
    Scorecard,
)


@dataclass(frozen=True)
class OsaiParamSpec:
    ref: str
    name: str
    category: str
    question: str


@dataclass(frozen=True)
class OsaiSpec:
    name: str
    version: str
    levels: dict[str, float]
    categories: tuple[tuple[str, str], ...]  # (ref, name)
    params: tuple[OsaiParamSpec, ...]
    retired: tuple[str, ...]

    def refs(self) -> list[str]:
        return [p.ref for p in self.params]

    def all_refs(self) -> list[str]:
        return self.refs() + list(self.retired)


@cache
def load_osai_spec() -> OsaiSpec:
    raw = yaml.safe_load(resources.files(__package__).joinpath("data/osai.yaml").read_text("utf-8"))
    params = tuple(
        OsaiParamSpec(p["ref"], p["name"], c["ref"], p.get("question", ""))
        for c in raw["categories"]
        for p in c["params"]
    )
    return OsaiSpec(
        name=raw["name"],
        version=str(raw["version"]),
        levels={k: float(v) for k, v in raw["levels"].items()},
        categories=tuple((c["ref"], c["name"]) for c in raw["categories"]),
        params=params,
        retired=tuple(raw.get("retired", [])),
    )


def score(levels: dict[str, str]) -> float:
    """Unweighted mean over the current parameters; empty or absent levels count 0."""
    spec = load_osai_spec()
    return sum(spec.levels.get(levels.get(ref, ""), 0.0) for ref in spec.refs()) / len(spec.params)


@dataclass(frozen=True)
class Detail:
    """What a parameter's rating rests on: the index's notes and links (a record), or
    truecard's note and the criteria's evidence (detected). `links` None: not stated."""

    notes: str | None
    evidence: list[Evidence]
    links: list[str] | None = None


def _parameter(p: OsaiParamSpec, level: str, detail: Detail | None) -> OsaiParameter:
    spec = load_osai_spec()
    param = OsaiParameter(ref=p.ref, name=p.name, level=level or "empty", value=spec.levels.get(level, 0.0))
    if detail is not None:  # only the keys the detail states (the view keeps the keys set)
        if detail.links is not None:
            param.links = list(detail.links)
        param.notes = detail.notes
        param.evidence = detail.evidence
    return param


def _view(levels: dict[str, str], details: dict[str, Detail], basis: str) -> OsaiView:
    spec = load_osai_spec()
    cats = []
    for cref, cname in spec.categories:
        params = [_parameter(p, levels.get(p.ref, ""), details.get(p.ref)) for p in spec.params if p.category == cref]
        cats.append(OsaiCategory(ref=cref, name=cname, score=round(sum(x.value for x in params) / len(params), 4),
                                 parameters=params))
    s = score(levels)
    return OsaiView(framework=spec.name, version=spec.version, basis=basis, score=round(s, 4),
                    score_percent=round(s * 100, 1), categories=cats)


def record_view(rec: Any) -> OsaiView:
    """The index's own rating of a model, as its record states it (claimed)."""
    levels = {ref: p.level for ref, p in rec.params.items()}
    details = {
        ref: Detail(notes=p.notes, links=p.links,
                    evidence=[rec.evidence(f"OSAI record: {ref} {p.level or 'empty'}", p.line,
                                           p.notes or None, p.links[0] if p.links else None)])
        for ref, p in rec.params.items()
    }
    view = _view(levels, details, "claimed")
    view.record, view.model = rec.path, rec.name
    if rec.extra_params:
        view.retired_parameters = {ref: p.level or "empty" for ref, p in rec.extra_params.items()}
    return view


_PREPRINT = re.compile(r"arxiv\.org|biorxiv|medrxiv|ssrn\.com|hf\.co/papers|huggingface\.co/papers|/preprint", re.I)
_PEER = re.compile(
    r"aclanthology\.org|openreview\.net|proceedings\.mlr\.press|neurips\.cc|nips\.cc|jmlr\.org|"
    r"dl\.acm\.org|ieeexplore|aaai\.org|springer|nature\.com|sciencedirect|doi\.org", re.I
)
_LEVEL = {2: "open", 1: "partial", 0: "closed"}


def detected_levels(inv: Inventory, card: Scorecard) -> tuple[dict[str, str], dict[str, Detail]]:
    """Each parameter from TRUE's detected points and the inventory (claims never count here)."""
    from truecard.licenses import OPEN_CLASSES

    pts = {c.id: c.detected_points for c in card.criteria}
    evid = {c.id: [e for e in c.evidence if e.origin == "detected"] for c in card.criteria}
    levels: dict[str, str] = {}
    details: dict[str, Detail] = {}

    def put(ref: str, level: str, note: str, evidence: list[Evidence]) -> None:
        levels[ref] = level
        details[ref] = Detail(notes=note, evidence=list(evidence[:3]))

    base = inv.metadata.get("base_model")
    d = pts["transparent.datasets"]
    put("datasources_endmodel", _LEVEL[d], f"TRUE datasets: {d}/2 detected", evid["transparent.datasets"])
    if base:
        put("datasources_basemodel", "closed", f"base model {base}: its data was not examined", [])
    else:
        put("datasources_basemodel", _LEVEL[d], "no base model: mirrors the end model's data", evid["transparent.datasets"])
    w = pts["transparent.weights"]
    weights_lic = [f for f in inv.licenses if f.scope in ("weights", "model") and f.how != "claim"]
    open_lic = any(f.license_class in {str(c) for c in OPEN_CLASSES} for f in weights_lic) and not any(
        f.license_class in ("restricted", "non-commercial", "proprietary") for f in weights_lic
    )
    wl = "open" if w == 2 and open_lic else "partial" if w >= 1 else "closed"
    note = f"TRUE weights: {w}/2 detected" + ("" if wl != "partial" or w < 2 else "; licence not open")
    put("weights_endmodel", wl, note, evid["transparent.weights"])
    if base:
        put("weights_basemodel", "partial", f"base model {base} linked; its licence was not examined",
            [link.evidence for link in inv.links if link.text == "base_model"])
    else:
        put("weights_basemodel", wl, "no base model: mirrors the end model's weights", evid["transparent.weights"])
    t = pts["transparent.training_code"]
    put("trainingcode", _LEVEL[t], f"TRUE training code: {t}/2 detected", evid["transparent.training_code"])
    pipe = pts["reproducible.pipeline"]
    doc = "open" if t == 2 and pipe == 2 else "partial" if t >= 1 and pipe >= 1 else "closed"
    put("code", doc, f"training code {t}/2 with pipeline and configs {pipe}/2", evid["reproducible.pipeline"])
    h = pts["reproducible.hardware"]
    put("hardware_architecture", _LEVEL[h], f"TRUE hardware: {h}/2 detected", evid["reproducible.hardware"])
    papers = inv.links_of("paper")
    pre = [p for p in papers if _PREPRINT.search(p.url)]
    peer = [p for p in papers if _PEER.search(p.url)]
    put("preprint", "open" if pre else "closed", "preprint linked" if pre else "no preprint linked",
        [p.evidence for p in pre])
    put("paper", "open" if peer else "closed",
        "peer-reviewed publication linked" if peer else "no peer-reviewed publication linked",
        [p.evidence for p in peer])
    m = pts["understandable.model_card"]
    put("modelcard", _LEVEL[m], f"TRUE model card: {m}/2 detected", evid["understandable.model_card"])
    p = pts["understandable.data_provenance"]
    put("datasheet", _LEVEL[p], f"TRUE data provenance: {p}/2 detected", evid["understandable.data_provenance"])
    lic = pts["transparent.license"]
    put("licenses", _LEVEL[lic], f"TRUE licence: {lic}/2 detected", evid["transparent.license"])
    return levels, details


def evaluate(inv: Inventory, card: Scorecard) -> OsaiView:
    records = [r for r in inv.records if r.kind == "osai"]
    has_files = any(t.lists_files for t in inv.trees)
    claimed = [record_view(r) for r in records]
    if not has_files and claimed:
        first = claimed[0]
        if len(claimed) > 1:
            first.other_records = claimed[1:]
        return first
    levels, details = detected_levels(inv, card)
    view = _view(levels, details, "detected")
    if claimed:
        view.claimed = claimed[0]
        rows = []
        cl = {p.ref: p.level for c in claimed[0].categories for p in c.parameters}
        for c in view.categories:
            for p in c.parameters:
                a, b = cl.get(p.ref, "empty"), p.level
                rows.append(OsaiComparisonRow(parameter=p.name, claimed=a, detected=b,
                                              verdict="agree" if a == b else "claimed higher"
                                              if _rank(a) > _rank(b) else "detected higher"))
        view.comparison = OsaiComparison(claimed_score=claimed[0].score, detected_score=view.score,
                                         parameters=rows,
                                         disagreements=sum(1 for r in rows if r.verdict != "agree"))
    return view


def _rank(level: str) -> float:
    return load_osai_spec().levels.get(level, 0.0)

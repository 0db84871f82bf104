"""CycloneDX 1.6 ML-BOM: the model, its weight files and datasets, its model card and scorecard.

Built with `cyclonedx-python-lib` (the `formats` extra): the model is the BOM's subject
(`metadata.component`, type `machine-learning-model`) with its licences and the TRUE scorecard as
`truecard:*` properties; weight files are `file` components with their SHA-256; datasets are
`data` components. The library has no model-card classes yet, so the `modelCard` object (task,
architecture, datasets, metrics, limitations, and the scorecard again as properties) is added to
the library's JSON output; `validate()` checks the result against CycloneDX's 1.6 JSON schema,
which the library ships, offline.
"""

from __future__ import annotations

import json
from typing import Any

from truecard.models import Scorecard

SCHEMA_VERSION = "1.6"


def _license(raw: str) -> Any:
    from cyclonedx.model.license import DisjunctiveLicense
    from cyclonedx.spdx import fixup_id

    sid = fixup_id(raw)
    return DisjunctiveLicense(id=sid) if sid else DisjunctiveLicense(name=raw[:200])


def _scorecard_properties(card: Scorecard) -> list[tuple[str, str]]:
    props = [
        ("truecard:spec", f"{card.spec.name} {card.spec.version}"),
        ("truecard:total", f"{card.total}/{card.max}"),
        ("truecard:tier", card.tier),
        ("truecard:total_detected", f"{card.total_detected}/{card.max}"),
        ("truecard:scanned_at", card.scanned_at.isoformat()),
    ]
    for d in card.dimensions:
        props.append((f"truecard:dimension:{d.id}", f"{d.score}/{d.max}"))
    for c in card.criteria:
        props.append((f"truecard:criterion:{c.id}", f"{c.points}/{c.max} {c.status}" + (
            " (claimed)" if c.basis == "claimed" else "")))
    fw = card.frameworks
    if isinstance(fw.get("mof"), dict):
        props.append(("truecard:mof:class", fw["mof"]["label"]))
        for k, v in fw["mof"]["progress"].items():
            props.append((f"truecard:mof:progress:{k}", f"{v}"))
    if isinstance(fw.get("osaid"), dict):
        props.append(("truecard:osaid", fw["osaid"]["verdict"]))
    if isinstance(fw.get("osai"), dict):
        props.append(("truecard:osai:score", f"{fw['osai']['score']}"))
    for k, v in fw.items():
        if k.startswith("policy:") and isinstance(v, dict):
            props.append((f"truecard:{k}", "met" if v.get("passed") else "not met"))
    return props


def build(card: Scorecard) -> dict[str, Any]:
    from cyclonedx.model import (
        ExternalReference,
        ExternalReferenceType,
        HashAlgorithm,
        HashType,
        Property,
        XsUri,
    )
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6

    mc = card.model_card
    lic_raws: list[str] = []
    for f in card.licenses:
        if f.get("scope") in ("model", "weights") and f.get("class") not in ("none", "unknown"):
            raw = f.get("license_id") or f.get("raw")
            if raw and raw not in lic_raws:
                lic_raws.append(str(raw))
    if not lic_raws:
        lic_raws = [x for x in mc.get("license", []) if x not in ("other", "unknown")]
    refs = []
    seen_urls: set[str] = set()
    for c in card.criteria:
        for e in c.evidence:
            if e.url and e.url.startswith(("https://", "http://")) and e.url not in seen_urls and len(refs) < 20:
                seen_urls.add(e.url)
                kind = ExternalReferenceType.DOCUMENTATION if c.id.startswith("understandable") else (
                    ExternalReferenceType.VCS if "code" in c.id else ExternalReferenceType.OTHER)
                refs.append(ExternalReference(type=kind, url=XsUri(e.url), comment=f"{c.name}: {e.summary}"[:200]))
    model = Component(
        name=card.subject.name,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref="model",
        description=f"TRUE {card.total}/{card.max} {card.tier}",
        licenses=[_license(x) for x in lic_raws[:5]],
        properties=[Property(name=n, value=v) for n, v in _scorecard_properties(card)],
        external_references=refs,
    )
    bom = Bom()
    bom.metadata.component = model
    bom.metadata.timestamp = card.scanned_at
    bom.metadata.tools.components.add(
        Component(name="truecard", version=card.truecard_version, type=ComponentType.APPLICATION)
    )
    files_seen: set[str] = set()
    for c in card.criteria:
        for e in c.evidence:
            if e.kind == "weights" and e.path and e.path not in files_seen and e.origin == "detected":
                files_seen.add(e.path)
                hashes = [HashType(alg=HashAlgorithm.SHA_256, content=e.sha256)] if (
                    e.sha256 and e.sha256_scope == "file") else []
                props = [Property(name="truecard:summary", value=e.summary)]
                if e.sha256 and e.sha256_scope == "header":
                    props.append(Property(name="truecard:sha256_first_mib", value=e.sha256))
                bom.components.add(Component(name=e.path, type=ComponentType.FILE, bom_ref=f"file:{e.path}",
                                             hashes=hashes, properties=props))
    dataset_refs = []
    for name in mc.get("datasets", [])[:30]:
        ref = f"dataset:{name}"
        dataset_refs.append(ref)
        bom.components.add(Component(name=name, type=ComponentType.DATA, bom_ref=ref))
    bom.register_dependency(model, list(bom.components))
    data = json.loads(JsonV1Dot6(bom).output_as_string(indent=None))
    data["metadata"]["component"]["modelCard"] = _model_card(card, dataset_refs)
    return data


def _model_card(card: Scorecard, dataset_refs: list[str]) -> dict[str, Any]:
    mc = card.model_card
    params: dict[str, Any] = {}
    if mc.get("task"):
        params["task"] = mc["task"]
    if mc.get("architecture_family"):
        params["architectureFamily"] = mc["architecture_family"]
    if mc.get("architectures"):
        params["modelArchitecture"] = ", ".join(mc["architectures"])
    if dataset_refs:
        params["datasets"] = [{"ref": r} for r in dataset_refs]
    out: dict[str, Any] = {}
    if params:
        out["modelParameters"] = params
    if mc.get("metrics"):
        out["quantitativeAnalysis"] = {"performanceMetrics": [
            {"type": m["type"], "value": m["value"], **({"slice": m["dataset"]} if m.get("dataset") else {})}
            for m in mc["metrics"]
        ]}
    cons: dict[str, Any] = {}
    if mc.get("intended_uses"):
        cons["useCases"] = [mc["intended_uses"]]
    if mc.get("limitations"):
        cons["technicalLimitations"] = [mc["limitations"]]
    if mc.get("ethical_considerations"):
        cons["ethicalConsiderations"] = [{"name": mc["ethical_considerations"]}]
    if cons:
        out["considerations"] = cons
    props = [{"name": n, "value": v} for n, v in _scorecard_properties(card)]
    for key in ("parameters", "hardware", "emissions", "base_model", "library"):
        if mc.get(key) not in (None, "", []):
            v = mc[key]
            props.append({"name": f"truecard:model:{key}", "value": ", ".join(v) if isinstance(v, list) else str(v)})
    out["properties"] = props
    return out


def validate(text: str) -> list[str]:
    """Errors of a CycloneDX JSON document against the 1.6 schema shipped with the library."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    if errors is None:
        return []
    errs = [errors] if not isinstance(errors, list | tuple) and not hasattr(errors, "__iter__") else list(errors)
    return [str(e) for e in errs]


def render(card: Scorecard, **_: Any) -> str:
    return json.dumps(build(card), indent=2) + "\n"

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

from truecard.models import ArtifactLicenseRecord, Scorecard, as_json
from truecard.reports.options import DEFAULT, RenderOptions

SCHEMA_VERSION = "1.6"


def _license(raw: str, acknowledgement: str | None = None) -> Any:
    """A licence entry: an SPDX id where there is one, else the name; declared or concluded."""
    from cyclonedx.model.license import DisjunctiveLicense, LicenseAcknowledgement
    from cyclonedx.spdx import fixup_id

    ack = LicenseAcknowledgement(acknowledgement) if acknowledgement else None
    sid = fixup_id(raw)
    return DisjunctiveLicense(id=sid, acknowledgement=ack) if sid else DisjunctiveLicense(
        name=raw[:200], acknowledgement=ack)


def _artifact_licenses(row: ArtifactLicenseRecord | None) -> list[Any]:
    """The licence as the artifact's own statement declares it, and truecard's conclusion where it differs."""
    if not row:
        return []
    findings = row.findings
    stated = next((f for how in ("metadata", "file") for f in findings if f.how == how), None) or (
        findings[0] if findings else None)
    out = []
    declared = (stated.license_id or stated.raw) if stated is not None else None
    if declared and stated is not None and stated.license_class not in ("none", "unknown"):
        out.append(_license(str(declared), "declared"))
    concluded = row.license_id or (row.name if row.license_class not in ("none", "unknown") else None)
    if concluded and concluded != declared:
        out.append(_license(str(concluded), "concluded"))
    return out


def _locator(e: dict[str, Any] | Any) -> str:
    from truecard.models import Evidence

    ev = e if isinstance(e, Evidence) else Evidence.model_validate(e)
    return ev.locator() + (f" sha256:{ev.sha256}" if ev.sha256 else "") + (
        f" ({ev.origin})" if str(ev.origin) != "detected" else "")


def _integrity_properties(card: Scorecard) -> list[tuple[str, str]]:
    """The Integrity section as properties: unsafe pickles, signatures, BOMs the repository ships."""
    integ = card.integrity
    if integ is None:
        return []
    props = []
    counts: dict[str, int] = {}
    for s in integ.serialization:
        counts[s.verdict] = counts.get(s.verdict, 0) + 1
        if s.verdict not in ("code-free", "safe"):
            props.append((f"truecard:integrity:serialization:{s.verdict}", f"{s.path}: {s.message}"[:1000]))
    if counts:
        props.append(("truecard:integrity:serialization", ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))))
    for sig in integ.signatures:
        props.append((f"truecard:integrity:signature:{sig.verdict}", f"{sig.path}: {sig.message}"[:1000]))
    for d in integ.declared:
        props.append(("truecard:integrity:declared-bom",
                      f"{d.path} ({d.format} {d.spec_version}) declares {', '.join(d.licenses) or 'no licence'}"))
    return props


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
    fw = {k: as_json(v) for k, v in card.frameworks.items()}
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
    rows = {r.artifact: r for r in card.licenses if isinstance(r, ArtifactLicenseRecord)}
    model_licenses = _artifact_licenses(rows.get("weights"))
    if not model_licenses:
        model_licenses = [_license(x, "declared") for x in mc.license if x not in ("other", "unknown")][:5]
    refs: list[Any] = []
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
        licenses=model_licenses,
        properties=[Property(name=n, value=v) for n, v in [*_scorecard_properties(card), *_integrity_properties(card)]],
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
                check = next((x for x in (card.integrity.serialization if card.integrity else [])
                              if x.path == e.path and x.source == e.source), None)
                if check is not None:
                    props.append(Property(name="truecard:integrity", value=f"{check.verdict}: {check.message}"[:1000]))
                if e.sha256 and e.sha256_scope == "header":
                    props.append(Property(name="truecard:sha256_first_mib", value=e.sha256))
                bom.components.add(Component(name=e.path, type=ComponentType.FILE, bom_ref=f"file:{e.path}",
                                             hashes=hashes, properties=props))
    dataset_refs = []
    data_evidence = {f.value: f.evidence for f in (card.integrity.facts_of("dataset") if card.integrity else [])}
    data_licenses = _artifact_licenses(rows.get("datasets"))
    for name in mc.datasets[:30]:
        ref = f"dataset:{name}"
        dataset_refs.append(ref)
        ev = data_evidence.get(name)
        props = [Property(name="truecard:evidence", value=_locator(ev))] if ev is not None else []
        bom.components.add(Component(name=name, type=ComponentType.DATA, bom_ref=ref, properties=props,
                                     licenses=[_license(x.id or x.name, "declared") for x in data_licenses[:1]]))
    bom.register_dependency(model, list(bom.components))
    data = json.loads(JsonV1Dot6(bom).output_as_string(indent=None))
    data["metadata"]["component"]["modelCard"] = _model_card(card, dataset_refs)
    return data


def _model_card(card: Scorecard, dataset_refs: list[str]) -> dict[str, Any]:
    mc = card.model_card
    params: dict[str, Any] = {}
    if mc.task:
        params["task"] = mc.task
    if mc.architecture_family:
        params["architectureFamily"] = mc.architecture_family
    if mc.architectures:
        params["modelArchitecture"] = ", ".join(mc.architectures)
    if dataset_refs:
        params["datasets"] = [{"ref": r} for r in dataset_refs]
    out: dict[str, Any] = {}
    if params:
        out["modelParameters"] = params
    if mc.metrics:
        out["quantitativeAnalysis"] = {"performanceMetrics": [
            {"type": m.type, "value": m.value, **({"slice": m.dataset} if m.dataset else {})}
            for m in mc.metrics
        ]}
    cons: dict[str, Any] = {}
    if mc.intended_uses:
        cons["useCases"] = [mc.intended_uses]
    if mc.limitations:
        cons["technicalLimitations"] = [mc.limitations]
    if mc.ethical_considerations:
        cons["ethicalConsiderations"] = [{"name": mc.ethical_considerations}]
    if cons:
        out["considerations"] = cons
    facts = card.integrity.facts if card.integrity else []
    energy = [f for f in facts if f.name == "energy"]
    if energy:
        out.setdefault("considerations", {})["environmentalConsiderations"] = {"properties": [
            {"name": "truecard:energy:training", "value": f"{f.value} {f.key}"} for f in energy]
            + [{"name": "truecard:evidence:energy", "value": _locator(f.evidence)} for f in energy if f.evidence]}
    props = [{"name": n, "value": v} for n, v in _scorecard_properties(card)]
    for f in facts:
        if f.name == "hyperparameter":
            props.append({"name": f"truecard:hyperparameter:{f.key}", "value": f.value})
            if f.evidence is not None:
                props.append({"name": f"truecard:evidence:hyperparameter:{f.key}", "value": _locator(f.evidence)})
        elif f.name in ("download_location", "supplier", "release_time"):
            props.append({"name": f"truecard:model:{f.name}", "value": f.value})
    for field, crit in (("task", "understandable.model_card"), ("architecture_family", "understandable.architecture"),
                        ("limitations", "understandable.model_card"), ("training", "reproducible.pipeline")):
        if getattr(mc, field):
            try:
                ev = next(iter(card.criterion(crit).evidence), None)
            except KeyError:
                ev = None
            if ev is not None:
                props.append({"name": f"truecard:evidence:{field}", "value": _locator(ev)})
    for key in ("parameters", "hardware", "emissions", "base_model", "library"):
        v = getattr(mc, key)  # a field the card does not state is its empty default
        if v not in (None, "", []):
            props.append({"name": f"truecard:model:{key}", "value": ", ".join(v) if isinstance(v, list) else str(v)})
    out["properties"] = props
    return out


def validate(text: str) -> list[str]:
    """Errors of a CycloneDX JSON document against the 1.6 schema shipped with the library
    (the check shared with the shipped-BOM reader: `truecard.integrity.schemas`)."""
    from truecard.integrity.schemas import validate_cyclonedx

    return validate_cyclonedx(text)


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    return json.dumps(build(card), indent=2) + "\n"

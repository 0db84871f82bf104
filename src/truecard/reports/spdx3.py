"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, built with `spdx-python-model`.

The SPDX project's generated bindings type-check every property as it is set and refuse a
document missing a required one when it is serialised; `validate()` reads the output back with
the same library's deserialiser. The document holds:

- an `ai_AIPackage` for the model: `typeOfModel`, `informationAboutTraining`,
  `informationAboutApplication`, `hyperparameter` (from the training configs read), `metric`,
  `energyConsumption` (where a unit is disclosed), `limitation`, `domain`, `downloadLocation`,
  `releaseTime`, `suppliedBy` and `packageVersion` (the scanned revision);
- a `software_File` per weight file, with its SHA-256, contained in the package;
- a `dataset_DatasetPackage` per dataset named, and one `trainedOn` relationship to them all;
- for every artifact (model, code, datasets, documentation) the declared licence as written
  and, where truecard's classification differs from it, the concluded one
  (`hasDeclaredLicense` / `hasConcludedLicense`; the AI profile wants both on the package);
- an `Annotation` on each element per value, quoting the evidence locator (file:line [field],
  SHA-256) that justified it, and the TRUE scorecard and integrity checks as annotations on the
  package.

Nothing is written that no artifact showed: an unknown download location or release time is
left out rather than filled with a placeholder. Field-by-field: docs/formats/spdx3.md.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from truecard.models import ArtifactLicenseRecord, Evidence, LicenseFindingRecord, Scorecard
from truecard.reports.options import DEFAULT, RenderOptions

SPEC_VERSION = "3.0.1"
CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
# SPDX's named individual for "no licence information could be determined"
NO_ASSERTION = "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"
PROFILES = ("core", "software", "ai", "dataset", "simpleLicensing")
_ENERGY_UNITS = {"kwh": ("kilowattHour", 1.0), "mwh": ("kilowattHour", 1e3), "gwh": ("kilowattHour", 1e6),
                 "twh": ("kilowattHour", 1e9), "mj": ("megajoule", 1.0), "gj": ("megajoule", 1e3),
                 "tj": ("megajoule", 1e6)}


def _locator(e: Evidence | dict[str, Any] | None) -> str:
    if e is None:
        return ""
    ev = e if isinstance(e, Evidence) else Evidence.model_validate(e)
    out = ev.locator()
    if ev.source:
        out = f"{ev.source} {out}"
    if ev.sha256:
        out += f" sha256:{ev.sha256}" + (" (first MiB)" if ev.sha256_scope == "header" else "")
    if str(ev.origin) != "detected":
        out += f" ({ev.origin})"
    return out


def license_expression(raw: str | None) -> str | None:
    """An SPDX licence expression for an id truecard knows; LicenseRef-... for the others."""
    if not raw:
        return None
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    try:
        parsed = licensing.parse(raw, validate=True, strict=False)
        if parsed is not None:
            return str(parsed)
    except Exception:  # not an SPDX id or expression: a LicenseRef names it faithfully
        pass
    ref = re.sub(r"[^A-Za-z0-9.\-]+", "-", raw).strip("-")[:80]
    return f"LicenseRef-{ref}" if ref else None


class _Builder:
    def __init__(self, card: Scorecard) -> None:
        from spdx_python_model import v3_0_1 as spdx

        self.spdx = spdx
        self.card = card
        seed = f"{card.subject.name}\0{card.scanned_at.isoformat()}\0" + "\0".join(
            f"{s.id}@{s.revision}" for s in card.subject.sources)
        self.ns = f"https://spdx.org/spdxdocs/truecard-{uuid.uuid5(uuid.NAMESPACE_URL, seed)}/"
        self.count = 0
        self.objects: list[Any] = []
        agent = spdx.SoftwareAgent(_id=self.id("agent", "truecard"), name=f"truecard {card.truecard_version}")
        self.ci = spdx.CreationInfo(specVersion=SPEC_VERSION, created=card.scanned_at.astimezone(UTC),
                                    createdBy=[agent])
        agent.creationInfo = self.ci
        tool = spdx.Tool(_id=self.id("tool", "truecard"), name="truecard", creationInfo=self.ci)
        self.ci.createdUsing = [tool]
        self.objects += [agent, tool]
        self.licenses: dict[str, Any] = {}

    def id(self, kind: str, name: str = "") -> str:
        self.count += 1
        slug = re.sub(r"[^A-Za-z0-9.\-_]+", "-", name).strip("-")[:60]
        return f"{self.ns}{kind}/{self.count}" + (f"-{slug}" if slug else "")

    def add(self, obj: Any) -> Any:
        obj.creationInfo = self.ci
        self.objects.append(obj)
        return obj

    def annotate(self, element: Any, what: str, evidence: Evidence | dict[str, Any] | None, value: str = "") -> None:
        loc = _locator(evidence)
        if not loc:
            return
        text = f"truecard evidence for {what}" + (f" = {value[:200]}" if value else "") + f": {loc}"
        self.add(self.spdx.Annotation(_id=self.id("annotation"), annotationType=self.spdx.AnnotationType.other,
                                      subject=element, statement=text[:1000]))

    def relate(self, frm: Any, rtype: str, to: list[Any], comment: str = "") -> Any:
        rel = self.spdx.Relationship(_id=self.id("relationship", rtype), from_=frm, to=to,
                                     relationshipType=getattr(self.spdx.RelationshipType, rtype))
        if comment:
            rel.comment = comment[:1000]
        return self.add(rel)

    def license(self, expr: str) -> Any:
        if expr not in self.licenses:
            self.licenses[expr] = self.add(self.spdx.simplelicensing_LicenseExpression(
                _id=self.id("license", expr), simplelicensing_licenseExpression=expr))
        return self.licenses[expr]


def _declared_and_concluded(
        row: ArtifactLicenseRecord | None) -> tuple[str | None, LicenseFindingRecord | None, str | None]:
    """(declared expression, the finding it came from, concluded expression) for one artifact row."""
    if row is None:
        return None, None, None
    findings = row.findings
    # the declaration people see first: card metadata, then a licence file, then anything else
    declared_f = next((f for how in ("metadata", "file") for f in findings if f.how == how), None) or (
        findings[0] if findings else None)
    declared = license_expression((declared_f.license_id or declared_f.raw) if declared_f is not None else None)
    concluded = license_expression(row.license_id or (row.name if row.license_class not in (
        "none", "unknown") else None))
    return declared, declared_f, concluded


def build(card: Scorecard) -> dict[str, Any]:
    b = _Builder(card)
    spdx = b.spdx
    mc = card.model_card
    integ = card.integrity
    facts = integ.facts if integ else []
    fact = {f.name: f for f in reversed(facts)}

    pkg = b.add(spdx.ai_AIPackage(_id=b.id("model", card.subject.name), name=card.subject.name,
                                  software_primaryPurpose=spdx.software_SoftwarePurpose.model))
    pkg.description = f"TRUE {card.total}/{card.max} {card.tier} ({card.spec.name} {card.spec.version})"
    rev = next((s.revision for s in card.subject.sources if s.revision), None)
    if rev:
        pkg.software_packageVersion = rev
        b.annotate(pkg, "packageVersion", {"kind": "source", "summary": "revision", "field": "source:revision",
                                           "source": next(s.id for s in card.subject.sources if s.revision)}, rev)
    if "download_location" in fact:
        f = fact["download_location"]
        pkg.software_downloadLocation = f.value
        b.annotate(pkg, "downloadLocation", f.evidence, f.value)
    if "release_time" in fact:
        f = fact["release_time"]
        try:
            pkg.releaseTime = datetime.fromisoformat(f.value.replace("Z", "+00:00")).astimezone(UTC)
            b.annotate(pkg, "releaseTime", f.evidence, f.value)
        except ValueError:
            pass
    if "supplier" in fact:
        f = fact["supplier"]
        org = b.add(spdx.Organization(_id=b.id("organization", f.value), name=f.value))
        pkg.suppliedBy = org
        b.annotate(org, "suppliedBy", f.evidence, f.value)
    types = [*mc.architectures, *([mc.architecture_family] if mc.architecture_family else [])]
    if types:
        pkg.ai_typeOfModel = list(dict.fromkeys(types))
        b.annotate(pkg, "typeOfModel", _cite(card, "understandable.architecture", ("model-config", "config")),
                   ", ".join(types))
    for key, prop, crit, kinds in (
        ("training", "ai_informationAboutTraining", "reproducible.pipeline", ("card-section",)),
        ("intended_uses", "ai_informationAboutApplication", "understandable.model_card", ("card-section",)),
        ("limitations", "ai_limitation", "understandable.model_card", ("card-section",)),
    ):
        stated = getattr(mc, key)
        if stated:
            setattr(pkg, prop, str(stated)[:4000])
            b.annotate(pkg, prop.removeprefix("ai_"), _cite(card, crit, kinds) or _card_ev(card))
    if mc.task:
        pkg.ai_domain = [mc.task]
        b.annotate(pkg, "domain", _card_ev(card, "card:pipeline_tag"), mc.task)
    hps = [f for f in facts if f.name == "hyperparameter"]
    for f in hps:
        pkg.ai_hyperparameter.append(spdx.DictionaryEntry(key=f.key, value=f.value))
        b.annotate(pkg, f"hyperparameter {f.key}", f.evidence, f.value)
    for m in mc.metrics[:50]:
        key = m.type + (f" ({m.dataset})" if m.dataset else "")
        pkg.ai_metric.append(spdx.DictionaryEntry(key=key[:200], value=str(m.value)[:200]))
    if mc.metrics:
        b.annotate(pkg, "metric", _card_ev(card, "card:model-index"))
    energy = fact.get("energy")
    if energy is not None:
        unit, factor = _energy_unit(energy.key)
        try:
            qty = float(energy.value) * factor
            pkg.ai_energyConsumption = spdx.ai_EnergyConsumption(ai_trainingEnergyConsumption=[
                spdx.ai_EnergyConsumptionDescription(ai_energyQuantity=qty,
                                                     ai_energyUnit=getattr(spdx.ai_EnergyUnitType, unit))])
            b.annotate(pkg, "energyConsumption", energy.evidence, f"{energy.value} {energy.key}")
        except ValueError:
            pass

    # weight files, with their hashes
    files = []
    for s in integ.serialization if integ else []:
        ev = s.evidence
        f = b.add(spdx.software_File(_id=b.id("file", s.path), name=s.path,
                                     software_primaryPurpose=spdx.software_SoftwarePurpose.model))
        if ev is not None and ev.sha256 and ev.sha256_scope == "file":
            f.verifiedUsing.append(spdx.Hash(algorithm=spdx.HashAlgorithm.sha256, hashValue=ev.sha256))
        f.comment = f"{s.format}: {s.verdict}; {s.message}"[:1000]
        b.annotate(f, "file", ev)
        files.append(f)
    if files:
        b.relate(pkg, "contains", files)

    # datasets named, and what the model was trained on
    datasets = []
    for f in (x for x in facts if x.name == "dataset"):
        d = b.add(spdx.dataset_DatasetPackage(
            _id=b.id("dataset", f.value), name=f.value, software_primaryPurpose=spdx.software_SoftwarePurpose.data,
            dataset_datasetType=[spdx.dataset_DatasetType.noAssertion]))
        url = _dataset_url(f.value)
        if url:
            d.software_downloadLocation = url
        b.annotate(d, "dataset", f.evidence, f.value)
        datasets.append(d)
    if datasets:
        b.relate(pkg, "trainedOn", datasets, "datasets the model card and documentation name")

    # licences: declared as written, concluded where truecard's reading differs; each
    # relationship carries the locator of the statement behind it
    rows = {r.artifact: r for r in card.licenses if isinstance(r, ArtifactLicenseRecord)}
    w = rows.get("weights")
    declared, declared_f, concluded = _declared_and_concluded(w)
    rel = b.relate(pkg, "hasDeclaredLicense", [b.license(declared) if declared else NO_ASSERTION])
    if declared_f:
        b.annotate(rel, "hasDeclaredLicense", declared_f.evidence, declared or "")
    either = concluded or declared
    w_class, w_basis = (w.license_class, w.basis) if w is not None else ("unknown", "")
    rel = b.relate(pkg, "hasConcludedLicense", [b.license(either) if either else NO_ASSERTION],
                   f"truecard: {w_class}, {w_basis}".strip(", "))
    governing = _finding_for(w, concluded) if concluded else None
    cited = governing or declared_f
    b.annotate(rel, "hasConcludedLicense" + (" (differs from the declared licence)" if concluded != declared else ""),
               cited.evidence if cited is not None else None, concluded or declared or "")
    evidence_of = {"inference-code": "transparent.inference_code", "training-code": "transparent.training_code",
                   "documentation": "understandable.model_card"}
    for artifact, purpose in (("inference-code", "source"), ("training-code", "source"), ("documentation", "documentation")):
        r = rows.get(artifact)
        if not r or not r.present:
            continue
        p = b.add(spdx.software_Package(_id=b.id("package", artifact), name=f"{card.subject.name} {artifact.replace('-', ' ')}",
                                        software_primaryPurpose=getattr(spdx.software_SoftwarePurpose, purpose)))
        b.annotate(p, artifact.replace("-", " "), _cite(card, evidence_of[artifact], ("code", "card", "doc")))
        dec, dec_f, con = _declared_and_concluded(r)
        if dec:
            rel = b.relate(p, "hasDeclaredLicense", [b.license(dec)])
            b.annotate(rel, "hasDeclaredLicense", dec_f.evidence if dec_f is not None else None, dec)
        if con and con != dec:
            rel = b.relate(p, "hasConcludedLicense", [b.license(con)])
            found = _finding_for(r, con)
            b.annotate(rel, "hasConcludedLicense", found.evidence if found is not None else None, con)
        b.relate(pkg, "hasDocumentation" if artifact == "documentation" else "dependsOn", [p])
    ds_row = rows.get("datasets")
    if ds_row and datasets:
        dec, dec_f, con = _declared_and_concluded(ds_row)
        for d in datasets if dec else []:
            rel = b.relate(d, "hasDeclaredLicense", [b.license(str(dec))])
            b.annotate(rel, "hasDeclaredLicense", dec_f.evidence if dec_f is not None else None, str(dec))

    # the scorecard and the integrity checks, on the package
    score = "; ".join(f"{c.id} {c.points}/{c.max}" for c in card.criteria)
    b.add(spdx.Annotation(_id=b.id("annotation", "scorecard"), annotationType=spdx.AnnotationType.review,
                          subject=pkg, statement=f"TRUE {card.total}/{card.max} {card.tier} "
                          f"(detected alone {card.total_detected}/{card.max}): {score}"[:4000]))
    for line in integrity_lines(card):
        b.add(spdx.Annotation(_id=b.id("annotation", "integrity"), annotationType=spdx.AnnotationType.review,
                              subject=pkg, statement=f"integrity: {line}"[:2000]))

    elements = [o for o in b.objects if not isinstance(o, spdx.CreationInfo)]
    sbom = b.add(spdx.software_Sbom(_id=b.id("sbom"), name=f"AI BOM of {card.subject.name}",
                                    software_sbomType=[spdx.software_SbomType.analyzed],
                                    rootElement=[pkg], element=elements,
                                    profileConformance=[getattr(spdx.ProfileIdentifierType, p) for p in PROFILES]))
    doc = b.add(spdx.SpdxDocument(_id=b.id("document"), name=f"truecard SPDX 3 AI BOM: {card.subject.name}",
                                  rootElement=[sbom], element=[*elements, sbom],
                                  profileConformance=[getattr(spdx.ProfileIdentifierType, p) for p in PROFILES],
                                  dataLicense=b.license("CC0-1.0")))
    doc.comment = "Generated by truecard from the artifacts it read; each value's evidence is an Annotation."
    objset = spdx.SHACLObjectSet(b.objects)
    return spdx.JSONLDSerializer().serialize_data(objset)  # type: ignore[no-any-return]


def _energy_unit(unit: str) -> tuple[str, float]:
    """SPDX's energy unit for a written one, and the factor to convert the quantity to it."""
    u = unit.lower().replace(" ", "").replace("-", "")
    u = "kwh" if u.startswith("kilowatthour") else "mwh" if u.startswith("megawatthour") else u
    return _ENERGY_UNITS.get(u, ("other", 1.0))


def integrity_lines(card: Scorecard) -> list[str]:
    integ = card.integrity
    if integ is None:
        return []
    out = []
    for s in integ.serialization:
        if s.verdict not in ("code-free", "safe"):
            out.append(f"{s.path}: {s.verdict}: {s.message}")
    for sig in integ.signatures:
        out.append(f"signature {sig.path}: {sig.verdict}: {sig.message}")
    for d in integ.declared:
        out.append(f"shipped {d.format} BOM {d.path} declares licences {', '.join(d.licenses) or 'none'}")
    return out


def _finding_for(row: ArtifactLicenseRecord | None, expression: str | None) -> LicenseFindingRecord | None:
    """The finding of an artifact row whose licence is this expression (what truecard concluded from)."""
    if row is None:
        return None
    return next((f for f in row.findings if license_expression(f.license_id or f.raw) == expression), None)


def _dataset_url(name: str) -> str | None:
    if name.startswith(("https://", "http://")):
        return name
    if re.fullmatch(r"[A-Za-z0-9][\w.\-]*/[\w.\-]+", name):
        return f"https://huggingface.co/datasets/{name}"
    return None


def _card_ev(card: Scorecard, field: str | None = None) -> dict[str, Any] | None:
    path = card.model_card.card
    if not path:
        return None
    src = card.subject.sources[0].id if card.subject.sources else None
    return {"kind": "card", "summary": "model card", "path": path, "field": field, "source": src}


def _cite(card: Scorecard, criterion: str, kinds: tuple[str, ...]) -> Evidence | None:
    try:
        c = card.criterion(criterion)
    except KeyError:
        return None
    return next((e for e in c.evidence if e.kind.startswith(kinds)), None)


def validate(text: str) -> list[str]:
    """Problems reading an SPDX 3 JSON-LD document back with spdx-python-model, and AI-profile
    licence conformance ([] when none)."""
    from spdx_python_model import load_data

    try:
        model, objset = load_data(json.loads(text))
    except Exception as exc:
        return [f"{type(exc).__name__}: {exc}"]
    packages = list(objset.foreach_type(model.ai_AIPackage))
    if not packages:
        return ["no ai_AIPackage in the document"]
    errors = []
    rels = list(objset.foreach_type(model.Relationship))
    for pkg in packages:  # the AI profile's conformance: exactly one declared and one concluded licence
        for rtype in ("hasDeclaredLicense", "hasConcludedLicense"):
            n = sum(1 for r in rels if str(r.relationshipType).endswith(rtype)
                    and (r.from_ is pkg or r.from_ == pkg._id))
            if n != 1:
                errors.append(f"{pkg.name}: {n} {rtype} relationships (the AI profile wants exactly one)")
    return errors


def render(card: Scorecard, options: RenderOptions = DEFAULT) -> str:
    return json.dumps(build(card), indent=2) + "\n"

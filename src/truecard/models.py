"""Typed public results of a scan: evidence, criterion results, dimensions, the scorecard.

These pydantic models are the contract of every output (JSON, reports, the dashboard's
store, later tools); `truecard schema` prints their JSON Schema. Field names are stable.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    Tag,
    model_serializer,
    model_validator,
)

EXCERPT_MAX = 200

# The config of the models a plain scan never validates or serialises on their own (framework
# views, truecard verify's result): built on first use instead of at import. A scorecard that
# holds one reads it through its own schema, built with the scorecard's. Deferring a model a
# scan does use would only move its cost (tests/models/test_deferred_models.py keeps the two
# sets apart).
DEFERRED = ConfigDict(defer_build=True)



# Empty defaults made by plain functions, not by `list`/`dict` themselves: pydantic reads each
# default factory's signature while it builds a model, and for a builtin that means parsing its
# text signature (inspect), which made up a seventh of building these models at every start.
def _list() -> list[Any]:
    return []


def _dict() -> dict[str, Any]:
    return {}

class Origin(StrEnum):
    """Whether truecard found a piece of evidence itself or a person asserted it."""

    DETECTED = "detected"
    CLAIMED = "claimed"
    # stated by a document the repository ships (a CycloneDX or SPDX BOM, a signature bundle's
    # signer): read by truecard, but what it says was not checked against the files
    DECLARED = "declared"


class Status(StrEnum):
    MET = "met"  # full points
    PARTIAL = "partial"  # 1 point: "incomplete but indicative"
    UNMET = "unmet"  # evidence says the criterion is not met
    UNKNOWN = "unknown"  # no evidence either way: 0 points, said so


class EvidenceKind(StrEnum):
    """What sort of fact a piece of evidence is: every kind truecard itself produces.

    `Evidence.kind` also accepts any other string, so an evaluation stored by another version (or a
    plugin's evidence) still loads and is written back with the same kind.
    """

    CARD = "card"  # the model card (or a README) as a whole
    CARD_METADATA = "card-metadata"  # a key of the card's YAML front matter
    CARD_SECTION = "card-section"  # a section of a card, cited by its line range
    METADATA = "metadata"  # a metadata field a source states (Hub tags, widget, model-index)
    PROSE = "prose"  # a sentence of a card or document
    PROSE_NEGATIVE = "prose-negative"  # a sentence saying something is not disclosed
    PROSE_REPRO_INVITE = "prose-repro-invite"  # a sentence inviting others to reproduce the results
    DOC = "doc"  # a documentation file
    DATACARD = "datacard"  # a dataset's card or datasheet
    DATASET_METADATA = "dataset-metadata"  # a dataset named in card metadata
    LINK = "link"  # a link the card gives
    USAGE_CODE = "usage-code"  # a code block or command line that runs or trains the model
    LICENSE_FILE = "license-file"  # a licence file's text
    LICENSE_METADATA = "license-metadata"  # a licence stated in metadata (card, GGUF header, package)
    LICENSE_PROSE = "license-prose"  # a licence named in prose
    WEIGHTS = "weights"  # a weights file
    WEIGHTS_INDEX = "weights-index"  # a sharded checkpoint's index
    CHECKPOINT = "checkpoint"  # an intermediate checkpoint
    CHECKPOINT_REVISIONS = "checkpoint-revisions"  # checkpoints published as revisions of the repository
    TOKENIZER = "tokenizer"  # tokenizer files
    CODE = "code"  # a source file
    MODEL_CONFIG = "model-config"  # a model's config.json
    GENERATION_CONFIG = "generation-config"  # generation_config.json
    TRAINING_CONFIG = "training-config"  # a training configuration
    FINETUNING_CONFIG = "finetuning-config"  # a fine-tuning configuration
    DATA_CONFIG = "data-config"  # a data-preparation configuration
    CONFIG_COMMENT = "config-comment"  # a comment in a configuration file
    ENVIRONMENT = "environment"  # a pinned software environment (requirements, lock file, Dockerfile)
    TRAINING_LOG = "training-log"  # a training log
    HYPERPARAMETER = "hyperparameter"  # one hyper-parameter read from a config
    FILE = "file"  # a file of a source
    SOURCE = "source"  # a source as a whole (its revision, its listing)
    INTEGRITY = "integrity"  # a weight-format or signature check (truecard.integrity)
    DECLARED_BOM = "declared-bom"  # a bill of materials the repository ships
    DECLARED_LICENSE = "declared-license"  # a licence a shipped BOM declares
    EXECUTION = "execution"  # a run of the model by truecard verify
    CLAIM = "claim"  # a claim from truecard.yaml or --claims
    MOT_RECORD = "mot-record"  # a Model Openness Tool record (mot:)
    OSAI_RECORD = "osai-record"  # an Open Source AI Index record (osai:)


class Evidence(BaseModel):
    """One cited fact: where it was read, what it says, and a hash of what was read."""

    model_config = ConfigDict(extra="forbid")

    kind: EvidenceKind | str = Field(
        union_mode="left_to_right",
        description="What sort of fact: an EvidenceKind ('license-file', 'weights', 'card-section', ...), "
        "or another string kept as written.",
    )
    summary: str = Field(description="One line saying what this evidence shows.")
    source: str | None = Field(default=None, description="Source id the fact came from.")
    revision: str | None = Field(default=None, description="Revision (commit sha) of that source.")
    path: str | None = Field(default=None, description="File path relative to the source root.")
    url: str | None = None
    field: str | None = Field(default=None, description="Metadata field, e.g. 'card:license'.")
    line_start: int | None = None
    line_end: int | None = None
    excerpt: str | None = Field(default=None, max_length=EXCERPT_MAX)
    sha256: str | None = Field(default=None, description="SHA-256 of the cited content.")
    sha256_scope: Literal["file", "header", "value"] | None = Field(
        default=None,
        description="What the hash covers: the whole file, a binary's header only, or the value.",
    )
    origin: Origin = Origin.DETECTED

    def locator(self) -> str:
        """A short human-readable pointer: path:lines, URL or field."""
        if self.path:
            loc = self.path
            if self.line_start:
                loc += f":{self.line_start}"
                if self.line_end and self.line_end != self.line_start:
                    loc += f"-{self.line_end}"
            if self.field:
                loc += f" [{self.field}]"
            return loc
        return self.url or self.field or self.kind


def clip(text: str, limit: int = EXCERPT_MAX) -> str:
    """Collapse whitespace and clip to the excerpt limit (with an ellipsis when cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CriterionResult(BaseModel):
    id: str
    name: str
    dimension: str
    points: int = Field(ge=0, le=2)
    max: int = 2
    status: Status
    rationale: str = Field(description="One line: why these points.")
    evidence: list[Evidence] = Field(default_factory=_list)
    remediation: str | None = Field(default=None, description="What to publish to earn the rest.")
    detected_points: int = Field(
        ge=0, le=2, description="Points earned by detected evidence alone (claims excluded)."
    )
    basis: Origin = Field(default=Origin.DETECTED, description="'claimed' when a claim raised the points.")


class DimensionResult(BaseModel):
    id: str
    name: str
    score: int
    max: int
    criteria: list[CriterionResult]


class SourceInfo(BaseModel):
    """Where the evidence came from, with the exact revision so a scan can be repeated."""

    id: str
    kind: str = Field(description="local, git, hf, gh, mot, osai, ...")
    location: str
    revision: str | None = None
    partial: bool = Field(default=False, description="True when not everything could be read.")
    notes: list[str] = Field(default_factory=_list)


class Subject(BaseModel):
    name: str
    sources: list[SourceInfo]


class SpecRef(BaseModel):
    name: str
    version: str


class Problem(BaseModel):
    """Something truecard could not read or had to skip, said plainly."""

    path: str | None = None
    source: str | None = None
    message: str
    severity: Literal["info", "warning", "error"] = "warning"


class PickleImport(BaseModel):
    """One global a pickle stream imports, read from its opcodes (never by unpickling)."""

    module: str
    name: str
    verdict: Literal["allowed", "dangerous", "unlisted"] = Field(
        description="'allowed': on truecard's allow-list of tensor-rebuilding globals; 'dangerous': known "
        "to run code or touch the system (os.system, builtins.eval, subprocess, ...); 'unlisted': neither, "
        "so loading the file imports and calls something no weights file needs."
    )


class SerializationCheck(BaseModel):
    """Whether one weights or checkpoint file can carry code, and if it does, what it imports."""

    path: str
    source: str | None = None
    format: str = Field(description="safetensors, gguf, onnx, pickle, pytorch-zip, numpy, ...")
    code_free: bool = Field(description="The format cannot carry executable code (safetensors, GGUF, ...).")
    verdict: Literal["code-free", "safe", "unsafe", "not-scanned", "error"]
    imports: list[PickleImport] = Field(default_factory=_list)
    message: str = ""
    evidence: Evidence | None = None


class SignatureCheck(BaseModel):
    """An OpenSSF model-signing bundle found in a source, checked offline."""

    path: str = Field(description="The bundle (model.sig, *.sigstore.json, ...).")
    source: str | None = None
    root: str = Field(default="", description="Folder the signed manifest's paths are relative to.")
    method: str = Field(default="", description="How it was signed: key, certificate or sigstore.")
    signer: str = Field(default="", description="Who signed it, as the bundle states it.")
    authenticated: bool | None = Field(
        default=None,
        description="True: the signature verifies against the key or certificate given with --trust-key/"
        "--trust-cert; False: it does not; None: no trust material given, so the signer is only stated.",
    )
    authentication: str = ""
    verdict: Literal["verified", "digests-match", "mismatch", "untrusted", "invalid", "unchecked"] = Field(
        description="'verified': authentic and every signed file matches; 'digests-match': files match the "
        "manifest but the signer is not authenticated; 'mismatch': a signed file differs or is missing; "
        "'untrusted': the signature does not verify with the trusted keys or certificates; 'invalid': the "
        "bundle's signed statement is broken; 'unchecked': the files could not be hashed."
    )
    signed_files: int = 0
    matched: list[str] = Field(default_factory=_list)
    mismatched: list[str] = Field(default_factory=_list)
    missing: list[str] = Field(default_factory=_list)
    uncovered: list[str] = Field(default_factory=_list, description="Files present but not in the manifest.")
    unchecked: list[str] = Field(default_factory=_list, description="Signed files whose bytes were not read.")
    message: str = ""
    evidence: Evidence | None = None


class DeclaredBom(BaseModel):
    """A bill of materials the repository ships, read as what it declares (never as detected)."""

    path: str
    source: str | None = None
    format: Literal["cyclonedx", "spdx3"]
    spec_version: str = ""
    subject: str = ""
    licenses: list[str] = Field(default_factory=_list)
    datasets: list[str] = Field(default_factory=_list)
    components: int = 0
    problems: list[str] = Field(default_factory=_list)
    evidence: Evidence | None = None


class ModelFact(BaseModel):
    """A fact the supply-chain formats (SPDX 3 AI profile, CycloneDX modelCard) carry, with its origin.

    `name` is one of: hyperparameter, energy, dataset, download_location, supplier, release_time.
    """

    name: str
    key: str = ""
    value: str
    evidence: Evidence | None = None


class Integrity(BaseModel):
    """Integrity and safety of the artifacts: weight formats, pickle imports, signatures, shipped BOMs."""

    serialization: list[SerializationCheck] = Field(default_factory=_list)
    signatures: list[SignatureCheck] = Field(default_factory=_list)
    declared: list[DeclaredBom] = Field(default_factory=_list)
    facts: list[ModelFact] = Field(default_factory=_list)

    @property
    def unsafe(self) -> list[SerializationCheck]:
        return [s for s in self.serialization if s.verdict == "unsafe"]

    @property
    def mismatched(self) -> list[SignatureCheck]:
        return [s for s in self.signatures if s.verdict in ("mismatch", "untrusted", "invalid")]

    def facts_of(self, name: str) -> list[ModelFact]:
        return [f for f in self.facts if f.name == name]


# --- the typed leaves of a scorecard: licences, framework views, model card, verification -------


class Facts(BaseModel):
    """A typed record whose JSON holds only the keys that were set.

    The scorecard's nested records used to be dicts that gained keys only sometimes (a MOF
    component's `note`, a licence finding's `restrictions`); keeping exactly the keys given keeps
    every stored and printed scorecard byte-identical while the schema names each field. Keys
    spelled `class` in JSON are `license_class`/`mof_class` in Python (aliases).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    @model_serializer(mode="wrap")
    def _set_keys_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        given = self.model_fields_set
        names = _json_names(type(self))
        if len(given) == len(names):
            return data  # every field was set (most records): all its keys stay
        keep = {names.get(n, n) for n in given}
        return {k: v for k, v in data.items() if k in keep}


_JSON_NAMES: dict[type, dict[str, str]] = {}


def _json_names(cls: type[BaseModel]) -> dict[str, str]:
    """Each field's name in JSON (its alias, if it has one), once per class: the serialiser
    of every record asks (and `len` of it is the number of fields: reading `model_fields`
    from the class goes through pydantic's class property, about 0.3 us a time)."""
    got = _JSON_NAMES.get(cls)
    if got is None:
        got = _JSON_NAMES[cls] = {
            n: f.serialization_alias or f.alias or n for n, f in cls.model_fields.items()
        }
    return got


def as_json(value: Any) -> Any:
    """A typed leaf as the JSON it is written as (dicts pass through), for readers of that shape."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def _compact(e: Evidence) -> dict[str, Any]:
    return e.model_dump(mode="json", exclude_none=True)


# evidence quoted inside a framework view or a licence finding: written without its empty fields
CitedEvidence = Annotated[Evidence, PlainSerializer(_compact, return_type=dict[str, Any])]


class LicenseFindingRecord(Facts):
    """One licence statement that applied to an artifact: what was read, where, and what it is."""

    scope: str
    license_id: str | None = None
    name: str | None = None
    license_class: str = Field(alias="class", description="A LicenseClass value, verbatim.")
    osi_approved: bool | None = None
    confidence: float = 0.0
    how: str = ""
    raw: str = ""
    where: str = ""
    note: str = ""
    source: str = ""
    evidence: CitedEvidence | None = None
    restrictions: list[str] = Field(default_factory=_list)
    parts: list[str] = Field(default_factory=_list)


class ArtifactLicenseRecord(Facts):
    """The licence governing one artifact (weights, code, data, ...) and every finding for it."""

    artifact: str
    present: bool
    license_id: str | None = None
    name: str = ""
    license_class: str = Field(alias="class", description="A LicenseClass value, verbatim.")
    osi_approved: bool | None = None
    confidence: float = 0.0
    basis: str = ""
    where: str | None = None
    source: str = ""
    restrictions: list[str] = Field(default_factory=_list)
    findings: list[LicenseFindingRecord] = Field(default_factory=_list)


class CardMetric(Facts):
    type: str
    value: str
    dataset: str = ""
    task: str = ""


class ModelCardSummary(Facts):
    """What the model card states; a key is present only when the card states it."""

    card: str | None = None
    task: str | None = None
    library: str | None = None
    languages: list[str] = Field(default_factory=_list)
    base_model: list[str] = Field(default_factory=_list)
    tags: list[str] = Field(default_factory=_list)
    license: list[str] = Field(default_factory=_list)
    architecture_family: str | None = None
    architectures: list[str] = Field(default_factory=_list)
    parameters: int | None = None
    weight_formats: list[str] = Field(default_factory=_list)
    datasets: list[str] = Field(default_factory=_list)
    metrics: list[CardMetric] = Field(default_factory=_list)
    intended_uses: str | None = None
    limitations: str | None = None
    ethical_considerations: str | None = None
    training: str | None = None
    emissions: str | None = None
    hardware: str | None = None

    def __bool__(self) -> bool:
        """True when the card states anything (as the dict it replaces was)."""
        return bool(self.model_fields_set)


class MofComponent(Facts):
    model_config = DEFERRED

    id: int
    name: str
    mof_class: int = Field(alias="class")
    required: bool
    types: list[str] = Field(default_factory=_list)
    status: str
    license: str | None = None
    license_from: str | None = None
    open: bool = False
    type_appropriate: bool | None = None
    note: str | None = None
    evidence: list[CitedEvidence] = Field(default_factory=_list)


class MofComparisonRow(Facts):
    model_config = DEFERRED

    component: str
    claimed: str
    claimed_license: str | None = None
    detected: str
    detected_license: str | None = None
    verdict: str


class MofComparison(Facts):
    model_config = DEFERRED

    claimed_class: int
    detected_class: int
    claimed_progress: dict[str, float] = Field(default_factory=_dict)
    detected_progress: dict[str, float] = Field(default_factory=_dict)
    components: list[MofComparisonRow] = Field(default_factory=_list)
    disagreements: int = 0


class MofView(Facts):
    """The Model Openness Framework view (truecard.frameworks.mof)."""

    model_config = DEFERRED

    framework: str
    version: str
    basis: str
    mof_class: int = Field(alias="class")
    label: str
    progress: dict[str, float] = Field(default_factory=_dict, description="class_1..class_3 -> percent.")
    research_paper_for_technical_report: bool = False
    components: list[MofComponent] = Field(default_factory=_list)
    missing: dict[str, list[str]] = Field(default_factory=_dict)
    warnings: list[str] = Field(default_factory=_list)
    record: str | None = None
    other_records: "list[MofView]" = Field(default_factory=_list)
    claimed: "MofView | None" = None
    comparison: MofComparison | None = None


class OsaidElement(Facts):
    model_config = DEFERRED

    id: str
    name: str
    status: str
    terms: str | None = None
    terms_ok: bool | None = None
    missing: list[str] = Field(default_factory=_list)
    note: str | None = None
    evidence: list[CitedEvidence] = Field(default_factory=_list)


class OsaidComparisonRow(Facts):
    model_config = DEFERRED

    element: str
    claimed: str
    detected: str
    verdict: str


class OsaidView(Facts):
    """OSI Open Source AI Definition 1.0 readiness (truecard.frameworks.osaid)."""

    model_config = DEFERRED

    definition: str
    version: str
    basis: str
    verdict: str
    ready: bool
    elements: list[OsaidElement] = Field(default_factory=_list)
    missing: list[str] = Field(default_factory=_list)
    record: str | None = None
    other_records: "list[OsaidView]" = Field(default_factory=_list)
    claimed: "OsaidView | None" = None
    comparison: list[OsaidComparisonRow] = Field(default_factory=_list)


class OsaiParameter(Facts):
    model_config = DEFERRED

    ref: str
    name: str
    level: str
    value: float
    links: list[str] = Field(default_factory=_list)
    notes: str | None = None
    evidence: list[CitedEvidence] = Field(default_factory=_list)


class OsaiCategory(Facts):
    model_config = DEFERRED

    ref: str
    name: str
    score: float
    parameters: list[OsaiParameter] = Field(default_factory=_list)


class OsaiComparisonRow(Facts):
    model_config = DEFERRED

    parameter: str
    claimed: str
    detected: str
    verdict: str


class OsaiComparison(Facts):
    model_config = DEFERRED

    claimed_score: float
    detected_score: float
    parameters: list[OsaiComparisonRow] = Field(default_factory=_list)
    disagreements: int = 0


class OsaiView(Facts):
    """The European Open Source AI Index's parameters and score (truecard.frameworks.osai)."""

    model_config = DEFERRED

    framework: str
    version: str
    basis: str
    score: float
    score_percent: float
    categories: list[OsaiCategory] = Field(default_factory=_list)
    record: str | None = None
    model: str | None = None
    retired_parameters: dict[str, str] = Field(default_factory=_dict)
    other_records: "list[OsaiView]" = Field(default_factory=_list)
    claimed: "OsaiView | None" = None
    comparison: OsaiComparison | None = None


class PolicyCheck(Facts):
    model_config = DEFERRED

    check: str
    required: int | str
    actual: int | str
    passed: bool


class PolicyView(Facts):
    """An organisation policy checked against the scorecard (truecard.frameworks.policy)."""

    model_config = DEFERRED

    policy: str | None = None
    file: str = ""
    description: str = ""
    basis: str = "detected"
    passed: bool
    checks: list[PolicyCheck] = Field(default_factory=_list)
    failures: list[str] = Field(default_factory=_list)


def _extra_view_tag(v: Any) -> str:
    if isinstance(v, PolicyView):
        return "policy"
    return "policy" if isinstance(v, dict) and "policy" in v and "checks" in v else "other"


# a view under a key other than mof/osaid/osai: a policy (`policy:NAME`), or the record of another
# tool or an installed framework plugin, kept as it came (`true-reference-tool`, ...)
ExtraView = Annotated[
    Annotated[PolicyView, Tag("policy")] | Annotated[dict[str, Any], Tag("other")],
    Discriminator(_extra_view_tag),
]


class Frameworks(Facts):
    """Other frameworks' views over the same evidence, by framework name.

    `policy:NAME` keys hold policy results; any other extra key (a framework plugin's view, the
    TRUE reference tool's original record) is kept as the JSON it is.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)
    __pydantic_extra__: dict[str, ExtraView] = Field(init=False)  # type: ignore[assignment]  # pydantic's documented way to type extras

    mof: MofView | None = None
    osaid: OsaidView | None = None
    osai: OsaiView | None = None

    @model_validator(mode="after")
    def _policies_are_policy_views(self) -> "Frameworks":
        for key, view in (self.__pydantic_extra__ or {}).items():
            if key.startswith("policy:") and not isinstance(view, PolicyView):
                raise ValueError(f"{key}: not a policy result (policy, checks, passed, failures)")
        return self

    def items(self) -> list[tuple[str, Any]]:
        """(name, view) for every view present: mof, osaid, osai, then the others as added."""
        own = [(n, getattr(self, n)) for n in _VIEW_TYPES if getattr(self, n) is not None]
        return own + list((self.__pydantic_extra__ or {}).items())

    def keys(self) -> list[str]:
        """The names of the views present."""
        return [k for k, _ in self.items()]

    def get(self, name: str) -> Any:
        """The view under `name` (`mof`, `policy:ACME`, ...), or None."""
        return dict(self.items()).get(name)

    def __getitem__(self, name: str) -> Any:
        """The view under `name`; KeyError when that framework was not selected."""
        for k, v in self.items():
            if k == name:
                return v
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(k == name for k, _ in self.items())

    def __bool__(self) -> bool:
        return bool(self.items())

    def set(self, name: str, view: Any) -> None:
        """Add or replace one view, read into its type (a dict is validated)."""
        if name in _VIEW_TYPES:
            view = _VIEW_TYPES[name].model_validate(view)
        elif _extra_view_tag(view) == "policy" and not isinstance(view, PolicyView):
            view = PolicyView.model_validate(view)
        setattr(self, name, view)

    @property
    def policies(self) -> list[PolicyView]:
        return [v for k, v in self.items() if k.startswith("policy:") and isinstance(v, PolicyView)]



# --- truecard verify's result (built by truecard.verify, read by criteria and reports) ---------


class ParameterCounts(BaseModel):
    """Parameter counts from three independent places, so a card's claim can be checked."""

    model_config = DEFERRED

    loaded: int | None = Field(
        default=None, description="Counted on the model as loaded (tied weights once)."
    )
    in_weights: int | None = Field(
        default=None, description="Elements of all tensors in the weight files' headers."
    )
    from_config: int | None = Field(
        default=None, description="Parameters of the model built from config.json alone."
    )
    declared: int | None = Field(default=None, description="Stated in the model card.")
    declared_text: str | None = Field(default=None, description="The card's own words.")
    declared_at: str | None = Field(default=None, description="Where the card states it.")
    matches_declared: bool | None = Field(
        default=None, description="Found count within 10 % of (or rounding to) the declared one."
    )


class InferenceResult(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # see DEFERRED

    attempted: bool = False
    loaded: bool = Field(default=False, description="The weights were loaded into the library.")
    ok: bool | None = Field(
        default=None, description="Loaded and ran on the fixed input with finite output; None when "
        "not attempted."
    )
    error: str | None = None
    loader: str | None = Field(default=None, description="e.g. 'transformers AutoModelForCausalLM'.")
    loader_basis: str | None = Field(default=None, description="Why that loader was chosen.")
    task: str | None = None
    dtype: str | None = None
    seconds: float | None = Field(default=None, description="Load plus run, in the child.")
    load_seconds: float | None = None
    run_seconds: float | None = None
    peak_memory_mb: float | None = Field(default=None, description="Peak resident memory of the child.")
    baseline_memory_mb: float | None = Field(
        default=None, description="Resident memory after importing libraries, before loading."
    )
    parameters: ParameterCounts = Field(default_factory=ParameterCounts)
    output: dict[str, Any] | None = Field(default=None, description="What the model produced.")
    stage: str | None = Field(default=None, description="Last stage reached in the child.")
    timed_out: bool = False
    memory_exceeded: bool = False
    needs_remote_code: bool = False
    notes: list[str] = Field(default_factory=_list)


class FinetuneResult(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # see DEFERRED

    attempted: bool = False
    ok: bool | None = None
    error: str | None = None
    method: Literal["lora", "full"] | None = None
    head: str | None = Field(default=None, description="Model class trained, e.g. AutoModelForCausalLM.")
    trainable_parameters: int | None = None
    loss_step: float | None = Field(default=None, description="Loss of the training step itself.")
    loss_before: float | None = Field(default=None, description="Eval loss on the batch before.")
    loss_after: float | None = Field(default=None, description="Eval loss on the batch after.")
    losses: list[float] = Field(default_factory=_list)
    loss_finite: bool | None = None
    weights_changed: bool | None = None
    seconds: float | None = None
    peak_memory_mb: float | None = None
    repo_files: list[str] = Field(
        default_factory=_list, description="Fine-tuning scripts or configs the repository ships."
    )
    used_repo_files: list[str] = Field(
        default_factory=_list, description="Of those, the ones whose settings the step used."
    )
    repo_note: str | None = None
    settings: dict[str, Any] = Field(default_factory=_dict)
    timed_out: bool = False
    memory_exceeded: bool = False


class StaticCheck(BaseModel):
    """One check made without running the model (headers, files, shapes on the meta device)."""

    model_config = DEFERRED

    name: str
    ok: bool | None = Field(description="None when the check could not be made.")
    detail: str
    path: str | None = None


class SandboxInfo(BaseModel):
    model_config = DEFERRED

    network: Literal["namespace", "environment"] = Field(
        description="'namespace': a fresh network namespace with no interfaces; "
        "'environment': offline variables, no proxies and a socket audit hook only."
    )
    memory_limit_mb: float
    timeout_seconds: float
    trust_remote_code: bool
    python: str
    exit: str | None = Field(default=None, description="How the child ended.")


class VerifyResult(BaseModel):
    """What `truecard verify` found. `status` is the one-word verdict the criteria read."""

    model_config = DEFERRED

    truecard_version: str
    source: str
    location: str
    revision: str | None = None
    status: Literal["passed", "partial", "failed", "not-run"] = Field(
        description="passed: inference (and the fine-tuning step, when asked) ran; partial: not "
        "loaded (too large) but every static check passed; failed: it did not run or a check "
        "failed; not-run: nothing could be attempted (e.g. remote code without the flag)."
    )
    summary: str
    format: str | None = Field(default=None, description="safetensors, gguf, onnx, ...")
    too_large: bool = False
    weights_bytes: int = 0
    inference: InferenceResult = Field(default_factory=InferenceResult)
    finetune: FinetuneResult | None = None
    static: list[StaticCheck] = Field(default_factory=_list)
    sandbox: SandboxInfo | None = None
    seconds: float = 0.0
    warnings: list[str] = Field(default_factory=_list)

    @property
    def static_ok(self) -> bool:
        return bool(self.static) and all(c.ok is not False for c in self.static)


_VIEW_TYPES: dict[str, type[Facts]] = {"mof": MofView, "osaid": OsaidView, "osai": OsaiView}


# The report layer's functions behind the conveniences above, named rather than imported.
# The result type sits below every layer that reads it (engine, reports, store, web), so an
# import of `truecard.reports` here, even inside a method, would make the two import each
# other; instead the methods resolve these names when called, the way every format is reached
# through `truecard.registry`. tests/models/test_layering.py checks that both names resolve to
# the functions `truecard.render` and Jupyter use.
RENDER = "truecard.reports:render"
NOTEBOOK_HTML = "truecard.reports.html_report:notebook_html"


def _report_layer(target: str) -> Any:
    """The function a `module:attr` name means, imported now."""
    import importlib

    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def _spec_max() -> int:
    from truecard.spec import load_spec

    return load_spec().max


class Scorecard(BaseModel):
    truecard_version: str
    spec: SpecRef
    subject: Subject
    total: int
    max: int = Field(default_factory=lambda: _spec_max(), description="The maximum total of the spec named.")
    tier: str
    total_detected: int = Field(description="Total from detected evidence alone, claims excluded.")
    tier_detected: str
    dimensions: list[DimensionResult]
    scanned_at: datetime
    claims_used: bool = False
    warnings: list[str] = Field(default_factory=_list)
    problems: list[Problem] = Field(default_factory=_list)
    licenses: list[ArtifactLicenseRecord | LicenseFindingRecord] = Field(
        default_factory=_list,
        description="Per-artifact licence findings (scorecards from before per-artifact licences list raw findings).",
    )
    frameworks: Frameworks = Field(
        default_factory=Frameworks, description="Other frameworks' views over the same evidence."
    )
    model_card: ModelCardSummary = Field(
        default_factory=ModelCardSummary,
        description="What the model card states (task, architecture, parameters, datasets, metrics, "
        "limitations), for reports that describe the model: ML-BOM, HTML page.",
    )
    verification: VerifyResult | None = Field(
        default=None, description="Results of running the model (truecard verify), if requested."
    )
    integrity: Integrity | None = Field(
        default=None,
        description="Weight formats and pickle imports, model signatures, BOMs the repository ships "
        "(truecard.integrity).",
    )
    duration_seconds: float | None = None

    def criterion(self, criterion_id: str) -> CriterionResult:
        for d in self.dimensions:
            for c in d.criteria:
                if c.id == criterion_id:
                    return c
        raise KeyError(criterion_id)

    @property
    def criteria(self) -> list[CriterionResult]:
        """Every criterion's result, in the rubric's order (dimension by dimension)."""
        return [c for d in self.dimensions for c in d.criteria]

    def render(self, fmt: str = "markdown", **options: Any) -> str:
        """This scorecard in a report format: `table`, `json`, `markdown`, `html`, `sarif`, ...

        The same text as `truecard scan -f FMT` (see `truecard.reports.render`), with local
        paths shown relative, never as the scanning machine's absolute paths.
        """
        return str(_report_layer(RENDER)(self, fmt, **options))

    def to_markdown(self, **options: Any) -> str:
        """The Markdown report, ready for a pull request or a CI job summary."""
        return self.render("markdown", **options)

    def to_html(self, **options: Any) -> str:
        """A self-contained HTML page (no scripts, fonts or images fetched)."""
        return self.render("html", **options)

    def _repr_html_(self) -> str:
        """Jupyter's view: total and tier, the dimensions as bars, every criterion in a table."""
        return str(_report_layer(NOTEBOOK_HTML)(self))

    def __repr__(self) -> str:
        # the full model would print pages of evidence; fields are one attribute away
        return f"<Scorecard {self.subject.name!r}: {self.total}/{self.max} {self.tier}>"

    __str__ = __repr__

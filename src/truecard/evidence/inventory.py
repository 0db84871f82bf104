"""The evidence inventory: typed, located, hashed facts gathered from one or more sources.

Collectors fill it; criteria only read it. Every fact carries an `Evidence` saying where it
was read (source, revision, path, lines, field or URL) so that any point a criterion gives
can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from truecard.licenses.findings import LicenseFinding  # the licence package's type, re-exported here
from truecard.models import Evidence, EvidenceKind, Problem, VerifyResult
from truecard.sources.base import Tree

FileKind = Literal[
    "weights",
    "pickle",
    "config",
    "tokenizer",
    "code",
    "notebook",
    "doc",
    "license",
    "data",
    "log",
    "environment",
    "image",
    "archive",
    "other",
]


@dataclass
class FileRecord:
    """One file of a source tree as listed: where it is, its size, and what sort of file the
    listing says it is (`evidence.files.classify`); nothing of its content is read yet."""

    tree: Tree
    path: str
    size: int
    kind: FileKind


@dataclass
class Section:
    """A Markdown section of a card, by heading."""

    title: str
    level: int
    line_start: int  # 1-based, heading line
    line_end: int
    text: str  # body without the heading
    filled: bool  # False for empty or template placeholders ("[More Information Needed]")


@dataclass
class Card:
    """A model card, README, datasheet or other Markdown document, parsed once: its front
    matter, body, sections and hash, for every collector and criterion to read."""

    tree: Tree
    path: str
    metadata: dict[str, Any]
    metadata_error: str | None
    body: str  # text after the front matter, line endings normalised
    body_offset: int  # number of lines before the body (front matter), for line numbers
    lines: list[str]  # whole file's lines
    sections: list[Section]
    sha256: str | None
    filled_chars: int  # characters of real (non-template) prose
    # "model": the model's own card; "repository": the README of a code repository scanned
    # beside it; "doc": other documentation; "datacard": a dataset's card or datasheet
    role: Literal["model", "repository", "doc", "datacard"] = "model"
    # derived views computed once per card by the collectors (sentences, comment-free body)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def evidence(self, summary: str, kind: str = EvidenceKind.CARD, **kw: Any) -> Evidence:
        return Evidence(
            kind=kind,
            summary=summary,
            source=self.tree.info.id,
            revision=self.tree.info.revision,
            path=self.path,
            sha256=self.sha256,
            sha256_scope="file",
            url=self.tree.url_for(self.path, kw.get("line_start")),
            **kw,
        )

    def section_evidence(self, section: Section, summary: str) -> Evidence:
        """A card section cited whole: its line range and the start of its text."""
        return self.evidence(
            summary,
            kind=EvidenceKind.CARD_SECTION,
            line_start=section.line_start,
            line_end=section.line_end,
            excerpt=section.text.strip()[:200],
        )


@dataclass
class WeightFile:
    """A weights file and what its header says (tensors, parameters, dtypes), or why it
    could not be read (`error`); a pickle-based file is never `ok`: loading it could run code."""

    path: str
    format: str  # safetensors, gguf, onnx, pickle, keras, tflite, ...
    size: int
    tensors: int | None
    parameters: int | None
    dtypes: list[str]
    error: str | None
    evidence: Evidence
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and self.format != "pickle"


@dataclass
class ConfigFile:
    """A configuration file by role (model, generation, training, environment, ...), with
    its top-level keys and, where it is small and structured, its data."""

    path: str
    role: Literal[
        "model-config",
        "generation",
        "tokenizer",
        "training",
        "environment",
        "deepspeed",
        "data-pipeline",
        "finetuning",
        "other",
    ]
    evidence: Evidence
    keys: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class CodeFile:
    """A source file of the model's code and the roles it plays (inference, training, ...),
    each with the reason it was given (an import, a call, a name)."""

    path: str
    roles: set[str]  # inference, training, finetuning, evaluation, data
    reasons: list[str]
    evidence: Evidence
    pretraining: bool = False  # builds a model from a config / trains from scratch


@dataclass
class DatasetRef:
    """A training dataset named somewhere (metadata, prose, a link, a data card, a config, a
    claim), and whether it is named precisely enough for someone to obtain it."""

    name: str
    how: Literal["metadata", "prose", "link", "datacard", "config", "claim"]
    precise: bool  # named precisely enough to obtain (an id, a URL, a well-known name)
    evidence: Evidence


@dataclass
class Disclosure:
    """A training fact stated in prose, with the sentence quoted."""

    topic: Literal["hardware", "compute", "time", "cost", "emissions", "tokens", "steps"]
    detail: dict[str, Any]
    evidence: Evidence


@dataclass
class LinkRef:
    """A link a card gives, by what it points at (a paper, code, data, weights, ...)."""

    url: str
    category: Literal["paper", "weights", "code", "data", "replication", "tracker", "docs", "demo", "other"]
    evidence: Evidence
    text: str = ""


@dataclass
class CheckpointRef:
    """An intermediate checkpoint or a trace of one (a folder, a branch, a training log or
    tracker, a mention, a base model it was trained from), and whether it can be had."""

    kind: Literal["folder", "branch", "log", "tracker", "mention", "lineage"]
    available: bool
    evidence: Evidence
    name: str = ""


@dataclass
class AccessNote:
    """How the weights can be had when not freely: behind a gate or request form, only as a
    delta (XOR, diff) against other weights, not released at all, or only as an adapter."""

    kind: Literal["gated", "delta", "unreleased", "adapter"]
    evidence: Evidence


@dataclass
class UsageRef:
    """Instructions for running the model: usage code in a card, a command line, a usage
    section, a runtime library named for it, or the Hub's inference widget."""

    kind: Literal["code", "command", "section", "library", "mention", "widget"]
    evidence: Evidence
    complete: bool = False  # loads the model and runs it (not only loads it, or only names a tool)
    library: str = ""
    remote_code: bool = False  # the code needs the repository's own modelling code (trust_remote_code)


@dataclass
class FinetuneRef:
    """A fine-tuning path stated in prose: a guide, example or notebook linked, a statement
    that the model can or should be fine-tuned, or the training framework used named."""

    kind: Literal["guide", "command", "config", "mention", "framework"]
    evidence: Evidence


@dataclass
class Identity:
    """Who "this model" is, so that facts about a sibling (another size of the family, the
    base model, another model of a multi-model repository) are not credited to it."""

    title: str = ""
    hub_ids: list[str] = field(default_factory=list)  # its own Hub repository ids, most cited first
    size: str | None = None  # parameter count as named, normalised ("1.3b", "7b", "340b")
    keys: set[str] = field(default_factory=set)  # normalised name keys ("opt13b", "opt")


@dataclass
class Claim:
    """A claim from `truecard.yaml` or `--claims`: points a person asserts for a criterion,
    kept apart from what truecard found (claimed evidence never counts as detected)."""

    criterion: str
    points: int
    evidence_url: str | None
    note: str
    evidence: Evidence


@dataclass
class Inventory:
    """Everything the collectors found in a model's sources, typed and cited: the one input
    of the criteria, which never read files themselves."""

    trees: list[Tree] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    docs: list[Card] = field(default_factory=list)  # other Markdown docs parsed like cards
    licenses: list[LicenseFinding] = field(default_factory=list)
    weights: list[WeightFile] = field(default_factory=list)
    configs: list[ConfigFile] = field(default_factory=list)
    code: list[CodeFile] = field(default_factory=list)
    datasets: list[DatasetRef] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)
    checkpoints: list[CheckpointRef] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    access: list[AccessNote] = field(default_factory=list)
    usage: list[UsageRef] = field(default_factory=list)
    finetune: list[FinetuneRef] = field(default_factory=list)
    identity: Identity = field(default_factory=Identity)
    # published self-reports (MOT, OSAI index records) contributed by record sources; claimed
    records: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    verification: VerifyResult | None = None  # truecard verify's result, when run
    integrity: Any = None  # truecard.models.Integrity, set by truecard.integrity.collect

    # convenience views used by several criteria
    @property
    def card(self) -> Card | None:
        return self.cards[0] if self.cards else None

    @property
    def model_cards(self) -> list[Card]:
        """The model's own cards (not a code repository's README or other docs)."""
        return [c for c in self.cards if c.role == "model"]

    @property
    def metadata(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for c in reversed(self.cards):
            merged.update(c.metadata)
        return merged

    def files_of(self, *kinds: str) -> list[FileRecord]:
        return [f for f in self.files if f.kind in kinds]

    def disclosed(self, topic: str) -> list[Disclosure]:
        return [d for d in self.disclosures if d.topic == topic]

    def links_of(self, *categories: str) -> list[LinkRef]:
        return [link for link in self.links if link.category in categories]

    def code_with(self, role: str) -> list[CodeFile]:
        return [c for c in self.code if role in c.roles]

    def configs_of(self, *roles: str) -> list[ConfigFile]:
        return [c for c in self.configs if c.role in roles]

    def claims_for(self, criterion: str) -> list[Claim]:
        return [c for c in self.claims if c.criterion == criterion]

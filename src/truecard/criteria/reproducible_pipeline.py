"""reproducible.pipeline: "Config files, data pipeline, environment setup".

Three parts, each of this model's own training run. Configs are the run's (a training or
DeepSpeed config named for this model or generically, a launch script or documented command
line with its hyper-parameters), not an example's, a demo's, a tutorial's or another model's.
The environment counts as a training environment only beside training code or configs: a
`requirements.txt` for inference is not a training setup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.criteria.transparent_training_code import own_configs
from truecard.evidence.card import find_section
from truecard.evidence.collectors._common import sentences_for
from truecard.evidence.inventory import Card, Inventory
from truecard.models import Evidence, EvidenceKind

ID = "reproducible.pipeline"
RUBRIC = Rubric(
    full="All three parts of the training pipeline of this model are in the artifacts: the run's "
    "configuration (training/DeepSpeed config files named for this model or generically, or a "
    "launch script or documented command with its hyper-parameters), a data pipeline (data "
    "preparation code, a data configuration, or a data-preparation document in the training "
    "repository), and the training environment (requirements.txt, environment.yml, "
    "pyproject.toml, Dockerfile beside the training code).",
    partial="One or two of the three; or, without any of them, hyper-parameters or the data "
    "processing described only in the card, or a fine-tuning or data-preparation example "
    "linked from it.",
    none="None of the three (an environment file for inference alone is not a training setup), "
    "and nothing about the training run in the card.",
    unknown="Nothing was read.",
    remediation="Publish the training config files, the data preparation scripts and a pinned "
    "environment (requirements.txt or a Dockerfile) next to the training code.",
    notes="Configs under example, demo, tutorial or test folders, and configs named after other "
    "models of a multi-model repository, are not this model's run.",
)

EXAMPLE_PATH_RE = re.compile(r"(^|[/_\-])(examples?|demos?|tutorials?|tests?|samples?|toy|old[-_]examples)([/_\-.]|$)", re.I)
HP_WORDS_RE = re.compile(
    r"\b(learning[ _-]rates?|\bLR\b|batch[ _-]sizes?|warm-?up|weight[ _-]decay|optimi[sz]er|AdamW?|hyper-?param\w*|hypers|"
    r"epochs?|lr schedul\w*|gradient accumulation|dropout)\b",
    re.I,
)
HP_VALUE_RE = re.compile(r"\d")


def _card_hyperparameters(card: Card) -> list[Evidence]:
    """Sentences of the card naming two or more hyper-parameters (or one with its value)."""
    out = []
    for ln, s in sentences_for(card, HP_WORDS_RE):  # no hyper-parameter word, no hit
        words = {w.lower() for w in HP_WORDS_RE.findall(s)}
        if len(words) >= 2 or (words and HP_VALUE_RE.search(s) and re.search(r"train", s, re.I)):
            out.append(card.evidence("training hyper-parameters in the card", kind=EvidenceKind.PROSE, line_start=ln, excerpt=s[:200]))
            break
    return out


DATA_PREP_RE = re.compile(
    r"\b(?:mine|mining|prepare|preparing|preprocess\w*|build|generate|filter\w*|pseudo-?label\w*)\b[^.\n]{0,40}\b(?:data|negatives|datasets?|samples)\b"
    r"[^.\n]{0,60}\b(?:example|script|code|following)\b",
    re.I,
)
USER_TITLE_RE = re.compile(r"^[\W\d_]*(?:getting started|quick ?start|tutorial|how to|usage|examples?\b|ecosystem|fine-?tun|finetun)", re.I)
RUN_TITLE_RE = re.compile(r"^[\W\d_]*(?:(?:model )?training|pre-?training|train\b|hyper-?param\w*|scripts?\b|reproduc\w*)", re.I)
ENV_PROSE_RE = re.compile(
    r"\b(?:python|pytorch|torch|cuda|tensorflow|jax|transformers|deepspeed)\s*v?\d+(?:\.\d+)+\b[^.\n]{0,80}\btrain|\btrain\w*\b[^.\n]{0,80}\b(?:python|pytorch|torch|cuda|tensorflow|jax)\s*v?\d+(?:\.\d+)+",
    re.I,
)
DOC_DIR_RE = re.compile(r"^(docs?|documentation|\.)$", re.I)


def _environment_prose(inv: Inventory) -> list[Evidence]:
    """'We used Python 3.9.9 and PyTorch 1.10.1 to train and test our models': the training
    environment stated with versions."""
    for c in inv.cards + inv.docs:
        if c.role not in ("model", "repository"):
            continue
        for ln, s in sentences_for(c, ENV_PROSE_RE):
            if ENV_PROSE_RE.search(s):
                return [c.evidence("the training environment stated with versions", kind=EvidenceKind.PROSE, line_start=ln, excerpt=s[:200])]
    return []


def _data_prep_examples(card: Card) -> list[Evidence]:
    for ln, s in sentences_for(card, DATA_PREP_RE):
        if DATA_PREP_RE.search(s):
            return [card.evidence("a data-preparation example linked", kind=EvidenceKind.PROSE, line_start=ln, excerpt=s[:200])]
    return []


def _run_documentation(inv: Inventory, e: Evidence) -> bool:
    """A command documented as this model's own training run: in a training section (not a
    getting-started or fine-tuning guide for users) of the repository's README or top docs."""
    from truecard.criteria.transparent_training_code import GENERIC_DIR_RE

    path = e.path or ""
    if EXAMPLE_PATH_RE.search(path):
        return False
    if not all(GENERIC_DIR_RE.match(d) or DOC_DIR_RE.match(d) for d in path.split("/")[:-1]):
        return False  # research/Other_Project/README.md documents another project
    doc = next((d for d in inv.cards + inv.docs if d.path == path and d.tree.info.id == e.source), None)
    if doc is None or e.line_start is None:
        return False
    titles = [s.title for s in doc.sections if s.title and s.line_start <= e.line_start <= s.line_end]
    return any(RUN_TITLE_RE.search(t) for t in titles) and not any(USER_TITLE_RE.search(t) for t in titles)


def _card_parts(inv: Inventory, model_cards: set[tuple[str, str]]) -> Iterator[tuple[str, Evidence]]:
    """What the model's own card gives of its training setup, in the order it is cited."""
    for f in inv.finetune:
        if f.kind in ("config", "command") and (f.evidence.source, f.evidence.path) in model_cards:
            yield f"the card gives {'a training configuration' if f.kind == 'config' else 'a training command'}", f.evidence
    for c in inv.model_cards:
        for s in find_section(c, r"hyper-?param", r"training (procedure|details|setup|config)"):
            if re.search(r"learning[ _]rate|batch|epoch|optimi[sz]er|warmup|steps", s.text, re.I):
                yield f"training hyper-parameters in the card section '{s.title}'", c.section_evidence(s, f"card section '{s.title}'")
        for e in _card_hyperparameters(c):
            yield "training hyper-parameters in the card's prose", e
        for e in _data_prep_examples(c):
            yield "the card links a data-preparation example", e


def evaluate(inv: Inventory) -> Assessment:
    training = inv.code_with("training") + inv.code_with("finetuning")
    own, _other = own_configs(inv, inv.configs_of("training", "deepspeed", "finetuning"))
    own = [c for c in own if not EXAMPLE_PATH_RE.search(c.path)]
    model_cards = {(c.tree.info.id, c.path) for c in inv.model_cards}
    commands = [
        f for f in inv.finetune
        if f.kind == "command" and (f.evidence.source, f.evidence.path) not in model_cards
        and _run_documentation(inv, f.evidence)
    ]
    cfg: list[Evidence] = [c.evidence for c in own] + [f.evidence for f in commands]
    data: list[Evidence] = [
        c.evidence for c in inv.configs_of("data-pipeline") if not EXAMPLE_PATH_RE.search(c.path)
    ] + [c.evidence for c in inv.code if "data" in c.roles and not EXAMPLE_PATH_RE.search(c.path)]
    if training and not data:
        data = [d.evidence("data preparation documented", kind=EvidenceKind.DOC) for d in inv.docs if d.role == "datacard" and d.tree.info.id in {t.evidence.source for t in training}][:1]
    env: list[Evidence] = [c.evidence for c in inv.configs_of("environment")] if (training or own) else []
    if not env:
        env = _environment_prose(inv)
    parts = {"training configuration": cfg, "data pipeline": data, "environment setup": env}
    have = [k for k, v in parts.items() if v]
    ev = [v[0] for v in parts.values() if v]
    if len(have) == 3:
        return Assessment.met("training configs, data pipeline and environment all published", ev)
    if have:
        missing = [k for k in parts if k not in have]
        return Assessment.partial(
            f"has {', '.join(have)}; missing {', '.join(missing)}",
            ev,
            f"Publish the missing part(s): {', '.join(missing)}.",
        )
    # the first of what the card itself gives (the rest is never cited: not looked for)
    first = next(_card_parts(inv, model_cards), None)
    if first is not None:
        why, e = first
        return Assessment.partial(
            f"{why}, but no config files, data pipeline or environment",
            [e],
            "Publish the configuration files themselves, the data pipeline and the environment.",
        )
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no training configuration, data pipeline or environment setup found")
    return Assessment.unknown("nothing was read")


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

"""transparent.training_code: "Full training scripts publicly available".

What "full" means depends on how the model was made. A base model's training is its
pre-training: fine-tuning scripts for users are only part of the story (1). A model that is
itself a fine-tune of another (`base_model`, "a fine-tuned version of X") has its whole
fine-tuning pipeline as its training code. Either way the code needs this model's
configuration beside it (a config file, or a launch script or documented command with its
hyper-parameters); configs that belong to other models of a multi-model repository do not
count, and a statement that the pre-training code is not released caps the answer at 1.
"""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.collectors._common import first_body_match, sentences_for
from truecard.evidence.inventory import CodeFile, ConfigFile, Inventory, LinkRef
from truecard.evidence.patterns import (
    FINETUNED_FROM_RE,
    FULL_TRAINING_CODE_RE,
    WITHHELD_TRAINING_RE,
    name_key,
)
from truecard.models import Evidence, EvidenceKind

ID = "transparent.training_code"
RUBRIC = Rubric(
    full="The full training pipeline is in the artifacts: training code together with this "
    "model's configuration (a training config file, or a launch script or documented command "
    "line with the hyper-parameters). For a base model that is pre-training code; for a model "
    "that is itself a fine-tune of another (`base_model`, \"a fine-tuned version of X\") its "
    "whole fine-tuning pipeline. Or the card plainly names the code used: it links a repository "
    'as this model\'s training code ("training code", "the full training script is available"), '
    "names the scanned repository as the code it was trained with, or, for a fine-tune, names "
    "its source repository (`Repository:`) and gives the run's hyper-parameters.",
    partial="Part of it: a training framework or script without this model's configuration (or "
    "with configs only for other models); only fine-tuning code for a pre-trained base model; "
    "pre-training code stated as not (yet) released; or, without code, a training framework "
    'named as used ("Built with Axolotl", "using t5x"), a fine-tuning guide, example or command, '
    "a training config in the card, or a code link in training prose.",
    none="No training or fine-tuning code, and nothing that points at it; or the model's code "
    "repository was scanned and holds no training code (a fine-tuning guide for users elsewhere "
    "then counts for `executable.finetuning`, not here).",
    unknown="Nothing was read.",
    remediation="Publish the training scripts with the exact configuration used for this model "
    "(e.g. `train.py` plus `configs/train.yaml`), or link the repository that holds them.",
)

TRAIN_LINK_RE = re.compile(
    r"\b(training|pre-?training|fine-?tuning)\s+(code|scripts?|pipeline|recipes?|codebase)\b|\bcode (for|to) (pre-?)?train",
    re.I,
)
NEAR_TRAIN_RE = re.compile(
    r"\b(pre-?)?train\w*\b[^.\n]{0,80}\b(code|framework|library|repo|repository|scripts?|recipes?|toolkit|codebase|can be found|here)\b"
    r"|\b(code|framework|library|repository|repo|toolkit|codebase)\b.{0,40}\b(pre-?)?train"
    r"|\bpreprocess\w*\b[^.\n]{0,80}\b(?:can be found|here|code)\b",
    re.I,
)
GENERIC_DIR_RE = re.compile(
    r"^(configs?|conf|scripts?|train\w*|fine-?tune\w*|finetun\w*|sft|recipes?|deepspeed|ds_configs?|examples?|src|"
    r"launch\w*|pretrain\w*|experiments?|hparams|tools|run\w*|code|repo|lib|\.)$",
    re.I,
)
SOURCE_REPO_RE = re.compile(r"^\W*(?:code\s+)?(?:repository|repo|github|source code)\W*:", re.I)
FT_PATH_RE = re.compile(r"(^|[/_\-])(finetune|fine_tune|fine-tune|sft|lora|qlora|dpo|ppo|rlhf|instruct)([/_\-.]|$)", re.I)
GENERIC_CONFIG_RE = re.compile(
    r"^(ds_?config\w*|zero\d?\w*|deepspeed\w*|accelerate\w*|fsdp\w*|train\w*|config|default|base|finetune\w*|sft\w*|"
    r"lora\w*|qlora\w*|hparams?|hyper\w*|recipe\w*|run\w*|launch\w*|pretrain\w*)\.(json|ya?ml|toml|sh|ipynb)$",
    re.I,
)


def is_finetune_model(inv: Inventory) -> bool:
    """The model is itself a fine-tune of another: `base_model`, or its card says so."""
    if inv.metadata.get("base_model"):
        return True
    # FINETUNED_FROM_RE.search(c.body), on the lines that may hold a match
    return any(first_body_match(c, FINETUNED_FROM_RE) for c in inv.model_cards)


def _finetune_only(c: CodeFile) -> bool:
    return ("finetuning" in c.roles and not c.pretraining) or bool(FT_PATH_RE.search(c.path))


def own_configs(inv: Inventory, configs: list[ConfigFile]) -> tuple[list[ConfigFile], list[ConfigFile]]:
    """(this model's configs, configs of other models): a config named after this model or
    with a generic name (train.yaml, ds_config.json, a launch script) is the model's own; one
    named after something else in a repository of many (`autoencoder_kl_16x16x16.yaml`) is not."""
    keys = {k for k in inv.identity.keys if len(k) >= 4}
    size = (inv.identity.size or "").replace(".", "")
    own, other = [], []
    for c in configs:
        low = name_key(c.path)
        parts = c.path.split("/")
        base = parts[-1]
        generic = (GENERIC_CONFIG_RE.match(base) or c.role == "deepspeed") and all(
            GENERIC_DIR_RE.match(d) or any(k in name_key(d) for k in keys) for d in parts[:-1]
        )
        if any(k in low for k in keys) or (size and size in low) or generic:
            own.append(c)
        else:
            other.append(c)
    return own, other


def _names_scanned_repo(inv: Inventory) -> list[LinkRef]:
    """Code links in the model card's training prose naming a repository that was scanned."""
    repo_keys = {
        name_key(s.title) for c in inv.cards if c.role == "repository" for s in c.sections[:8] if s.level == 1 and s.title
    }
    repo_keys |= {name_key(c.tree.info.location.rstrip("/").rsplit("/", 1)[-1]) for c in inv.cards if c.role == "repository"}
    repo_keys = {k for k in repo_keys if len(k) >= 4}
    out = []
    for link in inv.links_of("code"):
        if not any(c.role == "model" and link.evidence.path == c.path for c in inv.cards):
            continue
        name = name_key(link.url.rstrip("/").split("/")[4] if link.url.count("/") >= 4 else "")
        if name and any(name in k or k in name for k in repo_keys) and re.search(r"train", link.text, re.I):
            out.append(link)
    return out


def _withheld(inv: Inventory) -> list[Evidence]:
    """The docs' sentences saying the pre-training code is not released."""
    return [
        c.evidence(
            "the docs say the pre-training code is not released", kind=EvidenceKind.PROSE, line_start=ln, excerpt=sent[:200]
        )
        for c in inv.cards + inv.docs
        for ln, sent in sentences_for(c, WITHHELD_TRAINING_RE)
        if WITHHELD_TRAINING_RE.search(sent)
    ]


def evaluate(inv: Inventory) -> Assessment:
    training = inv.code_with("training")
    finetune = inv.code_with("finetuning")
    scripts = sorted({id(c): c for c in training + finetune}.values(), key=lambda c: (not c.pretraining, _finetune_only(c), c.path))
    ft_model = is_finetune_model(inv)
    configs = inv.configs_of("training", "deepspeed", "finetuning")
    own, other = own_configs(inv, configs)
    # for a base model, its pre-training config is the one to cite first
    own.sort(key=lambda c: (not ft_model) and (c.role == "finetuning" or bool(FT_PATH_RE.search(c.path))))
    commands = [f for f in inv.finetune if f.kind == "command"]
    if scripts:
        ev: list[Evidence] = [c.evidence for c in scripts[:2]] + [c.evidence for c in own[:2]]
        main = [c for c in scripts if not _finetune_only(c)]
        named = _names_scanned_repo(inv)
        configured = bool(own or commands)
        if ft_model and configured:
            return Assessment.met(
                f"fine-tuning pipeline (this model is a fine-tune): {scripts[0].path} with "
                + (f"config {own[0].path}" if own else f"the command at {commands[0].evidence.locator()}"),
                ev or [commands[0].evidence],
            )
        # read only here, where it decides (a scan without training code never asks)
        withheld = _withheld(inv) if not ft_model and main else []
        if not ft_model and main and withheld:
            return Assessment.partial(
                "training code is shared, but the docs say the pre-training code is not released",
                [withheld[0], *ev[:2]],
                "Release the pre-training code and its configuration.",
            )
        if not ft_model and main and (configured or named):
            how = f"config {own[0].path}" if own else (
                f"the command at {commands[0].evidence.locator()}" if commands else f"the card names this repository ({named[0].url}) as the code used"
            )
            return Assessment.met(f"training pipeline: {main[0].path} with {how}", ev + [x.evidence for x in named[:1]])
        if not ft_model and not main:
            return Assessment.partial(
                "only fine-tuning code for the pre-trained model; no pre-training code",
                ev,
                "Publish the pre-training code and its configuration.",
            )
        if other and not own:
            return Assessment.partial(
                f"training code ({scripts[0].path}) with configs for other models only ({other[0].path})",
                [*ev, other[0].evidence],
                "Add the exact training configuration used for this model next to the code.",
            )
        return Assessment.partial(
            f"training code ({scripts[0].path}) without this model's training configuration",
            ev,
            "Add the exact training configuration used for this model next to the code.",
        )
    links = [link for link in inv.links_of("code") if TRAIN_LINK_RE.search(link.text)]
    if links:
        return Assessment.met(f"card links this model's training code: {links[0].url}", [links[0].evidence])
    stated = [f for f in inv.finetune if FULL_TRAINING_CODE_RE.search(f.evidence.excerpt or "")]
    if stated:
        return Assessment.met("the card states the full training code is public", [stated[0].evidence])
    hyper = [f for f in inv.finetune if f.kind == "config" and _in_model_card(inv, f.evidence)]
    source = [link for link in inv.links_of("code") if SOURCE_REPO_RE.search(link.text) and _in_model_card(inv, link.evidence)]
    if ft_model and source and hyper:
        return Assessment.met(
            f"a fine-tune whose card names its source repository ({source[0].url}) and gives the run's hyper-parameters",
            [source[0].evidence, hyper[0].evidence],
        )
    pointers = [f for f in inv.finetune if f.kind in ("guide", "command", "config", "framework") and _in_model_card(inv, f.evidence)]
    scanned_repo = any(c.role == "repository" for c in inv.cards)
    if pointers and scanned_repo:
        # the model's code repository was read and holds no training code: a guide for
        # fine-tuning it elsewhere is a path for users, not this model's training code
        return Assessment.unmet(
            "the scanned code repository holds no training code (fine-tuning guides for users are "
            "Executable evidence)",
            [pointers[0].evidence],
        )
    if pointers:
        f = pointers[0]
        what = {"guide": "a fine-tuning guide or example", "command": "a training command", "config": "a training configuration", "framework": "the training framework used"}[f.kind]
        return Assessment.partial(f"no training code, only {what} ({f.evidence.locator()})", [f.evidence])
    near = [link for link in inv.links_of("code") if NEAR_TRAIN_RE.search(link.text)]
    if near:
        return Assessment.partial(
            f"a code repository is linked near training prose ({near[0].url})",
            [near[0].evidence],
            "Say plainly that the linked repository holds the training code, or scan it alongside the model.",
        )
    if configs:
        return Assessment.partial(
            "training configuration present without the training code", [c.evidence for c in configs[:2]]
        )
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no training code found and none linked")
    return Assessment.unknown("nothing was read")


def _in_model_card(inv: Inventory, e: Evidence) -> bool:
    return any(c.role == "model" and c.path == e.path and c.tree.info.id == e.source for c in inv.cards)



# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

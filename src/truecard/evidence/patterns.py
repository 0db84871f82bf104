"""The shared patterns and names of evidence extraction, in one place.

File-name patterns (data cards, checkpoint folders, step-named revisions), config keys that
mark training, data-pipeline and architecture settings, and the recognisers of prose:
hardware, compute, time, cost, emissions, datasets and links. Each prose recogniser works on
one sentence and returns what it matched, so a collector can quote the sentence. The patterns
are deliberately concrete (accelerator models, units) so a vague sentence is recognised as
vague, not as a number. Nothing here touches an inventory or a file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from truecard._compiled import RegexCache
from truecard.evidence.prefilter import compiled

# Every pattern here is compiled through `_rx`: the same objects as `re.compile`'s, but kept
# across processes (`truecard._compiled.RegexCache`), since compiling them all costs more than
# the scan of a small model. `_rx.save()` at the end of the module keeps them.
_rx = RegexCache("evidence.patterns", __file__)

DATACARD_RE = _rx.compile(
    r"(datasheet|data_?card|dataset_?card|data_?sheet|^data\.md$|datasets?\.md$|data_?statement)", re.I
)
CHECKPOINT_DIR_RE = _rx.compile(
    r"(^|/)(checkpoint[-_]?\d+|step[-_]?\d+|global_step\d+|ckpt[-_]?\d+|iter[-_]?\d+|epoch[-_]?\d+)(/|$)",
    re.I,
)
STEP_REF_RE = _rx.compile(r"^(step|checkpoint|ckpt|iter|global_step|tokens?)[-_]?\d+", re.I)
TRAIN_KEYS = {
    "learning_rate",
    "lr",
    "batch_size",
    "train_batch_size",
    "per_device_train_batch_size",
    "global_batch_size",
    "micro_batch_size",
    "optimizer",
    "optim",
    "warmup_steps",
    "warmup",
    "max_steps",
    "num_train_epochs",
    "epochs",
    "weight_decay",
    "gradient_accumulation_steps",
    "lr_scheduler_type",
    "scheduler",
    "train_iters",
    "max_duration",
    "zero_optimization",
    "seq_length",
    "train_micro_batch_size_per_gpu",
    "trainer",
    "training",
    "optim_config",
}
DATA_PIPELINE_KEYS = {
    "data",
    "dataset",
    "datasets",
    "data_path",
    "train_data",
    "data_paths",
    "tokenizer",
    "data_mix",
    "dataloader",
}

ARCH_KEYS = (
    "num_hidden_layers",
    "n_layer",
    "num_layers",
    "hidden_size",
    "n_embd",
    "d_model",
    "num_attention_heads",
    "n_head",
    "intermediate_size",
    "vocab_size",
    "num_key_value_heads",
)

ACCEL = (
    r"(?:A100|H100|H200|H800|A800|B200|GB200|GH200|V100|P100|T4|L4|L40S?|A10G?|A40|A6000|"
    r"RTX\s?\d{4}(?:\s?Ti)?|TITAN\s?\w+|MI\d{3}X?|Gaudi\s?\d?|TPUs?[\s-]?v?\d[a-z]?(?:[- ]pod)?|TPUv\d|Cloud\s?TPU|TPU(?=\s?chips)|"
    r"Trainium\d?|Inferentia\d?|Ascend\s?910\w?|IPU|Cerebras\s?CS-?\d|WSE-?\d)"
)
# "8xA100": no word boundary between the multiplier and the accelerator
ACCEL_RE = _rx.compile(rf"(?:\b|(?<=\dx)){ACCEL}s?\b", re.IGNORECASE)
GENERIC_ACCEL_RE = _rx.compile(r"\b(GPUs?|TPUs?|accelerators?)\b", re.IGNORECASE)
# `(?<![\d,])`: a number is matched from its first digit only, so a long run of digits is
# one attempt, not one per digit (each scanning the rest of the run: quadratic)
NUM = r"(?<![\d,])\d[\d,]*(?:\.\d+)?"
WORD_NUM = r"(?:a single|single|one|two|three|four|five|six|eight|sixteen)"
COUNT_RE = _rx.compile(
    rf"\b({NUM}|{WORD_NUM})\s*(?:x\s*|×\s*)?(?:NVIDIA\s+|AMD\s+|Google\s+|Nvidia\s+)?(?:(?<![\d,])\d+\s?GB\s+)?(?:{ACCEL}s?|GPUs?|TPUs?|accelerators?|chips|cores)\b"
    rf"|\bTPU\s?-?v\d+[a-z]?-(\d+)\b|\b(?:{ACCEL})\s*(?:GPUs?)?\s*(?:x|×)\s*({NUM})\b|\b({NUM})\s+nodes?\b|\b(\d+)\s*-\s*(?:GPU|node)\b",
    re.IGNORECASE,
)
CLUSTER_RE = _rx.compile(
    r"\b(clusters?|supercomputers?|pods?|nodes?\b|Jean Zay|LUMI|Frontier|Summit|Leonardo|MareNostrum|JUWELS|DGX|SuperPOD)\b",
    re.IGNORECASE,
)
NAMED_CLUSTER_RE = _rx.compile(
    r"\b(Jean Zay|LUMI|Frontier|Summit|Leonardo|MareNostrum|JUWELS|DGX|SuperPOD|Selene|Eos|Fugaku|Perlmutter|Polaris|Aurora|"
    r"Isambard|Dawn|Condor Galaxy|ABCI|Piz Daint|Alps)\b",
)
FLOPS_RE = _rx.compile(
    rf"({NUM}\s*(?:[x×]\s*10\^?\s*\d+|e\+?\d+|[zepZEP]?FLOPs?|zetta|exa|peta)[^.\n]{{0,30}}?FLOP|(?:peta|exa|zetta)flop(?:/s)?-?(?:days?)?|{NUM}\s*(?:PF|EF|ZF)-?days?|\bFLOPs?\b[^.\n]{{0,40}}{NUM})",
    re.IGNORECASE,
)
GPU_HOURS_RE = _rx.compile(
    rf"\b({NUM}\s*(?:k|K|M|million|thousand)?\s*(?:{ACCEL}\s*)?(?:GPU|TPU|accelerator|chip|node|core)?[- ]?(?:hours?|hrs?|days?)\b)",
    re.IGNORECASE,
)
TIME_RE = _rx.compile(
    rf"\b(?:trained|training|train|took|takes|pre-?training|fine-?tuning|fine-?tuned|ran|lasted|completed)\b[^.\n]{{0,80}}?\b({NUM}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*(hours?|days?|weeks?|months?|minutes?)\b"
    rf"|\b({NUM})\s*(hours?|days?|weeks?|months?)\s+(?:of\s+)?(?:training|pre-?training|compute)\b|\bwall[- ]?clock\b",
    re.IGNORECASE,
)
VAGUE_TIME_RE = _rx.compile(
    r"\b(?:trained|training|took)\b[^.\n]{0,60}\b(several|a few|many|some|a couple of)\s+(hours|days|weeks|months)\b"
    r"|\b(?:training|compute) (?:cost|budget) (?:was )?(?:significant|substantial|modest|large)\b",
    re.IGNORECASE,
)
# a price ("$0.50 per 1M tokens", "$2/hour") is a rate for users, not what training cost
_PRICE = r"(?![\d.,]*\s*(?:k|K|M|million|thousand)?\s*(?:/|per\b))"
COST_RE = _rx.compile(
    rf"(?:\$|USD\s?|US\$|€|EUR\s?)\s?({NUM})\s*(k|K|M|million|thousand|B|billion)?{_PRICE}(?=[^.\n]{{0,80}}\b(?:train|compute|cost|budget|spent))"
    rf"|\b(?:cost|costs|costing|spent|budget)[^.\n]{{0,60}}(?:\$|USD\s?|US\$|€|EUR\s?)\s?({NUM}){_PRICE}",
    re.IGNORECASE,
)
ENERGY_RE = _rx.compile(rf"\b({NUM})\s*(kWh|MWh|GWh|TWh)\b", re.IGNORECASE)
EMISSIONS_RE = _rx.compile(
    rf"\b({NUM})\s*(t|tons?|tonnes?|kg|g|lbs?)\s*(?:of\s*)?(?:CO2|CO₂|carbon)", re.IGNORECASE
)
TOKENS_RE = _rx.compile(rf"\b({NUM})\s*(B|T|M|billion|trillion|million)?\s*tokens\b", re.IGNORECASE)
STEPS_RE = _rx.compile(rf"\b({NUM})\s*(k|K)?\s*(?:training\s+)?(steps|iterations|epochs)\b", re.IGNORECASE)

URL_RE = _rx.compile(r"https?://[^\s<>()\[\]\"'`|]+[^\s<>()\[\]\"'`|.,;:!?*]")
HF_DATASET_RE = _rx.compile(
    r"(?<![\w-])huggingface\.co/datasets/([\w.\-]+(?:/(?!viewer\b|tree\b|blob\b|resolve\b)[\w.\-]+)?)",
    re.IGNORECASE,
)
HF_MODEL_RE = _rx.compile(
    r"(?<![\w.-])huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/|transformers|join|settings|new|models\b)"
    r"([\w.\-]+/[\w.\-]+)(?:/(?:tree|resolve|blob)/[^\s]*)?",
    re.IGNORECASE,
)
WEIGHTS_STATEMENT_RE = _rx.compile(
    r"\b(weights?|checkpoints?|download|model files|safetensors|gguf|released? (?:the|our) model|available (?:at|on))\b",
    re.IGNORECASE,
)
FROM_PRETRAINED_RE = _rx.compile(
    r"""(?:from_pretrained|hf_hub_download|snapshot_download|pipeline\([^)]*model\s*=)\s*\(?\s*["']([\w.\-]+/[\w.\-]+)["']"""
)

REPLICATION_RE = _rx.compile(
    # "we independently verified": the team itself, not a third party
    r"(?<!\bwe\s)\b(independent(?:ly)?|third[- ]party|external)\s+(?:\w+\s+){0,2}(reproduc|replicat|verif)\w*"
    r"|\b(reproduced|replicated|verified)\s+(?:independently\s+)?by\s+(?!this\b|the\b|our\b|us\b|running\b|using\b|following\b|a\b|an\b)(?-i:[A-Z@])"
    r"|\b(replication|reproduction)\s+(?:study|paper|report|effort|attempt)\s+(?:by|from)\b"
    r"|\bthis (?:model |repo(?:sitory)? |checkpoint |work )?is an? (?:independent |third-party |open )?(?:reproduction|replication|re-?implementation) of\b",
    re.IGNORECASE,
)
REPRO_INVITE_RE = _rx.compile(
    r"\b(to reproduce|(?:reproduc|replicat)(?:e|ing) (?:our|the|these) (?:results|experiments|trainings?|evaluations?)|reproduction (?:instructions|guide|steps|scripts?)|"
    r"reproducibility|reproducible (?:code|training recipes?|recipes?|results))\b",
    re.IGNORECASE,
)
# "an attempt to reproduce OpenAI's ViT results": this team reproducing another's work
REPRO_OTHERS_RE = _rx.compile(r"\breproduc\w*\s+(?:the\s+)?[A-Z][\w-]*'s\b")
# "set a seed for reproducibility", "deterministic=True for reproducible results": run-to-run
# determinism, neither a reproduction nor an invitation to reproduce the training
REPRO_SEED_RE = _rx.compile(r"\b(?:(?:random |manual_)?seeds?|deterministic\w*|random state)\b", re.IGNORECASE)
CHECKPOINT_MENTION_RE = _rx.compile(
    r"\b(intermediate|training)\s+checkpoints?\b|\bcheckpoints?\s+(?:at|every|from)\s+(?:each|every|\d)|\b(training|wandb|tensorboard)\s+logs?\b|\bloss curves?\b",
    re.IGNORECASE,
)
CHECKPOINT_AVAILABLE_RE = _rx.compile(
    r"(available|released|provided|published|uploaded|can be (?:found|downloaded)|we (?:release|share|provide)|branches|revisions?)",
    re.IGNORECASE,
)
CHECKPOINT_FUTURE_RE = _rx.compile(
    r"\b(plan(?:s|ned)? to|will|future|upon request|on request|not (?:be )?(?:released|available|shared))\b",
    re.I,
)

KNOWN_DATASETS = [
    "The Pile",
    "Pile",
    "C4",
    "mC4",
    "RedPajama",
    "SlimPajama",
    "Dolma",
    "RefinedWeb",
    "FineWeb",
    "FineWeb-Edu",
    "OpenWebText",
    "OpenWebText2",
    "Wikipedia",
    "BookCorpus",
    "Books3",
    "LAION-5B",
    "LAION-2B",
    "LAION-400M",
    "LAION-Aesthetics",
    "ImageNet",
    "ImageNet-1k",
    "ImageNet-21k",
    "COCO",
    "MS COCO",
    "Common Crawl",
    "CommonCrawl",
    "The Stack",
    "StarCoderData",
    "OSCAR",
    "ROOTS",
    "LibriSpeech",
    "Common Voice",
    "VoxPopuli",
    "GigaSpeech",
    "MLS",
    "SQuAD",
    "GLUE",
    "SuperGLUE",
    "MNLI",
    "SNLI",
    "ShareGPT",
    "Alpaca",
    "OpenOrca",
    "UltraChat",
    "UltraFeedback",
    "Dolly",
    "databricks-dolly-15k",
    "OASST1",
    "OpenAssistant",
    "FLAN",
    "Natural Instructions",
    "MetaMathQA",
    "GSM8K",
    "CodeAlpaca",
    "Evol-Instruct",
    "WikiText",
    "CC-100",
    "CC100",
    "OPUS",
    "WMT",
    "ParaCrawl",
    "Anthropic HH",
    "HH-RLHF",
    "PubMed",
    "arXiv",
    "S2ORC",
    "peS2o",
    "Project Gutenberg",
    "StackExchange",
    "CulturaX",
    "MADLAD-400",
    "Zyda",
    "DCLM",
    "Cosmopedia",
    "Tulu",
    "MS MARCO",
    "Natural Questions",
    "YFCC100M",
    "CC3M",
    "CC12M",
    "DataComp",
    "WebVid",
    "AudioSet",
    "VGGSound",
    "Conceptual Captions",
    "Visual Genome",
    "Objects365",
    "SA-1B",
    "OpenImages",
]
_KNOWN_RE = _rx.compile(
    r"(?<![\w/-])("
    + "|".join(re.escape(d) for d in sorted(KNOWN_DATASETS, key=len, reverse=True))
    + r")(?![\w-])"
)
_CASE_SENSITIVE_SHORT = {
    "C4",
    "MNLI",
    "SNLI",
    "Pile",
    "MLS",
    "WMT",
    "OPUS",
    "FLAN",
    "GLUE",
    "arXiv",
    "COCO",
    "mC4",
    "OSCAR",
    "ROOTS",
    "DCLM",
    "Tulu",
    "Zyda",
}
VAGUE_DATA_RE = _rx.compile(
    r"\b(web ?text|web (?:data|pages|crawl)|publicly available (?:data|sources|datasets|text)|internet data|"
    r"a (?:large |diverse |curated )?(?:mix|mixture|corpus|collection) of(?! (?:[\w-]+ ){0,4}models?\b)|proprietary (?:data|dataset)|"
    r"(?:the )?same (?:training |pre-?training )?data(?:set)? as|"
    r"licensed data|synthetic data|curated dataset|in-house data|(?:collected|gathered|scraped|crawled) from the (?:internet|web)|(?<![\d.,])\d[\d.,]*\s*[TBM]\s*tokens|"
    r"(?:multilingual|diverse|high-quality|curated|synthetic|public|open|proprietary|private|internal|general[- ]domain|"
    r"domain-enhanced|web|code|conversational|instruction|english|chinese)"
    r"\s+(?:[\w-]+\s+){0,2}(?:data|dataset|datasets|corpus|corpora|pairs?|tokens)|"
    r"(?:trillions?|billions?) of (?:[\w-]+ ){1,2}tokens|(?<![\d.,])\d[\d.,]*\s*(?:GB|TB)\s+(?:of\s+)?(?:training\s+|text\s+)?data|"
    r"(?<![\d.,])\d[\d.,]*\s*(?:trillion|billion|million)\s+tokens)",
    re.IGNORECASE,
)
# Data sources rather than datasets: precise only where a training-data section names them.
SOURCE_NAMES = {"arXiv", "StackExchange", "Wikipedia", "PubMed", "Common Crawl", "CommonCrawl", "Project Gutenberg"}
DATA_NOT_DISCLOSED_RE = _rx.compile(
    r"\b(not (?:be )?(?:disclos|releas|shar|publish)\w*|undisclosed|cannot share|will not release)\b[^.\n]{0,60}\b(data|dataset)",
    re.IGNORECASE,
)


@dataclass
class Hit:
    """A sentence a pattern matched, with its line for the citation and what was read."""

    line: int  # 1-based line in the file
    text: str  # the sentence
    detail: dict[str, Any]


_EMPHASIS_RE = _rx.compile(r"\*\*?|`|(?<!\w)__|__(?!\w)")
_SENTENCE_END_RE = _rx.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
# where _SENTENCE_END_RE splits, this matches (a mark, the whitespace, the capital), and the
# other way round; searched first, as it starts with a class the engine can scan for, while
# the split's look-behind is tried at every position of every line
_SENTENCE_BREAK_RE = _rx.compile(r"[.!?]\s+[A-Z(\[]")


SENTENCE_LITERALS = {"_EMPHASIS_RE": {"*", "`", "__"}, "_SENTENCE_BREAK_RE": {".", "!", "?"}}


def sentences(lines: list[str], first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, sentence) pairs; long lines are split at sentence ends."""
    in_fence = False
    # the two patterns tried on every line, behind their literals tested here (SENTENCE_LITERALS,
    # checked against their prefilters by tests/evidence/test_sentence_index.py): a card's
    # hundreds of lines cost more in calls through the prefilter than in the patterns
    # (the compiled patterns beneath: `prefilter_namespace` wraps this module's at its end)
    emphasis, brk = compiled(_EMPHASIS_RE).sub, compiled(_SENTENCE_BREAK_RE).search
    for i, raw in enumerate(lines):
        if ("`" in raw or "~" in raw) and raw.lstrip().startswith(("```", "~~~")):  # a fence holds one
            in_fence = not in_fence
            continue
        line = raw[:4000]
        if not line.strip():
            continue
        if "*" in line or "`" in line or "__" in line:
            line = emphasis("", line)
        if not (("." in line or "!" in line or "?" in line) and brk(line)):  # one sentence (most lines): no split
            if line := line.strip():  # emphasis marks alone leave nothing
                yield first_line + i, line
            continue
        for s in _SENTENCE_END_RE.split(line):
            if s.strip():
                yield first_line + i, s.strip()


INFERENCE_ONLY = (
    r"\b(inference|infer\w*|can run|runs on|fits on|requires?|vram|memory|gguf|quantiz\w*|generat\w*|"
    r"tokens?/s|latency|throughput|speed|seconds|faster|benchmark\w*|process\w*|runtime)"
)
_INFERENCE_ONLY_RE = _rx.compile(INFERENCE_ONLY, re.I)
_SETUP_WORD_RE = _rx.compile(
    r"\b(train|trained|training|fine-?tun|pre-?train|compute|cluster|hardware|using|used|on|done)\b", re.I
)
_TRAIN_START_RE = _rx.compile(r"\btrain", re.I)
_ACCEL_HOURS_RE = _rx.compile(rf"(GPU|TPU|accelerator|chip|node|{ACCEL})[- ]?(hours?|hrs?|days?)", re.I)
_TOOK_RE = _rx.compile(r"train|took|lasted|wall", re.I)
_TAKES_RE = _rx.compile(r"\btakes\b", re.I)
_TOKENS_TRAINED_RE = _rx.compile(r"train|pre-?train|tokens of", re.I)
_TRAIN_ANY_RE = _rx.compile(r"train", re.I)
DATA_DURATION_RE = _rx.compile(
    r"\b(?<![\d,.])\d[\d,.]*\s*(?:k|K|M)?\s*hours? of (?:audio|speech|data|video|recordings?|transcri\w+|labell?ed|speakers?)"
    r"|\bhours (?:of|in) the training (?:set|data)|amount of speech",
    re.I,
)


# "GPUs: 512 H100-80G", "Hardware Type: Google Cloud TPU Pods", "| Hardware | 256 x A100 |":
# a labelled value in a card's training details needs no verb around it
HW_LABEL_RE = _rx.compile(
    r"^\W*(?:hardware(?: type| used)?|gpus?|tpus?|accelerators?|compute(?: infrastructure)?|training (?:hardware|infrastructure|cluster))\W*[:|]",
    re.IGNORECASE,
)
VAGUE_COUNT_RE = _rx.compile(
    r"\b(?:multiple|several|many|some|a few|numerous|hundreds of|thousands of|(?:more than|over)(?!\s+\d))\s+(?:\w+[- ]){0,2}?(?:TPU|GPU|A100|H100|V100|pods?|nodes?)",
    re.IGNORECASE,
)
NUM_DEVICES_RE = _rx.compile(r"\bnum_(?:devices|gpus|processes)\s*[:=]\s*(\d+)", re.IGNORECASE)
THANKS_RE = _rx.compile(r"\b(?:thank\w*|grateful|acknowledg\w*|support(?:ed)? (?:by|through|from)|programme|program for|research cloud)\b", re.I)
# hardware a user needs to run or fine-tune it, not what it was trained on
USER_HW_RE = _rx.compile(
    r"\b(?:capable of|typical hardware|requires?|required|needs?|minimum|recommended|you can|can be|is able to|suffice|enough to|"
    r"test(?:ing)? (?:the|this|our)|evaluat\w+ (?:the|this|our)|an example of|"
    r"for (?:fine-?tuning|inference|deployment|serving|evaluation|testing)|to (?:run|serve|deploy|evaluate|test|fine-?tune))\b",
    re.IGNORECASE,
)
WE_TRAINED_RE = _rx.compile(r"\b(?:we|was|were|is|are|been|model(?:s)?) (?:pre-?)?trained\b|\btrained (?:on|using|with)\b", re.I)


def hardware_of(s: str, labelled_context: bool = False) -> dict[str, Any] | None:
    """What one sentence says about training hardware: the accelerator, whether a count or a
    cluster is given. `labelled_context`: the sentence is in a training or hardware section,
    where a bare value ("1 x NVIDIA A100 80GB") needs no verb."""
    if not (_HW_HINT.search(s) or _HW_CODE_HINT.search(s)):
        return None
    acc = ACCEL_RE.search(s)
    generic = GENERIC_ACCEL_RE.search(s)
    cluster = CLUSTER_RE.search(s)
    devices = NUM_DEVICES_RE.search(s)
    if not acc and not generic and not cluster and not devices:
        return None
    thanks = bool(THANKS_RE.search(s)) and bool(acc)
    labelled = bool(HW_LABEL_RE.search(s)) or labelled_context or bool(devices)
    if not (labelled or thanks or _SETUP_WORD_RE.search(s)):
        return None
    count = COUNT_RE.search(s)
    if count and VAGUE_COUNT_RE.search(s):
        count = None  # "multiple TPU-v4-512 pods": the number of pods is not given
    if not acc and not count and not cluster and not devices:
        return None
    # an inference-only remark ("runs on a T4") or a user's requirement is not a training setup
    if _INFERENCE_ONLY_RE.search(s) and not _TRAIN_START_RE.search(s):
        return None
    if USER_HW_RE.search(s) and not WE_TRAINED_RE.search(s):
        return None
    # a cluster spec is a named machine ("JUWELS Booster") or a counted one ("16 nodes");
    # "TPU v3 or v4 pods" names no size
    named = bool(NAMED_CLUSTER_RE.search(s))
    return {
        "accelerator": acc.group(0) if acc else None,
        "count": bool(count or devices),
        "cluster": named and not thanks,
        "cluster_only": bool(cluster) and not acc and not count and not devices,
    }


def hardware_hits(
    lines: list[str], first: int = 1, pairs: Iterable[tuple[int, str]] | None = None,
    context: set[int] | None = None,
) -> list[Hit]:
    """Training-hardware statements among the sentences of `lines` (or the given pairs);
    `context`: lines of training or hardware sections."""
    out = []
    for ln, s in sentences(lines, first) if pairs is None else pairs:
        detail = hardware_of(s, bool(context and ln in context))
        if detail is not None:
            out.append(Hit(ln, s, detail))
    return out


TRAINING_DATES_RE = _rx.compile(
    r"\b(?:trained|training (?:took place|ran|happened)|pre-?trained)\b[^.\n]{0,40}\b(?:between|from|during|in)\s+"
    r"(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d(?:\s+(?:and|to|until|through|-)\s+(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d)?",
)


# a sentence may state a quantity of compute, time, money or emissions when it holds one of
# these words (any case), "€", "co₂" or a year
_COST_WORDS = (
    "hour", "hrs", "day", "week", "month", "minute", "flop", "$", "usd", "eur", "kwh", "mwh", "gwh", "co2",
    "carbon", "token", "step", "iteration", "epoch", "cost", "budget", "wall", "spent",
)
_COST_HINT = _rx.compile("|".join([*map(re.escape, _COST_WORDS), r"19\d\d", r"20\d\d", "€", "co₂"]), re.IGNORECASE)
_COST_YEAR_RE = _rx.compile(r"19\d\d|20\d\d")


def _cost_hint(s: str) -> bool:
    """Whether `_COST_HINT` matches `s`; for an ASCII sentence without the regex. There an
    ASCII word matches, case-insensitively, exactly where the lower-cased sentence holds it
    (among ASCII characters a letter's only match is its other case), "€" and "co₂" nowhere,
    and only the years need a search. A 27-way case-insensitive alternation is tried at every
    position of a sentence: the most costly search of a batch item, though it nearly always
    matches."""
    if not s.isascii():
        return bool(_COST_HINT.search(s))
    low = s.lower()
    for w in _COST_WORDS:
        if w in low:
            return True
    return bool(_COST_YEAR_RE.search(s))
# the hardware hint's alternatives in two patterns: a sentence names hardware when either
# matches; the words have literals to prefilter on, the model code ("A100") has none
_HW_HINT = _rx.compile(
    r"gpu|tpu|rtx|titan|gaudi|trainium|ascend|ipu|cerebras|cluster|node|pod|supercomput|accelerator|chip|core|num_devices",
    re.IGNORECASE,
)
_HW_CODE_HINT = _rx.compile(r"[A-Z]\d{2,}", re.IGNORECASE)


HOURS_USED_RE = _rx.compile(r"^\W*(?:hours used|gpu hours|compute hours|training hours)\W*[:|]\s*~?\d", re.IGNORECASE)


def cost_hits(
    lines: list[str], first: int = 1, pairs: Iterable[tuple[int, str]] | None = None
) -> list[tuple[str, Hit]]:
    """(topic, hit) for compute, time, cost, emissions, tokens and steps."""
    out: list[tuple[str, Hit]] = []
    for ln, s in sentences(lines, first) if pairs is None else pairs:
        if not _cost_hint(s):  # cheap pre-filter: most sentences name no quantity
            continue
        if FLOPS_RE.search(s):
            out.append(("compute", Hit(ln, s, {"what": "FLOPs"})))
        if HOURS_USED_RE.search(s):
            out.append(("compute", Hit(ln, s, {"what": "accelerator-hours", "value": s[:80]})))
        m = GPU_HOURS_RE.search(s)
        if m and _ACCEL_HOURS_RE.search(m.group(0)):
            out.append(("compute", Hit(ln, s, {"what": "accelerator-hours", "value": m.group(0)})))
        if ENERGY_RE.search(s):
            out.append(("compute", Hit(ln, s, {"what": "energy"})))
        m = TIME_RE.search(s)
        if (
            m
            and (_TOOK_RE.search(s) or (_TAKES_RE.search(s) and not _INFERENCE_ONLY_RE.search(s)))
            and not DATA_DURATION_RE.search(s)
        ):
            out.append(("time", Hit(ln, s, {"what": "wall-clock time", "vague": False})))
        elif VAGUE_TIME_RE.search(s):
            out.append(("time", Hit(ln, s, {"what": "vague time", "vague": True})))
        elif TRAINING_DATES_RE.search(s):
            out.append(("time", Hit(ln, s, {"what": "training dates (a period, not a duration)", "vague": True})))
        if COST_RE.search(s):
            out.append(("cost", Hit(ln, s, {"what": "money"})))
        if EMISSIONS_RE.search(s):
            out.append(("emissions", Hit(ln, s, {"what": "CO2"})))
        if TOKENS_RE.search(s) and _TOKENS_TRAINED_RE.search(s):
            out.append(("tokens", Hit(ln, s, {"what": "token count"})))
        if STEPS_RE.search(s) and _TRAIN_ANY_RE.search(s):
            out.append(("steps", Hit(ln, s, {"what": "step count"})))
    return out


# the pattern of the known datasets' names, for loops that find the sentences it may match at
# once (`sentences_for`) rather than testing its 78 literals on each
KNOWN_DATASET_RE = _KNOWN_RE


def dataset_names(text: str) -> list[str]:
    names = []
    for m in _KNOWN_RE.finditer(text):
        n = m.group(1)
        if n in _CASE_SENSITIVE_SHORT or len(n) >= 5 or n == "Pile":
            names.append(n)
    return list(dict.fromkeys(names))


# a direct download of weight files ("https://.../resolve/main/model.safetensors", "acme-7b.Q4_K_M.gguf")
WEIGHT_FILE_URL_RE = _rx.compile(r"\.(?:safetensors|gguf|ggml|bin|pt|pth|ckpt|onnx|h5|msgpack|npz)(?:\?[^#\s]*)?(?:#\S*)?$", re.I)
_PAPER_URL_RE = _rx.compile(
    r"arxiv\.org|doi\.org|aclanthology|openreview\.net|proceedings|papers\.nips|semanticscholar|biorxiv|ieeexplore|acm\.org/doi|jmlr\.org|\.pdf$"
)
_DATA_URL_RE = _rx.compile(r"kaggle\.com/datasets|zenodo\.org|data\.world|commoncrawl|laion\.ai|image-net\.org")
_TRACKER_URL_RE = _rx.compile(r"wandb\.ai|wandb\.me|tensorboard\.dev|comet\.(ml|com)|neptune\.ai|mlflow")
_CODE_URL_RE = _rx.compile(r"github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|git\.")
_DOC_FILE_URL_RE = _rx.compile(r"\.(md|png|jpe?g|gif|webp|svg|txt|pdf|json|ipynb|py)(\?|#|$)")
_DOCS_URL_RE = _rx.compile(r"readthedocs|/docs?/|documentation")


def categorize_url(url: str, context: str = "") -> str:
    """What a link is ("paper", "data", "code", ...); "replication" where the sentence it
    stands in (`context`) references a third-party reproduction."""
    if REPLICATION_RE.search(context):
        return "replication"
    return url_category(url)


# remembered: a pure function of the URL, and a batch meets the same URLs card after card
# (about half of the corpus's links are repeats)
@functools.lru_cache(maxsize=20_000)
def url_category(url: str) -> str:
    """`categorize_url` of a link whose sentence references no reproduction."""
    u = url.lower()
    if _PAPER_URL_RE.search(u):
        return "paper"
    if "huggingface.co/datasets/" in u or _DATA_URL_RE.search(u):
        return "data"
    if _TRACKER_URL_RE.search(u):
        return "tracker"
    if _CODE_URL_RE.search(u):
        return "code"
    if "huggingface.co/spaces/" in u:
        return "demo"
    if HF_MODEL_RE.search(url):
        if (
            _DOC_FILE_URL_RE.search(u)
            or "/discussions" in u
        ):
            return "docs"
        return "weights"
    if _DOCS_URL_RE.search(u):
        return "docs"
    return "other"


# ---- the model's identity and its weights -------------------------------------------------

# A Hub repository id as written in code: "org/name" (no spaces, no URL scheme, not a path).
HF_ID = r"[A-Za-z0-9][\w.\-]{0,95}/[A-Za-z0-9][\w.\-]{0,95}"
# Usage code that loads a named Hub repository: loader calls, pipelines, downloads, CLI flags.
LOAD_ID_RE = _rx.compile(
    r"(?:from_pretrained|hf_hub_download|snapshot_download|load_model|load_checkpoint|\b[A-Z]\w*(?:Model|Pipeline|Reranker|Embedder|Transformer|Encoder|Classifier|LM))\s*\(\s*"
    r"(?:(?:repo_id|model_id|model|pretrained_model_name_or_path|model_name_or_path|checkpoint)\s*=\s*)?[\"'](" + HF_ID + r")[\"':]"
    r"|\b(?:model|repo_id|model_id|model_name_or_path|pretrained_model_name_or_path|checkpoint)\s*=\s*[\"'](" + HF_ID + r")[\"']"
    r"|--(?:model|hf_path|model_name_or_path|model_id|model-id|repo|pretrained|base_model|model_path)[= ]+[\"']?(" + HF_ID + r")\b"
    r"|\b(?:huggingface-cli|hf)\s+download\s+(" + HF_ID + r")\b"
    r"|\b(?:ollama (?:run|pull)|llama-cli -hf|-hf)\s+(?:hf\.co/)?(" + HF_ID + r")\b",
)
# A variable that holds a Hub id and is later given to a loader: model_id = "org/name"
ID_ASSIGN_RE = _rx.compile(r"^\s*(\w+)\s*=\s*[\"'](" + HF_ID + r")[\"']\s*(?:#.*)?$")
LOADER_CALL_RE = _rx.compile(r"(?:from_pretrained|pipeline|hf_hub_download|snapshot_download|\b[A-Z]\w*(?:Model|Pipeline))\s*\(")
# a parameter count as models are named ("175B", "opt-1.3b"); not "3.3M GPU hours", "3.3M H100-hours" or "2M tokens"
SIZE_RE = _rx.compile(
    r"(?<![\w.])(?:\w*?[-_ ])?(\d+(?:\.\d+)?)\s?([bBmM])(?![a-zA-Z0-9])"
    r"(?!\s*(?:GPU|TPU|" + ACCEL + r"|hours?|hrs|tokens?|samples|images|steps|examples|sequences|pairs|words|sentences|documents|rows|files|USD|\$|of\b))",
    re.IGNORECASE,
)
# A plain statement that the weights are published (in this repository or named place).
WEIGHTS_AVAILABLE_RE = _rx.compile(
    r"\b(?:this|the) (?:repo|repository|model repo)\b[^.\n]{0,30}\b(?:contains?|hosts?|holds?|provides?|includes?)\b"
    r"|\bthis contains the (?:model )?weights\b"
    r"|\b(?:we|they) (?:have )?(?:release[ds]?|open[- ]source[ds]?|publish(?:ed|es)?|make available|provide)\b[^.\n]{0,80}\b(?:models?|weights|checkpoints?|variants?)\b"
    r"|\b(?:models?|weights|checkpoints?)\b[^.\n]{0,60}\b(?:are|is) (?:now )?(?:publicly |freely |openly )?(?:available|released|downloadable|open[- ]sourced?)\b"
    r"|\b(?:by )?releasing\b[^.\n]{0,40}\b(?:models?|weights|checkpoints?|[A-Z][\w-]*\d)\b"
    r"|\bis the checkpoint with\b|\bcan be (?:found|downloaded) (?:under|at|from|here)\b"
    r"|\bweights are (?:saved|stored|provided) in\b",
    re.IGNORECASE,
)
GATED_RE = _rx.compile(
    r"\b(?:granted access|request(?:ing)? access|access request|apply for access|gated (?:model|repo\w*|access)"
    r"|(?:access|download)\b[^.\n]{0,60}\bform\b|\bform\b[^.\n]{0,40}\b(?:to (?:access|download)|access)"
    r"|(?:weights|model|checkpoints?) (?:are |is )?(?:only )?available (?:up)?on request)",
    re.IGNORECASE,
)
DELTA_RE = _rx.compile(
    r"\b(?:xor|delta|diff)[- ]?(?:weights|checkpoints?|files)\b|\bapply the (?:xor|delta|diff)s?\b",
    re.IGNORECASE,
)
UNRELEASED_RE = _rx.compile(
    r"\b(?:weights|checkpoints?|the model)\b[^.\n]{0,40}\b(?:are|is|will) not (?:be )?(?:publicly )?(?:released|available|shared|published|open[- ]sourced)\b"
    r"|\b(?:we|they) (?:do|did|will) not (?:release|publish|share|open[- ]source)\b[^.\n]{0,30}\b(?:weights|model|checkpoints?)\b"
    r"|\b(?:weights|checkpoints?) (?:are )?(?:coming soon|to be released)\b",
    re.IGNORECASE,
)
ADAPTER_ONLY_RE = _rx.compile(
    r"\b(?:this|the) (?:repo|repository|model)\b[^.\n]{0,40}\b(?:contains?|provides?|is)\b[^.\n]{0,30}\b(?:lora|peft|adapter)\b(?![- ]merged)"
    r"|\b(?:lora|adapter)s? (?:repository|repo|collection)\b|\bthe (?:various )?loras\b|\bloras? (?:i|we)(?:'ve| have)? trained\b",
    re.IGNORECASE,
)


def size_of(text: str) -> str | None:
    """A parameter count as named in a model name ("OpenELM-3B" -> "3b", "opt-1.3b" -> "1.3b")."""
    m = SIZE_RE.search(text)
    if not m:
        return None
    return f"{float(m.group(1)):g}{m.group(2).lower()}"


_NOT_ALNUM_RE = _rx.compile(r"[^a-z0-9]")


def name_key(text: str) -> str:
    """A model name reduced to letters and digits, for comparing names however written."""
    return _NOT_ALNUM_RE.sub("", text.lower())


# ---- instructions for running and fine-tuning ----------------------------------------------

RUNTIMES = (
    r"transformers|llama\.cpp|llama-cpp-python|ollama|vllm|nemo|ctranslate2|faster[-_]whisper|"
    r"sentence[- ]transformers|diffusers|open[-_]?clip|whisper\.cpp|mlx|onnx ?runtime|"
    r"text-generation-inference|exllama\w*|auto-?gptq|autoawq|lm studio|koboldcpp|gpt4all|"
    r"fairseq|timm|keras|flair|spacy|flagembedding|transformers\.js|candle|jax|flax|paddle\w*|"
    r"lmdeploy|sglang|rwkv|open_clip|megatron|corenet"
)
RUNTIME_RE = _rx.compile(rf"\b({RUNTIMES})\b", re.IGNORECASE)
# "use it with X", "compatible with X", "the code of X has been in transformers", "the code of X is
# in the latest transformers", "see the X docs"
LIBRARY_USE_RE = _rx.compile(
    rf"\b(?:use|using|run|running|load|loaded|loading|compatible|supported|works?|deploy\w*|inference|get(?:ting)? started|integrat\w*|has been in)\b"
    rf"[^.\n]{{0,80}}\b({RUNTIMES})\b"
    rf"|\bcode\b[^.\n]{{0,40}}\b(?:is|are|was|has been)\s+(?:now\s+)?(?:merged\s+|included\s+|available\s+)?in(?:to)?\b[^.\n]{{0,40}}\b({RUNTIMES})\b"
    rf"|\b({RUNTIMES})\b[^.\n]{{0,40}}\b(?:docs|documentation|example|notebook|colab)\b"
    r"|\b(hugging ?face)\b[^.\n]{0,30}\b(?:docs|documentation|transformers library)\b",
    re.IGNORECASE,
)
USAGE_TITLE_RE = _rx.compile(
    r"\b(usage|how to (?:use|get started|run|load)|quick ?start|getting started|get started|inference|"
    r"use (?:the|this|with)|running|prompt (?:format|template)|example|demo|deploy\w*|serving)\b",
    re.IGNORECASE,
)
# code that loads a model / runs it (a call that produces output from inputs)
LOAD_CALL_RE = _rx.compile(
    r"\bfrom_pretrained\s*\(|\bpipeline\s*\(|\b[A-Z]\w*(?:Model|Pipeline|Reranker|Embedder|Transformer)\w*\s*\(|"
    r"\bload_model\s*\(|\bcreate_model\w*\s*\(|\bLlama\s*\(|\bload_checkpoint\s*\(|\bwhisper\.load_model|\bRWKV\s*\(|"
    r"\btorch\.load\s*\(|\bInferenceSession\s*\("
)
RUN_CALL_RE = _rx.compile(
    r"\.(?:generate|encode\w*|transcribe|predict|chat|stream_chat|compute_score|embed\w*|forward|infer\w*|"
    r"create_completion|create_chat_completion|generate_to_file|sample|__call__)\s*\(|"
    r"\b(?:model|pipe|pipeline|generator|classifier|llm|tts_pipe|pipe_\w+|outputs?)\s*\(\s*[\w\"'*\[]|"
    r"\bmodel\s*\(\s*\*\*|\bllm\s*\("
)
COMMAND_RE = _rx.compile(
    r"^\s*(?:\$\s*)?(?:python3?(?:\.\d+)?\s+(?:-m\s+\S+|\S+\.py)|torchrun|deepspeed|accelerate launch|"
    r"llama-cli|\./main\s+-m|\./llama\S*|ollama (?:run|pull)|vllm serve|text-generation-launcher|"
    r"docker run|lmdeploy|bash\s+\S+\.sh|sh\s+\S+\.sh|\w+-cli\s)",
)
FINETUNE_GUIDE_RE = _rx.compile(
    r"\bfine-?tun\w*\s+(?:\w+\s+){0,2}(?:notebook|blog|guide|tutorial|example|script|recipe|colab|code)s?\b"
    r"|\b(?:notebook|blog(?: post)?|guide|tutorial|example|script|recipe|colab)s?\b[^.\n]{0,40}\b(?:on|for|about|to|of)\b[^.\n]{0,20}\bfine-?tun"
    r"|\bhow to (?:fine-?tune|finetune)\b|\[fine-?tun\w*\]\(|\bfine-?tun\w* (?:it|them|the models?) (?:easily )?following\b"
    r"|\b(?:full |complete )?(?:training|fine-?tuning) (?:script|code)s?\b[^.\n]{0,40}\b(?:accessible|available|provided|released|in this repo\w*|can be found)\b"
    r"|\b(?:provided|our|the|see the|check out the)\s+\[?(?:training|fine-?tuning)\s+(?:code|scripts?)\b",
    re.IGNORECASE,
)
FINETUNE_MENTION_RE = _rx.compile(
    r"\b(?:can|could|may|should|might) (?:also |then |easily |further |be easily |readily )?(?:be )?(?:easily |further )?(?:fine-?tuned|adapted|customi[sz]ed|trained further)\b"
    r"|\b(?:meant|intended|designed|suitable|primarily aimed at|aimed at) (?:to be |for being |for )?(?:further )?fine-?tun\w*"
    r"|\b(?:after|once) (?:being )?fine-?tuned\b"
    r"|\byou can (?:fine-?tune|apply (?:post-?training|fine-?tuning|SFT)|customi[sz]e|adapt|train a)\b"
    r"|\bencouraged to (?:customi[sz]e|fine-?tune|adapt)\b"
    r"|\btrain a (?:standard )?classifier\b|\bfor fine-?tuning, the best\b"
    r"|\b(?:used|use|useful) for (?:downstream |further )?fine-?tuning\b"
    r"|\bfine-?tun(?:e|ing) (?:it|the model|this model) (?:on|for|with)\b",
    re.IGNORECASE,
)
# a command line that trains: `--do_train`, a train/finetune/sft script or sub-command
TRAIN_COMMAND_RE = _rx.compile(
    r"--do_train\b|-m\s+[\w.]*\btrain\w*\b|\b(?:train|finetune|fine_tune|sft|run_clm|run_glue|run_mlm|run_seq2seq\w*)\w*\.py\b|\b(?:xtuner|axolotl|llamafactory-cli|tune run) train\b|\.train\b",
    re.IGNORECASE,
)
# "learning_rate: 1e-5" style lines: hyper-parameters given as a config inside a card
HYPERPARAM_LINE_RE = _rx.compile(
    r"^\s*+[-*|]?\s*+(?:learning[_ ]rate|lr|(?:train_|eval_|global_|micro_)?batch[_ ]size\w*|num_(?:train_)?epochs|epochs|warmup\w*|weight_decay|"
    r"gradient_accumulation\w*|optimi[sz]er|lr_scheduler\w*|max_steps|seed|max_length|seq_len\w*)\s*[:=|]",
    re.IGNORECASE,
)
FINETUNE_NOT_THIS_RE = _rx.compile(
    r"\b(?:the|its|a) base model(?: [\w\- ]{0,30}?)? (?:can|could|may)\b|\bnot (?:been |yet )?fine-?tuned\b", re.IGNORECASE
)
TRAIN_FRAMEWORKS = (
    r"axolotl|trlx|\btrl\b|deepspeed|accelerate|llama-?factory|xtuner|nemo(?:-aligner)?|alignment[- ]handbook|"
    r"unsloth|peft|megatron(?:-lm|-deepspeed)?|fairseq|t5x|mesh tensorflow|levanter|composer|torchtune|fastchat|"
    r"open_?clip|corenet|gpt-neox|nanotron|olmo"
)
FRAMEWORK_USED_RE = _rx.compile(
    rf"\b(?:built with|using|used|with|via|through|on top of|thanks to)\s+(?:the\s+|our\s+|an?\s+)?\[?(?:🤗\s*)?(?:\S+\s+)?\[?(?:[\w.-]+/)?({TRAIN_FRAMEWORKS})\b"
    rf"|\b({TRAIN_FRAMEWORKS})\]?(?:\([^)]*\))?\s+(?:training framework|codebase|library|framework|suite|contributors)\b",
    re.IGNORECASE,
)
# the training of *this* model, told in the past or as a fact, not an instruction to users
TRAINED_WITH_RE = _rx.compile(
    r"\b(?:(?:pre-?|re-?)?trained|fine-?tuned|aligned|built|developed)\b|\bwe (?:train|fine-?tune|use|used|pretrain)\b|"
    r"\btraining (?:framework|codebase|code)\b|\bcodebase\b|\bcustomi[sz]\w+ the model\b",
    re.IGNORECASE,
)


# hyper-parameters passed on a command line: a launch script or documented command is the run's config
HYPERPARAM_FLAG_RE = _rx.compile(
    r"--(?:lr|learning[_-]rate|(?:per_device_)?(?:train_)?(?:micro_)?(?:global_)?batch[_-]?size\w*|micro_bsz|"
    r"n_layer|n_embd|num_layers|hidden_size|epochs?|num_train_epochs|epoch_count|warmup\w*|max_steps|train_iters|"
    r"ctx_len|seq_len\w*|max_seq_len\w*|weight_decay|gradient_accumulation_steps|lr_scheduler\w*|lr_init|lr_final|"
    r"optim\w*|adam_\w+|save_steps|model_max_length|tuned_model|beta[12]|clip_grad\w*)\b",
    re.IGNORECASE,
)
# a statement that the full training code is public: the code used, named plainly
FULL_TRAINING_CODE_RE = _rx.compile(
    r"\b(?:full|complete|entire|whole)\s+(?:training|fine-?tuning|pre-?training)\s+(?:code|scripts?|pipeline|recipe)s?\b"
    r"[^.\n]{0,50}\b(?:accessible|available|released|provided|public|open[- ]sourced?|in this|can be found|here)\b",
    re.IGNORECASE,
)
# "pre-training code: coming soon", "⏳ Pre-training code", "- [ ] training code": not released
WITHHELD_TRAINING_RE = _rx.compile(
    r"(?:⏳|\[ \]|\bcoming soon\b|\bto be released\b|\bwill (?:be )?release\w*\b|\bnot (?:yet )?(?:been )?released\b|\bTODO\b)"
    r"[^.\n]{0,60}\b(?:pre-?train\w*|training)\s+(?:code|scripts?)"
    r"|\b(?:pre-?train\w*|training)\s+(?:code|scripts?)\b[^.\n]{0,40}(?:coming soon|to be released|will be released|not (?:yet )?(?:been )?released)",
    re.IGNORECASE,
)
# "a fine-tuned version of X", "Finetuned from model: X": this model's own training is a fine-tune
FINETUNED_FROM_RE = _rx.compile(
    r"\bfine-?tuned (?:version|variant|checkpoint) of\b|\bfine-?tuned from\b|\bfinetuned from model\b|"
    r"\b(?:pretrained|pre-trained|base) model (?:and|then) fine-?tuned\b|\bfine-?tuned (?:it|in|on top of) (?:on )?\b|"
    r"\bwe (?:fine-?tuned|used the pretrained)\b",
    re.IGNORECASE,
)


TRAIN_WORD_RE = _rx.compile(r"\b(?:pre-?)?train(?:ed|ing|s)?\b|\bfine-?tun\w*", re.IGNORECASE)


_training_lines: dict[str, bool] = {}  # line -> is_training_line(line): identity and usage ask alike


def is_training_line(line: str) -> bool:
    """A command line (or a trainer's argument list) that trains: a training script or
    sub-command, or two or more training hyper-parameters passed as flags. Remembered for
    the lines seen lately (a pure function of the line; two collectors test the same code)."""
    hit = _training_lines.get(line)
    if hit is None:
        if len(_training_lines) >= 4096:
            _training_lines.clear()
        hit = _training_lines[line] = bool(TRAIN_COMMAND_RE.search(line)) or len(HYPERPARAM_FLAG_RE.findall(line)) >= 2
    return hit


_rx.save()

# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

# What a sentence needs for `hardware_of` (one of these matches, else it returns None) and for
# `cost_hits` (its hint matches): collectors iterate over `sentences_for(card, *NEEDS)` alone.
# Defined after the prefilters are in place, so the tuples hold the prefiltered patterns.
HARDWARE_NEEDS = (ACCEL_RE, GENERIC_ACCEL_RE, CLUSTER_RE, NUM_DEVICES_RE)
COST_NEEDS = (_COST_HINT,)

"""Training datasets named in prose: well-known corpora in data sections or beside training
words, Hub dataset links, vague descriptions ("web text"), and statements that the data is
not disclosed. (Datasets in the card's `datasets:` metadata come from `metadata`.)"""

from __future__ import annotations

import re

from truecard.evidence.collectors._common import (
    card_sentences,
    folded_text,
    is_datacard,
    may_match,
    sentences_for,
)
from truecard.evidence.inventory import Card, DatasetRef, Inventory
from truecard.evidence.patterns import (
    DATA_NOT_DISCLOSED_RE,
    HF_DATASET_RE,
    KNOWN_DATASET_RE,
    SOURCE_NAMES,
    URL_RE,
    VAGUE_DATA_RE,
    dataset_names,
)
from truecard.evidence.prefilter import Prefiltered
from truecard.models import EvidenceKind, clip

DATA_SECTION_RE = re.compile(r"(training|pre-?training|fine-?tuning)?\s*(data|dataset|corpus|corpora)", re.I)
TRAINISH_RE = re.compile(r"\b(train|trained|pre-?train|fine-?tun|corpus|dataset|data)\w*", re.I)
EVAL_RE = re.compile(r"\b(evaluat|benchmark|accuracy|score)\w*", re.I)
TRAINED_RE = re.compile(r"\b(train\w*|pre-?train\w*|fine-?tun\w*|training data|corpus|leverag\w*)\b", re.I)
TRAIN_WORD_RE = re.compile(r"\b(train\w*|pre-?train\w*|fine-?tun\w*)\b", re.I)
TEST_SPLIT_RE = re.compile(r"\btest[- ](?:clean|other|sets?|splits?)\b|\bvalidation (?:sets?|splits?)\b|\bheld[- ]out\b", re.I)
# where data sets are published: a link there, in a training sentence, names the data precisely
DATA_HOST_RE = re.compile(
    r"/datasets?(?:/|\b)|kaggle\.com|zenodo\.org|data\.world|registry\.opendata\.aws|console\.cloud\.google\.com/marketplace|"
    r"openslr\.org|paperswithcode\.com/dataset|commoncrawl\.org|image-net\.org|laion\.ai/blog/laion",
    re.I,
)
# sections that instruct users, by the subject their title starts with (a card titled
# "Fine-Tuned ViT for ..." is not a fine-tuning how-to)
USER_SECTION_RE = re.compile(
    r"^[\W\d_]*(?:fine-?tun|finetun|quanti[sz]|deploy)"
    r"|\b(?:usage|how to|quick ?start|getting started|inference|tutorial|learning hub|examples?|demo|transcription|running)\b",
    re.I,
)
NOT_TRAINING_LINK_RE = re.compile(r"calibrat|quanti[sz]|evaluat|benchmark|\btest", re.I)


def collect(inv: Inventory) -> None:
    for card in inv.cards + inv.docs:
        _card(inv, card)
    for card in inv.model_cards:
        _config_datasets(inv, card)


_DATASETS_KEY_RE = re.compile(r"^(\s*)(?:datasets|dataset_names|train_datasets|data_mix)\s*:\s*$")
_ITEM_RE = re.compile(r"^\s*-\s*([A-Za-z][\w./-]{2,80})\s*:?\s*$")


def _config_datasets(inv: Inventory, card: Card) -> None:
    """Dataset names listed under a `datasets:` key of a training config shown in the card."""
    if not may_match(_DATASETS_KEY_RE, folded_text(card)):
        return  # no line can be such a key (one test of its literals for all lines)
    lines = card.body.split("\n")
    first = card.body_offset + 1
    for i, line in enumerate(lines):
        # such a key line ends with ":" once its trailing whitespace (what `\s*$` takes) is cut
        m = _DATASETS_KEY_RE.match(line) if line.rstrip().endswith(":") else None
        if not m:
            continue
        indent = len(m.group(1))
        names: list[tuple[int, str]] = []
        for j in range(i + 1, min(len(lines), i + 200)):
            nxt = lines[j]
            if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent and not nxt.lstrip().startswith("-"):
                break
            item = _ITEM_RE.match(nxt)
            if item and len(nxt) - len(nxt.lstrip()) <= indent + 4:
                names.append((first + j, item.group(1)))
        for ln, n in names[:30]:
            inv.datasets.append(
                DatasetRef(
                    n,
                    "config",
                    False,  # a name in a config, not a link or a well-known corpus
                    card.evidence(f"dataset in a training config: {n}", kind=EvidenceKind.PROSE, line_start=ln, excerpt=n),
                )
            )


def _user_section_lines(card: Card) -> set[int]:
    """Lines of sections that instruct users (fine-tuning, quantising, deploying, usage)."""
    out: set[int] = set()
    for s in card.sections:
        if s.title and USER_SECTION_RE.search(s.title) and not DATA_SECTION_RE.search(s.title):
            out.update(range(s.line_start, s.line_end + 1))
    return out


def _about_this_model(inv: Inventory, card: Card) -> bool:
    """A doc named after this model (`model_cards/internlm2.5_7b.md`) speaks for it."""
    from truecard.evidence.patterns import name_key

    stem = name_key(card.path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return len(stem) >= 5 and any(len(k) >= 5 and (stem in k or k in stem) for k in inv.identity.keys if any(ch.isdigit() for ch in k) or k == stem)


def _data_lines(card: Card) -> set[int]:
    out: set[int] = set()
    for s in card.sections:
        if s.filled and DATA_SECTION_RE.search(s.title) and not re.search(r"eval|test|benchmark", s.title, re.I):
            out.update(range(s.line_start, s.line_end + 1))
    return out


def _card(inv: Inventory, card: Card) -> None:
    datacard = is_datacard(card)
    data_lines = _data_lines(card)
    # A code repository's docs name the data of its examples, evaluations and fine-tuning
    # recipes far more often than the model's training data: there, only a training-data
    # section, or a datasheet, names the training data.
    own = card.role == "model" or datacard or _about_this_model(inv, card)
    user_lines = _user_section_lines(card)
    # Outside data sections a sentence adds something only with a URL or a match of one of
    # these (TRAINISH_RE is searched after URL_RE.sub puts a space where a URL was: none of its
    # literals holds a space, so that makes no literal the sentence itself lacked).
    picked = card_sentences(card) if datacard else sentences_for(
        card, TRAINISH_RE, TRAINED_RE, DATA_NOT_DISCLOSED_RE, containing=("://",), on_lines=data_lines
    )
    for ln, sent in picked:
        in_data = ln in data_lines or datacard
        if not own and not (in_data and TRAIN_WORD_RE.search(sent)):
            continue
        if ln in user_lines and not in_data:
            continue  # instructions for users (fine-tuning, quantising, deploying) name their data
        if TEST_SPLIT_RE.search(sent):
            continue
        # a sentence that may name a known dataset (one of the pattern's 78 literals, tested by
        # its automaton on the sentence: some 17 sentences a card get here, where a pass over
        # all of a card's sentences cost more); once: both lists come from it
        may_name = not isinstance(KNOWN_DATASET_RE, Prefiltered) or KNOWN_DATASET_RE.possible(sent)
        found = dataset_names(sent) if may_name else []
        names = [n for n in found if n not in SOURCE_NAMES]
        sources = [n for n in found if n in SOURCE_NAMES]
        trainish = TRAINISH_RE.search(URL_RE.sub(" ", sent) if "://" in sent else sent)

        def add(name: str, how: str, precise: bool, summary: str, kind: str = EvidenceKind.PROSE) -> None:
            inv.datasets.append(
                DatasetRef(
                    name,
                    how,  # type: ignore[arg-type]  # one of DatasetRef.how's values
                    precise,
                    card.evidence(summary, kind=kind, line_start=ln, excerpt=clip(sent)),  # noqa: B023
                )
            )

        if names and (in_data or trainish) and not EVAL_RE.search(sent):
            for n in names:
                add(n, "datacard" if datacard else "prose", True, f"dataset named: {n}")
        elif in_data or TRAINED_RE.search(sent):
            vague = VAGUE_DATA_RE.search(sent)
            if sources and not vague:
                # "Github Markdown and StackExchange": a source named, not a dataset to obtain
                add(sources[0], "prose", False, f"data source named: {sources[0]}")
            if vague:
                add(vague.group(0), "prose", False, "data described vaguely")
        if DATA_NOT_DISCLOSED_RE.search(sent):
            add("(not disclosed)", "prose", False, "card says the data is not disclosed", EvidenceKind.PROSE_NEGATIVE)
        if (in_data or trainish) and not NOT_TRAINING_LINK_RE.search(sent):
            for url in URL_RE.findall(sent) if "://" in sent else ():
                m = HF_DATASET_RE.search(url)
                if not m and DATA_HOST_RE.search(url) and TRAINED_RE.search(sent):
                    add(url[:200], "link", True, f"dataset link: {url[:120]}", EvidenceKind.LINK)
                if m:
                    add(m.group(1), "link", True, f"dataset link: {m.group(1)}", EvidenceKind.LINK)


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

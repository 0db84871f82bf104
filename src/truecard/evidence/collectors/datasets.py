"""Training datasets named in prose: well-known corpora in data sections or beside training
words, Hub dataset links, vague descriptions ("web text"), and statements that the data is
not disclosed. (Datasets in the card's `datasets:` metadata come from `metadata`.)"""

from __future__ import annotations

import re

from truecard.evidence.collectors._common import card_sentences, is_datacard
from truecard.evidence.inventory import Card, DatasetRef, Inventory
from truecard.evidence.patterns import (
    DATA_NOT_DISCLOSED_RE,
    HF_DATASET_RE,
    URL_RE,
    VAGUE_DATA_RE,
    dataset_names,
)
from truecard.models import clip

DATA_SECTION_RE = re.compile(r"(training|pre-?training|fine-?tuning)?\s*(data|dataset|corpus|corpora)", re.I)
TRAINISH_RE = re.compile(r"\b(train|trained|pre-?train|fine-?tun|corpus|dataset|data)\w*", re.I)
EVAL_RE = re.compile(r"\b(evaluat|benchmark|accuracy|score)\w*", re.I)
NOT_TRAINING_LINK_RE = re.compile(r"calibrat|quanti[sz]|evaluat|benchmark|\btest", re.I)


def collect(inv: Inventory) -> None:
    for card in inv.cards + inv.docs:
        _card(inv, card)


def _data_lines(card: Card) -> set[int]:
    out: set[int] = set()
    for s in card.sections:
        if s.filled and DATA_SECTION_RE.search(s.title) and not re.search(r"eval|test|benchmark", s.title, re.I):
            out.update(range(s.line_start, s.line_end + 1))
    return out


def _card(inv: Inventory, card: Card) -> None:
    datacard = is_datacard(card)
    data_lines = _data_lines(card)
    for ln, sent in card_sentences(card):
        in_data = ln in data_lines or datacard
        names = dataset_names(sent)
        trainish = TRAINISH_RE.search(URL_RE.sub(" ", sent))
        if names and (in_data or trainish) and not EVAL_RE.search(sent):
            for n in names:
                inv.datasets.append(
                    DatasetRef(
                        n,
                        "datacard" if datacard else "prose",
                        True,
                        card.evidence(f"dataset named: {n}", kind="prose", line_start=ln, excerpt=clip(sent)),
                    )
                )
        elif in_data or re.search(r"\b(trained|pre-?trained|training data|corpus)\b", sent, re.I):
            vague = VAGUE_DATA_RE.search(sent)
            if vague:
                inv.datasets.append(
                    DatasetRef(
                        vague.group(0),
                        "prose",
                        False,
                        card.evidence("data described vaguely", kind="prose", line_start=ln, excerpt=clip(sent)),
                    )
                )
        if DATA_NOT_DISCLOSED_RE.search(sent):
            inv.datasets.append(
                DatasetRef(
                    "(not disclosed)",
                    "prose",
                    False,
                    card.evidence(
                        "card says the data is not disclosed",
                        kind="prose-negative",
                        line_start=ln,
                        excerpt=clip(sent),
                    ),
                )
            )
        if (in_data or trainish) and not NOT_TRAINING_LINK_RE.search(sent):
            for url in URL_RE.findall(sent):
                m = HF_DATASET_RE.search(url)
                if m:
                    inv.datasets.append(
                        DatasetRef(
                            m.group(1),
                            "link",
                            True,
                            card.evidence(
                                f"dataset link: {m.group(1)}", kind="link", line_start=ln, excerpt=clip(sent)
                            ),
                        )
                    )

"""Training facts stated in prose: hardware, compute, time, cost, energy, emissions, token
and step counts, each with the sentence that states it quoted.

Each fact is attributed. In the model's own card, a sentence that names another size of the
family ("the 175B model was trained on 992 A100s" on the 1.3B model's card) is a sibling's
figure (`detail["sibling"]`), and sections that instruct users (fine-tuning, deployment,
hardware requirements, quantisation) describe their runs, not this model's training. A code
repository's docs describe many runs and models: there a fact counts only when its sentence
names this model (family and size or version).
"""

from __future__ import annotations

import re
from functools import partial

from truecard.evidence.collectors._common import card_sentences, sentences_for
from truecard.evidence.collectors.identity import family_key
from truecard.evidence.inventory import Card, Disclosure, Identity, Inventory
from truecard.evidence.patterns import (
    COST_NEEDS,
    HARDWARE_NEEDS,
    SIZE_RE,
    WE_TRAINED_RE,
    cost_hits,
    hardware_hits,
    hardware_of,
    name_key,
)
from truecard.models import EvidenceKind, clip

TRAINING_SECTION_RE = re.compile(
    r"hardware|compute|infrastructure|training (?:details|procedure|setup|configuration|hyper\w*)|^training$|"
    r"environmental impact|carbon|emissions|model details",
    re.I,
)
USER_SECTION_RE = re.compile(
    r"^[\W\d_]*(?:(?:step-by-step |hardware |system )?(?:fine-?tun|finetun|deploy|inference|quanti[sz]|usage|how to|quick ?start|"
    r"getting started|requir|serving|evaluation|benchmark|demo|examples?\b|tutorial|learning hub|limitations|run))",
    re.I,
)


def _section_lines(card: Card, rx: re.Pattern[str]) -> set[int]:
    out: set[int] = set()
    for s in card.sections:
        if s.title and rx.search(s.title):
            out.update(range(s.line_start, s.line_end + 1))
    return out


TRAIN_TITLE_RE = re.compile(r"\btrain|pre-?train", re.I)


def _user_lines(card: Card) -> set[int]:
    """Sections that instruct users (deploying, fine-tuning, requirements), unless their title
    says they are about training ("Training hardware")."""
    out: set[int] = set()
    for s in card.sections:
        if s.title and USER_SECTION_RE.search(s.title) and not TRAIN_TITLE_RE.search(s.title):
            out.update(range(s.line_start, s.line_end + 1))
    # a "Fine-tuning" subsection of "Training procedure" is this model's training
    return out - _section_lines(card, TRAIN_TITLE_RE)


def _line_paragraphs(pairs: list[tuple[int, str]]) -> dict[int, str]:
    """Each line's text up to and including each sentence: "The 175B model was trained on 992
    A100s. The training duration was ~33 days." gives the second sentence its subject."""
    out: dict[int, str] = {}
    for ln, s in pairs:
        out[ln] = (out.get(ln, "") + " " + s).strip()
    return out


def _paragraphs(card: Card) -> dict[int, str]:
    """`_line_paragraphs` of the card's sentences, made on the first hit that needs it (most
    cards state few training facts) and kept."""
    if "paragraphs" not in card.cache:
        card.cache["paragraphs"] = _line_paragraphs(card_sentences(card))
    out: dict[int, str] = card.cache["paragraphs"]
    return out


def _kept(pairs: list[tuple[int, str]], user: set[int], own: bool, ident: Identity) -> list[tuple[int, str]]:
    """The sentences outside user-instruction sections that, in a repository's docs, name
    this model."""
    return [(ln, s) for ln, s in pairs if ln not in user and (own or names_this_model(s, ident))]


# a labelled quantity ("GPU hours: 1.2M", "Tokens: 2T") is not a model size
_LABELLED_QTY_RE = re.compile(
    r"\b(?:hours?|hrs|tokens?|steps|samples|examples|images|cost)(?: used)?\s*[:|=]\s*~?\s*\d[\d.,]*\s?[kmbt]\b", re.I
)


def _sizes(text: str) -> set[str]:
    text = _LABELLED_QTY_RE.sub(" ", text)
    return {f"{float(m.group(1)):g}{m.group(2).lower()}" for m in SIZE_RE.finditer(text)}


_SUFFIX_RE = re.compile(r"(hf|gguf|gptq|awq|exl2|mlx|onnx|base|instruct|chat|it)+$")


def names_this_model(sent: str, ident: Identity) -> bool:
    """The sentence names this model specifically (a name key with a size or version in it),
    or names its family and says it was trained ("LLaVA is trained on 8 A100s")."""
    key = name_key(sent)
    key = key + " " + re.sub(r"v(?=\d)", "", key)  # "LLaVA-v1.5-7B" names llava-1.5-7b
    specific = {k for k in ident.keys if len(k) >= 5 and any(ch.isdigit() for ch in k)}
    specific |= {_SUFFIX_RE.sub("", k) for k in specific}
    if any(len(k) >= 5 and k in key for k in specific):
        return True
    families = {family_key(k) for k in ident.keys} - {""}
    return any(f in key for f in families) and bool(WE_TRAINED_RE.search(sent))


def is_sibling(sent: str, ident: Identity) -> bool:
    """The sentence gives a figure for another size of the family, not for this one."""
    if not ident.size:
        return False
    sizes = _sizes(sent)
    return bool(sizes) and ident.size not in sizes


def _config_comments(inv: Inventory) -> None:
    """Hardware noted in the comments of this model's own training config
    (`openelm_3B.yaml`: "# 16 sequences x 8 H100 80 GB GPUs x 16 nodes")."""
    keys = {k for k in inv.identity.keys if len(k) >= 5 and any(ch.isdigit() for ch in k)}
    keys |= {_SUFFIX_RE.sub("", k) for k in keys}
    size = (inv.identity.size or "").replace(".", "")
    for c in inv.configs:
        comments = c.data.get("_comments")
        if c.role not in ("training", "finetuning") or not comments:
            continue
        key = name_key(c.path)
        if not (any(k in key for k in keys) or (size and size in key and any(family_key(k) in key for k in inv.identity.keys if family_key(k)))):
            continue
        for ln, text in comments:
            detail = hardware_of(text, labelled_context=True)
            if detail and (detail["accelerator"] or detail["count"]):
                detail["sibling"] = False
                inv.disclosures.append(
                    Disclosure(
                        "hardware",
                        detail,
                        c.evidence.model_copy(
                            update={"kind": EvidenceKind.CONFIG_COMMENT, "summary": f"hardware noted in {c.path}", "line_start": ln, "line_end": ln, "excerpt": clip(text)}
                        ),
                    )
                )
                break


def collect(inv: Inventory) -> None:
    _config_comments(inv)
    ident = inv.identity
    for card in inv.cards + inv.docs:
        own = card.role == "model"
        user = _user_lines(card)
        context = _section_lines(card, TRAINING_SECTION_RE) - user if own else set()
        kept = partial(_kept, user=user, own=own, ident=ident)
        # only the sentences where hardware_of / cost_hits can find something (sentences_for)
        for h in hardware_hits([], pairs=kept(sentences_for(card, *HARDWARE_NEEDS)), context=context):
            h.detail["sibling"] = is_sibling(_paragraphs(card).get(h.line, h.text), ident)
            inv.disclosures.append(
                Disclosure(
                    "hardware",
                    h.detail,
                    card.evidence(
                        f"hardware: {h.detail.get('accelerator') or 'cluster'}"
                        + (" (another model of the family)" if h.detail["sibling"] else ""),
                        kind=EvidenceKind.PROSE,
                        line_start=h.line,
                        line_end=h.line,
                        excerpt=clip(h.text),
                    ),
                )
            )
        for topic, h in cost_hits([], pairs=kept(sentences_for(card, *COST_NEEDS))):
            h.detail["sibling"] = is_sibling(_paragraphs(card).get(h.line, h.text), ident)
            inv.disclosures.append(
                Disclosure(
                    topic,  # type: ignore[arg-type]
                    h.detail,
                    card.evidence(
                        f"{topic}: {h.detail.get('what')}" + (" (another model of the family)" if h.detail["sibling"] else ""),
                        kind=EvidenceKind.PROSE,
                        line_start=h.line,
                        line_end=h.line,
                        excerpt=clip(h.text),
                    ),
                )
            )


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

"""Who "this model" is: its title, its own Hub ids and its size, from the model card.

Cards and code repositories talk about many models at once (a family table, the base model,
the other sizes, the other projects of a repository). Criteria that credit a fact to this
model (hardware, cost, weights pointers) compare what a sentence names with this identity,
so that "the 175B model was trained on 992 A100s" on the card of the 1.3B model is read as a
sibling's figure.
"""

from __future__ import annotations

import re
from collections import Counter

from truecard.evidence.collectors._common import body_line_index, body_lines, card_sentences
from truecard.evidence.inventory import Card, Identity, Inventory
from truecard.evidence.patterns import (
    HF_MODEL_RE,
    ID_ASSIGN_RE,
    LOAD_ID_RE,
    is_training_line,
    name_key,
    size_of,
)
from truecard.evidence.prefilter import compiled


def fenced(card: Card) -> list[tuple[int, str]]:
    """(file line, text) of the lines inside code fences and of indented command lines."""
    out: list[tuple[int, str]] = []
    in_fence = False
    first = card.body_offset + 1
    for i, line in enumerate(body_lines(card)):
        if ("`" in line or "~" in line) and line.lstrip().startswith(("```", "~~~")):  # a fence holds one
            in_fence = not in_fence
            continue
        if in_fence or line.startswith(("    ", "\t", "$ ")):
            out.append((first + i, line))
    return out


def loaded_ids(card: Card) -> list[tuple[int, str, str]]:
    """(line, Hub id, code line) for every Hub repository the card's code loads; computed
    once per card (identity and links both ask)."""
    if "loaded_ids" not in card.cache:
        card.cache["loaded_ids"] = _loaded_ids(card)
    ids: list[tuple[int, str, str]] = card.cache["loaded_ids"]
    return ids


def _loaded_ids(card: Card) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    lines = fenced(card)
    assigned: dict[str, str] = {}
    prev_continues = False
    training_command = False  # inside a (continued) command line that trains
    maybe = body_line_index(card).may_match(LOAD_ID_RE)  # body line k is file line first + k
    first = card.body_offset + 1
    # the compiled pattern beneath its prefilter: tried at each line's start, where it fails
    # within a few characters, while the prefiltered `match` scans the line for its literals
    assign = compiled(ID_ASSIGN_RE).match
    for ln, line in lines:
        training_command = is_training_line(line) or (training_command and prev_continues)
        prev_continues = line.rstrip().endswith("\\")
        m = assign(line)
        if m:
            assigned[m.group(1)] = m.group(2)
        hit = LOAD_ID_RE.search(line) if maybe is None or ln - first in maybe else None
        if hit and training_command:
            continue  # `train.py --model_name_or_path base/model`: the weights being fine-tuned
        if hit:
            out.append((ln, next(g for g in hit.groups() if g), line.strip()))
            continue
        for var, hub_id in assigned.items():
            # the pattern holds the name as it is: a line without it cannot match (a cheap
            # test before the pattern is made and looked up, for every later line of code)
            if var in line and re.search(rf"\(\s*{re.escape(var)}\b|=\s*{re.escape(var)}\s*[,)]", line):
                out.append((ln, hub_id, line.strip()))
                break
    return out


GENERIC_TITLE_RE = re.compile(
    r"^(?:model (?:summ\w*|card|details|description|overview)|introduction|overview|summary|table of contents|"
    r"what is|about|readme|目录)",
    re.I,
)
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_IS_A_RE = re.compile(r"^(?:The\s+)?([A-Z][\w.\-]*\d[\w.\-]*|[A-Z][\w.\-]+(?:[- ][A-Z0-9][\w.\-]*)?)\s+(?:is|are)\s+(?:a|an|the)\b")


def family_key(key: str) -> str:
    """The leading letters of a name key: "openelm3b" -> "openelm", "stablediffusionv14" ->
    "stablediffusion" (empty when shorter than four letters)."""
    m = re.match(r"[a-z]+", key)
    fam = m.group(0) if m else ""
    fam = re.sub(r"v$", "", fam)
    return fam if len(fam) >= 4 else ""


def _title(card: Card) -> str:
    md = card.metadata
    name = md.get("model_name")
    if not name and isinstance(md.get("model-index"), list) and md["model-index"]:
        first = md["model-index"][0]
        name = first.get("name") if isinstance(first, dict) else None
    if isinstance(name, str) and name.strip():
        return name.strip()
    for s in card.sections:
        if s.level == 1 and s.title:
            title = _LINK_RE.sub(r"\1", s.title).strip()
            if not GENERIC_TITLE_RE.search(title):
                return title
            break
    # "MobileLLaMA-1.4B-Base is a Transformer with ...": the name the first sentence gives
    for _, sent in card_sentences(card)[:5]:
        m = _IS_A_RE.match(sent)
        if m:
            return m.group(1)
    return ""


def collect(inv: Inventory) -> None:
    cards = inv.model_cards or inv.cards[:1]
    if not cards:
        return
    card = cards[0]
    title = _title(card)
    ids: Counter[str] = Counter(hub_id for _, hub_id, _ in loaded_ids(card))
    link = card.metadata.get("license_link")
    if isinstance(link, str):
        m = HF_MODEL_RE.search(link)
        if m:
            ids[m.group(1)] += 1
    tkey = name_key(title)
    own = [i for i in ids if tkey and (name_key(i.split("/")[1]) in tkey or tkey in name_key(i.split("/")[1]))]
    ranked = own + [i for i, _ in ids.most_common() if i not in own]
    size = None
    for candidate in [*(i.split("/")[1] for i in ranked[:1]), title]:
        size = size_of(candidate)
        if size:
            break
    keys = {name_key(i.split("/")[1]) for i in ranked[:2]}
    if tkey:
        keys.add(tkey)
    keys |= {family_key(k) for k in list(keys)}
    inv.identity = Identity(title=title[:200], hub_ids=ranked[:5], size=size, keys={k for k in keys if k})


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

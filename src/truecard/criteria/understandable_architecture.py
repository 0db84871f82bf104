"""understandable.architecture: "Model structure explained in paper or docs"."""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.card import find_section
from truecard.evidence.collectors._common import first_body_match, sentences_for
from truecard.evidence.inventory import Inventory
from truecard.models import EvidenceKind

ID = "understandable.architecture"
RUBRIC = Rubric(
    full="Architecture specifics are published: a config that defines the structure (layers, "
    "hidden size, heads), modelling code that implements it, a paper (arXiv/DOI) describing it, "
    "or a card section giving specifics (layer count, attention variant, dimensions).",
    partial='Only a name ("a transformer decoder", "based on Llama") without specifics.',
    none="Nothing about the model's structure.",
    unknown="Nothing was read.",
    remediation="Publish the model config (config.json) and describe the architecture (layers, "
    "hidden size, attention variant) in the card, or link the paper that defines it.",
)

DATA_PAPER_RE = re.compile(r"\b(?:dataset|data|benchmark)\s+(?:paper|report|card)\b", re.I)
# "14B parameters and is a dense decoder-only Transformer": a size with a structural kind
SIZED_KIND_RE = re.compile(
    r"\b\d+(?:\.\d+)?\s*[BM]\s+parameters?\b[^.\n]{0,60}\b(?:decoder-only|encoder-decoder|encoder-only|dense|sparse|mixture[- ]of[- ]experts|MoE)\b"
    r"|\b(?:decoder-only|encoder-decoder|dense|sparse)\b[^.\n]{0,40}\b\d+(?:\.\d+)?\s*[BM]\s+parameters?\b",
    re.I,
)
BASED_ON_RE = re.compile(r"\b(?:based on|conversion of|converted from|fine-?tuned (?:version )?(?:of|from)|derived from|built on|inherits)\b", re.I)
SPECIFICS_RE = re.compile(
    r"\b(\d+\s*(layers?|heads?|blocks?)|hidden[ _]size|d_model|attention heads|grouped[- ]query|multi[- ]query|"
    r"sliding window|rotary|RoPE|SwiGLU|mixture[- ]of[- ]experts|MoE|context (length|window) of|vocab(ulary)? size|"
    r"parameters?:\s*\d|embedding (dimension|size))\b",
    re.I,
)
NAME_RE = re.compile(
    r"\b(transformer|decoder[- ]only|encoder[- ]decoder|diffusion|U-?Net|ViT|BERT|GPT|Llama|Mistral|CNN|ResNet|RNN|LSTM|Mamba|state[- ]space|autoregressive)\b",
    re.I,
)


def evaluate(inv: Inventory) -> Assessment:
    cfg = [
        c
        for c in inv.configs_of("model-config")
        if c.path.endswith("config.json")
        and any(
            k in c.keys
            for k in (
                "num_hidden_layers",
                "n_layer",
                "num_layers",
                "hidden_size",
                "d_model",
                "n_embd",
                "architectures",
                "model_type",
            )
        )
    ]
    code = [c for c in inv.code if "architecture" in c.roles]
    # a paper about the data ("OASST dataset paper") does not explain the model's structure
    papers = [p for p in inv.links_of("paper") if not DATA_PAPER_RE.search(p.text)]
    gguf = [w for w in inv.weights if w.metadata.get("general.architecture")]
    sections = [
        (c, s)
        for c in inv.cards + inv.docs
        for s in find_section(c, r"architecture", r"model (details|description|structure)", r"technical")
    ]
    specific = [(c, s) for c, s in sections if SPECIFICS_RE.search(s.text)]
    ev = []
    reasons = []
    if cfg:
        ev.append(cfg[0].evidence)
        reasons.append("config defines the structure")
    if code:
        ev.append(code[0].evidence)
        reasons.append("modelling code")
    if papers:
        ev.append(papers[0].evidence)
        reasons.append("paper linked")
    if specific:
        c, s = specific[0]
        ev.append(c.section_evidence(s, f"section '{s.title}'"))
        reasons.append("architecture specifics in the docs")
    sized = [
        c.evidence("architecture specifics stated", kind=EvidenceKind.PROSE, line_start=ln, excerpt=sent[:200])
        for c in inv.model_cards
        for ln, sent in sentences_for(c, SIZED_KIND_RE)
        if SIZED_KIND_RE.search(sent)
    ][:1]
    if sized and not specific:
        ev.append(sized[0])
        reasons.append("size and structural kind stated")
    if gguf:
        ev.append(gguf[0].evidence)
        reasons.append(f"GGUF metadata names architecture {gguf[0].metadata['general.architecture']}")
    if ev:
        return Assessment.met("; ".join(reasons), ev)
    named = []
    for c in inv.cards + inv.docs:
        found = first_body_match(c, NAME_RE)  # NAME_RE.search(c.body), on the lines that may hold it
        if found:
            k, m = found
            ln = k + c.body_offset + 1
            named.append(
                c.evidence(
                    f"architecture named: {m.group(0)}",
                    kind=EvidenceKind.PROSE,
                    line_start=ln,
                    excerpt=c.lines[ln - 1].strip()[:200] if ln - 1 < len(c.lines) else None,
                )
            )
            break
    if not named:
        base = inv.metadata.get("base_model")
        if base:
            named.append(
                inv.model_cards[0].evidence(f"base model named: {base}", kind=EvidenceKind.METADATA, field="card:base_model")
                if inv.model_cards
                else inv.links_of("weights")[0].evidence
            )
        else:
            named += [
                c.evidence("the model is named as a version of another", kind=EvidenceKind.PROSE, line_start=ln, excerpt=sent[:200])
                for c in inv.model_cards
                for ln, sent in sentences_for(c, BASED_ON_RE)
                if BASED_ON_RE.search(sent)
            ][:1]
    if named:
        return Assessment.partial("architecture only named, no specifics", named)
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("nothing about the model's structure")
    return Assessment.unknown("nothing was read")



# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

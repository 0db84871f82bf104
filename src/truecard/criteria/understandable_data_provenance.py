"""understandable.data_provenance: "Licensing, source, and curation process documented".

Three aspects of the training data, each read from what the documentation says about the
data: its source (datasets named, or their origin described), its licensing (the data's
licence or terms stated, per dataset or as a whole; "check the licences of these datasets"
defers instead of documenting), and its curation (collection, filtering, deduplication,
moderation, pseudo-labelling, compliance checks, or data preparation code shipped).
"""

from __future__ import annotations

import re
from itertools import compress, count, repeat
from operator import contains

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.card import DATA_TITLE_RE
from truecard.evidence.collectors._common import card_sentences, is_datacard, sentences_for
from truecard.evidence.inventory import Card, Inventory
from truecard.evidence.patterns import SOURCE_NAMES, VAGUE_DATA_RE
from truecard.models import Evidence, EvidenceKind

ID = "understandable.data_provenance"
RUBRIC = Rubric(
    full="All three aspects of the training data are documented: its source (datasets named, or "
    "their origin described), its licensing (the data's licence or terms stated, a licence "
    "column in a data table, or a data licence file), and its curation (collection, filtering, "
    "deduplication, moderation, pseudo-labelling or compliance checks described, or data "
    "preparation code shipped).",
    partial="One or two of the three aspects.",
    none="None of them: nothing about the training data, or only a reference to another model's "
    'data ("the same data as Llama 2").',
    unknown="No card or documentation was read.",
    remediation="Add a datasheet or a 'Training data' section saying where the data came from, "
    "under which licences, and how it was filtered and processed.",
)
_LIC = r"(?:licen[cs]\w*|CC[- ]BY[\w.-]*|CC0|ODC[\w-]*|CDLA[\w-]*|public[- ]domain|terms of use|copyright\w*|permissive\w*)"
_DATA = r"(?:data|dataset|datasets|corpus|corpora|recordings|speech|audio|images|texts?|code|documents|samples)"
# a licence said of the data ("properly licensed speech recordings", "the dataset is CC-BY-4.0"),
# not of the model ("an Apache-2 licensed chatbot trained over a curated corpus")
LICENSE_RE = re.compile(rf"\b{_LIC}\W+(?:[\w-]+\W+){{0,3}}{_DATA}\b|\b{_DATA}\b\W+(?:[\w-]+\W+){{0,6}}{_LIC}", re.I)
DEFER_RE = re.compile(r"\b(?:please )?(?:check|refer to|see|consult|review)\b[^.\n]{0,40}\b(?:licen[cs]e|terms)", re.I)
CURATION_RE = re.compile(
    r"\b(filter\w*|dedup\w*|de-?duplicat\w*|clean\w*|curat\w*|preprocess\w*|decontaminat\w*|"
    r"collected|sampled|scraped|crawled|annotat\w*|pii|toxicity|moderat\w*|compliance|pseudo-?label\w*|quality (?:filter\w*|score\w*|classifier\w*|checks?)|"
    r"heuristic|mined|mining|removed|threshold\w*|selected|balanced|augment\w*)\b",
    re.I,
)
DATA_WORD_RE = re.compile(
    r"\b(data|dataset|datasets|corpus|corpora|samples|recordings|speech|audio|images|texts?|documents|tokens|pairs|examples)\b",
    re.I,
)
TRAIN_RE = re.compile(r"\b(train\w*|pre-?train\w*|fine-?tun\w*)\b", re.I)
REFERENCE_NAMES = {"(not disclosed)"}
ORIGIN_RE = re.compile(
    r"web|internet|crawl|scrap|collected|gathered|publicly available|public|proprietary|in-house|internal|licensed|synthetic|"
    r"search|books?|wikipedia|github|code|forum|news|transcri|conversation|instruction",
    re.I,
)


def _data_sentences(inv: Inventory) -> list[tuple[Card, int, str]]:
    """Sentences about the training data: in data sections or datasheets, or sentences of the
    model card that speak of data and training together."""
    from truecard.criteria.transparent_training_code import GENERIC_DIR_RE
    from truecard.evidence.patterns import name_key

    keys = {k for k in inv.identity.keys if len(k) >= 4}
    out = []
    for c in inv.cards + inv.docs:
        own = c.role == "model" or is_datacard(c)
        dirs = c.path.split("/")[:-1]
        if not own and not all(GENERIC_DIR_RE.match(d) or d.lower() in ("docs", "doc") or any(k in name_key(d) for k in keys) for d in dirs):
            continue  # projects/other_model/README.md documents another model's data
        sections = [
            s for s in c.sections if s.filled and DATA_TITLE_RE.search(s.title) and not re.search(r"eval|benchmark|test", s.title, re.I)
        ]
        lines = {n for s in sections for n in range(s.line_start, s.line_end + 1)}
        datacard = is_datacard(c)  # once per card, not per sentence
        # a datasheet's every sentence; else those in data sections, and in the model's card
        # the ones DATA_WORD_RE may match (`sentences_for`), tested below
        if datacard:
            picked = card_sentences(c)
        elif own:
            picked = sentences_for(c, DATA_WORD_RE, on_lines=lines)
        else:
            picked = [(ln, sent) for ln, sent in card_sentences(c) if ln in lines]
        for ln, sent in picked:
            # the data word last: most sentences have one (they were picked for it), and few
            # speak of training or licences, which their prefilters rule out far cheaper
            if datacard or ln in lines or (own and (TRAIN_RE.search(sent) or LICENSE_RE.search(sent)) and DATA_WORD_RE.search(sent)):
                out.append((c, ln, sent))
    return out


def _licence_table(inv: Inventory) -> list[Evidence]:
    """A data table with a licence column (`| Dataset | ... | Licence |`)."""
    for c in inv.cards + inv.docs:
        # every line, front matter too (a model-index can be thousands of lines): only those
        # holding a "|", picked out by C-level iteration, are looked at further
        for i in compress(count(), map(contains, c.lines, repeat("|"))):
            line = c.lines[i]
            if line.lstrip().startswith("|") and re.search(r"\|\s*licen[cs]e\s*\|", line, re.I) and re.search(r"data", line, re.I):
                return [c.evidence("data licences listed per dataset", kind=EvidenceKind.PROSE, line_start=i + 1, excerpt=line.strip()[:200])]
    return []


def evaluate(inv: Inventory) -> Assessment:
    source: list[Evidence] = [d.evidence for d in inv.datasets if d.precise]
    # a vague description counts as a source only when it says where the data came from
    # or when its sentence names a data source ("2T tokens of web data from Common Crawl")
    source += [
        d.evidence
        for d in inv.datasets
        if not d.precise
        and d.name not in REFERENCE_NAMES
        and (
            ORIGIN_RE.search(d.name)
            # "4 trillion tokens ... from several data sources: Web data, parallel data": any of
            # the sentence's data descriptions may say where it came from
            or any(ORIGIN_RE.search(m.group(0)) for m in VAGUE_DATA_RE.finditer(d.evidence.excerpt or ""))
            or any(n in (d.evidence.excerpt or "") for n in SOURCE_NAMES)
        )
    ]
    # each aspect's first piece of evidence is the one cited: a later source is read only
    # where the earlier ones gave none (the table, and the sentences, cost a pass over the card)
    lic: list[Evidence] = [f.evidence for f in inv.licenses if f.scope == "data"] or _licence_table(inv)
    cur: list[Evidence] = [c.evidence for c in inv.code if "data" in c.roles] + [
        c.evidence for c in inv.configs_of("data-pipeline")
    ]
    for c, ln, sent in _data_sentences(inv) if not (lic and cur) else ():
        if not lic and LICENSE_RE.search(sent) and not DEFER_RE.search(sent):
            lic.append(c.evidence("data licensing stated", kind=EvidenceKind.PROSE, line_start=ln, excerpt=sent[:200]))
        if not cur and CURATION_RE.search(sent):
            cur.append(c.evidence("data curation described", kind=EvidenceKind.PROSE, line_start=ln, excerpt=sent[:200]))
    aspects = {"source": source, "licensing": lic, "curation": cur}
    have = [k for k, v in aspects.items() if v]
    ev = [v[0] for v in aspects.values() if v]
    if len(have) == 3:
        return Assessment.met("data source, licensing and curation documented", ev)
    if have:
        missing = [k for k in aspects if k not in have]
        return Assessment.partial(
            f"documents {', '.join(have)}; not {', '.join(missing)}",
            ev,
            f"Document the data's {' and '.join(missing)}.",
        )
    if has_documentation(inv):
        return Assessment.unmet("the data's source, licensing and curation are not documented")
    return Assessment.unknown("no card or documentation to read")


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

"""understandable.data_provenance: "Licensing, source, and curation process documented"."""

from __future__ import annotations

import re

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.card import DATA_TITLE_RE
from truecard.evidence.inventory import Inventory
from truecard.models import Evidence

ID = "understandable.data_provenance"
RUBRIC = Rubric(
    full="All three aspects of the training data are documented: its source (datasets named "
    "precisely or their origin described), its licensing (the data's licence or terms stated, or "
    "a data licence file), and its curation (collection, filtering, deduplication or "
    "preprocessing described, or data preparation code shipped).",
    partial="One or two of the three aspects.",
    none="None of them.",
    unknown="No card or documentation was read.",
    remediation="Add a datasheet or a 'Training data' section saying where the data came from, "
    "under which licences, and how it was filtered and processed.",
)

LICENSE_RE = re.compile(
    r"\b(licen[cs]ed?|CC[- ]BY|CC0|ODC|CDLA|public domain|terms of use|copyright|apache|MIT)\b", re.I
)
CURATION_RE = re.compile(
    r"\b(filter\w*|dedup\w*|de-?duplicat\w*|clean\w*|curat\w*|preprocess\w*|quality|decontaminat\w*|tokeni[sz]\w*|collected|sampled|scraped|crawled|annotat\w*|pii|toxicity)\b",
    re.I,
)


def evaluate(inv: Inventory) -> Assessment:
    source: list[Evidence] = [d.evidence for d in inv.datasets if d.precise]
    lic: list[Evidence] = [f.evidence for f in inv.licenses if f.scope == "data"]
    cur: list[Evidence] = [c.evidence for c in inv.code if "data" in c.roles] + [
        c.evidence for c in inv.configs_of("data-pipeline")
    ]
    for c in inv.cards + inv.docs:
        datacard = bool(re.search(r"datasheet|data_?card|dataset_?card|data\.md", c.path, re.I))
        for s in c.sections:
            if not s.filled or not (datacard or DATA_TITLE_RE.search(s.title)):
                continue
            if re.search(r"eval|benchmark|test", s.title, re.I) and not datacard:
                continue
            lines = s.text.split("\n")
            for i, line in enumerate(lines):
                ln = s.line_start + 1 + i
                if LICENSE_RE.search(line) and not lic:
                    lic.append(
                        c.evidence(
                            "data licensing stated", kind="prose", line_start=ln, excerpt=line.strip()[:200]
                        )
                    )
                if CURATION_RE.search(line) and not any(e.path == c.path for e in cur):
                    cur.append(
                        c.evidence(
                            "data curation described", kind="prose", line_start=ln, excerpt=line.strip()[:200]
                        )
                    )
                if (
                    not source
                    and re.search(r"https?://|\bfrom\b|\bsourced\b|\bconsists of\b", line, re.I)
                    and len(line.strip()) > 30
                ):
                    source.append(
                        c.evidence(
                            "data source described", kind="prose", line_start=ln, excerpt=line.strip()[:200]
                        )
                    )
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

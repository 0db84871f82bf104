"""Intermediate checkpoints: checkpoint folders, step-named branches or tags of the source.
(Training logs are read with the configs; checkpoint mentions in prose with the links.)"""

from __future__ import annotations

import re

from truecard.evidence.collectors._common import ev, may_match, raw_body_index
from truecard.evidence.inventory import CheckpointRef, FileRecord, Inventory
from truecard.evidence.patterns import CHECKPOINT_DIR_RE, STEP_REF_RE
from truecard.models import Evidence, EvidenceKind, clip
from truecard.sources.base import Tree


def collect_tree(inv: Inventory, tree: Tree, recs: list[FileRecord]) -> None:
    dirs: dict[str, FileRecord] = {}
    for r in recs:
        m = CHECKPOINT_DIR_RE.search(r.path)
        if m and r.kind in ("weights", "pickle", "config"):
            d = r.path[: m.end(2)]
            dirs.setdefault(d, r)
    for d, r in sorted(dirs.items())[:20]:
        inv.checkpoints.append(
            CheckpointRef(
                "folder",
                True,
                ev(
                    tree,
                    r.path,
                    EvidenceKind.CHECKPOINT,
                    f"intermediate checkpoint folder {d}/",
                    hash_it=r.size < (64 << 20),
                ),
                d,
            )
        )
    try:
        refs = tree.refs()
    except OSError:
        refs = {}
    steps = sorted(n for n in refs if STEP_REF_RE.match(n.split("/")[-1]))
    if steps:
        inv.checkpoints.append(
            CheckpointRef(
                "branch",
                True,
                Evidence(
                    kind=EvidenceKind.CHECKPOINT_REVISIONS,
                    summary=f"{len(steps)} step-named revisions ({', '.join(steps[:3])}, ...)",
                    source=tree.info.id,
                    revision=tree.info.revision,
                    field="refs",
                    excerpt=clip(", ".join(steps[:20])),
                ),
                f"{len(steps)} branches",
            )
        )




LINEAGE_RE = re.compile(
    r"\b(?:resumed from|continued from|continue[ds]? (?:pre-?)?training|initiali[sz]ed from|further (?:pre-?)?train\w*|"
    r"contrastive learning from|(?:unified )?fine-?tuning (?:\([^)]*\) )?from|trained from)\b",
    re.I,
)
_ID_RE = re.compile(r"huggingface\.co/([\w.-]+/[\w.-]+)|`([\w.-]+-v?\d[\w.-]*)`|\b([a-z][\w-]*-(?:v?\d[\w.-]*|unsupervised|retromae|base|pretrain\w*))\b", re.I)
_LOSS_CELL_RE = re.compile(r"\bloss\b", re.I)
_STEP_CELL_RE = re.compile(r"\b(?:step|epoch)s?\b", re.I)


def metrics_header(line: str) -> bool:
    """A Markdown table header with a loss column and a step or epoch column. Read cell by
    cell: one regex with ".*" between the columns backtracks cubically on a long "| loss |" row."""
    row = line.strip()
    if not row.startswith("|"):
        return False
    cells = row.strip("|").split("|")
    loss = [i for i, c in enumerate(cells) if _LOSS_CELL_RE.search(c)]
    step = [i for i, c in enumerate(cells) if _STEP_CELL_RE.search(c)]
    return any(i != j for i in loss for j in step)


def collect(inv: Inventory) -> None:
    """From the model's own card: earlier stages of this model published as models of their
    own (stable-diffusion-v1-1 -> v1-2 "resumed from" -> ...), and a table of training metrics
    logged step by step."""
    from truecard.evidence.collectors.identity import family_key
    from truecard.evidence.patterns import name_key

    families = {family_key(k) for k in inv.identity.keys} - {""}
    own = {name_key(i.split("/")[-1]) for i in inv.identity.hub_ids}
    for card in inv.model_cards:
        stages: dict[str, int] = {}
        lines = card.lines[card.body_offset :]
        # the lines holding one of its literals, in one pass (line_index): no other matches,
        # and where none does the loop is skipped
        body, index = raw_body_index(card)  # `body`: also the gate of the metrics table below
        maybe = index.may_match(LINEAGE_RE)
        for k, line in enumerate(lines if maybe is None or maybe else ()):
            if not stages and not ((maybe is None or k in maybe) and LINEAGE_RE.search(line)):
                continue
            for m in _ID_RE.finditer(line):
                name = next(g for g in m.groups() if g).split("/")[-1]
                key = name_key(name)
                if key not in own and any(f and key.startswith(f) for f in families):
                    stages.setdefault(key, card.body_offset + 1 + k)
        if len(stages) >= 2:
            first = min(stages.values())
            inv.checkpoints.append(
                CheckpointRef(
                    "lineage",
                    True,
                    card.evidence(
                        f"earlier training stages published as models: {', '.join(sorted(stages)[:4])}",
                        kind=EvidenceKind.PROSE,
                        line_start=first,
                        excerpt=clip(card.lines[first - 1]),
                    ),
                    ", ".join(sorted(stages)[:6]),
                )
            )
        for i, line in enumerate(lines if may_match(_LOSS_CELL_RE, body) else (), start=card.body_offset + 1):
            if metrics_header(line):
                rows = [ln for ln in card.lines[i + 1 : i + 60] if ln.lstrip().startswith("|") and re.search(r"\d", ln)]
                if len(rows) >= 3:
                    inv.checkpoints.append(
                        CheckpointRef(
                            "log",
                            True,
                            card.evidence(
                                f"training metrics logged step by step ({len(rows)} rows)",
                                kind=EvidenceKind.PROSE,
                                line_start=i,
                                line_end=i + 1 + len(rows),
                                excerpt=clip(line),
                            ),
                            "metrics table",
                        )
                    )
                    break


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

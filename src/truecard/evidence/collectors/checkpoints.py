"""Intermediate checkpoints: checkpoint folders, step-named branches or tags of the source.
(Training logs are read with the configs; checkpoint mentions in prose with the links.)"""

from __future__ import annotations

from truecard.evidence.collectors._common import ev
from truecard.evidence.inventory import CheckpointRef, FileRecord, Inventory
from truecard.evidence.patterns import CHECKPOINT_DIR_RE, STEP_REF_RE
from truecard.models import Evidence, clip
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
                    "checkpoint",
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
                    kind="checkpoint-revisions",
                    summary=f"{len(steps)} step-named revisions ({', '.join(steps[:3])}, ...)",
                    source=tree.info.id,
                    revision=tree.info.revision,
                    field="refs",
                    excerpt=clip(", ".join(steps[:20])),
                ),
                f"{len(steps)} branches",
            )
        )



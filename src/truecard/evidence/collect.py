"""Gather the evidence inventory from one or more trees. Reads, never executes or unpickles.

The work is done by the collectors (`truecard.evidence.collectors`); this module lists each
tree's files once and runs them in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from truecard.evidence.collectors import INVENTORY_COLLECTORS, TREE_COLLECTORS
from truecard.evidence.files import classify
from truecard.evidence.inventory import FileRecord, Inventory
from truecard.models import Problem
from truecard.sources.base import Tree


def collect(trees: Sequence[Tree]) -> Inventory:
    inv = Inventory(trees=list(trees))
    for tree in trees:
        if tree.lists_files:
            _collect_tree(inv, tree)
            _share_stated_counts(inv, tree)
    for step in INVENTORY_COLLECTORS:
        step(inv)
    return inv


def _collect_tree(inv: Inventory, tree: Tree) -> None:
    try:
        entries = tree.entries()
    except OSError as exc:
        inv.problems.append(
            Problem(source=tree.info.id, message=f"cannot list files: {exc}", severity="error")
        )
        return
    if not entries:
        inv.problems.append(Problem(source=tree.info.id, message="no files found: the folder is empty"))
    recs = [FileRecord(tree, e.path, e.size, classify(e.path)) for e in entries]
    inv.files.extend(recs)
    for step in TREE_COLLECTORS:
        step(inv, tree, recs)


def _share_stated_counts(inv: Inventory, tree: Tree) -> None:
    """Shards whose headers were not read get the counts the source states (the Hub's).

    The Hub counts parameters over every safetensors file; what the read headers do not
    account for is shared among the unread shards by size, each marked with where its
    figure comes from. The weights' total then equals the Hub's, as a full read gives.
    """
    stated = tree.unread_parameter_counts()
    if stated is None:
        return
    hub, skipped = stated
    mine = [w for w in inv.weights if w.evidence.source == tree.info.id and w.format == "safetensors"]
    unread = [w for w in mine if w.path in skipped and w.parameters is None and w.error is None]
    if not unread:
        return
    read = sum(w.parameters or 0 for w in mine if w not in unread)
    left = sum(hub.values()) - read
    if left <= 0:
        return
    size = sum(w.size for w in unread) or 1
    dtypes = sorted(hub, key=lambda d: -hub[d])
    given = 0
    for i, w in enumerate(unread):
        share = left - given if i == len(unread) - 1 else left * w.size // size
        given += share
        w.parameters = share
        w.dtypes = list(dtypes)
        w.metadata["parameters_from"] = "the Hub's safetensors metadata, shared among unread shards by size"
        w.evidence.summary += f"; {share:,} parameters by the Hub's counts (shared by size)"

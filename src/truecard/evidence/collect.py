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
        tree.contribute(inv)  # facts a source gives directly (records' claims), see Tree.contribute
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

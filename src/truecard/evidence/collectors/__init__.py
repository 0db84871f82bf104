"""Evidence collectors: each reads one kind of artifact and appends typed, located, hashed
facts to the inventory. Criteria only ever read what these wrote.

Two kinds, run in this order by `truecard.evidence.collect.collect`:

- tree collectors, `collect_tree(inv, tree, recs)`, see one source's files at a time (the
  card and docs, licence files, weights, configs, code, checkpoint folders);
- inventory collectors, `collect(inv)`, run once every tree is read, over what the tree
  collectors gathered (the cards' metadata and prose, datasets, links), and `finish` passes
  that need everything (licence conflicts).

A new collector is one module here with one of these functions, listed below.
"""

from __future__ import annotations

from collections.abc import Callable

from truecard.evidence.collectors import (
    card,
    checkpoints,
    code,
    configs,
    datasets,
    identity,
    integrity,
    licences,
    links,
    metadata,
    prose,
    usage,
    weights,
)
from truecard.evidence.inventory import FileRecord, Inventory
from truecard.sources.base import Tree

TreeCollector = Callable[[Inventory, Tree, list[FileRecord]], None]
InventoryCollector = Callable[[Inventory], None]

TREE_COLLECTORS: list[TreeCollector] = [
    card.collect_tree,
    licences.collect_tree,
    weights.collect_tree,
    configs.collect_tree,
    code.collect_tree,
    checkpoints.collect_tree,
]
INVENTORY_COLLECTORS: list[InventoryCollector] = [
    card.order_cards,
    identity.collect,
    licences.collect,
    metadata.collect,
    prose.collect,
    datasets.collect,
    links.collect,
    checkpoints.collect,
    usage.collect,
    integrity.collect,
    licences.finish,
]

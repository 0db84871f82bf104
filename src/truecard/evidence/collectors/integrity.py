"""Integrity of the artifacts: pickle imports read statically, model signatures checked, BOMs
the repository ships read as declared evidence. The work is `truecard.integrity`'s; this
collector runs it in its place in the order (before the licence conflict check, which must see
the licences a BOM declares)."""

from __future__ import annotations

from truecard.evidence.inventory import Inventory


def collect(inv: Inventory) -> None:
    from truecard.integrity import collect as collect_integrity  # imported only when scanning

    collect_integrity(inv, inv.trees)

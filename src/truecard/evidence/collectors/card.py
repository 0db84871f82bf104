"""The model card and the other Markdown documents of each tree.

A tree's model card is its root README (or MODEL_CARD.md); a Hub snapshot and a code clone
side by side in one folder each give their first-level README. When several trees are
scanned together, the card that carries Hub front matter (or sits beside the weights) is the
model's own card and comes first; a code repository's README is then that repository's
documentation (`Card.role == "repository"`), which a criterion may weigh differently from what
the model card itself states.
"""

from __future__ import annotations

import posixpath

from truecard.evidence.card import parse_card
from truecard.evidence.files import CARD_NAMES
from truecard.evidence.inventory import Card, FileRecord, Inventory
from truecard.evidence.patterns import DATACARD_RE
from truecard.evidence.text import read_text
from truecard.models import Problem
from truecard.sources.base import Tree

# Sources that are a dataset's repository (see truecard.sources.follow): their card is a data card.
DATA_SOURCE_KINDS = {"hf-dataset"}
MAX_DOCS = 150


def read_card(inv: Inventory, r: FileRecord) -> Card | None:
    t = read_text(r.tree, r.path, r.size)
    if t.text is None:
        inv.problems.append(Problem(path=r.path, source=r.tree.info.id, message=f"card: {t.problem}"))
        return None
    if t.problem:
        inv.problems.append(
            Problem(path=r.path, source=r.tree.info.id, message=f"card: {t.problem}", severity="info")
        )
    sha, _ = r.tree.sha256_of(r.path, t.data)  # the bytes just read, where they are the whole file
    card = parse_card(r.tree, r.path, t.text, sha)
    if card.metadata_error:
        inv.problems.append(Problem(path=r.path, source=r.tree.info.id, message=card.metadata_error))
    return card


def card_records(recs: list[FileRecord]) -> list[FileRecord]:
    """The files of one tree that are model cards, the model's own first."""
    by_name = {r.path.lower(): r for r in recs if "/" not in r.path}
    card_rec = next((by_name[n] for n in CARD_NAMES if n in by_name), None)
    if card_rec is not None:
        return [card_rec]
    out: list[FileRecord] = []
    # a Hub snapshot and a code clone side by side: each first-level folder's README
    sub = {r.path.lower(): r for r in recs if r.path.count("/") == 1}
    folders = sorted({p.split("/")[0] for p in sub})
    for folder in folders[:8]:
        rec = next((sub[f"{folder}/{n}"] for n in CARD_NAMES if f"{folder}/{n}" in sub), None)
        if rec is not None:
            out.append(rec)
    # the folder holding weights is the model's own card: put it first
    out.sort(
        key=lambda r: not any(
            x.kind in ("weights", "pickle") and x.path.startswith(r.path.split("/")[0] + "/") for x in recs
        )
    )
    return out


def collect_tree(inv: Inventory, tree: Tree, recs: list[FileRecord]) -> None:
    cards = card_records(recs)
    for rec in cards:
        card = read_card(inv, rec)
        if card is not None:
            # a dataset repository's README is that dataset's card, not the model's
            if tree.info.kind in DATA_SOURCE_KINDS:
                card.role = "datacard"
                inv.docs.append(card)
            else:
                inv.cards.append(card)
    docs = [
        r
        for r in recs
        if r.kind == "doc"
        and r not in cards
        and r.path.lower().endswith((".md", ".markdown", ".rst", ".txt"))
        and not r.path.lower().startswith(("license", "licence"))
        and r.path.count("/") <= 2
        and "/test" not in f"/{r.path.lower()}"
        and not posixpath.basename(r.path).lower().startswith(("contributing", "code_of_conduct", "security", "changelog", "changes", "history", "authors", "citation", "support"))
    ]
    docs.sort(key=lambda r: (not DATACARD_RE.search(posixpath.basename(r.path)), r.path.count("/"), r.path))
    for r in docs[:MAX_DOCS]:
        d = read_card(inv, r)
        if d is not None:
            d.role = "datacard" if DATACARD_RE.search(posixpath.basename(r.path)) else "doc"
            inv.docs.append(d)


def order_cards(inv: Inventory) -> None:
    """With several trees, the card with Hub front matter (the model's Hub repository), else the
    one beside the weights, is the model card; the other trees' READMEs document their
    repositories."""
    if len(inv.cards) < 2:
        return

    def own(c: Card) -> tuple[bool, bool]:
        # Hub front matter first (a code repository may carry test weights; it has no front
        # matter), then a card beside the weights, else the order the sources were given in
        beside_weights = any(w.evidence.source == c.tree.info.id for w in inv.weights)
        return (not c.metadata, not beside_weights)

    inv.cards.sort(key=own)
    first = inv.cards[0]
    for c in inv.cards[1:]:
        if c.tree is not first.tree:
            c.role = "repository"

"""Where the weights are and whether they can be had: one answer shared by
`transparent.weights` and the Executable criteria, so they can never contradict each other
(an Executable criterion gets nothing when the weights are not available, and is judged on
the same weights when they are)."""

from __future__ import annotations

from dataclasses import dataclass, field

from truecard.evidence.inventory import Inventory, WeightFile
from truecard.evidence.patterns import CHECKPOINT_DIR_RE
from truecard.models import Evidence, EvidenceKind

HUB_TREE_KINDS = {"hf"}


@dataclass
class Availability:
    """How far the weights can be had: one verdict that the weights criterion, both executable
    criteria and the MOF view all read, so they can never disagree about it."""

    points: int  # 2 full weights to be had, 1 partial (gated, delta, adapter, incomplete), 0 none
    rationale: str
    evidence: list[Evidence] = field(default_factory=list)
    remediation: str | None = None
    in_artifacts: bool = False  # weight files were read, not only pointed at
    files: list[WeightFile] = field(default_factory=list)


def final_weights(inv: Inventory) -> list[WeightFile]:
    """The final weights: intermediate checkpoints are the Reproducible dimension's."""
    return [w for w in inv.weights if not CHECKPOINT_DIR_RE.search(w.path)] or inv.weights


def _restriction(inv: Inventory) -> tuple[str, list[Evidence]] | None:
    """How access is restricted, when the model's own card or metadata says so."""
    for kind, why in (
        ("delta", "only delta (XOR/diff) weights, which need other weights to rebuild"),
        ("adapter", "only an adapter is shipped; the full model needs its base weights"),
        ("gated", "access is gated behind an agreement or request form"),
    ):
        notes = [a for a in inv.access if a.kind == kind]
        if notes:
            return why, [n.evidence for n in notes[:2]]
    return None


def availability(inv: Inventory) -> Availability:
    weights = final_weights(inv)
    good = [w for w in weights if w.error is None]
    broken = [w for w in weights if w.error is not None]
    if good:
        return _from_files(inv, good, broken)
    if broken:
        return Availability(
            1,
            f"weight files present but unreadable: {broken[0].error}",
            [w.evidence for w in broken[:3]],
            "Replace the corrupted weight files.",
            in_artifacts=True,
            files=broken,
        )
    unreleased = [a for a in inv.access if a.kind == "unreleased"]
    if unreleased:
        return Availability(0, "the card says the weights are not released", [unreleased[0].evidence])
    own_keys = inv.identity.keys
    usage = [link for link in inv.links_of("weights") if link.text == "from_pretrained"]
    # usage code loading the model's own id first; another family member's id still shows
    # where the family's weights are, but a base model's id alone does not
    usage.sort(key=lambda link: not any(k and k in _key(link.url) for k in own_keys))
    statements = [link for link in inv.links_of("weights") if link.text == "statement"]
    downloads = [link for link in inv.links_of("weights") if link.text == "download"]
    hub_cards = [
        c
        for c in inv.model_cards
        if c.metadata and c.tree.info.kind not in HUB_TREE_KINDS and not any(f.tree is c.tree and f.kind in ("weights", "pickle") for f in inv.files)
    ]
    pointers: list[Evidence] = (
        [link.evidence for link in usage[:2]] + [s.evidence for s in statements[:2]] + [d.evidence for d in downloads[:1]]
    )
    if hub_cards and not pointers:
        c = hub_cards[0]
        pointers.append(
            c.evidence(
                "the card of a Hub model repository (YAML front matter): the repository that holds its weights",
                kind=EvidenceKind.CARD_METADATA,
                line_start=1,
                line_end=c.body_offset or None,
            )
        )
    if not pointers:
        return Availability(0, "no weight files and no pointer to downloadable weights")
    restricted = _restriction(inv)
    if restricted:
        why, ev = restricted
        return Availability(1, why, ev + pointers[:1], "Publish the full weights, freely downloadable.")
    if usage:
        what = f"usage code loads {usage[0].url.removeprefix('https://huggingface.co/')}"
    elif statements:
        what = "the card states the weights are published"
    elif downloads:
        what = "the card links the weight files for download"
    else:
        what = "the card is the README of the Hub model repository that holds the weights"
    return Availability(2, f"downloadable weights: {what}", pointers)


def _key(url: str) -> str:
    from truecard.evidence.patterns import name_key

    return name_key(url.rsplit("/", 1)[-1])


def _from_files(inv: Inventory, good: list[WeightFile], broken: list[WeightFile]) -> Availability:
    ev = [w.evidence for w in good[:4]]
    missing = [c for c in inv.configs if c.data.get("missing")]
    adapters = [c for c in inv.configs if c.path.endswith("adapter_config.json")]
    if missing:
        return Availability(
            1,
            f"shards missing: {', '.join(missing[0].data['missing'][:3])}",
            [*ev, missing[0].evidence],
            "Publish every shard named in the shard index.",
            True,
            good,
        )
    if broken:
        return Availability(
            1,
            f"{len(broken)} weight file(s) unreadable: {broken[0].error}",
            [*ev, broken[0].evidence],
            "Replace the corrupted weight files.",
            True,
            good,
        )
    if adapters and not any(w.parameters and w.parameters > 0 and "adapter" not in w.path for w in good):
        return Availability(
            1,
            "only adapter weights are shipped; the full model needs its base weights",
            [*ev, adapters[0].evidence],
            "Publish merged full weights, or point to openly downloadable base weights.",
            True,
            good,
        )
    params = sum(w.parameters or 0 for w in good)
    pickles = [w for w in good if w.format == "pickle"]
    fmts = sorted({w.format for w in good})
    note = " (pickle files flagged: unsafe to load)" if pickles else ""
    gated = [a for a in inv.access if a.kind == "gated"]
    if gated:
        return Availability(
            1,
            "weights present but access is gated behind an agreement" + note,
            [*ev, gated[0].evidence],
            "Remove the access gate so the weights can be downloaded freely.",
            True,
            good,
        )
    return Availability(
        2,
        f"full weights present: {len(good)} {'/'.join(fmts)} file(s)"
        + (f", {params:,} parameters" if params else "")
        + note,
        ev,
        in_artifacts=True,
        files=good,
    )

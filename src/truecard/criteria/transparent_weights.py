"""transparent.weights: "Downloadable full weights"."""

from __future__ import annotations

from truecard.criteria.base import Assessment, Rubric, has_documentation
from truecard.evidence.inventory import Inventory
from truecard.evidence.patterns import CHECKPOINT_DIR_RE, WEIGHTS_STATEMENT_RE

ID = "transparent.weights"
RUBRIC = Rubric(
    full="Complete weights are in the artifacts (safetensors, GGUF, ONNX, ... with valid headers "
    "and every shard of a sharded checkpoint present; pickle formats count but are flagged as "
    "unsafe to load), or the card plainly points at downloadable weights "
    '(`from_pretrained("org/model")`, a link to the weights\' repository).',
    partial="Weights are present but incomplete (missing shards, unreadable headers), only an "
    "adapter (LoRA/PEFT) that needs other weights is shipped, or access is gated behind an "
    "agreement.",
    none="The artifacts and the card show no weights and no place to download them.",
    unknown="Nothing was read at all.",
    remediation="Publish the full weights, preferably as safetensors, with every shard and the "
    "shard index, in a public repository.",
)


def _in_checkpoint_dir(path: str) -> bool:
    return bool(CHECKPOINT_DIR_RE.search(path))


def evaluate(inv: Inventory) -> Assessment:
    # intermediate checkpoints are the Reproducible dimension's; the final weights are these
    weights = [w for w in inv.weights if not _in_checkpoint_dir(w.path)] or inv.weights
    good = [w for w in weights if w.error is None]
    broken = [w for w in weights if w.error is not None]
    missing = [c for c in inv.configs if c.data.get("missing")]
    adapters = [c for c in inv.configs if c.path.endswith("adapter_config.json")]
    gated = any(k.startswith("extra_gated") or k == "gated" for k in inv.metadata)
    links = inv.links_of("weights")
    if good:
        ev = [w.evidence for w in good[:4]]
        if missing:
            return Assessment.partial(
                f"shards missing: {', '.join(missing[0].data['missing'][:3])}",
                [*ev, missing[0].evidence],
                "Publish every shard named in the shard index.",
            )
        if broken:
            return Assessment.partial(
                f"{len(broken)} weight file(s) unreadable: {broken[0].error}",
                [*ev, broken[0].evidence],
                "Replace the corrupted weight files.",
            )
        if adapters and not any(w.parameters and w.parameters > 0 and "adapter" not in w.path for w in good):
            return Assessment.partial(
                "only adapter weights are shipped; the full model needs its base weights",
                [*ev, adapters[0].evidence],
                "Publish merged full weights, or point to openly downloadable base weights.",
            )
        params = sum(w.parameters or 0 for w in good)
        pickles = [w for w in good if w.format == "pickle"]
        fmts = sorted({w.format for w in good})
        note = " (pickle files flagged: unsafe to load)" if pickles else ""
        if gated:
            return Assessment.partial(
                "weights present but access is gated behind an agreement" + note,
                ev,
                "Remove the access gate so the weights can be downloaded freely.",
            )
        return Assessment.met(
            f"full weights present: {len(good)} {'/'.join(fmts)} file(s)"
            + (f", {params:,} parameters" if params else "")
            + note,
            ev,
        )
    if broken:
        return Assessment.partial(
            f"weight files present but unreadable: {broken[0].error}",
            [w.evidence for w in broken[:3]],
            "Replace the corrupted weight files.",
        )
    if links:
        # usage code that downloads weights, or a link the card plainly says holds the weights
        own = [
            link
            for link in links
            if link.text == "from_pretrained"
            or (link.text != "base_model" and WEIGHTS_STATEMENT_RE.search(link.text))
        ]
        if own:
            if gated:
                return Assessment.partial("weights referenced, access gated", [own[0].evidence])
            return Assessment.met(
                f"card points at downloadable weights: {own[0].url.removeprefix('https://')}",
                [link.evidence for link in own[:3]],
            )
    if has_documentation(inv) or inv.files:
        return Assessment.unmet("no weight files and no pointer to downloadable weights")
    return Assessment.unknown("nothing was read")

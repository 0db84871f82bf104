"""Weight files: safetensors and GGUF headers, ONNX and other formats, shard indexes.

Headers only: a weight file is never loaded, and pickle-based files are flagged, never
unpickled. A licence written into the weights themselves (GGUF `general.license`) is a
licence statement for the weights.
"""

from __future__ import annotations

import json
import posixpath

from truecard.bounded import load_json
from truecard.evidence.collectors._common import ev
from truecard.evidence.inventory import ConfigFile, FileRecord, Inventory, LicenseFinding, WeightFile
from truecard.evidence.text import read_text
from truecard.evidence.weights import read_index, read_weight
from truecard.models import EvidenceKind, Problem, clip
from truecard.sources.base import Tree

MAX_WEIGHTS = 5000


def collect_tree(inv: Inventory, tree: Tree, recs: list[FileRecord]) -> None:
    weights = [r for r in recs if r.kind in ("weights", "pickle")]
    for r in weights[:MAX_WEIGHTS]:
        if r.path.endswith(".index.json"):
            _read_shard_index(inv, r)
            continue
        if r.kind == "pickle" and not _looks_like_weights(r):
            continue
        e = ev(tree, r.path, EvidenceKind.WEIGHTS, f"{r.path}: {r.size} bytes")
        w = read_weight(r, e)
        e.summary = _weight_summary(w)
        inv.weights.append(w)
        if w.error:
            inv.problems.append(Problem(path=r.path, source=tree.info.id, message=f"weights: {w.error}"))
        lic = w.metadata.get("general.license") or w.metadata.get("license")
        if isinstance(lic, str) and lic.strip():
            _weights_metadata_licence(inv, w, lic.strip())


def _weights_metadata_licence(inv: Inventory, w: WeightFile, raw: str) -> None:
    """A licence written into the weights file itself (GGUF `general.license`)."""

    from truecard.licenses import classify_id

    v = classify_id(raw)
    ev_ = w.evidence.model_copy(
        update={
            "kind": EvidenceKind.LICENSE_METADATA,
            "summary": f"{w.path}: general.license = {raw[:80]}",
            "field": "gguf:general.license",
            "excerpt": clip(raw),
        }
    )
    inv.licenses.append(
        LicenseFinding(
            scope="weights",
            raw=raw[:200],
            license_id=v.license_id,
            license_class=str(v.license_class),
            osi_approved=v.osi_approved,
            confidence=v.confidence,
            how="metadata",
            evidence=ev_,
            note=v.reason,
        )
    )


def _looks_like_weights(r: FileRecord) -> bool:
    name = posixpath.basename(r.path).lower()
    return not (
        name in {"training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth", "scaler.pt"}
        or name.startswith(("rng_state", "optimizer", "scheduler"))
    )


def _weight_summary(w: WeightFile) -> str:
    if w.error:
        return f"{w.path}: {w.format} file unreadable: {w.error}"
    if w.format == "pickle":
        return f"{w.path}: pickle-based weights ({w.size:,} bytes), flagged, not loaded"
    bits = [f"{w.path}: {w.format}"]
    if w.tensors is not None:
        bits.append(f"{w.tensors} tensors")
    if w.parameters is not None:
        bits.append(f"{w.parameters:,} parameters")
    if w.dtypes:
        bits.append("/".join(w.dtypes[:3]))
    if w.metadata.get("not_read"):
        bits.append(f"{w.size:,} bytes, header not read ({w.metadata['not_read']})")
    return ", ".join(bits)


def _read_shard_index(inv: Inventory, r: FileRecord) -> None:
    t = read_text(r.tree, r.path, r.size, 16 << 20)
    if t.not_fetched:
        return  # the source's file list already shows every shard it names (HubTree)
    try:
        data = load_json(t.text or "")
        shards, total = read_index(data) if isinstance(data, dict) else (set(), None)
    except json.JSONDecodeError:
        inv.problems.append(
            Problem(path=r.path, source=r.tree.info.id, message="shard index is not valid JSON")
        )
        return
    base = posixpath.dirname(r.path)
    present = {f.path for f in inv.files if f.tree is r.tree}
    missing = sorted(s for s in shards if posixpath.join(base, s) not in present)
    e = ev(
        r.tree,
        r.path,
        EvidenceKind.WEIGHTS_INDEX,
        f"{r.path}: {len(shards)} shards" + (f", {len(missing)} missing" if missing else ", all present"),
    )
    inv.configs.append(
        ConfigFile(
            r.path,
            "model-config",
            e,
            ["weight_map"],
            {"shards": sorted(shards), "missing": missing, "total_size": total},
        )
    )
    if missing:
        inv.problems.append(
            Problem(path=r.path, source=r.tree.info.id, message=f"shards missing: {', '.join(missing[:5])}")
        )



"""Gather the evidence inventory from one or more trees. Reads, never executes or unpickles."""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from truecard.evidence import prose
from truecard.evidence.card import parse_card
from truecard.evidence.code import classify_code
from truecard.evidence.files import CARD_NAMES, classify
from truecard.evidence.inventory import (
    Card,
    CheckpointRef,
    CodeFile,
    ConfigFile,
    DatasetRef,
    Disclosure,
    FileRecord,
    Inventory,
    LinkRef,
)
from truecard.evidence.licensing import check_conflicts, from_card_metadata, from_license_file
from truecard.evidence.text import read_text
from truecard.evidence.weights import read_index, read_weight
from truecard.models import Evidence, Problem, clip
from truecard.sources.base import Tree

DATACARD_RE = re.compile(
    r"(datasheet|data_?card|dataset_?card|data_?sheet|^data\.md$|datasets?\.md$|data_?statement)", re.I
)
# Sources that are a dataset's repository (see truecard.sources.follow): their card is a data card.
DATA_SOURCE_KINDS = {"hf-dataset"}
MAX_DOCS = 60
MAX_CODE = 3000
MAX_WEIGHTS = 5000
MAX_CONFIGS = 500
CODE_READ_LIMIT = 1 << 20
CHECKPOINT_DIR_RE = re.compile(
    r"(^|/)(checkpoint[-_]?\d+|step[-_]?\d+|global_step\d+|ckpt[-_]?\d+|iter[-_]?\d+|epoch[-_]?\d+)(/|$)",
    re.I,
)
STEP_REF_RE = re.compile(r"^(step|checkpoint|ckpt|iter|global_step|tokens?)[-_]?\d+", re.I)
TRAIN_KEYS = {
    "learning_rate",
    "lr",
    "batch_size",
    "train_batch_size",
    "per_device_train_batch_size",
    "global_batch_size",
    "micro_batch_size",
    "optimizer",
    "optim",
    "warmup_steps",
    "warmup",
    "max_steps",
    "num_train_epochs",
    "epochs",
    "weight_decay",
    "gradient_accumulation_steps",
    "lr_scheduler_type",
    "scheduler",
    "train_iters",
    "max_duration",
    "zero_optimization",
    "seq_length",
    "train_micro_batch_size_per_gpu",
    "trainer",
    "training",
    "optim_config",
}
DATA_PIPELINE_KEYS = {
    "data",
    "dataset",
    "datasets",
    "data_path",
    "train_data",
    "data_paths",
    "tokenizer",
    "data_mix",
    "dataloader",
}


def ev(
    tree: Tree,
    path: str,
    kind: str,
    summary: str,
    *,
    line: int | None = None,
    line_end: int | None = None,
    excerpt: str | None = None,
    hash_it: bool = True,
    field: str | None = None,
) -> Evidence:
    sha, scope = tree.sha256(path) if hash_it else (None, None)
    return Evidence(
        kind=kind,
        summary=summary,
        source=tree.info.id,
        revision=tree.info.revision,
        path=path,
        line_start=line,
        line_end=line_end or line,
        excerpt=clip(excerpt) if excerpt else None,
        sha256=sha,
        sha256_scope=scope,
        url=tree.url_for(path, line),
        field=field,
    )


def collect(trees: list[Tree]) -> Inventory:
    inv = Inventory(trees=list(trees))
    for tree in trees:
        if tree.lists_files:
            _collect_tree(inv, tree)
        tree.contribute(inv)  # facts a source gives directly (records' claims), see Tree.contribute
    _from_metadata(inv)
    for doc in inv.cards + inv.docs:
        _mine_prose(inv, doc)
    from truecard.integrity import collect as collect_integrity  # declared BOM licences join the check

    collect_integrity(inv, trees)
    check_conflicts(inv)
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

    # the model card: README.md at the root first, then other card names
    by_name = {r.path.lower(): r for r in recs if "/" not in r.path}
    card_rec = next((by_name[n] for n in CARD_NAMES if n in by_name), None)
    card_recs = [card_rec] if card_rec is not None else []
    if card_rec is None:
        # a Hub snapshot and a code clone side by side: each first-level folder's README
        sub = {r.path.lower(): r for r in recs if r.path.count("/") == 1}
        folders = sorted({p.split("/")[0] for p in sub})
        for folder in folders[:8]:
            rec = next((sub[f"{folder}/{n}"] for n in CARD_NAMES if f"{folder}/{n}" in sub), None)
            if rec is not None:
                card_recs.append(rec)
        # the folder holding weights or card metadata is the model's own card: put it first
        card_recs.sort(
            key=lambda r: (
                not any(
                    x.kind in ("weights", "pickle") and x.path.startswith(r.path.split("/")[0] + "/")
                    for x in recs
                )
            )
        )
    for rec in card_recs:
        card = _read_card(inv, rec)
        if card is not None:
            # a dataset repository's README is that dataset's card, not the model's
            (inv.docs if tree.info.kind in DATA_SOURCE_KINDS else inv.cards).append(card)
    docs = [
        r
        for r in recs
        if r.kind == "doc"
        and r not in card_recs
        and r.path.lower().endswith((".md", ".markdown", ".rst", ".txt"))
        and not r.path.lower().startswith(("license", "licence"))
        and r.path.count("/") <= 2
        and "/test" not in f"/{r.path.lower()}"
    ]
    docs.sort(key=lambda r: (not DATACARD_RE.search(posixpath.basename(r.path)), r.path.count("/"), r.path))
    for r in docs[:MAX_DOCS]:
        d = _read_card(inv, r)
        if d is not None:
            inv.docs.append(d)

    for r in (r for r in recs if r.kind == "license"):
        if r.size == 0 or r.path.count("/") <= 2:
            from_license_file(inv, r)

    weights = [r for r in recs if r.kind in ("weights", "pickle")]
    for r in weights[:MAX_WEIGHTS]:
        if r.path.endswith(".index.json"):
            _read_shard_index(inv, r)
            continue
        if r.kind == "pickle" and not _looks_like_weights(r):
            continue
        e = ev(tree, r.path, "weights", f"{r.path}: {r.size} bytes")
        w = read_weight(r, e)
        e.summary = _weight_summary(w)
        inv.weights.append(w)
        if w.error:
            inv.problems.append(Problem(path=r.path, source=tree.info.id, message=f"weights: {w.error}"))
        lic = w.metadata.get("general.license") or w.metadata.get("license")
        if isinstance(lic, str) and lic.strip():
            _weights_metadata_licence(inv, w, lic.strip())

    configs = [r for r in recs if r.kind in ("config", "tokenizer", "environment", "log")]
    for r in configs[:MAX_CONFIGS]:
        _read_config(inv, r)

    code = [r for r in recs if r.kind in ("code", "notebook")]
    for r in code[:MAX_CODE]:
        text = None
        if r.size <= CODE_READ_LIMIT:
            t = read_text(tree, r.path, r.size, CODE_READ_LIMIT)
            text = t.text
            if t.text is None and t.problem and t.problem.startswith("unreadable"):
                inv.problems.append(Problem(path=r.path, source=tree.info.id, message=t.problem))
        roles, reasons, pretraining = classify_code(r.path, text)
        if posixpath.basename(r.path).startswith("modeling_") or posixpath.basename(r.path) in {
            "model.py",
            "modeling.py",
        }:
            roles.add("architecture")
            reasons.append("defines the model architecture")
        if roles:
            inv.code.append(
                CodeFile(
                    r.path,
                    roles,
                    reasons,
                    ev(tree, r.path, "code", f"{r.path}: {', '.join(sorted(roles))}"),
                    pretraining,
                )
            )

    _checkpoints(inv, tree, recs)


def _weights_metadata_licence(inv: Inventory, w: Any, raw: str) -> None:
    """A licence written into the weights file itself (GGUF `general.license`)."""
    from truecard.evidence.inventory import LicenseFinding
    from truecard.licenses import classify_id

    v = classify_id(raw)
    ev_ = w.evidence.model_copy(
        update={
            "kind": "license-metadata",
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


def _weight_summary(w: Any) -> str:
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


def _read_card(inv: Inventory, r: FileRecord) -> Card | None:
    t = read_text(r.tree, r.path, r.size)
    if t.text is None:
        inv.problems.append(Problem(path=r.path, source=r.tree.info.id, message=f"card: {t.problem}"))
        return None
    if t.problem:
        inv.problems.append(
            Problem(path=r.path, source=r.tree.info.id, message=f"card: {t.problem}", severity="info")
        )
    sha, _ = r.tree.sha256(r.path)
    card = parse_card(r.tree, r.path, t.text, sha)
    if card.metadata_error:
        inv.problems.append(Problem(path=r.path, source=r.tree.info.id, message=card.metadata_error))
    return card


def _read_shard_index(inv: Inventory, r: FileRecord) -> None:
    t = read_text(r.tree, r.path, r.size, 16 << 20)
    try:
        data = json.loads(t.text or "")
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
        "weights-index",
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


def _read_config(inv: Inventory, r: FileRecord) -> None:
    name = posixpath.basename(r.path).lower()
    tree = r.tree
    if r.kind == "log":
        inv.checkpoints.append(
            CheckpointRef("log", True, ev(tree, r.path, "training-log", f"{r.path}: training log"), name)
        )
        return
    if r.kind == "tokenizer":
        inv.configs.append(
            ConfigFile(r.path, "tokenizer", ev(tree, r.path, "tokenizer", f"{r.path}: tokenizer file"))
        )
        return
    if r.kind == "environment":
        inv.configs.append(
            ConfigFile(r.path, "environment", ev(tree, r.path, "environment", f"{r.path}: environment setup"))
        )
        return
    data: Any = None
    if r.size <= (4 << 20):
        t = read_text(tree, r.path, r.size, 4 << 20)
        if t.text is not None:
            data = _parse_structured(r.path, t.text)
    keys = _all_keys(data) if data is not None else set()
    if name == "config.json" and isinstance(data, dict):
        inv.configs.append(
            ConfigFile(
                r.path,
                "model-config",
                ev(tree, r.path, "model-config", _config_summary(r.path, data)),
                sorted(data)[:80],
                _small(data),
            )
        )
        return
    if name == "generation_config.json":
        inv.configs.append(
            ConfigFile(
                r.path, "generation", ev(tree, r.path, "generation-config", f"{r.path}: generation settings")
            )
        )
        return
    if name == "trainer_state.json" and isinstance(data, dict):
        logs = data.get("log_history") if isinstance(data.get("log_history"), list) else []
        inv.checkpoints.append(
            CheckpointRef(
                "log",
                bool(logs),
                ev(tree, r.path, "training-log", f"{r.path}: trainer state with {len(logs)} logged steps"),
                name,
            )
        )
        inv.configs.append(
            ConfigFile(
                r.path,
                "training",
                ev(tree, r.path, "training-config", f"{r.path}: trainer state"),
                sorted(data)[:40],
            )
        )
        return
    if name in {"adapter_config.json"}:
        inv.configs.append(
            ConfigFile(
                r.path,
                "finetuning",
                ev(tree, r.path, "finetuning-config", f"{r.path}: adapter (PEFT) config"),
                sorted(data)[:40] if isinstance(data, dict) else [],
            )
        )
        return
    low = r.path.lower()
    hits = keys & TRAIN_KEYS
    if "zero_optimization" in keys or re.search(r"(^|/)(ds_config|deepspeed|zero\d?)[^/]*\.json$", low):
        inv.configs.append(
            ConfigFile(
                r.path,
                "deepspeed",
                ev(tree, r.path, "training-config", f"{r.path}: DeepSpeed config"),
                sorted(hits),
            )
        )
    elif len(hits) >= 2 or (hits and re.search(r"train|finetun|sft|lora|pretrain|recipe|config", low)):
        role = "finetuning" if re.search(r"finetun|sft|lora|qlora|dpo|adapter", low) else "training"
        inv.configs.append(
            ConfigFile(
                r.path,
                role,
                ev(
                    tree,
                    r.path,
                    "training-config",
                    f"{r.path}: {role} config ({', '.join(sorted(hits)[:5])})",
                ),
                sorted(hits),
            )
        )
    if keys & DATA_PIPELINE_KEYS and (hits or re.search(r"data|mix|preprocess", low)):
        inv.configs.append(
            ConfigFile(
                r.path,
                "data-pipeline",
                ev(tree, r.path, "data-config", f"{r.path}: data pipeline settings"),
                sorted(keys & DATA_PIPELINE_KEYS),
            )
        )


def _parse_structured(path: str, text: str) -> Any:
    low = path.lower()
    try:
        if low.endswith(".json"):
            return json.loads(text)
        if low.endswith((".yaml", ".yml")):
            import yaml

            return yaml.safe_load(text)
        if low.endswith(".toml"):
            import tomllib

            return tomllib.loads(text)
    except Exception:
        return None
    return None


def _all_keys(data: Any, depth: int = 0) -> set[str]:
    out: set[str] = set()
    if depth > 6:
        return out
    if isinstance(data, dict):
        for k, v in list(data.items())[:500]:
            out.add(str(k).lower())
            out |= _all_keys(v, depth + 1)
    elif isinstance(data, list):
        for v in data[:50]:
            out |= _all_keys(v, depth + 1)
    return out


def _small(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in data.items() if isinstance(v, str | int | float | bool | list) and len(str(v)) < 500
    }


ARCH_KEYS = (
    "num_hidden_layers",
    "n_layer",
    "num_layers",
    "hidden_size",
    "n_embd",
    "d_model",
    "num_attention_heads",
    "n_head",
    "intermediate_size",
    "vocab_size",
    "num_key_value_heads",
)


def _config_summary(path: str, data: dict[str, Any]) -> str:
    arch = data.get("architectures") or data.get("model_type") or "model"
    if isinstance(arch, list):
        arch = ",".join(map(str, arch[:2]))
    dims = ", ".join(
        f"{k}={data[k]}" for k in ARCH_KEYS if k in data and not isinstance(data[k], dict | list)
    )
    return f"{path}: {arch}" + (f" ({dims})" if dims else "")


def _checkpoints(inv: Inventory, tree: Tree, recs: list[FileRecord]) -> None:
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


def _from_metadata(inv: Inventory) -> None:
    for card in inv.cards:
        from_card_metadata(inv, card)
        md = card.metadata
        ds = md.get("datasets")
        for d in ds if isinstance(ds, list) else [ds] if isinstance(ds, str) else []:
            if isinstance(d, str) and d.strip():
                line = _line_of(card, d)
                inv.datasets.append(
                    DatasetRef(
                        d.strip(),
                        "metadata",
                        True,
                        card.evidence(
                            f"card metadata datasets: {d}",
                            kind="dataset-metadata",
                            field="card:datasets",
                            line_start=line,
                            line_end=line,
                            excerpt=clip(d),
                        ),
                    )
                )
        co2 = md.get("co2_eq_emissions")
        if isinstance(co2, dict):
            line = _line_of(card, "co2_eq_emissions")
            if co2.get("hardware_used"):
                inv.disclosures.append(
                    Disclosure(
                        "hardware",
                        {
                            "accelerator": str(co2["hardware_used"]),
                            "count": bool(re.search(r"\d", str(co2["hardware_used"]))),
                            "cluster": False,
                            "metadata": True,
                        },
                        card.evidence(
                            f"co2_eq_emissions.hardware_used: {co2['hardware_used']}",
                            kind="metadata",
                            field="card:co2_eq_emissions.hardware_used",
                            line_start=line,
                            excerpt=clip(str(co2["hardware_used"])),
                        ),
                    )
                )
            if co2.get("emissions") is not None:
                inv.disclosures.append(
                    Disclosure(
                        "emissions",
                        {"what": "CO2", "metadata": True},
                        card.evidence(
                            f"co2_eq_emissions.emissions: {co2['emissions']}",
                            kind="metadata",
                            field="card:co2_eq_emissions.emissions",
                            line_start=line,
                            excerpt=clip(str(co2.get("emissions"))),
                        ),
                    )
                )
        elif isinstance(co2, int | float):
            inv.disclosures.append(
                Disclosure(
                    "emissions",
                    {"what": "CO2", "metadata": True},
                    card.evidence(f"co2_eq_emissions: {co2}", kind="metadata", field="card:co2_eq_emissions"),
                )
            )
        for key in ("base_model",):
            v = md.get(key)
            if v:
                vals = v if isinstance(v, list) else [v]
                for b in vals[:5]:
                    if isinstance(b, str):
                        inv.links.append(
                            LinkRef(
                                f"https://huggingface.co/{b}",
                                "weights",
                                card.evidence(
                                    f"base_model: {b}",
                                    kind="metadata",
                                    field="card:base_model",
                                    excerpt=clip(b),
                                ),
                                "base_model",
                            )
                        )


def _line_of(card: Card, needle: str) -> int | None:
    for i, line in enumerate(card.lines[: card.body_offset], start=1):
        if needle in line:
            return i
    return None


DATA_SECTION_RE = re.compile(r"(training|pre-?training|fine-?tuning)?\s*(data|dataset|corpus|corpora)", re.I)


def _mine_prose(inv: Inventory, card: Card) -> None:
    # HTML comments (template instructions, commented-out text) are not evidence; blank them
    # out line for line so line numbers stay right
    body = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), card.body, flags=re.S)
    lines = body.split("\n")
    first = card.body_offset + 1
    is_datacard = bool(DATACARD_RE.search(posixpath.basename(card.path))) or (
        card.tree.info.kind in DATA_SOURCE_KINDS
    )

    for h in prose.hardware_hits(lines, first):
        inv.disclosures.append(
            Disclosure(
                "hardware",
                h.detail,
                card.evidence(
                    f"hardware: {h.detail.get('accelerator') or 'cluster'}",
                    kind="prose",
                    line_start=h.line,
                    line_end=h.line,
                    excerpt=clip(h.text),
                ),
            )
        )
    for topic, h in prose.cost_hits(lines, first):
        inv.disclosures.append(
            Disclosure(
                topic,
                h.detail,
                card.evidence(  # type: ignore[arg-type]
                    f"{topic}: {h.detail.get('what')}",
                    kind="prose",
                    line_start=h.line,
                    line_end=h.line,
                    excerpt=clip(h.text),
                ),
            )
        )

    # datasets: named in data sections, or well-known names anywhere near training words
    data_lines: set[int] = set()
    for s in card.sections:
        if (
            s.filled
            and DATA_SECTION_RE.search(s.title)
            and not re.search(r"eval|test|benchmark", s.title, re.I)
        ):
            data_lines.update(range(s.line_start, s.line_end + 1))
    for ln, sent in prose.sentences(lines, first):
        in_data = ln in data_lines or is_datacard
        names = prose.dataset_names(sent)
        trainish = re.search(
            r"\b(train|trained|pre-?train|fine-?tun|corpus|dataset|data)\w*",
            prose.URL_RE.sub(" ", sent),
            re.I,
        )
        if (
            names
            and (in_data or trainish)
            and not re.search(r"\b(evaluat|benchmark|accuracy|score)\w*", sent, re.I)
        ):
            for n in names:
                inv.datasets.append(
                    DatasetRef(
                        n,
                        "datacard" if is_datacard else "prose",
                        True,
                        card.evidence(f"dataset named: {n}", kind="prose", line_start=ln, excerpt=clip(sent)),
                    )
                )
        elif (
            in_data or re.search(r"\b(trained|pre-?trained|training data|corpus)\b", sent, re.I)
        ) and prose.VAGUE_DATA_RE.search(sent):
            inv.datasets.append(
                DatasetRef(
                    prose.VAGUE_DATA_RE.search(sent).group(0),
                    "prose",
                    False,
                    card.evidence(  # type: ignore[union-attr]
                        "data described vaguely", kind="prose", line_start=ln, excerpt=clip(sent)
                    ),
                )
            )
        if prose.DATA_NOT_DISCLOSED_RE.search(sent):
            inv.datasets.append(
                DatasetRef(
                    "(not disclosed)",
                    "prose",
                    False,
                    card.evidence(
                        "card says the data is not disclosed",
                        kind="prose-negative",
                        line_start=ln,
                        excerpt=clip(sent),
                    ),
                )
            )
        if prose.REPLICATION_RE.search(sent):
            urls = prose.URL_RE.findall(sent)
            inv.links.append(
                LinkRef(
                    urls[0] if urls else "",
                    "replication",
                    card.evidence(
                        "third-party reproduction referenced", kind="prose", line_start=ln, excerpt=clip(sent)
                    ),
                    "stated",
                )
            )
        elif prose.REPRO_INVITE_RE.search(sent):
            inv.links.append(
                LinkRef(
                    "",
                    "other",
                    card.evidence(
                        "reproduction instructions or invitation",
                        kind="prose-repro-invite",
                        line_start=ln,
                        excerpt=clip(sent),
                    ),
                    "invite",
                )
            )
        if prose.CHECKPOINT_MENTION_RE.search(sent):
            urls = prose.URL_RE.findall(sent)
            # a link, or a plain statement that they are released, counts; a promise does not
            available = bool(
                urls or prose.CHECKPOINT_AVAILABLE_RE.search(sent)
            ) and not prose.CHECKPOINT_FUTURE_RE.search(sent)
            tracker = any("wandb" in u or "tensorboard" in u for u in urls)
            inv.checkpoints.append(
                CheckpointRef(
                    "tracker" if tracker else "mention",
                    available,
                    card.evidence(
                        "checkpoints or logs "
                        + ("shared" if available else "mentioned")
                        + (" with a link" if urls else ""),
                        kind="prose",
                        line_start=ln,
                        excerpt=clip(sent),
                    ),
                )
            )
        for url in prose.URL_RE.findall(sent):
            cat = prose.categorize_url(url, sent)
            if cat == "replication" and any(link.url == url for link in inv.links):
                continue
            inv.links.append(
                LinkRef(
                    url,
                    cat,
                    card.evidence(f"{cat} link: {url[:120]}", kind="link", line_start=ln, excerpt=clip(sent)),
                    sent[:200],
                )
            )
            m = prose.HF_DATASET_RE.search(url)
            if (
                m
                and (in_data or trainish)
                and not re.search(r"calibrat|quanti[sz]|evaluat|benchmark|\btest", sent, re.I)
            ):
                inv.datasets.append(
                    DatasetRef(
                        m.group(1),
                        "link",
                        True,
                        card.evidence(
                            f"dataset link: {m.group(1)}", kind="link", line_start=ln, excerpt=clip(sent)
                        ),
                    )
                )
            if cat == "tracker":
                inv.checkpoints.append(
                    CheckpointRef(
                        "tracker",
                        True,
                        card.evidence(
                            f"experiment tracker: {url[:120]}", kind="link", line_start=ln, excerpt=clip(sent)
                        ),
                        url,
                    )
                )
    # usage code in fences: from_pretrained("org/model") plainly shows downloadable weights
    for i, line in enumerate(lines):
        m = prose.FROM_PRETRAINED_RE.search(line)
        if m:
            inv.links.append(
                LinkRef(
                    f"https://huggingface.co/{m.group(1)}",
                    "weights",
                    card.evidence(
                        f"usage code loads {m.group(1)}",
                        kind="usage-code",
                        line_start=first + i,
                        excerpt=clip(line.strip()),
                    ),
                    "from_pretrained",
                )
            )

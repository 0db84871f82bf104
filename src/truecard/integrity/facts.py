"""Facts the supply-chain formats carry that the scorecard has nowhere else, each with its evidence.

The SPDX 3 AI profile and CycloneDX's modelCard want hyperparameters, energy consumption, the
datasets trained on, where the model is downloaded from, who supplies it and when it was
released. Renderers see only the Scorecard (a saved JSON must re-render the same), so these are
gathered once here into `Integrity.facts`, each citing the file, line or metadata field it came
from; what no artifact states is left out rather than guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from truecard.models import Evidence, EvidenceKind, ModelFact, clip
from truecard.textindex import LineIndex, encode

if TYPE_CHECKING:  # the inventory is handed in by its collector (truecard.evidence sits above)
    from truecard.evidence.inventory import Inventory

HYPERPARAMETERS = (
    "learning_rate", "lr", "min_lr", "weight_decay", "warmup_steps", "warmup_ratio", "max_steps", "num_train_epochs",
    "epochs", "train_batch_size", "per_device_train_batch_size", "global_batch_size", "micro_batch_size",
    "train_micro_batch_size_per_gpu", "gradient_accumulation_steps", "optimizer", "optim", "lr_scheduler_type",
    "scheduler", "seq_length", "max_seq_length", "seed", "adam_beta1", "adam_beta2", "adam_epsilon",
    "max_grad_norm", "gradient_clipping", "dropout", "r", "lora_alpha", "lora_dropout", "target_modules",
    "train_iters", "max_duration", "precision", "bf16", "fp16",
)
# `(?<![\d,])`: a number from its first digit only (linear on long digit runs)
ENERGY_RE = re.compile(r"(?<![\d,])(\d[\d,]*(?:\.\d+)?)\s*(kWh|MWh|GWh|TWh|MJ|GJ|TJ|kilowatt[- ]hours?|megawatt[- ]hours?)\b", re.I)
MAX_HYPERPARAMETERS = 40


MAX_CONFIGS_READ = 24  # a repository of hundreds of recipes: the first ones carry the run's values


def _walk(data: Any, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, str, Any]]:
    if depth > 4:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if str(k) in HYPERPARAMETERS and isinstance(v, str | int | float | bool | list) and len(str(v)) < 200:
                yield str(k), key, v
            elif isinstance(v, dict):
                yield from _walk(v, key, depth + 1)


def _parse(path: str, text: str) -> Any:
    low = path.lower()
    if low.endswith(".json"):
        return json.loads(text)
    if low.endswith((".yaml", ".yml")):

        from truecard.bounded import load_yaml  # alias bombs refused before construction; libyaml

        return load_yaml(text)
    return None


def _line(text: str, key: str) -> int | None:
    pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[:=]")
    for i, line in enumerate(text.splitlines(), start=1):
        if pat.search(line):
            return i
    return None


def hyperparameters(inv: Inventory) -> list[ModelFact]:
    """Hyperparameter values from the training, fine-tuning and DeepSpeed configs the inventory found."""
    out: list[ModelFact] = []
    trees = {t.info.id: t for t in inv.trees}
    seen: set[str] = set()
    for cfg in inv.configs_of("training", "finetuning", "deepspeed")[:MAX_CONFIGS_READ]:
        tree = trees.get(cfg.evidence.source or "")
        if tree is None or not cfg.path.lower().endswith((".json", ".yaml", ".yml")):
            continue
        entry = tree.entry(cfg.path)
        if entry is None or entry.size > (1 << 20):
            continue
        try:
            text = tree.read_range(cfg.path, 0, entry.size).decode("utf-8")
            data = _parse(cfg.path, text)
        except Exception:  # an unparsable config just gives no hyperparameters
            continue
        for name, key, value in _walk(data):
            if key in seen or len(out) >= MAX_HYPERPARAMETERS:
                continue
            seen.add(key)
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            line = _line(text, name)
            ev = cfg.evidence.model_copy(update={
                "kind": EvidenceKind.HYPERPARAMETER, "summary": f"{cfg.path}: {key} = {shown[:80]}", "field": key,
                "line_start": line, "line_end": line,
                "excerpt": clip(text.splitlines()[line - 1]) if line else None,
                "url": tree.url_for(cfg.path, line),
            })
            out.append(ModelFact(name="hyperparameter", key=key, value=shown[:200], evidence=ev))
    return out


# Every match of ENERGY_RE holds one of these (kWh/MWh/GWh/TWh, MJ/GJ/TJ, kilo-/megawatt
# hours), in any case. Of the letters that non-ASCII characters match under re.IGNORECASE
# (the Kelvin sign, long s, dotted and dotless i) only "k" is in them, and the Kelvin sign
# lower-cases to "k"; so `lower()` of a text holds one of them wherever the pattern matches.
# ("wh" alone was in nearly every card: "what", "which", "when".)
_ENERGY_WORDS = ("kwh", "mwh", "gwh", "twh", "mj", "gj", "tj", "lowatt", "gawatt")


def _may_state_energy(text: str) -> bool:
    """False when ENERGY_RE can match no part of `text` (a cheap exact prefilter)."""
    low = text.lower()
    return any(w in low for w in _ENERGY_WORDS)


# `_ENERGY_WORDS` as they stand in `bytes.lower()` of a text's UTF-8 wherever `lower()` of the
# text holds them: that lowers the ASCII letters alone, and of the other characters only the
# Kelvin sign lower-cases into the words' letters (to "k"; U+0130 gives an "i", which none
# holds), so "kwh" is also looked for after the Kelvin sign's bytes. Ten words, searched by
# the library's packed searcher over the whole file (front matter can run to a megabyte of
# model-index), where the 176 forms of the words with each letter in either case made a
# slower automaton (tests/evidence/test_line_index.py compares the two tests line by line)
_ENERGY_BYTE_WORDS = (*_ENERGY_WORDS, "\u212awh")


def _energy_lines(lines: list[str]) -> set[int]:
    """Indices of the `lines` for which `_may_state_energy` holds, from one automaton pass."""
    return LineIndex(encode("\n".join(lines)).lower()).holding(_ENERGY_BYTE_WORDS)


def energy(inv: Inventory) -> list[ModelFact]:
    """Energy used in training, where a sentence or metadata field states it with a unit."""
    out = []
    for d in inv.disclosures:
        text = " ".join(filter(None, [d.evidence.excerpt, d.evidence.summary]))
        m = ENERGY_RE.search(text)
        if m:
            out.append(ModelFact(name="energy", key=m.group(2), value=m.group(1).replace(",", ""), evidence=d.evidence))
    for card in inv.cards[:1]:
        if out:
            break
        # the lines holding one of the words, in one pass over the card (`LineIndex`): none other
        # can match, and most cards hold none
        maybe = _energy_lines(card.lines)
        for i in sorted(maybe):
            line = card.lines[i]
            m = ENERGY_RE.search(line)
            if m and re.search(r"energy|power|consum|train", line, re.I):
                out.append(ModelFact(name="energy", key=m.group(2), value=m.group(1).replace(",", ""),
                                     evidence=card.evidence(f"{card.path}: energy {m.group(0)}", kind=EvidenceKind.PROSE,
                                                            line_start=i + 1, line_end=i + 1, excerpt=clip(line))))
                break
    return out[:3]


def datasets(inv: Inventory) -> list[ModelFact]:
    out, seen = [], set()
    for d in inv.datasets:
        if d.precise and d.name != "(not disclosed)" and d.name not in seen:
            seen.add(d.name)
            out.append(ModelFact(name="dataset", key=d.how, value=d.name, evidence=d.evidence))
    return out[:30]


def origin(inv: Inventory) -> list[ModelFact]:
    """Where the model is downloaded from, who supplies it, and when it was last released."""
    out: list[ModelFact] = []
    for t in inv.trees:
        info = t.info
        if info.kind in ("hf", "gh", "git") and info.location.startswith(("https://", "http://")):
            ev = Evidence(kind=EvidenceKind.SOURCE, summary=f"source {info.id}", source=info.id, revision=info.revision,
                          url=info.location, field="source:location")
            out.append(ModelFact(name="download_location", value=info.location, evidence=ev))
            parts = info.location.rstrip("/").split("/")
            if info.kind in ("hf", "gh") and len(parts) >= 2:
                out.append(ModelFact(name="supplier", key="organization", value=parts[-2],
                                     evidence=ev.model_copy(update={"field": "source:owner"})))
            meta = getattr(t, "meta", None)
            last = meta.get("lastModified") if isinstance(meta, dict) else None
            if isinstance(last, str) and last:
                out.append(ModelFact(name="release_time", value=last,
                                     evidence=ev.model_copy(update={"field": "hub:lastModified"})))
            break
    md = inv.metadata
    card = inv.card
    for key in ("model_creator", "developers", "developed_by", "author"):
        v = md.get(key)
        if isinstance(v, str) and v.strip() and card is not None and not any(f.name == "supplier" for f in out):
            out.append(ModelFact(name="supplier", key="organization", value=v.strip()[:200],
                                 evidence=card.evidence(f"card metadata {key}: {v}", kind=EvidenceKind.METADATA,
                                                        field=f"card:{key}")))
    return out


def gather(inv: Inventory) -> list[ModelFact]:
    return [*origin(inv), *datasets(inv), *hyperparameters(inv), *energy(inv)]

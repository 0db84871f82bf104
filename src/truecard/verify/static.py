"""What can be checked about a model folder without loading it, and how it should be loaded.

Runs in the parent process with the core's dependencies only (no torch): it reads JSON,
YAML and weight-file headers, never tensor data. Its results serve twice: they decide how
the sandboxed child loads the model (the card's usage snippet first, then the config), and,
for a model too large to load, they are the partial evidence truecard can still give:
shards all present with consistent headers, config and weights agreeing, a tokenizer there.

Every byte is read through the source interface (`truecard.sources.base.Tree`: its file list,
sizes and ranged reads), never from the disk directly: the folder is walked the way a scan
walks it (`LocalTree`: no links followed out of it, bounded), and the same checks run over any
tree, local or not. Only the sandboxed child, which loads the model, opens the folder itself.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from truecard.bounded import load_json, load_yaml
from truecard.evidence.card import parse_front_matter
from truecard.evidence.weights import (
    DTYPE_BYTES,
    SAFETENSORS_HEADER_MAX,
    HeaderError,
    parse_safetensors_header,
)
from truecard.integrity.rangeio import open_tree_file
from truecard.sources.base import SourceError, SourceErrorKind, Tree
from truecard.sources.local import LocalTree
from truecard.verify.result import StaticCheck

CARD_NAMES = ("README.md", "readme.md", "MODEL_CARD.md", "model_card.md", "ModelCard.md")
TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer.model", "spiece.model", "sentencepiece.bpe.model", "vocab.txt",
    "vocab.json", "tiktoken.model",
)
# Folders whose weights are not the final model (intermediate checkpoints, adapters, exports).
SIDE_DIRS = re.compile(r"(^|/)(checkpoints?|ckpts?|step[-_]?\d+|global_step\d+|runs|logs|"
                       r"\.cache)(/|$)", re.IGNORECASE)
SHARD_RE = re.compile(r"^(?P<stem>.+)-(?P<i>\d{5})-of-(?P<n>\d{5})\.safetensors$")

AUTO_CLASSES = (
    "AutoModelForCausalLM", "AutoModelForSeq2SeqLM", "AutoModelForMaskedLM",
    "AutoModelForSequenceClassification", "AutoModelForTokenClassification",
    "AutoModelForQuestionAnswering", "AutoModel",
)
PIPELINE_TASKS = {
    "text-generation": "AutoModelForCausalLM",
    "text2text-generation": "AutoModelForSeq2SeqLM",
    "summarization": "AutoModelForSeq2SeqLM",
    "translation": "AutoModelForSeq2SeqLM",
    "fill-mask": "AutoModelForMaskedLM",
    "text-classification": "AutoModelForSequenceClassification",
    "token-classification": "AutoModelForTokenClassification",
    "question-answering": "AutoModelForQuestionAnswering",
    "feature-extraction": "AutoModel",
    "sentence-similarity": "AutoModel",
}
_AUTO_RE = re.compile(r"\b(" + "|".join(AUTO_CLASSES) + r")\b")
_PIPELINE_RE = re.compile(r"\bpipeline\(\s*(?:task\s*=\s*)?[\"']([\w-]+)[\"']")
_LAYER_RE = re.compile(r"\.(?:h|layers|layer|blocks|block)\.(\d+)\.")
_EMBED_RE = re.compile(r"(?:^|\.)(?:embed_tokens|wte|word_embeddings|tok_embeddings|embed_in|"
                       r"shared)\.weight$")

# "about 37 thousand parameters", "124M params", "Parameters: 1.3B", "7 billion parameters"
_UNITS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9,
          "t": 1e12, "trillion": 1e12}
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_UNIT = r"\s*(?P<unit>thousand|million|billion|trillion|[KMBT])?\b"
_DECLARED_RES = (
    re.compile(_NUM + _UNIT + r"[\s-]*(?:trainable\s+)?(?:parameters?|params)\b", re.IGNORECASE),
    re.compile(r"\b(?:parameters|params|parameter count|model size)\**\s*[:|=]\s*\**\s*(?:about\s+|"
               r"~\s*|approximately\s+)?" + _NUM + _UNIT, re.IGNORECASE),
)

# Keys of a fine-tuning config the step can honour, by the names recipes commonly use.
_FT_KEYS = {
    "r": ("r", "lora_r", "rank", "lora_rank"),
    "alpha": ("lora_alpha", "alpha"),
    "dropout": ("lora_dropout", "dropout"),
    "target_modules": ("target_modules", "lora_target_modules"),
    "learning_rate": ("learning_rate", "lr"),
}
_FT_NAME_RE = re.compile(r"(fine[-_]?tun|finetun|\bsft|lora|peft|adapter)", re.IGNORECASE)


@dataclass
class LoadPlan:
    """How the child should load the model, and why that way."""

    loader: str | None  # "transformers", "gguf", "onnx"; None when nothing is loadable
    auto_class: str | None = None
    basis: str = ""
    file: str | None = None  # the GGUF/ONNX file, relative to the root
    task: str | None = None


@dataclass
class StaticReport:
    root: Path  # the folder the sandboxed child loads the model from
    tree: Tree  # what the checks read
    checks: list[StaticCheck] = field(default_factory=list)
    config: dict[str, Any] | None = None
    card_path: str | None = None
    card_text: str = ""
    card_meta: dict[str, Any] = field(default_factory=dict)
    weight_files: list[str] = field(default_factory=list)
    weight_format: str | None = None
    weights_bytes: int = 0
    tensors: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> dtype, shape
    parameters_in_weights: int | None = None
    dtypes: list[str] = field(default_factory=list)
    tokenizer_files: list[str] = field(default_factory=list)
    remote_code: list[str] = field(default_factory=list)  # where custom code is required
    declared: tuple[int, str, str] | None = None  # (count, words, where)
    finetune_files: list[str] = field(default_factory=list)
    finetune_settings: dict[str, Any] = field(default_factory=dict)
    finetune_settings_from: list[str] = field(default_factory=list)
    plan: LoadPlan = field(default_factory=lambda: LoadPlan(None))

    def check(self, name: str, ok: bool | None, detail: str, path: str | None = None) -> None:
        self.checks.append(StaticCheck(name=name, ok=ok, detail=detail, path=path))

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok is not False for c in self.checks)


MAX_FILES = 20_000  # files considered, in path order: bounded for huge trees


def analyse(source: Tree | str | os.PathLike[str]) -> StaticReport:
    """Every check that needs no tensor data, and the plan for loading.

    `source`: the model's tree, or a local folder (opened as a `LocalTree`, as a scan opens
    it). The report's `root` is the folder the child loads: the one given, or the tree's own.
    Raises OSError for a folder that cannot be opened.
    """
    if isinstance(source, Tree):
        root = getattr(source, "root", None)
        return _analyse(source, Path(root) if root is not None else Path(source.info.location))
    try:
        tree = LocalTree.open(source)
    except SourceError as exc:  # the caller's one-line "cannot read the model folder"
        raise (FileNotFoundError if exc.kind is SourceErrorKind.NOT_FOUND else OSError)(str(exc)) from None
    try:
        return _analyse(tree, Path(source))
    finally:
        tree.close()


def _analyse(tree: Tree, root: Path) -> StaticReport:
    rep = StaticReport(root=root, tree=tree)
    files = _files(tree)
    _card(rep, files)
    _config(rep, files)
    _weights(rep, files)
    _tokenizer(rep, files)
    _remote_code(rep, files)
    _config_vs_weights(rep)
    _finetuning_files(rep, files)
    rep.plan = _plan(rep, files)
    return rep


def _files(tree: Tree) -> list[str]:
    """Relative POSIX paths of the tree's regular files (VCS and tool folders are not listed),
    folder by folder in path order, at most MAX_FILES."""
    return sorted((e.path for e in tree.entries()), key=lambda p: p.split("/"))[:MAX_FILES]


def _size(rep: StaticReport, path: str) -> int:
    e = rep.tree.entry(path)
    return e.size if e is not None else 0


def _read_text(rep: StaticReport, path: str, errors: str = "strict") -> str:
    """A whole file as text, line ends made `\n` (what reading in text mode gave)."""
    data = rep.tree.read_range(path, 0, _size(rep, path))
    return data.decode("utf-8", errors).replace("\r\n", "\n").replace("\r", "\n")


def _read_json(rep: StaticReport, path: str) -> tuple[Any, str | None]:
    try:
        return load_json(_read_text(rep, path)), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _card(rep: StaticReport, files: list[str]) -> None:
    for name in CARD_NAMES:
        if name in files:
            try:
                text = _read_text(rep, name, errors="replace")
            except OSError:
                continue
            meta, _err, _n, _body = parse_front_matter(text)
            rep.card_path, rep.card_text, rep.card_meta = name, text, meta
            rep.declared = declared_parameters(text, name)
            return


def declared_parameters(text: str, where: str) -> tuple[int, str, str] | None:
    """The parameter count a card states, with its words and line, or None."""
    for rx in _DECLARED_RES:
        for m in rx.finditer(text):
            num = float(m.group("num").replace(",", ""))
            unit = (m.group("unit") or "").lower()
            if unit and unit not in _UNITS:
                continue
            count = round(num * _UNITS.get(unit, 1))
            if count < 1000 and not unit:  # "2 parameters of the loss" is not a model size
                continue
            line = text.count("\n", 0, m.start()) + 1
            words = " ".join(m.group(0).replace("*", "").split())
            return count, words[:80], f"{where}:{line}"
    return None


def _config(rep: StaticReport, files: list[str]) -> None:
    if "config.json" not in files:
        return
    data, err = _read_json(rep, "config.json")
    if err or not isinstance(data, dict):
        rep.check("config", False, f"config.json is not a JSON object ({err or type(data).__name__})",
                  "config.json")
        return
    rep.config = data
    mt = data.get("model_type")
    rep.check("config", True, f"config.json parses (model_type {mt!r})", "config.json")


def _final_weights(files: list[str]) -> list[str]:
    main = [f for f in files if not SIDE_DIRS.search(f.rsplit("/", 1)[0] if "/" in f else "")]
    return main


def _weights(rep: StaticReport, files: list[str]) -> None:
    cands = _final_weights(files)
    st = [f for f in cands if f.endswith(".safetensors") and "/" not in f]
    gguf = [f for f in cands if f.lower().endswith(".gguf")]
    onnx = [f for f in cands if f.lower().endswith(".onnx")]
    pickles = [f for f in cands if "/" not in f and re.search(r"\.(bin|pt|pth)$", f)
               and ("model" in f or "weights" in f)]
    if st:
        rep.weight_format, rep.weight_files = "safetensors", st
        _safetensors(rep, files, st)
    elif gguf:
        # Several GGUF quantisations may sit side by side: verify the smallest.
        gguf.sort(key=lambda f: _size(rep, f))
        rep.weight_format, rep.weight_files = "gguf", gguf[:1]
        rep.weights_bytes = _size(rep, gguf[0])
        # the scan's budgeted header walk, before the child's gguf reader maps the file:
        # a 113-byte file declaring 10^8 array items is refused here, in the parent
        from truecard.evidence.gguf_header import GGUFError, read_gguf_header

        try:
            # read through the tree in chunks; the walk's own limits bound what it reads
            with open_tree_file(rep.tree, gguf[0], rep.weights_bytes, rep.weights_bytes + (1 << 20)) as fh:
                h = read_gguf_header(fh, rep.weights_bytes)
            ok, msg = h.tensors > 0, (f"GGUF header read: {h.tensors} tensors, {h.parameters:,} parameters"
                                      if h.tensors else "GGUF file holds no tensors")
        except (GGUFError, OSError) as exc:
            ok, msg = False, f"GGUF header: {exc}"
        rep.check("weights-headers", ok, msg, gguf[0])
    elif onnx:
        onnx.sort(key=lambda f: (f.count("/"), _size(rep, f)))
        rep.weight_format, rep.weight_files = "onnx", onnx[:1]
        rep.weights_bytes = sum(_size(rep, f) for f in files
                                if f.startswith(onnx[0].rsplit("/", 1)[0] if "/" in onnx[0] else "")
                                and (f == onnx[0] or f.endswith((".onnx_data", ".onnx.data"))))
    elif pickles:
        rep.weight_format, rep.weight_files = "pickle", pickles
        rep.weights_bytes = sum(_size(rep, f) for f in pickles)
        rep.check("weights-headers", None, "pickle-format weights: headers cannot be checked "
                  "without unpickling; loaded only by the sandboxed child", pickles[0])
    else:
        rep.check("weights", False, "no weight files found (safetensors, GGUF, ONNX)")


def read_safetensors_table(tree: Tree, path: str, size: int) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(tensor table, summary) of one file, validated by the scan's header parser; only the
    header is read (two ranged reads)."""
    first = tree.read_range(path, 0, 8)
    n = int.from_bytes(first, "little") if len(first) == 8 else 0
    head = first + (tree.read_range(path, 8, n) if 0 < n <= SAFETENSORS_HEADER_MAX and 8 + n <= size else b"")
    summary = parse_safetensors_header(head, size)
    table = json.loads(head[8:8 + n])
    table.pop("__metadata__", None)
    return table, summary


def _safetensors(rep: StaticReport, files: list[str], shards: list[str]) -> None:
    index_name = next((f for f in files if f.endswith(".safetensors.index.json") and "/" not in f),
                      None)
    problems: list[str] = []
    params = 0
    dtypes: dict[str, int] = {}
    where: dict[str, str] = {}
    for f in shards:
        size = _size(rep, f)
        rep.weights_bytes += size
        try:
            table, summary = read_safetensors_table(rep.tree, f, size)
        except (HeaderError, OSError, ValueError) as exc:
            problems.append(f"{f}: {exc}")
            continue
        params += summary["parameters"]
        for name, t in table.items():
            if name in where:
                problems.append(f"tensor {name!r} is in both {where[name]} and {f}")
            where[name] = f
            rep.tensors[name] = {"dtype": t["dtype"], "shape": t["shape"], "file": f}
            dtypes[t["dtype"]] = dtypes.get(t["dtype"], 0) + 1
    rep.dtypes = sorted(dtypes, key=lambda d: -dtypes[d])
    rep.parameters_in_weights = params if not problems else None
    # Numbered shards: every one of N present.
    numbered = [SHARD_RE.match(f) for f in shards]
    groups: dict[tuple[str, int], set[int]] = {}
    for m in numbered:
        if m:
            groups.setdefault((m["stem"], int(m["n"])), set()).add(int(m["i"]))
    for (stem, n), have in groups.items():
        missing = sorted(set(range(1, n + 1)) - have)
        if missing:
            problems.append(f"{len(missing)} of {n} shards of {stem} missing "
                            f"(e.g. {stem}-{missing[0]:05d}-of-{n:05d}.safetensors)")
    if index_name:
        data, err = _read_json(rep, index_name)
        wm = data.get("weight_map") if isinstance(data, dict) else None
        if err or not isinstance(wm, dict):
            problems.append(f"{index_name}: unreadable weight_map ({err or 'not an object'})")
        else:
            for shard in sorted(set(wm.values()) - set(shards)):
                problems.append(f"{index_name} names {shard}, which is missing")
            wrong = [k for k, v in wm.items() if v in shards and where.get(k) != v]
            if wrong and not any("missing" in p for p in problems):
                problems.append(f"{len(wrong)} tensors of {index_name} are not in the shard it names"
                                f" (e.g. {wrong[0]!r})")
            total = (data.get("metadata") or {}).get("total_size")
            data_bytes = sum(math_prod(t["shape"]) * DTYPE_BYTES[t["dtype"]]
                             for t in rep.tensors.values())
            # total_size is the tensors' bytes; allow small padding differences.
            if (isinstance(total, int) and not problems
                    and abs(total - data_bytes) > max(1024, data_bytes // 1000)):
                problems.append(f"{index_name} declares total_size {total}, the shards hold "
                                f"{data_bytes} bytes of tensors")
    if problems:
        rep.check("weights-headers", False, "; ".join(problems[:5]), shards[0])
    else:
        extra = f", {len(shards)} shards consistent" if len(shards) > 1 else ""
        rep.check("weights-headers", True, f"{len(rep.tensors)} tensors, {params:,} parameters "
                  f"({', '.join(rep.dtypes)}){extra}", shards[0])


def math_prod(shape: list[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _tokenizer(rep: StaticReport, files: list[str]) -> None:
    if rep.weight_format in ("gguf",):
        return  # GGUF carries its tokenizer; the child's reader checks it
    found = [f for f in files if f.rsplit("/", 1)[-1] in TOKENIZER_FILES and "/" not in f]
    rep.tokenizer_files = found
    if found:
        rep.check("tokenizer", True, f"tokenizer present ({', '.join(found)})", found[0])
    elif rep.weight_format:
        rep.check("tokenizer", False, "no tokenizer files (tokenizer.json, tokenizer.model, "
                  "vocab.json, vocab.txt ...) next to the weights")


def _remote_code(rep: StaticReport, files: list[str]) -> None:
    """Custom code that `trust_remote_code=True` would import: `auto_map` entries."""
    for name in ("config.json", "tokenizer_config.json", "preprocessor_config.json"):
        if name not in files:
            continue
        data = rep.config if name == "config.json" else _read_json(rep, name)[0]
        am = data.get("auto_map") if isinstance(data, dict) else None
        if isinstance(am, dict) and am:
            refs = sorted({str(v if isinstance(v, str) else next((x for x in v if x), "")).split(".")[0]
                           for v in am.values() if v})
            rep.remote_code.append(f"{name} auto_map -> {', '.join(r + '.py' for r in refs if r)}")


def _config_vs_weights(rep: StaticReport) -> None:
    """Cheap torch-free agreement checks: vocabulary, width and depth against the tensors."""
    cfg, tensors = rep.config, rep.tensors
    if not cfg or not tensors:
        return
    sub = cfg.get("text_config")
    tc: dict[str, Any] = sub if isinstance(sub, dict) else cfg
    vocab = tc.get("vocab_size")
    width = next((tc[k] for k in ("hidden_size", "n_embd", "d_model", "dim") if
                  isinstance(tc.get(k), int)), None)
    layers = next((tc[k] for k in ("num_hidden_layers", "n_layer", "num_layers", "n_layers") if
                   isinstance(tc.get(k), int)), None)
    problems: list[str] = []
    emb = next((n for n in tensors if _EMBED_RE.search(n)), None)
    if emb is not None and len(tensors[emb]["shape"]) == 2:
        rows, cols = tensors[emb]["shape"]
        if isinstance(vocab, int) and rows != vocab:
            problems.append(f"vocab_size {vocab} but {emb} has {rows} rows")
        if isinstance(width, int) and cols != width:
            problems.append(f"hidden size {width} but {emb} is {cols} wide")
    idx = {int(m.group(1)) for n in tensors if (m := _LAYER_RE.search(n))}
    if isinstance(layers, int) and idx and max(idx) + 1 != layers and not cfg.get("is_encoder_decoder"):
        problems.append(f"config has {layers} layers, the weights {max(idx) + 1}")
    if problems:
        rep.check("config-vs-weights", False, "; ".join(problems), "config.json")
    elif emb is not None or idx:
        rep.check("config-vs-weights", True, "vocabulary, width and layer count agree with the "
                  "weights", "config.json")


def _finetuning_files(rep: StaticReport, files: list[str]) -> None:
    """Fine-tuning recipes the repository ships, and the LoRA settings a config gives."""
    for f in files:
        if SIDE_DIRS.search(f):
            continue
        base = f.rsplit("/", 1)[-1]
        if base == "adapter_config.json" or (
            _FT_NAME_RE.search(base) and base.endswith((".py", ".sh", ".yaml", ".yml", ".json", ".toml"))
        ):
            rep.finetune_files.append(f)
    for f in rep.finetune_files:
        if not f.endswith((".yaml", ".yml", ".json")):
            continue
        try:
            text = _read_text(rep, f)
            data = load_yaml(text, yaml.SafeLoader) if not f.endswith(".json") else load_json(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError):
            continue
        settings = _ft_settings(data)
        if settings:
            rep.finetune_settings = settings
            rep.finetune_settings_from.append(f)
            break


def _ft_settings(data: Any) -> dict[str, Any]:
    """LoRA rank/alpha/dropout/targets and learning rate, flattened one level deep."""
    if not isinstance(data, dict):
        return {}
    flat: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                flat.setdefault(str(k2), v2)
                flat.setdefault(f"{k}_{k2}", v2)
        else:
            flat[str(k)] = v
    out: dict[str, Any] = {}
    for key, names in _FT_KEYS.items():
        for n in names:
            v = flat.get(n)
            if key == "target_modules" and (isinstance(v, str) or
                                            (isinstance(v, list) and all(isinstance(x, str) for x in v))):
                out[key] = v
                break
            if key != "target_modules" and isinstance(v, int | float) and not isinstance(v, bool):
                out[key] = v
                break
    # A learning rate alone is a training config, not a LoRA recipe.
    return out if ({"r", "alpha", "target_modules"} & out.keys()) else {}


def _plan(rep: StaticReport, files: list[str]) -> LoadPlan:
    """The loader the card asks for (usage snippet, pipeline task), else what the files say."""
    fmt = rep.weight_format
    if fmt == "gguf":
        return LoadPlan("gguf", "AutoModelForCausalLM", "GGUF weights (gguf reader, then "
                        "transformers' GGUF loader)", rep.weight_files[0], "text-generation")
    if fmt == "onnx":
        return LoadPlan("onnx", None, "ONNX weights (onnxruntime)", rep.weight_files[0])
    if fmt is None or rep.config is None:
        return LoadPlan(None, basis="no loadable weights with a config.json")
    auto, basis = _auto_from_text(rep.card_text, rep.card_path)
    if auto is None:
        for f in files:
            if f.endswith(".py") and "/" not in f and re.search(r"infer|generat|predict|run|demo",
                                                                  f, re.IGNORECASE):
                try:
                    auto, basis = _auto_from_text(_read_text(rep, f, errors="replace"), f)
                except OSError:
                    continue
                if auto:
                    break
    if auto is None:
        tag = rep.card_meta.get("pipeline_tag")
        if isinstance(tag, str) and tag in PIPELINE_TASKS:
            auto, basis = PIPELINE_TASKS[tag], f"card pipeline_tag {tag!r}"
    if auto is None:
        archs = rep.config.get("architectures") or []
        arch = archs[0] if isinstance(archs, list) and archs and isinstance(archs[0], str) else ""
        auto = _auto_for_arch(arch, rep.config)
        basis = f"config.json architectures {arch!r}" if arch else "config.json (no architectures)"
    task = next((t for t, a in PIPELINE_TASKS.items() if a == auto), None)
    return LoadPlan("transformers", auto, basis, None, task)


def _auto_from_text(text: str, where: str | None) -> tuple[str | None, str]:
    m = _AUTO_RE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        return m.group(1), f"usage code in {where}:{line}"
    m2 = _PIPELINE_RE.search(text)
    if m2 and m2.group(1) in PIPELINE_TASKS:
        line = text.count("\n", 0, m2.start()) + 1
        return PIPELINE_TASKS[m2.group(1)], f"pipeline({m2.group(1)!r}) in {where}:{line}"
    return None, ""


def _auto_for_arch(arch: str, cfg: dict[str, Any]) -> str:
    if arch.endswith(("ForCausalLM", "LMHeadModel")):
        return "AutoModelForCausalLM"
    if arch.endswith("ForConditionalGeneration") and cfg.get("is_encoder_decoder"):
        return "AutoModelForSeq2SeqLM"
    for suffix, auto in (("ForMaskedLM", "AutoModelForMaskedLM"),
                         ("ForSequenceClassification", "AutoModelForSequenceClassification"),
                         ("ForTokenClassification", "AutoModelForTokenClassification"),
                         ("ForQuestionAnswering", "AutoModelForQuestionAnswering")):
        if arch.endswith(suffix):
            return auto
    return "AutoModel"

"""Classify scripts as inference, training, fine-tuning, evaluation or data code.

Python is read with `ast` (never imported or run): imports, called names and string
literals show what a script does. Other languages and notebooks fall back to names and
keywords.
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
import warnings

from truecard.bounded import load_json

ROLE_NAME_PATTERNS: dict[str, re.Pattern[str]] = {
    "training": re.compile(
        r"(^|[/_\-])(train|pretrain|trainer|training)([/_\-.]|$)|run_clm|run_mlm|run_pretrain"
    ),
    "finetuning": re.compile(
        r"(^|[/_\-])(finetune|fine_tune|fine-tune|sft|lora|qlora|dpo|rlhf|ppo|instruct_tune)([/_\-.]|$)"
    ),
    "inference": re.compile(
        r"(^|[/_\-])(infer|inference|generate|generation|predict|demo|chat|serve|server|app|pipeline|sample|run_model|example|quickstart|cli)([/_\-.]|$)"
    ),
    "evaluation": re.compile(r"(^|[/_\-])(eval|evaluate|evaluation|benchmark|bench|test_model)([/_\-.]|$)"),
    "data": re.compile(
        r"(^|[/_\-])(preprocess|prepare|tokeni[sz]e_data|data_?prep|build_dataset|dedup|filter|download_data|make_data)([/_\-.]|$)"
    ),
}

TRAIN_CALLS = {
    "backward",
    "zero_grad",
    "Trainer",
    "Seq2SeqTrainer",
    "SFTTrainer",
    "DPOTrainer",
    "TrainingArguments",
    "Accelerator",
    "DistributedDataParallel",
    "FullyShardedDataParallel",
    "deepspeed.initialize",
    "initialize",
    "fit",
    "train",
    "get_peft_model",
    "LoraConfig",
    "clip_grad_norm_",
    "GradScaler",
}
FINETUNE_CALLS = {
    "get_peft_model",
    "LoraConfig",
    "SFTTrainer",
    "DPOTrainer",
    "prepare_model_for_kbit_training",
    "PeftModel",
}
INFER_CALLS = {
    "generate",
    "pipeline",
    "from_pretrained",
    "eval",
    "no_grad",
    "inference_mode",
    "decode",
    "batch_decode",
    "Llama",
    "InferenceSession",
}
EVAL_CALLS = {"evaluate", "simple_evaluate", "load_metric", "compute_metrics"}
PRETRAIN_CALLS = {"from_config", "_from_config", "init_weights", "apply", "reset_parameters"}
TRAIN_IMPORTS = {
    "deepspeed",
    "accelerate",
    "megatron",
    "torch.distributed",
    "lightning",
    "pytorch_lightning",
    "trl",
    "peft",
    "composer",
    "nanotron",
    "olmo",
    "levanter",
    "maxtext",
    "torchtitan",
}


# nodes with no child nodes worth visiting: names, constants, contexts, operators (most of a tree)
_LEAVES = (ast.Name, ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.alias)


def _names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The names called and the modules imported anywhere in `tree`.

    An explicit stack over each node's fields, not `ast.walk`: the walk's generators were
    ~60 % of a large repository's scan. Only sets come out, so the visiting order is free."""
    calls: set[str] = set()
    imports: set[str] = set()
    ast_type, leaves = ast.AST, _LEAVES
    todo: list[ast.AST] = [tree]
    pop, push, extend = todo.pop, todo.append, todo.extend
    while todo:
        node = pop()
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute):
                calls.add(f.attr)
                if isinstance(f.value, ast.Name):
                    calls.add(f"{f.value.id}.{f.attr}")
            elif isinstance(f, ast.Name):
                calls.add(f.id)
        elif isinstance(node, ast.Import):
            imports.update(a.name for a in node.names)
            continue
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                imports.add(node.module)
                imports.update(f"{node.module}.{a.name}" for a in node.names)
            continue
        for field in node._fields:
            v = getattr(node, field, None)
            if type(v) is list:
                extend([x for x in v if isinstance(x, ast_type) and not isinstance(x, leaves)])
            elif isinstance(v, ast_type) and not isinstance(v, leaves):
                push(v)
    return calls, imports


def classify_code(path: str, text: str | None) -> tuple[set[str], list[str], bool]:
    """(roles, reasons, pretraining) for one file."""
    roles: set[str] = set()
    reasons: list[str] = []
    low = path.lower()
    base = posixpath.basename(low)
    if base.startswith("test_") or "/tests/" in f"/{low}" or base == "conftest.py":
        return set(), [], False
    for role, rx in ROLE_NAME_PATTERNS.items():
        if rx.search(low):
            roles.add(role)
            reasons.append(f"file name suggests {role}")
    pretraining = False
    if text is None:
        return roles, reasons, pretraining
    if path.endswith(".ipynb"):
        text = _notebook_source(text)
    if path.endswith((".py", ".ipynb")):
        try:
            with warnings.catch_warnings():  # the scanned code's own warnings are not ours to print
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            reasons.append("not parseable as Python; judged by name only")
            return roles, reasons, pretraining
        calls, imports = _names(tree)
        top = {i.split(".")[0] for i in imports} | imports
        train_hits = sorted(calls & TRAIN_CALLS)
        if (
            ("backward" in calls and ({"step", "zero_grad"} & calls))
            or {"Trainer", "Seq2SeqTrainer", "TrainingArguments"} & calls
            or (top & TRAIN_IMPORTS and ({"backward", "fit", "train"} & calls))
        ):
            roles.add("training")
            reasons.append("training loop calls: " + ", ".join(train_hits[:4]))
        if calls & FINETUNE_CALLS or ("peft" in top and "training" in roles) or "trl" in top:
            roles.add("finetuning")
            reasons.append(
                "fine-tuning calls: " + ", ".join(sorted(calls & FINETUNE_CALLS)[:4] or ["peft/trl"])
            )
        if ({"generate", "pipeline", "InferenceSession", "batch_decode"} & calls) or (
            "from_pretrained" in calls and ({"no_grad", "inference_mode", "decode", "eval"} & calls)
        ):
            roles.add("inference")
            reasons.append("inference calls: " + ", ".join(sorted(calls & INFER_CALLS)[:4]))
        if calls & EVAL_CALLS or "lm_eval" in top:
            roles.add("evaluation")
            reasons.append("evaluation calls")
        if "training" in roles and (calls & PRETRAIN_CALLS or re.search(r"\bpre-?train", text, re.I)):
            pretraining = True
    else:
        low_text = text.lower()
        if re.search(
            r"\b(torchrun|deepspeed|accelerate launch|python\s+\S*train\S*\.py|composer|torch\.distributed\.run)\b",
            low_text,
        ):
            roles.add("training")
            reasons.append("launches training")
        if re.search(r"\b(python\s+\S*(generate|infer|inference)\S*\.py|llama-cli|vllm serve)\b", low_text):
            roles.add("inference")
            reasons.append("launches inference")
    return roles, reasons, pretraining


def _notebook_source(text: str) -> str:
    try:
        nb = load_json(text)
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
        src = []
        for c in cells:
            if isinstance(c, dict) and c.get("cell_type") == "code":
                s = c.get("source", "")
                s = "".join(s) if isinstance(s, list) else str(s)
                # drop IPython magics and shell escapes, which are not Python
                src.append("\n".join(ln for ln in s.splitlines() if not ln.lstrip().startswith(("!", "%"))))
        return "\n".join(src)
    except (json.JSONDecodeError, TypeError, AttributeError):
        return ""

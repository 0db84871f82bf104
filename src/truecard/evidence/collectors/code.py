"""Scripts and notebooks, classed by what they do (inference, training, fine-tuning,
evaluation, data preparation, architecture) from `ast` and names: read, never imported or run."""

from __future__ import annotations

import posixpath
import re

from truecard.evidence.code import classify_code
from truecard.evidence.collectors._common import ev
from truecard.evidence.inventory import CodeFile, ConfigFile, FileRecord, Inventory
from truecard.evidence.patterns import HYPERPARAM_FLAG_RE, TRAIN_COMMAND_RE
from truecard.evidence.text import read_text
from truecard.models import EvidenceKind, Problem
from truecard.sources.base import Tree

MAX_CODE = 3000
CODE_READ_LIMIT = 1 << 20
ARCH_FILE_NAMES = {"model.py", "modeling.py"}
FT_PATH_RE = re.compile(r"(^|[/_\-])(finetune|fine_tune|fine-tune|sft|lora|qlora|dpo|ppo|rlhf)([/_\-.]|$)", re.I)


def collect_tree(inv: Inventory, tree: Tree, recs: list[FileRecord]) -> None:
    code = [r for r in recs if r.kind in ("code", "notebook")]
    for r in code[:MAX_CODE]:
        text = None
        if r.size <= CODE_READ_LIMIT:
            t = read_text(tree, r.path, r.size, CODE_READ_LIMIT)
            text = t.text
            if t.text is None and t.problem and t.problem.startswith("unreadable"):
                inv.problems.append(Problem(path=r.path, source=tree.info.id, message=t.problem))
        roles, reasons, pretraining = classify_code(r.path, text)
        base = posixpath.basename(r.path)
        if base.startswith("modeling_") or base in ARCH_FILE_NAMES:
            roles.add("architecture")
            reasons.append("defines the model architecture")
        if text is not None and r.path.endswith((".sh", ".ipynb", ".slurm", ".bash")) and (
            "training" in roles or TRAIN_COMMAND_RE.search(text)
        ):
            flags = sorted({m.group(0) for m in HYPERPARAM_FLAG_RE.finditer(text)})
            if len(flags) >= 3:
                # a launch script with the run's hyper-parameters is that run's configuration
                inv.configs.append(
                    ConfigFile(
                        r.path,
                        "finetuning" if roles & {"finetuning"} or FT_PATH_RE.search(r.path) else "training",
                        ev(tree, r.path, EvidenceKind.TRAINING_CONFIG, f"{r.path}: launch script with hyper-parameters ({', '.join(flags[:5])})"),
                        flags[:20],
                    )
                )
        if roles:
            inv.code.append(
                CodeFile(
                    r.path,
                    roles,
                    reasons,
                    ev(tree, r.path, EvidenceKind.CODE, f"{r.path}: {', '.join(sorted(roles))}"),
                    pretraining,
                )
            )


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

"""Instructions for running and fine-tuning the model, as cards and docs give them.

Usage: code fences that load a model (complete when they also run it), command lines that
run a script or runtime, usage sections ("How to use", "Prompt format"), a runtime library
named for the model (`library_name` metadata, "use it with llama.cpp"), the Hub's widget.
Fine-tuning: guides and examples linked, plain statements that the model can or is meant
to be fine-tuned (not "the base model can be"), the training framework used named.
"""

from __future__ import annotations

import re

from truecard.evidence.collectors._common import (
    ascii_lower,
    body_line_index,
    body_lines,
    may_match,
    sentences_for,
)
from truecard.evidence.inventory import Card, FinetuneRef, Inventory, UsageRef
from truecard.evidence.patterns import (
    COMMAND_RE,
    FINETUNE_GUIDE_RE,
    FINETUNE_MENTION_RE,
    FINETUNE_NOT_THIS_RE,
    FRAMEWORK_USED_RE,
    HYPERPARAM_LINE_RE,
    LIBRARY_USE_RE,
    LOAD_CALL_RE,
    RUN_CALL_RE,
    RUNTIME_RE,
    TRAIN_WORD_RE,
    TRAINED_WITH_RE,
    URL_RE,
    USAGE_TITLE_RE,
    is_training_line,
)
from truecard.evidence.prefilter import fold
from truecard.models import EvidenceKind, clip


def collect(inv: Inventory) -> None:
    for card in inv.cards + inv.docs:
        _usage(inv, card)
        _finetune(inv, card)
    for card in inv.model_cards:
        md = card.metadata
        lib = md.get("library_name")
        if isinstance(lib, str) and lib.strip():
            inv.usage.append(
                UsageRef(
                    "library",
                    card.evidence(f"library_name: {lib}", kind=EvidenceKind.METADATA, field="card:library_name", excerpt=clip(lib)),
                    library=lib.strip(),
                )
            )
        if md.get("widget") or md.get("inference") not in (None, False):
            inv.usage.append(
                UsageRef("widget", card.evidence("the Hub's inference widget is configured", kind=EvidenceKind.METADATA, field="card:widget"))
            )


def _usage(inv: Inventory, card: Card) -> None:
    lines = body_lines(card)
    first = card.body_offset + 1
    in_fence = False
    block: list[tuple[int, str]] = []
    blocks: list[list[tuple[int, str]]] = []
    indented: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if ("`" in line or "~" in line) and line.lstrip().startswith(("```", "~~~")):
            if in_fence and block:
                blocks.append(block)
            in_fence = not in_fence
            block = []
            continue
        if in_fence:
            block.append((first + i, line))
            continue
        # Markdown's indented code blocks (four spaces or a tab) count as code too
        if line.startswith(("    ", "\t")) and line.strip():
            indented.append((first + i, line))
        elif line.strip():
            if len(indented) >= 2:
                blocks.append(indented)
            indented = []
    if len(indented) >= 2:
        blocks.append(indented)
    found_code = False
    for b in blocks:
        text = "\n".join(t for _, t in b)
        _finetune_block(inv, card, b)
        load = LOAD_CALL_RE.search(text)
        if load:
            complete = bool(RUN_CALL_RE.search(text[load.end() :]))
            remote = bool(re.search(r"trust_remote_code\s*=\s*True", text))
            # the call may span lines ("from_pretrained\n(...)"): cite the block's first line then
            ln = next((n for n, t in b if LOAD_CALL_RE.search(t)), b[0][0])
            inv.usage.append(
                UsageRef(
                    "code",
                    card.evidence(
                        "usage code that loads the model" + (" and runs it" if complete else " (loading only)"),
                        kind=EvidenceKind.USAGE_CODE,
                        line_start=b[0][0],
                        line_end=b[-1][0],
                        excerpt=clip(next(t for n, t in b if n == ln).strip()),
                    ),
                    complete=complete,
                    remote_code=remote,
                )
            )
            found_code = True
            continue
        # command lines that run something (not a training run: that is a fine-tuning path)
        maybe = body_line_index(card).may_match(COMMAND_RE)  # body line k is file line first + k
        cmds = [(n, t) for n, t in b
                if (maybe is None or n - first in maybe) and COMMAND_RE.search(t) and not is_training_line(t)]
        for n, t in cmds[:3]:
            inv.usage.append(
                UsageRef(
                    "command",
                    card.evidence("a command line that runs the model", kind=EvidenceKind.USAGE_CODE, line_start=n, excerpt=clip(t.strip())),
                    complete=True,
                )
            )
            found_code = True
    for s in card.sections:
        if s.filled and s.title and USAGE_TITLE_RE.search(s.title):
            inv.usage.append(UsageRef("section", card.section_evidence(s, f"usage section '{s.title[:80]}'")))
            break
    if not found_code:
        mention = None
        # only sentences one of the two runtime patterns may match; with a URL too, since the
        # URL is blanked out before they are searched (a literal with a space could form)
        for ln, sent in sentences_for(card, LIBRARY_USE_RE, RUNTIME_RE, containing=("://",)):
            m = LIBRARY_USE_RE.search(URL_RE.sub(" ", sent))
            if m and (TRAINED_WITH_RE.search(sent) or TRAIN_WORD_RE.search(sent)):
                m = None  # "trained using Flax": a training framework, not how to run it
            if m:
                lib = next(g for g in m.groups() if g)
                inv.usage.append(
                    UsageRef(
                        "library",
                        card.evidence(f"runtime named: {lib}", kind=EvidenceKind.PROSE, line_start=ln, excerpt=clip(sent)),
                        library=lib,
                    )
                )
                mention = None
                break
            if mention is None and card.role == "model" and not TRAIN_WORD_RE.search(sent):
                r = RUNTIME_RE.search(URL_RE.sub(" ", sent))
                if r:
                    mention = (ln, sent, r.group(1))
        if mention:
            ln, sent, lib = mention
            inv.usage.append(
                UsageRef(
                    "mention",
                    card.evidence(f"runtime mentioned in passing: {lib}", kind=EvidenceKind.PROSE, line_start=ln, excerpt=clip(sent)),
                    library=lib,
                )
            )


def _finetune_block(inv: Inventory, card: Card, block: list[tuple[int, str]]) -> None:
    """A code block that trains (a command line) or configures training (hyper-parameters)."""
    cmd = next(((n, t) for n, t in block if is_training_line(t)), None)
    if cmd:
        inv.finetune.append(
            FinetuneRef(
                "command",
                card.evidence("a training command line", kind=EvidenceKind.USAGE_CODE, line_start=cmd[0], excerpt=clip(cmd[1].strip())),
            )
        )
        return
    text = fold("\n".join(t for _, t in block))
    hp = [(n, t) for n, t in block if HYPERPARAM_LINE_RE.search(t)] if may_match(HYPERPARAM_LINE_RE, text) else []
    if len(hp) >= 3:
        inv.finetune.append(
            FinetuneRef(
                "config",
                card.evidence(
                    f"a training configuration ({len(hp)} hyper-parameters)",
                    kind=EvidenceKind.USAGE_CODE,
                    line_start=block[0][0],
                    line_end=block[-1][0],
                    excerpt=clip("; ".join(t.strip() for _, t in hp[:4])),
                ),
            )
        )


def _hyperparameter_lists(inv: Inventory, card: Card) -> None:
    """Three or more consecutive `learning_rate: 1e-5` style lines outside code fences (a
    "Training hyperparameters" list or table) are the run's configuration, given in the card."""
    first = card.body_offset + 1
    run: list[tuple[int, str]] = []
    in_fence = False
    lines = body_lines(card)
    # the lines holding one of the pattern's literals (one pass for all lines): no other matches
    maybe = body_line_index(card).may_match(HYPERPARAM_LINE_RE)
    if maybe is not None and not maybe:
        return  # no line holds a hyper-parameter name: no list
    for i, line in enumerate([*lines, ""]):
        if ("`" in line or "~" in line) and line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and (maybe is None or i in maybe) and HYPERPARAM_LINE_RE.search(line):
            run.append((first + i, line))
            continue
        if len(run) >= 3:
            inv.finetune.append(
                FinetuneRef(
                    "config",
                    card.evidence(
                        f"training hyper-parameters listed ({len(run)})",
                        kind=EvidenceKind.PROSE,
                        line_start=run[0][0],
                        line_end=run[-1][0],
                        excerpt=clip("; ".join(t.strip(" -*|") for _, t in run[:4])),
                    ),
                )
            )
        run = []


def _finetune(inv: Inventory, card: Card) -> None:
    _hyperparameter_lists(inv, card)
    # a sentence gives a kind only when one of these three matches it
    for ln, sent in sentences_for(card, FINETUNE_GUIDE_RE, TRAINED_WITH_RE, FINETUNE_MENTION_RE):
        # cheap `in` tests first: every match of each regex contains one of the words tested
        low = ascii_lower(sent)
        if (low is None or "tuned" in low or "base model" in low) and FINETUNE_NOT_THIS_RE.search(sent):
            continue
        kind = None
        if (low is None or "tun" in low or "code" in low or "script" in low) and FINETUNE_GUIDE_RE.search(sent):
            kind = "guide"
        elif (
            low is None or "train" in low or "tune" in low or "aligned" in low or "built" in low
            or "developed" in low or "we use" in low or "codebase" in low or "customi" in low
        ) and TRAINED_WITH_RE.search(sent) and FRAMEWORK_USED_RE.search(sent):
            kind = "framework"
        elif (
            low is None or "tun" in low or "adapt" in low or "customi" in low or "train" in low
            or "you can" in low or "encouraged" in low
        ) and FINETUNE_MENTION_RE.search(sent):
            kind = "mention"
        if kind:
            inv.finetune.append(
                FinetuneRef(
                    kind,  # type: ignore[arg-type]
                    card.evidence(f"fine-tuning {kind}", kind=EvidenceKind.PROSE, line_start=ln, excerpt=clip(sent)),
                )
            )

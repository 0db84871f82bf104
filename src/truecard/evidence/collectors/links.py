"""Links and pointers in prose: papers, code, data, weights, trackers and demos; third-party
reproductions and invitations to reproduce; checkpoints or logs mentioned; usage code that
loads weights from a Hub repository."""

from __future__ import annotations

from truecard.evidence import patterns as prose
from truecard.evidence.collectors._common import body_lines, card_sentences
from truecard.evidence.inventory import Card, CheckpointRef, Inventory, LinkRef
from truecard.models import clip


def collect(inv: Inventory) -> None:
    for card in inv.cards + inv.docs:
        _card(inv, card)


def _card(inv: Inventory, card: Card) -> None:
    lines = body_lines(card)
    first = card.body_offset + 1
    for ln, sent in card_sentences(card):
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

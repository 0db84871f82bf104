"""Links and pointers in prose: papers, code, data, weights, trackers and demos; third-party
reproductions and invitations to reproduce; checkpoints or logs mentioned; usage code that
loads weights from a Hub repository."""

from __future__ import annotations

import re

from truecard.evidence import patterns as prose
from truecard.evidence.collectors._common import ascii_lower, sentences_for
from truecard.evidence.collectors.identity import loaded_ids
from truecard.evidence.collectors.prose import is_sibling
from truecard.evidence.inventory import AccessNote, Card, CheckpointRef, Inventory, LinkRef
from truecard.models import EvidenceKind, clip

# A gate on another distribution channel (the vendor's website) is not a gate on this repository.
ELSEWHERE_RE = re.compile(r"\b(?:visit|website|official (?:site|page|repo\w*)|meta\.com|their (?:site|website))\b", re.I)
THIS_REPO_RE = re.compile(r"\bthis (?:repo|repository|model card|hub repo\w*)\b", re.I)


def collect(inv: Inventory) -> None:
    for card in inv.cards + inv.docs:
        _card(inv, card)


def _card(inv: Inventory, card: Card) -> None:
    # a sentence gives something here only with a URL or a match of one of these three
    for ln, sent in sentences_for(
        card, prose.REPLICATION_RE, prose.REPRO_INVITE_RE, prose.CHECKPOINT_MENTION_RE, containing=("://",)
    ):
        # cheap `in` tests first: each regex below needs one of these words (or "://")
        low = ascii_lower(sent)
        all_urls = prose.URL_RE.findall(sent) if "://" in sent else []
        repro = low is None or "reproduc" in low or "replicat" in low or "verif" in low or "implementation" in low
        if repro and prose.REPLICATION_RE.search(sent):
            urls = all_urls
            inv.links.append(
                LinkRef(
                    urls[0] if urls else "",
                    "replication",
                    card.evidence(
                        "third-party reproduction referenced", kind=EvidenceKind.PROSE, line_start=ln, excerpt=clip(sent)
                    ),
                    "stated",
                )
            )
        elif (
            repro
            and prose.REPRO_INVITE_RE.search(sent)
            and not prose.REPRO_OTHERS_RE.search(sent)
            and not prose.REPRO_SEED_RE.search(sent)
        ):
            inv.links.append(
                LinkRef(
                    "",
                    "other",
                    card.evidence(
                        "reproduction instructions or invitation",
                        kind=EvidenceKind.PROSE_REPRO_INVITE,
                        line_start=ln,
                        excerpt=clip(sent),
                    ),
                    "invite",
                )
            )
        if (
            low is None or "checkpoint" in low or "log" in low or "loss curve" in low
        ) and prose.CHECKPOINT_MENTION_RE.search(sent):
            urls = all_urls
            # a link, or a plain statement that they are released, counts; a promise does not
            available = bool(
                urls or prose.CHECKPOINT_AVAILABLE_RE.search(sent)
            ) and not prose.CHECKPOINT_FUTURE_RE.search(sent)
            if not available and card.role != "model":
                continue  # a repository doc's "loss curve after fine-tuning" is some user's run
            tracker = any("wandb" in u or "tensorboard" in u for u in urls)
            inv.checkpoints.append(
                CheckpointRef(
                    "tracker" if tracker else "mention",
                    available,
                    card.evidence(
                        "checkpoints or logs "
                        + ("shared" if available else "mentioned")
                        + (" with a link" if urls else ""),
                        kind=EvidenceKind.PROSE,
                        line_start=ln,
                        excerpt=clip(sent),
                    ),
                )
            )
        # `categorize_url(url, sent)` for each URL, its sentence's test made once
        replicated = bool(all_urls) and prose.REPLICATION_RE.search(sent) is not None
        for url in all_urls:
            cat = "replication" if replicated else prose.url_category(url)
            if cat == "replication" and any(link.url == url for link in inv.links):
                continue
            inv.links.append(
                LinkRef(
                    url,
                    cat,  # type: ignore[arg-type]  # categorize_url returns one of LinkRef's categories
                    card.evidence(f"{cat} link: {url[:120]}", kind=EvidenceKind.LINK, line_start=ln, excerpt=clip(sent)),
                    sent[:200],
                )
            )
            if card.role == "model" and prose.WEIGHT_FILE_URL_RE.search(url) and not is_sibling(url, inv.identity):
                # a download link to the weight files themselves, in the model's own card (not
                # another size of the family: "acme-70b.Q4.gguf" on the 7B card)
                inv.links.append(
                    LinkRef(
                        url,
                        "weights",
                        card.evidence(f"download link to weight files: {url[:120]}", kind=EvidenceKind.LINK, line_start=ln, excerpt=clip(sent)),
                        "download",
                    )
                )
            if cat == "tracker":
                inv.checkpoints.append(
                    CheckpointRef(
                        "tracker",
                        True,
                        card.evidence(
                            f"experiment tracker: {url[:120]}", kind=EvidenceKind.LINK, line_start=ln, excerpt=clip(sent)
                        ),
                        url,
                    )
                )
    # usage code that loads "org/model" plainly shows downloadable weights
    for ln, hub_id, line in loaded_ids(card):
        inv.links.append(
            LinkRef(
                f"https://huggingface.co/{hub_id}",
                "weights",
                card.evidence(f"usage code loads {hub_id}", kind=EvidenceKind.USAGE_CODE, line_start=ln, excerpt=clip(line)),
                "from_pretrained",
            )
        )
    if card.role != "model":
        return
    # what the model's own card says about its weights: published, gated, a delta, withheld
    for ln, sent in sentences_for(card, *(rx for _, rx, _ in _ACCESS), prose.WEIGHTS_AVAILABLE_RE):
        low = ascii_lower(sent)
        for kind, rx, words in _ACCESS:
            if (low is None or any(w in low for w in words)) and rx.search(sent):
                if kind == "gated" and ELSEWHERE_RE.search(sent) and not THIS_REPO_RE.search(sent):
                    continue  # "visit the official website and request access": another channel
                inv.access.append(
                    AccessNote(
                        kind,  # type: ignore[arg-type]
                        card.evidence(f"weights {kind}", kind=EvidenceKind.PROSE, line_start=ln, excerpt=clip(sent)),
                    )
                )
        if prose.WEIGHTS_AVAILABLE_RE.search(sent) and not prose.UNRELEASED_RE.search(sent):
            inv.links.append(
                LinkRef(
                    "",
                    "weights",
                    card.evidence("the card states the weights are published", kind=EvidenceKind.PROSE, line_start=ln, excerpt=clip(sent)),
                    "statement",
                )
            )
    md = card.metadata
    gate = sorted(k for k in md if k.startswith("extra_gated") or k == "gated")
    if gate:
        inv.access.append(
            AccessNote(
                "gated",
                card.evidence(
                    f"card metadata {gate[0]}: access is gated behind an agreement",
                    kind=EvidenceKind.METADATA,
                    field=f"card:{gate[0]}",
                    line_start=_meta_line(card, gate[0]),
                ),
            )
        )


# each access regex with words one of which any match of it contains (lower case)
_ACCESS = (
    ("gated", prose.GATED_RE, ("access", "gated", "form", "request")),
    ("delta", prose.DELTA_RE, ("xor", "delta", "diff")),
    ("unreleased", prose.UNRELEASED_RE, ("not", "coming soon", "to be released")),
    ("adapter", prose.ADAPTER_ONLY_RE, ("lora", "peft", "adapter")),
)


def _meta_line(card: Card, key: str) -> int | None:
    for i, line in enumerate(card.lines[: card.body_offset], start=1):
        if line.startswith(f"{key}:"):
            return i
    return None


# every pattern here behind its exact literal prefilter (truecard.evidence.prefilter)
from truecard.evidence.prefilter import prefilter_namespace  # noqa: E402

prefilter_namespace(globals())

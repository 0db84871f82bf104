"""Sources linked from the ones a user named: datasets' cards, the code repository, the paper.

A model's openness is spread across places, and its card says where the rest lives. Two
levels, both bounded:

- always, for a Hub model: the cards of the datasets its metadata names (`datasets:`,
  `dataset:` tags), at most `MAX_DATASET_CARDS`, one request each, pinned to the revision
  seen on the first scan of that model revision (so re-scans are reproducible and instant);
- with `--follow-links`: the code repository (GitHub/GitLab links in the card, ranked by how
  plainly they belong to this model: same organisation, same name, a "code"/"repository"
  label; generic tool repositories such as transformers are never followed), the paper
  (arXiv ids from tags and links, read through the Hub's papers API, and the code link the
  paper page gives), and dataset links in the text. At most `follow_max` sources, links
  found up to `follow_depth` hops away.

Every followed source is named in the returned notes (which the scorecard shows as
warnings) and in its own `SourceInfo.notes`; a link that cannot be opened is a note, never
an error, since the user did not ask for it by name. Nothing here scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from truecard.evidence.files import CARD_NAMES
from truecard.sources.base import SourceError, Tree
from truecard.sources.options import DEFAULT as DEFAULT_OPTIONS
from truecard.sources.options import SourceOptions

MAX_DATASET_CARDS = 5
FOLLOW_MAX = 6
FOLLOW_DEPTH = 1
MAX_CODE_REPOS = 2
MAX_PAPERS = 2
README_LIMIT = 512 << 10

GITHUB_RE = re.compile(r"https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", re.I)
GITLAB_RE = re.compile(r"https?://gitlab\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", re.I)
ARXIV_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.I)
HF_DATASET_RE = re.compile(r"huggingface\.co/datasets/([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)", re.I)
CODE_LABEL_RE = re.compile(
    r"\b(code|repository|repo|source|codebase|implementation|training|pre-?training)\b", re.I
)
URL_RE = re.compile(r"https?://\S+")
# Tools many cards link to; they are not this model's code.
GENERIC_REPOS = {
    "huggingface/transformers",
    "huggingface/peft",
    "huggingface/trl",
    "huggingface/accelerate",
    "huggingface/datasets",
    "huggingface/diffusers",
    "huggingface/text-generation-inference",
    "huggingface/huggingface_hub",
    "huggingface/tokenizers",
    "huggingface/optimum",
    "pytorch/pytorch",
    "vllm-project/vllm",
    "ggerganov/llama.cpp",
    "ggml-org/llama.cpp",
    "eleutherai/lm-evaluation-harness",
    "microsoft/deepspeed",
    "nvidia/megatron-lm",
    "nvidia/tensorrt-llm",
    "dao-ailab/flash-attention",
    "openai/tiktoken",
    "google/sentencepiece",
    "ollama/ollama",
    "lm-sys/fastchat",
    "mlc-ai/mlc-llm",
    "turboderp/exllamav2",
    "casper-hansen/autoawq",
    "autogptq/autogptq",
    "timdettmers/bitsandbytes",
    "bitsandbytes-foundation/bitsandbytes",
    "unslothai/unsloth",
    "hiyouga/llama-factory",
    "axolotl-ai-cloud/axolotl",
    "openaccess-ai-collective/axolotl",
    "sgl-project/sglang",
}


@dataclass
class Link:
    """A source a card points at that may be read beside it (a dataset's card, the code
    repository, a paper), why it was chosen, and its rank among the candidates."""

    spec: str
    kind: str  # dataset, code, paper
    why: str
    origin: str
    score: int = 0


def expand(
    trees: list[Tree],
    *,
    follow_links: bool = False,
    follow_depth: int = FOLLOW_DEPTH,
    follow_max: int = FOLLOW_MAX,
    options: SourceOptions = DEFAULT_OPTIONS,
) -> list[str]:
    """Append linked sources to `trees` in place; return notes saying what was followed."""
    notes: list[str] = []
    seen = {_norm(t.info.id) for t in trees}
    _dataset_cards(trees, seen, notes, options)
    if not follow_links:
        return notes
    from truecard.sources.resolve import open_source

    frontier = list(trees)
    added = 0
    for _depth in range(max(0, follow_depth)):
        queue: list[Link] = []
        for t in frontier:
            queue.extend(discover(t))
        queue = _pick(queue, seen)
        frontier = []
        while queue:
            link = queue.pop(0)
            if _norm(link.spec) in seen:
                continue
            if added >= follow_max:
                notes.append(f"--follow-links stopped after {follow_max} sources; not followed: {link.spec}")
                break
            seen.add(_norm(link.spec))
            try:
                tree = open_source(link.spec, options)
            except SourceError as exc:
                notes.append(f"could not follow {link.spec} ({link.why}): {exc}")
                continue
            added += 1
            rev = f" @ {tree.info.revision[:12]}" if tree.info.revision else ""
            notes.append(f"followed {tree.info.id}{rev}: {link.why}")
            tree.info.notes.append(f"followed from {link.origin}: {link.why}")
            trees.append(tree)
            frontier.append(tree)
            # a paper page names its code: that link is as direct as the card's own
            gh = getattr(tree, "paper", {}).get("github_repo") if link.kind == "paper" else None
            if gh:
                queued = {_norm(q.spec) for q in queue}
                queue[:0] = [
                    lk
                    for lk in _code_links_from_text(gh, tree.info.id, "", bonus=4)
                    if _norm(lk.spec) not in seen and _norm(lk.spec) not in queued
                ][:1]
    return notes


def _dataset_cards(trees: list[Tree], seen: set[str], notes: list[str], options: SourceOptions) -> None:
    if not any(t.info.kind == "hf" for t in trees):
        return
    from truecard.sources.hub import HubTree, open_dataset_card

    for t in list(trees):
        if not isinstance(t, HubTree) or t.info.kind != "hf":
            continue
        ids = _dataset_ids(t)
        if not ids:
            continue
        pinned = t.cache.get_json(t.sha, "datasets") if t.cache else None
        pinned = pinned if isinstance(pinned, dict) else {}
        changed = False
        for d in ids[:MAX_DATASET_CARDS]:
            key = _norm(f"hf:datasets/{d}")
            if key in seen:
                continue
            seen.add(key)
            try:
                dt = open_dataset_card(
                    d,
                    offline=t.client is None,
                    client=t.client,
                    cache_dir=options.cache_dir,
                    pinned=pinned.get(d),
                    endpoint=t.endpoint,
                )
            except SourceError as exc:
                notes.append(str(exc))
                continue
            dt.info.notes.append(f"named in {t.info.id}'s metadata")
            trees.append(dt)
            if pinned.get(d) != dt.sha:
                pinned[d] = dt.sha
                changed = True
        if len(ids) > MAX_DATASET_CARDS:
            notes.append(
                f"{t.info.id} names {len(ids)} datasets; only the first {MAX_DATASET_CARDS} cards were read"
            )
        if changed and t.cache is not None:
            t.cache.put_json(t.sha, "datasets", pinned)


def _dataset_ids(t: Any) -> list[str]:
    out: list[str] = []
    ds = t.card_data.get("datasets")
    for d in ds if isinstance(ds, list) else [ds] if isinstance(ds, str) else []:
        if isinstance(d, str) and re.fullmatch(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?", d.strip()):
            out.append(d.strip())
    for tag in t.tags:
        if tag.startswith("dataset:"):
            out.append(tag.split(":", 1)[1])
    return list(dict.fromkeys(out))


def discover(tree: Tree) -> list[Link]:
    """Links from a source's own card and metadata (never from deeper files)."""
    links: list[Link] = []
    origin = tree.info.id
    text = _card_text(tree)
    links.extend(_code_links_from_text(text, origin, _model_name(tree)))
    arxiv = list(dict.fromkeys(ARXIV_RE.findall(text)))
    for tag in getattr(tree, "tags", []) or []:
        if tag.startswith("arxiv:"):
            arxiv.insert(0, tag.split(":", 1)[1])
    for a in list(dict.fromkeys(arxiv))[:MAX_PAPERS]:
        links.append(Link(f"arxiv:{a}", "paper", f"paper arXiv:{a} linked from {origin}", origin, 5))
    for d in list(dict.fromkeys(HF_DATASET_RE.findall(text)))[:MAX_DATASET_CARDS]:
        d = d.rstrip(".")
        links.append(Link(f"hf:datasets/{d}", "dataset", f"dataset linked from {origin}", origin, 3))
    return links


def _pick(links: list[Link], seen: set[str]) -> list[Link]:
    """Dedupe, keep the best code repositories, papers first (they may name the code)."""
    best: dict[str, Link] = {}
    for lk in links:
        key = _norm(lk.spec)
        if key in seen:
            continue
        if key not in best or lk.score > best[key].score:
            best[key] = lk
    code = sorted((lk for lk in best.values() if lk.kind == "code"), key=lambda lk: -lk.score)
    code = [lk for lk in code if lk.score >= 2][:MAX_CODE_REPOS]
    papers = [lk for lk in best.values() if lk.kind == "paper"][:MAX_PAPERS]
    data = [lk for lk in best.values() if lk.kind == "dataset"][:MAX_DATASET_CARDS]
    return papers + code + data


def _code_links_from_text(text: str, origin: str, model: str, bonus: int = 0) -> list[Link]:
    out: list[Link] = []
    org_model, _, name_model = model.lower().partition("/")
    model_tokens = _tokens(name_model or org_model)
    for line in text.splitlines() or [text]:
        for rx, prefix in ((GITHUB_RE, "gh:"), (GITLAB_RE, "https://gitlab.com/")):
            for org, repo in rx.findall(line):
                repo = re.sub(r"\.git$", "", repo.rstrip(".,);:'\"`"))
                if not repo or org.lower() in ("orgs", "sponsors", "topics", "features", "apps", "settings"):
                    continue
                full = f"{org}/{repo}".lower()
                if full in GENERIC_REPOS:
                    continue
                # belonging: same organisation, same model name, or a plain "code" label
                # (the words around the link, not the link itself)
                score = bonus
                if org_model and org.lower() == org_model:
                    score += 3
                if model_tokens & _tokens(repo):
                    score += 3
                if CODE_LABEL_RE.search(URL_RE.sub(" ", line)):
                    score += 2
                spec = f"gh:{org}/{repo}" if prefix == "gh:" else f"{prefix}{org}/{repo}.git"
                out.append(Link(spec, "code", f"code repository linked from {origin}", origin, score))
    return out


def _tokens(name: str) -> set[str]:
    """Name words that identify a model family: 'OLMo-7B-0724' -> {'olmo'}."""
    words = re.split(r"[-_.\s/]+", name.lower())
    return {
        w
        for w in words
        if len(w) >= 3 and not re.fullmatch(r"v?\d+[a-z]?|\d+(\.\d+)?[bmk]|hf|base|instruct|chat", w)
    }


def _model_name(tree: Tree) -> str:
    ref = getattr(tree, "ref", None)
    if ref is not None and getattr(ref, "repo_id", None):
        return str(ref.repo_id)
    loc = tree.info.id.split(":", 1)[-1]
    return "/".join(loc.rstrip("/").split("/")[-2:])


def _card_text(tree: Tree) -> str:
    try:
        entries = {e.path.lower(): e for e in tree.entries() if "/" not in e.path}
    except OSError:
        return ""
    for name in (*CARD_NAMES, "paper.md"):
        e = entries.get(name)
        if e is not None:
            try:
                return tree.read_head(e.path, min(e.size, README_LIMIT)).decode("utf-8", "replace")
            except OSError:
                return ""
    return ""


def _norm(spec: str) -> str:
    s = spec.strip().lower().removesuffix(".git")
    s = re.sub(r"^https?://(www\.)?github\.com/", "gh:", s)
    return s.split("@", 1)[0] if s.startswith(("gh:", "hf:")) else s

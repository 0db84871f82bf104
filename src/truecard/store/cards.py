"""Scorecards as the store sees them: validation, model ids, leaderboard summary columns.

Everything stored comes through `validate_scorecard`: a pushed or imported scorecard must be a
valid `truecard.models.Scorecard` whose arithmetic agrees with the TRUE specification (each
dimension the sum of its criteria, the total the sum of the dimensions, the tier the one the
total falls in), so nobody can store "30/30 Platinum" over fifteen zeros. Each scorecard is
checked against the spec version it names (`spec.version`), so a new spec version never
invalidates the evaluations stored under an older one.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from truecard.models import Scorecard
from truecard.spec import UnknownSpecVersion, load_spec

MODEL_ID_MAX = 200
# HF-style ids: `name` or `org/name`; letters, digits, '.', '_', '-'.
MODEL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)?$")
# Last path segments the web routes use after a model id (/models/ORG/NAME/diff ...).
RESERVED_SEGMENTS = {"claims", "claim", "diff", "evaluations", "audit", "history", "badge", "download"}
SCORECARD_MAX_BYTES = 5_000_000
# Width of the `points` column (one digit per criterion; truecard.store.orm, migration 0003): criteria
# past it are stored and shown everywhere but the matrix view and its criterion sort, until it is widened.
POINTS_WIDTH = 64

LICENSE_CLASSES = (
    "osi-permissive", "osi-copyleft", "open-data", "open-content",
    "restricted", "non-commercial", "proprietary", "none", "unknown",
)
# When a model's weights carry several identified licences, the most restrictive governs
# (the rule the licence criterion applies).
_RESTRICTIVENESS = {
    "proprietary": 0, "non-commercial": 1, "restricted": 2, "open-content": 3,
    "open-data": 4, "osi-copyleft": 5, "osi-permissive": 6,
}
# Weights under one of these classes are open; any other class means the model is not open
# source whatever its TRUE tier (the openness verdict shown beside the tier).
OPEN_LICENSE_CLASSES = ("osi-permissive", "osi-copyleft", "open-data", "open-content")
SCOPES = ("card-only", "card+code", "verified")
MODALITIES = ("text", "code", "vision", "audio", "multimodal", "other")


class InvalidEvaluation(ValueError):
    """A scorecard the store refuses; the message says why."""


class InvalidModelId(ValueError):
    pass


def canonical_json(doc: Any) -> str:
    """Compact JSON, key order kept: the stored text and the export's, byte for byte."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _errors(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors()[:3]:
        loc = ".".join(str(p) for p in e["loc"])
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    more = f" (+{exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
    return "; ".join(parts) + more


def validate_scorecard(doc: Any) -> Scorecard:
    """Parse and check one scorecard (a dict as decoded from JSON)."""
    if not isinstance(doc, dict):
        raise InvalidEvaluation("a scorecard must be a JSON object")
    # In place, so the stored text never names the scanning machine's folders (a local
    # source becomes its folder's name; see truecard.reports.portable).
    from truecard.reports.portable import portable_doc

    scrubbed = portable_doc(doc)
    if scrubbed is not doc:
        doc.clear()
        doc.update(scrubbed)
    try:
        card = Scorecard.model_validate(doc)
    except ValidationError as exc:
        raise InvalidEvaluation(f"not a truecard scorecard: {_errors(exc)}") from None
    try:
        spec = load_spec(card.spec.version)
    except UnknownSpecVersion as exc:
        raise InvalidEvaluation(str(exc)) from None
    if card.spec.name != spec.name:
        raise InvalidEvaluation(f"scorecard is for framework {card.spec.name!r}, not {spec.name!r}")
    want_dims = [d.id for d in spec.dimensions]
    got_dims = [d.id for d in card.dimensions]
    if got_dims != want_dims:
        raise InvalidEvaluation(f"dimensions must be {want_dims}, got {got_dims}")
    total = detected = 0
    for dspec, dim in zip(spec.dimensions, card.dimensions, strict=True):
        want = [c.id for c in dspec.criteria]
        got = [c.id for c in dim.criteria]
        if got != want:
            raise InvalidEvaluation(f"{dim.id}: criteria must be {want}, got {got}")
        for cspec, c in zip(dspec.criteria, dim.criteria, strict=True):
            if c.max != cspec.max or c.points > cspec.max:
                raise InvalidEvaluation(f"{c.id}: points {c.points}/{c.max}, the criterion is worth {cspec.max}")
            if c.detected_points > c.points:
                raise InvalidEvaluation(f"{c.id}: detected_points {c.detected_points} above points {c.points}")
        score = sum(c.points for c in dim.criteria)
        if dim.score != score or dim.max != dspec.max:
            raise InvalidEvaluation(
                f"{dim.id}: score {dim.score}/{dim.max} disagrees with its criteria ({score}/{dspec.max})"
            )
        total += score
        detected += sum(c.detected_points for c in dim.criteria)
    if card.total != total or card.max != spec.max:
        raise InvalidEvaluation(f"total {card.total}/{card.max} disagrees with the dimensions ({total}/{spec.max})")
    if card.total_detected != detected:
        raise InvalidEvaluation(f"total_detected {card.total_detected} disagrees with the criteria ({detected})")
    if card.tier != spec.tier_for(total).name:
        raise InvalidEvaluation(f"tier {card.tier!r} is wrong for {total}/{spec.max} ({spec.tier_for(total).name})")
    if card.tier_detected != spec.tier_for(detected).name:
        raise InvalidEvaluation(f"tier_detected {card.tier_detected!r} is wrong for {detected}/{spec.max}")
    if not card.subject.name.strip():
        raise InvalidEvaluation("subject.name is empty")
    return card


def check_model_id(model_id: str) -> str:
    mid = (model_id or "").strip()
    if not mid or len(mid) > MODEL_ID_MAX or not MODEL_ID_RE.match(mid):
        raise InvalidModelId(
            f"invalid model id {model_id[:80]!r}: use NAME or ORG/NAME (letters, digits, '.', '_', '-'; "
            f"at most {MODEL_ID_MAX} characters)"
        )
    segments = mid.split("/")
    if any(s in (".", "..") or s.startswith("..") for s in segments):
        raise InvalidModelId(f"invalid model id {mid!r}")
    if len(segments) > 1 and segments[-1].lower() in RESERVED_SEGMENTS:
        raise InvalidModelId(f"invalid model id {mid!r}: {segments[-1]!r} is reserved")
    return mid


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-._")
    return s[:MODEL_ID_MAX] or "model"


_HOST_PREFIXES = ("https://huggingface.co/", "http://huggingface.co/", "https://github.com/", "http://github.com/")


def repo_path(location: str) -> str | None:
    """`org/name` from `org/name`, `hf:org/name` or a Hugging Face / GitHub URL."""
    loc = location.strip()
    for p in ("hf:", "gh:", *_HOST_PREFIXES):
        if loc.startswith(p):
            loc = loc[len(p):]
            break
    parts = [p for p in loc.split("/") if p]
    if len(parts) >= 2:
        cand = f"{parts[0]}/{parts[1]}".removesuffix(".git")
        if MODEL_ID_RE.match(cand):
            return cand
    return None


def derive_model_id(card: Scorecard) -> str:
    """The model's id: the Hugging Face (or GitHub) repository it was read from, else the name
    of the local folder it was read from, else (a scorecard with no source) its name.

    Never the card's own `model_name` when there is a source: a README saying
    `model_name: bob/tiny` must not file a local scan under bob's model, and two folders
    whose cards share a name are two models. A folder's name has no `/`, so a local scan
    lands on an `org/name` id only through an explicit `--model-id`.
    """
    for kind in ("hf", "gh", "git"):
        for src in card.subject.sources:
            if src.kind == kind:
                rp = repo_path(src.location)
                if rp is None and kind != "git" and src.id.startswith(f"{kind}:"):
                    rp = repo_path(src.id)  # a Hub at a private $HF_ENDPOINT: its URL is no hub address
                if rp and (kind != "git" or src.location.startswith(_HOST_PREFIXES)):
                    try:
                        return check_model_id(rp)
                    except InvalidModelId:
                        continue
    for src in card.subject.sources:
        if src.kind == "local":
            folder = posixpath.basename(src.location.replace("\\", "/").rstrip("/")) or "local"
            try:
                return check_model_id(folder)
            except InvalidModelId:
                return check_model_id(slug(folder) or "local-model")
    try:
        return check_model_id(card.subject.name)
    except InvalidModelId:
        return check_model_id(slug(card.subject.name))


def organisation_of(model_id: str) -> str:
    return model_id.split("/", 1)[0] if "/" in model_id else ""


def weights_license_class(doc: dict[str, Any]) -> str:
    """The class of the licence governing the weights.

    Scorecards list one entry per artifact (`{"artifact": "weights", "class": ...}`, the
    governing licence already chosen by `truecard.licenses.artifacts`); older ones list raw
    findings by scope, where the most restrictive identified one governs.
    """
    entries = [e for e in doc.get("licenses") or [] if isinstance(e, dict)]
    weights = [e for e in entries if e.get("artifact") == "weights"]
    if weights:
        cls = str(weights[0].get("class") or "unknown")
        return cls if cls in LICENSE_CLASSES else "unknown"
    findings = [
        f for f in entries if f.get("scope") in ("weights", "model")
    ]
    if not findings:
        return "none"
    identified = [
        str(f.get("class")) for f in findings
        if f.get("class") in _RESTRICTIVENESS and float(f.get("confidence") or 0) >= 0.5
    ]
    if identified:
        return min(identified, key=lambda c: _RESTRICTIVENESS[c])
    classes = {str(f.get("class")) for f in findings}
    return "none" if classes <= {"none"} else "unknown"


def revision_of(card: Scorecard) -> str | None:
    revs = [s.revision for s in card.subject.sources if s.revision]
    if not revs:
        return None
    return ", ".join(dict.fromkeys(revs))[:200]


def summary(card: Scorecard, doc: dict[str, Any]) -> dict[str, Any]:
    """The indexed columns of one evaluation (and of its model, while it is the latest)."""
    dims = {d.id: d.score for d in card.dimensions}
    return {
        "total": card.total,
        "total_detected": card.total_detected,
        "tier": card.tier,
        **dims,  # one column per dimension (truecard.store.orm)
        "license_class": weights_license_class(doc),
        **framework_summary(doc),
        "spec_version": card.spec.version[:16],
    }


def obj(doc: Any, key: str) -> dict[str, Any]:
    """`doc[key]` when it is a JSON object, else an empty one (stored JSON is never trusted)."""
    v = doc.get(key) if isinstance(doc, dict) else None
    return v if isinstance(v, dict) else {}


def framework_summary(doc: dict[str, Any]) -> dict[str, Any]:
    """The other frameworks' headline figures, the scope read, modality, base or fine-tune and
    the criteria's points, from a stored scorecard (also the 0002 migration's backfill)."""
    fw = obj(doc, "frameworks")
    mof = obj(fw, "mof")
    osaid = obj(fw, "osaid")
    osai = obj(fw, "osai")
    mof_class = mof.get("class")
    score = osai.get("score_percent")
    if score is None and isinstance(osai.get("score"), (int, float)):
        score = float(osai["score"]) * 100
    mc = obj(doc, "model_card")
    return {
        "mof_class": int(mof_class) if isinstance(mof_class, int) and 0 <= mof_class <= 3 else None,
        "osaid_ready": bool(osaid["ready"]) if isinstance(osaid.get("ready"), bool) else None,
        "osai_score": round(float(score), 1) if isinstance(score, (int, float)) else None,
        "scope": scope_of(doc),
        "modality": modality_of(mc),
        "finetuned": bool(mc.get("base_model")) if mc else None,
        "points": "".join(
            str(min(9, max(0, int(c.get("points", 0)))))
            for d in doc.get("dimensions") or [] for c in d.get("criteria") or []
        )[:POINTS_WIDTH],
    }


def scope_of(doc: dict[str, Any]) -> str:
    """What the evaluation read: `verified` (the model was run and passed), `card-only` (no file
    but the model card is cited anywhere), else `card+code` (the card and other files)."""
    ver = doc.get("verification")
    if isinstance(ver, dict) and ver.get("status") == "passed":
        return "verified"
    mc = obj(doc, "model_card")
    card_files = {str(mc.get("card") or "README.md"), "README.md"}
    paths = {
        e.get("path") for d in doc.get("dimensions") or [] for c in d.get("criteria") or []
        for e in c.get("evidence") or [] if isinstance(e, dict) and e.get("origin", "detected") != "claimed"
    }
    paths.discard(None)
    return "card-only" if paths <= card_files else "card+code"


_TASKS = {
    "code": ("code",),
    "multimodal": ("image-text-to-text", "visual-question-answering", "image-to-text", "text-to-image",
                   "document-question-answering", "video-text-to-text", "any-to-any", "text-to-video",
                   "zero-shot-image-classification", "image-text", "feature-extraction-image"),
    "audio": ("automatic-speech-recognition", "text-to-speech", "audio", "speech", "voice"),
    "vision": ("image", "object-detection", "depth-estimation", "mask-generation", "video"),
    "text": ("text", "fill-mask", "token-classification", "question-answering", "summarization",
             "translation", "sentence-similarity", "feature-extraction", "conversational", "table-question"),
}


def modality_of(model_card: dict[str, Any]) -> str | None:
    """A coarse modality from the card's `pipeline_tag` (and tags), for the leaderboard filter."""
    task = str(model_card.get("task") or "").lower()
    tags = [str(t).lower() for t in model_card.get("tags") or []]
    if any(t.startswith("code") for t in tags) and (not task or task.startswith("text")):
        return "code"
    if not task:
        return None
    for modality, keys in _TASKS.items():
        if modality == "code":
            continue
        if any(task == k or task.startswith(k) for k in keys):
            return modality
    return "other"


def openness_verdict(license_class: str | None) -> dict[str, str]:
    """Whether the weights are open, in words: the verdict shown beside the TRUE tier."""
    cls = license_class or "unknown"
    if cls in OPEN_LICENSE_CLASSES:
        return {"verdict": "open", "label": "open licence",
                "text": "the weights are under an open licence"}
    if cls in ("restricted", "non-commercial", "proprietary"):
        what = {"restricted": "restricts use", "non-commercial": "forbids commercial use",
                "proprietary": "is proprietary"}[cls]
        return {"verdict": "not-open", "label": "not open source",
                "text": f"the weights' licence {what}: not open source"}
    if cls == "none":
        return {"verdict": "not-open", "label": "no licence",
                "text": "no licence was found for the weights: not open source"}
    return {"verdict": "unclear", "label": "licence unclear",
            "text": "the weights' licence could not be identified: not shown to be open source"}


def scanned_at(card: Scorecard) -> datetime:
    return card.scanned_at

"""Repository functions: every read and write of the store, through the ORM only.

Writers take a session from `Database.write()` (one transaction); readers one from
`Database.read()`. Permission rules live here, next to the writes they guard:

- reading is public;
- a model belongs to the user who first pushed it (or to whom an admin gave it with
  `truecard token create --owns`); only its owner or an admin may push evaluations to it or add
  claims; a model with no owner (stored by `scan --save`, `import` or the demo) only an admin;
- local commands with direct database access (`scan --save`, `import`) write as the operator.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, literal_column, or_, select, update
from sqlalchemy.orm import Session

from truecard.spec import load_spec
from truecard.store import cards
from truecard.store.orm import (
    PROVENANCES,
    UNCHECKED,
    ApiToken,
    AuditEntry,
    Claim,
    Evaluation,
    Model,
    StoreState,
    User,
    WebSession,
    criterion_digit_sql,
    utcnow,
)
from truecard.store.validate import check_evidence_url, check_note, check_user_name

TOKEN_PREFIX = "tc_"
SESSION_DAYS = 14


class NotFound(LookupError):
    pass


class Forbidden(PermissionError):
    pass


# --------------------------------------------------------------------------------------- audit


def audit(
    s: Session, actor: str, action: str, model: Model | None = None, detail: dict[str, Any] | None = None
) -> AuditEntry:
    entry = AuditEntry(
        at=utcnow(),
        actor=actor[:100],
        action=action,
        model_pk=model.id if model is not None else None,
        model_ref=model.model_id if model is not None else None,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    )
    s.add(entry)
    bump_version(s)
    return entry


def bump_version(s: Session) -> None:
    """Every change the pages show goes through `audit`, which calls this: one counter to compare."""
    res = s.execute(update(StoreState).where(StoreState.id == 1).values(version=StoreState.version + 1))
    if not res.rowcount:  # type: ignore[attr-defined]
        s.execute(insert(StoreState).values(id=1, version=1))


def data_version(s: Session) -> int:
    return s.scalar(select(StoreState.version).where(StoreState.id == 1)) or 0


def audit_for(s: Session, model: Model, limit: int = 100) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.model_pk == model.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(s.scalars(stmt))


def recent_audit(s: Session, limit: int = 200) -> list[AuditEntry]:
    return list(s.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


# --------------------------------------------------------------------------------------- users


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def get_or_create_user(s: Session, name: str, *, admin: bool = False) -> tuple[User, bool]:
    name = check_user_name(name)
    user = s.scalar(select(User).where(User.name == name))
    if user is not None:
        if admin and not user.is_admin:
            user.is_admin = True
        return user, False
    user = User(name=name, is_admin=admin, created_at=utcnow())
    s.add(user)
    s.flush()
    return user, True


def create_token(
    s: Session, name: str, *, admin: bool = False, owns: Sequence[str] = (), actor: str = "cli"
) -> tuple[User, str]:
    """A new bearer token for user `name` (created if new). Returns the raw token: shown once."""
    models = []
    for mid in owns:
        m = get_model(s, mid)
        if m is None:
            raise NotFound(f"no model {mid!r} in the store (push an evaluation of it first)")
        models.append(m)
    user, created = get_or_create_user(s, name, admin=admin)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    s.add(ApiToken(user_id=user.id, token_hash=_hash(raw), prefix=raw[:10], created_at=utcnow()))
    for m in models:
        m.owner_id = user.id
        audit(s, actor, "model.owner", m, {"owner": user.name})
    audit(s, actor, "token.create", None, {"user": user.name, "admin": user.is_admin, "new_user": created})
    return user, raw


def user_for_token(s: Session, raw: str | None) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    tok = s.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(raw), ApiToken.revoked_at.is_(None)))
    return tok.user if tok is not None else None


def list_tokens(s: Session) -> list[ApiToken]:
    return list(s.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(s: Session, prefix: str, *, actor: str = "cli") -> int:
    n = 0
    for tok in s.scalars(select(ApiToken).where(ApiToken.prefix == prefix, ApiToken.revoked_at.is_(None))):
        tok.revoked_at = utcnow()
        n += 1
        audit(s, actor, "token.revoke", None, {"user": tok.user.name, "prefix": prefix})
    return n


def can_maintain(user: User | None, model: Model) -> bool:
    return user is not None and (user.is_admin or (model.owner_id is not None and model.owner_id == user.id))


# ------------------------------------------------------------------------------------ sessions


def create_session(s: Session, user: User) -> str:
    sid = secrets.token_urlsafe(32)
    s.add(
        WebSession(
            sid_hash=_hash(sid),
            user_id=user.id,
            csrf=secrets.token_urlsafe(24),
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(days=SESSION_DAYS),
        )
    )
    return sid


def session_for(s: Session, sid: str | None) -> WebSession | None:
    if not sid or len(sid) > 100:
        return None
    ws = s.scalar(select(WebSession).where(WebSession.sid_hash == _hash(sid)))
    if ws is None or ws.expires_at < utcnow():
        return None
    return ws


def delete_session(s: Session, sid: str | None) -> None:
    if sid:
        for ws in s.scalars(select(WebSession).where(WebSession.sid_hash == _hash(sid))):
            s.delete(ws)


# -------------------------------------------------------------------------------------- models


def get_model(s: Session, model_id: str) -> Model | None:
    m = s.scalar(select(Model).where(Model.model_id == model_id))
    if m is None and len(model_id) <= cards.MODEL_ID_MAX:
        # Hub ids are case-insensitive: `Org/Name` finds `org/name` when unambiguous
        found = list(s.scalars(select(Model).where(Model.sort_key == model_id.lower()).limit(2)))
        m = found[0] if len(found) == 1 else None
    return m


@dataclass
class SaveResult:
    model: Model
    evaluation: Evaluation
    created_model: bool
    duplicate: bool


def save_evaluation(
    s: Session,
    doc: dict[str, Any],
    *,
    actor: str,
    model_id: str | None = None,
    user: User | None = None,
    enforce_owner: bool = False,
    stored_at: datetime | None = None,
    stored_by: str | None = None,
    audit_action: str = "evaluation.add",
    provenance: str = "scanned",
    pushed_by: str | None = None,
    verified_at: datetime | None = None,
) -> SaveResult:
    """Store one scorecard as a new evaluation of its model (created on first sight).

    An identical scorecard already stored for the model is not stored twice (`duplicate`).
    With `enforce_owner` (the API), the user must maintain an existing model; a new model
    becomes the user's. `provenance` says how it arrived (`orm.PROVENANCES`): a "pushed" one
    is ranked only once verified (`truecard.store.rescan`).
    """
    if provenance not in PROVENANCES:
        raise ValueError(f"unknown provenance {provenance!r}")
    card = cards.validate_scorecard(doc)
    text = cards.canonical_json(doc)
    if len(text.encode("utf-8")) > cards.SCORECARD_MAX_BYTES:
        raise cards.InvalidEvaluation(f"scorecard larger than {cards.SCORECARD_MAX_BYTES} bytes")
    fp = cards.fingerprint(text)
    mid = cards.check_model_id(model_id) if model_id else cards.derive_model_id(card)
    model = s.scalar(select(Model).where(Model.model_id == mid).with_for_update())
    if model is None:
        # Hub ids are case-insensitive: `ALICE/XSS` is alice's `alice/xss`, never a new
        # look-alike model owned by whoever pushed it first (the oldest spelling wins)
        model = s.scalar(
            select(Model).where(Model.sort_key == mid.lower()).order_by(Model.id).limit(1).with_for_update()
        )
    created = model is None
    if model is None:
        if enforce_owner and user is None:
            raise Forbidden("a token is needed to add a model")
        model = Model(
            model_id=mid,
            sort_key=mid.lower(),
            name=card.subject.name.strip()[:200],
            organisation=cards.organisation_of(mid)[:100],
            owner_id=user.id if (enforce_owner and user is not None) else None,
            created_at=utcnow(),
            evaluations_count=0,
            claims_count=0,
        )
        s.add(model)
        s.flush()
    elif enforce_owner and not can_maintain(user, model):
        who = model.owner.name if model.owner is not None else "no one (an admin must assign it)"
        raise Forbidden(f"model {model.model_id!r} is maintained by {who}")
    dup = s.scalar(select(Evaluation).where(Evaluation.model_pk == model.id, Evaluation.fingerprint == fp))
    if dup is not None:
        return SaveResult(model, dup, False, True)
    summ = {**cards.summary(card, doc), **provenance_columns(provenance, pushed_by, verified_at)}
    ev = Evaluation(
        model_pk=model.id,
        revision=cards.revision_of(card),
        scanned_at=card.scanned_at,
        stored_at=stored_at or utcnow(),
        stored_by=(stored_by or actor)[:100],
        truecard_version=card.truecard_version[:40],
        fingerprint=fp,
        scorecard=text,
        **summ,
    )
    s.add(ev)
    s.flush()
    previous = model.total if not created else None
    # the model row is locked (FOR UPDATE on PostgreSQL; SQLite writers hold the database lock)
    model.evaluations_count = (model.evaluations_count or 0) + 1
    is_latest = model.last_scanned_at is None or ev.scanned_at >= model.last_scanned_at
    if is_latest:
        for k, v in summ.items():
            setattr(model, k, v)
        model.last_scanned_at = ev.scanned_at
        model.latest_evaluation_id = ev.id
        model.name = card.subject.name.strip()[:200]
    audit(
        s,
        actor,
        audit_action,
        model,
        {
            "evaluation": ev.id,
            "revision": ev.revision,
            "total": ev.total,
            "tier": ev.tier,
            "previous_total": previous,
            "latest": is_latest,
        },
    )
    return SaveResult(model, ev, created, False)


def provenance_columns(provenance: str, pushed_by: str | None, verified_at: datetime | None) -> dict[str, Any]:
    """The provenance columns of an evaluation (and of its model while it is the latest)."""
    return {
        "provenance": provenance,
        "pushed_by": pushed_by[:100] if pushed_by else None,
        "verified_at": verified_at,
        "ranked": provenance not in UNCHECKED or verified_at is not None,
    }


PROVENANCE_COPIED = ("provenance", "pushed_by", "verified_at", "ranked")


def mark_verified(s: Session, ev: Evaluation, note: str, at: datetime | None = None) -> None:
    """A server re-scan of `ev`'s public source got the same points: rank it (and its model, when
    it is the latest)."""
    ev.verified_at = at or utcnow()
    ev.ranked = True
    ev.rescan_note = note[:300]
    model = s.get(Model, ev.model_pk, with_for_update=True)
    if model is not None and model.latest_evaluation_id == ev.id:
        for k in PROVENANCE_COPIED:
            setattr(model, k, getattr(ev, k))


# --------------------------------------------------------------------------------- leaderboard

_OPEN = Model.license_class.in_(cards.OPEN_LICENSE_CLASSES)

SORTS: dict[str, Any] = {
    "name": Model.sort_key,
    "total": Model.total,
    "detected": Model.total_detected,
    "tier": Model.total,
    "transparent": Model.transparent,
    "reproducible": Model.reproducible,
    "understandable": Model.understandable,
    "executable": Model.executable,
    "license": Model.license_class,
    "org": Model.organisation,
    "scanned": Model.last_scanned_at,
    # computed orders, stored (orm.sort_ranks) and indexed with total and model id (migration 0004):
    # MOF classes most open first (Class I, II, III, unclassified, not computed), OSAID ready,
    # OSAI score (not computed last), open weights, scope (verified, card+code, card-only)
    "mof": Model.mof_rank,
    "osaid": Model.osaid_rank,
    "osai": Model.osai_rank,
    "open": Model.open_rank,
    "scope": Model.scope_rank,
}
COMPUTED_SORTS = ("mof", "osaid", "osai", "open", "scope")


def sort_column(key: str) -> Any:
    """The column (or expression) a sort key orders by; a criterion id of the current spec sorts
    by its digit in `points` (the matrix view), spelt as its index is (orm.criterion_digit_sql).
    None for an unknown key."""
    if key in SORTS:
        return SORTS[key]
    ids = load_spec().criterion_ids
    return literal_column(criterion_digit_sql(ids.index(key) + 1)) if key in ids else None

PER_PAGE_MAX = 200
MOF_FILTERS = {"1": "Class I", "2": "Class II", "3": "Class III", "0": "unclassified", "none": "not computed"}
YES_NO = ("yes", "no")
# Pushed evaluations the server has not re-scanned: out of the default ranking ("hide"), listed
# with the rest and labelled ("show"), or alone ("only").
PUSHED_FILTERS = ("hide", "show", "only")


@dataclass
class LeaderboardQuery:
    sort: str = "total"
    direction: str = "desc"
    tier: str | None = None
    org: str | None = None
    license: str | None = None
    min_score: int | None = None
    q: str | None = None
    page: int = 1
    per_page: int = 50
    problems: list[str] = field(default_factory=list)
    mof: str | None = None  # "1", "2", "3", "0" (unclassified), "none" (not computed)
    osaid: str | None = None  # "yes" (ready) / "no"
    open: str | None = None  # "yes": weights under an open licence; "no": not (openwashing risk)
    scope: str | None = None  # "card-only", "card+code", "verified"
    modality: str | None = None
    finetuned: str | None = None  # "yes" (names a base model) / "no"
    pushed: str | None = None  # None/"hide" (the default ranking), "show", "only": see PUSHED_FILTERS

    def normalised(self) -> LeaderboardQuery:
        """Clamp and correct every field (a bad value is dropped and noted, never an error page)."""
        p: list[str] = []
        spec = load_spec()
        sort = self.sort if sort_column(self.sort) is not None else "total"
        if sort != self.sort:
            p.append(f"unknown sort {self.sort!r}")
        direction = self.direction if self.direction in ("asc", "desc") else "desc"
        tier = None
        if self.tier:
            tier = next((t for t in spec.tier_names if t.lower() == self.tier.strip().lower()), None)
            if tier is None:
                p.append(f"unknown tier {self.tier!r}")
        lic = None
        if self.license:
            lic = self.license.strip().lower()
            if lic not in cards.LICENSE_CLASSES:
                p.append(f"unknown licence class {self.license!r}")
                lic = None

        def pick(value: str | None, allowed: Sequence[str], what: str) -> str | None:
            v = (value or "").strip().lower()
            if not v:
                return None
            if v not in allowed:
                p.append(f"unknown {what} {value!r}")
                return None
            return v

        min_score = self.min_score
        if min_score is not None and not 0 <= min_score <= spec.max:
            min_score = max(0, min(spec.max, min_score))
        q = (self.q or "").strip()[:100] or None
        org = (self.org or "").strip()[:100] or None
        per_page = max(1, min(PER_PAGE_MAX, self.per_page))
        return LeaderboardQuery(
            sort, direction, tier, org, lic, min_score, q, max(1, min(self.page, 1_000_000)), per_page, p,
            mof=pick(self.mof, tuple(MOF_FILTERS), "MOF class"), osaid=pick(self.osaid, YES_NO, "OSAID value"),
            open=pick(self.open, YES_NO, "openness value"), scope=pick(self.scope, cards.SCOPES, "scope"),
            modality=pick(self.modality, cards.MODALITIES, "modality"),
            finetuned=pick(self.finetuned, YES_NO, "fine-tune value"),
            pushed=None if pick(self.pushed, PUSHED_FILTERS, "pushed value") == "hide"
            else pick(self.pushed, PUSHED_FILTERS, "pushed value"),
        )

    def filters(self) -> dict[str, Any]:
        """The active filters, by query parameter (for messages and links)."""
        keys = ("q", "tier", "org", "license", "min_score", "mof", "osaid", "open", "scope", "modality", "finetuned",
                "pushed")
        return {k: getattr(self, k) for k in keys if getattr(self, k) not in (None, "")}


# The leaderboard's columns: rows carry these attributes (no ORM entities built: a page of
# plain rows renders faster).
ROW_COLUMNS = (
    Model.model_id, Model.name, Model.organisation, Model.total, Model.total_detected, Model.tier,
    Model.transparent, Model.reproducible, Model.understandable, Model.executable, Model.license_class,
    Model.last_scanned_at, Model.evaluations_count, Model.claims_count,
    Model.mof_class, Model.osaid_ready, Model.osai_score, Model.scope, Model.modality, Model.finetuned,
    Model.points, Model.spec_version, Model.provenance, Model.pushed_by, Model.verified_at, Model.ranked,
)


def search_terms(q: str) -> list[str]:
    """Words of a search, lower-cased; each must match the id, the organisation or the name."""
    import re

    return [w for w in re.split(r"[\s,;]+", q.lower()) if w][:8]


def conditions(q: LeaderboardQuery) -> list[Any]:
    conds: list[Any] = []
    # the default ranking: only what the server produced or re-scanned with the same points
    if q.pushed is None:
        conds.append(Model.ranked.is_(True))
    elif q.pushed == "only":
        conds.append(Model.ranked.is_(False))
    if q.tier:
        conds.append(Model.tier == q.tier)
    if q.org:
        conds.append(Model.organisation == q.org)
    if q.license:
        conds.append(Model.license_class == q.license)
    if q.min_score is not None:
        conds.append(Model.total >= q.min_score)
    if q.mof:
        conds.append(Model.mof_class.is_(None) if q.mof == "none" else Model.mof_class == int(q.mof))
    if q.osaid:
        conds.append(Model.osaid_ready.is_(q.osaid == "yes"))
    if q.open:
        conds.append(_OPEN if q.open == "yes" else ~_OPEN)
    if q.scope:
        conds.append(Model.scope == q.scope)
    if q.modality:
        conds.append(Model.modality == q.modality)
    if q.finetuned:
        conds.append(Model.finetuned.is_(q.finetuned == "yes"))
    for w in search_terms(q.q or ""):
        conds.append(or_(
            Model.sort_key.contains(w, autoescape=True),
            func.lower(Model.name).contains(w, autoescape=True),
            func.lower(Model.organisation).contains(w, autoescape=True),
        ))
    return conds


def _order(q: LeaderboardQuery) -> list[Any]:
    col: Any = sort_column(q.sort)
    desc = q.direction == "desc"
    if q.sort in ("total", "tier"):
        # ix_models_rank: total, detected total, then model id A-Z (Z-A when ascending)
        if desc:
            return [Model.total.desc(), Model.total_detected.desc(), Model.sort_key.asc()]
        return [Model.total.asc(), Model.total_detected.asc(), Model.sort_key.desc()]
    if q.sort == "name":
        return [Model.sort_key.desc() if desc else Model.sort_key.asc()]
    if q.sort in COMPUTED_SORTS or q.sort in load_spec().criterion_ids:
        # computed orders: ties by total (best first when descending), then model id: the order
        # of their indexes (ix_models_<rank>_sort, ix_models_c<N>_sort), read forwards or backwards
        if desc:
            return [col.desc(), Model.total.desc(), Model.sort_key.asc()]
        return [col.asc(), Model.total.asc(), Model.sort_key.desc()]
    # ix_models_<column>_sort: ties broken by model id in the same direction
    return [col.desc(), Model.sort_key.desc()] if desc else [col.asc(), Model.sort_key.asc()]


def list_models(s: Session, query: LeaderboardQuery, *, count: int | None = None) -> tuple[list[Any], int]:
    """One page of the leaderboard (rows with the `ROW_COLUMNS` attributes) and the number of
    models matching the filters. A `count` the caller already knows for these filters (the
    dashboard caches it by data version: every sort and page of a filter shares it) is returned
    as is, and the counting statement, a scan of every matching row, is not run."""
    q = query.normalised()
    conds = conditions(q)
    stmt = select(*ROW_COLUMNS).where(*conds).order_by(*_order(q))
    rows = list(s.execute(stmt.offset((q.page - 1) * q.per_page).limit(q.per_page)))
    if count is None:
        count = s.scalar(select(func.count(Model.id)).where(*conds)) or 0
    return rows, count


def all_models(s: Session, query: LeaderboardQuery, limit: int = 100_000) -> list[Any]:
    """Every model matching the filters, in the query's order (the CSV and JSON downloads)."""
    q = query.normalised()
    stmt = select(*ROW_COLUMNS).where(*conditions(q)).order_by(*_order(q)).limit(limit)
    return list(s.execute(stmt))


# --------------------------------------------------------------------------------- evaluations


def history(s: Session, model: Model) -> list[Evaluation]:
    """All evaluations of a model, oldest first (without loading their scorecards' text)."""
    from sqlalchemy.orm import defer

    stmt = (
        select(Evaluation)
        .options(defer(Evaluation.scorecard))
        .where(Evaluation.model_pk == model.id)
        .order_by(Evaluation.scanned_at.asc(), Evaluation.id.asc())
    )
    return list(s.scalars(stmt))


def get_evaluation(s: Session, model: Model, evaluation_id: int | None = None) -> Evaluation | None:
    eid = evaluation_id if evaluation_id is not None else model.latest_evaluation_id
    if eid is None or not 0 < eid < 2**63:  # past a 64-bit key no row exists (and drivers overflow)
        return None
    return s.scalar(select(Evaluation).where(Evaluation.id == eid, Evaluation.model_pk == model.id))


def scorecard_doc(ev: Evaluation) -> dict[str, Any]:
    return json.loads(ev.scorecard)  # type: ignore[no-any-return]


# -------------------------------------------------------------------------------------- claims


def add_claim(
    s: Session,
    model: Model,
    user: User | None,
    *,
    criterion: str,
    evidence_url: str,
    note: str = "",
    actor: str | None = None,
    enforce_owner: bool = True,
    created_at: datetime | None = None,
    author: str | None = None,
) -> Claim:
    """Record a maintainer's claim on one criterion. Raises ValueError on bad input, Forbidden."""
    if enforce_owner and not can_maintain(user, model):
        if user is None:
            raise Forbidden("sign in (or send a token) to add a claim")
        raise Forbidden(f"{user.name} does not maintain {model.model_id}")
    ids = load_spec().criterion_ids
    if criterion not in ids:
        raise ValueError(f"unknown criterion {str(criterion)[:64]!r}; one of: {', '.join(ids)}")
    url = check_evidence_url(evidence_url)
    text = check_note(note)
    name = author or (user.name if user else actor) or "unknown"
    claim = Claim(
        model_pk=model.id,
        criterion=criterion,
        evidence_url=url,
        note=text,
        author=name[:100],
        user_id=user.id if user else None,
        created_at=created_at or utcnow(),
        evaluation_id=model.latest_evaluation_id,
    )
    s.add(claim)
    s.flush()
    s.refresh(model, with_for_update=True)  # lock the row before counting (PostgreSQL)
    model.claims_count = (model.claims_count or 0) + 1
    audit(
        s,
        actor or name,
        "claim.add",
        model,
        {"claim": claim.id, "criterion": criterion, "evidence_url": url, "note": text},
    )
    return claim


def claims_for(s: Session, model: Model) -> list[Claim]:
    stmt = select(Claim).where(Claim.model_pk == model.id).order_by(Claim.created_at.asc(), Claim.id.asc())
    return list(s.scalars(stmt))


def models_by_ids(s: Session, model_ids: Sequence[str]) -> list[Model]:
    out = []
    for mid in model_ids:
        m = get_model(s, mid)
        if m is None:
            raise NotFound(f"no model {mid!r}")
        out.append(m)
    return out


def unranked_count(s: Session) -> int:
    """Models left out of the default ranking (their latest evaluation pushed, not re-scanned)."""
    return s.scalar(select(func.count(Model.id)).where(Model.ranked.is_(False))) or 0


def stats(s: Session) -> dict[str, int]:
    return {
        "models": s.scalar(select(func.count(Model.id))) or 0,
        "evaluations": s.scalar(select(func.count(Evaluation.id))) or 0,
        "claims": s.scalar(select(func.count(Claim.id))) or 0,
    }

"""ORM tables of the store. Every schema change also needs an Alembic migration in
`truecard/store/migrations/versions/` (the tests check the two agree).

A model's leaderboard columns (total, tier, dimension scores, weights licence class, last
scanned) are copies of its latest evaluation's, kept in step by `repo.save_evaluation`, so the
leaderboard is one indexed query over `models` however many evaluations are stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from truecard.store.cards import OPEN_LICENSE_CLASSES


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (stored naive UTC, read back aware)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    """A person who can write: push evaluations, submit claims. Identified by API tokens."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, the table its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


def _bytewise(length: int) -> String:
    """A string column that sorts byte by byte on every backend (SQLite's default; "C" on PostgreSQL),
    so a leaderboard page is the same page whichever database serves it."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")  # type: ignore[return-value]


# Sortable leaderboard columns: each has a composite index (column, sort_key), the tie-breaker,
# so every order and every page is one index scan even with 10,000s of models.
SORTABLE = ("total_detected", "transparent", "reproducible", "understandable", "executable",
            "license_class", "organisation", "last_scanned_at", "osai_score")


class FrameworkColumns:
    """Columns every evaluation carries besides TRUE's (and its model copies from the latest):
    the other frameworks' headline figures, what was read, and what the model is, so the
    leaderboard filters and sorts on them in SQL. Framework columns are NULL when the stored
    scorecard did not compute that framework (`truecard scan -F mof` and `--save` do)."""

    # MOF class: 1 (Open Science) .. 3 (Open Model), 0 unclassified
    mof_class: Mapped[int | None] = mapped_column(Integer, nullable=True)
    osaid_ready: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    osai_score: Mapped[float | None] = mapped_column(Float, nullable=True)  # percent, 0-100
    # what was read: "card-only", "card+code" (the card and other files), "verified" (also run)
    scope: Mapped[str] = mapped_column(String(16), default="card+code", server_default="card+code")
    modality: Mapped[str | None] = mapped_column(String(24), nullable=True)
    finetuned: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # base_model named
    points: Mapped[str] = mapped_column(String(64), default="", server_default="")  # criteria, 1 digit each
    # the spec version the scorecard names: its maximum, tiers and criteria (truecard.spec.load_spec)
    spec_version: Mapped[str] = mapped_column(String(16), default="1.0", server_default="1.0")


# How an evaluation reached the store (`Evaluation.provenance`, copied to its model from the latest):
# "scanned": truecard run by the operator with the store at hand (`scan --save`, `batch --save`,
# `db rescan`); "imported": `truecard import`; "demo": `serve --demo`; "pushed": POST /api/evaluations
# with a token (the pusher's statement); "unknown": stored before 0003 with no trace of how.
PROVENANCES = ("scanned", "imported", "demo", "pushed", "unknown")
UNCHECKED = ("pushed", "unknown")  # ranked only once a server re-scan got the same points


class ProvenanceColumns:
    """Who vouches for an evaluation. The default leaderboard ranks only `ranked` rows: what the
    server itself produced (or its operator loaded), and pushed evaluations the server re-scanned
    from their public source with the same points (`verified_at`)."""

    provenance: Mapped[str] = mapped_column(String(16), default="scanned", server_default="scanned")
    pushed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the token's user
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ranked: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


# Sorts on a computed order (MOF class most open first, OSAID, OSAI, open weights, scope): each
# has a stored rank column (`sort_ranks`, set on every write of the model's row; migration 0004
# filled existing rows) and an index in the order the leaderboard asks for: rank, then total
# (best first when descending), then model id A-Z. One index scan per page, no sort in memory.
RANKED = ("mof_rank", "osaid_rank", "osai_rank", "open_rank", "scope_rank")
# Criteria sorts (the matrix) order by one digit of `points`: an expression index per position,
# for the first CRITERIA_INDEXED criteria (TRUE 1.0 has 15; a later criterion sorts unindexed).
CRITERIA_INDEXED = 15


def criterion_digit_sql(position: int) -> str:
    """The SQL of a criterion's digit (1-based position in `points`), spelt exactly as its index
    is: the database uses an expression index only for the same expression, literals included."""
    return f"substr(points, {int(position)}, 1)"


def sort_ranks(mof_class: int | None, osaid_ready: bool | None, osai_score: float | None,
               license_class: str | None, scope: str | None) -> dict[str, int | float]:
    """The rank columns of a model's row from its framework columns (higher sorts first when
    descending; not computed sorts last)."""
    return {
        "mof_rank": (4 - mof_class) if mof_class in (1, 2, 3) else 0 if mof_class == 0 else -1,
        "osaid_rank": -1 if osaid_ready is None else int(bool(osaid_ready)),
        "osai_rank": -1.0 if osai_score is None else float(osai_score),
        "open_rank": int(license_class in OPEN_LICENSE_CLASSES),
        "scope_rank": {"verified": 2, "card+code": 1}.get(scope or "card+code", 0),
    }


class Model(ProvenanceColumns, FrameworkColumns, Base):
    """One model (e.g. `org/name`) and its latest evaluation's leaderboard columns."""

    __tablename__ = "models"
    __table_args__ = (
        # the default order: total, then detected total, both descending, then model id
        Index("ix_models_rank", text("total DESC"), text("total_detected DESC"), "sort_key"),
        *(Index(f"ix_models_{c}_sort", c, "sort_key") for c in SORTABLE),
        *(Index(f"ix_models_{c}_sort", text(f"{c} DESC"), text("total DESC"), "sort_key") for c in RANKED),
        *(Index(f"ix_models_c{i}_sort", text(f"{criterion_digit_sql(i)} DESC"), text("total DESC"), "sort_key")
          for i in range(1, CRITERIA_INDEXED + 1)),
        # one model per case-folded id, whatever writes to the database (Hub ids are case-insensitive)
        Index("uq_models_model_id_folded", text("lower(model_id)"), unique=True),
        # the count of models left out of the ranking, on every uncached leaderboard page (0005)
        Index("ix_models_ranked", "ranked"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(String(200), unique=True)
    sort_key: Mapped[str] = mapped_column(_bytewise(200), index=True)  # lower-cased model_id
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(_bytewise(100), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    latest_evaluation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    total_detected: Mapped[int] = mapped_column(Integer, default=0)
    tier: Mapped[str] = mapped_column(String(16), index=True, default="Bronze")
    transparent: Mapped[int] = mapped_column(Integer, default=0)
    reproducible: Mapped[int] = mapped_column(Integer, default=0)
    understandable: Mapped[int] = mapped_column(Integer, default=0)
    executable: Mapped[int] = mapped_column(Integer, default=0)
    license_class: Mapped[str] = mapped_column(_bytewise(32), default="unknown")
    last_scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    evaluations_count: Mapped[int] = mapped_column(Integer, default=0)
    claims_count: Mapped[int] = mapped_column(Integer, default=0)
    # computed sort orders (`sort_ranks`), kept in step with the columns above on every write
    mof_rank: Mapped[int] = mapped_column(Integer, default=-1, server_default="-1")
    osaid_rank: Mapped[int] = mapped_column(Integer, default=-1, server_default="-1")
    osai_rank: Mapped[float] = mapped_column(Float, default=-1.0, server_default="-1")
    open_rank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    scope_rank: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    owner: Mapped[User | None] = relationship(lazy="select")


@event.listens_for(Model, "before_insert")
@event.listens_for(Model, "before_update")
def _set_sort_ranks(_mapper: object, _conn: object, m: Model) -> None:
    """Whatever changed a model's row through the ORM, its rank columns follow its columns."""
    for k, v in sort_ranks(m.mof_class, m.osaid_ready, m.osai_score, m.license_class, m.scope).items():
        if getattr(m, k) != v:
            setattr(m, k, v)


class Evaluation(ProvenanceColumns, FrameworkColumns, Base):
    """One stored scorecard: its full JSON, exactly as received, plus indexed summary columns."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("model_pk", "fingerprint", name="uq_evaluations_model_fingerprint"),
        Index("ix_evaluations_model_scanned", "model_pk", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_pk: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    revision: Mapped[str | None] = mapped_column(String(200), nullable=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stored_by: Mapped[str] = mapped_column(String(100), default="")
    total: Mapped[int] = mapped_column(Integer)
    total_detected: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(16))
    transparent: Mapped[int] = mapped_column(Integer)
    reproducible: Mapped[int] = mapped_column(Integer)
    understandable: Mapped[int] = mapped_column(Integer)
    executable: Mapped[int] = mapped_column(Integer)
    license_class: Mapped[str] = mapped_column(String(32))
    truecard_version: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of `scorecard`
    scorecard: Mapped[str] = mapped_column(Text)
    rescan_note: Mapped[str | None] = mapped_column(String(300), nullable=True)  # the last re-scan's outcome


class Claim(Base):
    """A maintainer's assertion about one criterion: shown as claimed, never as detected."""

    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_model_created", "model_pk", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_pk: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    evidence_url: Mapped[str] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    evaluation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditEntry(Base):
    """Who changed what, when: every write to the store leaves one."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    model_pk: Mapped[int | None] = mapped_column(
        ForeignKey("models.id", ondelete="SET NULL"), nullable=True, index=True
    )
    model_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")


class StoreState(Base):
    """One row: a counter every write transaction increments (in `repo.audit`), so a reader can
    tell in one indexed read whether anything changed (the leaderboard's page cache keys on it)."""

    __tablename__ = "store_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)

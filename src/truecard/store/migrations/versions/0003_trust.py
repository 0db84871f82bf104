"""Trust: each evaluation's provenance (scanned, imported, demo, pushed and by whom, verified by a
server re-scan), copied to its model from the latest so the default leaderboard ranks only what
the server vouches for; each model's spec version (its own maximum); `points` wide enough for 64
criteria; one model per case-folded id, enforced by a unique index on `lower(model_id)`.

Existing rows are classified from what the store already recorded: the "(pushed; not re-scanned by
the server)" label of `stored_by`, else the audit entry that stored the evaluation (an import, the
demo, `scan --save` / `batch` run by the operator, or a token's user through the API); an
evaluation with no such entry is "unknown" and, like a pushed one, unranked until re-scanned.
Models whose ids differ only by case (stored before ids were matched case-insensitively) keep
every row: all but the oldest are renamed `ID-caseN` (N its key) and the audit log says so.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import truecard.store.orm

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

PUSHED_SUFFIX = " (pushed; not re-scanned by the server)"
SHARED = ("spec_version", "provenance", "pushed_by", "verified_at", "ranked")
RANK_INDEX = "ix_models_rank"
FOLDED_INDEX = "uq_models_model_id_folded"


def _shared() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column('spec_version', sa.String(length=16), server_default='1.0', nullable=False),
        sa.Column('provenance', sa.String(length=16), server_default='scanned', nullable=False),
        sa.Column('pushed_by', sa.String(length=100), nullable=True),
        sa.Column('verified_at', truecard.store.orm.UTCDateTime(), nullable=True),
        sa.Column('ranked', sa.Boolean(), server_default=sa.true(), nullable=False),
    ]


def upgrade() -> None:
    conn = op.get_bind()
    for name in ('evaluations', 'models'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            for col in _shared():
                batch_op.add_column(col)
            if name == 'evaluations':
                batch_op.add_column(sa.Column('rescan_note', sa.String(length=300), nullable=True))
            batch_op.alter_column('points', existing_type=sa.String(length=15), type_=sa.String(length=64),
                                  existing_nullable=False, existing_server_default='')
    if conn.dialect.name == 'sqlite':
        # SQLite rebuilt `models` to change the column's type, and the copy of the ranking index
        # lost its DESC orders (reflection drops them): create it again as 0001 did
        names = {ix['name'] for ix in sa.inspect(conn).get_indexes('models')}
        if RANK_INDEX in names:
            op.drop_index(RANK_INDEX, 'models')
        op.create_index(RANK_INDEX, 'models', [sa.text('total DESC'), sa.text('total_detected DESC'), 'sort_key'])
    _backfill(conn)
    _separate_case_duplicates(conn)
    op.create_index(FOLDED_INDEX, 'models', [sa.text('lower(model_id)')], unique=True)


def _classify(stored_by: str, entry: tuple[str, str] | None) -> tuple[str, str | None, str]:
    """(provenance, pushed_by, stored_by) of a stored evaluation from its label and audit entry."""
    if stored_by.endswith(PUSHED_SUFFIX):
        who = stored_by[: -len(PUSHED_SUFFIX)]
        return 'pushed', who, who
    if entry is None:
        return 'unknown', None, stored_by
    action, actor = entry
    if action == 'evaluation.import':
        return ('demo' if actor.endswith('(demo)') else 'imported'), None, stored_by
    if actor == 'batch' or actor.startswith('cli:'):
        return 'scanned', None, stored_by
    return 'pushed', actor, stored_by  # the API's actor is the token's user


def _backfill(conn: sa.Connection) -> None:
    ev = sa.table('evaluations', sa.column('id'), sa.column('model_pk'), sa.column('stored_by'),
                  sa.column('scorecard'), *(sa.column(c) for c in SHARED))
    models = sa.table('models', sa.column('id'), sa.column('latest_evaluation_id'), *(sa.column(c) for c in SHARED))
    audit = sa.table('audit_log', sa.column('id'), sa.column('actor'), sa.column('action'), sa.column('detail'))
    entries: dict[int, tuple[str, str]] = {}
    rows = conn.execute(
        sa.select(audit.c.actor, audit.c.action, audit.c.detail)
        .where(audit.c.action.in_(('evaluation.add', 'evaluation.import'))).order_by(audit.c.id)
    )
    for actor, action, detail in rows:
        try:
            eid = json.loads(detail or '{}').get('evaluation')
        except (ValueError, AttributeError):
            continue
        if isinstance(eid, int):
            entries.setdefault(eid, (action, actor or ''))
    values: dict[int, dict[str, object]] = {}
    for eid, stored_by, text in conn.execute(sa.select(ev.c.id, ev.c.stored_by, ev.c.scorecard)).all():
        provenance, pushed_by, label = _classify(stored_by or '', entries.get(eid))
        try:
            version = str(json.loads(text).get('spec', {}).get('version') or '1.0')[:16]
        except (ValueError, TypeError, AttributeError):
            version = '1.0'
        v: dict[str, object] = {'spec_version': version, 'provenance': provenance, 'pushed_by': pushed_by, 'verified_at': None,
             'ranked': provenance not in ('pushed', 'unknown')}
        values[eid] = v
        conn.execute(sa.update(ev).where(ev.c.id == eid).values(stored_by=label, **v))
    for mid, latest in conn.execute(sa.select(models.c.id, models.c.latest_evaluation_id)).all():
        if latest in values:
            conn.execute(sa.update(models).where(models.c.id == mid).values(**values[latest]))


def _separate_case_duplicates(conn: sa.Connection) -> None:
    models = sa.table('models', sa.column('id'), sa.column('model_id'), sa.column('sort_key'))
    audit = sa.table('audit_log', sa.column('at'), sa.column('actor'), sa.column('action'), sa.column('model_pk'),
                     sa.column('model_ref'), sa.column('detail'))
    rows = conn.execute(sa.select(models.c.id, models.c.model_id).order_by(models.c.id)).all()
    taken = {mid.lower() for _, mid in rows}
    first: dict[str, str] = {}
    for pk, mid in rows:
        folded = mid.lower()
        if folded not in first:
            first[folded] = mid
            continue
        n, new = pk, f"{mid[:180]}-case{pk}"
        while new.lower() in taken:
            n += 1
            new = f"{mid[:180]}-case{n}"
        taken.add(new.lower())
        conn.execute(sa.update(models).where(models.c.id == pk).values(model_id=new, sort_key=new.lower()))
        conn.execute(sa.insert(audit).values(
            at=datetime.now(UTC).replace(tzinfo=None), actor='migration 0003', action='model.rename', model_pk=pk,
            model_ref=new, detail=json.dumps({'from': mid, 'to': new, 'same_as': first[folded]}, sort_keys=True)))


def downgrade() -> None:
    op.drop_index(FOLDED_INDEX, 'models')
    for name in ('models', 'evaluations'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column('points', existing_type=sa.String(length=64), type_=sa.String(length=15),
                                  existing_nullable=False, existing_server_default='')
            if name == 'evaluations':
                batch_op.drop_column('rescan_note')
            for col in reversed(SHARED):
                batch_op.drop_column(col)

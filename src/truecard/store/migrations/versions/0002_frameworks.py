"""Framework views and scope: MOF class, OSAID readiness, OSAI score, what was read, modality,
base or fine-tune and the criteria's points, on every evaluation and (copied from the latest) on
its model; existing rows are filled from their stored scorecards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

COLUMNS = ("mof_class", "osaid_ready", "osai_score", "scope", "modality", "finetuned", "points")


def _columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column('mof_class', sa.Integer(), nullable=True),
        sa.Column('osaid_ready', sa.Boolean(), nullable=True),
        sa.Column('osai_score', sa.Float(), nullable=True),
        sa.Column('scope', sa.String(length=16), server_default='card+code', nullable=False),
        sa.Column('modality', sa.String(length=24), nullable=True),
        sa.Column('finetuned', sa.Boolean(), nullable=True),
        sa.Column('points', sa.String(length=15), server_default='', nullable=False),
    ]


def upgrade() -> None:
    for name in ('evaluations', 'models'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            for col in _columns():
                batch_op.add_column(col)
    with op.batch_alter_table('models', schema=None) as batch_op:
        batch_op.create_index('ix_models_osai_score_sort', ['osai_score', 'sort_key'], unique=False)
    _backfill()


def _backfill() -> None:
    """Each stored evaluation's new columns from its scorecard; each model's from its latest."""
    from truecard.store.cards import framework_summary

    conn = op.get_bind()
    ev = sa.table('evaluations', sa.column('id'), sa.column('scorecard'), *(sa.column(c) for c in COLUMNS))
    models = sa.table('models', sa.column('id'), sa.column('latest_evaluation_id'), *(sa.column(c) for c in COLUMNS))
    rows = conn.execute(sa.select(ev.c.id, ev.c.scorecard)).all()
    by_id = {}
    for eid, text in rows:
        try:
            values = framework_summary(json.loads(text))
        except (ValueError, TypeError, AttributeError):
            continue
        by_id[eid] = values
        conn.execute(sa.update(ev).where(ev.c.id == eid).values(**values))
    for mid, latest in conn.execute(sa.select(models.c.id, models.c.latest_evaluation_id)).all():
        if latest in by_id:
            conn.execute(sa.update(models).where(models.c.id == mid).values(**by_id[latest]))


def downgrade() -> None:
    with op.batch_alter_table('models', schema=None) as batch_op:
        batch_op.drop_index('ix_models_osai_score_sort')
    for name in ('models', 'evaluations'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            for col in reversed(COLUMNS):
                batch_op.drop_column(col)

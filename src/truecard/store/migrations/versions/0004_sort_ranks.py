"""Stored sort orders: the leaderboard's computed sorts (MOF class most open first, OSAID ready,
OSAI score, open weights, scope) read rank columns of `models` set on every write, and each rank
and each of the first 15 criteria's digits has an index in the order the pages ask for (rank,
then total, then model id), so a page sorted by any of them is one index scan, not a sort of
every matching row. Existing rows are ranked here from their columns, in one statement.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# frozen here (as of this migration), not imported: a later change of the code must not change
# what this migration did
OPEN_LICENSE_CLASSES = ("osi-permissive", "osi-copyleft", "open-data", "open-content")
RANKED = ("mof_rank", "osaid_rank", "osai_rank", "open_rank", "scope_rank")
CRITERIA_INDEXED = 15


def _columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column('mof_rank', sa.Integer(), server_default='-1', nullable=False),
        sa.Column('osaid_rank', sa.Integer(), server_default='-1', nullable=False),
        sa.Column('osai_rank', sa.Float(), server_default='-1', nullable=False),
        sa.Column('open_rank', sa.Integer(), server_default='0', nullable=False),
        sa.Column('scope_rank', sa.Integer(), server_default='1', nullable=False),
    ]


def upgrade() -> None:
    # plain ADD COLUMN (no table copy on SQLite: the DESC orders of the existing indexes stay)
    for col in _columns():
        op.add_column('models', col)
    m = sa.table('models', sa.column('mof_class'), sa.column('osaid_ready'), sa.column('osai_score'),
                 sa.column('license_class'), sa.column('scope'), *(sa.column(c) for c in RANKED))
    op.get_bind().execute(sa.update(m).values(
        mof_rank=sa.case((m.c.mof_class.between(1, 3), 4 - m.c.mof_class), (m.c.mof_class == 0, 0), else_=-1),
        osaid_rank=sa.case((m.c.osaid_ready.is_(True), 1), (m.c.osaid_ready.is_(False), 0), else_=-1),
        osai_rank=sa.func.coalesce(m.c.osai_score, -1.0),
        open_rank=sa.case((m.c.license_class.in_(OPEN_LICENSE_CLASSES), 1), else_=0),
        scope_rank=sa.case((m.c.scope == 'verified', 2), (m.c.scope == 'card+code', 1), else_=0),
    ))
    for c in RANKED:
        op.create_index(f'ix_models_{c}_sort', 'models', [sa.text(f'{c} DESC'), sa.text('total DESC'), 'sort_key'])
    for i in range(1, CRITERIA_INDEXED + 1):
        op.create_index(f'ix_models_c{i}_sort', 'models',
                        [sa.text(f'substr(points, {i}, 1) DESC'), sa.text('total DESC'), 'sort_key'])


def downgrade() -> None:
    for i in range(CRITERIA_INDEXED, 0, -1):
        op.drop_index(f'ix_models_c{i}_sort', 'models')
    for c in reversed(RANKED):
        op.drop_index(f'ix_models_{c}_sort', 'models')
    with op.batch_alter_table('models', schema=None) as batch_op:
        for c in reversed(RANKED):
            batch_op.drop_column(c)
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        # the table copy lost the ranking index's DESC orders (as in 0003): create it again
        if 'ix_models_rank' in {ix['name'] for ix in sa.inspect(conn).get_indexes('models')}:
            op.drop_index('ix_models_rank', 'models')
        op.create_index('ix_models_rank', 'models',
                        [sa.text('total DESC'), sa.text('total_detected DESC'), 'sort_key'])

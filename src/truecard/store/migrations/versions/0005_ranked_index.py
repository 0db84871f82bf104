"""An index on `models.ranked`: every leaderboard page that is not served from the page cache
(right after a write) counts the models left out of the default ranking
(`repo.unranked_count`), which was a scan of every row (3–4 ms at 10,000 models); with the
index it reads only the entries for `ranked = false`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_models_ranked', 'models', ['ranked'])


def downgrade() -> None:
    op.drop_index('ix_models_ranked', table_name='models')

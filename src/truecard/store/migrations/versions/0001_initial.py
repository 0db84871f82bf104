"""Initial schema: users, tokens, sessions, models, evaluations, claims, audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import truecard.store.orm

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    state = op.create_table('store_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(state, [{'id': 1, 'version': 0}])
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('created_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', truecard.store.orm.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.String(length=200), nullable=False),
    sa.Column('sort_key', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=100).with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.Column('latest_evaluation_id', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('total_detected', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('transparent', sa.Integer(), nullable=False),
    sa.Column('reproducible', sa.Integer(), nullable=False),
    sa.Column('understandable', sa.Integer(), nullable=False),
    sa.Column('executable', sa.Integer(), nullable=False),
    sa.Column('license_class', sa.String(length=32).with_variant(sa.String(length=32, collation='C'), 'postgresql'), nullable=False),
    sa.Column('last_scanned_at', truecard.store.orm.UTCDateTime(), nullable=True),
    sa.Column('evaluations_count', sa.Integer(), nullable=False),
    sa.Column('claims_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('model_id')
    )
    with op.batch_alter_table('models', schema=None) as batch_op:
        batch_op.create_index('ix_models_executable_sort', ['executable', 'sort_key'], unique=False)
        batch_op.create_index('ix_models_last_scanned_at_sort', ['last_scanned_at', 'sort_key'], unique=False)
        batch_op.create_index('ix_models_license_class_sort', ['license_class', 'sort_key'], unique=False)
        batch_op.create_index('ix_models_organisation_sort', ['organisation', 'sort_key'], unique=False)
        batch_op.create_index('ix_models_reproducible_sort', ['reproducible', 'sort_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_models_sort_key'), ['sort_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_models_tier'), ['tier'], unique=False)
        batch_op.create_index('ix_models_total_detected_sort', ['total_detected', 'sort_key'], unique=False)
        batch_op.create_index('ix_models_transparent_sort', ['transparent', 'sort_key'], unique=False)
        batch_op.create_index('ix_models_understandable_sort', ['understandable', 'sort_key'], unique=False)
    # the default leaderboard order (expression index: written by hand, autogenerate skips it)
    op.create_index('ix_models_rank', 'models', [sa.text('total DESC'), sa.text('total_detected DESC'), 'sort_key'], unique=False)

    op.create_table('web_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sid_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.Column('expires_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sid_hash')
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('model_pk', sa.Integer(), nullable=True),
    sa.Column('model_ref', sa.String(length=200), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['model_pk'], ['models.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_model_pk'), ['model_pk'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_pk', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=64), nullable=False),
    sa.Column('evidence_url', sa.String(length=2000), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['model_pk'], ['models.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_model_created', ['model_pk', 'created_at'], unique=False)

    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_pk', sa.Integer(), nullable=False),
    sa.Column('revision', sa.String(length=200), nullable=True),
    sa.Column('scanned_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.Column('stored_at', truecard.store.orm.UTCDateTime(), nullable=False),
    sa.Column('stored_by', sa.String(length=100), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('total_detected', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('transparent', sa.Integer(), nullable=False),
    sa.Column('reproducible', sa.Integer(), nullable=False),
    sa.Column('understandable', sa.Integer(), nullable=False),
    sa.Column('executable', sa.Integer(), nullable=False),
    sa.Column('license_class', sa.String(length=32), nullable=False),
    sa.Column('truecard_version', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('scorecard', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['model_pk'], ['models.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('model_pk', 'fingerprint', name='uq_evaluations_model_fingerprint')
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_evaluations_model_scanned', ['model_pk', 'scanned_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluations_model_scanned')

    op.drop_table('evaluations')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_model_created')

    op.drop_table('claims')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_model_pk'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))

    op.drop_table('web_sessions')
    op.drop_index('ix_models_rank', table_name='models')
    with op.batch_alter_table('models', schema=None) as batch_op:
        batch_op.drop_index('ix_models_understandable_sort')
        batch_op.drop_index('ix_models_transparent_sort')
        batch_op.drop_index('ix_models_total_detected_sort')
        batch_op.drop_index(batch_op.f('ix_models_tier'))
        batch_op.drop_index(batch_op.f('ix_models_sort_key'))
        batch_op.drop_index('ix_models_reproducible_sort')
        batch_op.drop_index('ix_models_organisation_sort')
        batch_op.drop_index('ix_models_license_class_sort')
        batch_op.drop_index('ix_models_last_scanned_at_sort')
        batch_op.drop_index('ix_models_executable_sort')

    op.drop_table('models')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('store_state')

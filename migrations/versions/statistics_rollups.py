"""statistics rollups: the network statistics pre-counted per month and year, with the tokens that say whether
they still hold; an index for "needs never answered"

Revision ID: statistics_rollups
Revises: exchange_resolutions
Create Date: 2026-12-04 10:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = 'statistics_rollups'
down_revision = 'exchange_resolutions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'statistics_versions',
        sa.Column('bucket', sa.String(length=8), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('bucket'),
    )
    op.create_table(
        'statistics_rollups',
        sa.Column('bucket', sa.String(length=8), nullable=False),
        sa.Column('dimension', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('value_eur', sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint('bucket', 'dimension', 'key'),
    )
    op.create_table(
        'statistics_rollup_states',
        sa.Column('bucket', sa.String(length=8), nullable=False),
        sa.Column('token', sa.String(length=65), nullable=False),
        sa.PrimaryKeyConstraint('bucket'),
    )
    op.create_index('ix_exchanges_requester_answers', 'exchanges',
                    ['requester_org_id', 'state', 'created_at', 'resource_id'], unique=False)


def downgrade():
    op.drop_index('ix_exchanges_requester_answers', table_name='exchanges')
    op.drop_table('statistics_rollup_states')
    op.drop_table('statistics_rollups')
    op.drop_table('statistics_versions')

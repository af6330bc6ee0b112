"""statistics rollups: no year buckets (what each organization gave and received is counted in one query, all
time from the owners' index, now holding what it reads)

Revision ID: statistics_no_year_buckets
Revises: statistics_rollups
Create Date: 2026-12-05 10:00:00
"""
from alembic import op


revision = 'statistics_no_year_buckets'
down_revision = 'statistics_rollups'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_exchanges_owner_state', table_name='exchanges')
    op.create_index('ix_exchanges_owner_state', 'exchanges', ['owner_org_id', 'state', 'ends_on', 'value_eur'])
    for table in ('statistics_rollups', 'statistics_rollup_states', 'statistics_versions'):
        op.execute(f"DELETE FROM {table} WHERE bucket LIKE 'y%'")


def downgrade():
    # Year buckets have no stored state left: the earlier code counts them again when it needs them.
    op.drop_index('ix_exchanges_owner_state', table_name='exchanges')
    op.create_index('ix_exchanges_owner_state', 'exchanges', ['owner_org_id', 'state'])

"""reports: indexes that let the network statistics read a period's exchanges without scanning them all

Revision ID: report_indexes
Revises: webhooks
Create Date: 2026-12-01 13:55:00

"""
from alembic import op


revision = 'report_indexes'
down_revision = 'webhooks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.create_index('ix_exchanges_period', ['state', 'ends_on', 'resource_id', 'owner_org_id',
                                                      'requester_org_id', 'value_eur'], unique=False)
        batch_op.create_index('ix_exchanges_created', ['created_at', 'state', 'owner_org_id', 'requester_org_id'],
                              unique=False)
        batch_op.create_index('ix_exchanges_completed_at', ['completed_at', 'owner_org_id', 'requester_org_id'],
                              unique=False)
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.create_index('ix_resources_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index('ix_needs_created_at', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_created_at')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_index('ix_resources_created_at')
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.drop_index('ix_exchanges_completed_at')
        batch_op.drop_index('ix_exchanges_created')
        batch_op.drop_index('ix_exchanges_period')

"""webhooks: room for the sealed (encrypted) secret

Revision ID: webhook_secrets_sealed
Revises: report_indexes
Create Date: 2026-12-01 17:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'webhook_secrets_sealed'
down_revision = 'report_indexes'
branch_labels = None
depends_on = None


def upgrade():
    # Secrets stored before stay readable as they are (portal.api.sealing.unseal); new ones are sealed.
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=80), type_=sa.String(length=255),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sa.String(length=255), type_=sa.String(length=80),
                              existing_nullable=False)

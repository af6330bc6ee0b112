"""needs: an optional "needed by" date

Revision ID: need_needed_by
Revises: completion_certificates
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'need_needed_by'
down_revision = 'completion_certificates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needed_by', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_column('needed_by')

"""the weekly mail: each person's summary choice, day and hour, and when their last weekly mail was made

Revision ID: weekly_digest
Revises: need_needed_by
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'weekly_digest'
down_revision = 'need_needed_by'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        # NULL: as the person's role has it (on for representatives) until they choose.
        batch_op.add_column(sa.Column('weekly_summary', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('digest_weekday', sa.SmallInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('digest_hour', sa.SmallInteger(), nullable=False, server_default='8'))
        batch_op.add_column(sa.Column('weekly_digest_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_users_weekly_digest', ['digest_weekday', 'digest_hour'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_weekly_digest')
        batch_op.drop_column('weekly_digest_at')
        batch_op.drop_column('digest_hour')
        batch_op.drop_column('digest_weekday')
        batch_op.drop_column('weekly_summary')

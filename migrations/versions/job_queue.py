"""job queue: outbox claims and failures, the time an agreement's signing copy was certified

Revision ID: job_queue
Revises: mail_preferences
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'job_queue'
down_revision = 'mail_preferences'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_mail_outbox_failed_at'), ['failed_at'], unique=False)
    # What the old sender had given up on (MAIL_MAX_ATTEMPTS, 8, ran out) is failed now.
    op.execute("UPDATE mail_outbox SET failed_at = next_attempt_at WHERE sent_at IS NULL AND attempts >= 8")

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certified_at', sa.DateTime(timezone=True), nullable=True))
    # Until now the signing copy was made at approval, in the same transaction.
    op.execute("UPDATE agreements SET certified_at = (SELECT f.created_at FROM agreement_files f "
               "WHERE f.agreement_id = agreements.id AND f.revision = 1)")


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('certified_at')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_failed_at'))
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('failed_at')

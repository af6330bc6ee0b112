"""mail preferences, HTML mail and headers in the outbox, digest items, notifications that wait for an action

Revision ID: mail_preferences
Revises: audit_checkpoints
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'mail_preferences'
down_revision = 'audit_checkpoints'
branch_labels = None
depends_on = None

MAIL_CATEGORIES = ('exchanges', 'messages', 'agreements', 'network')


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        for category in MAIL_CATEGORIES:
            batch_op.add_column(sa.Column(f'mail_{category}', sa.String(length=10), nullable=False,
                                          server_default='instant'))

    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('category', sa.String(length=20), nullable=False, server_default=''))

    op.create_table('mail_digest_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_digest_items_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digest_items'))
    )
    with op.batch_alter_table('mail_digest_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_digest_items_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_digest_items_sent_at'), ['sent_at'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action_key', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_action_key'), ['action_key'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_action_key'))
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('action_key')

    with op.batch_alter_table('mail_digest_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_digest_items_sent_at'))
        batch_op.drop_index(batch_op.f('ix_mail_digest_items_user_id'))
    op.drop_table('mail_digest_items')

    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_column('category')
        batch_op.drop_column('headers')
        batch_op.drop_column('html_body')

    with op.batch_alter_table('users', schema=None) as batch_op:
        for category in reversed(MAIL_CATEGORIES):
            batch_op.drop_column(f'mail_{category}')

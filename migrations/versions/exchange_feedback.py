"""exchange feedback: each side's account of what happened, and the figures that count; volunteer hours
entered by hand for the volunteer report

Revision ID: exchange_feedback
Revises: report_documents
Create Date: 2026-12-02 10:00:00

An exchange completed before confirmations existed gets its completer's account as its one confirmation
(as agreed, the figures recorded at completion), so that it reads as every later one does.
"""
from alembic import op
import sqlalchemy as sa


revision = 'exchange_feedback'
down_revision = 'report_documents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchange_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exchange_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=14), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('value_units', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('value_eur', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['exchange_id'], ['exchanges.id'], name=op.f('fk_exchange_feedback_exchange_id_exchanges')),
    sa.ForeignKeyConstraint(['given_by_id'], ['users.id'], name=op.f('fk_exchange_feedback_given_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_exchange_feedback_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_feedback')),
    sa.UniqueConstraint('exchange_id', 'org_id', name=op.f('uq_exchange_feedback_exchange_id'))
    )
    with op.batch_alter_table('exchange_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_feedback_exchange_id'), ['exchange_id'], unique=False)

    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_quantity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('used_hours', sa.Numeric(precision=6, scale=1), nullable=True))
        batch_op.add_column(sa.Column('feedback_state', sa.String(length=10), server_default='', nullable=False))
        batch_op.create_index('ix_exchanges_feedback_state', ['state', 'feedback_state', 'ends_on'], unique=False)

    op.create_table('volunteer_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('volunteers', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_volunteer_hours_created_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_volunteer_hours_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_hours'))
    )
    with op.batch_alter_table('volunteer_hours', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_hours_org_starts_on', ['org_id', 'starts_on'], unique=False)

    # The hours of a resource priced by the hour were its completed units (as the reports counted them).
    def hours(e):
        return (f"CASE WHEN (SELECT r.value_unit FROM resources r WHERE r.id = {e}.resource_id) = 'hour' "
                f"AND {e}.value_units IS NOT NULL AND {e}.value_units < 10000 THEN {e}.value_units ELSE {e}.hours END")

    op.execute(
        "INSERT INTO exchange_feedback (exchange_id, org_id, given_by_id, outcome, quantity, hours, value_units, "
        "value_eur, comment, created_at, updated_at) "
        f"SELECT e.id, u.org_id, e.completed_by_id, 'as_agreed', e.quantity, {hours('e')}, e.value_units, "
        "e.value_eur, e.feedback, e.completed_at, e.completed_at "
        "FROM exchanges e JOIN users u ON u.id = e.completed_by_id "
        "WHERE e.state = 'completed' AND e.completed_at IS NOT NULL")
    op.execute(
        f"UPDATE exchanges SET used_quantity = quantity, used_hours = {hours('exchanges')}, "
        "feedback_state = 'one_side' "
        "WHERE state = 'completed' AND completed_by_id IS NOT NULL AND completed_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('volunteer_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_hours_org_starts_on')
    op.drop_table('volunteer_hours')
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.drop_index('ix_exchanges_feedback_state')
        batch_op.drop_column('feedback_state')
        batch_op.drop_column('used_hours')
        batch_op.drop_column('used_quantity')
    with op.batch_alter_table('exchange_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_feedback_exchange_id'))
    op.drop_table('exchange_feedback')

"""exchange resolutions: a network coordinator settles a disputed exchange (the figures that count, a note)

Revision ID: exchange_resolutions
Revises: catalogue_filter_indexes
Create Date: 2026-12-01 22:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'exchange_resolutions'
down_revision = 'catalogue_filter_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchange_resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exchange_id', sa.Integer(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=14), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('value_units', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('value_eur', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['exchange_id'], ['exchanges.id'], name=op.f('fk_exchange_resolutions_exchange_id_exchanges')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_exchange_resolutions_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_resolutions')),
    sa.UniqueConstraint('exchange_id', name=op.f('uq_exchange_resolutions_exchange_id'))
    )


def downgrade():
    op.drop_table('exchange_resolutions')

"""catalogue version: one row whose token every change of the catalogue replaces, so that each app server
knows when its kept catalogue pages are out of date (portal/resources/pages.py)

Revision ID: catalogue_version
Revises: exchange_feedback
Create Date: 2026-12-03 10:00:00
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = 'catalogue_version'
down_revision = 'exchange_feedback'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('catalogue_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(table, [{'id': 1, 'token': secrets.token_hex(16)}])


def downgrade():
    op.drop_table('catalogue_versions')

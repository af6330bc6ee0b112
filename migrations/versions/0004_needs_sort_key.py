"""needs: index on the Latvian sort key (title order)

Revision ID: 0004_needs_sort_key
Revises: 0003_exchanges
"""
from alembic import op

revision = '0004_needs_sort_key'
down_revision = '0003_exchanges'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_needs_sort_key', 'needs', ['sort_key'], unique=False)


def downgrade():
    op.drop_index('ix_needs_sort_key', table_name='needs')

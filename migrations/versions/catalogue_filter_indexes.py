"""catalogue filter indexes: browsing by municipality (and kind) or by category read from an index alone
(PostgreSQL; SQLite filters through the full-text index's facets)

Revision ID: catalogue_filter_indexes
Revises: projects
Create Date: 2026-12-03 11:00:00
"""
from alembic import op


revision = 'catalogue_filter_indexes'
down_revision = 'projects'
branch_labels = None
depends_on = None

COLUMNS = {'municipality': ['municipality', 'kind', 'state', 'visibility', 'id'],
           'category': ['category', 'state', 'visibility', 'id']}


def upgrade():
    for table in ('resources', 'needs'):
        for name, columns in COLUMNS.items():
            op.create_index(f'ix_{table}_{name}', table, columns, unique=False)


def downgrade():
    for table in ('resources', 'needs'):
        for name in COLUMNS:
            op.drop_index(f'ix_{table}_{name}', table_name=table)

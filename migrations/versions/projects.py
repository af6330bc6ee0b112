"""projects: an organization's projects or grants, the funder's rates, the exchanges each side tagged with one,
and the signed PDF of a project's co-financing report

Revision ID: projects
Revises: catalogue_version
Create Date: 2026-12-01 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'projects'
down_revision = 'catalogue_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('funder', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('cash_eur', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('cash_note', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_projects_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_org_id'), ['org_id'], unique=False)

    op.create_table('project_rates',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('eur', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_rates_project_id_projects')),
    sa.PrimaryKeyConstraint('project_id', 'category', name=op.f('pk_project_rates'))
    )

    op.create_table('project_exchanges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exchange_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('tagged_by_id', sa.Integer(), nullable=False),
    sa.Column('tagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['exchange_id'], ['exchanges.id'], name=op.f('fk_project_exchanges_exchange_id_exchanges')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_project_exchanges_org_id_organizations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_exchanges_project_id_projects')),
    sa.ForeignKeyConstraint(['tagged_by_id'], ['users.id'], name=op.f('fk_project_exchanges_tagged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_exchanges')),
    sa.UniqueConstraint('exchange_id', 'org_id', name=op.f('uq_project_exchanges_exchange_id'))
    )
    with op.batch_alter_table('project_exchanges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_exchanges_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('report_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_documents_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_report_documents_project_id_projects'), 'projects',
                                    ['project_id'], ['id'])


def downgrade():
    with op.batch_alter_table('report_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_documents_project_id_projects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_report_documents_project_id'))
        batch_op.drop_column('project_id')
    with op.batch_alter_table('project_exchanges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_exchanges_project_id'))
    op.drop_table('project_exchanges')
    op.drop_table('project_rates')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_org_id'))
    op.drop_table('projects')

"""agreements: the completion certificate of each agreement in force (its bytes are in the file store)

Revision ID: completion_certificates
Revises: webhook_secrets_sealed
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'completion_certificates'
down_revision = 'webhook_secrets_sealed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_completion_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('document_revision', sa.Integer(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'],
                            name=op.f('fk_agreement_completion_certificates_agreement_id_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_completion_certificates')),
    sa.UniqueConstraint('agreement_id', name=op.f('uq_agreement_completion_certificates_agreement_id'))
    )
    with op.batch_alter_table('agreement_completion_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_completion_certificates_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('agreement_completion_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_completion_certificates_sha256'))
    op.drop_table('agreement_completion_certificates')

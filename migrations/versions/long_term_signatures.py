"""long-term signatures: the network TSA's certificates, revocations and CRLs, when an archival time-stamp is due

Revision ID: long_term_signatures
Revises: job_queue
Create Date: 2026-12-01 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'long_term_signatures'
down_revision = 'job_queue'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tsa_certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('authority_id', sa.Integer(), nullable=False),
        sa.Column('serial', sa.String(length=40), nullable=False),
        sa.Column('certificate_pem', sa.Text(), nullable=False),
        sa.Column('encrypted_key_pem', sa.Text(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('not_after', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['authority_id'], ['certificate_authorities.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fingerprint'),
    )
    with op.batch_alter_table('tsa_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tsa_certificates_authority_id'), ['authority_id'], unique=False)
    op.create_table(
        'certificate_revocations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('authority_id', sa.Integer(), nullable=False),
        sa.Column('serial', sa.String(length=40), nullable=False),
        sa.Column('org_certificate_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['authority_id'], ['certificate_authorities.id']),
        sa.ForeignKeyConstraint(['org_certificate_id'], ['org_certificates.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('authority_id', 'serial'),
    )
    with op.batch_alter_table('certificate_revocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_revocations_authority_id'), ['authority_id'], unique=False)
    op.create_table(
        'revocation_lists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('authority_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('der', sa.LargeBinary(), nullable=False),
        sa.Column('this_update', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_update', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['authority_id'], ['certificate_authorities.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('authority_id', 'number'),
    )
    with op.batch_alter_table('revocation_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revocation_lists_authority_id'), ['authority_id'], unique=False)
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archive_due_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('archive_due_at')
    for table in ('revocation_lists', 'certificate_revocations', 'tsa_certificates'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_authority_id'))
        op.drop_table(table)

"""contract documents

Revision ID: 0005_contract_documents
Revises: 0004_evaluation
Create Date: 2026-11-22 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_contract_documents'
down_revision = '0004_evaluation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=100), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_contract_documents_size_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_documents_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_contract_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_contract_documents_storage_key'))
    )
    with op.batch_alter_table('contract_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_documents_contract_id'), ['contract_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contract_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_documents_contract_id'))
    op.drop_table('contract_documents')

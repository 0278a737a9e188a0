"""the evaluation report PDF is kept in storage, built from a numbered state of the evaluation
(evaluations.state_version counts the changes the report shows; the stored report names the
version it was built from)

Revision ID: 0011_evaluation_report_files
Revises: 0010_organization_search
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_evaluation_report_files'
down_revision = '0010_organization_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_report_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('solicitation_id', sa.Integer(), nullable=False),
    sa.Column('state_version', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=100), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('build_ms', sa.Integer(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_evaluation_report_files_not_empty')),
    sa.ForeignKeyConstraint(['solicitation_id'], ['solicitations.id'], name=op.f('fk_evaluation_report_files_solicitation_id_solicitations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_report_files')),
    sa.UniqueConstraint('solicitation_id', name=op.f('uq_evaluation_report_files_solicitation_id')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_evaluation_report_files_storage_key'))
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_column('state_version')

    op.drop_table('evaluation_report_files')

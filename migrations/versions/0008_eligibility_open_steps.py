"""the registry's eligibility rows say which steps keep a contract at "needs action"

Revision ID: 0008_eligibility_open_steps
Revises: 0007_saved_searches
Create Date: 2026-12-03 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_eligibility_open_steps'
down_revision = '0007_saved_searches'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contract_eligibility', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_steps', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('contract_eligibility', schema=None) as batch_op:
        batch_op.drop_column('open_steps')

"""pages at seed scale: running spend totals on contracts, contracts newest first, an agency's
purchases by order date from the index alone

Revision ID: 0012_page_speed
Revises: 0011_evaluation_report_files
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_page_speed'
down_revision = '0011_evaluation_report_files'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reported_purchases', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reported_spend', sa.Numeric(precision=14, scale=2), server_default='0',
                                      nullable=False))
        batch_op.create_index('ix_contracts_created_at', ['created_at', 'id'], unique=False)
    # The totals of the purchases already reported.
    op.execute("UPDATE contracts SET "
               "reported_purchases = (SELECT count(*) FROM purchases WHERE purchases.contract_id = contracts.id), "
               "reported_spend = (SELECT coalesce(sum(amount), 0) FROM purchases "
               "WHERE purchases.contract_id = contracts.id)")
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.create_index('ix_purchases_agency_ordered',
                              ['agency_id', 'ordered_on', 'contract_id', 'amount', 'above_contract_price'], unique=False)
        batch_op.drop_index('ix_purchases_agency_id')


def downgrade():
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.create_index('ix_purchases_agency_id', ['agency_id'], unique=False)
        batch_op.drop_index('ix_purchases_agency_ordered')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_contracts_created_at')
        batch_op.drop_column('reported_spend')
        batch_op.drop_column('reported_purchases')

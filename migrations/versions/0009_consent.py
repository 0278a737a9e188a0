"""registered contracts ask a platform member before naming it (contract links, stand-ins); vendor
registration waits for the administrator's e-mail address to be confirmed

Revision ID: 0009_consent
Revises: 0008_eligibility_open_steps
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_consent'
down_revision = '0008_eligibility_open_steps'
branch_labels = None
depends_on = None

VENDOR_CHECK = 'ck_organizations_vendor_has_tax_id_and_state'


def _replace_vendor_check(condition):
    # SQLite rebuilds the table to change a CHECK constraint (migrations/env.py turns its foreign
    # keys off meanwhile and checks them after).
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(VENDOR_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(VENDOR_CHECK), condition)


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stand_in', sa.Boolean(), server_default=sa.false(), nullable=False))
    _replace_vendor_check("kind != 'vendor' OR (state IS NOT NULL AND (tax_id IS NOT NULL OR stand_in))")

    op.create_table('contract_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead_agency', 'vendor', name='linkrole', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('typed_name', sa.String(length=200), nullable=False),
    sa.Column('stand_in_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'declined', name='linkstatus', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name=op.f('ck_contract_links_decided_when_answered')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_links_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_contract_links_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_contract_links_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_contract_links_requested_by_id_users')),
    sa.ForeignKeyConstraint(['stand_in_id'], ['organizations.id'], name=op.f('fk_contract_links_stand_in_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_links')),
    sa.UniqueConstraint('contract_id', 'role', name='uq_contract_links_role')
    )
    with op.batch_alter_table('contract_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_links_organization_id'), ['organization_id'], unique=False)

    op.create_table('vendor_registration_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('admin_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('organization', sa.JSON(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_registration_requests')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_vendor_registration_requests_token_hash'))
    )
    with op.batch_alter_table('vendor_registration_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendor_registration_requests_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('vendor_registration_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vendor_registration_requests_email'))
    op.drop_table('vendor_registration_requests')
    with op.batch_alter_table('contract_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_links_organization_id'))
    op.drop_table('contract_links')
    # Stand-ins hold registered contracts; they go only with a database that has none (downgrades
    # are for development databases).
    _replace_vendor_check("kind != 'vendor' OR (tax_id IS NOT NULL AND state IS NOT NULL)")
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('stand_in')

"""cooperative registry

Revision ID: 0006_cooperative
Revises: 0005_contract_documents
Create Date: 2026-11-22 07:47:11.923386

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_cooperative'
down_revision = '0005_contract_documents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compliance_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('rules_version', sa.String(length=64), nullable=False),
    sa.Column('actions_done', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("verdict IN ('allowed', 'needs_action', 'not_allowed')", name=op.f('ck_compliance_checks_verdict_known')),
    sa.ForeignKeyConstraint(['agency_id'], ['organizations.id'], name=op.f('fk_compliance_checks_agency_id_organizations')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_compliance_checks_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_compliance_checks_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_checks'))
    )
    with op.batch_alter_table('compliance_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_checks_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_checks_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_categories',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_contract_categories_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_categories_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', 'category_id', name=op.f('pk_contract_categories'))
    )
    with op.batch_alter_table('contract_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_categories_category_id'), ['category_id'], unique=False)

    op.create_table('contract_eligibility',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('eligibility', sa.Enum('allowed', 'needs_action', 'not_usable', name='eligibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('rules_version', sa.String(length=64), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_eligibility_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', 'state', name=op.f('pk_contract_eligibility'))
    )
    with op.batch_alter_table('contract_eligibility', schema=None) as batch_op:
        batch_op.create_index('ix_contract_eligibility_state_verdict', ['state', 'eligibility', 'contract_id'], unique=False)

    op.create_table('purchases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('po_number', sa.String(length=60), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('above_contract_price', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_purchases_amount_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['organizations.id'], name=op.f('fk_purchases_agency_id_organizations')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_purchases_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_purchases_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchases')),
    sa.UniqueConstraint('contract_id', 'agency_id', 'po_number', name='uq_purchases_po')
    )
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchases_agency_id'), ['agency_id'], unique=False)
        # Covering: a contract's spend by agency is read from the index alone.
        batch_op.create_index('ix_purchases_contract_agency', ['contract_id', 'agency_id', 'amount', 'above_contract_price'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'ended', name='participationstatus', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signer_title', sa.String(length=200), nullable=False),
    sa.Column('terms_accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('board_approval_reference', sa.String(length=300), nullable=False),
    sa.Column('joined_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['organizations.id'], name=op.f('fk_participations_agency_id_organizations')),
    sa.ForeignKeyConstraint(['check_id'], ['compliance_checks.id'], name=op.f('fk_participations_check_id_compliance_checks')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_participations_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['joined_by_id'], ['users.id'], name=op.f('fk_participations_joined_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('contract_id', 'agency_id', name='uq_participations_agency')
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participations_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participations_contract_id'), ['contract_id'], unique=False)

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.Enum('platform', 'registrant', name='contractsource', native_enum=False, create_constraint=True, length=18), nullable=False, server_default='platform'))
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('procurement_category', sa.Enum('goods', 'services', 'professional_services', 'architectural_engineering', 'construction', 'technology', name='procurementcategory', native_enum=False, create_constraint=True, length=33), nullable=False, server_default='goods'))
        batch_op.add_column(sa.Column('registered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('registered_facts', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.alter_column('solicitation_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('bid_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_contracts_registered_by_id_users'), 'users', ['registered_by_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_contracts_source_has_origin'),
            "(source = 'platform' AND solicitation_id IS NOT NULL AND bid_id IS NOT NULL) OR "
            "(source = 'registrant' AND registered_by_id IS NOT NULL)")

    _create_contract_search()

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)

    with op.batch_alter_table('solicitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('procurement_category', sa.Enum('goods', 'services', 'professional_services', 'architectural_engineering', 'construction', 'technology', name='procurementcategory', native_enum=False, create_constraint=True, length=33), nullable=False, server_default='goods'))



# The registry's full-text index, one per database (app.contracts.registry.search_contracts reads
# it). Both are outside the models: migrations/env.py and tests/test_migrations.py skip names
# starting with "contract_search" when comparing the schema with the models.
#   SQLite: an FTS5 table keyed by contract id, written by app.contracts.registry.index_contract;
#   a trigger drops a contract's row with the contract. (A later batch migration that copies the
#   contracts table drops this trigger: such a migration must create it again.)
#   PostgreSQL: a stored generated column holding the weighted tsvector of title and search_text,
#   with a GIN index; app.contracts.registry matches and ranks on it (PG_SEARCH_VECTOR). Stored, so
#   neither the match nor ts_rank parses the text again for every candidate row.
CONTRACT_SEARCH_SQLITE = (
    "CREATE VIRTUAL TABLE contract_search USING fts5("
    "number, title, vendor, agency, categories, summary, lines, tokenize = 'porter unicode61')",
    "CREATE TRIGGER contract_search_on_delete AFTER DELETE ON contracts BEGIN "
    "DELETE FROM contract_search WHERE rowid = old.id; END",
)
CONTRACT_SEARCH_POSTGRESQL = (
    "ALTER TABLE contracts ADD COLUMN contract_search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', search_text), 'B')) STORED",
    "CREATE INDEX contract_search_gin ON contracts USING gin (contract_search_vector)",
)


def _create_contract_search():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": CONTRACT_SEARCH_SQLITE, "postgresql": CONTRACT_SEARCH_POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def _drop_contract_search():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS contract_search_on_delete")
        op.execute("DROP TABLE IF EXISTS contract_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS contract_search_gin")
        op.execute("ALTER TABLE contracts DROP COLUMN IF EXISTS contract_search_vector")


def downgrade():
    # SQLite's batch mode copies CHECK constraints: drop an enum column's check before the column.
    with op.batch_alter_table('solicitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_solicitations_procurementcategory'), type_='check')
        batch_op.drop_column('procurement_category')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_object')

    _drop_contract_search()
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_contracts_source_has_origin'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_contracts_procurementcategory'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_contracts_contractsource'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_contracts_registered_by_id_users'), type_='foreignkey')
        batch_op.alter_column('bid_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('solicitation_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('registered_facts')
        batch_op.drop_column('registered_by_id')
        batch_op.drop_column('procurement_category')
        batch_op.drop_column('search_text')
        batch_op.drop_column('summary')
        batch_op.drop_column('source')

    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participations_contract_id'))
        batch_op.drop_index(batch_op.f('ix_participations_agency_id'))

    op.drop_table('participations')
    with op.batch_alter_table('purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_purchases_contract_agency')
        batch_op.drop_index(batch_op.f('ix_purchases_agency_id'))

    op.drop_table('purchases')
    with op.batch_alter_table('contract_eligibility', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_eligibility_state_verdict')

    op.drop_table('contract_eligibility')
    with op.batch_alter_table('contract_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_categories_category_id'))

    op.drop_table('contract_categories')
    with op.batch_alter_table('compliance_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_checks_contract_id'))
        batch_op.drop_index(batch_op.f('ix_compliance_checks_agency_id'))

    op.drop_table('compliance_checks')

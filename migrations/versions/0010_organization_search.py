"""an index of organizations' names for the type-ahead filters of the public lists; solicitations
indexed by agency and status, contracts by award date

Revision ID: 0010_organization_search
Revises: 0009_consent
Create Date: 2026-12-08 10:00:00

"""
from alembic import op


revision = '0010_organization_search'
down_revision = '0009_consent'
branch_labels = None
depends_on = None

# The words of every organization's name, for app.accounts.directory (the type-ahead filters of the
# contract registry and the solicitation lists): each typed word must start a word of the name.
# Outside the models, like the registry's contract_search (migrations/env.py and
# tests/test_migrations.py skip names starting with "organization_search").
#   SQLite: an FTS5 table keyed by organization id, with prefix indexes for 2 and 3 characters, kept
#   by triggers on organizations. A later batch migration that copies the organizations table drops
#   these triggers: such a migration must create them again (ORGANIZATION_SEARCH_TRIGGERS).
#   PostgreSQL: a GIN index on the name's words (punctuation read as a space, so "Amazon.com" and
#   "Winston-Salem" are two words each, as SQLite's tokenizer reads them). The expression is
#   app.accounts.directory.PG_NAME_VECTOR: a query must use it character for character.
ORGANIZATION_SEARCH_TRIGGERS = (
    "CREATE TRIGGER organization_search_on_insert AFTER INSERT ON organizations BEGIN "
    "INSERT INTO organization_search (rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER organization_search_on_update AFTER UPDATE OF name ON organizations BEGIN "
    "DELETE FROM organization_search WHERE rowid = old.id; "
    "INSERT INTO organization_search (rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER organization_search_on_delete AFTER DELETE ON organizations BEGIN "
    "DELETE FROM organization_search WHERE rowid = old.id; END",
)
ORGANIZATION_SEARCH_SQLITE = (
    "CREATE VIRTUAL TABLE organization_search USING fts5("
    "name, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    "INSERT INTO organization_search (rowid, name) SELECT id, name FROM organizations",
    *ORGANIZATION_SEARCH_TRIGGERS,
)
ORGANIZATION_SEARCH_POSTGRESQL = (
    "CREATE INDEX organization_search_gin ON organizations USING gin "
    "(to_tsvector('simple', regexp_replace(name, '[^[:alnum:]]+', ' ', 'g')))",
)


def upgrade():
    # Plain index statements, never a batch: on SQLite a batch that copies a table would drop its
    # triggers (contracts' contract_search_on_delete).
    # An agency's solicitations, and whether it has a public one, from the index alone (the agency
    # filter's scope): it starts with agency_id, so it replaces the index of agency_id alone.
    op.create_index('ix_solicitations_agency_public', 'solicitations', ['agency_id', 'status', 'published_at'])
    op.drop_index('ix_solicitations_agency_id', table_name='solicitations')
    # The registry's default order, newest award first.
    op.create_index('ix_contracts_awarded', 'contracts', ['awarded_at', 'id'])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": ORGANIZATION_SEARCH_SQLITE,
                      "postgresql": ORGANIZATION_SEARCH_POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS organization_search_on_{trigger}")
        op.execute("DROP TABLE IF EXISTS organization_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS organization_search_gin")
    op.drop_index('ix_contracts_awarded', table_name='contracts')
    op.create_index('ix_solicitations_agency_id', 'solicitations', ['agency_id'])
    op.drop_index('ix_solicitations_agency_public', table_name='solicitations')

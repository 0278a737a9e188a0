"""The migrations build exactly the schema the models describe, on an empty database too."""
from __future__ import annotations

import re
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, create_engine, inspect, select, text

from app import create_app
from app.extensions import db, migrate
from config import TestConfig


# The full-text indexes (FTS5 tables on SQLite; a stored tsvector column and GIN indexes on
# PostgreSQL) are made by migrations 0006 (the registry's) and 0010 (organizations' names) and are
# not models (as in migrations/env.py).
OUTSIDE_MODELS = ("contract_search", "organization_search")


def _outside_models(name: str | None) -> bool:
    return (name or "").startswith(OUTSIDE_MODELS)


def _diff(connection, metadata) -> list:
    context = MigrationContext.configure(connection, opts={
        "compare_type": True, "render_as_batch": True,
        "include_name": lambda name, type_, parents: not _outside_models(name)})
    return compare_metadata(context, metadata)


def _tables(inspector) -> set[str]:
    return {name for name in inspector.get_table_names() if not _outside_models(name)}


def _head(app) -> str:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        return ScriptDirectory.from_config(config).get_current_head()


def test_migrated_schema_matches_the_models(app):
    with app.app_context():
        with db.engine.connect() as connection:
            diff = _diff(connection, db.metadata)
    assert diff == []


def test_the_comparison_would_notice_drift(app):
    """Guard against a vacuous comparison: a column the migrations lack shows up in the diff."""
    with app.app_context():
        drifted = MetaData(naming_convention=db.metadata.naming_convention)
        for table in db.metadata.sorted_tables:
            table.to_metadata(drifted)
        drifted.tables["job_runs"].append_column(Column("not_migrated", Integer))
        with db.engine.connect() as connection:
            diff = _diff(connection, drifted)
    assert [(op[0], op[2], op[3].name) for op in diff] == [("add_column", "job_runs", "not_migrated")]


def test_every_model_table_exists(app):
    with app.app_context():
        tables = _tables(inspect(db.engine))
    assert set(db.metadata.tables) | {"alembic_version"} == tables


def _print_to_current_stdout(config):
    # Alembic's Config binds sys.stdout when alembic is imported, so `flask db current` would
    # print past the CLI runner; point it at the stream in place when the command runs.
    config.stdout = sys.stdout
    return config


@pytest.fixture
def fresh_app(tmp_path, monkeypatch):
    monkeypatch.setattr(migrate, "configure_callbacks",
                        [*migrate.configure_callbacks, _print_to_current_stdout])
    path = tmp_path / "fresh.db"

    class FreshConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    fresh = create_app(FreshConfig)
    yield fresh, path
    with fresh.app_context():
        db.engine.dispose()


def test_db_upgrade_builds_a_fresh_database(fresh_app):
    fresh, path = fresh_app
    assert not path.exists() or path.stat().st_size == 0
    runner = fresh.test_cli_runner()
    head = _head(fresh)

    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    assert head not in result.output  # nothing applied yet

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output + repr(result.exception)

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            tables = _tables(inspect(connection))
            assert set(db.metadata.tables) | {"alembic_version"} == tables
            assert _diff(connection, db.metadata) == []
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            assert version == head
            # The chain head's genesis row is part of the schema.
            head_row = connection.execute(text("SELECT id, last_seq, last_hash FROM audit_chain_head")).one()
            assert tuple(head_row) == (1, 0, "0" * 64)
    finally:
        engine.dispose()

    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"\b{re.escape(head)} \(head\)", result.output), result.output

    # The fresh database is usable by the app.
    with fresh.app_context():
        from app.audit.models import AuditEvent
        from app.audit.services import record, verify_chain

        record("test.fresh")
        db.session.commit()
        assert db.session.scalar(select(AuditEvent.seq)) == 1
        assert verify_chain().ok


def test_downgrade_to_base_and_upgrade_again(fresh_app):
    fresh, path = fresh_app
    runner = fresh.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "current"])
    assert f"{_head(fresh)} (head)" in result.output


def _revisions(app) -> list[str]:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


def _schema(path) -> dict[str, set[str]]:
    """Every table (the full-text index's included) and its columns."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            return {name: {column["name"] for column in inspector.get_columns(name)}
                    for name in inspector.get_table_names()}
    finally:
        engine.dispose()


def test_a_database_made_at_any_earlier_revision_upgrades_to_the_models(fresh_app, tmp_path):
    """A database migrated to each released revision, then upgraded, has exactly the schema a fresh
    upgrade gives: a revision edited after it landed (so that a database made in between never gets
    its change) shows up here."""
    fresh, path = fresh_app
    runner = fresh.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    expected = _schema(path)
    for revision in _revisions(fresh)[:-1]:
        assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
        result = runner.invoke(args=["db", "upgrade", revision])
        assert result.exit_code == 0, (revision, result.output)
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, (revision, result.output)
        assert _schema(path) == expected, revision
        engine = create_engine(f"sqlite:///{path}")
        try:
            with engine.connect() as connection:
                assert _diff(connection, db.metadata) == [], revision
        finally:
            engine.dispose()


def test_a_released_revision_is_never_edited():
    """migrations/released.sha256 holds the digest of every revision that has landed: editing one
    fails here (add a new revision instead); a new revision is listed when it lands."""
    import hashlib
    from pathlib import Path

    versions = Path(__file__).resolve().parents[1] / "migrations" / "versions"
    listed = {}
    for line in (versions.parent / "released.sha256").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            digest, name = line.split()
            listed[name] = digest
    present = {path.name for path in versions.glob("*.py")}
    assert set(listed) <= present, "a released revision was removed"
    for name, digest in listed.items():
        assert hashlib.sha256((versions / name).read_bytes()).hexdigest() == digest, f"{name} was edited"
    unlisted = present - set(listed)
    assert len(unlisted) <= 1, f"list every landed revision in migrations/released.sha256: {sorted(unlisted)}"

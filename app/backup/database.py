"""The database half of a backup: a consistent copy of the whole database, made and restored with
the database's own tools, so every table, index, constraint and the full-text index come back as
they were (the Alembic revision included).

SQLite: the online backup API (sqlite3 Connection.backup), a page-by-page copy that is consistent
while the app keeps writing. PostgreSQL: `pg_dump --format=custom` and `pg_restore` (on PATH; as
always with pg_dump, its version must be at least the server's), restored in one transaction."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from app.extensions import db

SQLITE, POSTGRESQL = "sqlite", "postgresql"
DUMP_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
KIND_LABELS = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why, in words for the operator."""


def database_kind() -> str:
    kind = db.engine.dialect.name
    if kind not in DUMP_NAMES:
        raise BackupError(f"Backups support SQLite and PostgreSQL databases, not {kind}.")
    return kind


def describe_database() -> str:
    """The configured database, without its password."""
    return db.engine.url.render_as_string(hide_password=True)


def alembic_revision() -> str:
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            raise BackupError("The database has no Alembic revision: run `flask db upgrade` before backing it up.")
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def table_names() -> list[str]:
    with db.engine.connect() as connection:
        return inspect(connection).get_table_names()


def dump_database(kind: str, target: Path) -> None:
    if kind == SQLITE:
        _sqlite_copy(target)
    else:
        _run_postgres_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")


def restore_database(kind: str, source: Path) -> None:
    if kind == SQLITE:
        _sqlite_restore(source)
    else:
        # One transaction: a dump that fails half-way leaves the database as empty as it was.
        _run_postgres_tool("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                           "--single-transaction", str(source))
    db.engine.dispose()  # pooled connections must not keep the schema they saw before


def _sqlite_copy(target: Path) -> None:
    with db.engine.connect() as connection:
        destination = sqlite3.connect(target)
        try:
            connection.connection.dbapi_connection.backup(destination)
        finally:
            destination.close()


def _sqlite_restore(source: Path) -> None:
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with db.engine.connect() as connection:
            backup.backup(connection.connection.dbapi_connection)
    finally:
        backup.close()


def _run_postgres_tool(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not on PATH; install the PostgreSQL client tools (the same major "
                          "version as the server, or newer).")
    url: URL = db.engine.url
    # The password goes through the environment, never the command line (other users see that).
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    dbname = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run([tool, *args, f"--dbname={dbname}"], env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or f'exit status {result.returncode}'}")

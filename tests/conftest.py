"""Shared fixtures: one app and one migrated database per test session (SQLite in a temporary
folder, or PostgreSQL when DATABASE_URL is set), emptied after every test."""
from __future__ import annotations

import functools
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app import create_app
from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db, limiter
from config import TestConfig, _database_url

PASSWORD = "correct-horse-battery"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Client(FlaskClient):
    """A test client that fails the test on any 5xx and can fill in the CSRF token."""

    allow_server_errors = False

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.status_code >= 500 and not self.allow_server_errors:
            raise AssertionError(f"server error {response.status_code}: {response.get_data(as_text=True)[:500]}")
        return response

    def csrf_token(self) -> str:
        return CSRF_META.search(self.get("/").get_data(as_text=True)).group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form the way a browser would: with the session's CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


def worker_name() -> str:
    """This pytest process's name under pytest-xdist (gw0, gw1, ...), or "main" when run alone."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_admin(url, *statements: str) -> None:
    """Run `statements` on the server of `url`, connected to its maintenance database."""
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> Iterator[str]:
    """This process's own test database, made for the session: a SQLite file in its temporary
    folder, or (DATABASE_URL set) a new PostgreSQL database named after DATABASE_URL's plus the
    worker (coopbid_ci_gw0), dropped at the end. Each xdist worker has its own, so they never
    share rows. It is a throwaway, so its commits need not wait for the disk."""
    if not os.environ.get("DATABASE_URL"):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    base = make_url(_database_url("unused"))
    name = f"{base.database}_{worker_name()}"[:63]
    _postgres_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"',
                    f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        _postgres_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_uri):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_uri
        STORAGE_DIR = str(tmp_path_factory.mktemp("files"))
        AUDIT_ANCHOR_PATH = str(tmp_path_factory.mktemp("audit") / "audit-anchors.log")

    app = create_app(Config)
    app.test_client_class = Client
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # The test file is a throwaway: a commit need not wait for the disk.
            event.listen(db.engine, "connect", _sqlite_without_sync)
            db.engine.dispose()
        _drop_everything()
        from flask_migrate import upgrade

        upgrade()
        app.extensions["tests_emptying"] = _emptying_script(db.engine)
    yield app
    with app.app_context():
        db.engine.dispose()


def _sqlite_without_sync(dbapi_connection, connection_record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _emptying_script(engine) -> str:  # noqa: ANN001
    """One script that empties every table and puts the chain head back, sent in one round trip.

    Rows go child tables first (the models' foreign-key order reversed), so no row outlives what
    it refers to; on PostgreSQL every sequence then starts again at 1, as a fresh database would
    (cheaper than TRUNCATE ... RESTART IDENTITY, which rewrites each table's files every test)."""
    statements = [f"DELETE FROM {table.name}" for table in reversed(db.metadata.sorted_tables)]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            sequences = conn.execute(text(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' AND n.nspname = current_schema() ORDER BY 1")).scalars().all()
        if sequences:
            names = ", ".join(f"'{name}'" for name in sequences)
            statements.append(f"SELECT setval(s::regclass, 1, false) FROM unnest(ARRAY[{names}]) AS s")
    statements.append("INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, 0, '" + "0" * 64 + "')")
    return ";\n".join(statements)


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Every test starts with empty tables, a real clock, fresh rate limits and no mail."""
    from app.notifications.senders import _memory

    clock.reset()
    limiter.reset()
    _memory.sent.clear()
    yield
    clock.reset()
    # The audit anchor log lives outside the database: empty it with the tables.
    Path(app.config["AUDIT_ANCHOR_PATH"]).unlink(missing_ok=True)
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            if conn.dialect.name == "sqlite":
                raw.executescript(f"BEGIN;\n{app.extensions['tests_emptying']};\nCOMMIT;")
            else:
                with raw.cursor() as cursor:
                    cursor.execute(app.extensions["tests_emptying"])
                raw.commit()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    password: str
    organization_id: int


@pytest.fixture
def make_org(app):
    """Create an organization; returns its id."""

    def make(kind: OrganizationKind = OrganizationKind.AGENCY, **fields) -> int:
        from app.accounts.models import AgencyType, Organization

        defaults = {
            OrganizationKind.AGENCY: {"name": f"Agency {secrets.token_hex(3)}", "state": "VA",
                                      "agency_type": AgencyType.SCHOOL_DISTRICT},
            OrganizationKind.VENDOR: {"name": f"Vendor {secrets.token_hex(3)}", "state": "TX",
                                      "tax_id": f"{secrets.randbelow(90) + 10}-{secrets.randbelow(9_000_000) + 1_000_000}"},
            OrganizationKind.PLATFORM: {"name": "Platform"},
        }[kind]
        with app.app_context():
            org = Organization(kind=kind, **{**defaults, **fields})
            db.session.add(org)
            db.session.commit()
            return org.id

    return make


def stored_hash(password: str) -> str:
    """The argon2id hash a test user's row stores for `password`, made once per password and
    hashing settings (a new salt per user proves nothing here; signing in verifies it for real)."""
    from flask import current_app

    cfg = current_app.config
    return _hash_once(password, cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])


@functools.lru_cache(maxsize=None)
def _hash_once(password: str, time_cost: int, memory_cost: int, parallelism: int) -> str:
    from app.accounts.passwords import hash_password

    return hash_password(password)


@pytest.fixture
def make_user(app, make_org):
    """Create a user holding `roles` (in a new organization of the fitting kind unless given)."""

    def make(*roles: Role, org_id: int | None = None, email: str | None = None,
             password: str = PASSWORD, name: str = "Test User", active: bool = True) -> UserInfo:
        from app.accounts.models import User, UserRole

        if org_id is None:
            kind = (OrganizationKind.PLATFORM if Role.ADMIN in roles else
                    OrganizationKind.VENDOR if set(roles) & {Role.VENDOR_ADMIN, Role.VENDOR_USER} else
                    OrganizationKind.AGENCY)
            org_id = make_org(kind)
        email = email or f"user-{secrets.token_hex(4)}@example.org"
        with app.app_context():
            user = User(organization_id=org_id, email=email, name=name, active=active,
                        password_hash=stored_hash(password), session_token=secrets.token_hex(16),
                        role_rows=[UserRole(role=r) for r in roles])
            db.session.add(user)
            db.session.commit()
            return UserInfo(user.id, email, password, org_id)

    return make


@contextmanager
def counting_statements(app) -> Iterator[list[str]]:
    """The SQL statements run inside the block: what "constant queries per page" tests count."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def page_statements(app, client: Client, path: str) -> tuple[int, str]:
    """How many SQL statements one GET of `path` runs, and the page (which must load)."""
    with counting_statements(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements), response.get_data(as_text=True)


def login(client: Client, user: UserInfo | str, password: str | None = None):
    email = user if isinstance(user, str) else user.email
    password = password or (PASSWORD if isinstance(user, str) else user.password)
    return client.submit("/accounts/login", {"email": email, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """Sign the test client in as a new user holding `roles`; returns the user."""

    def sign_in(*roles: Role, **kwargs) -> UserInfo:
        user = make_user(*roles, **kwargs)
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


@pytest.fixture
def outbox():
    """E-mails delivered by the memory sender (call deliver() first) and queued rows."""
    from app.notifications.senders import _memory

    return _memory.sent

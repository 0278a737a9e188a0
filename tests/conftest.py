"""Shared fixtures: one app and one migrated database per test session (SQLite in a temporary
folder, or PostgreSQL when DATABASE_URL is set), emptied after every test."""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

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


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    uri = _database_url("unused") if url else f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = uri
        STORAGE_DIR = str(tmp_path_factory.mktemp("files"))
        AUDIT_ANCHOR_PATH = str(tmp_path_factory.mktemp("audit") / "audit-anchors.log")

    app = create_app(Config)
    app.test_client_class = Client
    with app.app_context():
        _drop_everything()
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


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
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text("INSERT INTO audit_chain_head (id, last_seq, last_hash) "
                              "VALUES (1, 0, :genesis)"), {"genesis": "0" * 64})


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


@pytest.fixture
def make_user(app, make_org):
    """Create a user holding `roles` (in a new organization of the fitting kind unless given)."""

    def make(*roles: Role, org_id: int | None = None, email: str | None = None,
             password: str = PASSWORD, name: str = "Test User", active: bool = True) -> UserInfo:
        from app.accounts.models import User, UserRole
        from app.accounts.passwords import hash_password

        if org_id is None:
            kind = (OrganizationKind.PLATFORM if Role.ADMIN in roles else
                    OrganizationKind.VENDOR if set(roles) & {Role.VENDOR_ADMIN, Role.VENDOR_USER} else
                    OrganizationKind.AGENCY)
            org_id = make_org(kind)
        email = email or f"user-{secrets.token_hex(4)}@example.org"
        with app.app_context():
            user = User(organization_id=org_id, email=email, name=name, active=active,
                        password_hash=hash_password(password), session_token=secrets.token_hex(16),
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

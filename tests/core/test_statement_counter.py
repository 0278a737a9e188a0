"""COUNT_STATEMENTS: every response says in X-Statements how many SQL statements its request ran
(bench/pages.py and bench/registry.py count the real pages this way); off, no header and no listener."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from app import create_app
from app.core.roles import Role
from app.extensions import db
from config import TestConfig
from tests.conftest import Client, login


@pytest.fixture
def counting_app(app):
    class Counting(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        STORAGE_DIR = app.config["STORAGE_DIR"]
        AUDIT_ANCHOR_PATH = app.config["AUDIT_ANCHOR_PATH"]
        COUNT_STATEMENTS = True

    counting = create_app(Counting)
    counting.test_client_class = Client
    yield counting
    with counting.app_context():
        db.engine.dispose()


def _listened(app, client, path: str) -> tuple[int, object]:
    """The statements the engine saw during one GET, and the response."""
    with app.app_context():
        engine = db.engine
    seen = []

    def count(*_args) -> None:  # noqa: ANN002
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), response


@pytest.mark.parametrize("path", ["/contracts/", "/solicitations/", "/healthz"])
def test_the_header_counts_the_statements_of_an_anonymous_request(counting_app, path):
    client = counting_app.test_client()
    seen, response = _listened(counting_app, client, path)
    assert response.status_code == 200
    assert int(response.headers["X-Statements"]) == seen > 0


def test_the_header_counts_a_signed_in_page_including_the_user_loading(counting_app, make_user):
    client = counting_app.test_client()
    user = make_user(Role.AGENCY_ADMIN)
    assert login(client, user).status_code == 302
    seen, response = _listened(counting_app, client, "/dashboard")
    assert response.status_code == 200
    assert int(response.headers["X-Statements"]) == seen >= 2  # the user, then the page's own


def test_each_request_counts_from_zero(counting_app):
    client = counting_app.test_client()
    first = int(client.get("/contracts/").headers["X-Statements"])
    assert int(client.get("/contracts/").headers["X-Statements"]) == first


def test_off_by_default(client):
    assert "X-Statements" not in client.get("/contracts/").headers


def test_healthz_asks_the_database_one_question(app, client):
    from tests.conftest import counting_statements

    with counting_statements(app) as statements:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    assert [s.strip().upper() for s in statements] == ["SELECT 1"]


def test_the_signed_in_user_is_loaded_with_its_organization_and_roles_in_one_statement(app, client, login_as):
    """Every signed-in request pays for it: one round trip, not one per relationship."""
    from tests.conftest import counting_statements

    login_as(Role.PROCUREMENT_OFFICER, Role.APPROVER)
    client.get("/")
    with counting_statements(app) as statements:
        html = client.get("/").get_data(as_text=True)
    assert "Our solicitations" in html  # the navigation read the roles
    assert len(statements) == 1

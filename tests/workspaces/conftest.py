"""Fixtures for the workspace (dashboard) tests of vendors, participating agencies and registrars.

The solicitation and bid fixtures are shared from tests/solicitations and tests/bids.

Helpers
-------
queries_for(app, client, path) -> int     SQL statements one GET runs (before_cursor_execute).
section(html, key) -> str                 the HTML of one dashboard section (by its id).
sign_in(client, user)                     sign out whoever was signed in, then sign `user` in.
"""
from __future__ import annotations

import re

from sqlalchemy import event

from app.extensions import db, limiter
from tests.bids.conftest import (  # noqa: F401  (fixtures shared with these tests)
    agency,
    audit_events,
    categories,
    load_solicitation,
    make_agency,
    make_solicitation,
    make_vendor,
    other_agency,
    try_transition,
    vendor,
)
from tests.conftest import login


def queries_for(app, client, path: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def section(html: str, key: str) -> str:
    """The dashboard section with id `key` (empty when the page has none)."""
    match = re.search(rf'<section class="mb-4" id="{re.escape(key)}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def sign_in(client, user) -> None:
    """These tests sign several people in from one address: the login rate limit is not under test."""
    limiter.reset()
    client.submit("/accounts/logout")
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

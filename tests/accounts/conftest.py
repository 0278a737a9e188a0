"""Fixtures for the accounts tests: more clients, queued e-mail and audit events."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select


@pytest.fixture
def new_client(app):
    """Another browser (its own cookies), optionally from another address."""

    def make(remote_addr: str | None = None):
        c = app.test_client()
        if remote_addr:
            c.environ_base["REMOTE_ADDR"] = remote_addr
        return c

    return make


@dataclass(frozen=True)
class Mail:
    id: int
    to: str
    subject: str
    body: str
    kind: str


@pytest.fixture
def mail(app):
    """Messages queued in the outbox (not yet delivered), oldest first."""

    def queued(kind: str | None = None, to: str | None = None) -> list[Mail]:
        from app.extensions import db
        from app.notifications.models import OutboxMessage

        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        if to is not None:
            query = query.where(OutboxMessage.to_address == to)
        with app.app_context():
            return [Mail(m.id, m.to_address, m.subject, m.body_text, m.kind)
                    for m in db.session.scalars(query)]

    return queued


@dataclass(frozen=True)
class Event:
    action: str
    actor_id: int | None
    organization_id: int | None
    object_type: str | None
    object_id: str | None
    data: dict[str, Any]


@pytest.fixture
def audit(app):
    """Audit events of one action (or all), in chain order."""

    def events(action: str | None = None) -> list[Event]:
        from app.audit.models import AuditEvent
        from app.extensions import db

        query = select(AuditEvent).order_by(AuditEvent.seq)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        with app.app_context():
            return [Event(e.action, e.actor_id, e.organization_id, e.object_type, e.object_id,
                          dict(e.data or {})) for e in db.session.scalars(query)]

    return events


@pytest.fixture
def deliver(app):
    """Run the outbox sender once, as the scheduler would."""

    def run() -> dict[str, int]:
        from app.notifications.services import deliver_outbox

        with app.app_context():
            return deliver_outbox()

    return run


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    name: str
    title: str | None
    organization_id: int
    organization_kind: str
    roles: frozenset[str]
    active: bool
    session_token: str
    password_hash: str
    locked_until: Any
    failed_login_count: int
    last_login_at: Any


@pytest.fixture
def user_row(app):
    """A snapshot of a user from the database, by id or e-mail; None if there is none."""

    def load(key: int | str) -> UserRow | None:
        from app.accounts.models import User
        from app.extensions import db

        with app.app_context():
            user = (db.session.get(User, key) if isinstance(key, int)
                    else db.session.scalar(select(User).where(User.email == key)))
            if user is None:
                return None
            return UserRow(user.id, user.email, user.name, user.title, user.organization_id,
                           user.organization.kind.value, frozenset(r.value for r in user.roles),
                           user.active, user.session_token, user.password_hash,
                           user.locked_until, user.failed_login_count, user.last_login_at)

    return load


@pytest.fixture
def password_ok(app):
    """Whether `password` is the stored password of the user with this id."""

    def check(user_id: int, password: str) -> bool:
        from app.accounts.models import User
        from app.accounts.passwords import verify_password
        from app.extensions import db

        with app.app_context():
            return verify_password(db.session.get(User, user_id).password_hash, password)

    return check

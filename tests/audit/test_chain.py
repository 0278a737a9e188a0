"""The audit trail is a hash chain: record() links events, verify_chain() and `flask audit verify`
notice any change, deletion or reordering made behind the application's back."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import JSON, bindparam, delete, func, select, text, update

from app.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from app.audit.services import compute_hash, record, verify_chain
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from tests.conftest import login


def _chain(app) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        db.session.expunge_all()
        return events


def _verify(app):
    with app.app_context():
        return verify_chain()


def _raw(app, *statements) -> None:
    """Tamper with the table directly, as someone with database access could."""
    with app.app_context():
        with db.engine.begin() as conn:
            for statement in statements:
                conn.execute(statement)


# ----------------------------------------------------------------------------- building the chain
def test_record_builds_a_linked_chain(app, make_events):
    make_events(5)
    events = _chain(app)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in zip(events, events[1:]):
        assert after.prev_hash == before.hash
    for event in events:
        assert re.fullmatch(r"[0-9a-f]{64}", event.hash)
        assert compute_hash(event.content()) == event.hash
    assert len({e.hash for e in events}) == 5
    with app.app_context():
        head = db.session.get(AuditChainHead, 1)
        assert (head.last_seq, head.last_hash) == (5, events[-1].hash)
    report = _verify(app)
    assert report.ok and report.events_checked == 5


def test_record_keeps_what_it_hashed(app, make_user):
    """Stored values read back exactly as hashed (timestamps, non-ASCII, nested data)."""
    user = make_user(Role.AGENCY_ADMIN)
    with app.app_context():
        from app.accounts.models import User

        actor = db.session.get(User, user.id)
        event = record("test.detail", actor=actor, obj=actor,
                       data={"nested": {"list": [1, 2.5, None, True]}, "text": "Ω ‘quoted’", "n": 10**12})
        db.session.commit()
        event_id = event.id
    with app.app_context():
        event = db.session.get(AuditEvent, event_id)
        assert event.actor_id == user.id
        assert event.organization_id == user.organization_id
        assert (event.object_type, event.object_id) == ("users", str(user.id))
        assert event.data["nested"] == {"list": [1, 2.5, None, True]}
        assert compute_hash(event.content()) == event.hash
    assert _verify(app).ok


def test_record_with_a_frozen_clock_and_microseconds(app):
    from datetime import datetime, timezone

    clock.freeze(datetime(2026, 3, 1, 14, 30, 15, 123456, tzinfo=timezone.utc))
    with app.app_context():
        record("test.a")
        record("test.b")
        db.session.commit()
    events = _chain(app)
    assert events[0].occurred_at == datetime(2026, 3, 1, 14, 30, 15, 123456, tzinfo=timezone.utc)
    assert _verify(app).ok


def test_uncommitted_events_leave_no_gap(app, make_events):
    make_events(2)
    with app.app_context():
        record("test.rolled_back")
        db.session.rollback()
    make_events(1, action="test.after")
    assert [e.seq for e in _chain(app)] == [1, 2, 3]
    assert _verify(app).ok


def test_chain_verifies_after_real_actions(app, client, make_user, runner):
    user = make_user(Role.PROCUREMENT_OFFICER)
    assert login(client, user.email, "wrong password").status_code == 200  # failed sign-in
    assert login(client, "nobody@example.org", "whatever-password").status_code == 200
    assert login(client, user).status_code == 302
    assert client.submit("/accounts/profile", {"profile-name": "New Name",
                                               "profile-submit": "Save"}).status_code == 302
    assert client.submit("/accounts/logout").status_code == 302
    response = client.submit("/accounts/register", {
        "legal_name": "Chain Test Supply LLC", "tax_id": "12-3456789", "state": "VA",
        "address_line1": "1 Main St", "city": "Richmond", "postal_code": "23219",
        "admin_name": "Val Vendor", "email": "val@chain-test.example",
        "password": "a long enough passphrase", "confirm": "a long enough passphrase",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    # The account is made through the link e-mailed to the address.
    from app.notifications.models import OutboxMessage
    from tests.accounts.helpers import link_token

    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.kind == "registration_confirm"))
    confirm_url = "/accounts/register/confirm/" + link_token(body, "/accounts/register/confirm/")
    assert client.submit(confirm_url).status_code == 302
    actions = [e.action for e in _chain(app)]
    for expected in ("auth.login_failed", "auth.login", "user.profile_updated", "auth.logout",
                     "vendor.registered"):
        assert expected in actions
    report = _verify(app)
    assert report.ok, str(report)
    assert report.events_checked == len(actions)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert f"{len(actions)} events" in result.output


def test_cli_reports_ok_on_an_intact_chain(make_events, runner):
    make_events(3)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.startswith("OK")
    assert "3 events" in result.output


def test_cli_reports_ok_on_an_empty_chain(runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "OK: 0 events" in result.output


# ----------------------------------------------------------------------------- tampering
def _set_action(seq: int):
    return text("UPDATE audit_events SET action = 'auth.login' WHERE seq = :seq").bindparams(seq=seq)


def _set_data(seq: int):
    return text("UPDATE audit_events SET data = :data WHERE seq = :seq").bindparams(
        bindparam("data", {"n": 999, "note": "é ✓"}, type_=JSON), seq=seq)


def _set_time(seq: int):
    return text("UPDATE audit_events SET occurred_at = :at WHERE seq = :seq").bindparams(
        bindparam("at", clock.now().replace(year=2001)), seq=seq)


def _delete(seq: int):
    return text("DELETE FROM audit_events WHERE seq = :seq").bindparams(seq=seq)


def _swap(a: int, b: int):
    return [
        text("UPDATE audit_events SET seq = -1 WHERE seq = :a").bindparams(a=a),
        text("UPDATE audit_events SET seq = :a WHERE seq = :b").bindparams(a=a, b=b),
        text("UPDATE audit_events SET seq = :b WHERE seq = -1").bindparams(b=b),
    ]


TAMPERING = {
    # name: (statements, seq the report must name)
    "action of the first event changed": ([_set_action(1)], 1),
    "action of a middle event changed": ([_set_action(3)], 3),
    "data of a middle event changed": ([_set_data(3)], 3),
    "data of the last event changed": ([_set_data(5)], 5),
    "timestamp of a middle event changed": ([_set_time(2)], 2),
    "middle event deleted": ([_delete(3)], 3),
    "first event deleted": ([_delete(1)], 1),
    "last event deleted": ([_delete(5)], 5),
    "two last events deleted": ([_delete(5), _delete(4)], 4),
    "events 2 and 4 swapped": (_swap(2, 4), 2),
    "adjacent events 4 and 5 swapped": (_swap(4, 5), 4),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_tampering_is_detected(app, make_events, runner, name):
    statements, broken_seq = TAMPERING[name]
    make_events(5)
    assert _verify(app).ok
    _raw(app, *statements)

    report = _verify(app)
    assert not report.ok
    assert report.broken_seq == broken_seq, str(report)

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert re.search(rf"\bBROKEN at seq {broken_seq}\b", result.output), result.output
    assert not result.output.startswith("OK")


def test_a_modified_event_with_a_recomputed_hash_breaks_the_next_link(app, make_events, runner):
    make_events(5)
    event = _chain(app)[2]
    event.action = "auth.login"
    forged = compute_hash(event.content())
    _raw(app, text("UPDATE audit_events SET action = 'auth.login', hash = :h WHERE seq = 3").bindparams(h=forged))
    report = _verify(app)
    assert not report.ok and report.broken_seq == 4
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert re.search(r"\bseq 4\b", result.output)


def test_an_inserted_event_is_detected(app, make_events, runner):
    """A forged event appended without going through record() does not match the chain head."""
    make_events(3)
    last = _chain(app)[-1]
    with app.app_context():
        forged = AuditEvent(seq=4, occurred_at=clock.now(), action="auth.login", data={},
                            prev_hash=last.hash)
        forged.hash = compute_hash(forged.content())
        db.session.add(forged)
        db.session.commit()
    report = _verify(app)
    assert not report.ok
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN" in result.output


# ----------------------------------------------------------------------------- append-only
def test_orm_refuses_to_update_an_event(app, make_events):
    [event_id] = make_events(1)
    with app.app_context():
        event = db.session.get(AuditEvent, event_id)
        event.action = "auth.something_else"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
    assert _chain(app)[0].action == "test.event.1"
    assert _verify(app).ok


def test_orm_refuses_to_delete_an_event(app, make_events):
    [event_id] = make_events(1)
    with app.app_context():
        db.session.delete(db.session.get(AuditEvent, event_id))
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
    assert len(_chain(app)) == 1
    assert _verify(app).ok


def test_orm_bulk_update_and_delete_are_refused(app, make_events):
    make_events(2)
    with app.app_context():
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="x"))
        db.session.rollback()
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
        db.session.rollback()
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.query(AuditEvent).filter(AuditEvent.seq == 2).delete()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2
    assert [e.action for e in _chain(app)] == ["test.event.1", "test.event.2"]
    assert _verify(app).ok

"""The scheduler publishes approved solicitations at publish_at and closes published ones at
due_at, through `flask scheduler tick`, exactly once, telling category followers."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.jobs.models import JobRun
from app.notifications.models import OutboxMessage
from app.solicitations.communications import Follow
from app.solicitations.models import Solicitation
from tests.solicitations.conftest import UTC, S

T0 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


def _tick(runner) -> str:
    result = runner.invoke(args=["scheduler", "tick"])
    assert result.exit_code == 0, result.output
    return result.output


def _last_result(app, job: str) -> dict:
    with app.app_context():
        run = db.session.scalars(select(JobRun).where(JobRun.name == job).order_by(JobRun.id.desc())).first()
        assert run.ok, run.result
        return dict(run.result)


def _state(app, solicitation_id: int) -> dict:
    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        return {"status": s.status, "published_at": s.published_at, "closed_at": s.closed_at,
                "publish_at": s.publish_at, "due_at": s.due_at, "number": s.number, "title": s.title}


def _queued(app, kind: str) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == kind)))


def _audit_count(app) -> int:
    from app.audit.models import AuditEvent

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def _follow(app, user_id: int, *, category_id: int | None = None, solicitation_id: int | None = None):
    with app.app_context():
        db.session.add(Follow(user_id=user_id, category_id=category_id, solicitation_id=solicitation_id))
        db.session.commit()


@pytest.fixture
def followers(app, make_user, categories, vendor, agency):
    """Who follows what: returns the addresses that must be told of a publication in the first
    two categories, and sets up some that must not."""
    _follow(app, vendor.id, category_id=categories[0].id)
    both = make_user(Role.VENDOR_USER, email="both@vendor.example")
    _follow(app, both.id, category_id=categories[0].id)
    _follow(app, both.id, category_id=categories[1].id)  # one e-mail, not two
    elsewhere = make_user(Role.VENDOR_ADMIN, email="lawns@vendor.example")
    _follow(app, elsewhere.id, category_id=categories[2].id)
    gone = make_user(Role.VENDOR_ADMIN, email="gone@vendor.example", active=False)
    _follow(app, gone.id, category_id=categories[1].id)
    staff = make_user(Role.BUYER, org_id=agency.id, email="buyer@agency.example")
    _follow(app, staff.id, category_id=categories[0].id)  # agencies are not advertised to
    return sorted([vendor.email, both.email])


def test_the_scheduler_publishes_at_publish_at_and_closes_at_due_at(app, runner, make_solicitation,
                                                                     followers, audit_events, outbox):
    clock.freeze(T0)
    publish_at = T0 + timedelta(days=2)
    info = make_solicitation(S.APPROVED, publish_at=publish_at)
    events_before = audit_events(info.id)

    # Before publish_at: nothing happens.
    output = _tick(runner)
    assert "publish_due_solicitations: ok {'published': 0, 'blocked': 0}" in output
    assert _state(app, info.id)["status"] == S.APPROVED
    clock.freeze(publish_at - timedelta(seconds=1))
    _tick(runner)
    assert _state(app, info.id)["status"] == S.APPROVED
    assert audit_events(info.id) == events_before
    assert _queued(app, "solicitation_published") == [] and outbox == []

    # Past publish_at: published by the system, followers of its categories told.
    clock.freeze(publish_at + timedelta(minutes=1))
    output = _tick(runner)
    assert "publish_due_solicitations: ok {'published': 1, 'blocked': 0}" in output
    state = _state(app, info.id)
    assert state["status"] == S.PUBLISHED
    assert state["published_at"] == publish_at + timedelta(minutes=1)
    event = audit_events(info.id)[-1]
    assert (event.action, event.actor_id) == ("solicitation.published", None)
    assert event.data == {"number": info.number, "from": "approved", "to": "published"}
    assert _queued(app, "solicitation_published") == followers
    assert sorted(m["To"] for m in outbox) == followers  # delivered by the same tick
    message = outbox[0]
    assert message["Subject"] == f"New solicitation: {state['number']} {state['title']}"
    assert f"http://localhost/solicitations/{state['number']}" in message.get_content()

    # Ticking again changes nothing.
    events, total = audit_events(info.id), _audit_count(app)
    _tick(runner)
    assert _state(app, info.id) == state
    assert audit_events(info.id) == events and _audit_count(app) == total
    assert _queued(app, "solicitation_published") == followers and len(outbox) == len(followers)
    assert _last_result(app, "publish_due_solicitations") == {"published": 0, "blocked": 0}

    # Just before the due date the scheduler leaves it open.
    due_at = state["due_at"]
    clock.freeze(due_at - timedelta(seconds=1))
    _tick(runner)
    assert _state(app, info.id)["status"] == S.PUBLISHED
    assert _last_result(app, "close_due_solicitations") == {"closed": 0, "blocked": 0}

    # At the due date a tick closes it, as the system.
    clock.freeze(due_at)
    output = _tick(runner)
    assert "close_due_solicitations: ok {'closed': 1, 'blocked': 0}" in output
    state = _state(app, info.id)
    assert state["status"] == S.CLOSED and state["closed_at"] == due_at
    event = audit_events(info.id)[-1]
    assert (event.action, event.actor_id) == ("solicitation.closed", None)

    # And again: nothing more.
    events, total = audit_events(info.id), _audit_count(app)
    clock.advance(timedelta(days=1))
    _tick(runner)
    assert _state(app, info.id) == state
    assert audit_events(info.id) == events and _audit_count(app) == total
    assert _last_result(app, "close_due_solicitations") == {"closed": 0, "blocked": 0}
    assert len(outbox) == len(followers)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == len(followers)


def test_a_solicitation_followed_directly_is_announced_once(app, runner, make_solicitation, vendor,
                                                            categories, outbox):
    clock.freeze(T0)
    info = make_solicitation(S.APPROVED, publish_at=T0 + timedelta(hours=1))
    _follow(app, vendor.id, solicitation_id=info.id)
    _follow(app, vendor.id, category_id=categories[0].id)
    clock.advance(timedelta(hours=2))
    _tick(runner)
    _tick(runner)
    assert [m["To"] for m in outbox] == [vendor.email]


def test_accepting_bids_ends_at_due_at_without_the_scheduler(app, client, make_solicitation):
    clock.freeze(T0)
    info = make_solicitation(S.PUBLISHED)
    with app.app_context():
        due_at = db.session.get(Solicitation, info.id).due_at

    clock.freeze(due_at - timedelta(microseconds=1))
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        assert s.accepting_bids is True
    assert info.number in client.get("/solicitations/").get_data(as_text=True)

    clock.freeze(due_at)  # no tick has run
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        assert s.status == S.PUBLISHED
        assert s.accepting_bids is False and s.accepting_questions is False
    assert info.number not in client.get("/solicitations/").get_data(as_text=True)
    # (Its public page after the deadline: test_visibility.py::test_public_pages_after_the_deadline.)


def test_a_solicitation_whose_due_date_passed_before_publication_is_not_published(
        app, runner, make_solicitation, followers, audit_events, outbox):
    clock.freeze(T0)
    late = make_solicitation(S.APPROVED, publish_at=T0 + timedelta(days=1),
                             questions_due_at=T0 + timedelta(days=2), due_at=T0 + timedelta(days=3))
    on_time = make_solicitation(S.APPROVED, publish_at=T0 + timedelta(days=2))
    late_events = audit_events(late.id)

    clock.freeze(T0 + timedelta(days=4))  # the scheduler was down past the due date
    output = _tick(runner)
    assert "publish_due_solicitations: ok {'published': 1, 'blocked': 1" in output
    assert _last_result(app, "publish_due_solicitations") == {"published": 1, "blocked": 1,
                                                              "blocked_numbers": [late.number]}
    assert _state(app, late.id)["status"] == S.APPROVED
    assert _state(app, late.id)["published_at"] is None
    assert audit_events(late.id) == late_events
    assert _state(app, on_time.id)["status"] == S.PUBLISHED  # the other one is unaffected
    assert sorted(m["To"] for m in outbox) == followers  # only for the one published
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.subject)).all()
    assert all(on_time.number in subject for subject in bodies)

    # Still blocked, still reported, never published or closed; nothing recorded.
    total = _audit_count(app)
    _tick(runner)
    assert _audit_count(app) == total
    assert _last_result(app, "publish_due_solicitations") == {"published": 0, "blocked": 1,
                                                              "blocked_numbers": [late.number]}
    assert _last_result(app, "close_due_solicitations") == {"closed": 0, "blocked": 0}
    assert _state(app, late.id)["status"] == S.APPROVED


@pytest.mark.parametrize("status", [S.DRAFT, S.PENDING_APPROVAL, S.CANCELLED])
def test_the_scheduler_publishes_only_approved_solicitations(app, runner, make_solicitation, audit_events,
                                                             followers, outbox, status):
    clock.freeze(T0)
    info = make_solicitation(status, publish_at=T0 + timedelta(hours=1))
    events = audit_events(info.id)
    clock.advance(timedelta(days=1))
    _tick(runner)
    assert _state(app, info.id)["status"] == status
    assert audit_events(info.id) == events
    assert outbox == []


def test_the_scheduler_closes_a_solicitation_published_by_hand(app, runner, make_solicitation, audit_events):
    clock.freeze(T0)
    info = make_solicitation(S.PUBLISHED, publish_at=None)
    due_at = _state(app, info.id)["due_at"]
    clock.freeze(due_at + timedelta(hours=3))
    _tick(runner)
    state = _state(app, info.id)
    assert state["status"] == S.CLOSED and state["closed_at"] == due_at + timedelta(hours=3)
    assert [e.action for e in audit_events(info.id)].count("solicitation.closed") == 1


def test_jobs_run_in_order_publish_close_deliver(app, runner):
    from app.jobs.runner import JOBS

    # Status changes first, then the reminders and the contracts' eligibility by state (after
    # the awards that made contracts), the evaluation reports scoring changed, the day's audit
    # anchor (after the events they recorded), then the mail they all queued.
    assert [job.name for job in JOBS] == ["publish_due_solicitations", "close_due_solicitations",
                                          "finalise_due_awards", "send_contract_expiry_reminders",
                                          "refresh_contract_eligibility", "build_evaluation_reports",
                                          "anchor_audit_chain", "deliver_outbox"]

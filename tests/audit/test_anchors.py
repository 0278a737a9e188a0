"""The chain head is anchored outside the database (a JSON-lines log and a daily e-mail to the
platform admins), so rewriting the whole chain in the database, every hash recomputed, shows."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import JSON, bindparam, select, text

from app.audit.anchors import AnchorLogError, read_anchors, send_daily_anchor, verify_anchors, write_anchor
from app.audit.models import GENESIS_HASH, AuditEvent
from app.audit.services import compute_hash, verify_chain
from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.jobs import runner as jobs_runner
from app.notifications.models import OutboxMessage

T0 = datetime(2026, 4, 6, 13, 0, tzinfo=timezone.utc)


def _log(app) -> Path:
    return Path(app.config["AUDIT_ANCHOR_PATH"])


def _lines(app) -> list[dict]:
    return [json.loads(line) for line in _log(app).read_text(encoding="utf-8").splitlines()]


def _rewrite_whole_chain(app, seq: int, data: dict) -> None:
    """What someone with write access to the database could do: change one event, then recompute
    every hash after it and the chain head with the application's own hash function."""
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        db.session.expunge_all()
    prev_hash = GENESIS_HASH
    statements = []
    for event in events:
        if event.seq == seq:
            event.data = data
        event.prev_hash = prev_hash
        event.hash = compute_hash(event.content())
        statements.append(
            text("UPDATE audit_events SET data = :data, prev_hash = :prev, hash = :hash WHERE seq = :seq")
            .bindparams(bindparam("data", event.data, type_=JSON), prev=event.prev_hash,
                        hash=event.hash, seq=event.seq))
        prev_hash = event.hash
    statements.append(text("UPDATE audit_chain_head SET last_hash = :h WHERE id = 1").bindparams(h=prev_hash))
    with app.app_context():
        with db.engine.begin() as conn:
            # Unique hashes: clear them first so rows can take each other's old values.
            conn.execute(text("UPDATE audit_events SET hash = 'x' || CAST(seq AS VARCHAR(20))"))
            for statement in statements:
                conn.execute(statement)


# ----------------------------------------------------------------------------- writing anchors
def test_anchor_command_appends_the_chain_head(app, make_events, runner):
    clock.freeze(T0)
    make_events(3)
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 0, result.output
    assert "Anchored the chain head: seq 3" in result.output
    with app.app_context():
        head_hash = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 3))
    assert _lines(app) == [{"seq": 3, "hash": head_hash, "at": "2026-04-06T13:00:00+00:00"}]


def test_the_log_is_append_only(app, make_events):
    clock.freeze(T0)
    make_events(2)
    with app.app_context():
        assert write_anchor().written
    first = _log(app).read_bytes()
    clock.advance(timedelta(days=1))
    make_events(2, action="test.later")
    with app.app_context():
        assert write_anchor().written
    content = _log(app).read_bytes()
    assert content.startswith(first)  # the first line is kept byte for byte
    assert [line["seq"] for line in _lines(app)] == [2, 4]
    assert _lines(app)[1]["at"] == "2026-04-07T13:00:00+00:00"


def test_no_second_line_while_the_head_has_not_moved(app, make_events, runner):
    make_events(2)
    with app.app_context():
        assert write_anchor().written
        again = write_anchor()
    assert not again.written and again.anchor.seq == 2
    assert len(_lines(app)) == 1
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 0 and "has not moved" in result.output
    assert len(_lines(app)) == 1


def test_an_empty_chain_is_not_anchored(app, runner):
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 0 and "no events yet" in result.output
    assert not _log(app).exists()


def test_a_line_cut_short_by_a_crash_does_not_swallow_the_next(app, make_events):
    make_events(1)
    _log(app).write_text('{"seq": 1, "hash": "ab', encoding="utf-8")
    with app.app_context():
        assert write_anchor().written
    assert _log(app).read_text(encoding="utf-8").splitlines()[1].startswith('{"seq": 1, ')


# ----------------------------------------------------------------------------- verifying against them
def test_a_rewritten_chain_passes_the_chain_check_but_not_the_anchors(app, make_events, runner):
    make_events(5)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    make_events(2, action="test.after_anchor")
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    _rewrite_whole_chain(app, seq=3, data={"n": 999, "note": "forged"})

    with app.app_context():
        assert verify_chain().ok  # the rewrite is consistent: the chain alone cannot tell
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output
    # The first anchor that disagrees is named: line 1, the head at seq 5.
    assert re.search(r"anchor \(line 1: seq 5, written .*\) in .* does not match", result.output), result.output
    assert "rewritten" in result.output


def test_an_untouched_chain_passes_with_its_anchors(app, make_events, runner):
    make_events(3)
    runner.invoke(args=["audit", "anchor"])
    make_events(2, action="test.more")
    runner.invoke(args=["audit", "anchor"])
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 5 events")
    assert "Anchors: 2 checked, all match" in result.output


def test_no_anchor_log_is_reported_but_does_not_fail(make_events, runner):
    make_events(2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "no anchors on file" in result.output


def test_an_anchored_event_deleted_with_the_tail_is_named(app, make_events, runner):
    make_events(4)
    runner.invoke(args=["audit", "anchor"])
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events WHERE seq = 4"))
            last = conn.execute(text("SELECT hash FROM audit_events WHERE seq = 3")).scalar()
            conn.execute(text("UPDATE audit_chain_head SET last_seq = 3, last_hash = :h").bindparams(h=last))
        assert verify_chain().ok
        report = verify_anchors()
    assert not report.ok and "no event at seq 4" in str(report)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "no event at seq 4" in result.output


def test_a_damaged_anchor_log_fails_verification(app, make_events, runner):
    make_events(2)
    runner.invoke(args=["audit", "anchor"])
    with _log(app).open("a", encoding="utf-8") as log:
        log.write("not an anchor\n")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "Error: line 2 of the anchor log is not an anchor" in result.output
    with app.app_context(), pytest.raises(AnchorLogError, match="line 2"):
        read_anchors()


# ----------------------------------------------------------------------------- the daily job
def _platform_admins(make_org, make_user):
    platform = make_org(OrganizationKind.PLATFORM)
    return [make_user(Role.ADMIN, org_id=platform, email=f"admin{i}@coopbid.example") for i in (1, 2)]


def test_the_daily_job_anchors_and_emails_every_active_admin(app, make_events, make_org, make_user):
    from app.accounts.models import User

    clock.freeze(T0)
    admins = _platform_admins(make_org, make_user)
    inactive = make_user(Role.ADMIN, org_id=admins[0].organization_id, email="gone@coopbid.example")
    make_user(Role.AGENCY_ADMIN, email="agency@example.org")
    with app.app_context():
        db.session.get(User, inactive.id).active = False
        db.session.commit()
    make_events(3)

    with app.app_context():
        runs = {run.name: run for run in jobs_runner.tick()}
    assert runs["anchor_audit_chain"].ok and runs["anchor_audit_chain"].result == {"anchored": 1, "emailed": 2}
    [line] = _lines(app)
    assert line["seq"] == 3
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit_anchor")
                                      .order_by(OutboxMessage.to_address)).all()
        assert [m.to_address for m in messages] == ["admin1@coopbid.example", "admin2@coopbid.example"]
        body = messages[0].body_text
        assert messages[0].subject == "Audit trail anchor for April 6, 2026"
        assert "number 3" in body and line["hash"] in body
        assert "April 6, 2026, 13:00:00 UTC" in body
        assert "{{" not in body and "audit_anchor" not in body


def test_the_daily_job_runs_once_a_day_and_mails_an_unmoved_head(app, make_events, make_org, make_user):
    clock.freeze(T0)
    _platform_admins(make_org, make_user)
    make_events(2)
    with app.test_request_context():  # as the scheduler runs jobs: e-mails build links
        assert send_daily_anchor() == {"anchored": 1, "emailed": 2}
        db.session.commit()
        clock.advance(timedelta(hours=3))
        assert send_daily_anchor() == {"anchored": 0, "emailed": 0}  # today is done
        db.session.commit()
        clock.advance(timedelta(days=1))
        # Nothing happened since: no new line, but the admins still get the current head.
        assert send_daily_anchor() == {"anchored": 0, "emailed": 2}
        db.session.commit()
        bodies = db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id)).all()
    assert len(_lines(app)) == 1
    assert len(bodies) == 4 and "No events were recorded since the previous anchor" in bodies[-1]


def test_without_admins_the_job_still_anchors_once_a_day(app, make_events):
    clock.freeze(T0)
    make_events(1)
    with app.app_context():
        assert send_daily_anchor() == {"anchored": 1, "emailed": 0}
        make_events(1, action="test.same_day")
        assert send_daily_anchor() == {"anchored": 0, "emailed": 0}
        clock.advance(timedelta(days=1))
        assert send_daily_anchor() == {"anchored": 1, "emailed": 0}
    assert [line["seq"] for line in _lines(app)] == [1, 2]


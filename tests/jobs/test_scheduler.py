"""`flask scheduler tick` runs every job once, records each run, and survives a failing job."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.jobs import runner as jobs_runner
from app.jobs.models import JobRun
from app.jobs.runner import Job
from app.notifications.models import OutboxMessage, OutboxStatus
from app.notifications.services import deliver_outbox, send_email

T0 = datetime(2026, 4, 6, 13, 0, tzinfo=timezone.utc)


def _queue(app, to: str = "pat@example.org") -> int:
    with app.test_request_context():
        message = send_email(to, "Sign-in paused", "account_locked",
                             user=SimpleNamespace(name="Pat"), minutes=15)
        db.session.commit()
        return message.id


def _runs(app) -> list[JobRun]:
    with app.app_context():
        runs = db.session.scalars(select(JobRun).order_by(JobRun.id)).all()
        db.session.expunge_all()
        return runs


def test_tick_command_delivers_the_outbox_and_records_the_run(app, runner, outbox):
    clock.freeze(T0)
    message_id = _queue(app)
    result = runner.invoke(args=["scheduler", "tick"])
    assert result.exit_code == 0, result.output
    assert "deliver_outbox: ok" in result.output
    assert len(outbox) == 1 and outbox[0]["To"] == "pat@example.org"
    runs = _runs(app)
    assert [r.name for r in runs] == [job.name for job in jobs_runner.JOBS]
    [run] = [r for r in runs if r.name == "deliver_outbox"]
    assert run.ok is True
    assert run.result == {"sent": 1, "failed": 0, "retry": 0}
    assert run.started_at == T0 and run.finished_at == T0
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT


def test_tick_function_runs_every_job(app, outbox):
    _queue(app)
    with app.app_context():
        runs = jobs_runner.tick()
        assert [r.name for r in runs] == [job.name for job in jobs_runner.JOBS]
        assert all(r.ok for r in runs)
    assert len(outbox) == 1
    assert len(_runs(app)) == len(jobs_runner.JOBS)


def test_ticking_twice_sends_nothing_twice(app, runner, outbox):
    _queue(app, "a@example.org")
    _queue(app, "b@example.org")
    first = runner.invoke(args=["scheduler", "tick"])
    second = runner.invoke(args=["scheduler", "tick"])
    assert first.exit_code == second.exit_code == 0
    with app.app_context():
        jobs_runner.tick()
    assert sorted(m["To"] for m in outbox) == ["a@example.org", "b@example.org"]
    runs = [r for r in _runs(app) if r.name == "deliver_outbox"]
    assert [r.result["sent"] for r in runs] == [2, 0, 0]
    assert all(r.ok for r in runs)


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(app, runner, monkeypatch, outbox):
    def broken() -> dict:
        # Partial work that must be rolled back with the failure.
        with app.test_request_context():
            send_email("ghost@example.org", "Half-done", "account_locked",
                       user=SimpleNamespace(name="Ghost"), minutes=1)
        db.session.flush()
        raise RuntimeError("boom: the job fell over")

    monkeypatch.setattr(jobs_runner, "JOBS", [
        Job("broken", broken, "SCHEDULER_DUE_WORK_SECONDS"),
        Job("deliver_outbox", deliver_outbox, "SCHEDULER_OUTBOX_SECONDS"),
    ])
    _queue(app, "real@example.org")

    result = runner.invoke(args=["scheduler", "tick"])
    assert result.exit_code == 1  # cron and monitors must see the failure
    assert "broken: FAILED" in result.output
    assert "deliver_outbox: ok" in result.output

    runs = {r.name: r for r in _runs(app)}
    assert runs["broken"].ok is False
    assert "RuntimeError: boom: the job fell over" in runs["broken"].result["error"]
    assert runs["broken"].finished_at is not None
    assert runs["deliver_outbox"].ok is True
    assert runs["deliver_outbox"].result["sent"] == 1
    assert [m["To"] for m in outbox] == ["real@example.org"]
    with app.app_context():
        addresses = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert addresses == ["real@example.org"]  # the failed job's half-done work was rolled back


def test_a_job_failing_in_the_database_does_not_poison_the_session(app, monkeypatch, outbox):
    def bad_sql() -> dict:
        db.session.execute(select(OutboxMessage.id).where(OutboxMessage.id == 1)).all()
        db.session.add(JobRun(name=None, started_at=clock.now()))  # NOT NULL violation on flush
        db.session.flush()
        return {}

    monkeypatch.setattr(jobs_runner, "JOBS", [
        Job("bad_sql", bad_sql, "SCHEDULER_DUE_WORK_SECONDS"),
        Job("deliver_outbox", deliver_outbox, "SCHEDULER_OUTBOX_SECONDS"),
    ])
    _queue(app)
    with app.app_context():
        runs = jobs_runner.tick()
        assert [(r.name, r.ok) for r in runs] == [("bad_sql", False), ("deliver_outbox", True)]
    assert len(outbox) == 1
    assert [(r.name, r.ok) for r in _runs(app)] == [("bad_sql", False), ("deliver_outbox", True)]


def test_tick_when_nothing_is_due(app, runner, outbox):
    clock.freeze(T0)
    result = runner.invoke(args=["scheduler", "tick"])
    assert result.exit_code == 0
    runs = _runs(app)
    assert all(r.ok for r in runs) and len(runs) == len(jobs_runner.JOBS)
    [run] = [r for r in runs if r.name == "deliver_outbox"]
    assert run.result == {"sent": 0, "failed": 0, "retry": 0}
    assert outbox == []


def test_a_job_can_send_mail_with_links_outside_any_request(app, monkeypatch, outbox):
    """Jobs run in a URL context for PUBLIC_BASE_URL, so templates that call url_for work."""
    def mailer() -> dict:
        send_email("owner@example.org", "Someone tried to register", "registration_exists")
        return {}

    monkeypatch.setattr(jobs_runner, "JOBS", [Job("mailer", mailer, "SCHEDULER_DUE_WORK_SECONDS"),
                                              Job("deliver_outbox", deliver_outbox, "SCHEDULER_OUTBOX_SECONDS")])
    with app.app_context():
        assert [r.ok for r in jobs_runner.tick()] == [True, True]
    body = outbox[0].get_content()
    assert "http://localhost/accounts/password-reset" in body

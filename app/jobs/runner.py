"""The job table and the code that runs one job; used by the scheduler and by `tick`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import current_app

from app.audit.anchors import send_daily_anchor
from app.core import clock
from app.evaluation.report_files import build_stale_reports
from app.extensions import db
from app.awards.services import finalise_due_awards
from app.contracts.eligibility import refresh_stale_eligibility
from app.contracts.services import send_expiry_reminders
from app.jobs.models import JobRun
from app.notifications.services import deliver_outbox
from app.solicitations.services import close_due_solicitations, publish_due_solicitations


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], dict[str, Any]]
    interval_setting: str  # config key holding the interval in seconds


# Order matters within one tick: publish and close first, then send the mail they queued.
JOBS: list[Job] = [
    Job("publish_due_solicitations", publish_due_solicitations, "SCHEDULER_DUE_WORK_SECONDS"),
    Job("close_due_solicitations", close_due_solicitations, "SCHEDULER_DUE_WORK_SECONDS"),
    Job("finalise_due_awards", finalise_due_awards, "SCHEDULER_DUE_WORK_SECONDS"),
    Job("send_contract_expiry_reminders", send_expiry_reminders, "SCHEDULER_DUE_WORK_SECONDS"),
    # Rule files changed, contracts expired or never computed: their usability by state again.
    Job("refresh_contract_eligibility", refresh_stale_eligibility, "SCHEDULER_DUE_WORK_SECONDS"),
    # Evaluation report PDFs missing or out of date since scoring closed or a score changed.
    Job("build_evaluation_reports", build_stale_reports, "SCHEDULER_EVALUATION_REPORT_SECONDS"),
    # Once a UTC day: the audit chain head to the anchor log and the platform admins' inboxes.
    Job("anchor_audit_chain", send_daily_anchor, "SCHEDULER_AUDIT_ANCHOR_SECONDS"),
    Job("deliver_outbox", deliver_outbox, "SCHEDULER_OUTBOX_SECONDS"),
]


def run_job(job: Job) -> JobRun:
    """Run one job in its own transaction boundary and record how it went. Jobs run inside a
    request context for PUBLIC_BASE_URL, so e-mails they send can build links with url_for."""
    started = clock.now()
    try:
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
            result = job.run() or {}
        db.session.commit()
        ok = True
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the scheduler goes on
        db.session.rollback()
        current_app.logger.exception("job %s failed", job.name)
        result, ok = {"error": f"{type(exc).__name__}: {exc}"[:500]}, False
    run = JobRun(name=job.name, started_at=started, finished_at=clock.now(), ok=ok, result=result)
    db.session.add(run)
    db.session.commit()
    return run


def tick() -> list[JobRun]:
    """Run every job once (tests, cron, `flask scheduler tick`)."""
    return [run_job(job) for job in JOBS]

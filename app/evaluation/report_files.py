"""The evaluation report PDF, built once per state of the evaluation and kept in storage.

A thousand bids x 20 criteria x 7 evaluators make a report of a thousand pages: seconds to build,
too long for a request. So:
- `evaluation_changed` (and every lifecycle transition) adds one to Evaluation.state_version once
  the ranking may be shown: whatever the report shows has changed;
- the stored report (EvaluationReportFile) names the version it was built from; it is current
  while that is still the evaluation's version;
- the scheduler's job `build_evaluation_reports` builds every report that is missing or out of
  date (the version counter is the queue): after the chair closes scoring, and again after each
  change;
- a request for a report that is not current builds it on the spot when the evaluation is small
  (EVALUATION_REPORT_INLINE_SCORES score rows at most), and otherwise is told it is being prepared.
Callers commit (the job commits one report at a time)."""
from __future__ import annotations

import time
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.core import clock, signals
from app.core.storage import StoredFileMissing, delete_after_commit, read_verified, save_with_transaction
from app.evaluation.models import CommitteeMember, Evaluation, EvaluationReportFile, EvaluationScore
from app.evaluation.pdf import render_evaluation_report
from app.evaluation.report import build_report
from app.evaluation.services import evaluation_for, ranking_ready, results
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus, SolicitationType

# The statuses in which the report is given out (the evaluation pages' own, less "opened", when
# no evaluation exists yet).
REPORT_STATUSES = (SolicitationStatus.UNDER_EVALUATION, SolicitationStatus.INTENT_TO_AWARD,
                   SolicitationStatus.AWARDED)
JOB_BUDGET_SECONDS = 30  # the job starts no new build after this long; the next run goes on


# ----------------------------------------------------------------------------- the state version
def mark_changed(solicitation: Solicitation, **_: Any) -> None:
    """One more change to what the report shows (receiver of evaluation_changed and of every
    lifecycle transition). Nothing to count while an RFP's scoring is open: no report is given out
    then, and evaluators saving their sheets at once do not queue on the evaluation's row."""
    evaluation = evaluation_for(solicitation)
    if evaluation is None or not ranking_ready(solicitation, evaluation):
        return
    db.session.execute(update(Evaluation).where(Evaluation.solicitation_id == solicitation.id)
                       .values(state_version=Evaluation.state_version + 1))


signals.evaluation_changed.connect(mark_changed)
signals.solicitation_transitioned.connect(mark_changed)


def report_file(s: Solicitation) -> EvaluationReportFile | None:
    return db.session.scalar(select(EvaluationReportFile).where(EvaluationReportFile.solicitation_id == s.id))


def _current_version(s: Solicitation) -> int | None:
    return db.session.scalar(select(Evaluation.state_version).where(Evaluation.solicitation_id == s.id))


def current_file(s: Solicitation) -> EvaluationReportFile | None:
    """The stored report, if it was built from the evaluation as it stands."""
    row = report_file(s)
    return row if row is not None and row.state_version == _current_version(s) else None


def read_current(s: Solicitation) -> tuple[EvaluationReportFile, bytes] | None:
    """The current report and its bytes, checked against its SHA-256 (StoredFileChanged: 409,
    StoredFileMissing: 404); None when there is no current report. A builder that replaced the
    file between reading the row and reading the file is read again, once."""
    for attempt in range(2):
        row = current_file(s)
        if row is None:
            return None
        try:
            return row, read_verified(row)
        except StoredFileMissing:
            if attempt:
                raise
            db.session.expire(row)
    return None


def score_rows(s: Solicitation) -> int:
    """The size of the evaluation, as the build's cost goes: its evaluators' score rows."""
    return db.session.scalar(select(func.count(EvaluationScore.id)).join(CommitteeMember)
                             .where(CommitteeMember.solicitation_id == s.id)) or 0


def builds_inline(s: Solicitation) -> bool:
    return score_rows(s) <= current_app.config["EVALUATION_REPORT_INLINE_SCORES"]


# ----------------------------------------------------------------------------- building
def build_report_file(s: Solicitation) -> tuple[EvaluationReportFile, bytes]:
    """Render the report from the evaluation as it stands and store it (in the caller's
    transaction), replacing the one before; its file goes when the transaction commits."""
    from app.awards.services import current_recommendation

    version = _current_version(s)  # read first: a change made meanwhile leaves the report stale
    if version is None:
        raise ValueError(f"solicitation {s.id} has no evaluation")
    started = time.perf_counter()
    body = render_evaluation_report(build_report(results(s), current_recommendation(s)))
    stored = save_with_transaction(db.session, body)
    fields = {"state_version": version, "filename": f"{s.number}-evaluation.pdf", "size": stored.size,
              "sha256": stored.sha256, "storage_key": stored.key, "built_at": clock.now(),
              "build_ms": round((time.perf_counter() - started) * 1000)}
    row = report_file(s)
    if row is None:
        try:
            with db.session.begin_nested():
                row = EvaluationReportFile(solicitation_id=s.id, **fields)
                db.session.add(row)
            return row, body
        except IntegrityError:  # another builder stored the first one meanwhile: replace it
            row = report_file(s)
    delete_after_commit(db.session, row.storage_key)
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.flush()
    return row, body


def stale_reports() -> list[int]:
    """Solicitation ids whose report may be given out and is missing or out of date, newest first."""
    return list(db.session.scalars(
        select(Evaluation.solicitation_id)
        .join(Solicitation, Solicitation.id == Evaluation.solicitation_id)
        .outerjoin(EvaluationReportFile, EvaluationReportFile.solicitation_id == Evaluation.solicitation_id)
        .where(Solicitation.status.in_(REPORT_STATUSES),
               or_(Solicitation.type != SolicitationType.RFP, Evaluation.scoring_closed_at.is_not(None)),
               or_(EvaluationReportFile.id.is_(None), EvaluationReportFile.state_version != Evaluation.state_version))
        .order_by(Evaluation.solicitation_id.desc())))


def build_stale_reports() -> dict[str, Any]:
    """Scheduler: build each missing or out-of-date report, committing one at a time; a failed
    build is logged and tried again on the next run."""
    deadline = time.monotonic() + JOB_BUDGET_SECONDS
    built, failed, waiting = 0, [], 0
    for solicitation_id in stale_reports():
        if time.monotonic() > deadline:
            waiting += 1
            continue
        s = db.session.get(Solicitation, solicitation_id)
        try:
            build_report_file(s)
            db.session.commit()
            built += 1
        except Exception:  # noqa: BLE001 - one report that does not build must not stop the others
            db.session.rollback()
            current_app.logger.exception("evaluation report of solicitation %s not built", solicitation_id)
            failed.append(solicitation_id)
    result: dict[str, Any] = {"built": built, "failed": len(failed), "waiting": waiting}
    if failed:
        result["failed_solicitations"] = failed
    return result

"""The evaluation report PDF is built once per state of the evaluation and kept in storage: the
scheduler's job builds it after the chair closes scoring and again after every change it shows;
a request serves the stored file (checked against its SHA-256, ETag and private caching), builds
it itself only for a small evaluation, and otherwise says it is being prepared (202). Who may read
it is what it was: the officers, administrators, approvers and the seated, signed members."""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.bids.sealed_support import signed_in
from tests.demo.test_words_not_codes import pdf_text
from tests.evaluation.test_proposal_visibility import ALLOWED, REFUSED, _close_scoring, seats  # noqa: F401


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDF renderings of the evaluation report (by the job or by a request)."""
    from app.evaluation import report_files

    calls = []
    real = report_files.render_evaluation_report

    def counting(report):  # noqa: ANN001
        calls.append(report.number)
        return real(report)

    monkeypatch.setattr(report_files, "render_evaluation_report", counting)
    return calls


@pytest.fixture
def closed(app, seats, opened_rfp):  # noqa: F811
    """Scoring closed by the chair (the only signed member), everything scored 10."""
    _close_scoring(app, seats, opened_rfp)
    return seats


def _url(at) -> str:  # noqa: ANN001 (the Seats of the solicitation)
    return f"/agency/solicitations/{at.id}/evaluation/report.pdf"


def _run_job(app) -> dict:
    from app.jobs.runner import JOBS, run_job

    [job] = [j for j in JOBS if j.name == "build_evaluation_reports"]
    with app.app_context():
        run = run_job(job)
        assert run.ok, run.result
        return run.result


def _stored(app, at):  # noqa: ANN001
    """(state version built from, evaluation's version, sha256, storage path) of the stored report."""
    from app.core.storage import storage
    from app.evaluation.models import Evaluation, EvaluationReportFile

    with app.app_context():
        row = db.session.scalar(select(EvaluationReportFile).where(EvaluationReportFile.solicitation_id == at.id))
        version = db.session.get(Evaluation, at.id).state_version
        if row is None:
            return None, version, None, None
        return row.state_version, version, row.sha256, Path(storage()._path(row.storage_key))


def _visible(response) -> str:  # noqa: ANN001
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _consensus(app, at, opened_rfp, reason: str):  # noqa: ANN001
    from app.solicitations.models import Solicitation

    with app.app_context():
        criterion = next(c for c in db.session.get(Solicitation, at.id).criteria if not c.is_price)
        criterion_id = criterion.id
    chair = signed_in(app, at.readers["seated and signed"])
    response = chair.submit(f"/agency/solicitations/{at.id}/evaluation/consensus",
                            {"bid_id": opened_rfp.bid_ids["Charlie Paper"], "criterion_id": criterion_id,
                             "points": "3", "reason": reason})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def test_the_job_builds_the_report_once_scoring_closes_and_requests_serve_it(app, seats, opened_rfp, renders):  # noqa: F811
    assert _run_job(app)["built"] == 0  # scoring open: no report to build
    _close_scoring(app, seats, opened_rfp)
    assert _run_job(app) == {"built": 1, "failed": 0, "waiting": 0}
    built_from, version, sha, path = _stored(app, seats)
    assert built_from == version and renders == [opened_rfp.number]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    assert _run_job(app)["built"] == 0  # up to date: nothing to do

    officer = signed_in(app, seats.readers["procurement officer"])
    response = officer.get(_url(seats))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == path.read_bytes()
    assert response.headers["ETag"] == f'"{sha}"'
    assert "private" in response.headers["Cache-Control"]
    assert f'filename="{opened_rfp.number}-evaluation.pdf"' in response.headers["Content-Disposition"]
    assert "Alpha Supply" in pdf_text(response.data)
    again = officer.get(_url(seats), headers={"If-None-Match": f'"{sha}"'})
    assert again.status_code == 304 and not again.data
    assert renders == [opened_rfp.number]  # served from storage: never rendered on request


def test_a_consensus_score_puts_the_report_out_of_date_and_the_job_rebuilds_it(app, closed, opened_rfp, renders,
                                                                              monkeypatch):
    monkeypatch.setitem(app.config, "EVALUATION_REPORT_INLINE_SCORES", 0)  # every evaluation is "large"
    _run_job(app)
    built_from, version, first_sha, _ = _stored(app, closed)
    _consensus(app, closed, opened_rfp, "The committee agreed after the interview")
    built_from, version, sha, _ = _stored(app, closed)
    assert version > built_from and sha == first_sha  # out of date, not rebuilt by the request

    officer = signed_in(app, closed.readers["procurement officer"])
    assert officer.get(_url(closed)).status_code == 202  # never the report of before the change
    assert _run_job(app)["built"] == 1
    built_from, version, sha, _ = _stored(app, closed)
    assert built_from == version and sha != first_sha
    response = officer.get(_url(closed))
    assert response.status_code == 200 and response.headers["ETag"] == f'"{sha}"'
    assert "The committee agreed after the interview" in pdf_text(response.data)
    assert len(renders) == 2  # one build after closing, one after the change, none on request


def test_a_recommendation_and_a_responsiveness_decision_put_it_out_of_date_too(app, closed, opened_rfp):
    from app.accounts.models import User
    from app.awards.services import recommend_award
    from app.bids import opening
    from app.bids.models import Bid
    from app.solicitations.models import Solicitation

    _run_job(app)
    for change in ("recommendation", "responsiveness"):
        with app.test_request_context():
            officer = db.session.get(User, closed.readers["procurement officer"].id)
            s = db.session.get(Solicitation, closed.id)
            if change == "recommendation":
                recommend_award(officer, s, [opened_rfp.bid_ids["Alpha Supply"]], "Best value.")
            else:
                opening.decide_responsiveness(officer, db.session.get(Bid, opened_rfp.bid_ids["Charlie Paper"]),
                                              False, "No bid bond.")
            db.session.commit()
        built_from, version, _, _ = _stored(app, closed)
        assert version > built_from, change
        assert _run_job(app)["built"] == 1, change
    text = pdf_text(signed_in(app, closed.readers["procurement officer"]).get(_url(closed)).data)
    assert "Award to: Alpha Supply" in text and "Charlie Paper" not in text.split("Ranking")[-1]


def test_a_large_evaluation_not_yet_built_answers_202_with_a_page_to_reload(app, closed, renders, monkeypatch):
    monkeypatch.setitem(app.config, "EVALUATION_REPORT_INLINE_SCORES", 5)  # three bids x 2 criteria: 6 rows
    officer = signed_in(app, closed.readers["procurement officer"])
    response = officer.get(_url(closed))
    assert response.status_code == 202 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "The report is being prepared; it will be ready in a moment." in _visible(response)
    assert f'href="{_url(closed)}"' in page  # a link to load it again
    assert 'http-equiv="refresh"' not in page.lower() and "Refresh" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]
    assert renders == [] and _stored(app, closed)[0] is None  # nothing built by the request
    _run_job(app)
    assert officer.get(_url(closed)).status_code == 200
    assert len(renders) == 1


def test_a_small_evaluation_is_built_by_the_request_once_then_served(app, closed, opened_rfp, renders):
    officer = signed_in(app, closed.readers["procurement officer"])
    first = officer.get(_url(closed))
    assert first.status_code == 200 and "Alpha Supply" in pdf_text(first.data)
    built_from, version, sha, _ = _stored(app, closed)
    assert built_from == version and first.headers["ETag"] == f'"{sha}"'
    assert officer.get(_url(closed)).data == first.data
    assert renders == [opened_rfp.number]
    _consensus(app, closed, opened_rfp, "Reference checks were weak")  # out of date: built again
    assert "Reference checks were weak" in pdf_text(officer.get(_url(closed)).data)
    assert len(renders) == 2
    assert _run_job(app)["built"] == 0


def test_a_changed_stored_report_answers_409_and_a_lost_one_404(app, closed):
    _run_job(app)
    _, _, _, path = _stored(app, closed)
    original = path.read_bytes()
    officer = signed_in(app, closed.readers["procurement officer"])
    path.write_bytes(original + b"% one more line\n")
    response = officer.get(_url(closed))
    assert response.status_code == 409
    assert "no longer matches its recorded SHA-256" in _visible(response)
    path.unlink()
    response = officer.get(_url(closed))
    assert response.status_code == 404 and "is missing from storage" in _visible(response)
    path.write_bytes(original)
    assert officer.get(_url(closed)).status_code == 200


def test_who_may_read_the_stored_report_is_unchanged(app, closed, other_agency, vendor, renders):
    _run_job(app)
    for label in REFUSED:
        assert signed_in(app, closed.readers[label]).get(_url(closed)).status_code == 403, label
    for label in ALLOWED:
        response = signed_in(app, closed.readers[label]).get(_url(closed))
        assert response.status_code == 200 and "Alpha Supply" in pdf_text(response.data), label
    assert signed_in(app, closed.other_officer).get(_url(closed)).status_code == 404
    assert signed_in(app, vendor).get(_url(closed)).status_code == 403
    assert len(renders) == 1


def test_a_refused_reader_never_sets_off_a_build(app, closed, renders):
    for label in REFUSED:
        assert signed_in(app, closed.readers[label]).get(_url(closed)).status_code == 403, label
    assert renders == [] and _stored(app, closed)[0] is None


def test_while_scoring_is_open_nothing_is_given_out(app, seats, opened_rfp):  # noqa: F811
    """Scoring open: no report (the scores stay independent), whatever is stored."""
    officer = signed_in(app, seats.readers["procurement officer"])
    assert officer.get(_url(seats)).status_code == 404

"""The committee, conflict-of-interest attestations, independent scores, consensus and ranking,
through the services."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.errors import DomainError, NotPermitted
from app.extensions import db

D = Decimal


def _run(app, fn):
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def _ctx(app, user_id, solicitation_id):
    from app.accounts.models import User
    from app.solicitations.models import Solicitation

    return db.session.get(User, user_id), db.session.get(Solicitation, solicitation_id)


def _start(app, rfp):
    from app.evaluation import services
    from app.solicitations import services as sol
    from app.solicitations.models import SolicitationStatus

    def go():
        officer, s = _ctx(app, rfp.agency.officer.id, rfp.id)
        services.name_committee(officer, s, [u.id for u in rfp.evaluators], rfp.evaluators[0].id)
        sol.change_status(officer, s, SolicitationStatus.UNDER_EVALUATION)
    _run(app, go)


def test_evaluation_cannot_start_without_a_committee(app, opened_rfp):
    from app.solicitations import services as sol
    from app.solicitations.lifecycle import TransitionError
    from app.solicitations.models import SolicitationStatus

    with app.test_request_context():
        officer, s = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        with pytest.raises(TransitionError) as error:
            sol.change_status(officer, s, SolicitationStatus.UNDER_EVALUATION)
        assert "Name the evaluation committee and its chair." in error.value.problems


def test_full_scoring_with_attestation_conflict_consensus_and_ranking(app, opened_rfp):
    from app.evaluation import services

    _start(app, opened_rfp)
    chair, second, third = opened_rfp.evaluators

    with app.test_request_context():
        user, s = _ctx(app, second.id, opened_rfp.id)
        bid = db.session.get(__import__("app.bids.models", fromlist=["Bid"]).Bid, opened_rfp.bid_ids["Alpha Supply"])
        criterion = services.technical_criteria(s)[0]
        with pytest.raises(NotPermitted):  # no attestation yet
            services.record_score(user, s, bid, criterion, D(10))

    # The third evaluator declares a conflict and is excluded.
    def declare():
        user, s = _ctx(app, third.id, opened_rfp.id)
        member = services.attest(user, s, has_conflict=True, disclosure="My brother works for Bravo Office.")
        return member.excluded_at is not None and not member.may_see_proposals
    assert _run(app, declare)

    for evaluator in (chair, second):
        _run(app, lambda e=evaluator: services.attest(*_ctx(app, e.id, opened_rfp.id), has_conflict=False))

    from app.bids.models import Bid

    # Technical criteria: 40 and 20 points. Scores per evaluator (chair, second):
    table = {"Alpha Supply": ((36, 18), (34, 16)), "Bravo Office": ((38, 20), (36, 20)),
             "Charlie Paper": ((30, 10), (30, 12))}

    def score_all(evaluator, index):
        user, s = _ctx(app, evaluator.id, opened_rfp.id)
        criteria = services.technical_criteria(s)
        for name, pairs in table.items():
            bid = db.session.get(Bid, opened_rfp.bid_ids[name])
            for criterion, points in zip(criteria, pairs[index], strict=True):
                services.record_score(user, s, bid, criterion, D(points), "ok")
    _run(app, lambda: score_all(chair, 0))

    with app.test_request_context():  # scores are independent: the second sees only its own
        user, s = _ctx(app, second.id, opened_rfp.id)
        assert services.own_scores(s, user) == {}
        with pytest.raises(DomainError, match="from 0 to 40"):
            services.record_score(user, s, db.session.get(Bid, opened_rfp.bid_ids["Alpha Supply"]),
                                  services.technical_criteria(s)[0], D(41))
        with pytest.raises(NotPermitted):  # only the chair closes
            services.close_scoring(user, s)
    with app.test_request_context():
        user, s = _ctx(app, chair.id, opened_rfp.id)
        with pytest.raises(DomainError, match="Second Evaluator has 6 scores to give"):
            services.close_scoring(user, s)
    _run(app, lambda: score_all(second, 1))
    _run(app, lambda: services.close_scoring(*_ctx(app, chair.id, opened_rfp.id)))

    with app.test_request_context():
        user, s = _ctx(app, chair.id, opened_rfp.id)
        bravo = db.session.get(Bid, opened_rfp.bid_ids["Bravo Office"])
        with pytest.raises(DomainError, match="reason"):
            services.record_consensus(user, s, bravo, services.technical_criteria(s)[0], D(37), "  ")
    _run(app, lambda: services.record_consensus(
        *_ctx(app, chair.id, opened_rfp.id), db.session.get(Bid, opened_rfp.bid_ids["Bravo Office"]),
        services.technical_criteria(_ctx(app, chair.id, opened_rfp.id)[1])[0], D(35), "Committee agreed after discussion"))

    # Totals (price criterion 40 points; quantities 1200 and 300 from the fixture's price sheet):
    # Alpha 10x1200 + 50x300 = 27,000; Bravo 12x1200 + 40x300 = 26,400 (lowest); Charlie 13,200 + 13,500 = 26,700.
    # Alpha:   avg(36,34)=35 + avg(18,16)=17 + 26400/27000x40 = 39.111… -> 91.11
    # Bravo:   consensus 35 + avg(20,20)=20 + 40                        -> 95.00
    # Charlie: avg(30,30)=30 + avg(10,12)=11 + 26400/26700x40 = 39.550… -> 80.55
    with app.test_request_context():
        _, s = _ctx(app, chair.id, opened_rfp.id)
        ranked = services.results(s).ranked
        assert [(r.name, r.rank, r.total_display) for r in ranked] == [
            ("Bravo Office", 1, D("95.00")), ("Alpha Supply", 2, D("91.11")), ("Charlie Paper", 3, D("80.55"))]


def test_evaluation_report_pdf_names_committee_scores_consensus_and_ranking(app, opened_rfp):
    import io

    from pypdf import PdfReader

    from app.evaluation.pdf import render_evaluation_report
    from app.evaluation.report import build_report

    test_full_scoring_with_attestation_conflict_consensus_and_ranking(app, opened_rfp)
    from app.evaluation import services

    with app.test_request_context():
        _, s = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        body = render_evaluation_report(build_report(services.results(s)))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    text = " ".join(text.split())
    for expected in ("Evaluation report", "Declared a conflict and was excluded: My brother works for Bravo Office.",
                     "Committee agreed after discussion", "lowest total ($26,400.00)", "95.00", "91.11", "80.55",
                     "consensus", "average"):
        assert expected in text, expected


def test_evaluation_report_page_shows_what_the_pdf_shows_to_staff_only(app, client, opened_rfp, vendor):
    import html
    import re

    from tests.conftest import login

    url = f"/agency/solicitations/{opened_rfp.id}/evaluation/report"
    login(client, opened_rfp.agency.officer)
    assert client.get(url).status_code == 404  # no evaluation yet (and none while scoring is open)
    client.submit("/accounts/logout")

    test_full_scoring_with_attestation_conflict_consensus_and_ranking(app, opened_rfp)
    login(client, opened_rfp.agency.officer)
    page = client.get(url)
    assert page.status_code == 200
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))))
    for expected in ("Committee and conflict-of-interest statements",
                     "Declared a conflict and was excluded: My brother works for Bravo Office.",
                     "Committee agreed after discussion", "lowest total ($26,400.00)", "95.00", "91.11", "80.55",
                     "Scores by evaluator and criterion", "consensus", "average", "Ranking"):
        assert expected in text, expected
    client.submit("/accounts/logout")

    login(client, opened_rfp.evaluators[2])  # declared a conflict: excluded from the proposals
    assert client.get(url).status_code == 403
    client.submit("/accounts/logout")
    login(client, vendor)
    assert client.get(url).status_code == 403

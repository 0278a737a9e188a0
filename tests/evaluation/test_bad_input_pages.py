"""Bad input through the pages people use: the refusal is shown beside the field, what was typed
is kept, and nothing is stored."""
from __future__ import annotations

from datetime import timedelta

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.evaluation.test_award_path import _intent, _score_and_close, _vendor_user
from tests.evaluation.test_committee_and_scores import _run, _start


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def _criterion_id(app, rfp) -> int:
    from app.solicitations.models import EvaluationCriterion

    with app.app_context():
        return db.session.scalar(db.select(EvaluationCriterion.id).where(
            EvaluationCriterion.solicitation_id == rfp.id, EvaluationCriterion.is_price.is_(False))
            .order_by(EvaluationCriterion.position))


def test_score_above_the_maximum_on_the_sheet_is_refused_and_kept(app, client, opened_rfp):
    from app.evaluation.models import EvaluationScore

    _start(app, opened_rfp)
    evaluator = opened_rfp.evaluators[1]
    login(client, evaluator)
    client.submit(f"/agency/solicitations/{opened_rfp.id}/evaluation/attest", {"answer": "none"})
    criterion = _criterion_id(app, opened_rfp)
    bid = opened_rfp.bid_ids["Alpha Supply"]
    response = client.submit(f"/agency/solicitations/{opened_rfp.id}/evaluation/scores",
                             {f"score-{bid}-{criterion}": "999", f"comment-{bid}-{criterion}": "Strong plan"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "From 0 to" in body and 'value="999"' in body and "Strong plan" in body
    assert _count(app, EvaluationScore) == 0


def test_consensus_without_a_reason_or_with_bad_points_is_refused_beside_the_field(app, client, opened_rfp):
    from app.evaluation.models import ConsensusScore

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    login(client, opened_rfp.evaluators[0])  # the chair
    criterion = _criterion_id(app, opened_rfp)
    bid = opened_rfp.bid_ids["Charlie Paper"]
    url = f"/agency/solicitations/{opened_rfp.id}/evaluation/consensus"

    no_reason = client.submit(url, {"bid_id": bid, "criterion_id": criterion, "points": "17.5", "reason": "  "})
    body = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422
    assert 'id="c-reason-error"' in body and "Give the reason for the consensus score" in body
    assert 'value="17.5"' in body  # the points typed are kept
    assert f'<option value="{bid}" selected>' in body and f'<option value="{criterion}" selected>' in body

    bad_points = client.submit(url, {"bid_id": bid, "criterion_id": criterion, "points": "many",
                                     "reason": "Discussed at the meeting"})
    body = bad_points.get_data(as_text=True)
    assert bad_points.status_code == 422 and 'id="c-points-error"' in body
    assert "Enter the consensus points as a number." in body and 'value="Discussed at the meeting"' in body

    too_many = client.submit(url, {"bid_id": bid, "criterion_id": criterion, "points": "1000",
                                   "reason": "Discussed at the meeting"})
    assert too_many.status_code == 422 and "points." in too_many.get_data(as_text=True)
    assert _count(app, ConsensusScore) == 0

    ok = client.submit(url, {"bid_id": bid, "criterion_id": criterion, "points": "17.5",
                             "reason": "Discussed at the meeting"})
    assert ok.status_code == 302 and _count(app, ConsensusScore) == 1


def test_award_to_a_non_responsive_bidder_through_the_page_is_refused(app, client, opened_rfp):
    from app.awards.models import AwardRecommendation
    from app.bids import opening
    from app.bids.models import Bid
    from tests.evaluation.test_committee_and_scores import _ctx

    def charlie_non_responsive():
        officer, _ = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        opening.decide_responsiveness(officer, db.session.get(Bid, opened_rfp.bid_ids["Charlie Paper"]), False,
                                   "No insurance certificate")
    _run(app, charlie_non_responsive)
    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    login(client, opened_rfp.agency.officer)
    page = client.get(f"/agency/solicitations/{opened_rfp.id}/award").get_data(as_text=True)
    assert "Charlie Paper" not in page  # not offered; a crafted request is refused by the service
    url = f"/agency/solicitations/{opened_rfp.id}/award/recommend"
    charlie, bravo = opened_rfp.bid_ids["Charlie Paper"], opened_rfp.bid_ids["Bravo Office"]
    refused = client.submit(url, {"bid": [str(bravo), str(charlie)], "justification": "Two awards for coverage"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="bids-error"' in body and "An award can go only to a responsive bid that was evaluated." in body
    assert "Two awards for coverage" in body and f'value="{bravo}" id="bid-{bravo}" checked' in body

    no_reason = client.submit(url, {"bid": str(bravo), "justification": ""})
    body = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422 and 'id="justification-error"' in body
    assert f'value="{bravo}" id="bid-{bravo}" checked' in body
    assert _count(app, AwardRecommendation) == 0


def test_protest_by_a_non_bidder_or_after_the_period_is_refused_on_the_page(app, client, opened_rfp, make_vendor):
    from app.accounts.models import User
    from app.awards.models import Protest

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    try:
        _intent(app, opened_rfp)
        url = f"/solicitations/{opened_rfp.number}/protest"
        stranger = make_vendor("Stranger Co")
        login(client, stranger)
        refused = client.submit(url, {"grounds": "We did not bid but object to the award."})
        body = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "Only a vendor whose bid was opened may protest this award." in body
        client.submit("/accounts/logout")

        with app.app_context():
            alpha_email = db.session.get(User, _vendor_user(app, opened_rfp, "Alpha Supply")).email
        clock.advance(timedelta(days=10, minutes=1))
        login(client, alpha_email)
        late = client.submit(url, {"grounds": "Line 2 was misread."})
        assert late.status_code == 422 and "The protest period ended" in late.get_data(as_text=True)
        assert _count(app, Protest) == 0
    finally:
        clock.reset()

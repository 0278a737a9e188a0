"""Recommendation, approval, intent to award, protests, the scheduler's final award and the
contract it makes, through the services."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.core import clock
from app.core.errors import DomainError
from app.extensions import db
from tests.evaluation.test_committee_and_scores import _ctx, _run, _start

D = Decimal


def _score_and_close(app, rfp):
    from app.evaluation import services

    chair = rfp.evaluators[0]
    for e in rfp.evaluators:
        _run(app, lambda e=e: services.attest(*_ctx(app, e.id, rfp.id), has_conflict=False))
    for e in rfp.evaluators:
        def score(e=e):
            user, s = _ctx(app, e.id, rfp.id)
            for bid in services.scorable_bids(s):
                for criterion in services.technical_criteria(s):
                    points = criterion.points if bid.vendor.name == "Bravo Office" else criterion.points / 2
                    services.record_score(user, s, bid, criterion, points)
        _run(app, score)
    _run(app, lambda: services.close_scoring(*_ctx(app, chair.id, rfp.id)))


def _intent(app, rfp, winners=("Bravo Office",)):
    from app.awards import services as awards
    from app.solicitations import services as sol
    from app.solicitations.models import SolicitationStatus

    def recommend():
        officer, s = _ctx(app, rfp.agency.officer.id, rfp.id)
        return awards.recommend_award(officer, s, [rfp.bid_ids[w] for w in winners], "Highest ranked").id
    recommendation_id = _run(app, recommend)

    def approve():
        from app.awards.models import AwardRecommendation

        approver, _ = _ctx(app, rfp.agency.approver.id, rfp.id)
        awards.approve_recommendation(approver, db.session.get(AwardRecommendation, recommendation_id),
                                      board_approved_on=clock.now().date(), board_reference="Board minute 2026-114")
    _run(app, approve)
    _run(app, lambda: sol.change_status(*_ctx(app, rfp.agency.officer.id, rfp.id),
                                        SolicitationStatus.INTENT_TO_AWARD))


def _vendor_user(app, rfp, name):
    from app.accounts.models import User
    from app.bids.models import Bid

    with app.app_context():
        bid = db.session.get(Bid, rfp.bid_ids[name])
        return db.session.scalar(db.select(User.id).where(User.organization_id == bid.vendor_id))


def test_award_path_with_protest_denied_then_scheduler_finalises(app, opened_rfp):
    from app.awards import services as awards
    from app.awards.models import Protest
    from app.contracts.models import Contract
    from app.jobs.runner import tick as run_due_work
    from app.solicitations.models import Solicitation, SolicitationStatus

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    alpha_user = _vendor_user(app, opened_rfp, "Alpha Supply")

    # An open protest holds the award after the period ends.
    protest_id = _run(app, lambda: awards.file_protest(*_ctx(app, alpha_user, opened_rfp.id),
                                                       "The price of line 2 was misread.").id)
    clock.advance(timedelta(days=10, minutes=1))
    with app.test_request_context():
        with pytest.raises(DomainError, match="protest period ended"):
            awards.file_protest(*_ctx(app, _vendor_user(app, opened_rfp, "Charlie Paper"), opened_rfp.id), "Late")
    with app.app_context():
        run_due_work()
        assert db.session.get(Solicitation, opened_rfp.id).status == SolicitationStatus.INTENT_TO_AWARD

    def deny():
        officer, _ = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        awards.decide_protest(officer, db.session.get(Protest, protest_id), upheld=False,
                              decision="The price was read as submitted.")
    _run(app, deny)
    with app.app_context():
        run_due_work()
        run_due_work()  # twice: nothing more happens
        s = db.session.get(Solicitation, opened_rfp.id)
        assert s.status == SolicitationStatus.AWARDED and s.awarded_at == clock.now()
        [contract] = db.session.scalars(db.select(Contract)).all()
        assert contract.vendor.name == "Bravo Office"
        assert [(l.position, l.unit_price) for l in contract.lines] == [(1, D("12.0000")), (2, D("40.0000"))]
        assert (contract.expires_on.year - contract.effective_on.year) == s.initial_term_years
        assert contract.number == f"{s.number}-C01"
    clock.reset()


def test_protest_upheld_reopens_the_evaluation(app, opened_rfp):
    from app.awards import services as awards
    from app.awards.models import Protest
    from app.evaluation.models import Evaluation
    from app.solicitations.models import Solicitation, SolicitationStatus

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    _intent(app, opened_rfp)
    protest_id = _run(app, lambda: awards.file_protest(
        *_ctx(app, _vendor_user(app, opened_rfp, "Alpha Supply"), opened_rfp.id), "Scoring error on criterion 1.").id)
    _run(app, lambda: awards.decide_protest(_ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)[0],
                                            db.session.get(Protest, protest_id), upheld=True,
                                            decision="Criterion 1 will be rescored."))
    with app.app_context():
        assert db.session.get(Solicitation, opened_rfp.id).status == SolicitationStatus.UNDER_EVALUATION
        assert db.session.get(Evaluation, opened_rfp.id).scoring_open


def test_non_bidder_cannot_protest_and_award_needs_a_responsive_bid(app, opened_rfp, make_vendor):
    from app.awards import services as awards

    _start(app, opened_rfp)
    with app.test_request_context():
        officer, s = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        with pytest.raises(DomainError, match="close scoring"):
            awards.recommend_award(officer, s, [opened_rfp.bid_ids["Alpha Supply"]], "x")
    _score_and_close(app, opened_rfp)
    with app.test_request_context():
        officer, s = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        with pytest.raises(DomainError, match="justification"):
            awards.recommend_award(officer, s, [opened_rfp.bid_ids["Alpha Supply"]], "  ")
        with pytest.raises(DomainError, match="responsive bid"):
            awards.recommend_award(officer, s, [999_999], "Because")
    _intent(app, opened_rfp)
    stranger = make_vendor("Stranger Co")
    with app.test_request_context():
        with pytest.raises(DomainError, match="Only a vendor whose bid was opened"):
            awards.file_protest(*_ctx(app, stranger.id, opened_rfp.id), "I did not bid but object.")


def test_award_to_a_non_responsive_bid_is_refused(app, opened_rfp):
    from app.awards import services as awards
    from app.bids import opening
    from app.bids.models import Bid

    with app.test_request_context():  # before the evaluation starts, Charlie is found non-responsive
        officer, s = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        opening.decide_responsiveness(officer, db.session.get(Bid, opened_rfp.bid_ids["Charlie Paper"]), False,
                                   "No insurance certificate")
        db.session.commit()
    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    with app.test_request_context():
        officer, s = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
        with pytest.raises(DomainError, match="only to a responsive bid"):
            awards.recommend_award(officer, s, [opened_rfp.bid_ids["Charlie Paper"]], "Cheapest")


def test_intent_blocks_the_award_until_the_protest_period_ends(app, opened_rfp):
    from app.jobs.runner import tick
    from app.solicitations import services as sol
    from app.solicitations.lifecycle import TransitionError
    from app.solicitations.models import Solicitation, SolicitationStatus

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    clock.advance(timedelta(days=9, hours=23))
    with app.app_context():
        tick()
        assert db.session.get(Solicitation, opened_rfp.id).status == SolicitationStatus.INTENT_TO_AWARD
    with app.test_request_context():
        with pytest.raises(TransitionError) as error:
            sol.change_status(*_ctx(app, opened_rfp.agency.officer.id, opened_rfp.id), SolicitationStatus.AWARDED)
        assert "The protest period has not ended; the award is final only after it." in error.value.problems
    clock.advance(timedelta(hours=1))
    with app.app_context():
        tick()
        assert db.session.get(Solicitation, opened_rfp.id).status == SolicitationStatus.AWARDED
    clock.reset()


def test_expiry_reminders_at_90_60_30_days_once_each(app, opened_rfp, outbox):
    from app.contracts.models import Contract, ExpiryReminder
    from app.contracts.services import send_expiry_reminders
    from app.jobs.runner import tick

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
        expires = db.session.scalar(db.select(Contract.expires_on))
    from datetime import datetime, time, timezone

    sent = []
    for days_before in (120, 90, 89, 60, 45, 30, 30, 1):
        clock.freeze(datetime.combine(expires - timedelta(days=days_before), time(12), tzinfo=timezone.utc))
        with app.test_request_context():
            sent.append(send_expiry_reminders()["reminders"])
            db.session.commit()
    assert sent == [0, 1, 0, 1, 0, 1, 0, 0]
    with app.app_context():
        assert sorted(r.days_before for r in db.session.scalars(db.select(ExpiryReminder))) == [30, 60, 90]
        from app.notifications.models import OutboxMessage

        subjects = [m.subject for m in db.session.scalars(db.select(OutboxMessage))
                    if m.subject.startswith("Contract")]
        assert len(subjects) == 3 * 2 and any("expires in 90 days" in x for x in subjects)  # officer and admin
    clock.reset()

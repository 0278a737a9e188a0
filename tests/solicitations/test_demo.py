"""`flask demo seed` solicitations: a complete published cooperative RFP anyone can read (page,
PDF, calendar), a draft IFB nobody outside the agency can see, and nothing new on a second run."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.accounts.models import Organization
from app.demo.solicitations import COOPERATIVE_RFP_TITLE
from app.extensions import db
from app.notifications.models import OutboxMessage
from app.solicitations.communications import Addendum, AddendumAcknowledgement, Follow, Question
from app.solicitations.models import (
    Category,
    DemandEstimate,
    DemandInvitation,
    EvaluationCriterion,
    PriceSheetItem,
    PublicNotice,
    Solicitation,
    SolicitationStatus,
    SolicitationType,
)

COUNTED = (Solicitation, EvaluationCriterion, PriceSheetItem, PublicNotice, Addendum, AddendumAcknowledgement,
           Question, Follow, DemandInvitation, DemandEstimate, Category, OutboxMessage)


def _seed(runner) -> str:
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def test_demo_seed_has_a_complete_published_cooperative_rfp_and_a_hidden_draft(app, runner, client):
    output = _seed(runner)
    assert "5 solicitations, 6 bids," in output

    with app.app_context():
        rfp = db.session.scalar(select(Solicitation).where(Solicitation.title == COOPERATIVE_RFP_TITLE))
        assert rfp is not None
        assert rfp.type == SolicitationType.RFP and rfp.status == SolicitationStatus.PUBLISHED
        assert rfp.cooperative and rfp.accepting_bids and rfp.accepting_questions
        assert rfp.total_points == Decimal(100)
        assert len([c for c in rfp.criteria if c.is_price]) == 1 and len(rfp.criteria) >= 3
        assert len(rfp.items) >= 1 and all(i.estimated_quantity > 0 for i in rfp.items)
        assert len(rfp.notices) >= 1
        assert [a.number for a in rfp.published_addenda] == [1]
        assert len(rfp.answered_questions) >= 1
        assert rfp.categories
        assert rfp.approved_by_id is not None and rfp.approved_by_id != rfp.created_by_id
        # Demand from at least one participating agency (not the lead).
        demand = db.session.scalars(select(DemandEstimate).join(PriceSheetItem)
                                    .where(PriceSheetItem.solicitation_id == rfp.id)).all()
        participants = {e.agency_id for e in demand}
        assert participants and rfp.agency_id not in participants
        assert all(db.session.get(Organization, a).is_agency for a in participants)
        number = rfp.number
        answered = rfp.answered_questions[0]
        question, answer, asker = answered.body, answered.answer, answered.vendor.name

        ifb = db.session.scalar(select(Solicitation).where(Solicitation.type == SolicitationType.IFB))
        assert ifb.status == SolicitationStatus.DRAFT and not ifb.is_public
        ifb_number = ifb.number

    page = client.get(f"/solicitations/{number}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert COOPERATIVE_RFP_TITLE in html and "Addendum 1:" in html
    from markupsafe import escape

    assert str(escape(question)) in html and str(escape(answer)) in html
    assert asker not in html  # answers never name who asked
    pdf = client.get(f"/solicitations/{number}/document.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    ics = client.get(f"/solicitations/{number}/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar" and b"BEGIN:VCALENDAR" in ics.data
    listing = client.get("/solicitations/").get_data(as_text=True)
    assert f'href="/solicitations/{number}"' in listing

    # The draft IFB is not public anywhere.
    for path in (f"/solicitations/{ifb_number}", f"/solicitations/{ifb_number}/document.pdf",
                 f"/solicitations/{ifb_number}/calendar.ics"):
        assert client.get(path).status_code == 404, path
    assert ifb_number not in listing


def test_seeding_twice_creates_no_solicitation_data(app, runner):
    _seed(runner)
    before = _counts(app)
    with app.app_context():
        numbers = db.session.scalars(select(Solicitation.number).order_by(Solicitation.id)).all()
    again = _seed(runner)
    assert "0 categories, 0 solicitations, 0 bids," in again
    assert _counts(app) == before
    with app.app_context():
        assert db.session.scalars(select(Solicitation.number).order_by(Solicitation.id)).all() == numbers

"""A demo solicitation lived to the end through the real services: an IFB for custodial supplies
published five months ago, bid, opened, ranked on price, recommended, approved with the board's
date, noticed, and awarded by the scheduler's job when the protest period ran out, so its contract
(price list, buyer terms, signed contract document) and audit events carry their real dates."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.awards import services as awards
from app.bids import opening
from app.bids.models import Bid
from app.contracts import services as contracts
from app.contracts.models import Contract
from app.core import clock
from app.demo.bids import _bid, _document, _find, _user
from app.demo.solicitations import _fill
from app.extensions import db
from app.solicitations import services
from app.solicitations.models import SolicitationStatus, SolicitationType

AWARDED_IFB_TITLE = "Custodial and Cleaning Supplies"


def seed_awarded_ifb() -> tuple[int, int]:
    """Returns (solicitations created, bids created)."""
    if _find(AWARDED_IFB_TITLE) is not None:
        return 0, 0
    officer, approver = _user("procurement@acps.example"), _user("approver@acps.example")
    vendors = [_user("vendor.admin@blueridge.example"), _user("bids@keystone-facilities.example")]
    agency = officer.organization
    real_now = clock.now()
    with clock.preserved():
        clock.freeze(real_now - timedelta(days=150))
        s = services.create_solicitation(officer, type_=SolicitationType.IFB, title=AWARDED_IFB_TITLE)
        _fill(s, officer, agency, categories=("500",), weeks_open=3, items=[
            ("Paper towels, multifold, case of 4,000", "case", Decimal(5200)),
            ("Trash liners, 40-45 gal, 1.5 mil, case of 100", "case", Decimal(3800)),
            ("Neutral floor cleaner, concentrate, 1 gal", "gallon", Decimal(2400)),
            ("Hand soap, foaming, 1,000 mL refill", "each", Decimal(9600)),
        ], summary="Custodial and cleaning supplies for every ACPS building, open to other public agencies.",
           required_documents=["w9", "non_collusion_affidavit"])
        services.change_status(officer, s, SolicitationStatus.PENDING_APPROVAL)
        services.change_status(approver, s, SolicitationStatus.APPROVED)
        services.change_status(officer, s, SolicitationStatus.PUBLISHED)

        clock.freeze(real_now - timedelta(days=140))
        _bid(vendors[0], s, ["38.40", "27.90", "11.25", "6.80"], ["w9", "non_collusion_affidavit"])
        _bid(vendors[1], s, ["36.95", "29.10", "10.90", "7.15"], ["w9", "non_collusion_affidavit"])

        clock.freeze(s.due_at + timedelta(minutes=30))
        services.change_status(officer, s, SolicitationStatus.CLOSED)
        services.change_status(officer, s, SolicitationStatus.OPENED)
        for bid in db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id)):
            opening.decide_responsiveness(officer, bid, True, "")
        services.change_status(officer, s, SolicitationStatus.UNDER_EVALUATION)  # an IFB: price alone

        clock.freeze(s.due_at + timedelta(days=6))
        from app.evaluation.services import results

        lowest = results(s).ranked[0]
        recommendation = awards.recommend_award(
            officer, s, [lowest.key], f"Lowest responsive, responsible bid ({lowest.name}); prices checked "
                                      "against last year's contract.")
        awards.approve_recommendation(approver, recommendation, board_approved_on=s.local(clock.now()).date(),
                                      board_reference="School Board regular meeting, consent agenda item 7.3")
        services.change_status(officer, s, SolicitationStatus.INTENT_TO_AWARD)

        clock.freeze(recommendation.protest_ends_at + timedelta(hours=1))
        awards.finalise_due_awards()  # what the scheduler's job does once the period has run out
        contract = db.session.scalar(select(Contract).where(Contract.solicitation_id == s.id))
        contracts.update_terms(officer, contract, price_guarantee="Prices firm for the first 12 months.",
                               delivery_terms="Delivered to each school within 10 business days of the order.",
                               volume_discounts="25000: 2\n100000: 4")
        signed = _document(officer, f"Contract {contract.number} (signed)", "signed-contract.pdf")
        contracts.add_document(officer, contract, title="Signed contract", filename=signed.filename,
                               data=signed.data, size=len(signed.data), public=True, max_bytes=5 * 1024 * 1024)
    return 1, 2

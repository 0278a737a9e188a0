"""Fixtures for evaluation tests: an opened RFP with three responsive bids and a committee."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from tests.bids.conftest import bidding, files, make_vendor, open_bids, post_bid  # noqa: F401
from tests.conftest import login
from tests.solicitations.conftest import (  # noqa: F401
    agency,
    audit_events,
    categories,
    load_solicitation,
    make_agency,
    make_solicitation,
    other_agency,
    try_transition,
    vendor,
)


@dataclass(frozen=True)
class Opened:
    id: int
    number: str
    agency: object
    bid_ids: dict[str, int]  # vendor name -> bid id
    evaluators: tuple  # UserInfo of three evaluators (the first is the chair)


@pytest.fixture
def opened_rfp(app, bidding, make_vendor, make_user, post_bid, files, open_bids, client) -> Opened:
    """Three vendors bid (line prices chosen so totals differ), bids opened, all responsive."""
    from app.accounts.models import User
    from app.bids import opening
    from app.bids.models import Bid

    prices = {"Alpha Supply": ("10.00", "50.00"), "Bravo Office": ("12.00", "40.00"),
              "Charlie Paper": ("11.00", "45.00")}
    for name, (p1, p2) in prices.items():
        vendor = make_vendor(name)
        login(client, vendor)
        response = post_bid(client, prices={1: p1, 2: p2}, documents={0: (files["pdf"], "w9.pdf")}, action="submit")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        client.submit("/accounts/logout")
    open_bids(bidding)
    officer_id = bidding.agency.officer.id
    with app.test_request_context():
        officer = db.session.get(User, officer_id)
        ids = {}
        for bid in db.session.scalars(select(Bid).where(Bid.solicitation_id == bidding.id)):
            opening.decide_responsiveness(officer, bid, True, "")
            ids[bid.vendor.name] = bid.id
        db.session.commit()
    evaluators = (bidding.agency.evaluator,
                  make_user(Role.EVALUATOR, org_id=bidding.agency.id, name="Second Evaluator"),
                  make_user(Role.EVALUATOR, org_id=bidding.agency.id, name="Third Evaluator"))
    return Opened(bidding.id, bidding.number, bidding.agency, ids, evaluators)

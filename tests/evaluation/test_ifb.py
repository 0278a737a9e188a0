"""An IFB is ranked on price alone: the lowest responsive, responsible bid first, no committee."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.solicitations.models import SolicitationType
from tests.conftest import login


def test_ifb_ranks_lowest_responsive_bid_without_a_committee(app, client, make_solicitation, make_vendor,
                                                            post_bid, files, open_bids):
    from app.accounts.models import User
    from app.bids import opening
    from app.bids.models import Bid
    from app.evaluation import services
    from app.solicitations import services as sol
    from app.solicitations.models import Solicitation, SolicitationStatus
    from tests.bids.conftest import Bidding

    info = make_solicitation("published", type=SolicitationType.IFB,
                             criteria=[{"name": "Price", "points": Decimal(100), "is_price": True}])
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        ifb = Bidding(info.id, info.number, info.agency, {i.position: i.id for i in s.items}, s.due_at)
    for name, (p1, p2) in {"Low Co": ("9.00", "40.00"), "Mid Co": ("10.00", "40.00"),
                           "Cheap But Late Docs": ("1.00", "1.00")}.items():
        login(client, make_vendor(name))
        assert post_bid(client, ifb.number, prices={1: p1, 2: p2}, item_ids=ifb.item_ids, action="submit",
                        documents={0: (files["pdf"], "w9.pdf")}).status_code == 302
        client.submit("/accounts/logout")
    open_bids(ifb)
    with app.test_request_context():
        officer = db.session.get(User, ifb.agency.officer.id)
        s = db.session.get(Solicitation, ifb.id)
        for bid in db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id)):
            opening.decide_responsiveness(officer, bid, bid.vendor.name != "Cheap But Late Docs",
                                       "" if bid.vendor.name != "Cheap But Late Docs" else "Not a responsible bidder")
        sol.change_status(officer, s, SolicitationStatus.UNDER_EVALUATION)  # no committee needed
        db.session.commit()
        res = services.results(s)
        assert res.is_price_only
        assert [(r.name, r.rank, r.total_points) for r in res.ranked] == [
            ("Low Co", 1, Decimal("22800.00")), ("Mid Co", 2, Decimal("24000.00"))]

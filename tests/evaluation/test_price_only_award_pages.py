"""A price-only solicitation (IFB, RFQ) walked from its opening to its contract through the staff
pages alone: no committee, the price ranking shown at once, recommendation, approval with the
board's date, notice of intent, and the scheduler's award when the protest period ends."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.solicitations.models import SolicitationType
from tests.conftest import login

PRICES = {"Low Co": ("9.00", "40.00"), "Mid Co": ("10.00", "40.00"), "Cheap But Late Docs": ("1.00", "1.00")}


def _text(response) -> str:  # noqa: ANN001
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.mark.parametrize("kind", [SolicitationType.IFB, SolicitationType.RFQ])
def test_price_only_solicitation_is_awarded_through_the_pages(app, client, make_solicitation, make_vendor,
                                                              post_bid, files, kind):
    from app.bids.models import Bid
    from app.contracts.models import Contract
    from app.jobs.runner import tick
    from app.solicitations.models import Solicitation, SolicitationStatus
    from tests.bids.conftest import Bidding

    info = make_solicitation("published", type=kind,
                             criteria=[{"name": "Price", "points": Decimal(100), "is_price": True}])
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        ifb = Bidding(info.id, info.number, info.agency, {i.position: i.id for i in s.items}, s.due_at)
    for name, (p1, p2) in PRICES.items():
        login(client, make_vendor(name))
        assert post_bid(client, ifb.number, prices={1: p1, 2: p2}, item_ids=ifb.item_ids, action="submit",
                        documents={0: (files["pdf"], "w9.pdf")}).status_code == 302
        client.submit("/accounts/logout")

    clock.freeze(ifb.due_at + timedelta(minutes=1))
    staff = f"/agency/solicitations/{ifb.id}"
    login(client, ifb.agency.officer)
    for target in ("closed", "opened"):
        assert client.submit(f"{staff}/status/{target}").status_code == 302
    with app.app_context():
        bid_ids = {b.vendor.name: b.id for b in db.session.scalars(select(Bid).where(Bid.solicitation_id == ifb.id))}
    for name, bid_id in bid_ids.items():
        decision = {"decision": "non_responsive", "reason": "Not a responsible bidder"} \
            if name == "Cheap But Late Docs" else {"decision": "responsive", "reason": ""}
        assert client.submit(f"{staff}/bids/{bid_id}", {**decision, "submit_decision": "1"}).status_code == 302
    assert client.submit(f"{staff}/status/under_evaluation").status_code == 302

    # No committee, and nothing says scores wait for a chair: the price ranking is there at once.
    evaluation = _text(client.get(f"{staff}/evaluation"))
    assert "no committee is needed" in evaluation
    assert "closes scoring" not in evaluation
    assert "Ranking on price" in evaluation
    assert evaluation.index("Low Co") < evaluation.index("Mid Co") and "$22,800.00" in evaluation
    assert "Cheap But Late Docs" not in evaluation.split("Ranking on price", 1)[1]
    assert f'href="{staff}/award"' in client.get(staff).get_data(as_text=True)
    report = client.get(f"{staff}/evaluation/report")
    assert report.status_code == 200

    award_page = _text(client.get(f"{staff}/award"))
    assert "closes scoring" not in award_page
    assert "Rank 1: Low Co — $22,800.00" in award_page and "Rank 2: Mid Co — $24,000.00" in award_page
    assert "points" not in award_page.split("Recommend the award", 1)[1].split("Protests", 1)[0]
    assert client.submit(f"{staff}/award/recommend", {"bid": str(bid_ids["Low Co"]),
                                                     "justification": "Lowest responsive, responsible bid"}
                         ).status_code == 302
    client.submit("/accounts/logout")

    login(client, ifb.agency.approver)
    board_day = info_today(app, ifb.id)
    assert client.submit(f"{staff}/award/approve", {"board_approved_on": board_day,
                                                   "board_reference": "Minute 12"}).status_code == 302
    assert "Pending approval" not in _text(client.get(f"{staff}/award"))
    client.submit("/accounts/logout")

    login(client, ifb.agency.officer)
    assert client.submit(f"{staff}/status/intent_to_award").status_code == 302
    notice = _text(client.get(f"/solicitations/{ifb.number}/award"))
    assert "Low Co" in notice
    client.submit("/accounts/logout")

    clock.advance(timedelta(days=40))
    with app.app_context():
        tick()
        s = db.session.get(Solicitation, ifb.id)
        assert s.status == SolicitationStatus.AWARDED
        contract = db.session.scalar(select(Contract).where(Contract.solicitation_id == ifb.id))
        assert contract is not None and contract.vendor.name == "Low Co"
        number = contract.number
    assert number in _text(client.get(f"/solicitations/{ifb.number}/award"))


def info_today(app, solicitation_id: int) -> str:
    """The board's date as the approver types it: today where the agency sits, by the server clock."""
    from app.solicitations.models import Solicitation

    with app.app_context():
        return db.session.get(Solicitation, solicitation_id).local(clock.now()).date().isoformat()

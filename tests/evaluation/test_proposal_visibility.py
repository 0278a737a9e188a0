"""Who at the lead agency reads an opened solicitation's proposals: the staff bid list, each bid,
its files, the tabulation (page, PDF, CSV), the evaluation report (page, PDF) and the ranking on
the evaluation page. The officers, administrators and approvers do; of the evaluators, only those
seated on that solicitation's committee who signed the conflict-of-interest statement. An
evaluator on no committee, a seated one who has not signed yet and one who declared a conflict
are refused (403), through the pages."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from tests.bids.sealed_support import signed_in
from tests.demo.test_words_not_codes import pdf_text

REFUSED = ("evaluator on no committee", "seated, not signed", "seated, declared a conflict")
ALLOWED = ("seated and signed", "procurement officer", "agency administrator", "approver")


@dataclass(frozen=True)
class Seats:
    id: int
    bid_id: int  # Alpha Supply's bid
    document_id: int  # its W-9, a file of the counted version
    readers: dict  # label -> UserInfo
    other_officer: object


@pytest.fixture
def seats(app, opened_rfp, make_user, other_agency) -> Seats:
    """The officer names the committee on the page; the chair signs the statement, the second
    member has not signed yet, the third declares a conflict. A fourth evaluator sits on no
    committee."""
    from app.bids.models import BidDocument

    rfp = opened_rfp
    chair, unsigned, conflicted = rfp.evaluators
    officer = signed_in(app, rfp.agency.officer)
    response = officer.submit(f"/agency/solicitations/{rfp.id}/evaluation",
                              {"evaluators": [chair.id, unsigned.id, conflicted.id], "chair": chair.id})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert signed_in(app, chair).submit(f"/agency/solicitations/{rfp.id}/evaluation/attest",
                                        {"answer": "none"}).status_code == 302
    assert signed_in(app, conflicted).submit(f"/agency/solicitations/{rfp.id}/evaluation/attest",
                                             {"answer": "conflict",
                                              "disclosure": "My sister sells for Alpha Supply."}).status_code == 302
    outsider = make_user(Role.EVALUATOR, org_id=rfp.agency.id, name="Otto Outsider")
    bid_id = rfp.bid_ids["Alpha Supply"]
    with app.app_context():
        document_id = db.session.scalar(select(BidDocument.id).where(BidDocument.bid_id == bid_id))
    readers = {"evaluator on no committee": outsider, "seated, not signed": unsigned,
               "seated, declared a conflict": conflicted, "seated and signed": chair,
               "procurement officer": rfp.agency.officer, "agency administrator": rfp.agency.admin,
               "approver": rfp.agency.approver}
    return Seats(rfp.id, bid_id, document_id, readers, other_agency.officer)


def _routes(seats: Seats) -> dict[str, str]:
    base = f"/agency/solicitations/{seats.id}"
    return {
        "bid list": f"{base}/bids",
        "bid": f"{base}/bids/{seats.bid_id}",
        "bid file": f"{base}/bids/{seats.bid_id}/documents/{seats.document_id}",
        "tabulation": f"{base}/tabulation",
        "tabulation PDF": f"{base}/tabulation.pdf",
        "tabulation CSV": f"{base}/tabulation.csv",
    }


def _shows_the_proposal(route: str, response) -> bool:  # noqa: ANN001
    """The file itself; Alpha Supply's bid; every bidder on the list and the tabulation."""
    if route == "bid file":
        return response.data.startswith(b"%PDF")
    text = pdf_text(response.data) if response.mimetype == "application/pdf" else response.get_data(as_text=True)
    bidders = ("Alpha Supply",) if route == "bid" else ("Alpha Supply", "Bravo Office", "Charlie Paper")
    return all(name in text for name in bidders)


@pytest.mark.parametrize("route", ["bid list", "bid", "bid file", "tabulation", "tabulation PDF", "tabulation CSV"])
def test_only_the_officers_and_the_seated_signed_members_read_the_bids(app, seats, route):
    url = _routes(seats)[route]
    for label in REFUSED:
        response = signed_in(app, seats.readers[label]).get(url)
        assert response.status_code == 403, (label, route, response.status_code)
    for label in ALLOWED:
        response = signed_in(app, seats.readers[label]).get(url)
        assert response.status_code == 200, (label, route, response.status_code)
        assert _shows_the_proposal(route, response), (label, route)
    # Another agency's officer gets the 404 of a missing id: nothing says the solicitation exists.
    assert signed_in(app, seats.other_officer).get(url).status_code == 404


def test_a_refused_evaluator_cannot_decide_responsiveness_either(app, seats):
    url = _routes(seats)["bid"]
    for label in REFUSED:
        response = signed_in(app, seats.readers[label]).submit(url, {"decision": "non_responsive",
                                                                    "reason": "Looks too cheap"})
        assert response.status_code == 403, label


def test_the_bids_page_before_the_opening_still_gives_every_staff_member_the_count(app, bidding):
    """Before the opening nothing of a bid is visible to anyone; the count page stays open to staff."""
    response = signed_in(app, bidding.agency.evaluator).get(f"/agency/solicitations/{bidding.id}/bids")
    assert response.status_code == 200


def test_the_manage_page_links_to_the_bids_only_for_those_who_may_read_them(app, seats):
    url = f"/agency/solicitations/{seats.id}"
    for label in (*REFUSED, *ALLOWED):
        page = signed_in(app, seats.readers[label]).get(url).get_data(as_text=True)
        links = f'href="{url}/tabulation"' in page
        assert links == (label in ALLOWED), label


def _close_scoring(app, seats: Seats, opened_rfp) -> None:
    """Under evaluation; the chair (the only signed member) scores every bid on the page, then closes."""
    from app.solicitations.models import Solicitation

    officer = signed_in(app, seats.readers["procurement officer"])
    assert officer.submit(f"/agency/solicitations/{seats.id}/status/under_evaluation").status_code == 302
    with app.app_context():
        criteria = [c for c in db.session.get(Solicitation, seats.id).criteria if not c.is_price]
    chair = signed_in(app, seats.readers["seated and signed"])
    sheet = {f"score-{bid}-{c.id}": "10" for bid in opened_rfp.bid_ids.values() for c in criteria}
    assert chair.submit(f"/agency/solicitations/{seats.id}/evaluation/scores", sheet).status_code == 302
    assert chair.submit(f"/agency/solicitations/{seats.id}/evaluation/close").status_code == 302
    with app.app_context():
        from app.evaluation.services import evaluation_for

        assert evaluation_for(db.session.get(Solicitation, seats.id)).scoring_closed_at is not None


def test_the_evaluation_report_and_the_ranking_follow_the_same_rule(app, seats, opened_rfp):
    _close_scoring(app, seats, opened_rfp)
    base = f"/agency/solicitations/{seats.id}/evaluation"
    for label in REFUSED:
        client = signed_in(app, seats.readers[label])
        for url in (f"{base}/report", f"{base}/report.pdf"):
            assert client.get(url).status_code == 403, (label, url)
        overview = client.get(base)
        assert overview.status_code == 200, label  # the statement and the committee, not the proposals
        text = overview.get_data(as_text=True)
        assert 'id="results-title"' not in text and "Alpha Supply" not in text, label
    for label in ALLOWED:
        client = signed_in(app, seats.readers[label])
        report = client.get(f"{base}/report")
        assert report.status_code == 200 and "Alpha Supply" in report.get_data(as_text=True), label
        assert "Alpha Supply" in pdf_text(client.get(f"{base}/report.pdf").data), label
        assert 'id="results-title"' in client.get(base).get_data(as_text=True), label

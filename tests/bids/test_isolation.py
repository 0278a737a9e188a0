"""Acceptance: "A vendor cannot read, modify or withdraw another vendor's bid (403/404), by any id."

Two vendors bid on the same RFP. Vendor B tries every route that takes an id or a receipt of
vendor A's bid; every answer is 403 or 404 and A's stored bid (versions, draft, documents,
status) is exactly as it was. Agency staff see no individual bid before the opening, staff of
another agency never do, a colleague of A at the same vendor does, and agency users cannot use
the vendor bid form.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from tests.bids.conftest import make_pdf
from tests.bids.sealed_support import bid_state, signed_in, submit, withdraw

DENIED = (403, 404)


@dataclass(frozen=True)
class TwoBids:
    a: object  # UserInfo of vendor A's admin
    b: object
    a_bid_id: int
    b_bid_id: int
    a_documents: tuple[int, ...]  # every file A ever uploaded (the replaced W-9 too)
    b_documents: tuple[int, ...]
    a_receipts: tuple[str, ...]
    b_receipt: str


@pytest.fixture
def two_bids(app, bidding, make_vendor, post_bid) -> TwoBids:
    """A (Acme Office Supply) submits, replaces its W-9, submits again and keeps an unsubmitted
    draft change; B (Blue Ridge Paper) submits once."""
    from app.bids.models import Bid

    a = make_vendor("Acme Office Supply LLC")
    b = make_vendor("Blue Ridge Paper Co")
    client_a = signed_in(app, a)
    first = submit(post_bid, client_a, prices={1: "41.25", 2: "88.10"}, notes="Delivery within 5 business days",
                   documents={0: (make_pdf("Acme W-9 2025"), "acme-w9-2025.pdf"),
                              1: (make_pdf("Acme bid bond"), "acme-bid-bond.pdf")})
    second = submit(post_bid, client_a, prices={1: "40.95", 2: "88.10"}, notes="Delivery within 5 business days",
                    documents={0: (make_pdf("Acme W-9 2026"), "acme-w9-2026.pdf")})
    saved = post_bid(client_a, prices={1: "39.99", 2: "88.10"}, notes="Delivery within 5 business days")
    assert saved.status_code == 302
    client_b = signed_in(app, b)
    b_receipt = submit(post_bid, client_b, prices={1: "43.00", 2: "91.00"}, notes="Net 30",
                       documents={0: (make_pdf("Blue Ridge W-9"), "blue-ridge-w9.pdf")})
    with app.app_context():
        bids = {bid.vendor_id: bid for bid in db.session.scalars(select(Bid).where(Bid.solicitation_id == bidding.id))}
        a_bid, b_bid = bids[a.organization_id], bids[b.organization_id]
        assert len(a_bid.documents) == 3 and len(a_bid.working_documents) == 2
        return TwoBids(a, b, a_bid.id, b_bid.id, tuple(d.id for d in a_bid.documents),
                       tuple(d.id for d in b_bid.documents), (first, second), b_receipt)


def _a_state(app, bidding, two_bids):
    state = bid_state(app, bidding.id, two_bids.a.organization_id)
    assert state["status"] == "submitted" and len(state["versions"]) == 2
    return state


def _staff_urls(bidding, bid_id: int, document_ids) -> list[str]:
    base = f"/agency/solicitations/{bidding.id}"
    return [f"{base}/bids/{bid_id}", f"{base}/tabulation", f"{base}/tabulation.pdf", f"{base}/tabulation.csv",
            *[f"{base}/bids/{bid_id}/documents/{d}" for d in document_ids]]


def test_other_vendor_cannot_download_or_remove_documents_by_any_id(app, bidding, two_bids):
    before = _a_state(app, bidding, two_bids)
    client_b = signed_in(app, two_bids.b)
    for document_id in two_bids.a_documents:
        download = client_b.get(f"/solicitations/{bidding.number}/bid/documents/{document_id}")
        assert download.status_code == 404, document_id
        assert b"%PDF" not in download.data
        removed = client_b.submit(f"/solicitations/{bidding.number}/bid/documents/{document_id}/remove")
        assert removed.status_code == 404, document_id
    # Ids that exist nowhere answer the same way as A's: nothing tells B which ids are taken.
    unknown = max(two_bids.a_documents + two_bids.b_documents) + 1
    assert client_b.get(f"/solicitations/{bidding.number}/bid/documents/{unknown}").status_code == 404
    # B's own file is there for B: the route works, it is A's files it does not give out.
    own = client_b.get(f"/solicitations/{bidding.number}/bid/documents/{two_bids.b_documents[0]}")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before


def test_other_vendor_cannot_open_receipts(app, bidding, two_bids):
    before = _a_state(app, bidding, two_bids)
    client_b = signed_in(app, two_bids.b)
    for receipt in two_bids.a_receipts:
        for url in (f"/bids/receipts/{receipt}", f"/bids/receipts/{receipt}.pdf"):
            response = client_b.get(url)
            assert response.status_code == 404, url
            assert "Acme" not in response.get_data(as_text=True)
            assert not response.data.startswith(b"%PDF")
    assert client_b.get(f"/bids/receipts/{two_bids.b_receipt}").status_code == 200
    # B's list of bids holds only B's.
    mine = client_b.get("/vendor/bids").get_data(as_text=True)
    assert two_bids.b_receipt in mine and not any(r in mine for r in two_bids.a_receipts)
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before


def test_other_vendor_refused_on_staff_routes_before_and_after_opening(app, bidding, two_bids, open_bids):
    client_b = signed_in(app, two_bids.b)
    urls = [*_staff_urls(bidding, two_bids.a_bid_id, two_bids.a_documents),
            f"/agency/solicitations/{bidding.id}/bids"]
    for url in urls:
        assert client_b.get(url).status_code in DENIED, url
    open_bids(bidding)
    before = bid_state(app, bidding.id, two_bids.a.organization_id)
    assert before["opened_at"] is not None
    for url in urls:
        response = client_b.get(url)
        assert response.status_code in DENIED, url
        assert "40.95" not in response.get_data(as_text=True)
    decided = client_b.submit(f"/agency/solicitations/{bidding.id}/bids/{two_bids.a_bid_id}",
                              {"decision": "non_responsive", "reason": "Competitor says so"})
    assert decided.status_code in DENIED
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before


def test_withdraw_withdraws_only_the_senders_own_bid(app, bidding, two_bids, make_vendor):
    before = _a_state(app, bidding, two_bids)
    client_b = signed_in(app, two_bids.b)
    # Extra fields naming A's bid are ignored: the route withdraws the sender's organization's bid.
    response = client_b.submit(f"/solicitations/{bidding.number}/bid/withdraw",
                               {"bid_id": str(two_bids.a_bid_id), "vendor_id": str(two_bids.a.organization_id),
                                "receipt": two_bids.a_receipts[-1]})
    assert response.status_code == 302 and "/bids/receipts/" in response.headers["Location"]
    assert bid_state(app, bidding.id, two_bids.b.organization_id)["status"] == "withdrawn"
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before

    # A vendor with no bid at all withdraws nothing, and certainly not A's.
    stranger = make_vendor("Chesapeake Stationers")
    client_c = signed_in(app, stranger)
    refused = client_c.submit(f"/solicitations/{bidding.number}/bid/withdraw",
                              {"bid_id": str(two_bids.a_bid_id)}, follow_redirects=True)
    assert "There is no submitted bid to withdraw." in refused.get_data(as_text=True)
    assert bid_state(app, bidding.id, stranger.organization_id) is None
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before


def test_posting_the_bid_form_changes_only_the_senders_bid(app, bidding, two_bids, post_bid):
    before_a = _a_state(app, bidding, two_bids)
    before_b = bid_state(app, bidding.id, two_bids.b.organization_id)
    client_b = signed_in(app, two_bids.b)
    receipt = submit(post_bid, client_b, prices={1: "42.10", 2: "90.00"}, notes="Net 30, revised",
                     documents={0: (make_pdf("Blue Ridge W-9 rev"), "blue-ridge-w9-rev.pdf")})
    # And once more with fields a forged form might add to aim at A's bid.
    forged = client_b.submit(f"/solicitations/{bidding.number}/bid",
                             {"save": "1", "bid_id": str(two_bids.a_bid_id),
                              "vendor_id": str(two_bids.a.organization_id),
                              f"price_{bidding.item_ids[1]}": "0.01", "notes": "forged",
                              "attest_non_collusion": "y", "attest_not_debarred": "y"})
    assert forged.status_code == 302
    after_b = bid_state(app, bidding.id, two_bids.b.organization_id)
    assert len(after_b["versions"]) == len(before_b["versions"]) + 1
    assert after_b["versions"][-1][2] == receipt
    assert after_b["sealed_draft"] != before_b["sealed_draft"]
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before_a
    with app.app_context():
        from app.bids.models import Bid
        from app.bids.drafts import read_draft

        a_draft = read_draft(db.session.get(Bid, two_bids.a_bid_id))
        assert a_draft.prices[bidding.item_ids[1]] == Decimal("39.99")
        assert a_draft.notes == "Delivery within 5 business days"


# Staff pages are for agency staff; a buyer (who only orders from awarded contracts) is refused
# outright, the others are told the bid does not exist until it is opened.
@pytest.mark.parametrize("role,expected", [(Role.PROCUREMENT_OFFICER, 404), (Role.AGENCY_ADMIN, 404),
                                           (Role.APPROVER, 404), (Role.EVALUATOR, 404), (Role.BUYER, 403)])
def test_lead_agency_staff_get_404_on_individual_bids_before_opening(app, bidding, two_bids, role, expected):
    before = _a_state(app, bidding, two_bids)
    staff = signed_in(app, bidding.agency.user_with(role))
    for url in _staff_urls(bidding, two_bids.a_bid_id, two_bids.a_documents):
        response = staff.get(url)
        assert response.status_code == expected, url
        assert "Acme" not in response.get_data(as_text=True)
    # The vendor's own pages do not open to staff either.
    for receipt in two_bids.a_receipts:
        assert staff.get(f"/bids/receipts/{receipt}").status_code in DENIED
    assert staff.get(f"/solicitations/{bidding.number}/bid/documents/{two_bids.a_documents[0]}").status_code \
        in DENIED
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before


def test_lead_agency_officer_reads_the_bid_after_opening(app, bidding, two_bids, open_bids):
    """The control for the test above: the same URLs answer once the bids are opened."""
    open_bids(bidding)
    officer = signed_in(app, bidding.agency.officer)
    page = officer.get(f"/agency/solicitations/{bidding.id}/bids/{two_bids.a_bid_id}").get_data(as_text=True)
    assert "Acme Office Supply LLC" in page and "$40.95" in page and "$39.99" not in page
    with app.app_context():
        from app.bids.models import Bid

        current = {d.id for d in db.session.get(Bid, two_bids.a_bid_id).working_documents}
    for document_id in two_bids.a_documents:
        response = officer.get(f"/agency/solicitations/{bidding.id}/bids/{two_bids.a_bid_id}/documents/{document_id}")
        # Only the files of the counted version are opened; the replaced W-9 is not.
        assert response.status_code == (200 if document_id in current else 404), document_id
    # A's document asked for under B's bid id: not found.
    mixed = officer.get(f"/agency/solicitations/{bidding.id}/bids/{two_bids.b_bid_id}/documents/"
                        f"{two_bids.a_documents[-1]}")
    assert mixed.status_code == 404


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN, Role.EVALUATOR])
def test_staff_of_another_agency_refused_before_and_after_opening(app, bidding, two_bids, other_agency,
                                                                  open_bids, role):
    stranger = signed_in(app, other_agency.user_with(role))
    urls = [*_staff_urls(bidding, two_bids.a_bid_id, two_bids.a_documents),
            f"/agency/solicitations/{bidding.id}/bids"]
    for url in urls:
        assert stranger.get(url).status_code in DENIED, url
    open_bids(bidding)
    before = bid_state(app, bidding.id, two_bids.a.organization_id)
    for url in urls:
        response = stranger.get(url)
        assert response.status_code in DENIED, url
        assert "40.95" not in response.get_data(as_text=True)
    decided = stranger.submit(f"/agency/solicitations/{bidding.id}/bids/{two_bids.a_bid_id}",
                              {"decision": "responsive", "reason": ""})
    assert decided.status_code in DENIED
    assert bid_state(app, bidding.id, two_bids.a.organization_id) == before


def test_vendor_user_of_the_same_organization_sees_the_bid(app, bidding, two_bids, make_user):
    colleague = make_user(Role.VENDOR_USER, org_id=two_bids.a.organization_id, name="Carl Colleague")
    client = signed_in(app, colleague)
    with app.app_context():
        from app.bids.models import Bid

        bid = db.session.get(Bid, two_bids.a_bid_id)
        current_digest = bid.current_version.digest
        w9 = next(d for d in bid.working_documents if d.requirement == "w9")
        w9_id, w9_name = w9.id, w9.filename
    receipt = client.get(f"/bids/receipts/{two_bids.a_receipts[-1]}")
    assert receipt.status_code == 200 and current_digest in receipt.get_data(as_text=True)
    assert client.get(f"/bids/receipts/{two_bids.a_receipts[0]}.pdf").data.startswith(b"%PDF")
    download = client.get(f"/solicitations/{bidding.number}/bid/documents/{w9_id}")
    assert download.status_code == 200 and download.data == make_pdf("Acme W-9 2026")
    assert w9_name in download.headers["Content-Disposition"]
    form = client.get(f"/solicitations/{bidding.number}/bid").get_data(as_text=True)
    assert 'value="39.99"' in form  # the organization's saved draft
    assert two_bids.a_receipts[0] in form and two_bids.a_receipts[1] in form


def test_agency_user_cannot_use_the_vendor_bid_form(app, bidding, two_bids, post_bid):
    officer = signed_in(app, bidding.agency.officer)
    assert officer.get(f"/solicitations/{bidding.number}/bid").status_code == 403
    assert post_bid(officer, prices={1: "1.00", 2: "1.00"}, action="submit").status_code == 403
    assert officer.submit(f"/solicitations/{bidding.number}/bid/withdraw").status_code == 403
    assert officer.get("/vendor/bids").status_code == 403
    assert bid_state(app, bidding.id, bidding.agency.id) is None

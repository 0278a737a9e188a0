"""Acceptance: "Modify or withdraw until the deadline; every version kept; only the latest counts."

A vendor submits, modifies, withdraws and submits again before the deadline: every version is kept
with its own receipt and audit event, and the opening counts only the last. A bid withdrawn at
the deadline is never opened. After the deadline nothing can be changed, and the refusal is on
the record. Replaced files are kept, so earlier versions still verify after the opening.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.extensions import db
from tests.bids.conftest import make_pdf
from tests.bids.sealed_support import bid_events, bid_state, signed_in, submit, tables, withdraw

VENDOR = "Tidewater Business Supply"
NOTES = "Prices firm for the initial term."


@pytest.fixture
def vendor_client(app, make_vendor):
    vendor = make_vendor(VENDOR)
    return vendor, signed_in(app, vendor)


def _stored_files(app) -> set[Path]:
    return {p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()}


def _follow(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_every_version_kept_and_only_the_latest_counts(app, bidding, vendor_client, post_bid, open_bids,
                                                       outbox):
    from app.notifications.models import OutboxMessage

    vendor, client = vendor_client
    w9 = {0: (make_pdf("Tidewater W-9"), "tidewater-w9.pdf")}
    v1 = submit(post_bid, client, prices={1: "12.50", 2: "80.00"}, notes=NOTES, documents=w9)
    v2 = submit(post_bid, client, prices={1: "12.25", 2: "79.00"}, notes=NOTES)
    v3 = withdraw(client, bidding.number)
    state = bid_state(app, bidding.id, vendor.organization_id)
    assert state["status"] == "withdrawn" and state["withdrawn_at"] is not None
    v4 = submit(post_bid, client, prices={1: "11.75", 2: "78.40"}, notes=NOTES)

    state = bid_state(app, bidding.id, vendor.organization_id)
    assert [(number, kind, receipt) for number, kind, receipt, *_ in state["versions"]] == [
        (1, "submission", v1), (2, "submission", v2), (3, "withdrawal", v3), (4, "submission", v4)]
    assert len({v1, v2, v3, v4}) == 4
    assert len({digest for _, _, _, digest, _, _ in state["versions"]}) == 4
    assert state["status"] == "submitted" and state["current_version_number"] == 4
    assert state["withdrawn_at"] is None
    events = bid_events(app, bidding.id)
    assert [(e.action, e.data["version"], e.data["receipt"]) for e in events] == [
        ("bid.submitted", 1, v1), ("bid.modified", 2, v2), ("bid.withdrawn", 3, v3), ("bid.submitted", 4, v4)]
    assert all(e.organization_id == vendor.organization_id for e in events)
    with app.app_context():
        subjects = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.kind == "bid_receipt")
                                      .order_by(OutboxMessage.id)).all()
    assert subjects == [f"Receipt {v1}: bid received for {bidding.number}",
                        f"Receipt {v2}: bid received for {bidding.number}",
                        f"Receipt {v3}: bid withdrawn",
                        f"Receipt {v4}: bid received for {bidding.number}"]
    # The bidder's page lists every version with its receipt; the last one counts.
    form = client.get(f"/solicitations/{bidding.number}/bid").get_data(as_text=True)
    assert all(receipt in form for receipt in (v1, v2, v3, v4))

    open_bids(bidding)
    state = bid_state(app, bidding.id, vendor.organization_id)
    assert [(unit_price, extended) for _, unit_price, extended in state["lines"]] == [
        (Decimal("11.75"), Decimal("14100.00")), (Decimal("78.40"), Decimal("23520.00"))]
    assert state["total"] == Decimal("37620.00")
    officer = signed_in(app, bidding.agency.officer)
    tab = officer.get(f"/agency/solicitations/{bidding.id}/tabulation").get_data(as_text=True)
    assert "$11.75" in tab and "$78.40" in tab and "$37,620.00" in tab
    for earlier in ("$12.50", "$12.25", "$80.00", "$79.00"):
        assert earlier not in tab
    [opened] = [e for e in bid_events(app, bidding.id, "bids.") if e.action == "bids.opened"]
    assert [(b["receipt"], b["total"]) for b in opened.data["bids"]] == [(v4, "37620.00")]


def test_bid_withdrawn_at_the_deadline_is_not_opened(app, bidding, vendor_client, make_vendor, post_bid,
                                                     open_bids):
    from app.bids.models import Bid, BidLine
    from app.bids.receipts import read_version_content

    vendor, client = vendor_client
    submit(post_bid, client, prices={1: "12.50", 2: "80.00"}, notes=NOTES,
           documents={0: (make_pdf("Tidewater W-9"), "tidewater-w9.pdf")})
    # One second before the deadline the withdrawal is still on time.
    clock.freeze(bidding.due_at - timedelta(seconds=1))
    withdraw(client, bidding.number)
    other = make_vendor("Hampton Roads Office Co")
    other_client = signed_in(app, other)
    clock.reset()
    submit(post_bid, other_client, prices={1: "13.10", 2: "82.00"},
           documents={0: (make_pdf("Hampton W-9"), "hampton-w9.pdf")})
    open_bids(bidding)

    state = bid_state(app, bidding.id, vendor.organization_id)
    assert state["status"] == "withdrawn"
    assert state["opened_at"] is None and state["total"] is None and state["lines"] == []
    with app.app_context():
        bid = db.session.get(Bid, state["id"])
        assert db.session.scalar(select(func.count(BidLine.id)).where(BidLine.bid_id == bid.id)) == 0
        # Its prices were never written anywhere readable: they remain only in sealed form.
        first = bid.versions[0]
        assert b"12.50" not in first.sealed_content and b"12.5000" not in first.sealed_content
        assert read_version_content(first)["lines"][0]["unit_price"] == "12.5000"
        bid_id = bid.id
    officer = signed_in(app, bidding.agency.officer)
    assert officer.get(f"/agency/solicitations/{bidding.id}/bids/{bid_id}").status_code == 404
    bids_page = officer.get(f"/agency/solicitations/{bidding.id}/bids").get_data(as_text=True)
    tab = officer.get(f"/agency/solicitations/{bidding.id}/tabulation").get_data(as_text=True)
    results = officer.get(f"/solicitations/{bidding.number}/results").get_data(as_text=True)
    for page in (bids_page, tab, results):
        assert "Hampton Roads Office Co" in page
        assert VENDOR not in page and "$12.50" not in page
    [opened] = [e for e in bid_events(app, bidding.id, "bids.") if e.action == "bids.opened"]
    assert opened.data["withdrawn"] == 1
    assert [b["vendor"] for b in opened.data["bids"]] == ["Hampton Roads Office Co"]


@pytest.mark.parametrize("at", ["due_at", "after closing"])
def test_modify_after_the_deadline_refused_and_nothing_stored(app, bidding, vendor_client, post_bid,
                                                              try_transition, at):
    vendor, client = vendor_client
    receipt = submit(post_bid, client, prices={1: "12.50", 2: "80.00"}, notes=NOTES,
                     documents={0: (make_pdf("Tidewater W-9"), "tidewater-w9.pdf")})
    clock.freeze(bidding.due_at)  # the deadline itself is already late
    if at == "after closing":
        clock.advance(timedelta(minutes=5))
        assert try_transition(bidding.agency.officer.id, bidding.id, "closed") is None
    before = bid_state(app, bidding.id, vendor.organization_id)
    files_before = _stored_files(app)

    for action in ("submit", "save"):
        response = post_bid(client, prices={1: "9.99", 2: "70.00"}, notes="Late price cut", action=action,
                            documents={0: (make_pdf("Late W-9"), "late-w9.pdf")})
        page = _follow(client, response)
        assert "Late bids are not accepted; nothing was saved or submitted." in page
        assert bid_state(app, bidding.id, vendor.organization_id) == before
        assert _stored_files(app) == files_before  # the refused upload left no file behind
    refusals = [e for e in bid_events(app, bidding.id) if e.action == "bid.refused_late"]
    assert [e.data["attempted"] for e in refusals] == ["submit", "save"]
    assert all(e.organization_id == vendor.organization_id for e in refusals)
    assert refusals[0].data["due_at"] == bidding.due_at.isoformat()
    assert bid_state(app, bidding.id, vendor.organization_id)["versions"][-1][2] == receipt


def test_withdraw_after_the_deadline_refused(app, bidding, vendor_client, post_bid):
    vendor, client = vendor_client
    submit(post_bid, client, prices={1: "12.50", 2: "80.00"}, notes=NOTES)
    clock.freeze(bidding.due_at + timedelta(seconds=1))
    before = bid_state(app, bidding.id, vendor.organization_id)
    page = _follow(client, client.submit(f"/solicitations/{bidding.number}/bid/withdraw"))
    assert "Late bids are not accepted" in page
    after = bid_state(app, bidding.id, vendor.organization_id)
    assert after == before and after["status"] == "submitted"
    [refusal] = [e for e in bid_events(app, bidding.id) if e.action == "bid.refused_late"]
    assert refusal.data["attempted"] == "withdraw"
    assert not [e for e in bid_events(app, bidding.id) if e.action == "bid.withdrawn"]


def test_replaced_documents_are_kept_and_earlier_version_verifies(app, bidding, vendor_client, post_bid,
                                                                 open_bids, client):
    from app.bids.models import Bid
    from app.bids.receipts import read_document, read_version_content

    vendor, vendor_client_ = vendor_client
    old_file, new_file = make_pdf("Tidewater W-9 (2025)"), make_pdf("Tidewater W-9 (2026)")
    v1 = submit(post_bid, vendor_client_, prices={1: "12.50", 2: "80.00"}, notes=NOTES,
                documents={0: (old_file, "w9-2025.pdf")})
    v2 = submit(post_bid, vendor_client_, prices={1: "12.40", 2: "80.00"}, notes=NOTES,
                documents={0: (new_file, "w9-2026.pdf")})
    with app.app_context():
        bid = db.session.scalar(select(Bid).where(Bid.vendor_id == vendor.organization_id))
        old, new = bid.documents
        assert (old.filename, new.filename) == ("w9-2025.pdf", "w9-2026.pdf")
        assert old.superseded_at is not None and new.superseded_at is None
        assert read_document(old) == old_file and read_document(new) == new_file
        first, second = bid.versions
        assert [d["document_id"] for d in read_version_content(first)["documents"]] == [old.id]
        assert [d["document_id"] for d in read_version_content(second)["documents"]] == [new.id]
        ids = (bid.id, old.id, new.id)
    # The draft shows only the current file.
    form = vendor_client_.get(f"/solicitations/{bidding.number}/bid").get_data(as_text=True)
    assert "w9-2026.pdf" in form and "w9-2025.pdf" not in form

    open_bids(bidding)
    for receipt, counts in ((v1, False), (v2, True)):
        result = client.get("/bids/verify", query_string={"receipt": receipt}).get_data(as_text=True)
        assert "Verified" in result, receipt
        assert ("the version that counts" in result) is counts
    officer = signed_in(app, bidding.agency.officer)
    bid_id, old_id, new_id = ids
    assert officer.get(f"/agency/solicitations/{bidding.id}/bids/{bid_id}/documents/{new_id}").data == new_file
    assert officer.get(f"/agency/solicitations/{bidding.id}/bids/{bid_id}/documents/{old_id}").status_code == 404
    page = officer.get(f"/agency/solicitations/{bidding.id}/bids/{bid_id}").get_data(as_text=True)
    assert "w9-2026.pdf" in page and "w9-2025.pdf" not in page
    [prices] = [row for table in tables(page) for row in table if row and row[0].text == "1"]
    assert prices[3].text == "$12.40"

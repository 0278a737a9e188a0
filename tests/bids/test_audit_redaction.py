"""Bid events in the audit trail stay sealed until the opening: the platform administrator's list
leaves them out altogether (a "sealed" row or a gap in the numbering next to a vendor's sign-in
would tell who is bidding); the bidder's own administrator sees its events in full; the lead
agency does not see the vendor's events at all. After the opening the platform administrator sees
them in full."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from tests.bids.conftest import make_pdf
from tests.bids.sealed_support import bid_events, signed_in, submit, tables

VENDOR = "Shenandoah Paper Mills"
PERSON = "Vera Vendor"  # make_vendor's user name
BID_ACTIONS = ("bid.submitted", "bid.modified", "bid.refused_late")


@pytest.fixture
def sealed(app, bidding, make_vendor, post_bid, try_transition):
    """Shenandoah submits, modifies, tries once after the deadline; the RFP is closed, not opened."""
    from app.bids.models import BidVersion

    vendor = make_vendor(VENDOR)
    client = signed_in(app, vendor)
    submit(post_bid, client, prices={1: "27.40", 2: "96.15"}, notes="FOB destination",
           documents={0: (make_pdf("Shenandoah W-9"), "shenandoah-w9.pdf")})
    submit(post_bid, client, prices={1: "27.10", 2: "96.15"}, notes="FOB destination")
    clock.freeze(bidding.due_at + timedelta(minutes=2))
    late = post_bid(client, prices={1: "26.00", 2: "90.00"}, action="submit")
    assert late.status_code == 302
    assert try_transition(bidding.agency.officer.id, bidding.id, "closed") is None
    with app.app_context():
        versions = db.session.scalars(select(BidVersion).order_by(BidVersion.number)).all()
        secrets = [v.receipt_number for v in versions] + [v.digest for v in versions]
    assert [e.action for e in bid_events(app, bidding.id)] == list(BID_ACTIONS)
    return vendor, client, secrets


def _audit_rows(client, query: str = "") -> tuple[str, list[list[str]]]:
    response = client.get(f"/audit/{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    [table] = tables(page)
    return page, [[cell.text for cell in row] for row in table[1:]]


# The audit page reads in words (app.audit.activity): columns When, Who, What happened, Details, Hash.
# Which bid event a row is, from its sentence; "sealed" when it says only that it is sealed.
BID_SENTENCES = {"bid.submitted": "submitted a bid on", "bid.modified": "submitted version",
                 "bid.refused_late": "after the deadline; it was refused", "sealed": "Sealed until the bids for"}


def _kind(row: list[str]) -> str | None:
    return next((kind for kind, words in BID_SENTENCES.items() if words in row[2]), None)


def _bid_rows(rows: list[list[str]]) -> list[list[str]]:
    return [row for row in rows if len(row) == 5 and _kind(row)]


@pytest.mark.parametrize("query", ["", "?action=bid."])
def test_platform_admin_sees_no_trace_of_a_sealed_bid_before_opening(app, bidding, sealed, make_user, query):
    _, _, secrets = sealed
    admin = signed_in(app, make_user(Role.ADMIN, name="Pat Platform"))
    page, rows = _audit_rows(admin, query)
    assert _bid_rows(rows) == []  # not a sealed row either: nothing sits next to the bidder's sign-in
    assert "Sealed" not in page and "stay out of this list until the bids are opened" in page
    if not query:
        [sign_in] = [row for row in rows if row[2] == f"{PERSON} signed in."]
        assert VENDOR in sign_in[1]  # the sign-in itself is an ordinary event
        seqs = [cell for row in rows for cell in row[:1]]
        assert all(not cell.strip().isdigit() for cell in seqs)  # no numbering whose gaps would tell
    for secret in secrets:
        assert secret not in page
    for price in ("27.40", "27.10", "96.15", "26.00"):
        assert price not in page


def test_platform_admin_sees_bid_events_in_full_after_opening(app, bidding, sealed, make_user, open_bids):
    _, _, secrets = sealed
    open_bids(bidding)
    admin = signed_in(app, make_user(Role.ADMIN, name="Pat Platform"))
    page, rows = _audit_rows(admin)
    bid_rows = _bid_rows(rows)
    assert sorted(_kind(row) for row in bid_rows) == sorted(BID_ACTIONS)
    for row in bid_rows:
        assert row[1] == f"{PERSON} {VENDOR}"
        assert row[2].startswith(PERSON)
        assert "Sealed" not in row[3]
    for secret in secrets:
        assert secret in page
    [opened] = [row for row in rows if "unsealed 1 bid on" in row[2]]
    assert VENDOR in opened[3]


def test_bidders_own_admin_sees_its_events_in_full_before_opening(app, bidding, sealed):
    _, client, secrets = sealed
    page, rows = _audit_rows(client)
    bid_rows = _bid_rows(rows)
    assert sorted(_kind(row) for row in bid_rows) == sorted(BID_ACTIONS)
    assert all(row[1] == f"{PERSON} {VENDOR}" for row in bid_rows)
    assert "Sealed" not in page.replace("stay out of this list until the bids are opened", "")
    for secret in secrets:
        assert secret in page
    [late] = [row for row in bid_rows if _kind(row) == "bid.refused_late"]
    assert "Attempted: submit" in late[3]
    assert f"tried to submit a bid on {bidding.number} after the deadline; it was refused." in late[2]


def test_lead_agency_admin_does_not_see_the_vendors_bid_events(app, bidding, sealed):
    _, _, secrets = sealed
    agency_admin = signed_in(app, bidding.agency.admin)
    page, rows = _audit_rows(agency_admin)
    assert rows and not _bid_rows(rows)  # its own events are there; the vendor's are not
    assert VENDOR not in page and "Sealed bidder" not in page
    for secret in secrets:
        assert secret not in page
    _, filtered = _audit_rows(agency_admin, "?action=bid.")
    assert not _bid_rows(filtered)


def test_another_vendors_admin_does_not_see_them(app, bidding, sealed, make_vendor):
    _, _, secrets = sealed
    rival = signed_in(app, make_vendor("Piedmont Paper Exchange"))
    page, rows = _audit_rows(rival)
    assert not _bid_rows(rows) and VENDOR not in page
    for secret in secrets:
        assert secret not in page

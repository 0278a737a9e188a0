"""Fixtures for sealed-bid tests. The solicitation fixtures (make_agency, agency, vendor,
categories, make_solicitation, audit_events, load_solicitation, try_transition) are shared
from tests/solicitations/conftest.py.

Fixtures
--------
bidding         a published RFP (2 price lines, required document W-9) and item ids by line.
make_vendor()   a new vendor organization with a vendor_admin; returns its UserInfo.
post_bid(client, number, ...)   the bid form as a browser sends it (multipart, CSRF).
files           small valid files by type: pdf, png, jpg, docx, xlsx.
open_bids(info) advance the clock past due_at, close and open through the real lifecycle.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from tests.solicitations.conftest import (  # noqa: F401  (fixtures shared with these tests)
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


def make_pdf(text: str = "CoopBid test document") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body +
            b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _ooxml(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
    return out.getvalue()


@pytest.fixture
def files() -> dict[str, bytes]:
    return {
        "pdf": make_pdf(),
        "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 64,
        "docx": _ooxml("word/document.xml"),
        "xlsx": _ooxml("xl/workbook.xml"),
    }


@dataclass(frozen=True)
class Bidding:
    id: int
    number: str
    agency: object
    item_ids: dict[int, int]  # line -> price-sheet item id
    due_at: object


@pytest.fixture
def bidding(app, make_solicitation) -> Bidding:
    from app.solicitations.models import Solicitation

    info = make_solicitation("published", required_documents=["w9"])
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        return Bidding(info.id, info.number, info.agency, {i.position: i.id for i in s.items}, s.due_at)


@pytest.fixture
def make_vendor(make_user, make_org):
    from app.core.roles import OrganizationKind, Role

    def make(name: str | None = None, role=None):
        org_id = make_org(OrganizationKind.VENDOR, **({"name": name} if name else {}))
        return make_user(role or Role.VENDOR_ADMIN, org_id=org_id, name="Vera Vendor")

    return make


@pytest.fixture
def post_bid(bidding):
    def post(client, number: str | None = None, *, prices: dict[int, str] | None = None, notes: str = "",
             attest: bool = True, acknowledge: tuple[int, ...] = (), documents: dict[int, tuple[bytes, str]] | None = None,
             price_file: tuple[bytes, str] | None = None, action: str = "save", item_ids=None):
        item_ids = item_ids or bidding.item_ids
        data: dict = {"notes": notes, action: "1"}
        for line, price in (prices or {}).items():
            data[f"price_{item_ids[line]}"] = price
        if attest:
            data["attest_non_collusion"] = "y"
            data["attest_not_debarred"] = "y"
        for number_ in acknowledge:
            data[f"addendum_{number_}"] = "y"
        for index, (content, filename) in (documents or {}).items():
            data[f"document_{index}"] = (io.BytesIO(content), filename)
        if price_file:
            data["price_file"] = (io.BytesIO(price_file[0]), price_file[1])
        return client.submit(f"/solicitations/{number or bidding.number}/bid", data,
                             content_type="multipart/form-data")

    return post


@pytest.fixture
def open_bids(app):
    """Past the deadline, closed and opened by the agency's officer (real lifecycle)."""
    from app.accounts.models import User
    from app.solicitations import services
    from app.solicitations.models import Solicitation, SolicitationStatus

    def run(info: Bidding) -> None:
        with app.test_request_context():
            s = db.session.get(Solicitation, info.id)
            if clock.now() < s.due_at:
                clock.freeze(s.due_at + timedelta(minutes=1))
            officer = db.session.get(User, info.agency.officer.id)
            if s.status == SolicitationStatus.PUBLISHED:
                services.change_status(officer, s, SolicitationStatus.CLOSED)
            services.change_status(officer, s, SolicitationStatus.OPENED)
            db.session.commit()

    return run


def bid_rows(app, solicitation_id: int):
    from app.bids.models import Bid

    with app.app_context():
        return [(b.id, b.vendor_id, b.status.value, len(b.versions))
                for b in db.session.scalars(select(Bid).where(Bid.solicitation_id == solicitation_id))]

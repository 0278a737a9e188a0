"""Demo bids, made through the real services: a sealed bid on the open cooperative RFP, and an IFB
that closed last week and was opened in public, with three bids to tabulate. The clock is moved
into the past to live through that IFB's timeline, so its audit events carry their real dates."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from reportlab.platypus import Paragraph
from sqlalchemy import select

from app.accounts.models import User
from app.bids import drafts, submission
from app.core import clock
from app.core.files import check_upload
from app.core.pdf import build_pdf, pdf_styles
from app.demo.solicitations import COOPERATIVE_RFP_TITLE, _fill
from app.extensions import db
from app.solicitations import services
from app.solicitations.models import Solicitation, SolicitationStatus, SolicitationType

OPENED_IFB_TITLE = "Copy Paper and Classroom Consumables"
ALL_ATTESTATIONS = {key: True for key in drafts.ATTESTATIONS}


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _document(vendor: User, title: str, filename: str):
    """A small real PDF standing in for the vendor's signed form."""
    styles = pdf_styles()
    data = build_pdf([Paragraph(title, styles["title"]),
                      Paragraph(f"{vendor.organization.name} — demonstration document.", styles["body"])],
                     title=title)
    return check_upload(filename, data, allowed={"pdf"}, max_bytes=5 * 1024 * 1024)


def _bid(vendor: User, s: Solicitation, unit_prices: list[str | None], documents: list[str], notes: str = "") -> None:
    uploads = [(key, _document(vendor, drafts.requirement_label(key), f"{key}.pdf")) for key in documents]
    drafts.save_draft(vendor, s, prices={item.id: None if p is None else Decimal(p)
                                       for item, p in zip(s.items, unit_prices, strict=True)},
                    notes=notes, attestations=ALL_ATTESTATIONS, uploads=uploads,
                    acknowledge=s.published_addenda)
    submission.submit_bid(vendor, s)


def _find(title: str) -> Solicitation | None:
    return db.session.scalar(select(Solicitation).where(Solicitation.title == title))


def seed_bids() -> tuple[int, int]:
    """Returns (solicitations created, bids created)."""
    created = solicitations = 0
    rfp = _find(COOPERATIVE_RFP_TITLE)
    blue_ridge = _user("vendor.admin@blueridge.example")
    if rfp is not None and rfp.accepting_bids and drafts.find_bid(blue_ridge.organization_id, rfp) is None:
        _bid(blue_ridge, rfp, ["2890.00", "3840.00", "268.50", "1105.00", "385.00", "150.00"],
             ["w9", "insurance_certificate", "non_collusion_affidavit", "debarment_certification",
              "federal_funds_certifications"],
             notes="Prices include inside delivery and removal of packaging.")
        created += 1
    if _find(OPENED_IFB_TITLE) is None:
        _opened_ifb()
        solicitations += 1
        created += 3
    return solicitations, created


def _opened_ifb() -> None:
    officer, approver = _user("procurement@acps.example"), _user("approver@acps.example")
    vendors = [_user("vendor.admin@blueridge.example"), _user("sales@summit-tech.example"),
               _user("bids@keystone-facilities.example")]
    agency = officer.organization
    real_now = clock.now()
    with clock.preserved():
        clock.freeze(real_now - timedelta(days=30))
        s = services.create_solicitation(officer, type_=SolicitationType.IFB, title=OPENED_IFB_TITLE)
        _fill(s, officer, agency, categories=("310", "320"), weeks_open=3, items=[
            ("Copy paper, 8.5 x 11, 20 lb, case of 10 reams", "case", Decimal(9000)),
            ("Copy paper, 11 x 17, 20 lb, case of 5 reams", "case", Decimal(600)),
            ("Construction paper, assorted, 9 x 12, pack of 50", "pack", Decimal(12000)),
            ("Dry-erase markers, low odour, set of 4", "set", Decimal(8000)),
        ], summary="Paper and classroom consumables for every ACPS school, open to other public agencies.",
           required_documents=["w9", "non_collusion_affidavit"], opening_location="ACPS Procurement Office, Room 3200")
        services.change_status(officer, s, SolicitationStatus.PENDING_APPROVAL)
        services.change_status(approver, s, SolicitationStatus.APPROVED)
        services.change_status(officer, s, SolicitationStatus.PUBLISHED)

        clock.freeze(real_now - timedelta(days=22))
        _bid(vendors[0], s, ["41.80", "38.25", "3.95", "5.10"], ["w9", "non_collusion_affidavit"])
        _bid(vendors[1], s, ["42.15", "36.90", "4.10", "4.85"], ["w9", "non_collusion_affidavit"])
        clock.freeze(real_now - timedelta(days=15))
        _bid(vendors[2], s, ["40.95", "39.40", None, "5.25"], ["w9"],
             notes="Line 3 not offered. Non-collusion affidavit to follow.")
        clock.freeze(real_now - timedelta(days=12))
        _bid(vendors[1], s, ["41.60", "36.90", "4.10", "4.85"], ["w9", "non_collusion_affidavit"],
             notes="Version 2: revised line 1 price.")

        clock.freeze(s.due_at + timedelta(minutes=30))
        services.change_status(officer, s, SolicitationStatus.CLOSED)
        services.change_status(officer, s, SolicitationStatus.OPENED)

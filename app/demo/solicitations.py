"""Demo solicitations: a published cooperative RFP (criteria, price sheet, notices, demand from
participating agencies, an addendum, answered questions), a draft IFB and one awaiting approval."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Organization, User
from app.core import clock
from app.extensions import db
from app.solicitations import services
from app.solicitations.models import (
    Category,
    DemandInvitation,
    NoticeMedium,
    PriceFormula,
    Solicitation,
    SolicitationStatus,
    SolicitationType,
)

COOPERATIVE_RFP_TITLE = "Interactive Classroom Displays, Student Devices and Related Services"

SCOPE = """\
Ashford County Public Schools (ACPS) seeks proposals for **interactive flat-panel displays**,
**student and teacher computing devices**, installation, training and warranty support for
its 190 schools, and for other public agencies nationwide under the cooperative clause.

## What is required

- Interactive displays (75" and 86") with 4K resolution, 20-point touch and a 5-year on-site warranty
- Student Chromebooks (11.6") with management licences and a 3-year accidental damage warranty
- Teacher laptops meeting the minimum specification in Attachment A
- Wall or mobile-stand installation, removal of the old board, and disposal under EPA rules
- Professional development: on-site and virtual training hours

## Delivery

Delivery to school sites within 30 days of an order, inside-delivery and debris removal included.
"""

TERMS = """\
1. Prices are firm for the first contract year; later adjustments may not exceed the CPI-U change.
2. The vendor reports sales under this contract quarterly, by purchasing agency.
3. Participating agencies order directly and are invoiced directly.
"""


def _local(agency: Organization, days: int, hour: int) -> datetime:
    """A wall-clock time in the agency's zone, `days` from today, as UTC."""
    tz = ZoneInfo(agency.timezone)
    day = clock.now().astimezone(tz).date() + timedelta(days=days)
    while day.weekday() >= 5:  # deadlines and openings fall on business days
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _exists(agency: Organization, title: str) -> bool:
    return db.session.scalar(select(Solicitation.id).where(Solicitation.agency_id == agency.id,
                                                           Solicitation.title == title)) is not None


def _categories(*codes: str) -> list[int]:
    return list(db.session.scalars(select(Category.id).where(Category.code.in_(codes))))


def seed_solicitations() -> int:
    officer, approver = _user("procurement@acps.example"), _user("approver@acps.example")
    vendor, buyer = _user("vendor.admin@blueridge.example"), _user("buyer@pvs.example")
    agency = officer.organization
    created = 0
    if not _exists(agency, COOPERATIVE_RFP_TITLE):
        _published_rfp(agency, officer, approver, vendor, buyer)
        created += 1
    if not _exists(agency, "Custodial and Janitorial Supplies"):
        draft = services.create_solicitation(officer, type_=SolicitationType.IFB,
                                             title="Custodial and Janitorial Supplies")
        draft.summary = "Paper products, cleaning chemicals and equipment for all facilities."
        created += 1
    if not _exists(agency, "Synthetic Turf Replacement for Stadium Fields"):
        pending = services.create_solicitation(officer, type_=SolicitationType.RFP,
                                               title="Synthetic Turf Replacement for Stadium Fields")
        _fill(pending, officer, agency, categories=("550",), items=[
            ("Synthetic turf system, installed", "sq ft", Decimal(420_000)),
            ("Shock pad, installed", "sq ft", Decimal(420_000)),
        ], weeks_open=5)
        services.change_status(officer, pending, SolicitationStatus.PENDING_APPROVAL)
        created += 1
    return created


def _fill(s: Solicitation, officer: User, agency: Organization, *, categories: tuple[str, ...],
          items: list[tuple[str, str, Decimal]], weeks_open: int, **fields) -> None:
    today = clock.now().astimezone(ZoneInfo(agency.timezone)).date()
    services.save_draft(
        officer, s,
        fields={"questions_due_at": _local(agency, weeks_open * 7 - 12, 16),
                "due_at": _local(agency, weeks_open * 7, 14),
                "opening_location": "ACPS Procurement Office, 8115 Gatehouse Road, Room 3200",
                **fields},
        category_ids=_categories(*categories),
        criteria=[{"name": c.name, "description": c.description, "points": c.points,
                   "is_price": c.is_price, "price_formula": c.price_formula} for c in s.criteria],
        items=[{"description": d, "unit": u, "estimated_quantity": q} for d, u, q in items],
        notices=[{"medium": NoticeMedium.NEWSPAPER, "outlet": "The Ashford County Courier",
                  "published_on": today - timedelta(days=6)},
                 {"medium": NoticeMedium.STATE_PORTAL, "outlet": "eVA, Virginia's eProcurement portal",
                  "published_on": today - timedelta(days=6)}],
    )


def _published_rfp(agency: Organization, officer: User, approver: User, vendor: User, buyer: User) -> None:
    s = services.create_solicitation(officer, type_=SolicitationType.RFP, title=COOPERATIVE_RFP_TITLE)
    s.criteria[0].name, s.criteria[0].points = "Technical approach and product quality", Decimal(35)
    s.criteria[1].name, s.criteria[1].points = "Experience, references and capacity", Decimal(15)
    s.criteria[2].points = Decimal(35)
    db.session.flush()
    criteria = [{"name": c.name, "description": c.description, "points": c.points, "is_price": c.is_price,
                 "price_formula": c.price_formula} for c in s.criteria]
    criteria.insert(2, {"name": "Training, support and warranty", "description": "", "points": Decimal(15),
                        "is_price": False, "price_formula": None})
    _fill(s, officer, agency, categories=("230", "200"), weeks_open=3, items=[
        ('Interactive flat-panel display, 75"', "each", Decimal(1200)),
        ('Interactive flat-panel display, 86"', "each", Decimal(300)),
        ('Student Chromebook, 11.6", with management licence', "each", Decimal(25_000)),
        ("Teacher laptop (Attachment A specification)", "each", Decimal(3500)),
        ("Display installation, including removal of old board", "each", Decimal(1500)),
        ("Professional development, on site", "hour", Decimal(400)),
    ], summary="Interactive displays, Chromebooks, teacher laptops, installation and training for ACPS and "
               "any public agency that joins the resulting cooperative contract.",
       scope_md=SCOPE, terms_md=TERMS, estimated_value=Decimal("12500000.00"), initial_term_years=3,
       renewal_options=2, renewal_term_years=1, admin_fee_percent=Decimal("2.00"),
       required_documents=["w9", "insurance_certificate", "non_collusion_affidavit",
                           "debarment_certification", "federal_funds_certifications"],
       prebid_conference_at=_local(agency, 4, 10),
       prebid_conference_location="ACPS Instructional Technology Center and online")
    s.criteria[:] = s.criteria  # keep ids
    services.save_draft(officer, s, fields={}, category_ids=[c.id for c in s.categories], criteria=criteria,
                        items=[{"description": i.description, "unit": i.unit,
                                "estimated_quantity": i.estimated_quantity} for i in s.items],
                        notices=[{"medium": n.medium, "outlet": n.outlet, "published_on": n.published_on}
                                 for n in s.notices])
    for c in s.criteria:
        if c.is_price:
            c.price_formula = PriceFormula.LOWEST_OVER_THIS

    partners = db.session.scalars(select(Organization).where(Organization.short_code.in_(["PVS", "TCISD"]))).all()
    services.invite_demand(officer, s, list(partners))
    invitation = db.session.scalar(select(DemandInvitation).where(
        DemandInvitation.solicitation_id == s.id, DemandInvitation.agency_id == buyer.organization_id))
    quantities = [Decimal(300), Decimal(40), Decimal(6000), Decimal(800), Decimal(340), Decimal(80)]
    services.record_demand(buyer, invitation, {item.id: q for item, q in zip(s.items, quantities)})

    services.change_status(officer, s, SolicitationStatus.PENDING_APPROVAL)
    services.change_status(approver, s, SolicitationStatus.APPROVED)
    services.change_status(officer, s, SolicitationStatus.PUBLISHED)

    question = services.ask_question(vendor, s, "May vendors propose 65\" displays as an alternate for small classrooms?")
    services.answer_question(officer, question, "Yes, as a clearly marked alternate line. Evaluation uses the "
                                                "required sizes; alternates may be added to the contract.")
    question = services.ask_question(vendor, s, "Is the Chromebook management licence perpetual or annual?")
    services.answer_question(officer, question, "Perpetual for the life of the device.")
    services.issue_addendum(officer, s, title="Mobile stands and revised installation scope",
                            body_md="Line 5 (installation) now includes an option for a **height-adjustable "
                                    "mobile stand** instead of wall mounting, at the agency's choice per room.")

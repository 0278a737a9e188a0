"""Fixtures of a bid rush (bench/bid_rush.py), written directly through the app's own services:
a lead agency with its officer and approver, a published IFB (three price lines, a required W-9)
and N vendor organizations, each with a vendor_admin who signs in with PASSWORD."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

PASSWORD = "bench-rush-password-1"


@dataclass(frozen=True)
class Fixture:
    solicitation_id: int
    number: str
    officer_id: int
    item_ids: list[int]
    vendors: list[tuple[int, int, str]]  # (user id, organization id, e-mail)


def set_up(app, bids: int) -> Fixture:
    from sqlalchemy import select

    from app.accounts.models import AgencyType, Organization, User, UserRole
    from app.accounts.passwords import hash_password
    from app.core import clock
    from app.core.roles import OrganizationKind, Role
    from app.extensions import db
    from app.solicitations import services
    from app.solicitations.models import (
        Category,
        NoticeMedium,
        PriceFormula,
        SolicitationStatus,
        SolicitationType,
    )

    tag = secrets.token_hex(3).upper()
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        password_hash = hash_password(PASSWORD)

        def user(org: Organization, email: str, name: str, role: Role) -> User:
            row = User(organization=org, email=email, name=name, password_hash=password_hash,
                       session_token=secrets.token_hex(16), role_rows=[UserRole(role=role)])
            db.session.add(row)
            return row

        agency = Organization(kind=OrganizationKind.AGENCY, name=f"Bench Schools {tag}", state="VA",
                              agency_type=AgencyType.SCHOOL_DISTRICT, timezone="America/New_York",
                              short_code=f"BR{tag}")
        db.session.add(agency)
        officer = user(agency, f"officer-{tag.lower()}@bench.example", "Bench Officer", Role.PROCUREMENT_OFFICER)
        approver = user(agency, f"approver-{tag.lower()}@bench.example", "Bench Approver", Role.APPROVER)
        db.session.flush()
        services.ensure_builtin_categories()
        category_ids = list(db.session.scalars(select(Category.id).order_by(Category.id).limit(2)))

        s = services.create_solicitation(officer, type_=SolicitationType.IFB, title=f"Bid rush {tag}")
        now = clock.now()
        today = now.astimezone(ZoneInfo(agency.timezone)).date()
        services.save_draft(
            officer, s,
            fields={"summary": "Load test: many vendors submit at once.",
                    "questions_due_at": now + timedelta(hours=1),
                    "due_at": now + timedelta(days=2),
                    "opening_location": "Online",
                    "required_documents": ["w9"]},
            category_ids=category_ids,
            criteria=[{"name": "Price", "description": "", "points": Decimal(100), "is_price": True,
                       "price_formula": PriceFormula.LOWEST_OVER_THIS}],
            items=[{"description": "Copy paper, case", "unit": "case", "estimated_quantity": Decimal(1200)},
                   {"description": "Toner cartridge", "unit": "each", "estimated_quantity": Decimal(300)},
                   {"description": "Delivery", "unit": "lot", "estimated_quantity": Decimal(1)}],
            notices=[{"medium": NoticeMedium.NEWSPAPER, "outlet": "Bench Courier",
                      "published_on": today - timedelta(days=10)}],
        )
        db.session.commit()
        for actor, target in ((officer, SolicitationStatus.PENDING_APPROVAL),
                              (approver, SolicitationStatus.APPROVED),
                              (officer, SolicitationStatus.PUBLISHED)):
            services.change_status(actor, s, target)
            db.session.commit()

        taken = set(db.session.scalars(select(Organization.tax_id).where(Organization.tax_id.is_not(None))))
        vendors = []
        for index in range(bids):
            while True:
                tax_id = f"{secrets.randbelow(90) + 10}-{secrets.randbelow(9_000_000) + 1_000_000}"
                if tax_id not in taken:
                    taken.add(tax_id)
                    break
            org = Organization(kind=OrganizationKind.VENDOR, name=f"Rush Vendor {tag}-{index:04d}",
                               state="TX", tax_id=tax_id)
            db.session.add(org)
            vendors.append(user(org, f"vendor-{tag.lower()}-{index:04d}@bench.example",
                                f"Rush Vendor {index}", Role.VENDOR_ADMIN))
        db.session.commit()
        return Fixture(s.id, s.number, officer.id, [item.id for item in s.items],
                       [(v.id, v.organization_id, v.email) for v in vendors])


def set_due_at(app, solicitation_id: int, due_in: float):
    from sqlalchemy import update

    from app.core import clock
    from app.extensions import db
    from app.solicitations.models import Solicitation

    with app.app_context():
        now = clock.now()
        due_at = (now + timedelta(seconds=due_in)).replace(microsecond=0) + timedelta(seconds=1)
        questions = min(now + timedelta(minutes=30), due_at - timedelta(seconds=1))
        db.session.execute(update(Solicitation).where(Solicitation.id == solicitation_id)
                           .values(questions_due_at=questions, due_at=due_at))
        db.session.commit()
        return due_at

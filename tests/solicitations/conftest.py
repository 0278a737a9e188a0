"""Shared fixtures for solicitation tests.

Everything here returns plain ids / frozen dataclasses, never ORM objects, so a test can hold
them across requests without an app context open. Load rows inside short
`with app.app_context():` blocks.

Fixtures
--------
make_agency(state="VA", agency_type=SCHOOL_DISTRICT, **org_fields) -> AgencyInfo
    A new agency (with a unique short_code) and one user per staff role.
agency          the default lead agency (VA: no known notice minimum, so never blocked by it).
other_agency    a second agency with its own full staff (a stranger to `agency`'s solicitations).
vendor          a vendor user (UserInfo, role vendor_admin) in its own vendor organization.
categories      three categories (CategoryInfo: id, code); solicitations get the first two.
make_solicitation(status="draft", agency_state=None, **overrides) -> SolicitationInfo
    A complete, valid RFP walked through the real lifecycle to `status`.
audit_events(solicitation_id) -> list[EventInfo]
    The audit events about one solicitation, oldest first.
load_solicitation(solicitation_id) -> Solicitation
    A detached copy of the row (scalar columns only) for assertions.
try_transition(actor_id, solicitation_id, target, **ctx) -> TransitionError | None
    services.change_status by that user (None: the scheduler) in a request context; commits on
    success and returns None, rolls back and returns the error on refusal.

Module helpers: `local_datetime(tz, day, hour)` and the ALL_STATUSES / STAFF_ROLES tuples.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.solicitations.models import NoticeMedium, PriceFormula, SolicitationStatus, SolicitationType

S = SolicitationStatus
UTC = timezone.utc
ALL_STATUSES = tuple(SolicitationStatus)
# Agency roles, in the order the staff fields of AgencyInfo are named after.
STAFF_ROLES = (Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER, Role.APPROVER, Role.EVALUATOR, Role.BUYER)
STATE_TIMEZONES = {"NC": "America/New_York", "VA": "America/New_York", "TX": "America/Chicago"}

# The path make_solicitation walks; CANCELLED is reached from `cancel_from` (default: draft).
WALK = (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.PUBLISHED, S.CLOSED)


def local_datetime(tz: str, day: date, hour: int, minute: int = 0) -> datetime:
    """Wall-clock `hour:minute` on `day` in zone `tz`, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(UTC)


@dataclass(frozen=True)
class AgencyInfo:
    """An agency and its staff (UserInfo from tests/conftest.py: id, email, password, organization_id).

    `admin` holds agency_admin, `officer` procurement_officer, `approver` and `second_approver`
    approver, `evaluator` evaluator, `buyer` buyer; each holds only that one role."""

    id: int
    state: str
    timezone: str
    short_code: str
    admin: Any
    officer: Any
    approver: Any
    second_approver: Any
    evaluator: Any
    buyer: Any

    def user_with(self, role: Role):
        """The staff user holding exactly `role`."""
        return {Role.AGENCY_ADMIN: self.admin, Role.PROCUREMENT_OFFICER: self.officer,
                Role.APPROVER: self.approver, Role.EVALUATOR: self.evaluator,
                Role.BUYER: self.buyer}[role]


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class SolicitationInfo:
    """What make_solicitation built: ids to reload, and the agency (with its staff)."""

    id: int
    number: str
    status: SolicitationStatus
    agency: AgencyInfo
    author_id: int
    category_ids: tuple[int, ...]


@dataclass(frozen=True)
class EventInfo:
    action: str
    actor_id: int | None
    organization_id: int | None
    data: dict


@pytest.fixture
def make_agency(app, make_org, make_user):
    """make_agency(state="VA", agency_type=AgencyType.SCHOOL_DISTRICT, **org_fields) -> AgencyInfo.

    The time zone follows the state (NC, VA: New York; TX: Chicago) unless given. Every agency
    gets a unique short_code so solicitation numbers never collide between agencies."""
    from app.accounts.models import AgencyType

    def make(state: str = "VA", agency_type: AgencyType = AgencyType.SCHOOL_DISTRICT, **fields) -> AgencyInfo:
        tz = fields.pop("timezone", STATE_TIMEZONES.get(state, "America/New_York"))
        short_code = fields.pop("short_code", f"A{secrets.token_hex(3).upper()}")
        org_id = make_org(OrganizationKind.AGENCY, state=state, agency_type=agency_type, timezone=tz,
                          short_code=short_code, **fields)
        staff = {
            "admin": make_user(Role.AGENCY_ADMIN, org_id=org_id, name="Ada Admin"),
            "officer": make_user(Role.PROCUREMENT_OFFICER, org_id=org_id, name="Olive Officer"),
            "approver": make_user(Role.APPROVER, org_id=org_id, name="Abe Approver"),
            "second_approver": make_user(Role.APPROVER, org_id=org_id, name="Bea Approver"),
            "evaluator": make_user(Role.EVALUATOR, org_id=org_id, name="Eve Evaluator"),
            "buyer": make_user(Role.BUYER, org_id=org_id, name="Bo Buyer"),
        }
        return AgencyInfo(id=org_id, state=state, timezone=tz, short_code=short_code, **staff)

    return make


@pytest.fixture
def agency(make_agency) -> AgencyInfo:
    """The default lead agency: a Virginia school district (VA's notice minimum is unknown,
    so the notice period never blocks publication) with one user per staff role."""
    return make_agency("VA")


@pytest.fixture
def other_agency(make_agency) -> AgencyInfo:
    """Another agency with a full staff; it has no rights over `agency`'s solicitations."""
    return make_agency("VA")


@pytest.fixture
def vendor(make_user):
    """A vendor user (vendor_admin) in a new vendor organization; a UserInfo."""
    return make_user(Role.VENDOR_ADMIN, name="Val Vendor")


@pytest.fixture
def categories(app) -> list[CategoryInfo]:
    """Three categories; make_solicitation files solicitations under the first two, so the
    third is one nothing is published in."""
    from app.solicitations.models import Category

    rows = [("615-00", "Office supplies"), ("620-00", "Paper products"), ("765-00", "Lawn equipment")]
    with app.app_context():
        made = [Category(code=code, name=name) for code, name in rows]
        db.session.add_all(made)
        db.session.commit()
        return [CategoryInfo(c.id, c.code, c.name) for c in made]


def _default_content(tz: str, now: datetime) -> dict[str, Any]:
    today = now.astimezone(ZoneInfo(tz)).date()
    return {
        "title": "Office supplies and paper",
        "summary": "Office supplies for every school, open to other public agencies.",
        "questions_due_at": local_datetime(tz, today + timedelta(days=14), 16),
        "due_at": local_datetime(tz, today + timedelta(days=21), 14),
        "publish_at": None,
        "opening_location": "Purchasing Office, 100 Main St",
        "criteria": [
            {"name": "Technical approach", "points": Decimal(40)},
            {"name": "Experience and references", "points": Decimal(20)},
            {"name": "Price", "points": Decimal(40), "is_price": True},
        ],
        "items": [
            {"description": "Copy paper, 8.5 x 11, case of 10 reams", "unit": "case",
             "estimated_quantity": Decimal(1200)},
            {"description": "Toner cartridge, black", "unit": "each", "estimated_quantity": Decimal(300)},
        ],
        # Ten days before "today": long enough for NC (7 full days) and TX (14 calendar days)
        # with the default due date three weeks ahead.
        "notices": [{"medium": NoticeMedium.NEWSPAPER, "outlet": "The County Courier",
                     "published_on": today - timedelta(days=10)}],
    }


@pytest.fixture
def make_solicitation(app, agency, make_agency, categories):
    """make_solicitation(status="draft", agency_state=None, **overrides) -> SolicitationInfo.

    Builds a complete, valid RFP with the real services: drafted and saved by the agency's
    procurement officer (3 criteria totalling 100 with one price criterion, 2 price-sheet items,
    one newspaper notice dated 10 days before today, the first two `categories`, questions due
    in 14 days and bids due in 21, both at local times), then moved with services.change_status
    by the right people, committing after each step:

        draft -> pending_approval (officer) -> approved (approver) -> published (officer)
        -> closed (officer, after the clock is ADVANCED to due_at: the clock stays there)
        cancelled: from `cancel_from` (default draft) by the officer, reason "Funding withdrawn".

    Arguments:
        status          the status to reach (SolicitationStatus or its value).
        agency_state    build under a fresh agency of that state (e.g. "NC", "TX") instead of
                        `agency`; one agency per state per test is reused.
        agency          an AgencyInfo to use instead (e.g. from make_agency with another type).
        author          a UserInfo of the agency who drafts it (default: the officer).
        approver        a UserInfo who approves it (default: agency.approver).
        cancel_from     for status="cancelled", the status it was cancelled from.
        type            a SolicitationType (default RFP).
        criteria/items/notices   lists of dicts replacing the defaults (price criteria get the
                        formula filled in).
        category_ids    categories to file it under (default: the first two).
        any other keyword: a draft field (title, due_at, questions_due_at, publish_at, ...).
    Dates default relative to clock.now() at the time of the call; freeze the clock first for
    exact values.
    """
    from app.accounts.models import User
    from app.solicitations import services
    from app.solicitations.models import Solicitation

    default_agency = agency
    by_state: dict[str, AgencyInfo] = {agency.state: agency}

    def make(status: SolicitationStatus | str = S.DRAFT, agency_state: str | None = None, *,
             agency: AgencyInfo | None = None, author=None, approver=None,
             cancel_from: SolicitationStatus | str = S.DRAFT, **overrides: Any) -> SolicitationInfo:
        status, cancel_from = S(status), S(cancel_from)
        if agency is None:
            state = agency_state or default_agency.state
            if state not in by_state:
                by_state[state] = make_agency(state)
            agency = by_state[state]
        target = cancel_from if status == S.CANCELLED else status
        if target not in WALK:
            raise ValueError(f"make_solicitation cannot build {status} (from {target})")
        author = author or agency.officer
        approver = approver or agency.approver
        type_ = SolicitationType(overrides.pop("type", SolicitationType.RFP))
        category_ids = list(overrides.pop("category_ids", [c.id for c in categories[:2]]))
        content = {**_default_content(agency.timezone, clock.now()), **overrides}
        criteria = [{"description": "", "is_price": False, **c} for c in content.pop("criteria")]
        for c in criteria:
            c["price_formula"] = PriceFormula.LOWEST_OVER_THIS if c["is_price"] else None
        items, notices = content.pop("items"), content.pop("notices")
        title = content.pop("title")

        with app.test_request_context():
            actor = db.session.get(User, author.id)
            s = services.create_solicitation(actor, type_=type_, title=title)
            services.save_draft(actor, s, fields=content, category_ids=category_ids, criteria=criteria,
                                items=items, notices=notices)
            db.session.commit()
            steps = {S.PENDING_APPROVAL: author, S.APPROVED: approver, S.PUBLISHED: agency.officer,
                     S.CLOSED: agency.officer}
            for step in WALK[1:WALK.index(target) + 1]:
                if step == S.CLOSED and clock.now() < s.due_at:
                    clock.advance(s.due_at - clock.now())
                services.change_status(db.session.get(User, steps[step].id), s, step)
                db.session.commit()
            if status == S.CANCELLED:
                services.change_status(db.session.get(User, agency.officer.id), s, S.CANCELLED,
                                       reason="Funding withdrawn")
                db.session.commit()
            s = db.session.get(Solicitation, s.id)
            assert s.status == status, (s.status, status)
            return SolicitationInfo(id=s.id, number=s.number, status=s.status, agency=agency,
                                    author_id=author.id, category_ids=tuple(category_ids))

    return make


@pytest.fixture
def audit_events(app):
    """audit_events(solicitation_id) -> [EventInfo(action, actor_id, organization_id, data)]
    for events whose object is that solicitation, in chain order."""
    from app.audit.models import AuditEvent

    def events(solicitation_id: int) -> list[EventInfo]:
        with app.app_context():
            rows = db.session.scalars(select(AuditEvent).where(
                AuditEvent.object_type == "solicitations", AuditEvent.object_id == str(solicitation_id))
                .order_by(AuditEvent.seq)).all()
            return [EventInfo(r.action, r.actor_id, r.organization_id, dict(r.data)) for r in rows]

    return events


@pytest.fixture
def load_solicitation(app):
    """load_solicitation(id) -> a detached Solicitation with its columns loaded (relationships
    are not; load those inside your own app context)."""
    from app.solicitations.models import Solicitation

    def load(solicitation_id: int):
        with app.app_context():
            s = db.session.get(Solicitation, solicitation_id)
            db.session.expunge(s)
            return s

    return load


@pytest.fixture
def try_transition(app):
    """try_transition(actor_id, solicitation_id, target, **ctx) -> TransitionError | None.

    Runs services.change_status as the user `actor_id` (None: the system / scheduler) inside a
    request context (publication e-mails followers). Commits and returns None when it worked;
    rolls back and returns the TransitionError when it was refused."""
    from app.accounts.models import User
    from app.solicitations import services
    from app.solicitations.lifecycle import TransitionError
    from app.solicitations.models import Solicitation

    def attempt(actor_id: int | None, solicitation_id: int, target: SolicitationStatus | str, **ctx: Any):
        with app.test_request_context():
            actor = db.session.get(User, actor_id) if actor_id is not None else None
            s = db.session.get(Solicitation, solicitation_id)
            try:
                services.change_status(actor, s, S(target), **ctx)
            except TransitionError as exc:
                db.session.rollback()
                return exc
            db.session.commit()
            return None

    return attempt

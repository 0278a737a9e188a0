"""Read-side queries for solicitation lists (public and staff)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Select, and_, literal, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.directory import Scope
from app.accounts.models import Organization
from app.extensions import db
from app.core import clock
from app.core.roles import OrganizationKind
from app.solicitations.models import PUBLIC_STATUSES, Solicitation, SolicitationStatus, solicitation_categories


# The public list's status filter: value -> words. "open" is computed from due_at, like
# Solicitation.accepting_bids; the others are the public archive. Drafts, solicitations waiting
# for approval and approved ones not yet published never appear.
PUBLIC_LIST_STATUSES = {
    "open": "Open for bids",
    "closed": "Closed or being evaluated",
    "awarded": "Awarded",
    "cancelled": "Cancelled",
    "past": "All past solicitations",
}
_BEING_EVALUATED = (SolicitationStatus.CLOSED, SolicitationStatus.OPENED, SolicitationStatus.UNDER_EVALUATION,
                    SolicitationStatus.INTENT_TO_AWARD)


def has_public_solicitation() -> ColumnElement[bool]:
    """SQL: the organization leads a public solicitation (Solicitation.is_public). Probes the
    (agency_id, status, published_at) index once per organization asked about, however long the
    archive grows."""
    # SELECT 1, not EXISTS (SELECT *): SQLite reads the rows for the star, not the index alone.
    return select(literal(1)).where(Solicitation.agency_id == Organization.id, or_(
        Solicitation.status.in_(list(PUBLIC_STATUSES)),
        and_(Solicitation.status == SolicitationStatus.CANCELLED, Solicitation.published_at.is_not(None)))).exists()


# The agency filter's choices (app.accounts.directory): agencies whose solicitations the public sees.
PUBLIC_AGENCIES = Scope("agency", "agencies", "with public solicitations", has_public_solicitation,
                        with_state=True)


def participant_agencies(solicitation: Solicitation) -> Scope:
    """The agencies a lead agency may ask for their quantities: every agency on CoopBid but itself
    (never a stand-in named in a registered contract). Its staff chose among all of them before."""
    return Scope("agency", "agencies", "on CoopBid", lambda: and_(
        Organization.kind == OrganizationKind.AGENCY, Organization.stand_in.is_(False),
        Organization.id != solicitation.agency_id), with_state=True)


@dataclass(frozen=True)
class OpenFilters:
    q: str = ""
    category_id: int | None = None
    agency_id: int | None = None
    state: str = ""
    closing_within_days: int | None = None  # open solicitations only
    status: str = "open"  # a key of PUBLIC_LIST_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def _status_clause(status: str, now):  # noqa: ANN001, ANN202
    published = Solicitation.status == SolicitationStatus.PUBLISHED
    closed = or_(and_(published, Solicitation.due_at <= now), Solicitation.status.in_(_BEING_EVALUATED))
    awarded = Solicitation.status == SolicitationStatus.AWARDED
    # A cancellation after publication stays public, with its reason (Solicitation.is_public).
    cancelled = and_(Solicitation.status == SolicitationStatus.CANCELLED, Solicitation.published_at.is_not(None))
    return {"closed": closed, "awarded": awarded, "cancelled": cancelled,
            "past": or_(closed, awarded, cancelled)}.get(status, and_(published, Solicitation.due_at > now))


def open_solicitations(filters: OpenFilters) -> Select:
    """The public list: published solicitations still accepting bids (computed from due_at),
    soonest closing first; or, with another `status`, the public archive, latest due date first."""
    now = clock.now()
    query = (select(Solicitation).join(Organization, Solicitation.agency_id == Organization.id)
             .where(_status_clause(filters.status, now)))
    for word in filters.q.split()[:8]:
        pattern = f"%{escape_like(word)}%"
        query = query.where(or_(Solicitation.title.ilike(pattern, escape="\\"),
                                Solicitation.summary.ilike(pattern, escape="\\"),
                                Solicitation.number.ilike(pattern, escape="\\")))
    if filters.category_id:
        query = query.where(Solicitation.id.in_(
            select(solicitation_categories.c.solicitation_id)
            .where(solicitation_categories.c.category_id == filters.category_id)))
    if filters.agency_id:
        query = query.where(Solicitation.agency_id == filters.agency_id)
    if filters.state:
        query = query.where(Organization.state == filters.state)
    query = query.options(selectinload(Solicitation.categories))
    if not filters.is_open:
        return query.order_by(Solicitation.due_at.desc(), Solicitation.id.desc())
    if filters.closing_within_days:
        query = query.where(Solicitation.due_at <= now + timedelta(days=filters.closing_within_days))
    return query.order_by(Solicitation.due_at, Solicitation.id)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class DashboardTask:
    label: str
    count: int
    endpoint: str
    args: dict


def dashboard_tasks(user) -> list[DashboardTask]:  # noqa: ANN001
    """What needs this user's attention, by role: one COUNT query per line shown. The agency
    staff's work (officer, approver, evaluator) is in their workspace sections (app.workspaces.agency)."""
    from sqlalchemy import func

    from app.core.roles import Role
    from app.solicitations.models import DemandInvitation

    def count(query) -> int:  # noqa: ANN001
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0

    tasks: list[DashboardTask] = []
    if user.organization.is_agency and user.has_any_role(Role.BUYER, Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN):
        pending = count(select(DemandInvitation.id).where(DemandInvitation.agency_id == user.organization_id,
                                                          DemandInvitation.responded_at.is_(None)))
        if pending:
            tasks.append(DashboardTask("Requests for your quantities (demand aggregation)", pending,
                                       "solicitations.demand_requests", {}))
    return tasks

"""Late is late: bids are taken only from vendor users, only while the solicitation accepts
them, and a submission's time of acceptance is read inside its own transaction, so that closing
and opening (which update the solicitation) and a submission in flight are strictly ordered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record
from app.core import clock
from app.core.errors import DomainError, NotPermitted
from app.core.roles import Role
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus


class BidsClosed(DomainError):
    """The deadline has passed (or the solicitation is no longer taking bids)."""


def require_bidder(actor: User) -> None:
    if not (actor.is_authenticated and actor.active and actor.organization.is_vendor
            and actor.has_any_role(Role.VENDOR_ADMIN, Role.VENDOR_USER)):
        raise NotPermitted("Only vendor users submit bids.")


def closed_message(s: Solicitation) -> str:
    due = s.local(s.due_at).strftime("%B %-d, %Y at %-I:%M %p %Z") if s.due_at else "the due date"
    return (f"Bids for {s.number} closed at {due}. Late bids are not accepted; nothing was saved "
            "or submitted.")


def require_accepting(s: Solicitation) -> None:
    if not s.accepting_bids:
        raise BidsClosed(closed_message(s))


def hold_for_bidding(s: Solicitation) -> None:
    """PostgreSQL: share-lock the solicitation row, so closing or opening (which update it) waits
    for this submission to commit or roll back, and this one sees their result if they came first.
    SQLite serializes writers for the whole database, which gives the same order."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Solicitation.id).where(Solicitation.id == s.id).with_for_update(read=True))


def accepted_at(s: Solicitation) -> datetime:
    """The server time of acceptance, read inside the transaction after this submission's rows are
    written (and so while it holds the locks that closing and opening need): at or after due_at,
    or once the solicitation has moved on, the whole transaction is refused."""
    status, due_at = db.session.execute(
        select(Solicitation.status, Solicitation.due_at).where(Solicitation.id == s.id)).one()
    now = clock.now()
    if status != SolicitationStatus.PUBLISHED or due_at is None or now >= due_at:
        raise BidsClosed(closed_message(s))
    return now


def record_late_refusal(actor: User, s: Solicitation, attempted: str) -> None:
    """After the refused transaction was rolled back: the refusal itself is on the record."""
    record("bid.refused_late", actor=actor, obj=s, organization_id=actor.organization_id,
           data={"solicitation_id": s.id, "solicitation": s.number, "attempted": attempted,
                 "at": clock.now().isoformat(timespec="microseconds"),
                 "due_at": s.due_at.isoformat() if s.due_at else None})

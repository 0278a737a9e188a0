"""Workspace sections for vendor users: open opportunities (categories and solicitations they
follow, their saved searches), addenda to acknowledge, and bid drafts not yet submitted. Each
loader runs a fixed number of queries whatever the number of rows."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from app.accounts.models import User
from app.bids.models import Bid, BidStatus
from app.core import clock
from app.extensions import db
from app.solicitations.communications import Addendum, AddendumAcknowledgement, Follow
from app.solicitations.models import Solicitation, SolicitationStatus, solicitation_categories
from app.solicitations.saved_searches import any_search_condition, search_matches, searches_of
from app.workspaces.section import Section

OPPORTUNITIES_SHOWN = 10
ROWS_SHOWN = 25


def is_vendor(user: User) -> bool:
    return user.organization.is_vendor


def limited(query: Select, limit: int) -> tuple[list[Any], int]:
    """The first `limit` rows of an ordered query and how many there are in all (two queries)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(db.session.scalars(query.limit(limit)).unique()) if total else []
    return rows, total


def _open() -> list[Any]:
    return [Solicitation.status == SolicitationStatus.PUBLISHED, Solicitation.due_at > clock.now()]


# ----------------------------------------------------------------------------- opportunities
@dataclass(frozen=True)
class Opportunity:
    solicitation: Solicitation
    reasons: list[str]  # why it is shown: followed, a followed category, a saved search
    bid_status: BidStatus | None


def load_opportunities(user: User) -> dict[str, Any]:
    follows = db.session.execute(select(Follow.solicitation_id, Follow.category_id)
                                 .where(Follow.user_id == user.id)).all()
    followed_solicitations = {row.solicitation_id for row in follows if row.solicitation_id}
    followed_categories = {row.category_id for row in follows if row.category_id}
    searches = searches_of(user)
    data: dict[str, Any] = {"opportunities": [], "total": 0, "searches": searches,
                            "follows_categories": bool(followed_categories)}
    if not follows and not searches:
        return data
    wanted = or_(
        Solicitation.id.in_(select(solicitation_categories.c.solicitation_id)
                            .join(Follow, Follow.category_id == solicitation_categories.c.category_id)
                            .where(Follow.user_id == user.id)),
        Solicitation.id.in_(select(Follow.solicitation_id).where(Follow.user_id == user.id)),
        any_search_condition(searches),
    )
    query = (select(Solicitation).where(*_open(), wanted)
             .options(selectinload(Solicitation.categories)).order_by(Solicitation.due_at, Solicitation.id))
    solicitations, data["total"] = limited(query, OPPORTUNITIES_SHOWN)
    bids = dict(db.session.execute(select(Bid.solicitation_id, Bid.status).where(
        Bid.vendor_id == user.organization_id, Bid.solicitation_id.in_([s.id for s in solicitations]))).all()) \
        if solicitations else {}
    for s in solicitations:
        reasons = ["You follow it"] if s.id in followed_solicitations else []
        reasons += [f"Category you follow: {c.name}" for c in s.categories if c.id in followed_categories]
        reasons += [f"Saved search {search.label}" for search in searches if search_matches(search, s)]
        data["opportunities"].append(Opportunity(s, reasons, bids.get(s.id)))
    return data


# ----------------------------------------------------------------------------- addenda
def load_addenda(user: User) -> dict[str, Any]:
    """Published addenda of open solicitations on which the vendor has a draft or submitted bid
    and which it has not acknowledged."""
    vendor_id = user.organization_id
    acknowledged = exists().where(AddendumAcknowledgement.addendum_id == Addendum.id,
                                  AddendumAcknowledgement.vendor_id == vendor_id)
    query = (select(Addendum, Bid.status).join(Addendum.solicitation)
             .join(Bid, (Bid.solicitation_id == Addendum.solicitation_id) & (Bid.vendor_id == vendor_id))
             .where(*_open(), Addendum.published_at.is_not(None), ~acknowledged,
                    Bid.status.in_((BidStatus.DRAFT, BidStatus.SUBMITTED)))
             .options(contains_eager(Addendum.solicitation))
             .order_by(Solicitation.due_at, Solicitation.id, Addendum.number))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.execute(query.limit(ROWS_SHOWN)).all() if total else []
    return {"addenda": [(row.Addendum, row.status) for row in rows], "total": total}


# ----------------------------------------------------------------------------- drafts
def load_drafts(user: User) -> dict[str, Any]:
    """Bids started and never submitted on solicitations still open, the soonest deadline first."""
    query = (select(Bid).join(Bid.solicitation)
             .where(*_open(), Bid.vendor_id == user.organization_id, Bid.status == BidStatus.DRAFT)
             .options(contains_eager(Bid.solicitation)).order_by(Solicitation.due_at, Solicitation.id))
    drafts, total = limited(query, ROWS_SHOWN)
    return {"drafts": drafts, "total": total}


# ----------------------------------------------------------------------------- bids and outcomes
def load_outcomes(user: User) -> dict[str, Any]:
    """The latest bids with what became of them (the same rows as "My bids")."""
    from app.bids.outcomes import count_for_vendor, outcomes_for_vendor

    total = count_for_vendor(user.organization_id)
    return {"outcomes": outcomes_for_vendor(user.organization_id, ROWS_SHOWN) if total else [], "total": total}


SECTIONS: list[Section] = [
    Section("vendor-opportunities", "Open opportunities for you", "vendor_opportunities.html", is_vendor,
            load_opportunities),
    Section("vendor-addenda", "Addenda to acknowledge", "vendor_addenda.html", is_vendor, load_addenda),
    Section("vendor-drafts", "Bid drafts not yet submitted", "vendor_drafts.html", is_vendor, load_drafts),
    Section("vendor-bids", "Your bids and their outcomes", "vendor_bids.html", is_vendor, load_outcomes),
]

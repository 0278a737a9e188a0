"""Saved searches: a vendor user keeps a keyword search of the open solicitations (with an optional
category and state) and is e-mailed each new solicitation that matches it when it is published.

Decisions:
- A search matches a solicitation as the public list does (queries.open_solicitations): every word
  (the first MAX_WORDS) appears in its title, summary or number, ignoring case; the category, when
  given, is one of the solicitation's; the state, when given, is the lead agency's.
- Matching runs on the `solicitation_transitioned` signal when a solicitation becomes published,
  in the transaction that publishes it (by a person or by the scheduler): the e-mail is queued in
  the outbox and a SavedSearchHit row recorded for each matching search, or neither if the
  publication rolls back. The hit's unique (search, solicitation) pair makes it idempotent: a
  solicitation is mailed at most once per saved search, however often the matching runs.
- One e-mail per person and solicitation, naming every search of theirs it matches. A person who
  follows one of the solicitation's categories is mailed by the category notice already
  (notifications.py); the hit is recorded for them without a second e-mail.
Callers commit.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from flask import url_for
from sqlalchemy import ForeignKey, String, UniqueConstraint, and_, exists, false, or_, select, true
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.accounts.models import Organization, User
from app.audit.services import record
from app.core import clock
from app.core.db import TimestampMixin, UTCDateTime
from app.core.errors import DomainError, NotPermitted
from app.core.geo import US_STATES
from app.core.roles import OrganizationKind
from app.core.signals import solicitation_transitioned
from app.extensions import db
from app.notifications.services import send_email
from app.solicitations.models import Category, Solicitation, SolicitationStatus, solicitation_categories
from app.solicitations.queries import escape_like

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

MAX_WORDS = 8  # as the public list reads the search box
MAX_QUERY = 200
MAX_PER_USER = 25


class SavedSearch(TimestampMixin, db.Model):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    q: Mapped[str] = mapped_column(String(MAX_QUERY), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    state: Mapped[str | None] = mapped_column(String(2))

    user: Mapped[User] = relationship()
    category: Mapped[Category | None] = relationship()

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_WORDS]

    @property
    def label(self) -> str:
        """“copy paper” in Office supplies, Virginia — what a person reads."""
        parts = [f"“{self.q}”" if self.q else "Every solicitation"]
        if self.category is not None:
            parts.append(f"in {self.category.name}")
        if self.state:
            parts.append(f"from agencies in {US_STATES.get(self.state, self.state)}")
        return " ".join(parts)

    @property
    def list_args(self) -> dict[str, str | int]:
        """The public list's query string that runs this search."""
        args: dict[str, str | int] = {"q": self.q} if self.q else {}
        if self.category_id:
            args["category"] = self.category_id
        if self.state:
            args["state"] = self.state
        return args

    def can_manage(self, user: User) -> bool:
        return bool(user.is_authenticated and user.id == self.user_id)


class SavedSearchHit(db.Model):
    """A solicitation notified to a saved search's owner (once per pair, whatever runs again)."""

    __tablename__ = "saved_search_hits"
    __table_args__ = (UniqueConstraint("saved_search_id", "solicitation_id", name="uq_saved_search_hits_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"))
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"), index=True)
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ----------------------------------------------------------------------------- matching
def keyword_condition(words: list[str]) -> ColumnElement[bool]:
    """SQL: every word in the title, summary or number (the public list's rule)."""
    conditions = []
    for word in words:
        pattern = f"%{escape_like(word)}%"
        conditions.append(or_(Solicitation.title.ilike(pattern, escape="\\"),
                              Solicitation.summary.ilike(pattern, escape="\\"),
                              Solicitation.number.ilike(pattern, escape="\\")))
    return and_(true(), *conditions)


def search_condition(search: SavedSearch) -> ColumnElement[bool]:
    """SQL for the solicitations a saved search matches (the caller joins the lead agency)."""
    conditions = [keyword_condition(search.words)]
    if search.category_id:
        conditions.append(Solicitation.id.in_(select(solicitation_categories.c.solicitation_id).where(
            solicitation_categories.c.category_id == search.category_id)))
    if search.state:
        conditions.append(Solicitation.agency.has(Organization.state == search.state))
    return and_(*conditions)


def any_search_condition(searches: list[SavedSearch]) -> ColumnElement[bool]:
    return or_(*(search_condition(s) for s in searches)) if searches else false()


def search_matches(search: SavedSearch, solicitation: Solicitation) -> bool:
    """The same rule in Python, for one solicitation already loaded."""
    texts = [solicitation.title.lower(), (solicitation.summary or "").lower(), solicitation.number.lower()]
    if not all(any(word.lower() in text for text in texts) for word in search.words):
        return False
    if search.category_id and search.category_id not in {c.id for c in solicitation.categories}:
        return False
    return not search.state or search.state == solicitation.agency.state


# ----------------------------------------------------------------------------- saving and deleting
def _normalise(q: str | None) -> str:
    return " ".join((q or "").split())


def save_search(actor: User, *, q: str | None, category_id: int | None, state: str | None) -> SavedSearch:
    if not actor.organization.is_vendor:
        raise NotPermitted("Saved searches are for vendors.")
    q, state = _normalise(q), (state or None)
    if len(q) > MAX_QUERY:
        raise DomainError(f"Keep the words to {MAX_QUERY} characters.", field="q")
    if state is not None and state not in US_STATES:
        raise DomainError("Choose a state from the list.", field="state")
    category = db.session.get(Category, category_id) if category_id else None
    if category_id and category is None:
        raise DomainError("Choose a category from the list.", field="category")
    if not q and category is None and state is None:
        raise DomainError("Type some words to look for, or choose a category or a state: an empty search "
                          "would e-mail you every solicitation.", field="q")
    mine = list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == actor.id)))
    if len(mine) >= MAX_PER_USER:
        raise DomainError(f"You have {MAX_PER_USER} saved searches, the most one person may keep. "
                          "Delete one you no longer need first.", field="q")
    if any(s.q.lower() == q.lower() and s.category_id == category_id and s.state == state for s in mine):
        raise DomainError("You have saved this search already.", field="q")
    search = SavedSearch(user_id=actor.id, q=q, category_id=category.id if category else None, state=state)
    db.session.add(search)
    db.session.flush()
    record("saved_search.added", actor=actor, obj=search,
           data={"q": q, "category": category.code if category else None, "state": state})
    return search


def delete_search(actor: User, search: SavedSearch) -> None:
    if not search.can_manage(actor):
        raise NotPermitted("You can delete only your own saved searches.")
    record("saved_search.removed", actor=actor, obj=search,
           data={"q": search.q, "category": search.category.code if search.category else None,
                 "state": search.state})
    db.session.delete(search)


def searches_of(user: User) -> list[SavedSearch]:
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                   .options(joinedload(SavedSearch.category))
                                   .order_by(SavedSearch.created_at, SavedSearch.id)))


# ----------------------------------------------------------------------------- e-mail on publication
def notify_saved_searches(solicitation: Solicitation) -> int:
    """Mail the owners of the saved searches this published solicitation matches and has not been
    mailed to yet; returns how many e-mails were queued."""
    from app.solicitations.notifications import followers  # notifications is the older sibling

    category_ids = {c.id for c in solicitation.categories}
    already = exists().where(SavedSearchHit.saved_search_id == SavedSearch.id,
                             SavedSearchHit.solicitation_id == solicitation.id)
    candidates = db.session.scalars(
        select(SavedSearch).join(User, SavedSearch.user_id == User.id).join(Organization)
        .where(User.active.is_(True), Organization.kind == OrganizationKind.VENDOR, ~already,
               or_(SavedSearch.category_id.is_(None), SavedSearch.category_id.in_(category_ids)),
               or_(SavedSearch.state.is_(None), SavedSearch.state == solicitation.agency.state))
        .options(joinedload(SavedSearch.user), joinedload(SavedSearch.category))
        .order_by(SavedSearch.user_id, SavedSearch.id)
    ).all()
    matched: dict[int, list[SavedSearch]] = defaultdict(list)
    for search in candidates:
        if search_matches(search, solicitation):
            matched[search.user_id].append(search)
    if not matched:
        return 0
    now = clock.now()
    mailed_already = {user.id for user in followers(solicitation, include_categories=True)}
    sent = 0
    for user_id, searches in matched.items():
        db.session.add_all(SavedSearchHit(saved_search_id=s.id, solicitation_id=solicitation.id, notified_at=now)
                           for s in searches)
        if user_id in mailed_already:
            continue
        user = searches[0].user
        send_email(user.email, f"New solicitation for your saved search: {solicitation.number} {solicitation.title}",
                   "saved_search_match", user=user, solicitation=solicitation, searches=searches,
                   path=url_for("solicitations.detail", number=solicitation.number),
                   manage_path=url_for("saved_searches.index"))
        sent += 1
    db.session.flush()
    return sent


@solicitation_transitioned.connect
def _on_transition(solicitation: Solicitation, *, source, target, actor) -> None:  # noqa: ANN001, ARG001
    if target == SolicitationStatus.PUBLISHED:
        notify_saved_searches(solicitation)

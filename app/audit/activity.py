"""The audit trail in words. Each AuditEvent becomes one sentence ("You recorded purchase order
FRSD-PO-27-0001 on contract ACPS-…"), written for the person reading it ("You" for their own
events), with links to the objects that person may open. app.audit.wording.WORDING has the
sentence of every action the code records (tests/workspaces/test_activity.py fails when one is
missing): no page shows an audit code to a person.

Sealed bids stay sealed: packages register redactions (events, viewer) -> ids of events shown
without who or what (app.bids.sealing: bid events before the opening, except the bidder's own)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.wording import WORDING
from app.core.roles import AGENCY_STAFF, Role
from app.core.templating import format_datetime, format_money
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus

Redaction = Callable[[list[AuditEvent], Any], set[int]]
_REDACTIONS: list[Redaction] = []


def register_redaction(check: Redaction) -> None:
    _REDACTIONS.append(check)


def redacted_ids(events: list[AuditEvent], viewer: Any) -> set[int]:
    return set().union(*(check(events, viewer) for check in _REDACTIONS))


@dataclass(frozen=True)
class Activity:
    event: AuditEvent
    sentence: Markup  # escaped HTML with links
    redacted: bool = False

    @property
    def text(self) -> str:
        return self.sentence.striptags()


def link(text: Any, url: str | None) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, text) if url else escape(text)


SOLICITATION_PAGES = {
    "manage": "solicitations.manage", "bids": "bids.staff_bids", "evaluation": "evaluation.overview",
    "award": "awards.staff_award",
}
AWARD_STATUSES = {SolicitationStatus.UNDER_EVALUATION, SolicitationStatus.INTENT_TO_AWARD, SolicitationStatus.AWARDED}
EVALUATION_STATUSES = AWARD_STATUSES | {SolicitationStatus.OPENED}

class Sentence:
    """What one wording needs: the event's data, the subject, and links the viewer may follow."""

    def __init__(self, event: AuditEvent, viewer: Any, solicitations: dict[str, Solicitation],
                 users: dict[int, str]):
        self.event, self.viewer, self.data = event, viewer, event.data if isinstance(event.data, dict) else {}
        self._solicitations, self._users = solicitations, users
        mine = viewer is not None and viewer.is_authenticated and event.actor_id == viewer.id
        self.who = "You" if mine else event.actor.name if event.actor is not None else "CoopBid"
        self.their = "your" if mine else "their"

    def say(self, template: str, **parts: Any) -> Markup:
        return Markup(template).format(who=self.who, their=self.their, **parts)

    def get(self, key: str, default: Any = "") -> Any:
        value = self.data.get(key)
        return default if value is None else value

    # Objects, linked when the viewer may open them.
    def solicitation_number(self) -> str:
        if self.event.object_type == "solicitations" and "solicitation" not in self.data:
            return str(self.get("number"))
        return str(self.get("solicitation"))

    def sol(self, page: str = "manage", anchor: str | None = None) -> Markup:
        number = self.solicitation_number()
        s = self._solicitations.get(number)
        if s is None or self.viewer is None or not self.viewer.is_authenticated:
            return escape(number or "a solicitation")
        if s.is_staff(self.viewer):
            if (page == "award" and s.status not in AWARD_STATUSES) or (
                    page in ("evaluation", "bids") and s.status not in EVALUATION_STATUSES):
                page = "manage"
            return link(number, url_for(SOLICITATION_PAGES[page], solicitation_id=s.id, _anchor=anchor))
        if page == "award" and s.status in (SolicitationStatus.INTENT_TO_AWARD, SolicitationStatus.AWARDED):
            return link(number, url_for("awards.notice", number=number))
        return link(number, url_for("solicitations.detail", number=number, _anchor=anchor)
                    if s.can_view(self.viewer) else None)

    def contract(self, key: str = "contract") -> Markup:
        number = str(self.get(key))
        return link(number, url_for("contracts.detail", number=number)) if number else escape("a contract")

    def contract_number_key(self) -> str:
        return "contract" if "contract" in self.data else "number"

    def own_org(self) -> bool:
        return bool(self.viewer is not None and self.viewer.is_authenticated
                    and self.viewer.organization_id == self.event.organization_id)

    def receipt(self) -> Markup:
        number = str(self.get("receipt"))
        return link(number, url_for("bids.receipt", receipt_number=number) if self.own_org() and number else None)

    def purchase_order(self) -> Markup:
        po, contract = str(self.get("po_number")), str(self.get("contract"))
        may = self.own_org() and self.viewer.has_any_role(*AGENCY_STAFF, Role.BUYER)
        return link(po, url_for("purchases.index", number=contract) if may and contract else None)

    def object_user(self) -> Markup:
        name = self._users.get(int(self.event.object_id)) if (self.event.object_type == "users"
                                                              and str(self.event.object_id).isdigit()) else None
        return escape(name or "an account")

    def org(self) -> Markup:
        org = self.event.organization
        if org is None:
            return escape("an organization")
        if self.viewer is not None and self.viewer.is_authenticated and self.viewer.has_role(Role.ADMIN):
            return link(org.name, url_for("accounts.organization_detail", org_id=org.id))
        if self.own_org() and org.can_manage(self.viewer):
            return link(org.name, url_for("accounts.organization_settings"))
        return escape(org.name)

    def team(self, text: Any) -> Markup:
        org = self.event.organization
        may = org is not None and self.own_org() and org.can_manage(self.viewer)
        return link(text, url_for("accounts.team") if may else None)

    def when(self, key: str, with_time: bool = True) -> str:
        raw = self.get(key)
        try:
            value = datetime.fromisoformat(str(raw)) if with_time else date.fromisoformat(str(raw))
        except ValueError:
            return str(raw)
        if isinstance(value, datetime):
            return format_datetime(value)
        return f"{value:%b} {value.day}, {value.year}"

    def money(self, key: str) -> str:
        try:
            return format_money(Decimal(str(self.get(key))))
        except InvalidOperation:
            return str(self.get(key))


def _unknown(c: Sentence) -> Markup:
    return c.say("{who} recorded an event that this version of CoopBid does not describe.")


def _sealed(event: AuditEvent) -> Markup:
    number = (event.data or {}).get("solicitation") if isinstance(event.data, dict) else None
    return Markup("Sealed until the bids for {} are opened.").format(number or "this solicitation")


# ----------------------------------------------------------------------------- describing events
def describe(events: list[AuditEvent], viewer: Any, redacted: set[int] | None = None) -> list[Activity]:
    """The events in words for `viewer`, in the order given, in a fixed number of queries."""
    redacted = redacted_ids(events, viewer) if redacted is None else redacted
    numbers, user_ids = set(), set()
    for e in events:
        data = e.data if isinstance(e.data, dict) else {}
        numbers.update(str(n) for n in (data.get("solicitation"),
                                        data.get("number") if e.object_type == "solicitations" else None) if n)
        if e.object_type == "users" and str(e.object_id).isdigit():
            user_ids.add(int(e.object_id))
    # Both queries run even when empty, so that a page's number of queries never depends on its events.
    solicitations = {s.number: s for s in db.session.scalars(
        select(Solicitation).where(Solicitation.number.in_(numbers)))}
    users = {row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))}
    out = []
    for event in events:
        if event.id in redacted:
            out.append(Activity(event, _sealed(event), redacted=True))
            continue
        out.append(Activity(event, WORDING.get(event.action, _unknown)(Sentence(event, viewer, solicitations, users))))
    return out


def recent_for(user: Any, limit: int = 10) -> list[Activity]:
    """The user's own recent events, newest first by when they happened (records made with a moved
    clock, as the demo's past awards are, still read in the order of their dates)."""
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id)
                                     .options(joinedload(AuditEvent.actor).lazyload(User.role_rows))  # names only
                                     .order_by(AuditEvent.occurred_at.desc(), AuditEvent.seq.desc()).limit(limit)))
    return describe(events, user)

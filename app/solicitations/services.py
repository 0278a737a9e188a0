"""Solicitation verbs. Callers (a request or a job) commit; status changes go through
lifecycle.transition()."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update

from app.accounts.models import Organization, User
from app.audit.services import record
from app.core import clock, signals
from app.core.errors import DomainError, NotPermitted
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.solicitations.communications import Addendum, AddendumAcknowledgement, Follow, Question
from app.solicitations.lifecycle import TransitionError, transition
from app.solicitations.models import (
    Category,
    DemandEstimate,
    DemandInvitation,
    EvaluationCriterion,
    PriceFormula,
    PriceSheetItem,
    PublicNotice,
    Solicitation,
    SolicitationCounter,
    SolicitationStatus,
    SolicitationType,
)

DRAFT_FIELDS = (
    "title", "summary", "scope_md", "terms_md", "estimated_value", "initial_term_years",
    "renewal_options", "renewal_term_years", "required_documents", "bid_bond_percent",
    "procurement_category", "cooperative", "cooperative_clause", "eligible_agency_types", "eligible_states",
    "admin_fee_percent", "publish_at", "questions_due_at", "prebid_conference_at",
    "prebid_conference_location", "due_at", "opening_location",
)


# ----------------------------------------------------------------------------- drafting
def next_number(agency: Organization, type_: SolicitationType) -> str:
    """Agency prefix + type + year + sequence, e.g. ACPS-RFP-2027-004. The counter row is
    incremented with an UPDATE first, which serialises concurrent drafts of one agency."""
    year = clock.now().astimezone(ZoneInfo(agency.timezone)).year
    key = {"agency_id": agency.id, "year": year}
    bumped = db.session.execute(
        update(SolicitationCounter).filter_by(**key)
        .values(last_value=SolicitationCounter.last_value + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not bumped:
        db.session.add(SolicitationCounter(**key, last_value=1))
        db.session.flush()
    value = db.session.scalar(select(SolicitationCounter.last_value).filter_by(**key))
    # Numbers are unique platform-wide; an agency without a short code is told apart by its id.
    prefix = agency.short_code or f"AG{agency.id}"
    number = f"{prefix}-{type_.code}-{year}-{value:03d}"
    # The settings page refuses a short code that repeats another agency's numbers; a code changed
    # by other means still gets a refusal here, not a failed insert.
    if db.session.scalar(select(Solicitation.id).where(Solicitation.number == number)):
        raise DomainError(f"The solicitation number {number} is already used by another agency. Ask a platform "
                          "administrator to give your agency another short code.")
    return number


def create_solicitation(actor: User, *, type_: SolicitationType, title: str) -> Solicitation:
    agency = actor.organization
    if not (agency.is_agency and actor.has_any_role(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)):
        raise NotPermitted("Only an agency's procurement officers can draft solicitations.")
    solicitation = Solicitation(
        agency=agency, number=next_number(agency, type_), type=type_, title=title.strip(),
        created_by=actor, status=SolicitationStatus.DRAFT,
        criteria=_default_criteria(type_),
    )
    db.session.add(solicitation)
    db.session.flush()
    record("solicitation.created", actor=actor, obj=solicitation,
           data={"number": solicitation.number, "type": type_.value, "title": solicitation.title})
    return solicitation


def _default_criteria(type_: SolicitationType) -> list[EvaluationCriterion]:
    price = dict(is_price=True, price_formula=PriceFormula.LOWEST_OVER_THIS, name="Price")
    if type_ != SolicitationType.RFP:
        return [EvaluationCriterion(position=1, points=Decimal(100), **price)]
    return [
        EvaluationCriterion(position=1, name="Technical approach and product quality", points=Decimal(40)),
        EvaluationCriterion(position=2, name="Experience and references", points=Decimal(20)),
        EvaluationCriterion(position=3, points=Decimal(40), **price),
    ]


def save_draft(
    actor: User,
    solicitation: Solicitation,
    *,
    fields: dict[str, Any],
    category_ids: Iterable[int],
    criteria: list[dict[str, Any]],
    items: list[dict[str, Any]],
    notices: list[dict[str, Any]],
) -> None:
    """Replace a draft's content in one go (the form validated it; nothing is saved half-way)."""
    if not solicitation.can_edit(actor):
        raise NotPermitted("Only a draft can be edited, by its agency's procurement officers. "
                           "A published solicitation changes through an addendum.")
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(solicitation, name, value)
    ids = list(category_ids)
    solicitation.categories = list(db.session.scalars(select(Category).where(Category.id.in_(ids)))) if ids else []
    _replace_positioned(solicitation.criteria, criteria, EvaluationCriterion)
    _replace_positioned(solicitation.items, items, PriceSheetItem)
    solicitation.notices = [PublicNotice(**n) for n in notices]
    db.session.flush()
    record("solicitation.draft_saved", actor=actor, obj=solicitation,
           data={"number": solicitation.number, "criteria": len(criteria), "items": len(items),
                 "notices": len(notices)})


def _replace_positioned(rows: list, new: list[dict[str, Any]], model: type) -> None:
    """Update rows in place by position (keeping ids and what hangs off them, such as demand
    estimates), append new ones, drop the rest."""
    del rows[len(new):]
    db.session.flush()
    for position, values in enumerate(new, start=1):
        if position <= len(rows):
            for key, value in values.items():
                setattr(rows[position - 1], key, value)
        else:
            rows.append(model(position=position, **values))


# ----------------------------------------------------------------------------- lifecycle verbs
def change_status(actor: User | None, solicitation: Solicitation, target: SolicitationStatus,
                  **ctx: Any) -> None:
    transition(solicitation, target, actor, **ctx)


def publish_due_solicitations() -> dict[str, int]:
    """Scheduler: publish approved solicitations whose publish_at has come."""
    return _apply_due(SolicitationStatus.APPROVED, SolicitationStatus.PUBLISHED, Solicitation.publish_at)


def close_due_solicitations() -> dict[str, int]:
    """Scheduler: close published solicitations whose due_at has passed."""
    return _apply_due(SolicitationStatus.PUBLISHED, SolicitationStatus.CLOSED, Solicitation.due_at)


def _apply_due(source: SolicitationStatus, target: SolicitationStatus, column: Any) -> dict[str, Any]:
    due = db.session.scalars(
        select(Solicitation).where(Solicitation.status == source, column.is_not(None),
                                   column <= clock.now()).order_by(column)
    ).all()
    return apply_due_transitions(due, target)


def apply_due_transitions(due: list[Solicitation], target: SolicitationStatus) -> dict[str, Any]:
    """Scheduler: move each due solicitation through the lifecycle as the system, committing one
    at a time; those a check blocks are counted and named, not failed."""
    done = 0
    blocked: list[str] = []
    for solicitation in due:
        number = solicitation.number
        try:
            transition(solicitation, target, None)
        except TransitionError as exc:
            # e.g. an approved RFP whose due date passed before its publish time came
            db.session.rollback()
            blocked.append(number)
            current_app.logger.warning("%s not moved to %s: %s %s", number,
                                       target.value, exc.message, exc.problems)
            continue
        db.session.commit()
        done += 1
    result: dict[str, Any] = {target.value: done, "blocked": len(blocked)}
    if blocked:
        result["blocked_numbers"] = blocked  # operators see which ones need a person
    return result


# ----------------------------------------------------------------------------- questions
def ask_question(actor: User, solicitation: Solicitation, body: str) -> Question:
    if not (actor.is_authenticated and actor.organization.is_vendor):
        raise NotPermitted("Only registered vendors can ask questions.")
    if not solicitation.accepting_questions:
        raise DomainError("The deadline for questions has passed; questions are no longer accepted.",
                          field="body")
    question = Question(solicitation=solicitation, vendor_id=actor.organization_id, asked_by=actor,
                        body=body.strip(), asked_at=clock.now())
    db.session.add(question)
    _follow(actor, solicitation=solicitation)
    db.session.flush()
    record("question.asked", actor=actor, obj=question, data={"solicitation": solicitation.number})
    return question


def answer_question(actor: User, question: Question, answer: str) -> None:
    solicitation = question.solicitation
    if not solicitation.can_manage(actor):
        raise NotPermitted("Only the agency's procurement staff can answer questions.")
    if solicitation.status != SolicitationStatus.PUBLISHED:
        raise DomainError("Questions can be answered only while the solicitation is open.")
    first_answer = question.answered_at is None
    question.answer = answer.strip()
    question.answered_at = clock.now()
    question.answered_by_id = actor.id
    record("question.answered", actor=actor, obj=question, organization_id=solicitation.agency_id,
           data={"solicitation": solicitation.number, "revised": not first_answer})
    signals.question_answered.send(question)


# ----------------------------------------------------------------------------- addenda
def issue_addendum(actor: User, solicitation: Solicitation, *, title: str, body_md: str,
                   new_due_at: datetime | None = None,
                   new_questions_due_at: datetime | None = None) -> Addendum:
    if not solicitation.can_manage(actor):
        raise NotPermitted("Only the agency's procurement staff can issue addenda.")
    if not solicitation.accepting_bids:
        raise DomainError("Addenda can be issued only while the solicitation is open for bids.")
    now = clock.now()
    due = new_due_at or solicitation.due_at
    questions_due = new_questions_due_at or solicitation.questions_due_at
    if new_due_at is not None and new_due_at <= now:
        raise DomainError("The new due date must be in the future.", field="new_due_at")
    if questions_due is not None and questions_due >= due:
        raise DomainError("The questions deadline must come before the due date.",
                          field="new_questions_due_at" if new_questions_due_at else "new_due_at")
    number = (db.session.scalar(select(func.max(Addendum.number))
                                .where(Addendum.solicitation_id == solicitation.id)) or 0) + 1
    addendum = Addendum(solicitation=solicitation, number=number, title=title.strip(),
                        body_md=body_md.strip(), issued_by_id=actor.id, published_at=now,
                        previous_due_at=solicitation.due_at if new_due_at else None,
                        new_due_at=new_due_at, new_questions_due_at=new_questions_due_at)
    db.session.add(addendum)
    if new_due_at:
        solicitation.due_at = new_due_at
    if new_questions_due_at:
        solicitation.questions_due_at = new_questions_due_at
    db.session.flush()
    record("addendum.issued", actor=actor, obj=addendum, organization_id=solicitation.agency_id,
           data={"solicitation": solicitation.number, "number": number, "title": addendum.title,
                 "new_due_at": new_due_at.isoformat() if new_due_at else None})
    signals.addendum_issued.send(addendum)
    return addendum


def acknowledge_addendum(actor: User, addendum: Addendum) -> AddendumAcknowledgement:
    if not (actor.is_authenticated and actor.organization.is_vendor):
        raise NotPermitted("Only vendors acknowledge addenda.")
    existing = db.session.scalar(select(AddendumAcknowledgement).filter_by(
        addendum_id=addendum.id, vendor_id=actor.organization_id))
    if existing:
        return existing
    ack = AddendumAcknowledgement(addendum=addendum, vendor_id=actor.organization_id, user_id=actor.id,
                                  acknowledged_at=clock.now())
    db.session.add(ack)
    _follow(actor, solicitation=addendum.solicitation)
    db.session.flush()
    record("addendum.acknowledged", actor=actor, obj=addendum,
           data={"solicitation_id": addendum.solicitation_id, "solicitation": addendum.solicitation.number,
                 "number": addendum.number})
    return ack


def unacknowledged_addenda(vendor_id: int, solicitation: Solicitation) -> list[Addendum]:
    """Addenda this vendor must still acknowledge before it can submit a bid."""
    acknowledged = set(db.session.scalars(
        select(AddendumAcknowledgement.addendum_id)
        .join(Addendum).where(Addendum.solicitation_id == solicitation.id,
                              AddendumAcknowledgement.vendor_id == vendor_id)))
    return [a for a in solicitation.published_addenda if a.id not in acknowledged]


# ----------------------------------------------------------------------------- follows
def _follow(user: User, *, solicitation: Solicitation | None = None,
            category: Category | None = None) -> bool:
    target = {"solicitation_id": solicitation.id} if solicitation else {"category_id": category.id}
    if db.session.scalar(select(Follow.id).filter_by(user_id=user.id, **target)):
        return False
    db.session.add(Follow(user_id=user.id, **target))
    return True


def follow(actor: User, *, solicitation: Solicitation | None = None,
           category: Category | None = None) -> None:
    if not actor.organization.is_vendor:
        raise NotPermitted("Following is for vendors.")
    if _follow(actor, solicitation=solicitation, category=category):
        record("follow.added", actor=actor,
               data={"solicitation": solicitation.number if solicitation else None,
                     "category": category.code if category else None})


def unfollow(actor: User, *, solicitation: Solicitation | None = None,
             category: Category | None = None) -> None:
    target = {"solicitation_id": solicitation.id} if solicitation else {"category_id": category.id}
    row = db.session.scalar(select(Follow).filter_by(user_id=actor.id, **target))
    if row:
        db.session.delete(row)
        record("follow.removed", actor=actor,
               data={"solicitation": solicitation.number if solicitation else None,
                     "category": category.code if category else None})


# ----------------------------------------------------------------------------- demand aggregation
DEMAND_OPEN = (SolicitationStatus.DRAFT, SolicitationStatus.PENDING_APPROVAL, SolicitationStatus.APPROVED)


def invite_demand(actor: User, solicitation: Solicitation, agencies: list[Organization]) -> int:
    """Ask participating agencies for their intended quantities (before publication)."""
    if not solicitation.can_manage(actor):
        raise NotPermitted("Only the lead agency's procurement staff can invite participants.")
    if solicitation.status not in DEMAND_OPEN:
        raise DomainError("Demand is gathered before publication; this solicitation is already public.")
    from app.solicitations.notifications import notify_demand_invitation

    invited = set(db.session.scalars(select(DemandInvitation.agency_id)
                                     .where(DemandInvitation.solicitation_id == solicitation.id)))
    count = 0
    for agency in agencies:
        if agency.id in invited or agency.id == solicitation.agency_id or agency.kind != OrganizationKind.AGENCY:
            continue
        invitation = DemandInvitation(solicitation=solicitation, agency=agency, invited_by_id=actor.id)
        db.session.add(invitation)
        db.session.flush()
        notify_demand_invitation(invitation)
        record("demand.invited", actor=actor, obj=invitation, organization_id=solicitation.agency_id,
               data={"solicitation": solicitation.number, "agency": agency.name})
        count += 1
    return count


def can_respond_to_demand(user: User, invitation: DemandInvitation) -> bool:
    return (user.is_authenticated and user.organization_id == invitation.agency_id
            and user.has_any_role(Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER, Role.BUYER))


def record_demand(actor: User, invitation: DemandInvitation, quantities: dict[int, Decimal]) -> None:
    if not can_respond_to_demand(actor, invitation):
        raise NotPermitted("Only the invited agency's staff can state its quantities.")
    if invitation.solicitation.status not in DEMAND_OPEN:
        raise DomainError("The solicitation has been published; estimates can no longer change.")
    item_ids = {item.id for item in invitation.solicitation.items}
    existing = {e.item_id: e for e in db.session.scalars(
        select(DemandEstimate).where(DemandEstimate.agency_id == invitation.agency_id,
                                     DemandEstimate.item_id.in_(item_ids)))}
    now = clock.now()
    for item_id, quantity in quantities.items():
        if item_id not in item_ids:
            raise DomainError("That item is not on this price sheet.")
        if quantity < 0:
            raise DomainError("Quantities cannot be negative.")
        row = existing.get(item_id)
        if row:
            row.quantity, row.updated_at = quantity, now
        else:
            db.session.add(DemandEstimate(item_id=item_id, agency_id=invitation.agency_id,
                                          quantity=quantity, updated_at=now))
    invitation.responded_at = now
    record("demand.recorded", actor=actor, obj=invitation,
           data={"solicitation": invitation.solicitation.number,
                 "quantities": {str(k): str(v) for k, v in quantities.items()}})


def demand_totals(solicitation: Solicitation) -> dict[int, Decimal]:
    """Participating agencies' stated quantities per price-sheet item, in one query."""
    rows = db.session.execute(
        select(DemandEstimate.item_id, func.sum(DemandEstimate.quantity))
        .join(PriceSheetItem).where(PriceSheetItem.solicitation_id == solicitation.id)
        .group_by(DemandEstimate.item_id)
    )
    return {item_id: Decimal(total or 0) for item_id, total in rows}


def estimated_volume(solicitation: Solicitation) -> list[tuple[PriceSheetItem, Decimal, Decimal]]:
    """(item, lead agency's quantity, participants' quantity) per item: the RFP's estimated volume."""
    totals = demand_totals(solicitation)
    return [(item, item.estimated_quantity, totals.get(item.id, Decimal(0))) for item in solicitation.items]


# ----------------------------------------------------------------------------- notices
def add_notice(actor: User, solicitation: Solicitation, **notice: Any) -> PublicNotice:
    """A further public notice (a second newspaper run, a portal posting) after approval."""
    if not solicitation.can_manage(actor):
        raise NotPermitted("Only the agency's procurement staff can record notices.")
    if solicitation.status not in (SolicitationStatus.APPROVED, SolicitationStatus.PUBLISHED):
        raise DomainError("Notices of a draft are edited with the draft.")
    row = PublicNotice(solicitation=solicitation, **notice)
    db.session.add(row)
    db.session.flush()
    record("notice.recorded", actor=actor, obj=row, organization_id=solicitation.agency_id,
           data={"solicitation": solicitation.number, "medium": row.medium.value, "outlet": row.outlet,
                 "published_on": row.published_on.isoformat()})
    return row


# ----------------------------------------------------------------------------- categories
BUILTIN_CATEGORIES = Path(__file__).with_name("categories.csv")


def import_categories(text: str) -> tuple[int, int, list[str]]:
    """Create or rename categories from CSV text with a header `code,name`. Returns
    (created, updated, problems); rows with problems are skipped and named by line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or {"code", "name"} - {f.strip().lower() for f in reader.fieldnames}:
        return 0, 0, ["The first line must be the header: code,name"]
    existing = {c.code: c for c in db.session.scalars(select(Category))}
    created = updated = 0
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            problems.append(f"Line {line}: too many columns; put names that contain commas in quotes.")
            continue
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        code, name = row.get("code", ""), row.get("name", "")
        if not code or not name or len(code) > 16 or len(name) > 120:
            problems.append(f"Line {line}: needs a code (up to 16 characters) and a name (up to 120).")
            continue
        category = existing.get(code)
        if category is None:
            existing[code] = Category(code=code, name=name)
            db.session.add(existing[code])
            created += 1
        elif category.name != name:
            category.name = name
            updated += 1
    if created or updated:
        record("categories.imported", data={"created": created, "updated": updated})
    return created, updated, problems


def ensure_builtin_categories() -> int:
    created, _, _ = import_categories(BUILTIN_CATEGORIES.read_text(encoding="utf-8"))
    return created

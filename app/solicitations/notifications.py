"""E-mail to vendors and agencies when a solicitation is published, an addendum issued, a question
answered, or demand requested. Everything goes through the outbox."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import or_, select

from app.accounts.models import Organization, User, UserRole
from app.core.roles import Role
from app.core.signals import addendum_issued, question_answered, solicitation_transitioned
from app.extensions import db
from app.notifications.services import send_email
from app.solicitations.communications import Addendum, Follow, Question
from app.solicitations.models import DemandInvitation, Solicitation, SolicitationStatus, solicitation_categories


def followers(solicitation: Solicitation, *, include_categories: bool) -> list[User]:
    """Active vendor users following this solicitation (or, optionally, one of its categories)."""
    conditions = [Follow.solicitation_id == solicitation.id]
    if include_categories:
        conditions.append(Follow.category_id.in_(
            select(solicitation_categories.c.category_id)
            .where(solicitation_categories.c.solicitation_id == solicitation.id)))
    return list(db.session.scalars(
        select(User).join(Follow, Follow.user_id == User.id).join(Organization)
        .where(or_(*conditions), User.active.is_(True), Organization.kind == "vendor")
        .distinct().order_by(User.id)
    ))


def _page_url(solicitation: Solicitation) -> str:
    return url_for("solicitations.detail", number=solicitation.number)


@solicitation_transitioned.connect
def _on_transition(solicitation: Solicitation, *, source, target, actor) -> None:  # noqa: ANN001
    if target == SolicitationStatus.PUBLISHED:
        for user in followers(solicitation, include_categories=True):
            send_email(user.email, f"New solicitation: {solicitation.number} {solicitation.title}",
                       "solicitation_published", user=user, solicitation=solicitation,
                       path=_page_url(solicitation))
    elif target == SolicitationStatus.CANCELLED and source == SolicitationStatus.PUBLISHED:
        for user in followers(solicitation, include_categories=False):
            send_email(user.email, f"Cancelled: {solicitation.number} {solicitation.title}",
                       "solicitation_cancelled", user=user, solicitation=solicitation,
                       path=_page_url(solicitation))


@addendum_issued.connect
def _on_addendum(addendum: Addendum) -> None:
    solicitation = addendum.solicitation
    for user in followers(solicitation, include_categories=True):
        send_email(user.email, f"Addendum {addendum.number} to {solicitation.number}: {addendum.title}",
                   "addendum_issued", user=user, solicitation=solicitation, addendum=addendum,
                   path=_page_url(solicitation))


@question_answered.connect
def _on_answer(question: Question) -> None:
    solicitation = question.solicitation
    for user in followers(solicitation, include_categories=False):
        send_email(user.email, f"Question answered on {solicitation.number}", "question_answered",
                   user=user, solicitation=solicitation, question=question,
                   path=_page_url(solicitation))


def notify_demand_invitation(invitation: DemandInvitation) -> None:
    solicitation = invitation.solicitation
    recipients = db.session.scalars(
        select(User).join(UserRole).where(
            User.organization_id == invitation.agency_id, User.active.is_(True),
            UserRole.role.in_([Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER, Role.BUYER]))
        .distinct()
    )
    for user in recipients:
        send_email(user.email, f"{solicitation.agency.name} asks for your quantities: {solicitation.title}",
                   "demand_invitation", user=user, solicitation=solicitation, invitation=invitation,
                   path=url_for("solicitations.demand", invitation_id=invitation.id))

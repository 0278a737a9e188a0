"""Workspace sections for agency users: the procurement officer's and agency administrator's work
queue (app.workspaces.agency_queue), what waits for an approver, and the evaluations an evaluator
sits on (no bid data: no bidder, no price, no count)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.awards.models import AwardRecommendation, RecommendationStatus
from app.bids.models import Bid
from app.core.roles import Role
from app.evaluation.models import CommitteeMember, Evaluation
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus
from app.workspaces.agency_queue import load_queue
from app.workspaces.section import Section

LIMIT = 50


def _agency_user(user: User, *roles: Role) -> bool:
    return bool(user.organization.is_agency and user.has_any_role(*roles))


# ----------------------------------------------------------------------------- approver
@dataclass(frozen=True)
class Approval:
    what: str  # "Solicitation" / "Award recommendation"
    number: str
    title: str
    detail: str  # for a recommendation: the vendors recommended
    author: str
    asked_at: datetime
    url: str
    action: str  # the link's words


def load_approvals(user: User) -> dict[str, Any]:
    """Solicitations and award recommendations waiting for approval, except the user's own."""
    org_id = user.organization_id
    solicitations = db.session.scalars(
        select(Solicitation).where(Solicitation.agency_id == org_id,
                                   Solicitation.status == SolicitationStatus.PENDING_APPROVAL,
                                   Solicitation.created_by_id != user.id)
        .options(joinedload(Solicitation.created_by)).order_by(Solicitation.submitted_at, Solicitation.id).limit(LIMIT))
    recommendations = db.session.scalars(
        select(AwardRecommendation).join(Solicitation, AwardRecommendation.solicitation_id == Solicitation.id)
        .where(Solicitation.agency_id == org_id, Solicitation.status == SolicitationStatus.UNDER_EVALUATION,
               AwardRecommendation.status == RecommendationStatus.PENDING_APPROVAL,
               AwardRecommendation.recommended_by_id != user.id)
        .options(joinedload(AwardRecommendation.solicitation), joinedload(AwardRecommendation.recommended_by),
                 selectinload(AwardRecommendation.bids).joinedload(Bid.vendor))
        .order_by(AwardRecommendation.created_at, AwardRecommendation.id).limit(LIMIT))
    rows = [Approval("Solicitation", s.number, s.title, s.type.code, s.created_by.name,
                     s.submitted_at or s.updated_at, url_for("solicitations.manage", solicitation_id=s.id),
                     "Review and approve")
            for s in solicitations]
    rows += [Approval("Award recommendation", r.solicitation.number, r.solicitation.title,
                      "to " + ", ".join(sorted(b.vendor.name for b in r.bids)), r.recommended_by.name, r.created_at,
                      url_for("awards.staff_award", solicitation_id=r.solicitation_id), "Review the recommendation")
             for r in recommendations]
    rows.sort(key=lambda a: a.asked_at)
    return {"approvals": rows}


# ----------------------------------------------------------------------------- evaluator
@dataclass(frozen=True)
class Seat:
    s: Solicitation
    member: CommitteeMember
    evaluation: Evaluation | None

    @property
    def statement(self) -> str:
        if self.member.has_conflict:
            return "Conflict declared: you are excluded"
        if self.member.attested_at is None:
            return "Not signed"
        return "Signed"

    @property
    def scoring(self) -> str:
        if self.evaluation is None:
            return "Not started"
        return "Open" if self.evaluation.scoring_open else "Closed"

    @property
    def step(self) -> tuple[str, str] | None:
        """(words, url) of what this evaluator does next, if anything."""
        sid = self.s.id
        overview = url_for("evaluation.overview", solicitation_id=sid)
        if self.member.excluded_at is not None or self.s.status not in (SolicitationStatus.OPENED,
                                                                         SolicitationStatus.UNDER_EVALUATION):
            return None
        if self.member.attested_at is None:
            return "Sign the conflict-of-interest statement", overview
        if self.evaluation is None:
            return None  # waiting for the officer to start the evaluation
        if self.evaluation.scoring_open:
            if self.member.is_chair:
                return "Score, then close scoring when the committee is done", \
                    url_for("evaluation.score_sheet", solicitation_id=sid)
            return "Score the proposals", url_for("evaluation.score_sheet", solicitation_id=sid)
        return None


def load_seats(user: User) -> dict[str, Any]:
    rows = db.session.execute(
        select(CommitteeMember, Solicitation, Evaluation)
        .join(Solicitation, CommitteeMember.solicitation_id == Solicitation.id)
        .outerjoin(Evaluation, Evaluation.solicitation_id == Solicitation.id)
        .where(CommitteeMember.user_id == user.id, Solicitation.agency_id == user.organization_id,
               Solicitation.status != SolicitationStatus.CANCELLED)
        .order_by(Solicitation.status.in_([SolicitationStatus.OPENED, SolicitationStatus.UNDER_EVALUATION]).desc(),
                  Solicitation.opened_at.desc(), Solicitation.id.desc())
        .limit(LIMIT)).all()
    return {"seats": [Seat(s, member, evaluation) for member, s, evaluation in rows]}


SECTIONS: list[Section] = [
    Section("agency-work-queue", "Work queue", "agency_queue.html",
            lambda user: _agency_user(user, Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN),
            lambda user: {"queue": load_queue(user)}),
    Section("agency-approvals", "Waiting for your approval", "agency_approvals.html",
            lambda user: _agency_user(user, Role.APPROVER), load_approvals),
    Section("agency-evaluations", "Evaluations you sit on", "agency_evaluations.html",
            lambda user: _agency_user(user, Role.EVALUATOR), load_seats),
]

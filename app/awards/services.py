"""The verbs of the award: recommend, approve, issue the notice of intent to award (which starts
the protest period), file and decide protests, finalise the award (contracts). Callers commit."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record
from app.awards.models import AwardRecommendation, Protest, ProtestStatus, RecommendationStatus
from app.bids.models import Bid, BidStatus
from app.compliance.rules import protest_period_for
from app.core import clock, signals
from app.core.errors import DomainError, NotPermitted
from app.core.roles import Role
from app.evaluation.services import evaluation_for, results
from app.extensions import db
from app.notifications.services import send_email
from app.solicitations.lifecycle import transition
from app.solicitations.models import Solicitation, SolicitationStatus
from app.solicitations.services import apply_due_transitions


def _require_officer(actor: User, s: Solicitation) -> None:
    if not s.can_manage(actor):
        raise NotPermitted("Only the agency's procurement officers recommend and announce awards.")


def current_recommendation(s: Solicitation) -> AwardRecommendation | None:
    return db.session.scalar(select(AwardRecommendation).where(
        AwardRecommendation.solicitation_id == s.id,
        AwardRecommendation.status != RecommendationStatus.SUPERSEDED).order_by(AwardRecommendation.id.desc()))


def recommend_award(actor: User, s: Solicitation, bid_ids: list[int], justification: str) -> AwardRecommendation:
    """One or several vendors (cooperative contracts are often multi-award), among the ranked,
    responsive bids, after scoring has closed (RFP)."""
    _require_officer(actor, s)
    if s.status != SolicitationStatus.UNDER_EVALUATION:
        raise DomainError("An award is recommended during the evaluation.")
    evaluation = evaluation_for(s)
    if s.type.value == "rfp" and (evaluation is None or evaluation.scoring_open):
        raise DomainError("The committee chair must close scoring before an award is recommended.")
    justification = (justification or "").strip()
    if not justification:
        raise DomainError("Give the justification for the recommendation.", field="justification")
    ranked = {r.key for r in results(s).ranked}
    chosen = list(dict.fromkeys(bid_ids))
    if not chosen:
        raise DomainError("Choose at least one vendor to recommend.", field="bids")
    bids = [db.session.get(Bid, i) for i in chosen]
    for bid in bids:
        if bid is None or bid.solicitation_id != s.id or bid.id not in ranked:
            raise DomainError("An award can go only to a responsive bid that was evaluated.", field="bids")
    existing = current_recommendation(s)
    if existing is not None and existing.status == RecommendationStatus.PENDING_APPROVAL:
        existing.status = RecommendationStatus.SUPERSEDED
    recommendation = AwardRecommendation(solicitation_id=s.id, justification=justification,
                                         recommended_by_id=actor.id, bids=bids)
    db.session.add(recommendation)
    db.session.flush()
    record("award.recommended", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "vendors": sorted(b.vendor.name for b in bids),
                 "justification": justification})
    signals.evaluation_changed.send(s)  # the evaluation report names the recommendation
    return recommendation


def approve_recommendation(actor: User, recommendation: AwardRecommendation, *,
                           board_approved_on: date | None = None, board_reference: str = "") -> None:
    s = recommendation.solicitation
    if not (s.is_staff(actor) and actor.has_role(Role.APPROVER)):
        raise NotPermitted("Only the agency's approvers approve award recommendations.")
    if actor.id == recommendation.recommended_by_id:
        raise DomainError("The person who recommended the award cannot approve it.")
    if recommendation.status != RecommendationStatus.PENDING_APPROVAL:
        raise DomainError("This recommendation is not waiting for approval.")
    # "Today" where the board sits: late evening in Virginia is already tomorrow in UTC.
    if board_approved_on is not None and board_approved_on > s.local(clock.now()).date():
        raise DomainError("The board approval date cannot be in the future.", field="board_approved_on")
    recommendation.status = RecommendationStatus.APPROVED
    recommendation.approved_by_id, recommendation.approved_at = actor.id, clock.now()
    recommendation.board_approved_on = board_approved_on
    recommendation.board_reference = (board_reference or "").strip() or None
    record("award.approved", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "board_approved_on": board_approved_on.isoformat()
                 if board_approved_on else None, "board_reference": recommendation.board_reference})


def start_protest_period(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    """The notice of intent to award (lifecycle effect, app.awards.lifecycle_hooks): protest
    period and e-mails."""
    recommendation = current_recommendation(s)
    period = protest_period_for(s.agency)
    now = clock.now()
    recommendation.intent_issued_at = now
    recommendation.protest_days, recommendation.protest_days_source = period.days, period.source
    recommendation.protest_ends_at = now + timedelta(days=period.days)
    winners = sorted(b.vendor.name for b in recommendation.bids)
    record("award.intent_issued", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "vendors": winners, "protest_days": period.days,
                 "protest_days_source": period.source, "protest_ends_at": recommendation.protest_ends_at.isoformat()})
    bidders = db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id, Bid.opened_at.is_not(None),
                                                   Bid.status == BidStatus.SUBMITTED))
    for bid in bidders:
        for user in bid.vendor.members:
            if user.active and user.has_any_role(Role.VENDOR_ADMIN, Role.VENDOR_USER):
                send_email(user.email, f"Notice of intent to award: {s.number}", "intent_to_award", s=s,
                           recommendation=recommendation, winners=winners,
                           is_winner=bid in recommendation.bids)


def file_protest(actor: User, s: Solicitation, grounds: str) -> Protest:
    if not (actor.is_authenticated and actor.organization.is_vendor):
        raise NotPermitted("Only bidders may protest.")
    bid = db.session.scalar(select(Bid).where(Bid.solicitation_id == s.id, Bid.vendor_id == actor.organization_id,
                                              Bid.opened_at.is_not(None)))
    if bid is None:
        raise DomainError("Only a vendor whose bid was opened may protest this award.")
    recommendation = current_recommendation(s)
    if s.status != SolicitationStatus.INTENT_TO_AWARD or recommendation is None \
            or recommendation.protest_ends_at is None:
        raise DomainError("There is no notice of intent to award to protest.")
    if clock.now() >= recommendation.protest_ends_at:
        raise DomainError("The protest period ended "
                          f"{s.local(recommendation.protest_ends_at).strftime('%B %-d, %Y at %-I:%M %p %Z')}; "
                          "protests are no longer accepted.")
    grounds = (grounds or "").strip()
    if not grounds:
        raise DomainError("State the grounds of the protest.", field="grounds")
    protest = Protest(solicitation_id=s.id, recommendation_id=recommendation.id, vendor_id=actor.organization_id,
                      filed_by_id=actor.id, filed_at=clock.now(), grounds=grounds)
    db.session.add(protest)
    db.session.flush()
    record("protest.filed", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "vendor": actor.organization.name, "protest_id": protest.id})
    return protest


def decide_protest(actor: User, protest: Protest, *, upheld: bool, decision: str) -> None:
    s = db.session.get(Solicitation, protest.solicitation_id)
    _require_officer(actor, s)
    if protest.status != ProtestStatus.OPEN:
        raise DomainError("This protest has already been decided.")
    decision = (decision or "").strip()
    if not decision:
        raise DomainError("Write the decision; it is sent to the protester.", field="decision")
    protest.status = ProtestStatus.UPHELD if upheld else ProtestStatus.DENIED
    protest.decision, protest.decided_by_id, protest.decided_at = decision, actor.id, clock.now()
    record(f"protest.{protest.status.value}", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "vendor": protest.vendor.name, "protest_id": protest.id,
                 "decision": decision})
    for user in protest.vendor.members:
        if user.active:
            send_email(user.email, f"Your protest on {s.number} was {protest.status.label.lower()}", "protest_decided",
                       s=s, protest=protest)
    if upheld:  # the evaluation is reopened; the recommendation falls
        transition(s, SolicitationStatus.UNDER_EVALUATION, actor)


def reopen_evaluation(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    """intent_to_award -> under_evaluation (lifecycle effect, app.awards.lifecycle_hooks): the
    recommendation is superseded and scoring reopens for the committee."""
    recommendation = current_recommendation(s)
    if recommendation is not None:
        recommendation.status = RecommendationStatus.SUPERSEDED
    evaluation = evaluation_for(s)
    if evaluation is not None:
        evaluation.scoring_closed_at = None
        evaluation.scoring_closed_by_id = None


def open_protests(s: Solicitation) -> list[Protest]:
    return list(db.session.scalars(select(Protest).where(Protest.solicitation_id == s.id,
                                                         Protest.status == ProtestStatus.OPEN)))


def finalise_due_awards() -> dict[str, Any]:
    """Scheduler: intent_to_award -> awarded once the protest period has ended with no open
    protest (an open protest blocks it until decided). Idempotent: the status is compare-and-set."""
    due = db.session.scalars(
        select(Solicitation).join(AwardRecommendation, AwardRecommendation.solicitation_id == Solicitation.id)
        .where(Solicitation.status == SolicitationStatus.INTENT_TO_AWARD,
               AwardRecommendation.status == RecommendationStatus.APPROVED,
               AwardRecommendation.protest_ends_at <= clock.now())
        .order_by(AwardRecommendation.protest_ends_at)).unique().all()
    return apply_due_transitions(list(due), SolicitationStatus.AWARDED)

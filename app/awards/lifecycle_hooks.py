"""What the award adds to the solicitation lifecycle (registered by create_app): the notice of
intent needs an approved recommendation and starts the protest period; a protest upheld reopens
the evaluation; the award is final once the protest period is over with no open protest."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.awards.models import Protest, ProtestStatus, RecommendationStatus
from app.awards.services import current_recommendation, open_protests, reopen_evaluation, start_protest_period
from app.core import clock
from app.extensions import db
from app.solicitations import lifecycle
from app.solicitations.models import Solicitation
from app.solicitations.models import SolicitationStatus as S


def award_recommendation_approved(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    recommendation = current_recommendation(s)
    if recommendation is None:
        return ["Recommend the award (one or more vendors, with the justification)."]
    if recommendation.status != RecommendationStatus.APPROVED:
        return ["An approver must approve the award recommendation."]
    return []


def protest_period_over(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    recommendation = current_recommendation(s)
    problems = []
    if recommendation is None or recommendation.protest_ends_at is None:
        return ["No notice of intent to award has been issued."]
    if clock.now() < recommendation.protest_ends_at:
        problems.append("The protest period has not ended; the award is final only after it.")
    if open_protests(s):
        problems.append("A protest is open; decide it before the award.")
    return problems


def protest_upheld(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    recommendation = current_recommendation(s)
    upheld = recommendation is not None and db.session.scalar(select(Protest.id).where(
        Protest.recommendation_id == recommendation.id, Protest.status == ProtestStatus.UPHELD)) is not None
    return [] if upheld else ["The evaluation reopens only when a protest is upheld."]


def register_lifecycle() -> None:
    lifecycle.register(S.UNDER_EVALUATION, S.INTENT_TO_AWARD, checks=(award_recommendation_approved,),
                       after=start_protest_period)
    lifecycle.register(S.INTENT_TO_AWARD, S.UNDER_EVALUATION, checks=(protest_upheld,), after=reopen_evaluation)
    lifecycle.register(S.INTENT_TO_AWARD, S.AWARDED, checks=(protest_period_over,))

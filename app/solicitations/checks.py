"""Checks used by the lifecycle table. Each returns a list of plain-English problems."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.compliance.rules import notice_rule_for
from app.core import clock
from app.solicitations.models import Solicitation, SolicitationType

if TYPE_CHECKING:
    from app.accounts.models import User


def content_complete(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    """What a solicitation must contain before anyone approves or publishes it."""
    problems = []
    if s.due_at is None:
        problems.append("Set the due date (bid opening).")
    if s.questions_due_at is None:
        problems.append("Set the questions deadline.")
    if s.due_at and s.questions_due_at and s.questions_due_at >= s.due_at:
        problems.append("The questions deadline must come before the due date.")
    if s.due_at and s.prebid_conference_at and s.prebid_conference_at >= s.due_at:
        problems.append("The pre-bid conference must come before the due date.")
    if s.due_at and s.publish_at and s.publish_at >= s.due_at:
        problems.append("The publication date must come before the due date.")
    if not s.items:
        problems.append("Add at least one item to the price sheet.")
    problems.extend(criteria_problems(s))
    if not s.categories:
        problems.append("Choose at least one category so vendors can find it.")
    return problems


def criteria_problems(s: Solicitation) -> list[str]:
    problems = []
    total = s.total_points
    if total != Decimal(100):
        problems.append(f"Evaluation criteria must total 100 points (now {total.normalize():f}).")
    prices = [c for c in s.criteria if c.is_price]
    if len(prices) != 1:
        problems.append("Exactly one criterion must be the price criterion.")
    if s.type in (SolicitationType.IFB, SolicitationType.RFQ) and len(s.criteria) != 1:
        problems.append(f"An {s.type.code} is awarded on price alone: use one price criterion of "
                        "100 points.")
    return problems


def approver_is_not_author(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    if actor is not None and actor.id == s.created_by_id:
        return ["The author of a solicitation cannot approve it; another approver must."]
    return []


def publish_time_reached(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    """The scheduler publishes at publish_at; staff may publish an approved solicitation now."""
    if actor is None and (s.publish_at is None or s.publish_at > clock.now()):
        return ["The publication time has not come."]
    return []


def ready_to_publish(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    now = clock.now()
    problems = []
    if s.due_at is not None and s.due_at <= now:
        problems.append("The due date has passed; issue a new date before publishing.")
    if s.questions_due_at is not None and s.questions_due_at <= now:
        problems.append("The questions deadline has passed; set a later one.")
    if not s.notices:
        problems.append("Record at least one public notice (medium and publication date).")
    problems.extend(notice_period_problems(s))
    problems.extend(notice_media_problems(s))
    return problems


def notice_period_problems(s: Solicitation) -> list[str]:
    """The lead agency's state minimum between first notice and opening, where bid_rules knows it."""
    rule = notice_rule_for(s.agency.state, s.agency.agency_type)
    if rule is None or rule.min_days is None or s.first_notice_on is None or s.due_at is None:
        return []
    days = rule.counted_days(s.first_notice_on, s.local(s.due_at).date())
    if days < rule.min_days:
        return [f"{s.agency.state_name} requires at least {rule.min_days} {rule.counting_phrase} between "
                f"the first public notice and the opening ({rule.citation}); this schedule gives {days}."]
    return []


def notice_media_problems(s: Solicitation) -> list[str]:
    """The lead agency's state media for the notice (any one of them), where bid_rules knows them:
    the same rule the compliance engine applies for participating agencies."""
    from app.compliance.evaluators.solicitation import MEDIUM_PHRASE
    from app.contracts.facts import NOTICE_MEDIUM

    rule = notice_rule_for(s.agency.state, s.agency.agency_type)
    if rule is None or not rule.media or not s.notices:
        return []
    recorded = {NOTICE_MEDIUM.get(n.medium.value) for n in s.notices}
    if recorded & set(rule.media):
        return []
    accepted = " or ".join(MEDIUM_PHRASE.get(m, m) for m in rule.media)
    return [f"{s.agency.state_name} requires the notice to appear in {accepted} ({rule.citation}); "
            "record a notice in one of them."]


def deadline_passed(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    if s.due_at is None or clock.now() < s.due_at:
        return ["Bids are accepted until the due date; it can be closed only after that."]
    return []


def has_reason(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    if not (ctx.get("reason") or "").strip():
        return ["Give the reason for cancelling; it is published with the cancellation."]
    return []


def responsiveness_decided(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    """The evaluation starts once staff have decided on every opened bid."""
    from app.bids.models import BidStatus, Responsiveness
    from app.bids.services import opened_bids

    bids = [b for b in opened_bids(s) if b.status == BidStatus.SUBMITTED]
    if not bids:
        return ["No bids were opened; there is nothing to evaluate (cancel and re-solicit instead)."]
    pending = [b.vendor.name for b in bids if b.responsiveness == Responsiveness.PENDING]
    if pending:
        return ["Decide whether each bid is responsive first: " + ", ".join(sorted(pending)) + "."]
    if all(b.responsiveness == Responsiveness.NON_RESPONSIVE for b in bids):
        return ["Every bid was found non-responsive; there is nothing to evaluate."]
    return []


def committee_ready(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    """An RFP needs a committee with a chair; an IFB or RFQ is ranked on price alone."""
    if s.type != SolicitationType.RFP:
        return []
    from app.evaluation.services import members

    named = members(s)
    if not named:
        return ["Name the evaluation committee and its chair."]
    if not any(m.is_chair for m in named):
        return ["Choose a chair for the evaluation committee."]
    return []


def award_recommendation_approved(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    from app.awards.models import RecommendationStatus
    from app.awards.services import current_recommendation

    recommendation = current_recommendation(s)
    if recommendation is None:
        return ["Recommend the award (one or more vendors, with the justification)."]
    if recommendation.status != RecommendationStatus.APPROVED:
        return ["An approver must approve the award recommendation."]
    return []


def protest_period_over(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> list[str]:
    from app.awards.services import current_recommendation, open_protests

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
    from app.awards.models import Protest, ProtestStatus
    from app.awards.services import current_recommendation
    from app.extensions import db
    from sqlalchemy import select

    recommendation = current_recommendation(s)
    upheld = recommendation is not None and db.session.scalar(select(Protest.id).where(
        Protest.recommendation_id == recommendation.id, Protest.status == ProtestStatus.UPHELD)) is not None
    return [] if upheld else ["The evaluation reopens only when a protest is upheld."]

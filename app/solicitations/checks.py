"""The solicitation's own checks, used by the lifecycle table. Each returns a list of plain-English
problems. The checks of the later domains (bids, evaluation, awards) live in those domains and are
registered on the table at start-up (their lifecycle_hooks modules)."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.compliance.evaluators.solicitation import media_phrase
from app.compliance.rules import notice_rule_for
from app.core import clock
from app.solicitations.models import NOTICE_MEDIUM_FACT, Solicitation, SolicitationType

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
    rule = notice_rule_for(s.agency.state, s.agency.agency_type)
    if rule is None or not rule.media or not s.notices:
        return []
    recorded = {NOTICE_MEDIUM_FACT.get(n.medium.value) for n in s.notices}
    if any(option <= recorded for option in rule.media):
        return []
    accepted = media_phrase(rule.media)
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

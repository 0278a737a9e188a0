"""The solicitation state machine. TRANSITIONS is the one table of who may move a solicitation
from which status to which, under which checks; transition() is the one entry point that
changes status: guard -> checks -> state change -> audit event -> signal."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.audit.services import record
from app.core import clock
from app.core.errors import DomainError
from app.core.roles import Role
from app.core.signals import solicitation_transitioned
from app.extensions import db
from app.solicitations import checks
from app.solicitations.models import Solicitation
from app.solicitations.models import SolicitationStatus as S

SYSTEM = "system"  # the scheduler acting on time conditions

Check = Callable[[Solicitation, "User | None", dict[str, Any]], list[str]]
OFFICERS = frozenset({Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN})


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    actors: frozenset  # Role members and/or SYSTEM
    checks: tuple[Check, ...] = ()
    stamp: str | None = None  # column set to now
    label: str = ""
    extra: Callable[[Solicitation, "User | None", dict[str, Any]], None] | None = field(default=None)
    clears: tuple[str, ...] = ()  # columns reset to NULL in the same compare-and-set
    # Work that belongs to the new status, run after the status is stored, in the same transaction.
    after: Callable[[Solicitation, "User | None", dict[str, Any]], None] | None = field(default=None)


def _record_approver(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    s.approved_by_id = actor.id
    s.return_note = None


def _record_return(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    s.return_note = (ctx.get("note") or "").strip() or None


def _record_cancel(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    s.cancel_reason = ctx["reason"].strip()


def _unseal_bids(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    from app.bids.services import unseal_bids

    unseal_bids(s, actor)


def _start_evaluation(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    from app.evaluation.models import Evaluation

    if db.session.get(Evaluation, s.id) is None:
        db.session.add(Evaluation(solicitation_id=s.id, started_at=clock.now(), started_by_id=actor.id))
        db.session.flush()


def _issue_intent(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    from app.awards.services import start_protest_period

    start_protest_period(s, actor, ctx)


def _reopen_evaluation(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    from app.awards.services import reopen_evaluation

    reopen_evaluation(s, actor, ctx)


def _make_contracts(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    from app.contracts.services import create_contracts

    create_contracts(s, actor)


def _cancellation(source: S) -> Transition:
    return Transition(source, S.CANCELLED, OFFICERS, (checks.has_reason,), "cancelled_at",
                      "Cancel", _record_cancel)


TRANSITIONS: dict[tuple[S, S], Transition] = {
    (t.source, t.target): t
    for t in [
        Transition(S.DRAFT, S.PENDING_APPROVAL, OFFICERS, (checks.content_complete,), "submitted_at",
                   "Submit for approval"),
        Transition(S.PENDING_APPROVAL, S.DRAFT, OFFICERS | {Role.APPROVER}, (), None,
                   "Return to draft", _record_return),
        Transition(S.PENDING_APPROVAL, S.APPROVED, frozenset({Role.APPROVER}),
                   (checks.approver_is_not_author, checks.content_complete), "approved_at",
                   "Approve", _record_approver),
        # Reopening withdraws the approval: the edited draft must be approved again.
        Transition(S.APPROVED, S.DRAFT, OFFICERS, (), None, "Reopen for editing", _record_return,
                   clears=("approved_at", "approved_by_id")),
        Transition(S.APPROVED, S.PUBLISHED, OFFICERS | {SYSTEM},
                   (checks.publish_time_reached, checks.content_complete, checks.ready_to_publish),
                   "published_at", "Publish"),
        Transition(S.PUBLISHED, S.CLOSED, OFFICERS | {SYSTEM}, (checks.deadline_passed,), "closed_at",
                   "Close"),
        # The public opening: the status change waits for any submission still in flight (see
        # app.bids.services._hold_for_bidding), then the sealed bids are decrypted.
        Transition(S.CLOSED, S.OPENED, OFFICERS, (checks.deadline_passed,), "opened_at", "Open the bids",
                   after=_unseal_bids),
        Transition(S.OPENED, S.UNDER_EVALUATION, OFFICERS,
                   (checks.responsiveness_decided, checks.committee_ready), None, "Start the evaluation",
                   after=_start_evaluation),
        Transition(S.UNDER_EVALUATION, S.INTENT_TO_AWARD, OFFICERS, (checks.award_recommendation_approved,),
                   None, "Issue the notice of intent to award", after=_issue_intent),
        # A protest upheld during the protest period reopens the evaluation.
        Transition(S.INTENT_TO_AWARD, S.UNDER_EVALUATION, OFFICERS, (checks.protest_upheld,), None,
                   "Reopen the evaluation", after=_reopen_evaluation),
        # The scheduler finalises the award when the protest period has ended with no open protest.
        Transition(S.INTENT_TO_AWARD, S.AWARDED, OFFICERS | {SYSTEM}, (checks.protest_period_over,), "awarded_at",
                   "Finalise the award", after=_make_contracts),
        *[_cancellation(source) for source in (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.PUBLISHED,
                                               S.CLOSED, S.OPENED, S.UNDER_EVALUATION,
                                               S.INTENT_TO_AWARD)],
    ]
}


class TransitionError(DomainError):
    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _actor_may(rule: Transition, solicitation: Solicitation, actor: User | None) -> bool:
    if actor is None:
        return SYSTEM in rule.actors
    if actor.organization_id != solicitation.agency_id or not actor.active:
        return False
    return actor.has_any_role(*(a for a in rule.actors if a != SYSTEM))


def available_transitions(solicitation: Solicitation, actor: User | None) -> list[Transition]:
    """Transitions this actor could attempt now (checks not yet run), for the page's buttons."""
    return [rule for (source, _), rule in TRANSITIONS.items()
            if source == solicitation.status and _actor_may(rule, solicitation, actor)]


def problems_for(solicitation: Solicitation, target: S, actor: User | None, **ctx: Any) -> list[str]:
    rule = TRANSITIONS.get((solicitation.status, target))
    if rule is None:
        return [f"A solicitation cannot go from {solicitation.status.label.lower()} "
                f"to {target.label.lower()}."]
    found: list[str] = []
    for check in rule.checks:
        found.extend(check(solicitation, actor, ctx))
    return found


def transition(solicitation: Solicitation, target: S, actor: User | None, **ctx: Any) -> None:
    """Move `solicitation` to `target`, or raise TransitionError saying why not. The caller
    commits. The status is compare-and-set in the database, so two schedulers (or a scheduler
    and a person) cannot both apply the same transition."""
    source = solicitation.status
    rule = TRANSITIONS.get((source, target))
    if rule is None:
        raise TransitionError(f"A solicitation cannot go from {source.label.lower()} "
                              f"to {target.label.lower()}.")
    if not _actor_may(rule, solicitation, actor):
        raise TransitionError("You are not allowed to do this.") from None
    found = problems_for(solicitation, target, actor, **ctx)
    if found:
        raise TransitionError(f"{rule.label or target.label} is not possible yet.", found)

    now = clock.now()
    values: dict[str, Any] = {"status": target}
    if rule.stamp:
        values[rule.stamp] = now
    values.update({column: None for column in rule.clears})
    if rule.extra:
        rule.extra(solicitation, actor, ctx)
        db.session.flush()
    changed = db.session.execute(
        update(Solicitation)
        .where(Solicitation.id == solicitation.id, Solicitation.status == source)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise TransitionError("Someone else changed this solicitation first; reload the page.")
    for key, value in values.items():
        set_committed_value(solicitation, key, value)  # reflect the stored row, no reload
    if rule.after:
        rule.after(solicitation, actor, ctx)
    # The trail keeps the reason or note as stored (stripped), and only for the transitions that
    # take one: a stray form field on another transition is not evidence of anything.
    reason = solicitation.cancel_reason if target == S.CANCELLED else None
    note = solicitation.return_note if target == S.DRAFT else None
    record(f"solicitation.{target.value}", actor=actor, obj=solicitation,
           organization_id=solicitation.agency_id,
           data={"number": solicitation.number, "from": source.value, "to": target.value,
                 **({"reason": reason} if reason else {}),
                 **({"note": note} if note else {})})
    solicitation_transitioned.send(solicitation, source=source, target=target, actor=actor)

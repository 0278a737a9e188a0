"""The solicitation state machine. TRANSITIONS is the one table of who may move a solicitation
from which status to which, with the solicitation's own checks, stamps and time conditions;
transition() is the one entry point that changes status: guard -> checks -> state change ->
effects -> audit event -> signal.

The later domains (bids, evaluation, awards, contracts) add their own checks and effects to a
pair at start-up: create_app calls each domain's register_lifecycle(), which calls register()
below, then verify_registrations(), which refuses to start an app where a pair that NEEDS an
effect has none. So this module imports none of those domains, and none of their work is
skipped."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
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
Effect = Callable[[Solicitation, "User | None", dict[str, Any]], None]
OFFICERS = frozenset({Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN})


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    actors: frozenset  # Role members and/or SYSTEM
    checks: tuple[Check, ...] = ()  # the solicitation's own; registered checks run after these
    stamp: str | None = None  # column set to now
    label: str = ""
    extra: Effect | None = field(default=None)  # the solicitation's own columns, before the change
    clears: tuple[str, ...] = ()  # columns reset to NULL in the same compare-and-set
    # Effects another domain must register for this pair (by the name it registers them under):
    # create_app refuses to start without them.
    needs: tuple[str, ...] = ()


def _record_approver(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    s.approved_by_id = actor.id
    s.return_note = None


def _record_return(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    s.return_note = (ctx.get("note") or "").strip() or None


def _record_cancel(s: Solicitation, actor: User | None, ctx: dict[str, Any]) -> None:
    s.cancel_reason = ctx["reason"].strip()


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
        # app.bids.deadline.hold_for_bidding), then the sealed bids are decrypted (bids).
        Transition(S.CLOSED, S.OPENED, OFFICERS, (checks.deadline_passed,), "opened_at", "Open the bids",
                   needs=("unseal",)),
        # Checks: responsiveness decided (bids), committee ready (evaluation).
        Transition(S.OPENED, S.UNDER_EVALUATION, OFFICERS, (), None, "Start the evaluation",
                   needs=("start_evaluation",)),
        # Check: the award recommendation approved (awards).
        Transition(S.UNDER_EVALUATION, S.INTENT_TO_AWARD, OFFICERS, (), None,
                   "Issue the notice of intent to award", needs=("start_protest_period",)),
        # A protest upheld during the protest period reopens the evaluation (awards).
        Transition(S.INTENT_TO_AWARD, S.UNDER_EVALUATION, OFFICERS, (), None,
                   "Reopen the evaluation", needs=("reopen_evaluation",)),
        # The scheduler finalises the award when the protest period has ended with no open protest
        # (awards); the contracts are made (contracts).
        Transition(S.INTENT_TO_AWARD, S.AWARDED, OFFICERS | {SYSTEM}, (), "awarded_at",
                   "Finalise the award", needs=("create_contracts",)),
        *[_cancellation(source) for source in (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.PUBLISHED,
                                               S.CLOSED, S.OPENED, S.UNDER_EVALUATION,
                                               S.INTENT_TO_AWARD)],
    ]
}


# ----------------------------------------------------------------------------- the domains' hooks
class LifecycleSetupError(RuntimeError):
    """The app was set up without a hook the table needs (a programming error: start-up fails)."""


@dataclass(frozen=True)
class Registered:
    """A domain's effect on a pair, under the name a Transition's `needs` refers to."""
    name: str
    run: Effect


@dataclass
class Hooks:
    """One app's registered checks and effects, per pair, in registration order."""
    checks: dict[tuple[S, S], list[Check]] = field(default_factory=dict)
    effects: dict[tuple[S, S], list[Registered]] = field(default_factory=dict)


HOOKS_KEY = "coopbid.lifecycle"


def _pair_name(source: S, target: S) -> str:
    return f"{source.label.lower()} -> {target.label.lower()}"


def register(source: S, target: S, *, checks: tuple[Check, ...] = (), after: Effect | None = None,
             name: str | None = None) -> None:
    """Add a domain's checks and effect to a pair of TRANSITIONS, for the app being set up (call it
    from the domain's register_lifecycle(), which create_app calls inside the app's context).
    Checks run after the table's own, in registration order, and their problems are reported
    together. The effect (`after`) runs once the status is stored, in the same transaction, after
    the effects registered before it; it may refuse by raising (the caller rolls back). `name` is
    what a Transition's `needs` calls it (default: the function's name). Registering the same
    check or effect again for a pair changes nothing."""
    pair = (source, target)
    if pair not in TRANSITIONS:
        raise LifecycleSetupError(f"No transition {_pair_name(source, target)} to register on.")
    hooks: Hooks = current_app.extensions.setdefault(HOOKS_KEY, Hooks())
    registered_checks = hooks.checks.setdefault(pair, [])
    registered_checks.extend(c for c in dict.fromkeys(checks) if c not in registered_checks)
    if after is not None:
        effect = Registered(name or after.__name__, after)
        effects = hooks.effects.setdefault(pair, [])
        if any(e.name == effect.name and e.run is not after for e in effects):
            raise LifecycleSetupError(f"Two different effects named {effect.name!r} on "
                                      f"{_pair_name(source, target)}.")
        if effect not in effects:
            effects.append(effect)


def verify_registrations(app: Flask) -> None:
    """Refuse to start an app where a pair that needs an effect has none registered."""
    hooks: Hooks = app.extensions.setdefault(HOOKS_KEY, Hooks())
    missing = [f"{_pair_name(*pair)} needs the effect {name!r}"
               for pair, rule in TRANSITIONS.items() for name in rule.needs
               if name not in {e.name for e in hooks.effects.get(pair, ())}]
    if missing:
        raise LifecycleSetupError("The solicitation lifecycle is missing effects that its domains must "
                                  "register (in their register_lifecycle(), called by create_app): "
                                  + "; ".join(missing) + ".")


def _hooks() -> Hooks:
    try:
        return current_app.extensions[HOOKS_KEY]
    except KeyError:
        raise LifecycleSetupError("This app has no lifecycle hooks: create it with app.create_app().") from None


def registered_checks(source: S, target: S) -> tuple[Check, ...]:
    return tuple(_hooks().checks.get((source, target), ()))


def registered_effects(source: S, target: S) -> tuple[Registered, ...]:
    return tuple(_hooks().effects.get((source, target), ()))


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
    for check in (*rule.checks, *registered_checks(rule.source, rule.target)):
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
    for effect in registered_effects(source, target):
        effect.run(solicitation, actor, ctx)
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

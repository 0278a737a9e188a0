"""The lifecycle's hooks: the later domains (bids, evaluation, awards, contracts) register their
checks and effects on the table's pairs at start-up. An app missing an effect the table needs
does not start; creating more apps (or registering again) never doubles an effect; registered
checks and effects run in registration order, and an effect may refuse the transition."""
from __future__ import annotations

import copy

import pytest

from app import create_app
from app.core import clock
from app.extensions import db
from app.solicitations import lifecycle
from app.solicitations.lifecycle import HOOKS_KEY, LifecycleSetupError, TransitionError
from app.solicitations.models import Solicitation
from config import TestConfig
from tests.conftest import login
from tests.solicitations.conftest import S

NEEDED = {
    (S.CLOSED, S.OPENED): ("unseal",),
    (S.OPENED, S.UNDER_EVALUATION): ("start_evaluation",),
    (S.UNDER_EVALUATION, S.INTENT_TO_AWARD): ("start_protest_period",),
    (S.INTENT_TO_AWARD, S.UNDER_EVALUATION): ("reopen_evaluation",),
    (S.INTENT_TO_AWARD, S.AWARDED): ("create_contracts",),
}
# The domain module whose register_lifecycle() provides each needed effect.
PROVIDERS = {
    "app.bids.lifecycle_hooks": ("unseal",),
    "app.evaluation.lifecycle_hooks": ("start_evaluation",),
    "app.awards.lifecycle_hooks": ("start_protest_period", "reopen_evaluation"),
    "app.contracts.lifecycle_hooks": ("create_contracts",),
}


def _hook_names(app) -> dict:
    hooks = app.extensions[HOOKS_KEY]
    return {pair: ([c.__name__ for c in hooks.checks.get(pair, ())],
                   [e.name for e in hooks.effects.get(pair, ())])
            for pair in lifecycle.TRANSITIONS}


def _another_app(app):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        STORAGE_DIR = app.config["STORAGE_DIR"]

    return create_app(Config)


def _dispose(other) -> None:
    with other.app_context():
        db.engine.dispose()


def test_the_table_marks_the_effects_it_needs_and_the_app_has_them(app):
    assert {pair: rule.needs for pair, rule in lifecycle.TRANSITIONS.items() if rule.needs} == NEEDED
    names = _hook_names(app)
    for pair, needed in NEEDED.items():
        assert set(needed) <= set(names[pair][1]), pair
    # Checks in registration order (bids, then evaluation), after the table's own.
    assert names[(S.OPENED, S.UNDER_EVALUATION)] == (["responsiveness_decided", "committee_ready"],
                                                     ["start_evaluation"])
    assert names[(S.UNDER_EVALUATION, S.INTENT_TO_AWARD)] == (["award_recommendation_approved"],
                                                              ["start_protest_period"])
    assert names[(S.INTENT_TO_AWARD, S.UNDER_EVALUATION)] == (["protest_upheld"], ["reopen_evaluation"])
    assert names[(S.INTENT_TO_AWARD, S.AWARDED)] == (["protest_period_over"], ["create_contracts"])
    assert names[(S.CLOSED, S.OPENED)] == ([], ["unseal"])


@pytest.mark.parametrize("module", sorted(PROVIDERS))
def test_an_app_missing_an_effect_does_not_start(app, monkeypatch, module):
    monkeypatch.setattr(f"{module}.register_lifecycle", lambda: None)
    with pytest.raises(LifecycleSetupError) as raised:
        _another_app(app)
    message = str(raised.value)
    for name in PROVIDERS[module]:
        assert repr(name) in message
    others = {n for m, names in PROVIDERS.items() if m != module for n in names}
    assert not any(repr(n) in message for n in others)


def test_registering_on_a_pair_the_table_does_not_have_is_refused(app):
    with app.app_context(), pytest.raises(LifecycleSetupError, match="No transition"):
        lifecycle.register(S.DRAFT, S.AWARDED, after=lambda s, actor, ctx: None)


def test_two_different_effects_under_one_name_are_refused(app, monkeypatch):
    monkeypatch.setitem(app.extensions, HOOKS_KEY, copy.deepcopy(app.extensions[HOOKS_KEY]))
    with app.app_context(), pytest.raises(LifecycleSetupError, match="unseal"):
        lifecycle.register(S.CLOSED, S.OPENED, after=lambda s, actor, ctx: None, name="unseal")


def test_more_apps_and_registering_again_do_not_double_effects(app, client, make_solicitation, audit_events):
    from app.awards import lifecycle_hooks as awards
    from app.bids import lifecycle_hooks as bids
    from app.contracts import lifecycle_hooks as contracts
    from app.evaluation import lifecycle_hooks as evaluation

    before = _hook_names(app)
    others = [_another_app(app), _another_app(app)]
    for other in others:
        assert _hook_names(other) == before
        _dispose(other)
    with app.app_context():
        for domain in (bids, evaluation, awards, contracts):
            domain.register_lifecycle()
    assert _hook_names(app) == before

    # Through the page: the opening unseals (and records it) once.
    info = make_solicitation("closed")
    login(client, info.agency.officer)
    response = client.submit(f"/agency/solicitations/{info.id}/status/opened")
    assert response.status_code == 302
    actions = [e.action for e in audit_events(info.id)]
    assert actions.count("bids.opened") == 1
    assert actions.count("solicitation.opened") == 1


def test_effects_run_in_registration_order_and_may_refuse(app, make_solicitation, try_transition, audit_events,
                                                           load_solicitation, monkeypatch):
    monkeypatch.setitem(app.extensions, HOOKS_KEY, copy.deepcopy(app.extensions[HOOKS_KEY]))
    ran: list[str] = []

    def first(s, actor, ctx):
        ran.append(f"first:{s.status.value}")

    def second(s, actor, ctx):
        ran.append("second")

    def refuse(s, actor, ctx):
        ran.append("refuse")
        if ctx.get("refuse"):
            raise TransitionError("Refused by a domain.")

    with app.app_context():
        for effect in (first, second, refuse):
            lifecycle.register(S.PUBLISHED, S.CLOSED, after=effect)
        lifecycle.register(S.PUBLISHED, S.CLOSED, after=second)  # again: nothing changes
    info = make_solicitation("published")
    with app.app_context():
        clock.freeze(db.session.get(Solicitation, info.id).due_at)

    error = try_transition(info.agency.officer.id, info.id, S.CLOSED, refuse=True)
    assert isinstance(error, TransitionError) and error.message == "Refused by a domain."
    assert ran == ["first:closed", "second", "refuse"]  # after the status is stored, in order
    assert load_solicitation(info.id).status == S.PUBLISHED  # the whole transaction rolled back
    assert "solicitation.closed" not in [e.action for e in audit_events(info.id)]

    ran.clear()
    assert try_transition(info.agency.officer.id, info.id, S.CLOSED) is None
    assert ran == ["first:closed", "second", "refuse"]
    assert load_solicitation(info.id).status == S.CLOSED


def test_registered_checks_run_after_the_tables_own_in_order(app, make_solicitation, try_transition,
                                                             monkeypatch):
    monkeypatch.setitem(app.extensions, HOOKS_KEY, copy.deepcopy(app.extensions[HOOKS_KEY]))
    with app.app_context():
        lifecycle.register(S.PUBLISHED, S.CLOSED, checks=(lambda s, actor, ctx: ["First domain problem."],
                                                          lambda s, actor, ctx: ["Second domain problem."]))
    info = make_solicitation("published")  # before the due date: the table's own check fails first
    error = try_transition(info.agency.officer.id, info.id, S.CLOSED)
    assert error.problems == ["Bids are accepted until the due date; it can be closed only after that.",
                              "First domain problem.", "Second domain problem."]

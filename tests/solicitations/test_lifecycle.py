"""The solicitation state machine: who may move a solicitation from which status to which, under
which checks, and what a move records. The expectations are written out here, independently of
lifecycle.TRANSITIONS, so loosening that table fails these tests."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete

from app.accounts.models import AgencyType, User
from app.core import clock
from app.solicitations import lifecycle
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.solicitations import services
from app.solicitations.lifecycle import TransitionError
from app.solicitations.models import (
    NoticeMedium,
    PriceFormula,
    PriceSheetItem,
    PublicNotice,
    Solicitation,
)
from tests.conftest import login
from tests.solicitations.conftest import ALL_STATUSES, UTC, S, local_datetime

T0 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York

# ----------------------------------------------------------------------------- the expectation table
ADMIN, OFFICER, APPROVER, EVALUATOR, BUYER = ("agency_admin", "procurement_officer", "approver",
                                              "evaluator", "buyer")
VENDOR, OTHER_AGENCY_OFFICER, PLATFORM_ADMIN, SYSTEM = ("vendor", "other_agency_officer",
                                                        "platform_admin", "system")
ACTORS = (ADMIN, OFFICER, APPROVER, EVALUATOR, BUYER, VENDOR, OTHER_AGENCY_OFFICER, PLATFORM_ADMIN, SYSTEM)
OFFICERS = frozenset({ADMIN, OFFICER})

# (from, to) -> who may do it. Every pair not listed is refused to everyone.
EXPECTED: dict[tuple[S, S], frozenset[str]] = {
    (S.DRAFT, S.PENDING_APPROVAL): OFFICERS,
    (S.DRAFT, S.CANCELLED): OFFICERS,
    (S.PENDING_APPROVAL, S.DRAFT): OFFICERS | {APPROVER},  # return for changes
    (S.PENDING_APPROVAL, S.APPROVED): frozenset({APPROVER}),  # separation of duties
    (S.PENDING_APPROVAL, S.CANCELLED): OFFICERS,
    (S.APPROVED, S.DRAFT): OFFICERS,  # reopen for editing
    (S.APPROVED, S.PUBLISHED): OFFICERS | {SYSTEM},  # the scheduler, at publish_at
    (S.APPROVED, S.CANCELLED): OFFICERS,
    (S.PUBLISHED, S.CLOSED): OFFICERS | {SYSTEM},  # the scheduler, at due_at
    (S.PUBLISHED, S.CANCELLED): OFFICERS,
    (S.CLOSED, S.OPENED): OFFICERS,  # the public bid opening (a person, never the scheduler)
    (S.CLOSED, S.CANCELLED): OFFICERS,
}
SOURCES = (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.PUBLISHED, S.CLOSED)
STAMPS = {S.PENDING_APPROVAL: "submitted_at", S.APPROVED: "approved_at", S.PUBLISHED: "published_at",
          S.CLOSED: "closed_at", S.OPENED: "opened_at", S.CANCELLED: "cancelled_at", S.DRAFT: None}
ALL_STAMPS = ("submitted_at", "approved_at", "published_at", "closed_at", "opened_at", "cancelled_at")
# Reopening an approved solicitation withdraws its approval (it must be approved again).
CLEARED = {(S.APPROVED, S.DRAFT): ("approved_at", "approved_by_id")}
# Events a transition's own work records before the transition's event.
ALSO_RECORDED = {(S.CLOSED, S.OPENED): ("bids.opened",)}
RECORDED = ("status", *ALL_STAMPS, "approved_by_id", "cancel_reason", "return_note", "due_at",
            "questions_due_at", "publish_at")

CASES = [
    pytest.param(source, target, actor, actor in EXPECTED.get((source, target), ()),
                 id=f"{source.value}->{target.value}-{actor}")
    for source in SOURCES for target in ALL_STATUSES for actor in ACTORS
]


def _snapshot(app, solicitation_id: int) -> dict:
    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        return {name: getattr(s, name) for name in RECORDED}


def _actor_id(name: str, info, make_user, make_org) -> int | None:
    if name == SYSTEM:
        return None
    if name == VENDOR:
        return make_user(Role.VENDOR_USER).id
    if name == PLATFORM_ADMIN:
        return make_user(Role.ADMIN).id
    if name == OTHER_AGENCY_OFFICER:
        other = make_org(OrganizationKind.AGENCY, state="VA", short_code="OTHER")
        return make_user(Role.PROCUREMENT_OFFICER, org_id=other).id
    return info.agency.user_with(Role(name)).id


# Pairs from statuses make_solicitation cannot build (after the opening); the evaluation and award
# tests exercise them. Listed here so that a pair added to TRANSITIONS without a decision fails.
EXPECTED_LATER: dict[tuple[S, S], frozenset[str]] = {
    (S.OPENED, S.UNDER_EVALUATION): OFFICERS,
    (S.OPENED, S.CANCELLED): OFFICERS,
    (S.UNDER_EVALUATION, S.INTENT_TO_AWARD): OFFICERS,
    (S.INTENT_TO_AWARD, S.UNDER_EVALUATION): OFFICERS,  # a protest upheld
    (S.INTENT_TO_AWARD, S.AWARDED): OFFICERS | {SYSTEM},  # the scheduler, when the protest period ends
    (S.UNDER_EVALUATION, S.CANCELLED): OFFICERS,
    (S.INTENT_TO_AWARD, S.CANCELLED): OFFICERS,
}


def test_the_table_has_exactly_the_expected_pairs_and_actors():
    from app.solicitations.lifecycle import SYSTEM as LIFECYCLE_SYSTEM

    def names(actors):
        return frozenset(SYSTEM if a == LIFECYCLE_SYSTEM else a.value for a in actors)

    table = {pair: names(rule.actors) for pair, rule in lifecycle.TRANSITIONS.items()}
    assert table == {**EXPECTED, **EXPECTED_LATER}


def test_the_table_covers_every_pair_from_the_buildable_statuses():
    assert len(CASES) == len(SOURCES) * len(ALL_STATUSES) * len(ACTORS) == 450
    assert {t for (_, t) in EXPECTED} <= set(ALL_STATUSES)


@pytest.mark.parametrize(("source", "target", "actor", "allowed"), CASES)
def test_transition_matrix(app, make_solicitation, make_user, make_org, audit_events, try_transition,
                           source, target, actor, allowed):
    clock.freeze(T0)
    info = make_solicitation(source, publish_at=T0 + timedelta(days=1))
    # Meet the time conditions, so that only the pair and the actor decide.
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        publish_at, due_at = s.publish_at, s.due_at
    if source == S.APPROVED and target == S.PUBLISHED:
        clock.freeze(publish_at)
    elif source == S.PUBLISHED and target == S.CLOSED:
        clock.freeze(due_at)
    actor_id = _actor_id(actor, info, make_user, make_org)
    before, events_before = _snapshot(app, info.id), audit_events(info.id)

    error = try_transition(actor_id, info.id, target, reason="  Funding withdrawn  ", note="Fix line 2")

    after, events = _snapshot(app, info.id), audit_events(info.id)
    if not allowed:
        assert isinstance(error, TransitionError), f"{actor} moved {source} to {target}"
        if EXPECTED.get((source, target)):
            assert error.message == "You are not allowed to do this."
        else:
            assert "cannot go from" in error.message
        assert after == before
        assert events == events_before
        return

    assert error is None, (error.message, error.problems) if error else None
    assert after["status"] == target
    stamp = STAMPS[target]
    cleared = CLEARED.get((source, target), ())
    for name in ALL_STAMPS:
        expected = clock.now() if name == stamp else None if name in cleared else before[name]
        assert after[name] == expected, name
    if "approved_by_id" in cleared:
        assert after["approved_by_id"] is None
    also = ALSO_RECORDED.get((source, target), ())
    assert events[:-1 - len(also)] == events_before
    assert [e.action for e in events[len(events_before):-1]] == list(also)
    event = events[-1]
    assert event.action == f"solicitation.{target.value}"
    assert event.actor_id == actor_id
    assert event.organization_id == info.agency.id
    # The reason and note are kept as stored, and only where the transition takes them.
    assert event.data == {"number": info.number, "from": source.value, "to": target.value,
                          **({"reason": "Funding withdrawn"} if target == S.CANCELLED else {}),
                          **({"note": "Fix line 2"} if target == S.DRAFT else {})}
    if target == S.CANCELLED:
        assert after["cancel_reason"] == "Funding withdrawn"
    else:
        assert after["cancel_reason"] is None
    if target == S.APPROVED:
        assert after["approved_by_id"] == actor_id
    if target == S.DRAFT:
        assert after["return_note"] == "Fix line 2"


def test_an_inactive_officer_cannot_move_anything(app, make_solicitation, make_user, try_transition,
                                                  audit_events):
    info = make_solicitation(S.DRAFT)
    inactive = make_user(Role.PROCUREMENT_OFFICER, org_id=info.agency.id, active=False)
    events = audit_events(info.id)
    for target in (S.PENDING_APPROVAL, S.CANCELLED):
        error = try_transition(inactive.id, info.id, target, reason="Gone")
        assert isinstance(error, TransitionError) and error.message == "You are not allowed to do this."
    assert audit_events(info.id) == events


# ----------------------------------------------------------------------------- time conditions
def test_the_scheduler_publishes_only_once_publish_at_has_come(app, make_solicitation, agency,
                                                               try_transition, load_solicitation):
    clock.freeze(T0)
    publish_at = T0 + timedelta(days=2)
    info = make_solicitation(S.APPROVED, publish_at=publish_at)

    clock.freeze(publish_at - timedelta(microseconds=1))
    error = try_transition(None, info.id, S.PUBLISHED)
    assert error.problems == ["The publication time has not come."]
    assert load_solicitation(info.id).status == S.APPROVED

    clock.freeze(publish_at)  # publish_at <= now
    assert try_transition(None, info.id, S.PUBLISHED) is None
    assert load_solicitation(info.id).published_at == publish_at


def test_the_scheduler_never_publishes_without_a_publish_time(app, make_solicitation, try_transition):
    clock.freeze(T0)
    info = make_solicitation(S.APPROVED, publish_at=None)
    clock.advance(timedelta(days=5))
    error = try_transition(None, info.id, S.PUBLISHED)
    assert error.problems == ["The publication time has not come."]


def test_staff_may_publish_an_approved_solicitation_before_its_publish_time(app, make_solicitation,
                                                                           try_transition, load_solicitation):
    clock.freeze(T0)
    info = make_solicitation(S.APPROVED, publish_at=T0 + timedelta(days=3))
    assert try_transition(info.agency.officer.id, info.id, S.PUBLISHED) is None
    assert load_solicitation(info.id).published_at == T0


@pytest.mark.parametrize("actor", [OFFICER, ADMIN, SYSTEM])
def test_closing_waits_for_the_due_date(app, make_solicitation, try_transition, load_solicitation,
                                        audit_events, actor):
    clock.freeze(T0)
    info = make_solicitation(S.PUBLISHED)
    due_at = load_solicitation(info.id).due_at
    actor_id = None if actor == SYSTEM else info.agency.user_with(Role(actor)).id

    clock.freeze(due_at - timedelta(seconds=1))
    error = try_transition(actor_id, info.id, S.CLOSED)
    assert error.problems == ["Bids are accepted until the due date; it can be closed only after that."]
    assert load_solicitation(info.id).status == S.PUBLISHED
    assert "solicitation.closed" not in [e.action for e in audit_events(info.id)]

    clock.freeze(due_at)  # now >= due_at
    assert try_transition(actor_id, info.id, S.CLOSED) is None
    closed = load_solicitation(info.id)
    assert closed.status == S.CLOSED and closed.closed_at == due_at


# ----------------------------------------------------------------------------- separation of duties
def test_an_approver_cannot_approve_what_they_wrote(app, client, make_solicitation, make_user, agency,
                                                    try_transition, audit_events, load_solicitation):
    author = make_user(Role.PROCUREMENT_OFFICER, Role.APPROVER, org_id=agency.id, name="Dual Role")
    info = make_solicitation(S.PENDING_APPROVAL, author=author)

    error = try_transition(author.id, info.id, S.APPROVED)
    assert error is not None
    assert error.problems == ["The author of a solicitation cannot approve it; another approver must."]
    assert load_solicitation(info.id).status == S.PENDING_APPROVAL
    assert "solicitation.approved" not in [e.action for e in audit_events(info.id)]

    # Through the staff page the refusal names the rule too.
    login(client, author)
    response = client.submit(f"/agency/solicitations/{info.id}/status/approved")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The author of a solicitation cannot approve it" in page
    assert load_solicitation(info.id).status == S.PENDING_APPROVAL

    assert try_transition(agency.second_approver.id, info.id, S.APPROVED) is None
    approved = load_solicitation(info.id)
    assert approved.status == S.APPROVED and approved.approved_by_id == agency.second_approver.id
    [event] = [e for e in audit_events(info.id) if e.action == "solicitation.approved"]
    assert event.actor_id == agency.second_approver.id


def test_the_author_may_still_submit_and_return_their_own_draft(app, make_solicitation, make_user, agency,
                                                                try_transition, load_solicitation):
    author = make_user(Role.PROCUREMENT_OFFICER, Role.APPROVER, org_id=agency.id)
    info = make_solicitation(S.DRAFT, author=author)
    assert try_transition(author.id, info.id, S.PENDING_APPROVAL) is None
    assert try_transition(author.id, info.id, S.DRAFT, note="Not ready") is None
    assert load_solicitation(info.id).return_note == "Not ready"


# ----------------------------------------------------------------------------- publication checks
def _criteria_total_90(s):
    s.criteria[0].points = 30


def _no_price_criterion(s):
    price = s.price_criterion
    price.is_price, price.price_formula = False, None


def _two_price_criteria(s):
    s.criteria[0].is_price, s.criteria[0].price_formula = True, PriceFormula.LOWEST_OVER_THIS


def _no_items(s):
    db.session.execute(delete(PriceSheetItem).where(PriceSheetItem.solicitation_id == s.id))


def _no_notice(s):
    db.session.execute(delete(PublicNotice).where(PublicNotice.solicitation_id == s.id))


def _no_categories(s):
    s.categories = []


STORED_PROBLEMS = [
    pytest.param(_criteria_total_90, "Evaluation criteria must total 100 points (now 90).", id="criteria-90"),
    pytest.param(_no_price_criterion, "Exactly one criterion must be the price criterion.", id="no-price"),
    pytest.param(_two_price_criteria, "Exactly one criterion must be the price criterion.", id="two-prices"),
    pytest.param(_no_items, "Add at least one item to the price sheet.", id="no-items"),
    pytest.param(_no_notice, "Record at least one public notice (medium and publication date).",
                 id="no-notice"),
    pytest.param(_no_categories, "Choose at least one category so vendors can find it.", id="no-category"),
]


@pytest.mark.parametrize(("spoil", "problem"), STORED_PROBLEMS)
def test_publication_rechecks_the_content(app, make_solicitation, try_transition, load_solicitation,
                                          audit_events, spoil, problem):
    """An approved solicitation whose stored content no longer holds (changed behind the
    application's back) is refused at publication, by staff and by the scheduler."""
    clock.freeze(T0)
    info = make_solicitation(S.APPROVED, publish_at=T0 + timedelta(hours=1))
    with app.app_context():
        spoil(db.session.get(Solicitation, info.id))
        db.session.commit()
    clock.advance(timedelta(hours=2))
    events = audit_events(info.id)
    for actor_id in (info.agency.officer.id, None):
        error = try_transition(actor_id, info.id, S.PUBLISHED)
        assert isinstance(error, TransitionError)
        assert error.message == "Publish is not possible yet."
        assert problem in error.problems
    snapshot = load_solicitation(info.id)
    assert snapshot.status == S.APPROVED and snapshot.published_at is None
    assert audit_events(info.id) == events


DRAFT_PROBLEMS = [
    pytest.param({"criteria": [{"name": "Quality", "points": 50}, {"name": "Price", "points": 40,
                                                                   "is_price": True}]},
                 "Evaluation criteria must total 100 points (now 90).", id="criteria-90"),
    pytest.param({"criteria": [{"name": "Quality", "points": 60}, {"name": "Service", "points": 40}]},
                 "Exactly one criterion must be the price criterion.", id="no-price"),
    pytest.param({"criteria": [{"name": "Price A", "points": 50, "is_price": True},
                               {"name": "Price B", "points": 50, "is_price": True}]},
                 "Exactly one criterion must be the price criterion.", id="two-prices"),
    pytest.param({"items": []}, "Add at least one item to the price sheet.", id="no-items"),
    pytest.param({"category_ids": []}, "Choose at least one category so vendors can find it.", id="no-category"),
    pytest.param({"due_at": None}, "Set the due date (bid opening).", id="no-due-date"),
    pytest.param({"questions_due_at": None}, "Set the questions deadline.", id="no-questions-deadline"),
]


@pytest.mark.parametrize(("overrides", "problem"), DRAFT_PROBLEMS)
def test_an_incomplete_draft_cannot_be_submitted_or_approved(app, make_solicitation, try_transition,
                                                             load_solicitation, overrides, problem):
    info = make_solicitation(S.DRAFT, **overrides)
    error = try_transition(info.agency.officer.id, info.id, S.PENDING_APPROVAL)
    assert error.message == "Submit for approval is not possible yet."
    assert problem in error.problems
    assert load_solicitation(info.id).status == S.DRAFT


def test_an_ifb_is_awarded_on_price_alone(app, make_solicitation, try_transition):
    from app.solicitations.models import SolicitationType

    info = make_solicitation(S.DRAFT, type=SolicitationType.IFB)  # the three RFP criteria
    error = try_transition(info.agency.officer.id, info.id, S.PENDING_APPROVAL)
    assert "An IFB is awarded on price alone: use one price criterion of 100 points." in error.problems
    ok = make_solicitation(S.DRAFT, type=SolicitationType.IFB,
                           criteria=[{"name": "Price", "points": 100, "is_price": True}])
    assert try_transition(ok.agency.officer.id, ok.id, S.PENDING_APPROVAL) is None


def test_questions_deadline_after_the_due_date_is_refused(app, make_solicitation, agency):
    """The database refuses to store such a schedule; the lifecycle check refuses it before it
    gets there (kept in memory, never flushed)."""
    clock.freeze(T0)
    info = make_solicitation(S.APPROVED)
    with app.test_request_context():
        s = db.session.get(Solicitation, info.id)
        _ = (s.items, s.criteria, s.categories, s.notices)  # loaded before the change
        officer = db.session.get(User, agency.officer.id)
        with db.session.no_autoflush:
            s.questions_due_at = s.due_at + timedelta(hours=1)
            with pytest.raises(TransitionError) as caught:
                services.change_status(officer, s, S.PUBLISHED)
        db.session.rollback()
    assert "The questions deadline must come before the due date." in caught.value.problems
    with app.app_context():
        assert db.session.get(Solicitation, info.id).status == S.APPROVED


def test_a_due_date_in_the_past_blocks_publication(app, make_solicitation, try_transition, load_solicitation):
    clock.freeze(T0)
    info = make_solicitation(S.APPROVED)
    due_at = load_solicitation(info.id).due_at
    clock.freeze(due_at)
    error = try_transition(info.agency.officer.id, info.id, S.PUBLISHED)
    assert "The due date has passed; issue a new date before publishing." in error.problems
    assert "The questions deadline has passed; set a later one." in error.problems
    assert load_solicitation(info.id).status == S.APPROVED


def test_a_passed_questions_deadline_blocks_publication(app, make_solicitation, try_transition,
                                                        load_solicitation):
    clock.freeze(T0)
    info = make_solicitation(S.APPROVED)
    snapshot = load_solicitation(info.id)
    clock.freeze(snapshot.questions_due_at + timedelta(minutes=1))
    error = try_transition(info.agency.officer.id, info.id, S.PUBLISHED)
    assert error.problems == ["The questions deadline has passed; set a later one."]


# ----------------------------------------------------------------------------- notice periods
NOTICE_DAY = date(2027, 3, 10)  # the first (and only) notice appears on this local date


def _notice_schedule(tz: str, days_to_opening: int, hour: int = 14) -> dict:
    opening = NOTICE_DAY + timedelta(days=days_to_opening)
    return {
        "due_at": local_datetime(tz, opening, hour),
        "questions_due_at": local_datetime(tz, opening, 9),
        "notices": [{"medium": NoticeMedium.NEWSPAPER, "outlet": "The Daily Record", "published_on": NOTICE_DAY}],
    }


def _publish_with_notice(app, make_agency, make_solicitation, try_transition, state, days, hour=14,
                         **agency_fields):
    agency = make_agency(state, **agency_fields)
    clock.freeze(local_datetime(agency.timezone, NOTICE_DAY, 8))  # publishing on the notice day
    info = make_solicitation(S.APPROVED, agency=agency, **_notice_schedule(agency.timezone, days, hour))
    return info, try_transition(agency.officer.id, info.id, S.PUBLISHED)


NC_MESSAGE = ("North Carolina requires at least 7 full days between the first public notice and the opening "
              "(N.C. Gen. Stat. § 143-129(b)); this schedule gives {}.")


@pytest.mark.parametrize(("days", "full_days"), [(5, 4), (7, 6)])
def test_nc_needs_seven_full_days_of_notice(app, make_agency, make_solicitation, try_transition,
                                            load_solicitation, days, full_days):
    info, error = _publish_with_notice(app, make_agency, make_solicitation, try_transition, "NC", days)
    assert isinstance(error, TransitionError)
    assert error.problems == [NC_MESSAGE.format(full_days)]
    assert load_solicitation(info.id).status == S.APPROVED


@pytest.mark.parametrize("days", [8, 9])  # 8 days between the dates = 7 full days
def test_nc_seven_full_days_are_enough(app, make_agency, make_solicitation, try_transition,
                                       load_solicitation, days):
    info, error = _publish_with_notice(app, make_agency, make_solicitation, try_transition, "NC", days)
    assert error is None, error.problems if error else None
    assert load_solicitation(info.id).status == S.PUBLISHED


def test_nc_counts_days_in_the_agency_time_zone(app, make_agency, make_solicitation, try_transition):
    """An opening at 9 PM in Raleigh on the 17th is already the 18th in UTC: counted in UTC it
    would give 7 full days; in the agency's own calendar it gives 6, which is too few."""
    info, error = _publish_with_notice(app, make_agency, make_solicitation, try_transition, "NC", 7, hour=21)
    with app.app_context():
        due_at = db.session.get(Solicitation, info.id).due_at
    assert (due_at.date() - NOTICE_DAY).days == 8  # the UTC date
    assert error is not None and error.problems == [NC_MESSAGE.format(6)]


@pytest.mark.parametrize("agency_type", [AgencyType.COUNTY, AgencyType.MUNICIPALITY])
def test_nc_local_governments_need_the_same_notice(app, make_agency, make_solicitation, try_transition,
                                                   agency_type):
    _, error = _publish_with_notice(app, make_agency, make_solicitation, try_transition, "NC", 5,
                                    agency_type=agency_type)
    assert error.problems == [NC_MESSAGE.format(4)]


@pytest.mark.parametrize(("agency_type", "citation"), [
    (AgencyType.SCHOOL_DISTRICT, "Tex. Educ. Code § 44.031(g)"),
    (AgencyType.COUNTY, "Tex. Loc. Gov't Code §§ 252.041(a), 262.025(a)"),
])
def test_tx_needs_fourteen_calendar_days(app, make_agency, make_solicitation, try_transition,
                                         load_solicitation, agency_type, citation):
    info, error = _publish_with_notice(app, make_agency, make_solicitation, try_transition, "TX", 13,
                                       agency_type=agency_type)
    assert error.problems == [f"Texas requires at least 14 calendar days between the first public notice "
                              f"and the opening ({citation}); this schedule gives 13."]
    assert load_solicitation(info.id).status == S.APPROVED

    info, error = _publish_with_notice(app, make_agency, make_solicitation, try_transition, "TX", 14,
                                       agency_type=agency_type)
    assert error is None, error.problems if error else None
    assert load_solicitation(info.id).status == S.PUBLISHED


@pytest.mark.parametrize("days", [1, 2])
def test_va_unknown_minimum_does_not_block(app, make_agency, make_solicitation, try_transition,
                                           load_solicitation, days):
    info, error = _publish_with_notice(app, make_agency, make_solicitation, try_transition, "VA", days)
    assert error is None, error.problems if error else None
    assert load_solicitation(info.id).status == S.PUBLISHED


def test_the_earliest_notice_counts(app, make_agency, make_solicitation, try_transition, load_solicitation):
    agency = make_agency("NC")
    clock.freeze(local_datetime(agency.timezone, NOTICE_DAY, 8))
    schedule = _notice_schedule(agency.timezone, 8)
    schedule["notices"] = [
        {"medium": NoticeMedium.WEBSITE, "outlet": "county.example", "published_on": NOTICE_DAY + timedelta(days=3)},
        {"medium": NoticeMedium.NEWSPAPER, "outlet": "The Daily Record", "published_on": NOTICE_DAY}]
    info = make_solicitation(S.APPROVED, agency=agency, **schedule)
    assert try_transition(agency.officer.id, info.id, S.PUBLISHED) is None


def test_the_notice_period_is_not_checked_before_publication(app, make_agency, make_solicitation,
                                                             try_transition, load_solicitation):
    """Submission and approval check content; the notice period is checked when publishing."""
    agency = make_agency("NC")
    clock.freeze(local_datetime(agency.timezone, NOTICE_DAY, 8))
    info = make_solicitation(S.APPROVED, agency=agency, **_notice_schedule(agency.timezone, 3))
    assert load_solicitation(info.id).status == S.APPROVED


# ----------------------------------------------------------------------------- cancelling
@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_cancelling_needs_a_reason(app, make_solicitation, try_transition, load_solicitation, audit_events,
                                   source, reason):
    clock.freeze(T0)
    info = make_solicitation(source)
    events = audit_events(info.id)
    error = try_transition(info.agency.officer.id, info.id, S.CANCELLED, reason=reason)
    assert error.message == "Cancel is not possible yet."
    assert error.problems == ["Give the reason for cancelling; it is published with the cancellation."]
    s = load_solicitation(info.id)
    assert (s.status, s.cancelled_at, s.cancel_reason) == (source, None, None)
    assert audit_events(info.id) == events


def test_cancelling_without_any_reason_argument(app, make_solicitation, try_transition):
    info = make_solicitation(S.PUBLISHED)
    error = try_transition(info.agency.officer.id, info.id, S.CANCELLED)
    assert error.problems == ["Give the reason for cancelling; it is published with the cancellation."]


@pytest.mark.parametrize("source", SOURCES)
def test_a_cancelled_solicitation_records_its_reason(app, make_solicitation, try_transition,
                                                     load_solicitation, audit_events, source):
    clock.freeze(T0)
    info = make_solicitation(source)
    now = clock.now()
    assert try_transition(info.agency.admin.id, info.id, S.CANCELLED,
                          reason="  The board withdrew the funding.  ") is None
    s = load_solicitation(info.id)
    assert s.status == S.CANCELLED and s.cancelled_at == now
    assert s.cancel_reason == "The board withdrew the funding."
    event = audit_events(info.id)[-1]
    assert event.action == "solicitation.cancelled" and event.data["from"] == source.value
    assert event.data["reason"] == "The board withdrew the funding."
    # Cancelled is final.
    for target in ALL_STATUSES:
        error = try_transition(info.agency.admin.id, info.id, target, reason="again")
        assert error is not None and "cannot go from cancelled" in error.message


def test_the_staff_page_refuses_a_cancellation_without_a_reason(app, client, make_solicitation,
                                                                load_solicitation):
    info = make_solicitation(S.APPROVED)
    login(client, info.agency.officer)
    response = client.submit(f"/agency/solicitations/{info.id}/status/cancelled", {"reason": " "})
    assert response.status_code == 302
    assert "Give the reason for cancelling" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert load_solicitation(info.id).status == S.APPROVED

    response = client.submit(f"/agency/solicitations/{info.id}/status/cancelled",
                             {"reason": "Specifications are being rewritten."})
    assert response.status_code == 302
    s = load_solicitation(info.id)
    assert s.status == S.CANCELLED and s.cancel_reason == "Specifications are being rewritten."


# ----------------------------------------------------------------------------- concurrency
@pytest.mark.parametrize(("source", "target", "actor"), [
    (S.APPROVED, S.PUBLISHED, "officer"),
    (S.APPROVED, S.PUBLISHED, "system"),
    (S.DRAFT, S.PENDING_APPROVAL, "officer"),
    (S.PUBLISHED, S.CLOSED, "system"),
])
def test_a_stale_copy_cannot_repeat_a_transition(app, make_solicitation, audit_events, outbox,
                                                 source, target, actor):
    """Two workers load the same solicitation; the first one's change wins and the second,
    working from its stale copy, is refused without recording anything."""
    clock.freeze(T0)
    info = make_solicitation(source, publish_at=T0 + timedelta(hours=1))
    with app.app_context():
        due_at = db.session.get(Solicitation, info.id).due_at
    clock.freeze(due_at if target == S.CLOSED else T0 + timedelta(hours=2))
    actor_id = info.agency.officer.id if actor == "officer" else None

    with app.app_context(), app.test_request_context():  # worker A
        stale = db.session.get(Solicitation, info.id)
        stale_actor = db.session.get(User, actor_id) if actor_id else None
        assert stale.status == source
        with app.app_context(), app.test_request_context():  # worker B: its own session
            fresh = db.session.get(Solicitation, info.id)
            assert fresh is not stale
            services.change_status(db.session.get(User, actor_id) if actor_id else None, fresh, target)
            db.session.commit()
        assert stale.status == source  # A still believes the old status
        with pytest.raises(TransitionError) as caught:
            services.change_status(stale_actor, stale, target)
        db.session.rollback()
    assert caught.value.message == "Someone else changed this solicitation first; reload the page."
    actions = [e.action for e in audit_events(info.id)]
    assert actions.count(f"solicitation.{target.value}") == 1
    with app.app_context():
        assert db.session.get(Solicitation, info.id).status == target


def test_two_approvers_at_once_leave_the_first_approval(app, make_solicitation, agency, audit_events,
                                                         load_solicitation):
    info = make_solicitation(S.PENDING_APPROVAL)
    with app.app_context(), app.test_request_context():
        stale = db.session.get(Solicitation, info.id)
        second = db.session.get(User, agency.second_approver.id)
        with app.app_context(), app.test_request_context():
            services.change_status(db.session.get(User, agency.approver.id),
                                   db.session.get(Solicitation, info.id), S.APPROVED)
            db.session.commit()
        with pytest.raises(TransitionError):
            services.change_status(second, stale, S.APPROVED)
        db.session.rollback()
    s = load_solicitation(info.id)
    assert s.status == S.APPROVED and s.approved_by_id == agency.approver.id
    assert [e.actor_id for e in audit_events(info.id) if e.action == "solicitation.approved"] == [agency.approver.id]


def test_repeating_a_transition_in_memory_is_refused(app, make_solicitation, agency, audit_events):
    """Same session, status put back in memory (as a double-submitted form would see it)."""
    from sqlalchemy.orm.attributes import set_committed_value

    clock.freeze(T0)
    info = make_solicitation(S.APPROVED)
    with app.test_request_context():
        s = db.session.get(Solicitation, info.id)
        officer = db.session.get(User, agency.officer.id)
        services.change_status(officer, s, S.PUBLISHED)
        db.session.commit()
        set_committed_value(s, "status", S.APPROVED)
        with pytest.raises(TransitionError) as caught:
            services.change_status(officer, s, S.PUBLISHED)
        db.session.rollback()
        assert "Someone else changed" in caught.value.message
        # And on an up-to-date copy the repeat is simply not a transition.
        s = db.session.get(Solicitation, info.id)
        with pytest.raises(TransitionError) as caught:
            services.change_status(officer, s, S.PUBLISHED)
        assert "cannot go from published to published" in caught.value.message
        db.session.rollback()
    assert [e.action for e in audit_events(info.id)].count("solicitation.published") == 1


def test_a_double_submitted_form_changes_the_status_once(app, client, make_solicitation, load_solicitation,
                                                         audit_events):
    info = make_solicitation(S.DRAFT)
    login(client, info.agency.officer)
    token = client.csrf_token()
    first = client.submit(f"/agency/solicitations/{info.id}/status/pending_approval", {"csrf_token": token})
    second = client.submit(f"/agency/solicitations/{info.id}/status/pending_approval", {"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert load_solicitation(info.id).status == S.PENDING_APPROVAL
    assert [e.action for e in audit_events(info.id)].count("solicitation.pending_approval") == 1


def test_audit_chain_stays_intact_through_a_whole_lifecycle(app, make_solicitation):
    from app.audit.services import verify_chain

    clock.freeze(T0)
    make_solicitation(S.CLOSED)
    make_solicitation(S.CANCELLED, cancel_from=S.PUBLISHED)
    with app.app_context():
        assert verify_chain().ok


@pytest.mark.parametrize(("state", "media", "blocked"), [
    ("TX", [NoticeMedium.WEBSITE, NoticeMedium.STATE_PORTAL], True),  # Texas: a newspaper
    ("TX", [NoticeMedium.NEWSPAPER], False),
    ("NC", [NoticeMedium.WEBSITE], False),  # North Carolina: a newspaper or electronic means
    ("NC", [NoticeMedium.STATE_PORTAL, NoticeMedium.OTHER], True),
    ("VA", [NoticeMedium.OTHER], False),  # media unknown: not enforced
])
def test_the_state_notice_media_are_checked_before_publishing(app, make_agency, make_solicitation, try_transition,
                                                              state, media, blocked):
    agency = make_agency(state)
    clock.freeze(local_datetime(agency.timezone, NOTICE_DAY, 8))
    schedule = _notice_schedule(agency.timezone, 20)
    schedule["notices"] = [{"medium": m, "outlet": "Somewhere", "published_on": NOTICE_DAY} for m in media]
    info = make_solicitation(S.APPROVED, agency=agency, **schedule)
    error = try_transition(agency.officer.id, info.id, S.PUBLISHED)
    if blocked:
        assert error is not None and len(error.problems) == 1
        assert "requires the notice to appear in a newspaper" in error.problems[0]
    else:
        assert error is None, error.problems

"""The agency staff's workspaces on the dashboard, read through GET /dashboard: the officer's and
agency administrator's work queue, the approver's list, the evaluator's seats. Each row says what
comes next in words and links to the page where it is done; before the opening only a count of
bids is shown; the number of queries does not grow with the rows."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from tests.conftest import login, page_statements
from tests.workspaces.conftest import section_html, text_of

FORMAT = "%b %-d, %Y %-I:%M %p %Z"  # app.core.templating.format_datetime


def rows(section: str) -> list[tuple[str, list[str]]]:
    """(visible text, hrefs) of every table row of a section."""
    return [(text_of(chunk), re.findall(r'href="([^"]+)"', chunk))
            for chunk in re.findall(r"<tr\b.*?</tr>", section, flags=re.S)]


def row_with(section: str, needle: str) -> tuple[str, list[str]]:
    found = [r for r in rows(section) if needle in r[0]]
    assert found, f"no row with {needle!r} in {[r[0] for r in rows(section)]}"
    return found[0]


def dashboard(app, user) -> str:
    client = app.test_client()
    assert login(client, user).status_code == 302
    response = client.get("/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def local(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime(FORMAT)


@pytest.fixture
def seeded(app, world, agency, other_agency, make_user):
    """One of everything (World.grow(1)), with the agency's evaluator a plain committee member."""
    chair = make_user(Role.EVALUATOR, org_id=agency.id, name="Carla Chair")
    world.grow(1, [agency.evaluator, chair], other_agency.buyer)
    return world


def _solicitations(app, agency_id: int) -> list[tuple[int, str, str, str]]:
    """(id, number, title, status value) of the agency's solicitations."""
    from app.solicitations.models import Solicitation

    with app.app_context():
        return [(s.id, s.number, s.title, s.status.value) for s in db.session.scalars(
            select(Solicitation).where(Solicitation.agency_id == agency_id))]


def one(found: list, status: str, title: str = "") -> tuple[int, str]:
    matches = [(sid, number) for sid, number, t, st in found if st == status and t.startswith(title)]
    assert len(matches) == 1, (status, title, found)
    return matches[0]


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN])
def test_the_work_queue_says_the_next_step_of_each_solicitation_and_links_to_it(app, seeded, agency, role):
    page = dashboard(app, agency.user_with(role))
    queue = section_html(page, "agency-work-queue")
    assert "<h2" not in queue and "<h3" in queue  # the dashboard gives the h2; h3 inside
    found = _solicitations(app, agency.id)
    expected = [
        ("draft", "Library furniture", "Submit for approval", "/agency/solicitations/{id}"),
        ("draft", "Bus tires", "Revise the returned draft and submit it again", "/agency/solicitations/{id}/edit"),
        ("pending_approval", "Cafeteria equipment", "Waiting for an approver", "/agency/solicitations/{id}"),
        ("published", "Art supplies", "Answer 2 questions", "/agency/solicitations/{id}#questions"),
        ("opened", "", "Decide responsiveness of 2 bids", "/agency/solicitations/{id}/bids"),
        ("under_evaluation", "", "Award recommendation waiting for an approver", "/agency/solicitations/{id}/award"),
        ("intent_to_award", "", "Decide 1 protest", "/agency/solicitations/{id}/award"),
    ]
    for status, title, step, url in expected:
        sid, number = one(found, status, title)
        text, links = row_with(queue, number)
        assert step in text, (status, text)
        assert url.format(id=sid) in links, (status, text, links)
    assert "2 sealed bids received" in row_with(queue, one(found, "published")[1])[0]
    assert "2 bids opened" in row_with(queue, one(found, "opened")[1])[0]

    body = text_of(queue)
    for heading in ("Questions waiting for an answer", "Returned by an approver",
                    "Opened bids waiting for a responsiveness decision", "Evaluations", "Open protests",
                    "Contracts expiring within 90 days", "Demand responses received"):
        assert heading in body, heading
    _, question_links = row_with(queue, "May we offer an equivalent brand?")
    assert f"/agency/solicitations/{one(found, 'published')[0]}#questions" in question_links
    returned_text, returned_links = row_with(queue, "Add the insurance requirement.")
    assert "Revise the draft" in returned_text
    assert f"/agency/solicitations/{one(found, 'draft', 'Bus tires')[0]}/edit" in returned_links
    assert one(found, "opened")[1] in row_with(queue, "2 of 2")[0]
    committee_text, committee_links = row_with(queue, "2 members, 0 statements signed")
    assert "Not started" in committee_text
    assert f"/agency/solicitations/{one(found, 'opened')[0]}/evaluation" in committee_links
    recommended_text, _ = row_with(queue, "Waiting for approval")
    assert one(found, "under_evaluation")[1] in recommended_text and "None needed (price only)" in recommended_text
    protest_text, protest_links = row_with(queue, "Decide the protest")
    assert "Bravo Office" in protest_text  # protests come after the opening: the protester is known
    assert f"/agency/solicitations/{one(found, 'intent_to_award')[0]}/award" in protest_links
    contract_text, contract_links = row_with(queue, "in 30 days")
    assert "Alpha Supply" in contract_text and "1" in contract_text
    assert any(link.startswith("/contracts/") for link in contract_links)
    demand_text, demand_links = row_with(queue, "See the demand")
    assert participant_name(app) in demand_text
    assert f"/agency/solicitations/{one(found, 'draft', 'Library furniture')[0]}#demand" in demand_links


def participant_name(app) -> str:
    from app.solicitations.models import DemandInvitation

    with app.app_context():
        return db.session.scalars(select(DemandInvitation)).first().agency.name



def test_the_approver_sees_what_waits_with_the_author_and_the_date_asked(app, seeded, agency, make_solicitation,
                                                                        make_user):
    from app.awards.models import AwardRecommendation, RecommendationStatus
    from app.solicitations.models import Solicitation, SolicitationStatus

    both = make_user(Role.PROCUREMENT_OFFICER, Role.APPROVER, org_id=agency.id, name="Paula Both")
    own = make_solicitation("pending_approval", author=both, title="Gym floor refinishing")
    with app.app_context():
        pending = db.session.scalars(select(Solicitation).where(
            Solicitation.status == SolicitationStatus.PENDING_APPROVAL).order_by(Solicitation.id)).all()
        waiting = [(s.number, s.id, s.created_by.name, local(s.submitted_at, agency.timezone)) for s in pending]
        rec = db.session.scalar(select(AwardRecommendation).where(
            AwardRecommendation.status == RecommendationStatus.PENDING_APPROVAL))
        rec_row = (rec.solicitation.number, rec.solicitation_id, rec.recommended_by.name,
                   local(rec.created_at, agency.timezone), sorted(b.vendor.name for b in rec.bids))

    section = section_html(dashboard(app, agency.approver), "agency-approvals")
    for number, sid, author, asked in waiting:
        text, links = row_with(section, number)
        assert author in text and asked in text and "Review and approve" in text
        assert f"/agency/solicitations/{sid}" in links
    number, sid, author, asked, vendors = rec_row
    text, links = row_with(section, f"to {', '.join(vendors)}")
    assert number in text and author == "Olive Officer" and author in text and asked in text
    assert f"/agency/solicitations/{sid}/award" in links

    # Never one's own: Paula drafted the gym floor, so she does not see it; the others she does.
    mine = section_html(dashboard(app, both), "agency-approvals")
    assert own.number not in mine
    assert all(number in mine for number, *_ in waiting if number != own.number)


def test_the_evaluator_sees_the_seats_the_statement_and_scoring_without_any_bid_data(app, world, agency, make_user):
    chair = make_user(Role.EVALUATOR, org_id=agency.id, name="Carla Chair")
    waiting, scoring = world.rfp_due_soon(title="Playground surfacing"), world.rfp_due_soon(title="Band uniforms")
    for info in (waiting, scoring):
        for vendor in world.vendors:
            world.bid(info, vendor)
    world.open(waiting, scoring)
    for info in (waiting, scoring):
        world.name_committee(info, [agency.evaluator, chair], chair)
    world.decide_all(scoring)
    world.attest(scoring, agency.evaluator)
    world.move(scoring, "under_evaluation")

    page = dashboard(app, agency.evaluator)
    section = section_html(page, "agency-evaluations")
    text, links = row_with(section, waiting.number)
    assert "Member" in text and "Not signed" in text and "Not started" in text
    assert f"/agency/solicitations/{waiting.id}/evaluation" in links
    assert "Sign the conflict-of-interest statement" in text
    text, links = row_with(section, scoring.number)
    assert "Signed" in text and "Open" in text and "Score the proposals" in text
    assert f"/agency/solicitations/{scoring.id}/evaluation/scores" in links
    visible = text_of(section)
    for vendor_name in ("Alpha Supply", "Bravo Office"):
        assert vendor_name not in page
    assert "$" not in visible and "bid" not in visible.lower()
    # The chair sees the chair's step.
    chair_section = section_html(dashboard(app, chair), "agency-evaluations")
    assert "Chair" in row_with(chair_section, waiting.number)[0]
    # The evaluator has no work queue and no approvals; the officer no evaluator seats.
    assert 'id="agency-work-queue"' not in page and 'id="agency-approvals"' not in page
    assert 'id="agency-evaluations"' not in dashboard(app, agency.officer)


def test_before_the_opening_the_officer_sees_a_count_and_no_bidder(app, world, agency, make_solicitation):
    published = make_solicitation("published", title="Science kits")
    for vendor in world.vendors:
        world.bid(published, vendor)
    for user in (agency.officer, agency.admin):
        page = dashboard(app, user)
        text, _ = row_with(section_html(page, "agency-work-queue"), published.number)
        assert "2 sealed bids received" in text
        for secret in ("Alpha Supply", "Bravo Office", "11.00", "12.00", "Vera Vendor"):
            assert secret not in page, secret


def test_other_agencies_see_none_of_it(app, seeded, other_agency):
    from app.solicitations.models import Solicitation

    page = dashboard(app, other_agency.officer)
    with app.app_context():
        numbers = db.session.scalars(select(Solicitation.number)).all()
    queue = section_html(page, "agency-work-queue")
    assert not any(number in queue for number in numbers)
    assert "No solicitation in progress." in text_of(queue)


def test_dashboard_queries_do_not_grow_with_the_rows(app, world, agency, other_agency, make_user):
    chair = make_user(Role.EVALUATOR, org_id=agency.id, name="Carla Chair")
    both = make_user(Role.PROCUREMENT_OFFICER, Role.APPROVER, Role.EVALUATOR, org_id=agency.id, name="Paula Both")
    people = (agency.officer, agency.admin, agency.approver, agency.evaluator, both)
    clients = {}
    for person in people:
        clients[person.id] = app.test_client()
        assert login(clients[person.id], person).status_code == 302

    def measure() -> dict[int, tuple[int, int]]:
        out = {}
        for person in people:
            page_statements(app, clients[person.id], "/dashboard")  # warm-up
            n, page = page_statements(app, clients[person.id], "/dashboard")
            out[person.id] = (n, len(rows(page)))
        return out

    world.grow(1, [agency.evaluator, both, chair], other_agency.buyer, tag="a")
    small = measure()
    world.grow(3, [agency.evaluator, both, chair], other_agency.buyer, tag="b")
    large = measure()
    for person in people:
        assert large[person.id][1] > small[person.id][1], person  # more rows ...
        assert large[person.id][0] == small[person.id][0], person  # ... same number of queries

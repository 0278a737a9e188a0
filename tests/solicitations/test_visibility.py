"""Who sees a solicitation in which status: the public pages (page, PDF, calendar, open list)
show only what has been advertised; the staff pages only the lead agency's solicitation staff,
and among them only officers change anything."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.core import clock
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.solicitations.models import Solicitation
from tests.conftest import login
from tests.solicitations.conftest import UTC, S

T0 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
PUBLIC_URLS = ("/solicitations/{number}", "/solicitations/{number}/document.pdf",
               "/solicitations/{number}/calendar.ics")

ANONYMOUS, VENDOR, OTHER_OFFICER, OTHER_ADMIN, OTHER_EVALUATOR, LEAD_BUYER, PLATFORM_ADMIN = (
    "anonymous", "vendor", "other_agency_officer", "other_agency_admin", "other_agency_evaluator",
    "lead_agency_buyer", "platform_admin")
# The platform's operator is an outsider too: a draft is the agency's work until it is advertised.
OUTSIDERS = (ANONYMOUS, VENDOR, OTHER_OFFICER, OTHER_ADMIN, OTHER_EVALUATOR, LEAD_BUYER, PLATFORM_ADMIN)
# (status, cancelled from): none of these was ever advertised.
UNPUBLISHED = [
    pytest.param(S.DRAFT, None, id="draft"),
    pytest.param(S.PENDING_APPROVAL, None, id="pending_approval"),
    pytest.param(S.APPROVED, None, id="approved"),
    pytest.param(S.CANCELLED, S.DRAFT, id="cancelled_draft"),
    pytest.param(S.CANCELLED, S.APPROVED, id="cancelled_when_approved"),
]


def _sign_in(client, who: str, lead, make_org, make_user) -> None:
    if who == ANONYMOUS:
        return
    if who == VENDOR:
        user = make_user(Role.VENDOR_USER)
    elif who == PLATFORM_ADMIN:
        user = make_user(Role.ADMIN)
    elif who == LEAD_BUYER:
        user = lead.buyer
    else:
        other = make_org(OrganizationKind.AGENCY, state="VA", short_code="OTHER")
        role = {OTHER_OFFICER: Role.PROCUREMENT_OFFICER, OTHER_ADMIN: Role.AGENCY_ADMIN,
                OTHER_EVALUATOR: Role.EVALUATOR}[who]
        user = make_user(role, org_id=other)
    assert login(client, user).status_code == 302


def _listed(client, info, title: str) -> bool:
    """Whether the open list links to it (plain and when searched for by its number)."""
    link = f'href="/solicitations/{info.number}"'
    page = client.get("/solicitations/").get_data(as_text=True)
    found = link in page
    assert found == (title in page)
    searched = client.get("/solicitations/", query_string={"q": info.number}).get_data(as_text=True)
    assert (link in searched) == found and (title in searched) == found
    return found


# ----------------------------------------------------------------------------- public pages
@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("status", "cancel_from"), UNPUBLISHED)
def test_unpublished_solicitations_do_not_exist_for_outsiders(app, client, make_solicitation, agency, make_org,
                                                              make_user, who, status, cancel_from):
    clock.freeze(T0)
    hidden = make_solicitation(status, cancel_from=cancel_from or S.DRAFT, title="Hidden turf replacement")
    shown = make_solicitation(S.PUBLISHED, title="Advertised copier lease")
    _sign_in(client, who, agency, make_org, make_user)

    for url in PUBLIC_URLS:
        assert client.get(url.format(number=hidden.number)).status_code == 404, url
        assert client.get(url.format(number=shown.number)).status_code == 200, url
    assert not _listed(client, hidden, "Hidden turf replacement")
    assert _listed(client, shown, "Advertised copier lease")


@pytest.mark.parametrize("who", OUTSIDERS)
def test_published_solicitations_are_public(app, client, make_solicitation, agency, make_org, make_user, who):
    clock.freeze(T0)
    info = make_solicitation(S.PUBLISHED, title="Advertised copier lease")
    _sign_in(client, who, agency, make_org, make_user)
    page = client.get(f"/solicitations/{info.number}")
    assert page.status_code == 200 and "Advertised copier lease" in page.get_data(as_text=True)
    pdf = client.get(f"/solicitations/{info.number}/document.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    ics = client.get(f"/solicitations/{info.number}/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar" and b"BEGIN:VCALENDAR" in ics.data
    assert _listed(client, info, "Advertised copier lease")


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN, Role.APPROVER, Role.EVALUATOR])
@pytest.mark.parametrize("status", [S.DRAFT, S.PENDING_APPROVAL, S.APPROVED])
def test_lead_agency_staff_can_preview_the_unpublished_page(app, client, make_solicitation, agency, role, status):
    info = make_solicitation(status, title="Hidden turf replacement")
    login(client, agency.user_with(role))
    for url in PUBLIC_URLS:
        assert client.get(url.format(number=info.number)).status_code == 200, url
    assert not _listed(client, info, "Hidden turf replacement")  # the open list is the public's


def test_closed_solicitations_drop_off_the_open_list(app, client, make_solicitation, runner):
    clock.freeze(T0)
    info = make_solicitation(S.PUBLISHED, title="Advertised copier lease")
    assert _listed(client, info, "Advertised copier lease")
    info = make_solicitation(S.CLOSED, title="Closed copier lease")  # moves the clock to its due date
    assert not _listed(client, info, "Closed copier lease")
    for url in PUBLIC_URLS[1:]:
        assert client.get(url.format(number=info.number)).status_code == 200, url


@pytest.mark.parametrize("status", [S.PUBLISHED, S.CLOSED])
def test_public_pages_after_the_deadline(app, client, make_solicitation, status):
    """Past the due date the pages say bids are closed (the countdown macro needs `now`)."""
    clock.freeze(T0)
    info = make_solicitation(status, title="Copier lease")
    with app.app_context():
        due_at = db.session.get(Solicitation, info.id).due_at
    clock.freeze(due_at + timedelta(minutes=5))
    page = client.get(f"/solicitations/{info.number}")  # anonymous
    assert page.status_code == 200
    assert "Bids closed" in page.get_data(as_text=True)
    login(client, info.agency.officer)
    assert client.get(f"/agency/solicitations/{info.id}").status_code == 200


def test_a_solicitation_cancelled_after_publication_stays_public_with_its_reason(app, client,
                                                                                  make_solicitation):
    clock.freeze(T0)
    info = make_solicitation(S.CANCELLED, cancel_from=S.PUBLISHED, title="Copier lease")
    page = client.get(f"/solicitations/{info.number}")
    assert page.status_code == 200
    assert "Cancelled: Funding withdrawn" in page.get_data(as_text=True)
    assert not _listed(client, info, "Copier lease")


# ----------------------------------------------------------------------------- staff pages
STAFF_STATUSES = [S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.PUBLISHED]


@pytest.mark.parametrize("status", STAFF_STATUSES)
def test_anonymous_users_are_sent_to_sign_in(app, client, make_solicitation, status, load_solicitation):
    info = make_solicitation(status)
    for url in (f"/agency/solicitations/{info.id}", f"/agency/solicitations/{info.id}/edit",
                "/agency/solicitations/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/accounts/login"), url
    response = client.submit(f"/agency/solicitations/{info.id}/status/cancelled", {"reason": "No"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/accounts/login")
    assert load_solicitation(info.id).status == status


@pytest.mark.parametrize("who", [VENDOR, OTHER_OFFICER, OTHER_ADMIN, OTHER_EVALUATOR, LEAD_BUYER])
@pytest.mark.parametrize("status", STAFF_STATUSES)
def test_staff_pages_are_forbidden_to_vendors_and_other_agencies(app, client, make_solicitation, agency,
                                                                 make_org, make_user, load_solicitation,
                                                                 audit_events, who, status):
    info = make_solicitation(status)
    events = audit_events(info.id)
    _sign_in(client, who, agency, make_org, make_user)
    missing = info.id + 1000
    # Refused as for an id that does not exist: another agency's staff get 404 (its ids are not
    # confirmed); a vendor or the lead agency's buyer is refused by role (403) whatever the id.
    expected = 404 if who in (OTHER_OFFICER, OTHER_ADMIN, OTHER_EVALUATOR) else 403
    assert client.get(f"/agency/solicitations/{info.id}").status_code == expected
    assert client.get(f"/agency/solicitations/{missing}").status_code == expected
    edit = client.get(f"/agency/solicitations/{info.id}/edit").status_code
    assert edit in (403, 404) and edit == client.get(f"/agency/solicitations/{missing}/edit").status_code
    for target in ("pending_approval", "approved", "published", "cancelled", "draft"):
        response = client.submit(f"/agency/solicitations/{info.id}/status/{target}",
                                 {"reason": "Because", "note": "x"})
        assert response.status_code in (403, 404), target
        assert response.status_code == client.submit(f"/agency/solicitations/{missing}/status/{target}",
                                                      {"reason": "Because", "note": "x"}).status_code, target
    assert load_solicitation(info.id).status == status
    assert audit_events(info.id) == events


def test_other_agencies_do_not_see_our_solicitations_in_their_list(app, client, make_solicitation,
                                                                   other_agency):
    info = make_solicitation(S.DRAFT, title="Hidden turf replacement")
    login(client, other_agency.officer)
    page = client.get("/agency/solicitations/")
    assert page.status_code == 200
    assert info.number not in page.get_data(as_text=True)


@pytest.mark.parametrize("status", STAFF_STATUSES)
def test_the_evaluator_can_look_but_not_touch(app, client, make_solicitation, agency, load_solicitation,
                                              audit_events, status):
    clock.freeze(T0)
    info = make_solicitation(status, publish_at=T0 + timedelta(hours=1))
    events = audit_events(info.id)
    login(client, agency.evaluator)

    page = client.get(f"/agency/solicitations/{info.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert info.number in html
    assert f"/agency/solicitations/{info.id}/status/" not in html  # no transition buttons
    assert f"/agency/solicitations/{info.id}/edit" not in html

    response = client.get(f"/agency/solicitations/{info.id}/edit")
    assert response.status_code == 403 or (
        response.status_code == 302 and "Only a draft can be edited" in client.get(
            response.headers["Location"]).get_data(as_text=True))
    assert client.submit(f"/agency/solicitations/{info.id}/edit", {"title": "Mine now"}).status_code in (302, 403)

    for target in ("pending_approval", "approved", "published", "closed", "cancelled", "draft"):
        response = client.submit(f"/agency/solicitations/{info.id}/status/{target}",
                                 {"reason": "Because", "note": "x"})
        assert response.status_code in (302, 403), target
        if response.status_code == 302:
            follow = client.get(response.headers["Location"]).get_data(as_text=True)
            assert ("You are not allowed to do this." in follow
                    or "cannot go from" in follow), target
    s = load_solicitation(info.id)
    assert s.status == status and s.title != "Mine now"
    assert audit_events(info.id) == events


@pytest.mark.parametrize("status", STAFF_STATUSES)
def test_the_officer_sees_the_next_steps(app, client, make_solicitation, agency, status):
    info = make_solicitation(status)
    login(client, agency.officer)
    html = client.get(f"/agency/solicitations/{info.id}").get_data(as_text=True)
    assert f"/agency/solicitations/{info.id}/status/cancelled" in html
    assert (f"/agency/solicitations/{info.id}/edit" in html) == (status == S.DRAFT)

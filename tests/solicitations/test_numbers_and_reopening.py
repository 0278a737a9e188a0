"""Solicitation numbers stay unique across agencies; reopening an approved solicitation
withdraws its approval."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.core import clock
from app.extensions import db
from app.solicitations import services
from app.solicitations.models import Solicitation, SolicitationStatus as S, SolicitationType
from tests.conftest import login


def test_agencies_without_short_code_get_distinct_numbers(app, client, make_agency):
    first = make_agency(short_code=None)
    second = make_agency(short_code=None)
    numbers = []
    for agency in (first, second):
        login(client, agency.officer)
        response = client.submit("/agency/solicitations/new", {"type": "rfp", "title": "Copier lease"})
        assert response.status_code == 302  # not a 500 from a duplicate number
        client.submit("/accounts/logout")
        with app.app_context():
            numbers.append(db.session.scalar(select(Solicitation.number)
                                             .where(Solicitation.agency_id == agency.id)))
    year = clock.now().year
    assert numbers == [f"AG{first.id}-RFP-{year}-001", f"AG{second.id}-RFP-{year}-001"]


def test_reopening_an_approved_solicitation_withdraws_the_approval(app, make_solicitation, agency):
    info = make_solicitation(S.APPROVED)
    with app.test_request_context():
        s = db.session.get(Solicitation, info.id)
        assert s.approved_by_id is not None
        officer = db.session.get(User, agency.officer.id)
        services.change_status(officer, s, S.DRAFT, note="Add the bid bond")
        db.session.commit()
    with app.app_context():
        s = db.session.get(Solicitation, info.id)
        assert s.status == S.DRAFT
        assert s.approved_at is None and s.approved_by_id is None
        assert s.return_note == "Add the bid bond"


def test_new_numbers_keep_counting_per_agency(app, make_agency):
    agency = make_agency(short_code="ZED")
    with app.test_request_context():
        officer = db.session.get(User, agency.officer.id)
        made = [services.create_solicitation(officer, type_=SolicitationType.IFB, title=f"Item {n}").number
                for n in range(3)]
        db.session.commit()
    year = clock.now().year
    assert made == [f"ZED-IFB-{year}-{n:03d}" for n in (1, 2, 3)]


def _agency_settings(short_code: str) -> dict:
    return {"name": "Second Agency", "agency_type": "school_district", "state": "VA", "timezone": "America/New_York",
            "short_code": short_code, "enrollment": "", "population": "", "protest_period_days": "10"}


def test_a_short_code_that_would_repeat_another_agencys_numbers_is_refused_beside_the_field(app, client,
                                                                                             make_agency):
    first, second = make_agency(short_code=None), make_agency(short_code="SECOND")
    login(client, first.officer)
    assert client.submit("/agency/solicitations/new", {"type": "rfp", "title": "Copier lease"}).status_code == 302
    client.submit("/accounts/logout")
    login(client, first.admin)
    assert client.submit("/accounts/organization", {**_agency_settings("FIRST"), "name": "First"}).status_code == 302
    client.submit("/accounts/logout")
    login(client, second.admin)
    # AG<id> numbers the agencies without a short code; FIRST numbers what the first agency published before.
    for taken in (f"AG{first.id}", f"AG{first.id + 1000}", "FIRST"):
        response = client.submit("/accounts/organization", _agency_settings(taken))
        assert response.status_code == 200, taken
        assert "solicitation numbers" in response.get_data(as_text=True) and f'value="{taken}"' in \
            response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(type(db.session.get(User, second.admin.id).organization), second.id).short_code \
            == "SECOND"


def test_a_number_already_taken_is_a_clear_refusal_not_a_500(app, client, make_agency):
    first, second = make_agency(short_code="TAKEN"), make_agency(short_code="OTHER")
    login(client, first.officer)
    assert client.submit("/agency/solicitations/new", {"type": "rfp", "title": "Copier lease"}).status_code == 302
    with app.app_context():  # the short code changed hands outside the settings page (a data fix, a race)
        db.session.get(User, first.officer.id).organization.short_code = "FORMER"
        db.session.get(User, second.officer.id).organization.short_code = "TAKEN"
        db.session.commit()
    client.submit("/accounts/logout")
    login(client, second.officer)
    response = client.submit("/agency/solicitations/new", {"type": "rfp", "title": "Copier lease"})
    assert response.status_code == 200 and "already used" in response.get_data(as_text=True)

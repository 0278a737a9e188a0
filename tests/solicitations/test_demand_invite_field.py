"""The agency asked for its quantities is a type-ahead field on the staff page (issue 16), never a
checkbox for every agency on CoopBid: a typed name asks it without JavaScript (several of that name
or close names: radio buttons to choose; none: said beside the field, the typed text kept); the
suggestions are the officers' alone and never name the lead agency itself or a stand-in."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.roles import OrganizationKind
from app.extensions import db
from app.solicitations.models import DemandInvitation
from tests.conftest import page_statements
from tests.registry.test_typeahead_filters import field
from tests.solicitations.test_follows_demand import client_for

NOW = datetime(2027, 1, 15, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def approved(make_solicitation):
    clock.freeze(NOW)
    return make_solicitation("approved")


def _invited(app) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(DemandInvitation.agency_id)))


def _ask(officer, s, **form):
    return officer.submit(f"/agency/solicitations/{s.id}/demand", form)


def test_the_manage_page_lists_no_agency_and_its_statements_do_not_grow(app, approved, make_org):
    officer = client_for(app, approved.agency.officer)
    page = f"/agency/solicitations/{approved.id}"
    officer.get(page)  # warm-up
    few, body = page_statements(app, officer, page)
    assert 'name="agency_name"' in body and 'role="combobox"' not in body  # the script adds the role
    for i in range(15):
        make_org(OrganizationKind.AGENCY, name=f"Directory District {i}")
    many, body = page_statements(app, officer, page)
    assert many == few and "Directory District" not in body


def test_a_typed_name_asks_that_agency(app, approved, make_agency, make_org):
    piedmont = make_agency("NC", name="Piedmont Valley Schools")
    make_agency("VA", name="Lincoln County Schools")
    make_agency("NE", name="Lincoln County Schools")
    officer = client_for(app, approved.agency.officer)
    response = _ask(officer, approved, agency_name="piedmont valley schools")
    assert response.status_code == 302 and response.headers["Location"].endswith("#demand")
    assert _invited(app) == [piedmont.id]

    # Two of that name: radio buttons to choose, nobody asked yet.
    response = _ask(officer, approved, agency_name="Lincoln County Schools", agency="")
    body = response.get_data(as_text=True)
    shown = field(body, "agency")
    assert response.status_code == 200 and shown["value"] == "Lincoln County Schools"
    assert "2 agencies on CoopBid are named “Lincoln County Schools”. Choose one." in shown["message"]
    assert body.count('type="radio" name="agency"') == 2 and "Lincoln County Schools (NE)" in body
    assert _invited(app) == [piedmont.id]
    nebraska = _org(app, "Lincoln County Schools", "NE")
    response = _ask(officer, approved, agency_name="Lincoln County Schools", agency=["", str(nebraska)])
    assert response.status_code == 302 and _invited(app) == sorted([piedmont.id, nebraska])
    # The label a suggestion puts in the field reads back.
    virginia = _org(app, "Lincoln County Schools", "VA")
    assert _ask(officer, approved, agency_name="Lincoln County Schools (VA)").status_code == 302
    assert virginia in _invited(app)

    # None of that name: said beside the field, the typed text kept.
    make_org(OrganizationKind.AGENCY, name="Zephyr Stand-in District", stand_in=True)
    for typed in ("Zephyr Stand-in District", approved_name(app, approved)):
        response = _ask(officer, approved, agency_name=typed)
        shown = field(response.get_data(as_text=True), "agency")
        assert response.status_code == 200 and shown["value"] == typed and shown["invalid"]
        assert f"No agency on CoopBid is named “{typed}”" in shown["message"]
    response = _ask(officer, approved, agency_name="")
    assert "Type the name of the agency to ask" in field(response.get_data(as_text=True), "agency")["message"]
    assert len(_invited(app)) == 3


def approved_name(app, s) -> str:
    from app.accounts.models import Organization

    with app.app_context():
        return db.session.get(Organization, s.agency.id).name


def _org(app, name: str, state: str) -> int:
    from app.accounts.models import Organization

    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.name == name, Organization.state == state))


def test_suggestions_are_for_the_officers_and_name_agencies_only(app, approved, make_agency, make_org, other_agency,
                                                                 client):
    make_agency("NC", name="Piedmont Valley Schools")
    make_org(OrganizationKind.AGENCY, name="Piedmont Stand-in", stand_in=True)
    make_org(OrganizationKind.VENDOR, name="Piedmont Office Supply", tax_id="56-1234567")
    url = f"/api/v1/agency/solicitations/{approved.id}/suggest/participant"
    found = client_for(app, approved.agency.officer).get(url, query_string={"q": "pied"})
    assert found.status_code == 200 and [f["label"] for f in found.get_json()] == ["Piedmont Valley Schools (NC)"]
    own = approved_name(app, approved)
    assert client_for(app, approved.agency.officer).get(url, query_string={"q": own}).get_json() == []
    assert client_for(app, approved.agency.officer).get(url, query_string={"q": "p"}).status_code == 400
    assert client_for(app, approved.agency.evaluator).get(url, query_string={"q": "pied"}).status_code == 403
    assert client_for(app, other_agency.officer).get(url, query_string={"q": "pied"}).status_code == 404
    assert client.get(url, query_string={"q": "pied"}).status_code in (302, 401)

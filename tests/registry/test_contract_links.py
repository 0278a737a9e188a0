"""A registered contract that names a platform member (an agency by name and state, a vendor by tax
ID) does not attach it: the member's staff get no part in the contract until its administrator
confirms it is theirs; declining keeps the names as typed; no one else answers for it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.core.roles import Role
from app.extensions import db
from tests.conftest import login
from tests.registry.test_registration import URL, _form

DISTRICT = "Fairfax Ridge Public Schools"
LINKS = "/contracts/links"


@pytest.fixture
def district(make_agency):
    return make_agency("VA", name=DISTRICT)


def _as(client, user) -> None:
    client.submit("/accounts/logout")
    assert login(client, user).status_code == 302


def _register_naming(client, coop, district=None, vendor_tax_id=None, number="HCDE-24-117"):
    _as(client, coop.admin)
    overrides = {"number": number}
    if district is not None:
        overrides.update(lead_agency_name=DISTRICT.upper(), lead_agency_state="VA", lead_agency_type="school_district")
    if vendor_tax_id is not None:
        overrides["vendor_tax_id"] = vendor_tax_id
    response = client.submit(URL, _form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _contract(app, number="HCDE-24-117"):
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.number == number))
        return contract.agency_id, contract.vendor_id, contract.agency.name, contract.vendor.name


def _renewals(app, number="HCDE-24-117") -> int:
    from app.contracts.models import Contract

    with app.app_context():
        return db.session.scalar(select(Contract.renewals_used).where(Contract.number == number))


def _link_id(app) -> int:
    from app.contracts.models import ContractLink

    with app.app_context():
        return db.session.scalar(select(ContractLink.id).order_by(ContractLink.id.desc()))


def _mail(app, kind):
    from app.notifications.models import OutboxMessage

    with app.app_context():
        return [(m.to_address, m.body_text) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def test_naming_a_platform_agency_gives_its_staff_no_part_until_it_confirms(app, client, coop, district):
    _register_naming(client, coop, district)
    # The district's staff are not the lead agency: they may check and join it like anyone else, and
    # they neither keep the record nor see the participants.
    _as(client, district.admin)
    page = client.get("/contracts/HCDE-24-117").get_data(as_text=True)
    assert "Check and join" in page
    client.submit("/contracts/HCDE-24-117/renew")
    assert _renewals(app) == 0
    agency_id, _, agency_name, _ = _contract(app)
    assert agency_id != district.id and agency_name == DISTRICT.upper()
    registry = client.get("/contracts/", query_string={"agency": district.id, "state": ""}).get_data(as_text=True)
    assert "/contracts/HCDE-24-117\"" not in registry
    # Its administrators are asked, by e-mail and on the contract links page.
    [(to, body)] = _mail(app, "contract_link_request")
    assert "HCDE-24-117" in body and "/contracts/links" in body
    links = client.get(LINKS).get_data(as_text=True)
    assert "HCDE-24-117" in links and "Waiting for your answer" in links and DISTRICT.upper() in links


def test_confirming_attaches_the_contract_to_the_member(app, client, coop, district):
    _register_naming(client, coop, district)
    _as(client, district.admin)
    response = client.submit(f"{LINKS}/{_link_id(app)}/confirm")
    assert response.status_code == 302
    agency_id, _, agency_name, _ = _contract(app)
    assert (agency_id, agency_name) == (district.id, DISTRICT)
    page = client.get("/contracts/HCDE-24-117").get_data(as_text=True)
    assert "Check and join" not in page  # it leads the contract now
    _as(client, district.officer)
    client.submit("/contracts/HCDE-24-117/renew")
    assert _renewals(app) == 1  # its staff keep the record
    _as(client, district.admin)
    assert "Confirmed" in client.get(LINKS).get_data(as_text=True)
    assert client.submit(f"{LINKS}/{_link_id(app)}/decline").status_code == 302  # answered once
    assert _contract(app)[0] == district.id


def test_declining_keeps_the_names_as_typed(app, client, coop, district):
    _register_naming(client, coop, district)
    _as(client, district.admin)
    assert client.submit(f"{LINKS}/{_link_id(app)}/decline").status_code == 302
    agency_id, _, agency_name, _ = _contract(app)
    assert agency_id != district.id and agency_name == DISTRICT.upper()
    assert "Declined" in client.get(LINKS).get_data(as_text=True)
    assert "Check and join" in client.get("/contracts/HCDE-24-117").get_data(as_text=True)


def test_a_platform_vendor_named_by_tax_id_is_asked_too(app, client, coop, vendor, make_user):
    from app.accounts.models import Organization

    with app.app_context():
        member = db.session.get(Organization, vendor.organization_id)
        tax_id, member_name = member.tax_id, member.name
    _register_naming(client, coop, vendor_tax_id=tax_id)
    _, vendor_id, _, vendor_name = _contract(app)
    assert vendor_id != vendor.organization_id and vendor_name == "GameTime Playgrounds"
    by_vendor = {"vendor": vendor.organization_id}
    assert "/contracts/HCDE-24-117\"" not in client.get("/contracts/", query_string=by_vendor).get_data(as_text=True)
    # Only the vendor's administrators answer; its other users do not see the question.
    colleague = make_user(Role.VENDOR_USER, org_id=vendor.organization_id)
    _as(client, colleague)
    assert client.get(LINKS).status_code == 403
    assert client.submit(f"{LINKS}/{_link_id(app)}/confirm").status_code == 403
    _as(client, vendor)
    assert client.submit(f"{LINKS}/{_link_id(app)}/confirm").status_code == 302
    assert _contract(app)[1:4:2] == (vendor.organization_id, member_name)
    assert "/contracts/HCDE-24-117\"" in client.get("/contracts/", query_string=by_vendor).get_data(as_text=True)


def test_another_organizations_admin_cannot_answer(app, client, coop, district, other_agency):
    _register_naming(client, coop, district)
    link_id = _link_id(app)
    _as(client, other_agency.admin)
    assert "HCDE-24-117" not in client.get(LINKS).get_data(as_text=True)
    for answer in ("confirm", "decline"):
        assert client.submit(f"{LINKS}/{link_id}/{answer}").status_code == 404
    assert client.submit(f"{LINKS}/999999/confirm").status_code == 404
    _as(client, coop.admin)  # the registrant does not answer for the member either
    assert client.submit(f"{LINKS}/{link_id}/confirm").status_code == 404
    assert _contract(app)[0] != district.id


def test_answers_need_the_csrf_token(app, client, coop, district):
    _register_naming(client, coop, district)
    _as(client, district.admin)
    response = client.post(f"{LINKS}/{_link_id(app)}/confirm")
    assert response.status_code in (302, 400)
    assert _contract(app)[0] != district.id
    page = client.get(LINKS).get_data(as_text=True)
    assert re.search(r'name="csrf_token" value="[^"]+"', page)


def test_a_directory_entry_without_users_and_the_registrants_own_agency_are_matched(app, client, coop, register):
    """No one to ask: a directory entry (no users) is matched as before; and a cooperative registering
    its own contract names itself."""
    from app.contracts.models import ContractLink

    register(number="FIRST")
    register(number="SECOND")
    first, second = _contract(app, "FIRST"), _contract(app, "SECOND")
    assert first[0] == second[0] and first[1] == second[1]
    register(number="OWN", lead_agency_name="Lone Star Purchasing Cooperative", lead_agency_state="TX")
    assert _contract(app, "OWN")[0] == coop.id
    with app.app_context():
        assert db.session.scalar(select(ContractLink.id)) is None

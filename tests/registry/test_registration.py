"""Registration of contracts awarded elsewhere: who may, what a good registration makes (a
registrant-sourced contract with facts, price list, documents, eligibility, audit), and bad input
refused field by field with the typed text kept and nothing saved."""
from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from tests.conftest import login

URL = "/contracts/register"


def _form(**overrides) -> dict:
    today = clock.now().date()
    data = {
        "number": "HCDE-24-117", "title": "Playground equipment and surfacing",
        "summary": "Playground structures, installation and safety surfacing.",
        "lead_agency_name": "Harris County Department of Education", "lead_agency_state": "TX",
        "lead_agency_type": "public_cooperative", "vendor_name": "GameTime Playgrounds", "vendor_tax_id": "63-0474000",
        "vendor_state": "AL", "procurement_category": "goods", "effective_on": str(today - timedelta(days=30)),
        "expires_on": str(today + timedelta(days=700)), "renewal_options": "2", "renewal_term_years": "1",
        "ceiling_value": "2500000", "cooperative_clause": "yes", "eligible_states": "",
        "solicitation_method": "competitive_proposals", "award_basis": "best_value",
        "notice_first_published": str(today - timedelta(days=120)), "notice_media": ["newspaper", "website"],
        "bid_opening": str(today - timedelta(days=90)), "sealed_bids": "yes", "bids_received": "6",
        "award_date": str(today - timedelta(days=40)), "lead_distance_miles": "",
        "price_list": "Composite play structure, ages 5-12 | each | 48500\nPoured-in-place rubber surfacing | sq ft | 18.75",
    }
    data.update(overrides)
    return data


def _contracts(app) -> int:
    from app.contracts.models import Contract

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contract))


def _stored_files(app) -> set[Path]:
    return {p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()}


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("vendor", 403), ("district officer", 403), ("district admin", 403),
    ("coop evaluator", 403), ("coop buyer", 403), ("coop officer", 200), ("coop admin", 200), ("platform admin", 200),
])
def test_who_may_register(app, client, coop, agency, vendor, make_user, who, expected):
    users = {"vendor": vendor, "district officer": agency.officer, "district admin": agency.admin,
             "coop evaluator": coop.evaluator, "coop buyer": coop.buyer, "coop officer": coop.officer,
             "coop admin": coop.admin}
    if who == "platform admin":
        users[who] = make_user(Role.ADMIN)
    if who != "anonymous":
        login(client, users[who])
    assert client.get(URL).status_code == expected
    response = client.submit(URL, _form())
    assert response.status_code == (302 if expected == 200 else expected)
    assert _contracts(app) == (1 if expected == 200 else 0)
    registry = client.get("/contracts/").get_data(as_text=True)
    assert ("Register a contract awarded elsewhere" in registry) == (expected == 200)


def test_a_registration_makes_a_registrant_sourced_contract(app, client, coop, files, categories):
    from app.audit.models import AuditEvent
    from app.contracts.models import Contract, ContractSource

    login(client, coop.admin)
    data = _form(categories=[str(categories[2].id)],
                 documents=[(io.BytesIO(files["pdf"]), "award-letter.pdf"), (io.BytesIO(files["docx"]), "terms.docx")],
                 price_file=(io.BytesIO(b"description,unit,price\n\"Swing set, 2 bays\",each,3100\n"), "prices.csv"))
    response = client.submit(URL, data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/contracts/HCDE-24-117")
    with app.app_context():
        contract = db.session.scalar(select(Contract))
        assert contract.source == ContractSource.REGISTRANT and contract.registered_by_id == coop.admin.id
        assert contract.agency.name == "Harris County Department of Education" and contract.agency.members == []
        assert contract.vendor.tax_id == "63-0474000" and contract.categories[0].id == categories[2].id
        assert [(l.description, str(l.unit_price)) for l in contract.lines] == [
            ("Composite play structure, ages 5-12", "48500.0000"), ("Poured-in-place rubber surfacing", "18.7500"),
            ("Swing set, 2 bays", "3100.0000")]
        assert contract.registered_facts["solicitation_method"] == "competitive_proposals"
        assert contract.registered_facts["notice_media"] == ["newspaper", "website"]
        assert len(contract.eligibility) > 0
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.registered"))
        assert sorted(d["sha256"] for d in event.data["documents"]) == sorted(
            hashlib.sha256(f).hexdigest() for f in (files["pdf"], files["docx"]))
    page = client.get("/contracts/HCDE-24-117").get_data(as_text=True)
    assert "Facts supplied by registrant" in page and "Price list (supplied by the registrant)" in page
    assert "registered by Lone Star Purchasing Cooperative" in page
    registry = client.get("/contracts/", query_string={"q": "swing"}).get_data(as_text=True)
    assert "HCDE-24-117" in registry and "Facts supplied by registrant" in registry


def test_bad_input_is_refused_beside_each_field_with_the_typed_text_kept(app, client, coop, files):
    login(client, coop.officer)
    before = _stored_files(app)
    today = clock.now().date()
    data = _form(title="", vendor_tax_id="12345", expires_on=str(today - timedelta(days=60)), eligible_states="TX, ZZ",
                 price_list="Composite play structure | each\nSlide | each | cheap",
                 award_date=str(today - timedelta(days=100)), ceiling_value="-5",
                 documents=[(io.BytesIO(files["png"]), "photo.png"), (io.BytesIO(files["pdf"]), "good.pdf")])
    response = client.submit(URL, data, content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    errors = dict(re.findall(r'<div id="([a-z_]+)-error" class="invalid-feedback d-block">\s*(.*?)</div>', body, re.S))
    assert set(errors) == {"title", "vendor_tax_id", "expires_on", "eligible_states", "price_list", "award_date",
                           "ceiling_value", "documents"}, errors
    assert "Line 1" in errors["price_list"] and "photo.png" in errors["documents"] and "ZZ" in errors["eligible_states"]
    for field in ("title", "vendor_tax_id", "price_list"):
        assert f'aria-describedby="{field}-error"' in body or f'{field}-hint {field}-error' in body
    assert 'value="12345"' in body and "Slide | each | cheap" in body and 'value="TX, ZZ"' in body
    assert _contracts(app) == 0 and _stored_files(app) == before


def test_a_fact_the_engine_refuses_and_a_taken_number(app, client, coop, register):
    login(client, coop.admin)
    today = clock.now().date()
    response = client.submit(URL, _form(bid_opening=str(today - timedelta(days=200))))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="bid_opening-error"' in body and "before the first public notice" in body
    register(number="TAKEN-1")
    response = client.submit(URL, _form(number="taken-1"))
    assert response.status_code == 422 and 'id="number-error"' in response.get_data(as_text=True)
    for bad in ("register", "a/b", "../x", "with space"):
        response = client.submit(URL, _form(number=bad))
        assert response.status_code == 422 and 'id="number-error"' in response.get_data(as_text=True), bad
    assert _contracts(app) == 1


def test_the_engines_parser_names_the_fact(app, coop):
    from app.contracts.registration import check_facts
    from app.core.errors import DomainError

    with app.app_context():
        with pytest.raises(DomainError) as error:
            check_facts({"lead_agency_type": "school_district", "bids_received": -1})
        assert error.value.field == "bids_received"
        with pytest.raises(DomainError) as error:
            check_facts({"lead_agency_type": "school_district", "notice_media": ["smoke_signal"]})
        assert error.value.field == "notice_media"


def test_the_registrant_keeps_the_contract_record(app, client, coop, register, files):
    number = register()
    login(client, coop.officer)
    response = client.submit(f"/contracts/{number}/documents", {"file": (io.BytesIO(files["pdf"]), "renewal.pdf")},
                             content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.submit(f"/contracts/{number}/renew").status_code == 302
    from app.contracts.evidence import verify_evidence
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.number == number))
        assert contract.renewals_used == 1
        result = verify_evidence(contract)
        assert result.ok and any(c.item.event.action == "contract.document_added" for c in result.items)

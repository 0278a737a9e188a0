"""The compliance check page: the agency's purchase and attestations in, the engine's report out
(verdict, each finding with its plain-English message and citation), stored and audited; bad input
shown beside the field it concerns, with what was typed kept."""
from __future__ import annotations

import html
import re

from app.extensions import db
from tests.participation.conftest import latest_check, run_check, sign_in


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_check_page_shows_every_finding_with_its_citation(app, client, coop, make_agency, check_data):
    from app.audit.models import AuditEvent
    from app.contracts.facts import contract_facts
    from app.contracts.models import Contract

    nc = make_agency("NC")
    sign_in(client, nc.buyer)
    form_page = _text(client.get(f"/contracts/{coop.number}/check"))
    # The contract's category is the default.
    assert re.search(r'<option selected value="goods"|value="goods" selected', form_page)
    assert "E-rate dates" in form_page and "only matter when E-rate" in form_page

    run_check(client, coop, nc.buyer, check_data(amount="150000"))
    check = latest_check(app, nc.id)
    assert check.verdict == "needs_action"
    assert check.facts["purchase"] == {"agency_state": "NC", "agency_type": "school_district", "amount": 150000,
                                       "category": "goods", "date": check_data()["planned_on"], "funding": ["local"]}
    with app.app_context():
        contract = db.session.scalar(db.select(Contract).where(Contract.number == coop.number))
        assert check.facts["contract"] == contract_facts(contract)  # from the platform's records
        assert check.facts["contract"]["lead_agency_state"] == "VA"
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "compliance.checked"))
        assert event.data["verdict"] == "needs_action" and event.data["contract"] == coop.number

    page = _text(client.get(f"/contracts/{coop.number}/check"))
    assert "Needs action" in page
    findings = check.report["findings"]
    assert any(f["status"] == "action" for f in findings)
    from app.compliance.findings import plain_message

    for finding in findings:
        # In plain English: the attestation a finding waits for is named by the form's question.
        assert finding["citation"] in page and plain_message(finding["message"]) in page and finding["rule"] in page
    assert any("attestations." in f["message"] for f in findings) and "attestations." not in page
    assert "“The vendor gives us the same or better prices, terms and conditions” with Yes" in page
    assert page.count("Record as done") == len([f for f in findings if f["status"] in ("action", "unknown")])
    assert 'value="150000"' in page  # the form starts from the last check


def test_malformed_input_is_shown_beside_each_field_and_nothing_is_stored(app, client, coop, make_agency,
                                                                          check_data):
    from app.contracts.models import ComplianceCheck

    member = make_agency("TX")
    sign_in(client, member.buyer)
    response = client.submit(f"/contracts/{coop.number}/check",
                             check_data(amount="-250", category="spaceships", planned_on="2026-13-45",
                                        funding=["bitcoin"], notice_of_intent_days_before_meeting="ten"))
    assert response.status_code == 422
    page = _text(response)
    assert _field_error(page, "amount") == "Error: The amount must be more than zero."
    assert _field_error(page, "category") == "Error: Choose one of the categories listed."
    assert "is not a date" in _field_error(page, "planned_on")
    assert "from the list" in _field_error(page, "funding")
    assert "whole number" in _field_error(page, "notice_of_intent_days_before_meeting")
    assert 'value="-250"' in page and 'value="2026-13-45"' in page  # what was typed is kept
    assert "Please correct the following" in page

    response = client.submit(f"/contracts/{coop.number}/check", check_data(amount="abc", funding=[]))
    page = _text(response)
    assert response.status_code == 422
    assert "is not an amount" in _field_error(page, "amount")
    assert _field_error(page, "funding") == "Error: Choose at least one source of funds."
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ComplianceCheck)) == 0


def test_engine_refusals_are_mapped_to_the_field(app, client, coop, make_agency, check_data):
    member = make_agency("TX")
    sign_in(client, member.buyer)
    # The engine's own refusal (FactsError purchase.aggregate_12mo) lands beside the 12-month field.
    response = client.submit(f"/contracts/{coop.number}/check", check_data(amount="5000", aggregate_12mo="100"))
    assert response.status_code == 422
    assert "cannot be less than the amount" in _field_error(_text(response), "aggregate_12mo")

    from app.compliance.facts import FactsError
    from app.contracts.participation_forms import CheckForm
    from app.contracts.participation_views import show_facts_error

    with app.test_request_context(method="POST"):
        form = CheckForm(meta={"csrf": False})
        show_facts_error(form, FactsError("purchase.date", "'2026-02-30' is not a calendar date"))
        show_facts_error(form, FactsError("attestations.written_determination", "must be true or false"))
        assert form.planned_on.errors == ["'2026-02-30' is not a calendar date."]
        assert form.written_determination.errors == ["Must be true or false."]


def test_a_state_without_rules_gets_a_report_that_says_so(app, client, coop, make_agency, check_data):
    wyoming = make_agency("WY")
    run_check(client, coop, wyoming.buyer, check_data())
    page = _text(client.get(f"/contracts/{coop.number}/check"))
    assert "No rules on file for WY: check your state" in page and "Needs action" in page


def test_who_may_run_a_check(app, client, coop, make_agency, vendor, check_data):
    member = make_agency("TX")
    sign_in(client, member.evaluator)  # agency staff who do not buy
    assert client.get(f"/contracts/{coop.number}/check").status_code == 403
    sign_in(client, coop.lead.buyer)  # the lead agency uses its own contract directly
    assert client.get(f"/contracts/{coop.number}/check").status_code == 403
    assert client.submit(f"/contracts/{coop.number}/check", check_data()).status_code == 403
    sign_in(client, vendor)
    assert client.get(f"/contracts/{coop.number}/check").status_code == 403
    client.submit("/accounts/logout")
    assert client.get(f"/contracts/{coop.number}/check").status_code == 302  # to sign in
    sign_in(client, member.admin)
    assert client.get(f"/contracts/{coop.number}/check").status_code == 200
    assert client.get("/contracts/NO-SUCH/check").status_code == 404

    # The contract page offers the check to other agencies' buyers, not to the lead agency.
    page = _text(client.get(f"/contracts/{coop.number}"))
    assert "Use this contract" in page and f"/contracts/{coop.number}/check" in page
    sign_in(client, coop.lead.officer)
    assert "Use this contract" not in _text(client.get(f"/contracts/{coop.number}"))

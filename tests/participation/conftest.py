"""Fixtures for participation tests: a contract awarded through the real path (the evaluation
fixtures' RFP, won by Bravo Office: line 1 at $12.00, line 2 at $40.00, led by a Virginia school
district), participating agencies from make_agency(state), and helpers that run the check and
join through the pages.

Fixtures
--------
coop            Coop(number, lead, effective_on, expires_on) for the awarded contract.
check_data(**overrides) -> dict   a valid check form (goods, $5,000, local funds, 30 days into the term).
joined(state="TX") -> AgencyInfo  a new agency whose admin ran an allowed check and joined.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.extensions import db, limiter
from tests.conftest import login
from tests.evaluation.conftest import (  # noqa: F401  (fixtures shared with these tests)
    agency,
    audit_events,
    bidding,
    categories,
    files,
    load_solicitation,
    make_agency,
    make_solicitation,
    make_vendor,
    open_bids,
    opened_rfp,
    other_agency,
    post_bid,
    try_transition,
    vendor,
)
from tests.evaluation.test_contract_documents import contract_number  # noqa: F401

ATTESTATION_KEYS = ("same_or_better_terms", "board_approval_regular_meeting", "best_value_authorized",
                    "interlocal_agreement_filed_or_posted", "participation_agreement_signed", "written_determination",
                    "federal_procurement_documented")


@dataclass(frozen=True)
class Coop:
    number: str
    lead: object  # AgencyInfo of the lead agency
    effective_on: date
    expires_on: date


@pytest.fixture
def coop(app, opened_rfp, contract_number) -> Coop:
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.scalar(db.select(Contract).where(Contract.number == contract_number))
        return Coop(contract_number, opened_rfp.agency, contract.effective_on, contract.expires_on)


@pytest.fixture
def check_data(coop):
    def data(**overrides) -> dict:
        form = {"amount": "5000", "aggregate_12mo": "", "category": "goods",
                "planned_on": (coop.effective_on + timedelta(days=30)).isoformat(), "funding": ["local"],
                "form_470_certified": "", "contract_signed": "", "notice_of_intent_days_before_meeting": ""}
        form.update({key: "unknown" for key in ATTESTATION_KEYS})
        form.update(overrides)
        return form
    return data


def sign_in(client, user) -> None:
    """Sign `user` in, signing out whoever was (the login page ignores a signed-in visitor). These
    tests sign in many people from one address: the login rate limit is not what they test."""
    limiter.reset()
    client.submit("/accounts/logout")
    response = login(client, user)
    assert response.status_code == 302


def run_check(client, coop: Coop, user, data: dict):
    sign_in(client, user)
    response = client.submit(f"/contracts/{coop.number}/check", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response


def latest_check(app, agency_id: int):
    from app.contracts.models import ComplianceCheck

    with app.app_context():
        check = db.session.scalar(db.select(ComplianceCheck).where(ComplianceCheck.agency_id == agency_id)
                                  .order_by(ComplianceCheck.id.desc()).limit(1))
        db.session.expunge(check)
        return check


@pytest.fixture
def joined(app, client, coop, make_agency, check_data):
    """joined(state="TX") -> AgencyInfo: the agency's admin ran an allowed check ($5,000 of goods,
    local funds) and joined through the pages; the client is signed out afterwards."""
    def join(state: str = "TX"):
        member = make_agency(state)
        run_check(client, coop, member.admin, check_data())
        check = latest_check(app, member.id)
        # Texas asks for participation in the program (§ 271.102): joining is the agency signing it.
        assert check.verdict == "allowed" or {f["rule"] for f in check.report["findings"]
                                              if f["status"] != "pass"} == {"TX.coop_conditions.participation"}
        response = client.submit(f"/contracts/{coop.number}/join", {
            "check_id": str(check.id), "signer_name": "Ada Admin", "signer_title": "Superintendent",
            "accept_terms": "y"})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        client.submit("/accounts/logout")
        return member
    return join

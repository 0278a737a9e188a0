"""Louisiana (bid_rules/states/LA.yaml). Every expectation is written from the reference
(us_procurement_law_more_states.yaml, state: LA), not read off the engine."""
from __future__ import annotations

import pytest

from tests.compliance.factories import (
    ALL_ATTESTED,
    contract,
    facts,
)
from tests.compliance.state_cases import assert_case, unlisted_sources

BEFORE_CPI = "2024-06-01"  # before the first CPI adjustment of the public-works limit (2025-02-01)
LA_PARISH = {"lead_agency_state": "LA", "lead_agency_type": "county"}
LA_STATE = {"lead_agency_state": "LA", "lead_agency_type": "state_agency"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ materials and supplies
    ("goods at $60,000 are not over it (gt)",
     facts("LA", amount=60000), "LA.threshold.materials_supplies", "pass", "needs_action"),  # three quotes
    ("goods one dollar over $60,000",
     facts("LA", amount=60001), "LA.threshold.materials_supplies", "fail", "not_allowed"),
    ("goods at $30,000 need three quotes ($30,000 or more)",
     facts("LA", amount=30000), "LA.threshold.three_quotes", "action", "needs_action"),
    ("goods under $30,000 need no quotes",
     facts("LA", agency_type="municipality", amount=29999), "LA.threshold.three_quotes", "pass", "allowed"),
    ("goods of $45,000 before 2022-08-01, when the limit was $30,000",
     facts("LA", amount=45000, date="2022-06-01"), "LA.threshold.materials_supplies", "fail", "not_allowed"),
    ("services threshold not in the sections read",
     facts("LA", category="services", amount=100000), "LA.threshold.services", "unknown", "needs_action"),
    # ------------------------------------------------------------------ public works contract limit
    ("public works at $250,000 in 2024 are not over it (gt)",
     facts("LA", category="construction", amount=250000, date=BEFORE_CPI), "LA.threshold.public_works", "pass",
     "allowed"),
    ("public works over $250,000 in 2024",
     facts("LA", category="construction", amount=250001, date=BEFORE_CPI), "LA.threshold.public_works", "fail",
     "not_allowed"),
    ("public works after the CPI adjustments began (values not found)",
     facts("LA", category="construction", amount=200000), "LA.threshold.public_works", "unknown", "needs_action"),
    # ------------------------------------------------------------------ cooperative purchasing
    ("State contract",
     facts("LA", amount=100000, coop=contract(**LA_STATE), attest=ALL_ATTESTED),
     "LA.coop_authority.state_contracts", "pass", "allowed"),
    ("State contract for services is not settled (materials and supplies)",
     facts("LA", category="services", amount=100000, coop=contract(**LA_STATE), attest=ALL_ATTESTED),
     "LA.coop_authority.state_contracts", "unknown", "needs_action"),
    ("piggyback on another Louisiana parish's contract",
     facts("LA", amount=100000, coop=contract(**LA_PARISH), attest=ALL_ATTESTED),
     "LA.coop_conditions.piggyback_same_terms", "pass",
     "needs_action"),  # the parish's own notice rule was not retrieved
    ("piggyback without the parish's written consent",
     facts("LA", amount=100000, coop=contract(**LA_PARISH),
           attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "LA.coop_conditions.piggyback_written_consent", "action", "needs_action"),
    ("piggyback on a contract that was not bid",
     facts("LA", amount=100000, coop=contract(**LA_PARISH, solicitation_method="none"), attest=ALL_ATTESTED),
     "LA.coop_conditions.piggyback_bid_compliance", "fail", "not_allowed"),
    ("another state's school district: the lead must be a Louisiana subdivision",
     facts("LA", amount=100000, coop=contract(), attest=ALL_ATTESTED),
     "LA.coop_authority.piggyback", "fail", "not_allowed"),
    ("another state's agency: the lead must be a Louisiana subdivision",
     facts("LA", agency_type="municipality", amount=100000, coop=contract(lead_agency_type="state_agency"),
           attest=ALL_ATTESTED),
     "LA.coop_authority.piggyback", "fail", "not_allowed"),
    ("GSA schedule on the 38:2212.1(E) conditions",
     facts("LA", amount=100000, coop=contract(lead_agency_type="federal"), attest=ALL_ATTESTED),
     "LA.coop_conditions.gsa_conditions", "action", "needs_action"),
    ("school board and a qualified purchasing organization",
     facts("LA", amount=100000, coop=contract(lead_agency_type="private_gpo"), attest=ALL_ATTESTED),
     "LA.coop_authority.qualified_purchasing_organization", "pass", "needs_action"),  # membership, price
    ("qualified purchasing organization: two or more school districts as members",
     facts("LA", amount=100000, coop=contract(lead_agency_type="private_gpo"), attest=ALL_ATTESTED),
     "LA.coop_conditions.qpo_membership", "action", "needs_action"),
    ("qualified purchasing organization for services (not included)",
     facts("LA", category="services", amount=100000, coop=contract(lead_agency_type="nonprofit_cooperative"),
           attest=ALL_ATTESTED),
     "LA.coop_authority.qualified_purchasing_organization", "fail", "not_allowed"),
    ("purchasing organization that solicited no bids or proposals",
     facts("LA", amount=100000, coop=contract(lead_agency_type="public_cooperative", solicitation_method="none"),
           attest=ALL_ATTESTED),
     "LA.coop_conditions.qpo_solicitation", "fail", "not_allowed"),
    ("a county and a private GPO: only public safety agencies may",
     facts("LA", agency_type="county", amount=100000, coop=contract(lead_agency_type="private_gpo"),
           attest=ALL_ATTESTED),
     "LA.coop_authority.cooperatives_local", "unknown", "needs_action"),
    # ------------------------------------------------------------------ the in-state lead's solicitation
    ("in-state lead awarded materials on best value",
     facts("LA", amount=100000, coop=contract(**LA_PARISH, award_basis="best_value"), attest=ALL_ATTESTED),
     "LA.opening_award.public_bid_law", "fail", "not_allowed"),
    ("in-state lead: its advertisement rule was not retrieved",
     facts("LA", amount=100000, coop=contract(**LA_PARISH), attest=ALL_ATTESTED),
     "LA.notice.public_bid_law", "unknown", "needs_action"),
    ("contract no longer viable",
     facts("LA", amount=100000, coop=contract(**LA_STATE, term_end="2026-06-30"), attest=ALL_ATTESTED),
     "LA.temporal.contract_in_term", "fail", "not_allowed"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_louisiana(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_every_source_is_listed_for_louisiana_in_the_reference():
    assert unlisted_sources("LA") == []

"""Kentucky (bid_rules/states/KY.yaml). Every expectation is written from the reference
(us_procurement_law_more_states.yaml, state: KY), not read off the engine."""
from __future__ import annotations

import pytest

from tests.compliance.factories import (
    ALL_ATTESTED,
    contract,
    facts,
)
from tests.compliance.state_cases import assert_case, unlisted_sources

KY_STATE = {"lead_agency_state": "KY", "lead_agency_type": "state_agency"}
KY_CITY = {"lead_agency_state": "KY", "lead_agency_type": "municipality"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ the bid law, $40,000
    ("goods at $40,000 are not over it (gt)",
     facts("KY", amount=40000, aggregate_12mo=40000), "KY.threshold.bid_law", "pass",
     "needs_action"),  # the rule below $40,000 was not retrieved
    ("goods one dollar over $40,000",
     facts("KY", amount=40001, aggregate_12mo=40001), "KY.threshold.bid_law", "fail", "not_allowed"),
    ("a city's nonprofessional services over $40,000",
     facts("KY", agency_type="municipality", category="services", amount=50000, aggregate_12mo=50000),
     "KY.threshold.bid_law", "fail", "not_allowed"),
    ("before the $40,000 figure is on file (2025-10-17)",
     facts("KY", amount=50000, aggregate_12mo=50000, date="2025-06-01"), "KY.threshold.bid_law", "unknown",
     "needs_action"),
    ("LMPC adopters count the fiscal-year aggregate",
     facts("KY", amount=30000, aggregate_12mo=45000), "KY.threshold.lmpc_small_purchase", "action",
     "needs_action"),
    ("LMPC aggregate not given",
     facts("KY", amount=30000), "KY.threshold.lmpc_small_purchase", "unknown", "needs_action"),
    ("below $40,000 the quote rule was not retrieved",
     facts("KY", amount=10000, aggregate_12mo=10000), "KY.threshold.small_purchases", "unknown", "needs_action"),
    ("construction threshold not retrieved",
     facts("KY", category="construction", amount=500000), "KY.threshold.construction", "unknown", "needs_action"),
    ("professional services: the LMPC's rules not retrieved",
     facts("KY", category="professional_services", amount=500000), "KY.threshold.professional_services", "unknown",
     "needs_action"),
    # ------------------------------------------------------------------ KRS 45A.300
    ("another state's school district is a foreign purchasing activity",
     facts("KY", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "KY.coop_authority.krs_45a_300", "pass", "needs_action"),  # 45A.300(6)- truncated
    ("a federal agency is a foreign purchasing activity",
     facts("KY", amount=300000, coop=contract(lead_agency_type="federal"), attest=ALL_ATTESTED),
     "KY.coop_authority.krs_45a_300", "pass", "needs_action"),
    ("a private GPO is not addressed",
     facts("KY", amount=300000, coop=contract(lead_agency_type="private_gpo"), attest=ALL_ATTESTED),
     "KY.coop_authority.krs_45a_300", "unknown", "needs_action"),
    ("technology is not named (supplies, services, construction)",
     facts("KY", amount=300000, category="technology", coop=contract(), attest=ALL_ATTESTED),
     "KY.coop_authority.krs_45a_300", "unknown", "needs_action"),
    ("no agreement between the participants",
     facts("KY", amount=300000, coop=contract(), attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "KY.coop_conditions.agreement", "action", "needs_action"),
    ("a lead outside the Code: no route stated for local units",
     facts("KY", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "KY.coop_conditions.deemed_compliance", "unknown", "needs_action"),
    ("45A.300(6) onward was truncated",
     facts("KY", amount=300000, coop=contract(**KY_STATE), attest=ALL_ATTESTED),
     "KY.coop_conditions.truncated_text", "unknown", "needs_action"),
    ("state price contract with the participation provision",
     facts("KY", amount=300000, coop=contract(**KY_STATE), attest=ALL_ATTESTED),
     "KY.coop_conditions.state_price_contract", "pass", "needs_action"),
    ("state price contract without the participation provision",
     facts("KY", amount=300000, coop=contract(**KY_STATE, cooperative_clause=False), attest=ALL_ATTESTED),
     "KY.coop_conditions.state_price_contract", "fail", "not_allowed"),
    # ------------------------------------------------------------------ the in-state lead's solicitation
    ("in-state lead: the KRS 424.130 notice period was not retrieved",
     facts("KY", amount=300000, coop=contract(**KY_CITY), attest=ALL_ATTESTED),
     "KY.notice.bid_law", "unknown", "needs_action"),
    ("in-state lead took unsealed bids",
     facts("KY", amount=300000, coop=contract(**KY_CITY, sealed_bids=False), attest=ALL_ATTESTED),
     "KY.opening_award.sealed_bids", "fail", "not_allowed"),
    ("contract ended before the purchase",
     facts("KY", amount=300000, coop=contract(term_end="2026-06-30"), attest=ALL_ATTESTED),
     "KY.temporal.contract_in_term", "fail", "not_allowed"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_kentucky(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_every_source_is_listed_for_kentucky_in_the_reference():
    assert unlisted_sources("KY") == []

"""Wisconsin (bid_rules/states/WI.yaml). Every expectation is written from the reference
(us_procurement_law_more_states.yaml, state: WI), not read off the engine."""
from __future__ import annotations

import pytest

from tests.compliance.factories import (
    ALL_ATTESTED,
    contract,
    facts,
)
from tests.compliance.state_cases import assert_case, unlisted_sources

BEFORE_SB_216 = "2024-06-01"  # before 2025 SB 216 / AB 217 ($50,000) was introduced
NO_INTERSTATE_FILING = {**ALL_ATTESTED, "interlocal_agreement_filed_or_posted": False}
WI_COUNTY = {"lead_agency_state": "WI", "lead_agency_type": "county"}
WI_STATE = {"lead_agency_state": "WI", "lead_agency_type": "state_agency"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ public work over $25,000
    ("county public work at $25,000 is not over it (gt)",
     facts("WI", agency_type="county", category="construction", amount=25000, date=BEFORE_SB_216),
     "WI.threshold.public_work_formal", "pass", "needs_action"),  # the class 1 notice still applies
    ("county public work one dollar over $25,000",
     facts("WI", agency_type="county", category="construction", amount=25001, date=BEFORE_SB_216),
     "WI.threshold.public_work_formal", "fail", "not_allowed"),
    ("public work between $25,000 and SB 216's unverified $50,000",
     facts("WI", agency_type="municipality", category="construction", amount=30000),
     "WI.threshold.public_work_formal", "unknown", "needs_action"),
    ("public work over $50,000 needs bids on either reading",
     facts("WI", agency_type="municipality", category="construction", amount=60000),
     "WI.threshold.public_work_formal", "fail", "not_allowed"),
    ("county public work over $5,000 needs a class 1 notice",
     facts("WI", agency_type="county", category="construction", amount=20000),
     "WI.threshold.county_class_1_notice", "action", "needs_action"),
    ("county public work at $5,000 needs no class 1 notice (gt)",
     facts("WI", agency_type="county", category="construction", amount=5000, date=BEFORE_SB_216),
     "WI.threshold.county_class_1_notice", "pass", "allowed"),
    ("county supplies: whether a supply purchase is public work is unsettled",
     facts("WI", agency_type="county", amount=30000),
     "WI.threshold.county_supplies_formal", "unknown", "needs_action"),
    ("municipality supplies: towns bid them, cities need not, villages unread",
     facts("WI", agency_type="municipality", amount=30000),
     "WI.threshold.municipality_supplies_formal", "unknown", "needs_action"),
    ("local services are left to local ordinance",
     facts("WI", agency_type="county", category="services", amount=100000),
     "WI.threshold.local_services", "unknown", "needs_action"),
    ("school boards have no statutory bid threshold",
     facts("WI", amount=500000), "WI.threshold.school_board_policy", "unknown", "needs_action"),
    # ------------------------------------------------------------------ State contracts (16.73)
    ("State contract that allows cooperative purchasing",
     facts("WI", amount=100000, coop=contract(**WI_STATE), attest=ALL_ATTESTED),
     "WI.coop_conditions.state_contract_allows_cooperative", "pass", "needs_action"),  # board policy: manual
    ("State contract that does not allow cooperative purchasing",
     facts("WI", amount=100000, coop=contract(**WI_STATE, cooperative_clause=False), attest=ALL_ATTESTED),
     "WI.coop_conditions.state_contract_allows_cooperative", "fail", "not_allowed"),
    ("State contract: the board's policy must allow the purchase",
     facts("WI", amount=100000, coop=contract(**WI_STATE), attest=ALL_ATTESTED),
     "WI.coop_conditions.board_policy", "action", "needs_action"),
    ("State contract: the county's ordinance must allow the purchase",
     facts("WI", agency_type="county", amount=100000, coop=contract(**WI_STATE), attest=ALL_ATTESTED),
     "WI.coop_conditions.local_ordinance", "action", "needs_action"),
    # ------------------------------------------------------------------ other municipalities (66.0301 / 66.0303)
    ("another state's school district under 66.0303",
     facts("WI", amount=100000, coop=contract(), attest=ALL_ATTESTED),
     "WI.coop_authority.intergovernmental", "pass", "needs_action"),
    ("66.0303 agreement not submitted to the Attorney General",
     facts("WI", amount=100000, coop=contract(), attest=NO_INTERSTATE_FILING),
     "WI.coop_conditions.interstate_agreement", "action", "needs_action"),
    ("another state's law must permit the joint action",
     facts("WI", amount=100000, coop=contract(), attest=ALL_ATTESTED),
     "WI.coop_conditions.other_state_law", "action", "needs_action"),
    ("another state's state agency is not named by 66.0303",
     facts("WI", amount=100000, coop=contract(lead_agency_type="state_agency"), attest=ALL_ATTESTED),
     "WI.coop_authority.intergovernmental", "unknown", "needs_action"),
    ("a private GPO is not settled",
     facts("WI", amount=100000, coop=contract(lead_agency_type="private_gpo"), attest=ALL_ATTESTED),
     "WI.coop_authority.intergovernmental", "unknown", "needs_action"),
    ("public work off another municipality's contract is not settled",
     facts("WI", agency_type="county", category="construction", amount=100000, coop=contract(**WI_COUNTY),
           attest=ALL_ATTESTED),
     "WI.coop_authority.intergovernmental", "unknown", "needs_action"),
    ("agreement with another Wisconsin municipality not signed",
     facts("WI", amount=100000, coop=contract(**WI_COUNTY), attest={**ALL_ATTESTED,
                                                                     "participation_agreement_signed": False}),
     "WI.coop_conditions.intrastate_agreement", "action", "needs_action"),
    # ------------------------------------------------------------------ the in-state lead's solicitation
    ("in-state lead's class 2 notice opened 4 days after the first insertion",
     facts("WI", agency_type="county", category="construction", amount=100000, attest=ALL_ATTESTED,
           coop=contract(**WI_COUNTY, notice_first_published="2026-02-01")),
     "WI.notice.class_2_notice", "fail", "not_allowed"),
    ("in-state lead's class 2 notice: the last insertion is not given",
     facts("WI", agency_type="county", category="construction", amount=100000, attest=ALL_ATTESTED,
           coop=contract(**WI_COUNTY)),
     "WI.notice.class_2_notice", "unknown", "needs_action"),
    ("in-state lead let public work on best value",
     facts("WI", agency_type="county", category="construction", amount=100000, attest=ALL_ATTESTED,
           coop=contract(**WI_COUNTY, award_basis="best_value")),
     "WI.opening_award.public_work", "fail", "not_allowed"),
    ("contract ended before the purchase",
     facts("WI", amount=100000, coop=contract(term_end="2026-06-30"), attest=ALL_ATTESTED),
     "WI.temporal.contract_in_term", "fail", "not_allowed"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wisconsin(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_every_source_is_listed_for_wisconsin_in_the_reference():
    assert unlisted_sources("WI") == []

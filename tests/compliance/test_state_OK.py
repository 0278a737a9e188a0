"""Oklahoma (bid_rules/states/OK.yaml). Every expectation is written from the reference
(us_procurement_law_more_states.yaml, state: OK), not read off the engine."""
from __future__ import annotations

import pytest

from tests.compliance.factories import (
    ALL_ATTESTED,
    contract,
    facts,
)
from tests.compliance.state_cases import assert_case, unlisted_sources

OK_COUNTY = {"lead_agency_state": "OK", "lead_agency_type": "county"}
OK_STATE = {"lead_agency_state": "OK", "lead_agency_type": "state_agency"}
NOTICE_21_DAYS = {"notice_first_published": "2026-01-15", "bid_opening": "2026-02-05"}
NOTICE_20_DAYS = {"notice_first_published": "2026-01-16", "bid_opening": "2026-02-05"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ public construction, $100,000
    ("construction at $100,000 is not over it (gt)",
     facts("OK", category="construction", amount=100000), "OK.threshold.public_construction", "pass",
     "needs_action"),  # the lower tiers' procedures were not retrieved
    ("construction one dollar over $100,000",
     facts("OK", category="construction", amount=100001), "OK.threshold.public_construction", "fail",
     "not_allowed"),
    ("construction in 2021: when $100,000 replaced $50,000 is not on file",
     facts("OK", category="construction", amount=150000, date="2021-06-01"), "OK.threshold.public_construction",
     "unknown", "needs_action"),
    ("construction below $100,000: lower-tier procedures not retrieved",
     facts("OK", agency_type="municipality", category="construction", amount=50000),
     "OK.threshold.construction_lower_tiers", "unknown", "needs_action"),
    ("county construction needs the commissioners' approval on a posted agenda",
     facts("OK", agency_type="county", category="construction", amount=50000),
     "OK.coop_conditions.county_construction_approval", "action", "needs_action"),
    ("school goods: no statewide threshold found (70 O.S. 5-117 not retrieved)",
     facts("OK", amount=50000), "OK.threshold.school_goods_services", "unknown", "needs_action"),
    ("county goods: the County Purchasing Act's threshold not retrieved",
     facts("OK", agency_type="county", amount=50000), "OK.threshold.county_purchasing_act", "unknown",
     "needs_action"),
    ("municipal goods: charter or ordinance",
     facts("OK", agency_type="municipality", amount=50000), "OK.threshold.municipal_goods", "unknown",
     "needs_action"),
    # ------------------------------------------------------------------ 61 O.S. 139 and the Interlocal Act
    ("school district off another state's district (Interlocal Cooperation Act)",
     facts("OK", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "OK.coop_authority.school_districts", "pass", "needs_action"),  # no-profit rule: manual
    ("school cooperative funds may not be taken as profit",
     facts("OK", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "OK.coop_conditions.no_profit", "action", "needs_action"),
    ("interlocal contract not authorized by the governing body",
     facts("OK", amount=300000, coop=contract(), attest={**ALL_ATTESTED, "board_approval_regular_meeting": False}),
     "OK.coop_conditions.interlocal_authorization", "action", "needs_action"),
    ("another state's agency is not named",
     facts("OK", amount=300000, coop=contract(lead_agency_type="state_agency"), attest=ALL_ATTESTED),
     "OK.coop_authority.school_districts", "unknown", "needs_action"),
    ("school construction under 139(A): new-construction exclusion unverified",
     facts("OK", category="construction", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "OK.coop_authority.school_districts", "unknown", "needs_action"),
    ("school agreement over $1,000,000: SB 1849 status unknown",
     facts("OK", amount=1500000, coop=contract(), attest=ALL_ATTESTED),
     "OK.coop_conditions.sb_1849_cap", "unknown", "needs_action"),
    ("county off a state agency's contract for goods: 139(B) units not defined",
     facts("OK", agency_type="county", amount=300000, coop=contract(**OK_STATE), attest=ALL_ATTESTED),
     "OK.coop_authority.local_units", "unknown", "needs_action"),
    ("county construction over $100,000 off another county's contract: PCBA unsettled",
     facts("OK", agency_type="county", category="construction", amount=300000, attest=ALL_ATTESTED,
           coop=contract(**OK_COUNTY, notice_media=["newspaper", "website", "trade_newspaper"])),
     "OK.coop_conditions.pcba_construction", "unknown", "needs_action"),
    ("state IT contract needs the CIO's permission",
     facts("OK", category="technology", amount=300000, coop=contract(**OK_STATE), attest=ALL_ATTESTED),
     "OK.coop_conditions.cio_permission", "action", "needs_action"),
    ("no agreement between the participants",
     facts("OK", agency_type="county", amount=300000, coop=contract(**OK_COUNTY),
           attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "OK.coop_conditions.agreement", "action", "needs_action"),
    # ------------------------------------------------------------------ the in-state lead's solicitation
    ("in-state lead gave 21 days in a newspaper and online",
     facts("OK", agency_type="county", category="construction", amount=100000, attest=ALL_ATTESTED,
           coop=contract(**OK_COUNTY, **NOTICE_21_DAYS)),
     "OK.notice.public_construction", "pass", "needs_action"),  # 139(B): applicable law still applies
    ("in-state lead gave 20 days",
     facts("OK", agency_type="county", category="construction", amount=100000, attest=ALL_ATTESTED,
           coop=contract(**OK_COUNTY, **NOTICE_20_DAYS)),
     "OK.notice.public_construction", "fail", "not_allowed"),
    ("in-state lead gave no electronic notice",
     facts("OK", agency_type="county", category="construction", amount=100000, attest=ALL_ATTESTED,
           coop=contract(**OK_COUNTY, **NOTICE_21_DAYS, notice_media=["newspaper"])),
     "OK.notice.public_construction", "fail", "not_allowed"),
    ("in-state lead over $100,000 without the trade publication",
     facts("OK", agency_type="county", category="construction", amount=150000, attest=ALL_ATTESTED,
           coop=contract(**OK_COUNTY, **NOTICE_21_DAYS)),
     "OK.notice.public_construction", "fail", "not_allowed"),
    ("in-state lead let construction on best value",
     facts("OK", agency_type="county", category="construction", amount=100000, attest=ALL_ATTESTED,
           coop=contract(**OK_COUNTY, **NOTICE_21_DAYS, award_basis="best_value")),
     "OK.opening_award.public_construction", "fail", "not_allowed"),
    ("contract ended before the purchase",
     facts("OK", amount=300000, coop=contract(term_end="2026-06-30"), attest=ALL_ATTESTED),
     "OK.temporal.contract_in_term", "fail", "not_allowed"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_oklahoma(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_every_source_is_listed_for_oklahoma_in_the_reference():
    assert unlisted_sources("OK") == []

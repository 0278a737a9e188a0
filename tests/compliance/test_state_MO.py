"""Missouri: cases written by hand from us_procurement_law_more_states.yaml (state: MO; low
confidence). School construction over $15,000 is advertised and bid (RSMo 177.086; later changes
not ruled out); goods and services follow board policy; the county figure is unresolved and a
city's size is not in the facts. Cooperative purchasing: the state's Cooperative Procurement
Program (RSMo 67.360) and cooperation with other states and their subdivisions (RSMo 70.220),
whose reach over purchases the sources do not settle."""
from __future__ import annotations

import pytest

from tests.compliance.factories import ALL_ATTESTED, contract, facts
from tests.compliance.state_cases import assert_case, unlisted_sources

STATE_PROGRAM = contract(lead_agency_state="MO", lead_agency_type="state_agency")

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ thresholds
    ("MO district construction at exactly $15,000 (more than)", facts("MO", amount=15000, category="construction"),
     "MO.threshold.school_construction", "pass", "needs_action"),
    ("MO district construction over $50,000", facts("MO", amount=50001, category="construction"),
     "MO.threshold.school_construction", "fail", "not_allowed"),
    ("MO district construction at $20,000: a later amendment not ruled out",
     facts("MO", amount=20000, category="construction"), "MO.threshold.school_construction", "unknown",
     "needs_action"),
    ("MO district quotes are board policy", facts("MO", amount=10000, category="construction"),
     "MO.threshold.school_quotes", "unknown", "needs_action"),
    ("MO district supplies: 177.171's coverage not verified", facts("MO", amount=30000),
     "MO.threshold.school_supplies", "unknown", "needs_action"),
    ("MO county supplies: 50.660 figure unresolved", facts("MO", agency_type="county", amount=10000),
     "MO.threshold.local_purchases", "unknown", "needs_action"),
    ("MO city construction over $25,000: city size not given",
     facts("MO", agency_type="municipality", amount=30000, category="construction"),
     "MO.threshold.city_construction", "unknown", "needs_action"),
    ("MO city construction before the 2022 text", facts("MO", agency_type="municipality", amount=30000,
                                                        category="construction", date="2021-05-01"),
     "MO.threshold.city_construction", "unknown", "needs_action"),
    # ------------------------------------------------------------------ state Cooperative Procurement Program
    ("MO district off a statewide contract as a program member",
     facts("MO", amount=150000, coop=STATE_PROGRAM, attest=ALL_ATTESTED), "MO.coop_authority.state_program", "pass",
     "needs_action"),
    ("MO contract in writing, dated and subscribed (432.070)",
     facts("MO", amount=150000, coop=STATE_PROGRAM, attest=ALL_ATTESTED), "MO.coop_conditions.written_contract",
     "action", "needs_action"),
    ("MO statewide contract without program membership",
     facts("MO", amount=150000, coop=STATE_PROGRAM, attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "MO.coop_conditions.program_membership", "action", "needs_action"),
    ("MO construction off a statewide contract: 177.086 not shown to be replaced",
     facts("MO", amount=150000, category="construction", coop=STATE_PROGRAM, attest=ALL_ATTESTED),
     "MO.coop_authority.state_program", "unknown", "needs_action"),
    ("MO statewide contract expired", facts("MO", amount=150000, coop={**STATE_PROGRAM, "term_end": "2026-06-30"},
                                            attest=ALL_ATTESTED),
     "MO.temporal.contract_in_term", "fail", "not_allowed"),
    # ------------------------------------------------------------------ RSMo 70.220
    ("MO district goods off another state's district: which purchases 70.220 reaches is not settled",
     facts("MO", amount=150000, coop=contract(), attest=ALL_ATTESTED), "MO.coop_authority.intergovernmental",
     "unknown", "needs_action"),
    ("MO 70.300 majority vote: current text not verified", facts("MO", amount=150000, coop=contract(),
                                                                 attest=ALL_ATTESTED),
     "MO.coop_conditions.majority_vote", "unknown", "needs_action"),
    ("MO cooperation within the buyer's powers", facts("MO", agency_type="county", amount=150000, coop=contract(),
                                                       attest=ALL_ATTESTED),
     "MO.coop_conditions.within_powers", "action", "needs_action"),
    ("MO federal lead: not settled", facts("MO", amount=150000, coop=contract(lead_agency_type="federal"),
                                           attest=ALL_ATTESTED),
     "MO.coop_authority.intergovernmental", "unknown", "needs_action"),
    # ------------------------------------------------------------------ the in-state lead's construction bid
    ("MO in-state district lead took unsealed construction bids",
     facts("MO", amount=150000, category="construction", attest=ALL_ATTESTED,
           coop=contract(lead_agency_state="MO", sealed_bids=False)),
     "MO.opening_award.school_construction", "fail", "not_allowed"),
    ("MO in-state district lead: sealed bids to the lowest responsible bidder",
     facts("MO", amount=150000, category="construction", attest=ALL_ATTESTED,
           coop=contract(lead_agency_state="MO")),
     "MO.opening_award.school_construction", "pass", "needs_action"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_missouri(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_missouri_sources_are_listed_for_their_entry():
    # The local entry's cooperative conditions are "Same as MO school_district entry".
    assert unlisted_sources("MO", shared_with_school_entry=True) == []

"""South Carolina (bid_rules/states/SC.yaml). Every expectation is written from the reference
(us_procurement_law_more_states.yaml, state: SC), not read off the engine. South Carolina sets no
statewide dollar threshold for political subdivisions, so the threshold cases check that every
amount is left to the local code (there is no comparator edge to test)."""
from __future__ import annotations

import pytest

from tests.compliance.factories import (
    ALL_ATTESTED,
    contract,
    facts,
)
from tests.compliance.state_cases import assert_case, unlisted_sources

SC_STATE = {"lead_agency_state": "SC", "lead_agency_type": "state_agency"}
SC_DISTRICT = {"lead_agency_state": "SC", "lead_agency_type": "school_district"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ thresholds: the local code
    ("county: any amount is the local ordinance's to set",
     facts("SC", agency_type="county", amount=500000), "SC.threshold.local_ordinance", "unknown", "needs_action"),
    ("municipality construction: the local ordinance's too",
     facts("SC", agency_type="municipality", category="construction", amount=500000),
     "SC.threshold.local_ordinance", "unknown", "needs_action"),
    ("school district: its own code, or the Code if it spends over $75M",
     facts("SC", amount=60000), "SC.threshold.school_district", "unknown", "needs_action"),
    ("school district quotes: its own code",
     facts("SC", amount=20000), "SC.threshold.school_district_quotes", "unknown", "needs_action"),
    # ------------------------------------------------------------------ Article 19
    ("another state's school district is an external procurement activity",
     facts("SC", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "SC.coop_authority.article_19", "pass", "needs_action"),  # the district's code must allow it
    ("the district's code must itself allow the cooperative purchase",
     facts("SC", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "SC.coop_conditions.district_code_allows", "action", "needs_action"),
    ("the county's ordinance must itself allow the cooperative purchase",
     facts("SC", agency_type="county", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "SC.coop_conditions.local_ordinance_allows", "action", "needs_action"),
    ("no agreement between the participants",
     facts("SC", amount=300000, coop=contract(), attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "SC.coop_conditions.agreement", "action", "needs_action"),
    ("another state's sealed-bid contract meets 11-35-4810(2) if it applies",
     facts("SC", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "SC.coop_conditions.other_states_reach", "pass", "needs_action"),
    ("another state's district without competition: does 4810(2) reach it?",
     facts("SC", amount=300000, coop=contract(solicitation_method="none"), attest=ALL_ATTESTED),
     "SC.coop_conditions.other_states_reach", "unknown", "needs_action"),
    ("another state's agency awarded without competition",
     facts("SC", amount=300000, coop=contract(lead_agency_type="state_agency", solicitation_method="none"),
           attest=ALL_ATTESTED),
     "SC.coop_conditions.other_states_competition", "fail", "not_allowed"),
    ("another state's agency by proposals: 'substantially equivalent' unsettled",
     facts("SC", amount=300000, coop=contract(lead_agency_type="state_agency",
                                              solicitation_method="competitive_proposals"), attest=ALL_ATTESTED),
     "SC.coop_conditions.other_states_competition", "unknown", "needs_action"),
    ("a federal agency is an external procurement activity",
     facts("SC", amount=300000, coop=contract(lead_agency_type="federal"), attest=ALL_ATTESTED),
     "SC.coop_authority.article_19", "pass", "needs_action"),
    ("another state's university: not said to be a state unit",
     facts("SC", amount=300000, coop=contract(lead_agency_type="higher_education"), attest=ALL_ATTESTED),
     "SC.coop_authority.article_19", "unknown", "needs_action"),
    ("a private GPO is not a public procurement unit; the local code may still reach it",
     facts("SC", amount=300000, coop=contract(lead_agency_type="private_gpo"), attest=ALL_ATTESTED),
     "SC.coop_authority.article_19", "unknown", "needs_action"),
    ("a not-for-profit consortium needs the MMO's written approval",
     facts("SC", amount=300000, coop=contract(lead_agency_type="nonprofit_cooperative"), attest=ALL_ATTESTED),
     "SC.coop_conditions.nonprofit_consortium_approval", "action", "needs_action"),
    ("professional services are not named in 11-35-4810(1)",
     facts("SC", amount=300000, category="professional_services", coop=contract(), attest=ALL_ATTESTED),
     "SC.coop_authority.article_19", "unknown", "needs_action"),
    ("statewide contract: any limitation is stated in it",
     facts("SC", amount=300000, coop=contract(**SC_STATE), attest=ALL_ATTESTED),
     "SC.coop_conditions.statewide_contract_limits", "action", "needs_action"),
    ("statewide contract: 11-35-4820 was not retrieved",
     facts("SC", amount=300000, coop=contract(**SC_STATE), attest=ALL_ATTESTED),
     "SC.coop_conditions.mandatory_opting", "unknown", "needs_action"),
    # ------------------------------------------------------------------ the in-state lead's solicitation
    ("in-state district lead: its notice rule depends on its size",
     facts("SC", amount=300000, coop=contract(**SC_DISTRICT), attest=ALL_ATTESTED),
     "SC.notice.school_district", "unknown", "needs_action"),
    ("in-state district lead took unsealed bids",
     facts("SC", amount=300000, coop=contract(**SC_DISTRICT, sealed_bids=False), attest=ALL_ATTESTED),
     "SC.opening_award.school_district", "fail", "not_allowed"),
    ("contract ended before the purchase",
     facts("SC", amount=300000, coop=contract(term_end="2026-06-30"), attest=ALL_ATTESTED),
     "SC.temporal.contract_in_term", "fail", "not_allowed"),
    ("contract in term",
     facts("SC", amount=300000, coop=contract(), attest=ALL_ATTESTED),
     "SC.temporal.contract_in_term", "pass", "needs_action"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_south_carolina(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_every_source_is_listed_for_south_carolina_in_the_reference():
    assert unlisted_sources("SC") == []

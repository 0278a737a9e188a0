"""Tennessee: cases written by hand from us_procurement_law_more_states.yaml (state: TN). Each
governing body sets its bid threshold up to the caps of T.C.A. 12-3-1212 ($50,000 centralized
with a full-time agent, $25,000 otherwise); cooperative purchasing with other Tennessee local
governments (12-3-1205(a)) and with governmental entities outside Tennessee (12-3-1205(b), not
construction, engineering or architectural services); state and GSA contracts for counties and
municipalities (12-3-1201)."""
from __future__ import annotations

import pytest

from tests.compliance.factories import ALL_ATTESTED, contract, facts
from tests.compliance.state_cases import assert_case, unlisted_sources

TN_STATE_CONTRACT = contract(lead_agency_state="TN", lead_agency_type="state_agency")
TN_DISTRICT_LEAD = {"lead_agency_state": "TN", "lead_agency_type": "school_district"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ thresholds
    ("TN district supplies at exactly the $50,000 cap: depends on centralization",
     facts("TN", amount=50000), "TN.threshold.school_supplies", "unknown", "needs_action"),
    ("TN district supplies over the $50,000 cap", facts("TN", amount=50001), "TN.threshold.school_supplies", "fail",
     "not_allowed"),
    ("TN district supplies under $25,000: the body's own figure", facts("TN", amount=20000),
     "TN.threshold.school_supplies", "unknown", "needs_action"),
    ("TN county supplies over the cap", facts("TN", agency_type="county", amount=60000),
     "TN.threshold.local_purchases", "fail", "not_allowed"),
    ("TN city supplies at $30,000: between the two caps", facts("TN", agency_type="municipality", amount=30000),
     "TN.threshold.local_purchases", "unknown", "needs_action"),
    ("TN 2020: no cap on file before 2021-12-22", facts("TN", amount=60000, date="2020-05-01"),
     "TN.threshold.school_supplies", "unknown", "needs_action"),
    ("TN 2023 over the cap under either reading", facts("TN", amount=60000, date="2023-05-01"),
     "TN.threshold.school_supplies", "fail", "not_allowed"),
    ("TN district services: not retrieved", facts("TN", amount=60000, category="services"),
     "TN.threshold.school_services", "unknown", "needs_action"),
    ("TN quotes below the threshold: 40% of the body's figure", facts("TN", amount=20000), "TN.threshold.quotes",
     "unknown", "needs_action"),
    # ------------------------------------------------------------------ 12-3-1205(b): outside Tennessee
    ("TN district off another state's subdivision", facts("TN", amount=150000, coop=contract(), attest=ALL_ATTESTED),
     "TN.coop_authority.out_of_state_cooperative", "pass", "needs_action"),
    ("TN keeps documentation of the lead's compliance", facts("TN", amount=150000, coop=contract(),
                                                              attest=ALL_ATTESTED),
     "TN.coop_conditions.documentation", "action", "needs_action"),
    ("TN other state's law must permit joint purchasing", facts("TN", amount=150000, coop=contract(),
                                                                attest=ALL_ATTESTED),
     "TN.coop_conditions.other_state_law", "action", "needs_action"),
    ("TN without the resolution accepting the master agreement",
     facts("TN", amount=150000, coop=contract(), attest={**ALL_ATTESTED, "board_approval_regular_meeting": False}),
     "TN.coop_conditions.master_agreement_resolution", "action", "needs_action"),
    ("TN lead that did not bid competitively", facts("TN", amount=150000, coop=contract(solicitation_method="none"),
                                                     attest=ALL_ATTESTED),
     "TN.coop_conditions.competitive_bidding", "fail", "not_allowed"),
    ("TN contract not made available to other governments",
     facts("TN", amount=150000, coop=contract(cooperative_clause=False), attest=ALL_ATTESTED),
     "TN.coop_conditions.made_available", "fail", "not_allowed"),
    ("TN architectural or engineering services excluded from (b)",
     facts("TN", amount=150000, category="architectural_engineering", coop=contract(), attest=ALL_ATTESTED),
     "TN.coop_authority.out_of_state_cooperative", "fail", "not_allowed"),
    ("TN construction from outside Tennessee: Pub. Ch. 98 not read",
     facts("TN", amount=150000, category="construction", coop=contract(), attest=ALL_ATTESTED),
     "TN.coop_authority.out_of_state_cooperative", "unknown", "needs_action"),
    ("TN contract awarded by a nonprofit: not a governmental entity",
     facts("TN", amount=150000, coop=contract(lead_agency_type="nonprofit_cooperative"), attest=ALL_ATTESTED),
     "TN.coop_authority.out_of_state_cooperative", "fail", "not_allowed"),
    ("TN another state's university: not settled",
     facts("TN", amount=150000, coop=contract(lead_agency_type="higher_education"), attest=ALL_ATTESTED),
     "TN.coop_authority.out_of_state_cooperative", "unknown", "needs_action"),
    # ------------------------------------------------------------------ 12-3-1205(a), 12-3-1201
    ("TN county construction with another Tennessee county",
     facts("TN", agency_type="county", amount=150000, category="construction", attest=ALL_ATTESTED,
           coop=contract(lead_agency_state="TN", lead_agency_type="county")),
     "TN.coop_authority.in_state_cooperative", "pass", "needs_action"),
    ("TN in-state cooperation without an agreement",
     facts("TN", amount=150000, coop=contract(**TN_DISTRICT_LEAD),
           attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "TN.coop_conditions.agreement", "action", "needs_action"),
    ("TN in-state district lead took unsealed bids",
     facts("TN", amount=150000, coop=contract(**TN_DISTRICT_LEAD, sealed_bids=False), attest=ALL_ATTESTED),
     "TN.opening_award.sealed_bids", "fail", "not_allowed"),
    ("TN county off a state contract", facts("TN", agency_type="county", amount=150000, coop=TN_STATE_CONTRACT),
     "TN.coop_authority.local_state_contract", "pass", "allowed"),
    ("TN district off a state contract: LEA use not verified", facts("TN", amount=150000, coop=TN_STATE_CONTRACT),
     "TN.coop_authority.school_state_and_federal", "unknown", "needs_action"),
    ("TN city off a GSA contract", facts("TN", agency_type="municipality", amount=150000,
                                         coop=contract(lead_agency_type="federal")),
     "TN.coop_authority.local_federal", "pass", "needs_action"),
    ("TN city off a GSA contract: only as far as federal law permits",
     facts("TN", agency_type="municipality", amount=150000, coop=contract(lead_agency_type="federal")),
     "TN.coop_conditions.federal_law_permits", "action", "needs_action"),
    ("TN state contract expired", facts("TN", agency_type="county", amount=150000,
                                        coop={**TN_STATE_CONTRACT, "term_end": "2026-06-30"}),
     "TN.temporal.contract_in_term", "fail", "not_allowed"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_tennessee(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_tennessee_sources_are_listed_for_their_entry():
    assert unlisted_sources("TN") == []

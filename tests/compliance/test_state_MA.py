"""Massachusetts: cases written by hand from us_procurement_law_more_states.yaml (state: MA).
c. 30B: formal above $100,000 for school districts (St. 2022, c. 198) and $50,000 for other
governmental bodies; written quotes from $10,000; cooperative purchasing agreements for supplies
only (s. 22); OSD statewide contracts for supplies and services (c. 7 s. 22A)."""
from __future__ import annotations

import pytest

from app.accounts.models import AgencyType
from app.compliance.rules import notice_rule_for
from tests.compliance.factories import ALL_ATTESTED, contract, facts
from tests.compliance.state_cases import assert_case, unlisted_sources

STATEWIDE = contract(lead_agency_state="MA", lead_agency_type="state_agency")
ALL_POSTINGS = ["newspaper", "website", "physical_posting", "state_registry"]
MA_TOWN_LEAD = {"lead_agency_state": "MA", "lead_agency_type": "municipality"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ thresholds
    ("MA district at exactly $100,000: a municipal district may still be at $50,000",
     facts("MA", amount=100000), "MA.threshold.school_formal", "unknown", "needs_action"),
    ("MA district over $100,000", facts("MA", amount=100001), "MA.threshold.school_formal", "fail", "not_allowed"),
    ("MA district at $50,000 is under both readings", facts("MA", amount=50000), "MA.threshold.school_formal", "pass",
     "needs_action"),
    ("MA district from $10,000: three written quotes", facts("MA", amount=40000), "MA.threshold.quotes", "action",
     "needs_action"),
    ("MA district in 2020 at $50,000 (more than)", facts("MA", amount=50000, date="2020-05-01"),
     "MA.threshold.school_formal", "pass", "needs_action"),
    ("MA district in 2020 over $50,000", facts("MA", amount=60000, date="2020-05-01"), "MA.threshold.school_formal",
     "fail", "not_allowed"),
    ("MA district in 2015 at exactly $35,000 (or more)", facts("MA", amount=35000, date="2015-05-01"),
     "MA.threshold.school_formal", "fail", "not_allowed"),
    ("MA district in September 2022: c. 198 effective date not verified",
     facts("MA", amount=75000, date="2022-09-15"), "MA.threshold.school_formal", "unknown", "needs_action"),
    ("MA town at exactly $50,000 (more than)", facts("MA", agency_type="municipality", amount=50000),
     "MA.threshold.local_formal", "pass", "needs_action"),
    ("MA town over $50,000", facts("MA", agency_type="municipality", amount=50001), "MA.threshold.local_formal",
     "fail", "not_allowed"),
    ("MA town under $10,000: sound business practices", facts("MA", agency_type="municipality", amount=9999),
     "MA.threshold.quotes", "pass", "allowed"),
    ("MA services share the supplies tiers", facts("MA", agency_type="county", amount=60000, category="services"),
     "MA.threshold.local_formal", "fail", "not_allowed"),
    ("MA public works over $50,000: tiers not retrieved", facts("MA", amount=60000, category="construction"),
     "MA.threshold.public_works", "unknown", "needs_action"),
    ("MA public works from $10,000: written responses", facts("MA", amount=10000, category="construction"),
     "MA.threshold.public_works_quotes", "action", "needs_action"),
    # ------------------------------------------------------------------ statewide contracts
    ("MA district off an OSD statewide contract", facts("MA", amount=150000, coop=STATEWIDE),
     "MA.coop_authority.statewide_contracts", "pass", "allowed"),
    ("MA district services off an OSD statewide contract", facts("MA", amount=150000, category="services",
                                                                 coop=STATEWIDE),
     "MA.coop_authority.statewide_contracts", "pass", "allowed"),
    ("MA town off a statewide contract: its own contract documents",
     facts("MA", agency_type="municipality", amount=150000, coop=STATEWIDE),
     "MA.coop_conditions.statewide_contract_documents", "action", "needs_action"),
    ("MA construction off a statewide contract: only small public works settled",
     facts("MA", amount=150000, category="construction", coop=STATEWIDE),
     "MA.coop_authority.statewide_contracts", "unknown", "needs_action"),
    # ------------------------------------------------------------------ cooperative purchasing agreements (s. 22)
    ("MA supplies off another state's subdivision", facts("MA", amount=150000, coop=contract(), attest=ALL_ATTESTED),
     "MA.coop_authority.cooperative_purchasing_agreement", "pass", "allowed"),
    ("MA supplies off a federal contract", facts("MA", amount=150000, coop=contract(lead_agency_type="federal"),
                                                 attest=ALL_ATTESTED),
     "MA.coop_authority.cooperative_purchasing_agreement", "pass", "allowed"),
    ("MA services off a cooperative purchasing agreement: supplies only",
     facts("MA", amount=150000, category="services", coop=contract(), attest=ALL_ATTESTED),
     "MA.coop_authority.cooperative_purchasing_agreement", "fail", "not_allowed"),
    ("MA construction off a cooperative purchasing agreement",
     facts("MA", amount=150000, category="construction", coop=contract(), attest=ALL_ATTESTED),
     "MA.coop_authority.cooperative_purchasing_agreement", "fail", "not_allowed"),
    ("MA contract not stated open to Massachusetts bodies",
     facts("MA", amount=150000, coop=contract(cooperative_clause=False), attest=ALL_ATTESTED),
     "MA.coop_conditions.open_to_massachusetts", "fail", "not_allowed"),
    ("MA lead without full and open competition",
     facts("MA", amount=150000, coop=contract(solicitation_method="none"), attest=ALL_ATTESTED),
     "MA.coop_conditions.full_and_open_competition", "fail", "not_allowed"),
    ("MA without an agreement between the participants",
     facts("MA", amount=150000, coop=contract(), attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "MA.coop_conditions.agreement", "action", "needs_action"),
    ("MA another state's own agency: not settled",
     facts("MA", amount=150000, coop=contract(lead_agency_type="state_agency"), attest=ALL_ATTESTED),
     "MA.coop_authority.cooperative_purchasing_agreement", "unknown", "needs_action"),
    ("MA private GPO: not settled", facts("MA", amount=150000, coop=contract(lead_agency_type="private_gpo"),
                                          attest=ALL_ATTESTED),
     "MA.coop_authority.cooperative_purchasing_agreement", "unknown", "needs_action"),
    # ------------------------------------------------------------------ the in-state lead's notice and opening
    ("MA in-state lead: 14 days and every posting", facts("MA", amount=150000, attest=ALL_ATTESTED, coop=contract(
        **MA_TOWN_LEAD, notice_first_published="2026-01-22", notice_media=ALL_POSTINGS)),
     "MA.notice.chapter_30b", "pass", "allowed"),
    ("MA in-state lead: 13 days", facts("MA", amount=150000, attest=ALL_ATTESTED, coop=contract(
        **MA_TOWN_LEAD, notice_first_published="2026-01-23", notice_media=ALL_POSTINGS)),
     "MA.notice.chapter_30b", "fail", "not_allowed"),
    ("MA in-state lead over $100,000 not in the Central Register", facts("MA", amount=150000, attest=ALL_ATTESTED,
                                                                         coop=contract(**MA_TOWN_LEAD, notice_media=[
                                                                             "newspaper", "website", "physical_posting"])),
     "MA.notice.chapter_30b", "fail", "not_allowed"),
    ("MA in-state lead at $100,000 needs no Central Register notice", facts(
        "MA", amount=100000, attest=ALL_ATTESTED,
        coop=contract(**MA_TOWN_LEAD, notice_media=["newspaper", "website", "physical_posting"])),
     "MA.notice.chapter_30b", "pass", "allowed"),
    ("MA in-state lead: unsealed bids", facts("MA", amount=150000, attest=ALL_ATTESTED, coop=contract(
        **MA_TOWN_LEAD, notice_media=ALL_POSTINGS, sealed_bids=False)),
     "MA.opening_award.chapter_30b", "fail", "not_allowed"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_massachusetts(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_massachusetts_notice_is_enforced_at_publishing():
    """Two weeks before bids or proposals are due, for every governmental body."""
    for agency_type in (AgencyType.SCHOOL_DISTRICT, AgencyType.MUNICIPALITY, AgencyType.COUNTY):
        rule = notice_rule_for("MA", agency_type)
        assert rule is not None and rule.min_days == 14 and rule.counting == "calendar_days"


def test_massachusetts_sources_are_listed_for_their_entry():
    # The local entry's cooperative conditions are "identical to the MA school_district entry".
    assert unlisted_sources("MA", shared_with_school_entry=True) == []

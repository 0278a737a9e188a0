"""Michigan: cases written by hand from us_procurement_law_more_states.yaml (state: MI). School
districts bid supplies and construction at the MDE-indexed amount ($29,572 in FY2023-24, "or
more"; later years not found); local governments follow their own ordinances."""
from __future__ import annotations

import pytest

from tests.compliance.factories import ALL_ATTESTED, contract, facts
from tests.compliance.state_cases import assert_case, unlisted_sources

MIDEAL = contract(lead_agency_state="MI", lead_agency_type="state_agency")
COOPERATIVE = contract(lead_agency_type="public_cooperative")
MI_DISTRICT = {"lead_agency_state": "MI", "lead_agency_type": "school_district"}

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ thresholds
    ("MI district supplies at exactly $29,572 in FY2023-24 (or more)", facts("MI", amount=29572, date="2024-03-01"),
     "MI.threshold.school_supplies", "fail", "not_allowed"),
    ("MI district supplies one dollar under in FY2023-24: board policy sets quotes",
     facts("MI", amount=29571, date="2024-03-01"), "MI.threshold.school_supplies", "pass", "needs_action"),
    ("MI quotes below the statutory amount are board policy", facts("MI", amount=29571, date="2024-03-01"),
     "MI.threshold.school_quotes", "unknown", "needs_action"),
    ("MI September 2023: between the old and new figure, memorandum date unknown",
     facts("MI", amount=29000, date="2023-09-15"), "MI.threshold.school_supplies", "unknown", "needs_action"),
    ("MI September 2023: over both figures", facts("MI", amount=30000, date="2023-09-15"),
     "MI.threshold.school_supplies", "fail", "not_allowed"),
    ("MI 2026: the current MDE figure was not found", facts("MI", amount=20000), "MI.threshold.school_supplies",
     "unknown", "needs_action"),
    ("MI 2020: the FY2020-21 figure cannot be dated", facts("MI", amount=30000, date="2020-12-01"),
     "MI.threshold.school_supplies", "unknown", "needs_action"),
    ("MI district construction at exactly $29,572 in FY2023-24",
     facts("MI", amount=29572, category="construction", date="2024-03-01"), "MI.threshold.school_construction",
     "fail", "not_allowed"),
    ("MI district services: board policy (SB 500 enactment not verified)",
     facts("MI", amount=50000, category="services"), "MI.threshold.school_services", "unknown", "needs_action"),
    ("MI township supplies: its own ordinance", facts("MI", agency_type="municipality", amount=50000),
     "MI.threshold.local_purchases", "unknown", "needs_action"),
    ("MI county construction: cities and counties not retrieved",
     facts("MI", agency_type="county", amount=50000, category="construction"), "MI.threshold.local_construction",
     "unknown", "needs_action"),
    # ------------------------------------------------------------------ MiDEAL
    ("MI district off MiDEAL with board approval", facts("MI", amount=50000, coop=MIDEAL, attest=ALL_ATTESTED),
     "MI.coop_authority.school_mideal", "pass", "allowed"),
    ("MI district off MiDEAL without board approval",
     facts("MI", amount=50000, coop=MIDEAL, attest={**ALL_ATTESTED, "board_approval_regular_meeting": False}),
     "MI.coop_conditions.school_board_approval", "action", "needs_action"),
    ("MI district construction off MiDEAL: not a substitute for 1267 bids",
     facts("MI", amount=50000, category="construction", coop=MIDEAL, attest=ALL_ATTESTED),
     "MI.coop_authority.school_mideal", "fail", "not_allowed"),
    ("MI MiDEAL contract expired", facts("MI", amount=50000, coop={**MIDEAL, "term_end": "2026-06-30"},
                                         attest=ALL_ATTESTED),
     "MI.temporal.contract_in_term", "fail", "not_allowed"),
    # ------------------------------------------------------------------ other cooperatives (board policy)
    ("MI district off a public cooperative: reached", facts("MI", amount=50000, coop=COOPERATIVE, attest=ALL_ATTESTED),
     "MI.coop_authority.school_board_policy", "pass", "needs_action"),
    ("MI district off a cooperative: board policy must authorize it",
     facts("MI", amount=50000, coop=COOPERATIVE, attest=ALL_ATTESTED),
     "MI.coop_conditions.school_policy_authorizes", "action", "needs_action"),
    ("MI district off a no-bid cooperative contract: not fair and open",
     facts("MI", amount=50000, coop={**COOPERATIVE, "solicitation_method": "none"}, attest=ALL_ATTESTED),
     "MI.coop_conditions.school_fair_and_open", "fail", "not_allowed"),
    ("MI district off another state's district: not restricted by text, not settled",
     facts("MI", amount=50000, coop=contract(), attest=ALL_ATTESTED), "MI.coop_authority.school_board_policy",
     "unknown", "needs_action"),
    ("MI district off another Michigan district: not addressed",
     facts("MI", amount=50000, coop=contract(**MI_DISTRICT), attest=ALL_ATTESTED),
     "MI.coop_authority.school_board_policy", "unknown", "needs_action"),
    ("MI district construction off a cooperative", facts("MI", amount=50000, category="construction",
                                                         coop=COOPERATIVE, attest=ALL_ATTESTED),
     "MI.coop_authority.school_board_policy", "fail", "not_allowed"),
    ("MI district technology off a cooperative: scope not settled",
     facts("MI", amount=50000, category="technology", coop=COOPERATIVE, attest=ALL_ATTESTED),
     "MI.coop_authority.school_board_policy", "unknown", "needs_action"),
    ("MI in-state district lead: construction notice not on the DTMB page",
     facts("MI", amount=50000, category="construction", attest=ALL_ATTESTED, coop=contract(**MI_DISTRICT)),
     "MI.notice.school_construction", "fail", "not_allowed"),
    ("MI in-state district lead: 13 days of construction notice",
     facts("MI", amount=50000, category="construction", attest=ALL_ATTESTED, coop=contract(
         **MI_DISTRICT, notice_first_published="2026-01-23", notice_media=["newspaper", "state_registry"])),
     "MI.notice.school_construction", "fail", "not_allowed"),
    ("MI in-state district lead: supplies notice is board policy",
     facts("MI", amount=50000, attest=ALL_ATTESTED, coop=contract(**MI_DISTRICT)),
     "MI.notice.school_supplies", "unknown", "needs_action"),
    # ------------------------------------------------------------------ local governments
    ("MI township off another state's subdivision (Urban Cooperation Act)",
     facts("MI", agency_type="municipality", amount=50000, coop=contract(), attest=ALL_ATTESTED),
     "MI.coop_authority.local_interlocal", "pass", "needs_action"),
    ("MI township: piggybacking under the Act not addressed",
     facts("MI", agency_type="municipality", amount=50000, coop=contract(), attest=ALL_ATTESTED),
     "MI.coop_conditions.local_piggyback_not_addressed", "unknown", "needs_action"),
    ("MI township without the interlocal agreement",
     facts("MI", agency_type="municipality", amount=50000, coop=contract(),
           attest={**ALL_ATTESTED, "interlocal_agreement_filed_or_posted": False}),
     "MI.coop_conditions.local_interlocal_agreement", "action", "needs_action"),
    ("MI county off a private GPO: not settled",
     facts("MI", agency_type="county", amount=50000, coop=contract(lead_agency_type="private_gpo"),
           attest=ALL_ATTESTED),
     "MI.coop_authority.local_interlocal", "unknown", "needs_action"),
    ("MI city off another state's agency: not settled",
     facts("MI", agency_type="municipality", amount=50000, coop=contract(lead_agency_type="state_agency"),
           attest=ALL_ATTESTED),
     "MI.coop_authority.local_interlocal", "unknown", "needs_action"),
    ("MI county off MiDEAL: its ordinance decides", facts("MI", agency_type="county", amount=50000, coop=MIDEAL,
                                                          attest=ALL_ATTESTED),
     "MI.coop_conditions.local_ordinance", "action", "needs_action"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_michigan(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_michigan_sources_are_listed_for_their_entry():
    assert unlisted_sources("MI") == []

"""Indiana: cases written by hand from us_procurement_law_more_states.yaml (state: IN). Supplies:
an invitation for bids over $150,000, quotes from 3 from $50,000, the open market under $50,000;
notice at least 7 days after the last publication; cooperative purchasing under another
governmental entity's referenced written contract if the original purchasing unit complied with
"state purchasing law" (which state's is not settled), through a cooperative purchasing
organization (IC 5-22 applies to it) or through the Department of Administration."""
from __future__ import annotations

import pytest

from app.accounts.models import AgencyType
from app.compliance.rules import notice_rule_for
from tests.compliance.factories import ALL_ATTESTED, contract, facts
from tests.compliance.state_cases import assert_case, unlisted_sources

IN_UNIT = {"lead_agency_state": "IN", "lead_agency_type": "county"}
IDOA = contract(lead_agency_state="IN", lead_agency_type="state_agency")

# (case id, facts, rule id, expected status, expected verdict)
CASES = [
    # ------------------------------------------------------------------ thresholds
    ("IN supplies at exactly $150,000 (more than)", facts("IN", amount=150000), "IN.threshold.supplies_formal", "pass",
     "needs_action"),
    ("IN supplies over $150,000", facts("IN", amount=150001), "IN.threshold.supplies_formal", "fail", "not_allowed"),
    ("IN supplies at exactly $50,000: quotes", facts("IN", amount=50000), "IN.threshold.supplies_quotes", "action",
     "needs_action"),
    ("IN supplies under $50,000: open market", facts("IN", agency_type="municipality", amount=49999),
     "IN.threshold.supplies_quotes", "pass", "allowed"),
    ("IN services: a manner deemed reasonable (statute not read)", facts("IN", amount=200000, category="services"),
     "IN.threshold.services", "unknown", "needs_action"),
    ("IN public works: threshold not verified", facts("IN", amount=200000, category="construction"),
     "IN.threshold.public_works", "unknown", "needs_action"),
    ("IN technology: not on file", facts("IN", amount=200000, category="technology"), "IN.threshold.not_on_file",
     "unknown", "needs_action"),
    # ------------------------------------------------------------------ another governmental entity's contract
    ("IN off another Indiana unit's contract", facts("IN", amount=200000, coop=contract(**IN_UNIT)),
     "IN.coop_authority.referenced_contract", "pass", "needs_action"),
    ("IN the Indiana lead must have complied with purchasing law", facts("IN", amount=200000, coop=contract(**IN_UNIT)),
     "IN.coop_conditions.lead_complied_in_state", "action", "needs_action"),
    ("IN Indiana lead gave 5 days of notice", facts("IN", amount=200000, coop=contract(
        **IN_UNIT, notice_first_published="2026-01-31")), "IN.notice.supplies", "fail", "not_allowed"),
    ("IN Indiana lead's last publication not given", facts("IN", amount=200000, coop=contract(**IN_UNIT)),
     "IN.notice.supplies", "unknown", "needs_action"),
    ("IN Indiana lead took unsealed bids", facts("IN", amount=200000, coop=contract(**IN_UNIT, sealed_bids=False)),
     "IN.opening_award.supplies", "fail", "not_allowed"),
    ("IN off another state's district: no geographic limit, not settled", facts("IN", amount=200000, coop=contract()),
     "IN.coop_authority.referenced_contract", "unknown", "needs_action"),
    ("IN whose purchasing law the out-of-state lead had to follow is not settled",
     facts("IN", amount=200000, coop=contract()), "IN.coop_conditions.lead_complied_out_of_state", "unknown",
     "needs_action"),
    ("IN construction off an Indiana unit's contract: not settled",
     facts("IN", amount=200000, category="construction", coop=contract(**IN_UNIT)),
     "IN.coop_authority.referenced_contract", "unknown", "needs_action"),
    ("IN GSA price without a written determination",
     facts("IN", amount=200000, coop=contract(lead_agency_type="federal"),
           attest={**ALL_ATTESTED, "written_determination": False}),
     "IN.coop_conditions.special_purchase_determination", "action", "needs_action"),
    # ------------------------------------------------------------------ cooperative organizations, IDOA
    ("IN public cooperative acting as purchasing agency",
     facts("IN", amount=200000, coop=contract(lead_agency_type="public_cooperative")),
     "IN.coop_authority.cooperative_purchasing_organization", "pass", "needs_action"),
    ("IN cooperative's purchase must meet IC 5-22",
     facts("IN", amount=200000, coop=contract(lead_agency_type="public_cooperative")),
     "IN.coop_conditions.organization_follows_ic_5_22", "action", "needs_action"),
    ("IN private GPO: not settled", facts("IN", amount=200000, coop=contract(lead_agency_type="private_gpo")),
     "IN.coop_authority.cooperative_purchasing_organization", "unknown", "needs_action"),
    ("IN Department of Administration purchase under an agreement",
     facts("IN", amount=200000, coop=IDOA, attest=ALL_ATTESTED), "IN.coop_authority.department_of_administration",
     "pass", "allowed"),
    ("IN Department of Administration purchase without the agreement",
     facts("IN", amount=200000, coop=IDOA, attest={**ALL_ATTESTED, "participation_agreement_signed": False}),
     "IN.coop_conditions.department_agreement", "action", "needs_action"),
    ("IN contract expired", facts("IN", amount=200000, coop={**IDOA, "term_end": "2026-06-30"}, attest=ALL_ATTESTED),
     "IN.temporal.contract_in_term", "fail", "not_allowed"),
]


@pytest.mark.parametrize(("raw", "rule_id", "status", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_indiana(raw, rule_id, status, verdict):
    assert_case(raw, rule_id, status, verdict)


def test_indiana_notice_is_not_enforced_at_publishing():
    """Seven days run from the LAST publication, which the platform does not record."""
    rule = notice_rule_for("IN", AgencyType.SCHOOL_DISTRICT)
    assert rule is not None and rule.min_days is None and rule.counting == "calendar_days"


def test_indiana_sources_are_listed_for_their_entry():
    assert unlisted_sources("IN") == []

"""Facts builders for the compliance tests: a complete, lawful-looking base that each case
changes in one or two places."""
from __future__ import annotations

from typing import Any

from app.compliance.engine import check, parse_facts

DATE = "2026-11-01"
ALL_ATTESTED = {
    "same_or_better_terms": True,
    "board_approval_regular_meeting": True,
    "notice_of_intent_days_before_meeting": 12,
    "best_value_authorized": True,
    "interlocal_agreement_filed_or_posted": True,
    "participation_agreement_signed": True,
    "written_determination": True,
}


def purchase(state: str, **changes: Any) -> dict[str, Any]:
    base = {"agency_state": state, "agency_type": "school_district", "amount": 10000, "category": "goods",
            "date": DATE, "funding": ["local"]}
    return {**base, **changes}


def contract(**changes: Any) -> dict[str, Any]:
    base = {"lead_agency_state": "TX", "lead_agency_type": "school_district", "solicitation_method": "sealed_bid",
            "award_basis": "lowest_responsible_bidder", "cooperative_clause": True,
            "notice_first_published": "2026-01-05", "notice_media": ["newspaper", "website"],
            "bid_opening": "2026-02-05", "sealed_bids": True, "public_opening": True, "bids_received": 4, "award_date": "2026-03-01",
            "term_end": "2029-02-28", "lead_distance_miles": 40,
            "evaluation_weights": {"price": 40, "technical": 35, "experience": 25}}
    return {**base, **changes}


def facts(state: str, *, coop: dict[str, Any] | None = None, attest: dict[str, Any] | None = None,
          **purchase_changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"purchase": purchase(state, **purchase_changes), "contract": coop}
    if attest is not None:
        raw["attestations"] = attest
    return raw


def report(raw: dict[str, Any]) -> dict[str, Any]:
    return check(parse_facts(raw))


def status_of(result: dict[str, Any], rule_id: str) -> str:
    """The status of one rule's finding; the test fails listing the rules there are if absent."""
    found = [f["status"] for f in result["findings"] if f["rule"] == rule_id]
    assert found, f"no finding {rule_id}; findings: {[f['rule'] for f in result['findings']]}"
    return found[0]


def finding(result: dict[str, Any], rule_id: str) -> dict[str, Any]:
    status_of(result, rule_id)
    return next(f for f in result["findings"] if f["rule"] == rule_id)

"""Federal Uniform Guidance and E-rate: applied when the funding says so, and the verdict is the
most restrictive of them and the state's rules."""
from __future__ import annotations

import pytest

from tests.compliance.factories import ALL_ATTESTED, contract, facts, finding, report, status_of

MPT, SAT = "FEDERAL.federal_overlay.micro_purchase", "FEDERAL.federal_overlay.simplified_acquisition"
WAIT, PRICE = "E_RATE.e_rate.form_470_wait", "E_RATE.e_rate.price_primary"


def _rules(result) -> set[str]:
    return {f["rule"] for f in result["findings"]}


# ----------------------------------------------------------------------------- federal
@pytest.mark.parametrize(("amount", "on", "rule", "status"), [
    (8000, "2025-11-01", MPT, "pass"),
    (12000, "2025-11-01", MPT, "unknown"),   # $15,000 FAR figure vs the $10,000 a program may still use
    (12000, "2025-09-01", MPT, "action"),    # $10,000 until 2025-09-30
    (20000, "2025-11-01", MPT, "action"),
    (300000, "2025-09-01", SAT, "fail"),     # $250,000 until 2025-09-30
    (300000, "2025-11-01", SAT, "pass"),     # $350,000 from 2025-10-01
    (350000, "2025-11-01", SAT, "pass"),     # "above" the threshold: $350,000 itself is within
    (400000, "2025-11-01", SAT, "fail"),
    (100000, "2018-06-01", SAT, "unknown"),  # took effect during 2018, the day is not on file
])
def test_federal_thresholds_by_date(amount, on, rule, status):
    result = report(facts("MN", amount=amount, date=on, category="services", funding=["local", "federal"]))
    assert status_of(result, rule) == status


def test_federal_rules_apply_only_with_federal_funds():
    local = report(facts("MN", amount=400000, category="services", funding=["local"]))
    federal = report(facts("MN", amount=400000, category="services", funding=["local", "federal"]))
    assert not any(r.startswith("FEDERAL.") for r in _rules(local))
    # Minnesota law does not make services bid; 2 CFR 200 does: the most restrictive wins.
    assert status_of(local, "MN.threshold.services") == status_of(federal, "MN.threshold.services") == "pass"
    assert local["verdict"] == "allowed"
    assert status_of(federal, SAT) == "fail" and federal["verdict"] == "not_allowed"
    assert status_of(federal, "FEDERAL.federal_overlay.most_restrictive") == "pass"


def test_the_state_rule_wins_when_it_is_stricter():
    result = report(facts("NC", amount=95000, funding=["federal"]))
    assert status_of(result, SAT) == "pass" and status_of(result, MPT) == "action"
    assert status_of(result, "NC.threshold.goods_formal") == "fail"
    assert result["verdict"] == "not_allowed"


def test_state_agencies_follow_their_own_state_rules():
    result = report(facts("UT", agency_type="state_agency", amount=400000, aggregate_12mo=400000,
                          funding=["federal"]))
    assert status_of(result, "FEDERAL.federal_overlay.state_agencies") == "pass"
    assert SAT not in _rules(result)


def test_cooperative_contract_with_federal_funds():
    competitive = report(facts("OH", amount=400000, coop=contract(), funding=["federal"]))
    assert status_of(competitive, SAT) == "pass"
    assert status_of(competitive, "FEDERAL.federal_overlay.intergovernmental_agreements") == "action"
    no_bid = report(facts("OH", amount=40000, coop=contract(solicitation_method="none"), funding=["federal"]))
    assert status_of(no_bid, "FEDERAL.federal_overlay.noncompetitive") == "action"
    assert status_of(no_bid, "OH.coop_conditions.competitive_selection") == "fail"
    assert no_bid["verdict"] == "not_allowed"


def test_bonding_for_federally_funded_construction():
    result = report(facts("CO", amount=400000, category="construction", coop=contract(), funding=["federal"],
                          attest=ALL_ATTESTED))
    assert status_of(result, "FEDERAL.federal_overlay.bonding") == "action"


def test_unstated_funding_is_unknown_not_assumed_local():
    raw = facts("NC", amount=10000)
    del raw["purchase"]["funding"]
    result = report(raw)
    assert status_of(result, "ENGINE.facts.funding") == "unknown" and result["verdict"] == "needs_action"


# ----------------------------------------------------------------------------- E-rate
@pytest.mark.parametrize(("certified", "signed", "status"), [
    ("2024-01-01", "2024-01-29", "pass"),   # USAC's example: certify 1/1, Allowable Contract Date 1/29
    ("2024-01-01", "2024-01-28", "fail"),
    ("2026-01-05", "2026-01-30", "fail"),
    ("2026-01-05", "2026-02-02", "pass"),
])
def test_form_470_wait(certified, signed, status):
    result = report(facts("OR", amount=30000, funding=["e_rate"], form_470_certified=certified,
                          contract_signed=signed))
    assert status_of(result, WAIT) == status
    if status == "fail":
        assert result["verdict"] == "not_allowed" and "Allowable Contract Date" in finding(result, WAIT)["message"]


def test_form_470_wait_uses_the_purchase_date_when_no_signature_date():
    result = report(facts("OR", amount=30000, funding=["e_rate"], form_470_certified="2026-10-20"))
    assert status_of(result, WAIT) == "fail"  # 2026-11-01 is before 2026-11-17


def test_no_form_470_is_an_action_or_a_state_master_contract_question():
    assert status_of(report(facts("OR", amount=30000, funding=["e_rate"])), WAIT) == "action"
    master = facts("OR", amount=300000, funding=["e_rate"],
                   coop=contract(lead_agency_state="OR", lead_agency_type="state_agency"))
    assert status_of(report(master), WAIT) == "unknown"


@pytest.mark.parametrize(("weights", "award_basis", "status"), [
    ({"price": 40, "technical": 35, "experience": 25}, "best_value", "pass"),
    ({"price": 25, "technical": 25, "experience": 50}, "best_value", "fail"),
    ({"price": 25, "technical": 25}, "best_value", "fail"),   # equal weighting violates the rule
    ({"technical": 60, "experience": 40}, "best_value", "fail"),
    (None, "lowest_responsible_bidder", "pass"),
    (None, "best_value", "unknown"),
])
def test_price_is_the_primary_factor(weights, award_basis, status):
    raw = facts("OH", amount=30000, funding=["e_rate"], form_470_certified="2026-01-05",
                coop=contract(evaluation_weights=weights, award_basis=award_basis))
    assert status_of(report(raw), PRICE) == status


def test_florida_state_contract_review_does_not_apply_to_e_rate_services():
    assert "FL.coop_conditions.state_contract_review" in _rules(report(facts("FL", amount=30000)))
    assert "FL.coop_conditions.state_contract_review" not in _rules(report(facts("FL", amount=30000,
                                                                                 funding=["e_rate"])))

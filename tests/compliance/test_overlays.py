"""Federal Uniform Guidance and E-rate: applied when the funding says so, and the verdict is the
most restrictive of them and the state's rules."""
from __future__ import annotations

import pytest

from app.compliance.facts import FactsError

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
    # Undocumented and above the micro-purchase threshold: federal money cannot pay for it.
    assert status_of(no_bid, "FEDERAL.federal_overlay.noncompetitive") == "fail"
    assert status_of(no_bid, "OH.coop_conditions.competitive_selection") == "fail"
    assert no_bid["verdict"] == "not_allowed"
    micro = report(facts("OH", amount=9000, coop=contract(solicitation_method="none"), funding=["federal"]))
    assert status_of(micro, "FEDERAL.federal_overlay.noncompetitive") == "pass"


@pytest.mark.parametrize(("changes", "status", "words"), [
    ({}, "pass", "publicly advertised from 2026-01-05; bids were sealed; opened in public"),
    ({"public_opening": None}, "unknown", "whether the bids were opened in public is not given"),
    ({"notice_media": None}, "unknown", "when and where it was publicly advertised is not given"),
    ({"notice_media": []}, "fail", "no public notice is recorded"),
    ({"sealed_bids": False}, "fail", "the bids were not sealed"),
    ({"public_opening": False}, "fail", "the bids were not opened in public"),
    ({"award_basis": "best_value"}, "fail", "lowest responsive and responsible bidder"),
    ({"solicitation_method": "competitive_proposals", "award_basis": "best_value"}, "pass",
     "evaluated by a written method with price among the factors"),
    ({"solicitation_method": "competitive_proposals", "evaluation_weights": None}, "unknown",
     "the written evaluation method is not given"),
    ({"solicitation_method": "competitive_proposals", "evaluation_weights": {"technical": 70, "experience": 30}},
     "fail", "without price among the factors"),
])
def test_above_the_simplified_acquisition_threshold_the_record_must_show_the_method(changes, status, words):
    lead = {key: value for key, value in contract(**changes).items() if value is not None}
    result = report(facts("OH", amount=400000, coop=lead, funding=["federal"]))
    assert status_of(result, SAT) == status
    assert words in finding(result, SAT)["message"]


def test_a_federally_funded_piggyback_is_documented_by_the_buyer():
    rule = "FEDERAL.federal_overlay.piggyback_documentation"
    undocumented = report(facts("OH", amount=5000, coop=contract(), funding=["federal"], attest=ALL_ATTESTED))
    assert status_of(undocumented, rule) == "action" and undocumented["verdict"] == "needs_action"
    documented = report(facts("OH", amount=5000, coop=contract(), funding=["federal"],
                              attest={**ALL_ATTESTED, "federal_procurement_documented": True}))
    assert status_of(documented, rule) == "pass"
    # States follow their own policies for federal funds (2 CFR 200.317).
    state = report(facts("OH", agency_type="state_agency", amount=5000, coop=contract(), funding=["federal"]))
    assert rule not in _rules(state)


@pytest.mark.parametrize(("weights", "category", "status"), [
    ({"price": 60, "local vendor": 10, "technical": 30}, "goods", "fail"),
    ({"price": 50, "texas principal place of business": 10, "quality": 40}, "services", "fail"),
    ({"price": 50, "in-state presence": 10, "quality": 40}, "goods", "fail"),
    ({"price": 40, "location": 20, "qualifications": 40}, "architectural_engineering", "unknown"),
    ({"price": 40, "technical": 35, "experience": 25}, "goods", "pass"),
])
def test_no_geographic_preference_in_evaluating_a_federally_funded_purchase(weights, category, status):
    rule = "FEDERAL.federal_overlay.geographic_preference"
    result = report(facts("OH", amount=5000, category=category, funding=["federal"],
                          coop=contract(solicitation_method="competitive_proposals", award_basis="best_value",
                                        evaluation_weights=weights)))
    assert status_of(result, rule) == status
    # Buying on one's own, the buyer is told before it evaluates.
    own = report(facts("OH", amount=5000, funding=["federal"]))
    assert status_of(own, rule) == "action"


def test_the_affirmative_steps_are_the_soliciting_agencys_action_above_a_micro_purchase():
    rule = "FEDERAL.federal_overlay.affirmative_steps"
    assert status_of(report(facts("OH", amount=50000, funding=["federal"])), rule) == "action"
    assert rule not in _rules(report(facts("OH", amount=5000, funding=["federal"])))
    assert status_of(report(facts("OH", agency_type="state_agency", amount=50000, funding=["federal"])), rule) == "action"


def test_bonding_for_federally_funded_construction():
    result = report(facts("CO", amount=400000, category="construction", coop=contract(), funding=["federal"],
                          attest=ALL_ATTESTED))
    assert status_of(result, "FEDERAL.federal_overlay.bonding") == "action"


def test_funding_must_be_stated_never_assumed_local():
    for funding in (..., []):
        raw = facts("NC", amount=10000)
        if funding is ...:
            del raw["purchase"]["funding"]
        else:
            raw["purchase"]["funding"] = funding
        with pytest.raises(FactsError, match="purchase.funding"):
            report(raw)


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

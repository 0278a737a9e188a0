"""The engine's principles, checked over every state file rather than case by case (bid_rules/README.md,
"Principles"). Each test walks every cooperative authority or condition on file."""
from __future__ import annotations

from typing import Any

import pytest

from app.compliance.context import CONTRACT, Context, applies, lead_category
from app.compliance.engine import evaluate, parse_facts
from app.compliance.evaluators.cooperative import evaluate_coop_authority
from app.compliance.facts import CATEGORIES
from app.compliance.rulebook import load_rulebook
from tests.compliance.factories import ALL_ATTESTED, contract, facts

BOOK = load_rulebook()
LEAD_KINDS = ("state_contract", "in_state_public", "out_of_state_local", "out_of_state_state_agency",
              "out_of_state_higher_education", "federal", "public_cooperative", "nonprofit_cooperative", "private_gpo")
# A lead of each kind, as the facts describe it, for a buyer in `state`.
LEAD_FACTS = {
    "state_contract": lambda state: {"lead_agency_state": state, "lead_agency_type": "state_agency"},
    "in_state_public": lambda state: {"lead_agency_state": state, "lead_agency_type": "county"},
    "out_of_state_local": lambda state: {"lead_agency_state": _elsewhere(state), "lead_agency_type": "county"},
    "out_of_state_state_agency": lambda state: {"lead_agency_state": _elsewhere(state), "lead_agency_type": "state_agency"},
    "out_of_state_higher_education": lambda state: {"lead_agency_state": _elsewhere(state),
                                                    "lead_agency_type": "higher_education"},
    "federal": lambda state: {"lead_agency_type": "federal"},
    "public_cooperative": lambda state: {"lead_agency_type": "public_cooperative"},
    "nonprofit_cooperative": lambda state: {"lead_agency_type": "nonprofit_cooperative"},
    "private_gpo": lambda state: {"lead_agency_type": "private_gpo"},
}
BUYER = {"school_district": "school_district", "local_government": "county", "county": "county",
         "municipality": "municipality", "state_agency": "state_agency", "higher_education": "higher_education"}


def _elsewhere(state: str) -> str:
    return "KS" if state != "KS" else "NE"


def _authorities() -> list[tuple[str, Any]]:
    return [(state, rule) for state, rule_file in sorted(BOOK.states.items())
            for rule in rule_file.of_kind("coop_authority")]


AUTHORITIES = _authorities()


def _buyer_for(rule) -> str:
    types = sorted(rule.applies_to.entity_types or ["school_district"])
    return BUYER[types[0]]


def _path_finding(state: str, rule, lead: str, category: str = "goods"):
    """The authority's own finding for a lead of this kind buying in this category (amount high enough
    for formal-range-only exceptions)."""
    raw = facts(state, agency_type=_buyer_for(rule), amount=5_000_000, category=category,
                coop=contract(**LEAD_FACTS[lead](state)), attest=ALL_ATTESTED)
    parsed = parse_facts(raw)
    ctx = Context(facts=parsed, rulebook=BOOK, state=BOOK.states[state], route=CONTRACT, lead=lead_category(parsed))
    assert ctx.lead == lead
    if not applies(rule, ctx):
        return None
    return evaluate_coop_authority([rule], ctx, formal_required=True).finding


def test_the_facts_name_each_kind_of_lead_apart():
    for lead, make in LEAD_FACTS.items():
        parsed = parse_facts(facts("NC", coop=contract(**make("NC"))))
        assert lead_category(parsed) == lead


@pytest.mark.parametrize(("state", "rule"), AUTHORITIES, ids=[rule.id for _, rule in AUTHORITIES])
def test_a_kind_of_lead_the_authority_does_not_name_is_unknown(state, rule):
    """Principle 3 and 1: a path that names one kind of lead does not reach the others."""
    named = rule.params["lead_types"]
    for lead in LEAD_KINDS:
        finding = _path_finding(state, rule, lead)
        if finding is None:
            continue  # the path is split by applies_to.lead_types: another rule speaks
        value = named.get(lead, "unknown")
        if value is not True:
            assert finding.status.value in ("unknown", "fail"), (lead, value, finding.message)
        if value in ("unknown", "not_restricted_by_text") or lead not in named:
            assert finding.status.value != "pass", (lead, finding.message)


@pytest.mark.parametrize(("state", "rule"), AUTHORITIES, ids=[rule.id for _, rule in AUTHORITIES])
def test_a_category_the_authority_does_not_name_is_unknown(state, rule):
    """Principle 1: silence about what may be bought is unknown, never pass."""
    scope = rule.params.get("scope") or {}
    reached = next((kind for kind in LEAD_KINDS if rule.params["lead_types"].get(kind) is True), None)
    for category in CATEGORIES:
        finding = _path_finding(state, rule, reached or LEAD_KINDS[0], category)
        if finding is None:
            continue
        if reached is None or category not in scope or scope[category] == "unknown":
            assert finding.status.value != "pass", (category, finding.message)
        elif scope[category] is False:
            assert finding.status.value == "fail", (category, finding.message)


def _conditions(check: str) -> list[tuple[str, Any]]:
    return [(state, rule) for state, rule_file in sorted(BOOK.states.items())
            for rule in rule_file.of_kind("coop_conditions") if rule.params["check"] == check]


def _condition_status(state: str, rule, lead_changes: dict) -> str | None:
    lead_types = sorted(rule.applies_to.lead_types or ["out_of_state_local"])
    buyer = BUYER[sorted(rule.applies_to.entity_types or ["school_district"])[0]]
    base = {**contract(**LEAD_FACTS[lead_types[0]](state)), **lead_changes}
    base = {key: value for key, value in base.items() if value is not None}
    result = evaluate(parse_facts(facts(state, agency_type=buyer, amount=5_000_000, coop=base,
                                        attest=ALL_ATTESTED)), BOOK)
    found = [f.status.value for f in result.findings if f.rule == rule.id]
    return found[0] if found else None


COMPETITION = _conditions("lead_competition")


@pytest.mark.parametrize(("state", "rule"), COMPETITION, ids=[rule.id for _, rule in COMPETITION])
def test_the_leads_competition_is_decided_by_its_record(state, rule):
    """Principle 2: the record decides; a label alone proves nothing; a no-bid lead never passes."""
    complete = _condition_status(state, rule, {})
    assert complete is not None, "the condition must speak to its own buyer and lead"
    accepted = rule.params["methods"]["sealed_bid"]
    assert complete == {True: "pass", False: "fail"}.get(accepted, "unknown")
    assert _condition_status(state, rule, {"solicitation_method": "none"}) != "pass"
    for missing in ("notice_media", "sealed_bids", "public_opening", "award_basis"):
        assert _condition_status(state, rule, {missing: None}) in ("unknown", "fail"), missing
    assert _condition_status(state, rule, {"public_opening": False}) == "fail"


ONLINE = _conditions("lead_notice_online")


@pytest.mark.parametrize(("state", "rule"), ONLINE, ids=[rule.id for _, rule in ONLINE])
def test_a_notice_that_must_be_online_fails_when_the_record_shows_none_online(state, rule):
    assert _condition_status(state, rule, {"notice_media": ["newspaper"]}) == "fail"
    assert _condition_status(state, rule, {"notice_media": ["newspaper", "website"]}) == "pass"
    assert _condition_status(state, rule, {"notice_media": None}) == "unknown"


def test_every_state_without_a_file_is_a_report_for_the_buyer():
    for state in ("KS", "NE", "WY"):
        result = evaluate(parse_facts(facts(state, amount=150000, coop=contract())), BOOK)
        assert result.verdict.value == "needs_action"
        assert [f.rule for f in result.findings] == ["ENGINE.state.not_on_file"]



STATES = sorted(BOOK.states)
EVERY_LEAD = frozenset(LEAD_KINDS)
CONCRETE_BUYERS = ("school_district", "county", "municipality", "state_agency", "higher_education")


def _buyers(types) -> frozenset[str]:
    """The concrete kinds of buyer a rule names (local_government covers counties and municipalities)."""
    if types is None:
        return frozenset(CONCRETE_BUYERS)
    return frozenset(t for t in CONCRETE_BUYERS if t in types or (t in ("county", "municipality")
                                                                    and "local_government" in types))


def _path_of(rule_file, lead: str, buyer: str) -> str | None:
    """The path the engine takes for this buyer and lead: the first authority that applies."""
    for path in rule_file.of_kind("coop_authority"):
        if lead in (path.applies_to.lead_types or EVERY_LEAD) and buyer in _buyers(path.applies_to.entity_types):
            return path.id
    return None


@pytest.mark.parametrize("state", STATES)
def test_a_condition_belongs_to_one_legal_path(state):
    """Principle 4: for any one buyer, a condition speaks to the leads of one legal path only (NC: the
    § 143-129(g) piggyback vs the group purchasing program), so one path's conditions are never
    added to another's. A duty of every purchase, whatever the path, says so (`every_path`)."""
    rule_file = BOOK.states[state]
    for condition in rule_file.of_kind("coop_conditions"):
        if condition.params.get("every_path"):
            continue
        leads = condition.applies_to.lead_types or EVERY_LEAD
        for buyer in _buyers(condition.applies_to.entity_types):
            paths = {_path_of(rule_file, lead, buyer) for lead in leads} - {None}
            assert len(paths) <= 1, (condition.id, buyer, sorted(paths))

"""The compliance check: facts in, a report out. Pure (no database, no request), so the contract
registry can call it for every (contract, state) pair.

    report = check(parse_facts(raw))
    {"verdict": "allowed" | "needs_action" | "not_allowed",
     "findings": [{"rule", "status", "citation", "message"}, ...],
     "rules_version": "..."}
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.compliance.context import CONTRACT, NO_CONTRACT, PUBLIC_BODY_TYPES, Context, applies, lead_category
from app.compliance.evaluators import (evaluate_coop_authority, evaluate_coop_condition, evaluate_e_rate,
                                       evaluate_federal_overlay, evaluate_notice, evaluate_opening_award,
                                       evaluate_temporal, evaluate_threshold)
from app.compliance.facts import Facts, FactsError, parse_facts
from app.compliance.findings import Finding, Status, Verdict, verdict_of
from app.compliance.rulebook import Rule, RuleBook, RuleFile, load_rulebook

__all__ = ["Facts", "FactsError", "Report", "check", "check_many", "evaluate", "parse_facts"]


@dataclass(frozen=True)
class Report:
    verdict: Verdict
    findings: tuple[Finding, ...]
    rules_version: str

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict.value, "findings": [f.as_dict() for f in self.findings],
                "rules_version": self.rules_version}


def check(facts: Facts, rulebook: RuleBook | None = None) -> dict[str, Any]:
    """The report of COMPLIANCE.md for parsed facts."""
    return evaluate(facts, rulebook).as_dict()


def evaluate(facts: Facts, rulebook: RuleBook | None = None) -> Report:
    rulebook = rulebook or load_rulebook()
    code = facts.purchase.agency_state
    state = rulebook.states.get(code) or RuleFile(jurisdiction=code, name=code, as_of="", rules=(), path=None)
    ctx = Context(facts=facts, rulebook=rulebook, state=state,
                  route=NO_CONTRACT if facts.contract is None else CONTRACT, lead=lead_category(facts))
    if code in rulebook.states:
        findings = _state_findings(ctx)
    else:
        # Not the buyer's mistake: the state's law is simply not on file. Federal and E-rate rules
        # still apply on their own.
        findings = [Finding("ENGINE.state.not_on_file", Status.UNKNOWN, "not on file",
                            f"No rules on file for {code}: check your state's law.")]
    findings.extend(_funding_findings(ctx))
    return Report(verdict_of(findings), tuple(findings), rulebook.version)


def check_many(contract_facts: Mapping[str, Any] | None, states: Iterable[str],
               purchase_template: Mapping[str, Any], attestations: Mapping[str, Any] | None = None,
               rulebook: RuleBook | None = None) -> dict[str, str]:
    """Per-state eligibility of one contract (or of buying with no contract): the verdict for a
    buyer in each state, with the purchase template's type, amount, category, date and funding. A
    state without a rule file is `needs_action` (its law is not on file)."""
    rulebook = rulebook or load_rulebook()
    verdicts = {}
    for state in states:
        raw = {"purchase": {**purchase_template, "agency_state": state}, "contract": contract_facts}
        if attestations is not None:
            raw["attestations"] = attestations
        verdicts[state] = evaluate(parse_facts(raw), rulebook).verdict.value
    return verdicts


# ----------------------------------------------------------------------------- state rules
def _state_findings(ctx: Context) -> list[Finding]:
    rules = [rule for rule in ctx.state.rules if applies(rule, ctx)]

    def of_kind(kind: str) -> list[Rule]:
        return [rule for rule in rules if rule.kind == kind]

    thresholds = evaluate_threshold(of_kind("threshold"), ctx)
    if ctx.route == NO_CONTRACT:
        # The question is whether a formal solicitation is needed at all, plus duties that come
        # with any purchase (rules whose routes include no_contract).
        return [*thresholds.findings(), *(evaluate_coop_condition(r, ctx) for r in of_kind("coop_conditions"))]

    path = evaluate_coop_authority(of_kind("coop_authority"), ctx, thresholds.formal_required)
    findings = [path.finding]
    if path.informal_rules_apply:
        findings.extend(thresholds.findings())
    conditions = of_kind("coop_conditions")
    if not path.conditions_apply:
        conditions = [r for r in conditions if r.applies_to.routes and NO_CONTRACT in r.applies_to.routes]
    findings.extend(evaluate_coop_condition(rule, ctx) for rule in conditions)
    findings.extend(evaluate_temporal(rule, ctx) for rule in of_kind("temporal"))
    if path.lead_rules_apply:
        findings.extend(_lead_solicitation_findings(ctx))
    return findings


def _lead_solicitation_findings(ctx: Context) -> list[Finding]:
    """A lead of the buyer's own state was bound by this file's notice and opening rules."""
    lead_type = ctx.facts.contract.lead_agency_type
    if ctx.lead not in ("in_state_public", "state_contract") or lead_type not in PUBLIC_BODY_TYPES:
        return []
    findings = []
    for rule in ctx.state.rules:
        if rule.kind == "notice" and applies(rule, ctx, entity=lead_type):
            findings.append(evaluate_notice(rule, ctx))
        elif rule.kind == "opening_award" and applies(rule, ctx, entity=lead_type):
            finding = evaluate_opening_award(rule, ctx)
            if finding is not None:
                findings.append(finding)
    return findings


# ----------------------------------------------------------------------------- federal and E-rate
def _funding_findings(ctx: Context) -> list[Finding]:
    funding = ctx.facts.purchase.funding
    findings = []
    book = ctx.rulebook
    if "federal" in funding and book.federal is not None:
        rules = [rule for rule in book.federal.rules if applies(rule, ctx)]
        findings.extend(evaluate_federal_overlay(rules, ctx, book.federal))
    if "e_rate" in funding and book.e_rate is not None:
        findings.extend(evaluate_e_rate(rule, ctx) for rule in book.e_rate.rules if applies(rule, ctx))
    return findings

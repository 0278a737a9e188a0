"""threshold: is a formal solicitation (or are quotes) required for this amount on this date?"""
from __future__ import annotations

from dataclasses import dataclass

from app.compliance.amounts import Answer, Limit, ThresholdAnswer, answer
from app.compliance.context import AGENCY_PHRASE, CATEGORY_PHRASE, Context
from app.compliance.findings import Finding, Status, money
from app.compliance.rulebook import Rule

NOT_ON_FILE = "not on file"


@dataclass(frozen=True)
class ThresholdResult:
    formal_required: bool | None  # None: not known (unknown amount, local policy, no rule)
    formal: list[Finding]
    quotes: list[Finding]

    def findings(self) -> list[Finding]:
        """Quotes matter only where a formal solicitation is not (certainly) required."""
        return self.formal + ([] if self.formal_required else self.quotes)


def evaluate_threshold(rules: list[Rule], ctx: Context) -> ThresholdResult:
    formal_rules = [r for r in rules if r.params["level"] == "formal"]
    quote_rules = [r for r in rules if r.params["level"] == "quote"]
    formal = [(rule, _answer(rule, ctx)) for rule in formal_rules]
    answers = [a.answer for _, a in formal]
    if any(a == Answer.REQUIRED for a in answers):
        required: bool | None = True
    elif formal and all(a in (Answer.NOT_REQUIRED, Answer.NOT_COVERED) for a in answers) and not any(
            r.params.get("local_policy_may_lower") for r in formal_rules):
        required = False
    else:
        required = None
    formal_findings = [_formal_finding(rule, a, ctx) for rule, a in formal] or [_not_on_file(ctx)]
    quote_findings = [_quote_finding(rule, _answer(rule, ctx), ctx) for rule in quote_rules]
    return ThresholdResult(required, formal_findings, quote_findings)


def _answer(rule: Rule, ctx: Context) -> ThresholdAnswer:
    purchase = ctx.facts.purchase
    if rule.params["aggregation"] == "aggregate_12mo" and purchase.aggregate_12mo is None:
        return answer(rule.params, purchase.amount, purchase.date, value_is_minimum=True)
    value = purchase.aggregate_12mo if rule.params["aggregation"] == "aggregate_12mo" else purchase.amount
    return answer(rule.params, value, purchase.date)


def _value_phrase(rule: Rule, ctx: Context) -> str:
    purchase = ctx.facts.purchase
    if rule.params["aggregation"] == "aggregate_12mo":
        return f"{money(purchase.aggregate_12mo if purchase.aggregate_12mo is not None else purchase.amount)} " \
               f"(12-month aggregate)"
    return money(purchase.amount)


def _under(limit: Limit) -> str:
    return f"{'not over' if limit.comparator == 'gt' else 'under'} {money(float(limit.amount))}"


def _what(ctx: Context) -> str:
    purchase = ctx.facts.purchase
    return f"{CATEGORY_PHRASE[purchase.category]} bought by {AGENCY_PHRASE[purchase.agency_type]}"


def _formal_finding(rule: Rule, result: ThresholdAnswer, ctx: Context) -> Finding:
    params, state, value = rule.params, ctx.state_name, _value_phrase(rule, ctx)
    requirement = params["requirement"]
    if result.answer == Answer.REQUIRED:
        if params.get("unless"):
            return Finding(rule.id, Status.ACTION, rule.citation,
                           f"A formal solicitation is required unless {params['unless']}: {value} is "
                           f"{result.limit.phrase}, {state}'s limit for {_what(ctx)}. Required: {requirement}.")
        return Finding(rule.id, Status.FAIL, rule.citation,
                       f"This purchase needs a formal solicitation: {value} is {result.limit.phrase}, "
                       f"{state}'s limit for {_what(ctx)}. Required: {requirement}.")
    if result.answer == Answer.NOT_REQUIRED:
        if params.get("local_policy_may_lower"):
            return Finding(rule.id, Status.UNKNOWN, rule.citation,
                           f"{value} is {_under(result.limit)}, the statutory limit for {_what(ctx)} in {state}, "
                           f"but your board may set a lower amount: check board policy.")
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"No formal solicitation is required by {state} law: {value} is {_under(result.limit)} "
                       f"for {_what(ctx)}.")
    if result.answer == Answer.NOT_COVERED:
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"{state} law does not require a formal solicitation for {_what(ctx)} ({requirement}); "
                       f"local policy may still apply.")
    if result.answer == Answer.LOCAL_POLICY:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"{state} leaves the formal-bid limit for {_what(ctx)} to local policy: {requirement}. "
                       f"Check your own policy.")
    return Finding(rule.id, Status.UNKNOWN, rule.citation,
                   f"Whether {value} needs a formal solicitation in {state} is not known: {result.reason}. "
                   f"If it does: {requirement}.")


def _quote_finding(rule: Rule, result: ThresholdAnswer, ctx: Context) -> Finding:
    params, state, value = rule.params, ctx.state_name, _value_phrase(rule, ctx)
    requirement = params["requirement"]
    if result.answer == Answer.REQUIRED:
        return Finding(rule.id, Status.ACTION, rule.citation,
                       f"Get quotes: {value} is {result.limit.phrase}. Required: {requirement}.")
    if result.answer == Answer.NOT_REQUIRED:
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"No quotes are required by {state} law: {value} is {_under(result.limit)}.")
    if result.answer == Answer.NOT_COVERED:
        return Finding(rule.id, Status.PASS, rule.citation, f"{state} law requires no quotes here ({requirement}).")
    if result.answer == Answer.LOCAL_POLICY:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"Below the formal limit, {state} leaves quotes to local policy: {requirement}.")
    return Finding(rule.id, Status.UNKNOWN, rule.citation,
                   f"Whether quotes are required is not known: {result.reason}. If they are: {requirement}.")


def _not_on_file(ctx: Context) -> Finding:
    return Finding(f"{ctx.state.jurisdiction}.threshold.not_on_file", Status.UNKNOWN, NOT_ON_FILE,
                   f"No {ctx.state_name} bid threshold for {_what(ctx)} is on file; check your own policy "
                   f"and counsel before buying without a formal solicitation.")

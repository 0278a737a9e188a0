"""federal_overlay (2 CFR 200) and e_rate: rules that come with the money, on top of the state's."""
from __future__ import annotations

import re
from datetime import timedelta

from app.compliance.amounts import Answer, ThresholdAnswer, answer
from app.compliance.context import CONTRACT, Context
from app.compliance.evaluators.evidence import formal_method_evidence, price_factors
from app.compliance.findings import Finding, Status, money, worst
from app.compliance.rulebook import Rule, RuleFile

COMPETITIVE_METHODS = ("sealed_bid", "competitive_proposals")


def evaluate_federal_overlay(rules: list[Rule], ctx: Context, federal: RuleFile) -> list[Finding]:
    """The federal rules that apply to this purchase; the method thresholds read each other
    (quotes matter only below the simplified acquisition threshold)."""
    by_check = {rule.params["check"]: rule for rule in rules}
    sat = _limit(federal, "simplified_acquisition", ctx)
    mpt = _limit(federal, "micro_purchase", ctx)
    method = ctx.facts.contract.solicitation_method if ctx.facts.contract else None
    findings = []
    for check, rule in by_check.items():
        requirement = rule.params["requirement"]
        if check in ("applicability", "most_restrictive"):
            findings.append(Finding(rule.id, Status.PASS, rule.citation, f"Federal funds: {requirement}."))
        elif check == "simplified_acquisition":
            findings.append(_sat_finding(rule, sat, ctx, method))
        elif check == "micro_purchase":
            finding = _mpt_finding(rule, mpt, sat, ctx, method)
            if finding is not None:
                findings.append(finding)
        elif check == "noncompetitive" and ctx.route == CONTRACT and method == "none":
            findings.append(_noncompetitive(rule, mpt, ctx))
        elif check == "piggyback_documentation":
            findings.append(_piggyback_documentation(rule, ctx))
        elif check == "geographic_preference":
            finding = _geographic_preference(rule, ctx)
            if finding is not None:
                findings.append(finding)
        elif check == "affirmative_steps" and mpt.answer != Answer.NOT_REQUIRED:
            # Solicitation lists and the like speak to purchases that are solicited, not micro-purchases.
            findings.append(Finding(rule.id, Status.ACTION, rule.citation, f"When you solicit: {requirement}."))
        elif check in ("cost_price_analysis", "bonding"):
            finding = _above_sat_duty(rule, sat)
            if finding is not None:
                findings.append(finding)
    return findings


def _limit(federal: RuleFile, check: str, ctx: Context) -> ThresholdAnswer:
    rule = next(r for r in federal.rules if r.params["check"] == check)
    return answer(rule.params, ctx.facts.purchase.amount, ctx.facts.purchase.date)


def _sat_finding(rule: Rule, sat: ThresholdAnswer, ctx: Context, method: str | None) -> Finding:
    value = money(ctx.facts.purchase.amount)
    if sat.answer == Answer.UNKNOWN:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"The simplified acquisition threshold on {ctx.facts.purchase.date.isoformat()} is not known: "
                       f"{sat.reason}.")
    if sat.answer == Answer.NOT_REQUIRED:
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"{value} is within the simplified acquisition threshold (up to {money(float(sat.limit.amount))}).")
    if ctx.route != CONTRACT:
        return Finding(rule.id, Status.FAIL, rule.citation,
                       f"With federal funds, {value} is {sat.limit.phrase}, the simplified acquisition threshold: "
                       f"{rule.params['requirement']}.")
    if method in COMPETITIVE_METHODS:
        # A method's name is not evidence: the record must show the method's elements.
        parts = formal_method_evidence(ctx.facts.contract)
        status = worst([s for s, _ in parts])
        shown = [text for s, text in parts if s == status or status == Status.PASS]
        lead_in = {Status.PASS: "the record shows", Status.FAIL: "but", Status.UNKNOWN: "but the record does not show "
                   "all its elements:"}[status]
        return Finding(rule.id, status, rule.citation,
                       f"{value} is {sat.limit.phrase}, so 2 CFR 200.320(b) requires a formal method; the lead used "
                       f"{method.replace('_', ' ')}s, {lead_in} " + "; ".join(shown) + ".")
    if method is None:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"{value} is {sat.limit.phrase}, so a formal method is required; the lead's method is not "
                       f"given (contract.solicitation_method).")
    # method "none": the noncompetitive rule speaks to it.
    return Finding(rule.id, Status.ACTION, rule.citation,
                   f"{value} is {sat.limit.phrase}, and the contract was not procured by a formal method: "
                   f"{rule.params['requirement']}, unless a noncompetitive exception applies.")


def _noncompetitive(rule: Rule, mpt: ThresholdAnswer, ctx: Context) -> Finding:
    value = money(ctx.facts.purchase.amount)
    if mpt.answer == Answer.NOT_REQUIRED:
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"{value} is within the micro-purchase threshold, so a noncompetitive purchase is allowed.")
    if mpt.answer == Answer.UNKNOWN:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"The contract was not competitively procured, and whether {value} is a micro-purchase is not "
                       f"known ({mpt.reason}): {rule.params['requirement']}.")
    return Finding(rule.id, Status.FAIL, rule.citation,
                   f"The contract was not competitively procured, and nothing on record shows an exception: "
                   f"{rule.params['requirement']}. Federal funds cannot pay for this purchase as described.")


def _piggyback_documentation(rule: Rule, ctx: Context) -> Finding:
    if ctx.facts.attestations.federal_procurement_documented is True:
        return Finding(rule.id, Status.PASS, rule.citation,
                       "Documented: the lead's procurement met 2 CFR 200.318-200.327 and covers this purchase.")
    requirement = rule.params["requirement"]
    return Finding(rule.id, Status.ACTION, rule.citation,
                   f"Federal funds: {requirement[0].upper()}{requirement[1:]}. Not yet confirmed: document it, then "
                   f"set attestations.federal_procurement_documented to true.")


GEOGRAPHIC_FACTOR = re.compile(r"\b(local|in[-_ ]?state|resident|geographic\w*|location|principal[-_ ]place|"
                               r"home[-_ ]state)\b", re.IGNORECASE)


def _geographic_preference(rule: Rule, ctx: Context) -> Finding | None:
    requirement = rule.params["requirement"]
    if ctx.route != CONTRACT:
        return Finding(rule.id, Status.ACTION, rule.citation,
                       f"When you evaluate bids or proposals paid with federal funds, do not apply your state's "
                       f"in-state or local preference: {requirement}.")
    weights = ctx.facts.contract.evaluation_weights
    if weights is None:
        return None  # what the record cannot show is part of the documentation the buyer keeps
    local = [key for key in weights if GEOGRAPHIC_FACTOR.search(key)]
    if not local:
        return Finding(rule.id, Status.PASS, rule.citation,
                       "No geographic preference is among the lead's evaluation factors.")
    factors = ", ".join(f"“{key}”" for key in local)
    if ctx.facts.purchase.category == "architectural_engineering":
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"The lead weighed {factors}; for architectural and engineering services geographic location "
                       f"may be a criterion only if enough qualified firms remained to compete, which the record "
                       f"does not show.")
    return Finding(rule.id, Status.FAIL, rule.citation,
                   f"The lead weighed {factors} in its evaluation: {requirement}.")


def _mpt_finding(rule: Rule, mpt: ThresholdAnswer, sat: ThresholdAnswer, ctx: Context,
                 method: str | None) -> Finding | None:
    if sat.answer == Answer.REQUIRED:
        return None  # the formal rule governs
    value = money(ctx.facts.purchase.amount)
    note = f" {rule.params['note']}" if rule.params.get("note") else ""
    if mpt.answer == Answer.UNKNOWN:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"Whether {value} is a micro-purchase is not known: {mpt.reason}.{note}")
    if mpt.answer == Answer.NOT_REQUIRED:
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"{value} is within the federal micro-purchase threshold (up to {money(float(mpt.limit.amount))}): no "
                       f"quotes are required if the price is reasonable and that is documented.{note}")
    if ctx.route == CONTRACT and method in COMPETITIVE_METHODS:
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"{value} is {mpt.limit.phrase}, the micro-purchase threshold; the contract was competitively "
                       f"procured ({method.replace('_', ' ')}).")
    if ctx.route == CONTRACT and method == "none":
        return None  # the noncompetitive rule speaks to it
    status = Status.ACTION if ctx.route != CONTRACT else Status.UNKNOWN
    return Finding(rule.id, status, rule.citation,
                   f"With federal funds, {value} is {mpt.limit.phrase}, the micro-purchase threshold: "
                   f"{rule.params['requirement']}.{note}")


def _above_sat_duty(rule: Rule, sat: ThresholdAnswer) -> Finding | None:
    if sat.answer == Answer.REQUIRED:
        return Finding(rule.id, Status.ACTION, rule.citation, f"Above the simplified acquisition threshold: "
                                                              f"{rule.params['requirement']}.")
    if sat.answer == Answer.UNKNOWN:
        return Finding(rule.id, Status.UNKNOWN, rule.citation, f"If above the simplified acquisition threshold "
                                                               f"({sat.reason}): {rule.params['requirement']}.")
    return None


# ----------------------------------------------------------------------------- E-rate
def evaluate_e_rate(rule: Rule, ctx: Context) -> Finding:
    if rule.params["check"] == "form_470_wait":
        return _form_470_wait(rule, ctx)
    return _price_primary(rule, ctx)


def _form_470_wait(rule: Rule, ctx: Context) -> Finding:
    purchase, wait = ctx.facts.purchase, rule.params["wait_days"]
    if purchase.form_470_certified is None:
        if ctx.route == CONTRACT and ctx.lead == "state_contract":
            return Finding(rule.id, Status.UNKNOWN, rule.citation,
                           f"No Form 470 date is given. If the state filed a Form 470 for this master contract you "
                           f"may cite it; otherwise certify your own Form 470 and wait {wait} days before signing.")
        return Finding(rule.id, Status.ACTION, rule.citation,
                       f"Certify FCC Form 470 and wait {wait} days before choosing a provider or signing "
                       f"(purchase.form_470_certified): {rule.params['requirement']}.")
    allowable = purchase.form_470_certified + timedelta(days=wait)
    signed = purchase.contract_signed or purchase.date
    which = "was signed on" if purchase.contract_signed else "is planned for"
    if signed < allowable:
        return Finding(rule.id, Status.FAIL, rule.citation,
                       f"The contract {which} {signed.isoformat()}, before the Allowable Contract Date "
                       f"{allowable.isoformat()} (Form 470 certified {purchase.form_470_certified.isoformat()} "
                       f"+ {wait} days).")
    return Finding(rule.id, Status.PASS, rule.citation,
                   f"The contract {which} {signed.isoformat()}, on or after the Allowable Contract Date "
                   f"{allowable.isoformat()}.")


def _price_primary(rule: Rule, ctx: Context) -> Finding:
    contract = ctx.facts.contract
    requirement = rule.params["requirement"]
    if contract is None:
        return Finding(rule.id, Status.ACTION, rule.citation, f"When you evaluate the bids: {requirement}.")
    weights = contract.evaluation_weights
    if weights is None:
        if contract.award_basis == "lowest_responsible_bidder":
            return Finding(rule.id, Status.PASS, rule.citation, "The contract was awarded on price (lowest "
                                                                "responsible bidder), so price was the primary factor.")
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"The evaluation weights are not given (contract.evaluation_weights): {requirement}.")
    price_keys = price_factors(weights)
    price = sum(weights[k] for k in price_keys)
    others = [w for k, w in weights.items() if k not in price_keys]
    if price_keys and all(price > w for w in others):
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"Price weighs {price:g}, more than any other single factor.")
    heaviest = max(others, default=0)
    return Finding(rule.id, Status.FAIL, rule.citation,
                   f"Price weighs {price:g} while another factor weighs {heaviest:g}: {requirement}.")

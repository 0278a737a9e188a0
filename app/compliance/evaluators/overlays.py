"""federal_overlay (2 CFR 200) and e_rate: rules that come with the money, on top of the state's."""
from __future__ import annotations

from datetime import timedelta

from app.compliance.amounts import Answer, ThresholdAnswer, answer
from app.compliance.context import CONTRACT, Context
from app.compliance.findings import Finding, Status, money
from app.compliance.rulebook import Rule, RuleFile

COMPETITIVE_METHODS = ("sealed_bid", "competitive_proposals")


def evaluate_federal_overlay(rules: list[Rule], ctx: Context, federal: RuleFile) -> list[Finding]:
    """The federal rules that apply to this purchase; the method thresholds read each other
    (quotes matter only below the simplified acquisition threshold)."""
    by_check = {rule.params["check"]: rule for rule in rules}
    purchase = ctx.facts.purchase
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
            if mpt.answer == Answer.NOT_REQUIRED:
                findings.append(Finding(rule.id, Status.PASS, rule.citation,
                                        f"{money(purchase.amount)} is within the micro-purchase threshold, so a "
                                        f"noncompetitive purchase is allowed."))
            else:
                findings.append(Finding(rule.id, Status.ACTION, rule.citation,
                                        f"The contract was not competitively procured: {requirement}. Document "
                                        f"which exception applies, or this purchase is not allowed with federal funds."))
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
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"{value} is {sat.limit.phrase}; the lead used a formal method "
                       f"({method.replace('_', ' ')}), as 2 CFR 200.320(b) requires.")
    if method is None:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"{value} is {sat.limit.phrase}, so a formal method is required; the lead's method is not "
                       f"given (contract.solicitation_method).")
    # method "none": the noncompetitive rule speaks to it.
    return Finding(rule.id, Status.ACTION, rule.citation,
                   f"{value} is {sat.limit.phrase}, and the contract was not procured by a formal method: "
                   f"{rule.params['requirement']}, unless a noncompetitive exception applies.")


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
    price_keys = [k for k in weights if "price" in k.lower() or "cost" in k.lower()]
    price = sum(weights[k] for k in price_keys)
    others = [w for k, w in weights.items() if k not in price_keys]
    if price_keys and all(price > w for w in others):
        return Finding(rule.id, Status.PASS, rule.citation,
                       f"Price weighs {price:g}, more than any other single factor.")
    heaviest = max(others, default=0)
    return Finding(rule.id, Status.FAIL, rule.citation,
                   f"Price weighs {price:g} while another factor weighs {heaviest:g}: {requirement}.")

"""coop_authority, coop_conditions and temporal: may the buyer use this contract, and what must
the lead's solicitation have had and the buyer still do?"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from app.compliance.context import CATEGORY_PHRASE, PUBLIC_BODY_TYPES, Context, entity_matches
from app.compliance.evaluators.evidence import formal_method_evidence, online_notice
from app.compliance.findings import Finding, Status, money, tri, worst
from app.compliance.rulebook import Params, Rule

NOT_ON_FILE = "not on file"


@dataclass(frozen=True)
class CoopPath:
    """The authority a contract purchase rests on, and whether its conditions are in play."""
    finding: Finding
    conditions_apply: bool  # False below the formal range of a formal-range-only exception
    informal_rules_apply: bool  # then the state's quote rules govern the purchase instead
    # Whether an in-state lead's notice and opening rules are conditions of this path (Texas
    # § 271.102(c): buying as a participant satisfies any law requiring competitive bids).
    lead_rules_apply: bool = True


def evaluate_coop_authority(rules: list[Rule], ctx: Context, formal_required: bool | None) -> CoopPath:
    code = ctx.state.jurisdiction
    if ctx.lead is None:
        return CoopPath(Finding(f"{code}.coop_authority.lead_state", Status.UNKNOWN, NOT_ON_FILE,
                                "The lead agency's state is not given (contract.lead_agency_state), so it cannot "
                                f"be told whether it is a {ctx.state_name} or an out-of-state public body."),
                        conditions_apply=True, informal_rules_apply=False)
    if not rules:
        return CoopPath(Finding(f"{code}.coop_authority.not_on_file", Status.UNKNOWN, NOT_ON_FILE,
                                f"No {ctx.state_name} authority for buying off a contract of {ctx.lead_description} "
                                f"is on file; ask counsel before relying on it."),
                        conditions_apply=False, informal_rules_apply=False)
    rule, params = rules[0], rules[0].params
    if params.get("amount_range") == "formal_range_only" and formal_required is not True:
        if formal_required is False:
            return CoopPath(Finding(rule.id, Status.PASS, rule.citation,
                                    f"{ctx.state_name}'s cooperative exception covers only purchases in the formal "
                                    f"range; at {money(ctx.facts.purchase.amount)} no formal bidding is required, so "
                                    f"the informal rules apply instead."),
                            conditions_apply=False, informal_rules_apply=True)
        return CoopPath(Finding(rule.id, Status.UNKNOWN, rule.citation,
                                f"{ctx.state_name}'s cooperative exception covers only purchases in the formal range, "
                                f"and whether this purchase is in it is not known (see the threshold finding)."),
                        conditions_apply=True, informal_rules_apply=False)
    parts = [_authorized(params, ctx), _lead_allowed(params, ctx), _scope(params, ctx), *_distance(params, ctx)]
    status = worst([s for s, _ in parts])
    shown = [text for s, text in parts if s == status and text]
    return CoopPath(Finding(rule.id, status, rule.citation, " ".join(shown)),
                    conditions_apply=True, informal_rules_apply=False,
                    lead_rules_apply=params.get("lead_solicitation_rules", True))


def _authorized(params: Params, ctx: Context) -> tuple[Status, str]:
    status = tri(params["authorized"])
    text = {Status.PASS: "", Status.FAIL: f"{ctx.state_name} does not authorize cooperative purchasing here.",
            Status.UNKNOWN: f"Whether {ctx.state_name} authorizes cooperative purchasing here is not on file."}[status]
    return status, text


def _lead_allowed(params: Params, ctx: Context) -> tuple[Status, str]:
    allowed = params["lead_types"].get(ctx.lead, "unknown")
    note = f" {params['lead_note']}" if params.get("lead_note") else ""
    who = ctx.lead_description
    if allowed is True:
        return Status.PASS, f"{ctx.state_name} allows buying off a contract of {who}.{note}"
    if allowed is False:
        return Status.FAIL, f"{ctx.state_name} does not allow buying off a contract of {who}.{note}"
    if allowed == "not_restricted_by_text":
        return Status.UNKNOWN, (f"{ctx.state_name}'s authorizing text names other public agencies without a "
                                f"geographic limit; no authority was found either way for {who}.{note}")
    return Status.UNKNOWN, f"Whether {ctx.state_name} allows buying off a contract of {who} is not on file.{note}"


def _scope(params: Params, ctx: Context) -> tuple[Status, str]:
    # Silence is unknown: a category the rule file does not name may or may not be reachable.
    scope = params.get("scope") or {}
    category = ctx.facts.purchase.category
    status = tri(scope.get(category, "unknown"))
    note = f" {params['scope_note']}" if params.get("scope_note") else ""
    text = {Status.PASS: "",
            Status.FAIL: f"{CATEGORY_PHRASE[category].capitalize()} may not be bought this way.{note}",
            Status.UNKNOWN: f"Whether {CATEGORY_PHRASE[category]} may be bought this way is not on file.{note}"}[status]
    return status, text


def _distance(params: Params, ctx: Context) -> list[tuple[Status, str]]:
    purchase, contract = ctx.facts.purchase, ctx.facts.contract
    parts = []
    for limit in params.get("distance_limits", []):
        if purchase.category not in limit["categories"] or not purchase.amount > limit["amount_gt"]:
            continue
        if not entity_matches(frozenset(limit.get("buyer_entity_types", [])) or None, purchase.agency_type):
            continue
        lead_types = frozenset(limit.get("lead_agency_types", [])) or PUBLIC_BODY_TYPES
        if not entity_matches(lead_types, contract.lead_agency_type):
            continue
        if contract.lead_distance_miles is None:
            parts.append((Status.UNKNOWN, f"The lead agency's distance is needed (contract.lead_distance_miles): "
                                          f"{limit['note']}"))
        elif contract.lead_distance_miles > limit["distance_gt_miles"]:
            parts.append((Status.FAIL, f"The lead agency is {contract.lead_distance_miles:g} miles away: {limit['note']}"))
    return parts


# ----------------------------------------------------------------------------- conditions
def evaluate_coop_condition(rule: Rule, ctx: Context) -> Finding:
    params = rule.params
    check = params["check"]
    status, observation = {
        "cooperative_clause": _clause,
        "lead_method": _lead_method,
        "lead_competition": _lead_competition,
        "lead_notice_online": _lead_notice_online,
        "award_age": _award_age,
        "attestation": _attestation,
        "best_value_authorization": _best_value,
        "manual": _manual,
    }[check](params, ctx)
    requirement = params["requirement"]
    return Finding(rule.id, status, rule.citation,
                   f"{ctx.state_name}: {requirement[0].upper()}{requirement[1:]}. {observation}")


def _clause(params: Params, ctx: Context) -> tuple[Status, str]:
    clause = ctx.facts.contract.cooperative_clause
    if clause is None:
        return Status.UNKNOWN, "Whether the solicitation said so is not given (contract.cooperative_clause)."
    if clause:
        return Status.PASS, "The solicitation said so."
    otherwise = params.get("otherwise")
    if otherwise is None:
        return Status.FAIL, "The solicitation did not."
    # The law offers another way in (Utah: a participating addendum) rather than closing the contract.
    if getattr(ctx.facts.attestations, otherwise["attestation"]) is True:
        return Status.PASS, f"The solicitation did not, and {otherwise['step']}: confirmed."
    return Status.ACTION, (f"The solicitation did not: {otherwise['step']}. Not yet confirmed: do it, then set "
                           f"attestations.{otherwise['attestation']} to true.")


def _lead_method(params: Params, ctx: Context) -> tuple[Status, str]:
    method = ctx.facts.contract.solicitation_method
    if method is None:
        return Status.UNKNOWN, "The lead's solicitation method is not given (contract.solicitation_method)."
    label = {"sealed_bid": "sealed bids", "competitive_proposals": "competitive proposals",
             "none": "no competitive solicitation"}[method]
    status = tri(params["methods"][method])
    return status, {Status.PASS: f"The lead used {label}.",
                    Status.FAIL: f"The lead used {label}, which does not qualify.",
                    Status.UNKNOWN: f"The lead used {label}; whether that qualifies is not settled by the sources."}[status]


def _lead_competition(params: Params, ctx: Context) -> tuple[Status, str]:
    """The lead's competition as its record shows it: an accepted method, then the method's
    elements (public notice, sealed bids opened in public, or a written evaluation weighing price).
    A label alone proves nothing; what the record does not show stays unknown."""
    method_status, method_text = _lead_method(params, ctx)
    if method_status == Status.FAIL or ctx.facts.contract.solicitation_method in (None, "none"):
        return method_status, method_text
    parts = [(method_status, method_text.rstrip(".")), *formal_method_evidence(ctx.facts.contract)]
    status = worst([s for s, _ in parts])
    shown = [text for s, text in parts if s == status or status == Status.PASS]
    return status, "; ".join(shown[:1] + [t[0].lower() + t[1:] for t in shown[1:]]) + "."


def _lead_notice_online(params: Params, ctx: Context) -> tuple[Status, str]:
    status, text = online_notice(ctx.facts.contract)
    return status, f"{text[0].upper()}{text[1:]}."


def _award_age(params: Params, ctx: Context) -> tuple[Status, str]:
    awarded, on = ctx.facts.contract.award_date, ctx.facts.purchase.date
    if awarded is None:
        return Status.UNKNOWN, "The award date is not given (contract.award_date)."
    months = params["award_within_months"]
    if add_months(awarded, months) < on:
        return Status.FAIL, f"The contract was awarded on {awarded.isoformat()}, more than {months} months before " \
                            f"the purchase date {on.isoformat()}."
    return Status.PASS, f"The contract was awarded on {awarded.isoformat()}, within {months} months."


def _attestation(params: Params, ctx: Context) -> tuple[Status, str]:
    attestations, key = ctx.facts.attestations, params["attestation"]
    if getattr(attestations, key) is not True:
        return Status.ACTION, f"Not yet confirmed: do it, then set attestations.{key} to true."
    needed = params.get("min_notice_days")
    if needed is not None:
        given = attestations.notice_of_intent_days_before_meeting
        if given is None or given < needed:
            shown = "not given" if given is None else f"{given} days"
            return Status.ACTION, (f"The notice of intent must be advertised at least {needed} days before the "
                                   f"meeting (attestations.notice_of_intent_days_before_meeting: {shown}).")
    return Status.PASS, "Confirmed."


def _best_value(params: Params, ctx: Context) -> tuple[Status, str]:
    basis = ctx.facts.contract.award_basis
    if basis is None:
        return Status.UNKNOWN, "The award basis is not given (contract.award_basis)."
    if basis != "best_value":
        return Status.PASS, "The contract was awarded to the lowest responsible bidder, so this does not arise."
    if ctx.facts.attestations.best_value_authorized is True:
        return Status.PASS, "Best value is authorized."
    return Status.ACTION, "Not yet confirmed: authorize best value, then set attestations.best_value_authorized to true."


def _manual(params: Params, ctx: Context) -> tuple[Status, str]:
    if params["status"] == "unknown":
        return Status.UNKNOWN, "The sources do not settle when this applies; check with counsel."
    return Status.ACTION, "Check and record this yourself; the facts cannot show it."


# ----------------------------------------------------------------------------- temporal
def evaluate_temporal(rule: Rule, ctx: Context) -> Finding:
    params, on = rule.params, ctx.facts.purchase.date
    if params["check"] == "statute_in_force":
        sunset = date.fromisoformat(params["sunset"])
        if on <= sunset or params["extension_verified"]:
            return Finding(rule.id, Status.PASS, rule.citation, f"The authority is in force on {on.isoformat()}.")
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"{ctx.state_name}: {params['requirement']}. Confirm it is in force on {on.isoformat()}.")
    contract = ctx.facts.contract
    if contract.term_end is not None and on > contract.term_end:
        return Finding(rule.id, Status.FAIL, rule.citation,
                       f"The contract ended on {contract.term_end.isoformat()}, before the purchase date "
                       f"{on.isoformat()}: {params['requirement']}.")
    if contract.award_date is None:
        # Without the award date nothing shows the contract existed on the purchase date.
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"The contract's award date is not given (contract.award_date): {params['requirement']}.")
    if on < contract.award_date:
        return Finding(rule.id, Status.FAIL, rule.citation,
                       f"The contract is awarded on {contract.award_date.isoformat()}, after the purchase date "
                       f"{on.isoformat()}: {params['requirement']}.")
    if contract.term_end is None:
        return Finding(rule.id, Status.UNKNOWN, rule.citation,
                       f"The contract's term end is not given (contract.term_end): {params['requirement']}.")
    return Finding(rule.id, Status.PASS, rule.citation,
                   f"The contract runs until {contract.term_end.isoformat()}, so it is in term on {on.isoformat()}.")


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))

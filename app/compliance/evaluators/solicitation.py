"""notice and opening_award: did the lead agency's solicitation follow the state's rules?

They are checked when the lead is a public body of the buyer's own state — its solicitation was
then governed by the same file — which is also how a lead agency asks about its own
solicitation before relying on it."""
from __future__ import annotations

from datetime import date

from app.compliance.amounts import exceeds
from app.compliance.context import CATEGORY_PHRASE, Context
from app.compliance.findings import Finding, Status, worst
from app.compliance.rulebook import Params, Rule

MEDIUM_PHRASE = {"newspaper": "a newspaper", "website": "a website", "state_registry": "the state registry",
                 "trade_newspaper": "a trade newspaper", "physical_posting": "a physical posting"}


def counted_days(notice_on: date, opening_on: date, counting: str) -> int:
    days = (opening_on - notice_on).days
    # "Full days" exclude both the notice day and the opening day.
    return days - 1 if counting == "full_days_between" else days


def evaluate_notice(rule: Rule, ctx: Context) -> Finding:
    params, contract, state = rule.params, ctx.facts.contract, ctx.state_name
    parts: list[tuple[Status, str]] = []
    min_days, unit = params["min_days"], "full days" if params["counting"] == "full_days_between" else "calendar days"
    if min_days == "unknown":
        parts.append((Status.UNKNOWN, f"{state}'s minimum notice period is not on file"
                                      + (f" (the rule: {params['rule_text']})" if params.get("rule_text") else "")))
    elif contract.notice_first_published is None or contract.bid_opening is None:
        parts.append((Status.UNKNOWN, "the first notice date and the bid opening date are needed "
                                      "(contract.notice_first_published, contract.bid_opening)"))
    else:
        days = counted_days(contract.notice_first_published, contract.bid_opening, params["counting"])
        if days < min_days:
            if params.get("counted_from") == "last_publication" or not params.get("may_be_shortened"):
                parts.append((Status.FAIL, f"{state} requires at least {min_days} {unit} between the notice and "
                                           f"the opening; the lead's schedule gives {days}"))
            else:
                parts.append((Status.UNKNOWN, f"the schedule gives {days} of the {min_days} {unit} {state} "
                                              f"requires, which is lawful only if {params['may_be_shortened']}"))
        elif params.get("counted_from") == "last_publication":
            parts.append((Status.UNKNOWN, f"{state} counts the {min_days} {unit} from the LAST publication, "
                                          f"which is not given; from the first there are {days}"))
        else:
            parts.append((Status.PASS, f"{days} {unit} of notice meet {state}'s minimum of {min_days}"))
    parts.append(_media(params, ctx))
    parts.extend(_extra_postings(params, ctx))
    return _combine(rule, parts, "The lead agency's notice")


def media_options(media: list) -> tuple[frozenset[str], ...]:
    """A rule's media as the ways a notice can be lawful: each item is one medium, or a list of
    media that are all needed together (Maryland: an electronic posting AND a physical one)."""
    return tuple(frozenset(item) if isinstance(item, list) else frozenset([item]) for item in media)


def media_phrase(options: tuple[frozenset[str], ...]) -> str:
    return " or ".join(" and ".join(MEDIUM_PHRASE[m] for m in sorted(option)) for option in options)


def _media(params: Params, ctx: Context) -> tuple[Status, str]:
    media, given = params["media"], ctx.facts.contract.notice_media
    if media == "unknown":
        return Status.UNKNOWN, f"the notice media {ctx.state_name} requires are not on file"
    options = media_options(media)
    accepted = media_phrase(options)
    if given is None:
        return Status.UNKNOWN, f"the notice media are not given (contract.notice_media); {accepted} is required"
    met = [option for option in options if option <= given]
    if not met:
        return Status.FAIL, f"the notice must appear in {accepted}"
    # A medium that is lawful alone only on a condition the facts cannot show (North Carolina:
    # advertising solely by electronic means needs the governing board's decision).
    conditional = params.get("media_alone_needs", {})
    unconditional = [option for option in met if not (len(option) == 1 and next(iter(option)) in conditional)]
    if unconditional:
        return Status.PASS, f"published in {media_phrase(tuple(unconditional))}"
    notes = "; ".join(conditional[next(iter(option))] for option in met)
    return Status.UNKNOWN, f"published only in {media_phrase(tuple(met))}, which is enough only if {notes}"


def _extra_postings(params: Params, ctx: Context) -> list[tuple[Status, str]]:
    contract, purchase = ctx.facts.contract, ctx.facts.purchase
    parts = []
    for posting in params.get("extra_postings", []):
        if "amount" in posting and not exceeds(purchase.amount, posting["amount"], posting["comparator"]):
            continue
        noticed_on = contract.notice_first_published or purchase.date
        if "from" in posting and noticed_on < date.fromisoformat(posting["from"]):
            continue
        if contract.notice_media is None:
            parts.append((Status.UNKNOWN, f"{posting['note']}; the notice media are not given"))
        elif posting["medium"] in contract.notice_media:
            parts.append((Status.PASS, f"also posted on {MEDIUM_PHRASE[posting['medium']]}"))
        elif posting.get("effective_verified", True):
            parts.append((Status.FAIL, posting["note"]))
        else:
            parts.append((Status.UNKNOWN, posting["note"]))
    return parts


def evaluate_opening_award(rule: Rule, ctx: Context) -> Finding | None:
    params, contract, purchase = rule.params, ctx.facts.contract, ctx.facts.purchase
    parts: list[tuple[Status, str]] = []
    if contract.solicitation_method == "sealed_bid" and params.get("sealed_bids_required") is not None:
        if contract.sealed_bids is True:
            parts.append((Status.PASS, "bids were sealed"))
        elif contract.sealed_bids is None:
            parts.append((Status.UNKNOWN, "whether bids were sealed is not given (contract.sealed_bids)"))
        elif params["sealed_bids_required"] is True:
            parts.append((Status.FAIL, "sealed bids are required"))
        elif params["sealed_bids_required"] == "unknown":
            parts.append((Status.UNKNOWN, "bids were not sealed, and whether that is allowed is not on file"))
    if params.get("public_opening") is True and contract.solicitation_method == "sealed_bid":
        parts.append(_public_opening(contract.public_opening))
    if "award_bases" in params:
        parts.append(_award_basis(params, ctx))
    minimum = params.get("minimum_bids")
    if minimum and purchase.category in minimum.get("categories", [purchase.category]):
        if contract.bids_received is None:
            parts.append((Status.UNKNOWN, f"the number of bids is not given; {minimum['note']}"))
        elif contract.bids_received < minimum["count"]:
            parts.append((Status(minimum["below_minimum"]), f"only {contract.bids_received} bid(s): {minimum['note']}"))
        else:
            parts.append((Status.PASS, f"{contract.bids_received} bids received"))
    return _combine(rule, parts, "The lead agency's opening and award") if parts else None


def _public_opening(opened_in_public: bool | None) -> tuple[Status, str]:
    if opened_in_public is None:
        return Status.UNKNOWN, "whether the bids were opened in public is not given (contract.public_opening)"
    if opened_in_public:
        return Status.PASS, "bids were opened in public"
    return Status.FAIL, "bids must be opened in public"


def _award_basis(params: Params, ctx: Context) -> tuple[Status, str]:
    bases, basis, state = params["award_bases"], ctx.facts.contract.award_basis, ctx.state_name
    note = f" ({params['award_note']})" if params.get("award_note") else ""
    if basis is None:
        return Status.UNKNOWN, "the award basis is not given (contract.award_basis)"
    if bases == "unknown":
        return Status.UNKNOWN, f"{state}'s award rule is not on file{note}"
    label = basis.replace("_", " ")
    if basis == "best_value" and ctx.facts.purchase.category in params.get("best_value_excluded_categories", []):
        return Status.FAIL, f"{state} does not allow best-value award for {CATEGORY_PHRASE[ctx.facts.purchase.category]}{note}"
    allowed = bases.get(basis, "unknown")
    if allowed is True:
        return Status.PASS, f"award on {label} is allowed"
    if allowed is False:
        return Status.FAIL, f"award on {label} is not allowed{note}"
    return Status.UNKNOWN, f"whether {state} allows award on {label} is not on file{note}"


def _combine(rule: Rule, parts: list[tuple[Status, str]], subject: str) -> Finding:
    status = worst([s for s, _ in parts])
    shown = [text for s, text in parts if s == status] if status != Status.PASS else [t for _, t in parts]
    lead_in = {Status.PASS: "meets the rule", Status.FAIL: "does not meet the rule",
               Status.UNKNOWN: "cannot be checked in full", Status.ACTION: "needs attention"}[status]
    return Finding(rule.id, status, rule.citation, f"{subject} {lead_in}: " + "; ".join(shown) + ".")

"""The facts a compliance check is asked about: parsed from JSON, refused with the field named.

The shape is the stable interface of ../shared/design/COMPLIANCE.md: unknown keys are refused,
optional keys that are absent (or null) mean "not known".
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from app.core.errors import DomainError

AGENCY_TYPES = ("school_district", "local_government", "county", "municipality", "state_agency",
                "higher_education")
CATEGORIES = ("goods", "services", "professional_services", "architectural_engineering",
              "construction", "technology")
FUNDING = ("local", "state", "federal", "e_rate")
LEAD_AGENCY_TYPES = AGENCY_TYPES + (
    "federal", "public_cooperative", "nonprofit_cooperative", "private_gpo")
SOLICITATION_METHODS = ("sealed_bid", "competitive_proposals", "none")
AWARD_BASES = ("lowest_responsible_bidder", "best_value")
NOTICE_MEDIA = ("newspaper", "website", "state_registry", "trade_newspaper", "physical_posting")
ATTESTATION_FLAGS = ("same_or_better_terms", "board_approval_regular_meeting", "best_value_authorized",
                     "interlocal_agreement_filed_or_posted", "participation_agreement_signed",
                     "written_determination", "federal_procurement_documented")

T = TypeVar("T")
STATE_CODE = re.compile(r"^[A-Z]{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FactsError(DomainError):
    """Malformed facts; the message starts with the offending field (`purchase.amount: ...`)."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}", field=field)


@dataclass(frozen=True)
class Purchase:
    agency_state: str
    agency_type: str
    amount: float
    category: str
    date: date
    aggregate_12mo: float | None = None
    funding: frozenset[str] = frozenset()  # never empty once parsed
    form_470_certified: date | None = None
    contract_signed: date | None = None


@dataclass(frozen=True)
class Contract:
    lead_agency_type: str
    lead_agency_state: str | None = None
    solicitation_method: str | None = None
    award_basis: str | None = None
    cooperative_clause: bool | None = None
    notice_first_published: date | None = None
    notice_media: frozenset[str] | None = None
    bid_opening: date | None = None
    sealed_bids: bool | None = None
    public_opening: bool | None = None
    bids_received: int | None = None
    award_date: date | None = None
    term_end: date | None = None
    lead_distance_miles: float | None = None
    evaluation_weights: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Attestations:
    same_or_better_terms: bool | None = None
    board_approval_regular_meeting: bool | None = None
    notice_of_intent_days_before_meeting: int | None = None
    best_value_authorized: bool | None = None
    interlocal_agreement_filed_or_posted: bool | None = None
    participation_agreement_signed: bool | None = None
    written_determination: bool | None = None
    federal_procurement_documented: bool | None = None


@dataclass(frozen=True)
class Facts:
    purchase: Purchase
    contract: Contract | None  # None: no contract; is a formal solicitation required at all?
    attestations: Attestations


MAX_AMOUNT = 1e15  # a sanity bound on input, far above any public purchase


def decode_json(text: str | bytes, source: str) -> object:
    """JSON text as Python values, or FactsError naming `source`: invalid JSON, nesting too deep to
    read, or NaN/Infinity (not JSON) are refused like any other malformed fact."""
    def not_json(constant: str) -> None:
        raise FactsError(source, f"{constant} is not a JSON number")

    try:
        return json.loads(text, parse_constant=not_json)
    except UnicodeDecodeError:
        raise FactsError(source, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise FactsError(source, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise FactsError(source, "nested too deeply to be facts") from None


def parse_facts(raw: object) -> Facts:
    """Facts from decoded JSON. A state without a rule file is not malformed: the report says its
    law is not on file."""
    top = _object(raw, "facts", required={"purchase"}, allowed={"purchase", "contract", "attestations"})
    purchase = _purchase(top["purchase"])
    contract = None if top.get("contract") is None else _contract(top["contract"])
    attestations = _attestations(top.get("attestations"))
    return Facts(purchase, contract, attestations)


# ------------------------------------------------------------------------ sections
def _purchase(raw: object) -> Purchase:
    # Funding is required: who pays decides whether federal and E-rate rules apply, and nothing
    # may be assumed about it (an empty list is as malformed as a missing one).
    data = _object(raw, "purchase",
                   required={"agency_state", "agency_type", "amount", "category", "date", "funding"},
                   allowed={"agency_state", "agency_type", "amount", "aggregate_12mo", "category", "date",
                            "funding", "form_470_certified", "contract_signed"})
    funding = _choices(data["funding"], "purchase.funding", FUNDING)
    if not funding:
        raise FactsError("purchase.funding", "name at least one source: " + " | ".join(FUNDING))
    return Purchase(
        agency_state=_state(data["agency_state"], "purchase.agency_state"),
        agency_type=_choice(data["agency_type"], "purchase.agency_type", AGENCY_TYPES),
        amount=_amount(data["amount"], "purchase.amount"),
        category=_choice(data["category"], "purchase.category", CATEGORIES),
        date=_date(data["date"], "purchase.date"),
        aggregate_12mo=_optional(data, "aggregate_12mo", "purchase", _amount),
        funding=frozenset(funding),
        form_470_certified=_optional(data, "form_470_certified", "purchase", _date),
        contract_signed=_optional(data, "contract_signed", "purchase", _date),
    )


def _contract(raw: object) -> Contract:
    fields = {"lead_agency_state", "lead_agency_type", "solicitation_method", "award_basis",
              "cooperative_clause", "notice_first_published", "notice_media", "bid_opening", "sealed_bids",
              "public_opening", "bids_received", "award_date", "term_end", "lead_distance_miles", "evaluation_weights"}
    data = _object(raw, "contract", required={"lead_agency_type"}, allowed=fields)
    media = data.get("notice_media")

    def choice_of(values: tuple[str, ...]) -> Callable[[Any, str], str]:
        return lambda value, field: _choice(value, field, values)

    return Contract(
        lead_agency_type=_choice(data["lead_agency_type"], "contract.lead_agency_type", LEAD_AGENCY_TYPES),
        lead_agency_state=_optional(data, "lead_agency_state", "contract", _state),
        solicitation_method=_optional(data, "solicitation_method", "contract", choice_of(SOLICITATION_METHODS)),
        award_basis=_optional(data, "award_basis", "contract", choice_of(AWARD_BASES)),
        cooperative_clause=_optional(data, "cooperative_clause", "contract", _bool),
        notice_first_published=_optional(data, "notice_first_published", "contract", _date),
        notice_media=None if media is None else frozenset(_choices(media, "contract.notice_media", NOTICE_MEDIA)),
        bid_opening=_optional(data, "bid_opening", "contract", _date),
        sealed_bids=_optional(data, "sealed_bids", "contract", _bool),
        public_opening=_optional(data, "public_opening", "contract", _bool),
        bids_received=_optional(data, "bids_received", "contract", _count),
        award_date=_optional(data, "award_date", "contract", _date),
        term_end=_optional(data, "term_end", "contract", _date),
        lead_distance_miles=_optional(data, "lead_distance_miles", "contract", _amount),
        evaluation_weights=_optional(data, "evaluation_weights", "contract", _weights),
    )


def _attestations(raw: object) -> Attestations:
    if raw is None:
        return Attestations()
    data = _object(raw, "attestations", required=set(),
                   allowed={*ATTESTATION_FLAGS, "notice_of_intent_days_before_meeting"})
    values: dict[str, Any] = {key: _optional(data, key, "attestations", _bool) for key in ATTESTATION_FLAGS}
    values["notice_of_intent_days_before_meeting"] = _optional(
        data, "notice_of_intent_days_before_meeting", "attestations", _count)
    return Attestations(**values)


# ------------------------------------------------------------------------ values
def _object(raw: object, field: str, *, required: set[str], allowed: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FactsError(field, "must be a JSON object")
    for key in raw:
        if key not in allowed:
            raise FactsError(f"{field}.{key}", "unknown field (allowed: " + ", ".join(sorted(allowed)) + ")")
    for key in sorted(required):
        if raw.get(key) is None:
            raise FactsError(f"{field}.{key}", "required")
    return raw


def _optional(data: dict[str, Any], key: str, section: str, parse: Callable[[Any, str], T]) -> T | None:
    value = data.get(key)
    return None if value is None else parse(value, f"{section}.{key}")


def _amount(value: object, field: str) -> float:
    # bool is an int in Python; true is not an amount. A huge integer (10**400) is not a float.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FactsError(field, "must be a number >= 0")
    try:
        amount = float(value)
    except OverflowError:
        amount = math.inf
    if not math.isfinite(amount) or amount < 0:
        raise FactsError(field, "must be a number >= 0")
    if amount > MAX_AMOUNT:
        raise FactsError(field, f"must be a number >= 0 and at most {MAX_AMOUNT:,.0f}")
    return amount


def _count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FactsError(field, "must be a whole number >= 0")
    return value


def _bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise FactsError(field, "must be true or false")
    return value


def _date(value: object, field: str) -> date:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise FactsError(field, "must be an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactsError(field, f"'{value}' is not a calendar date") from None


def _state(value: object, field: str) -> str:
    if not isinstance(value, str) or not STATE_CODE.match(value):
        raise FactsError(field, "must be a two-letter state code in capitals, e.g. NC")
    return value


def _choice(value: object, field: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise FactsError(field, "must be one of " + " | ".join(choices))
    return value


def _choices(value: object, field: str, choices: tuple[str, ...]) -> list[str]:
    if not isinstance(value, list):
        raise FactsError(field, "must be a list of " + " | ".join(choices))
    return [_choice(item, f"{field}[{i}]", choices) for i, item in enumerate(value)]


def _weights(value: object, field: str) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise FactsError(field, "must be an object of factor: weight, e.g. {\"price\": 60}")
    return {str(key): _amount(weight, f"{field}.{key}") for key, weight in value.items()}

"""Purchases a participating agency reports against a contract it joined (OCDS
implementation.transactions), one by one or from a CSV file, with items priced above the
contract's price list flagged; and the spend by agency against the ceiling. Callers commit.

Decisions:
- A purchase that takes the contract past its ceiling is recorded and flagged, not refused: the
  order has been placed already, refusing the report would only hide the overrun, and raising the
  ceiling (an amendment) is the lead agency's call, made on the record it sees.
- CSV uploads: purchase_files.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, distinct, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organization, User
from app.audit.services import record
from app.bids.pricefiles import parse_unit_price
from app.contracts.models import Contract, Participation, ParticipationStatus, Purchase
from app.contracts.participation import agency_today
from app.core.errors import DomainError, NotPermitted
from app.core.numbers import NumberError, read_decimal
from app.core.roles import AGENCY_STAFF, Role
from app.extensions import db

RECORD_ROLES = (Role.BUYER, Role.AGENCY_ADMIN)
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
MAX_QUANTITY = Decimal("999999999")
CENTS = Decimal("0.01")
SPEND_ROWS_SHOWN = 50  # agencies listed on a contract page, those that spent most


@dataclass(frozen=True)
class ItemInput:
    """One item of a purchase: a line of the contract's price list, how many, at what unit price."""

    line: int
    quantity: Decimal
    unit_price: Decimal


@dataclass
class RecordedPurchase:
    purchase: Purchase
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- parsing
def parse_amount(text: str | None) -> Decimal:
    """'1,234.50' or '$1234.5' -> Decimal('1234.50'); ValueError says why not, in plain words."""
    try:
        return read_decimal(text, minimum=CENTS, maximum=MAX_AMOUNT, places=2, dollar=True).quantize(CENTS)
    except NumberError as refused:
        if refused.kind == "format":
            raise ValueError(f"“{text.strip()[:30]}” is not an amount; write it like 1234.50") from None
        raise ValueError(f"{refused} (cents)" if refused.kind == "places" else str(refused)) from None


def parse_quantity(text: str | None) -> Decimal:
    return read_decimal(text, minimum=Decimal("0.001"), maximum=MAX_QUANTITY, places=3, what="quantity",
                        example="12")


def parse_price(text: str | None) -> Decimal:
    value = parse_unit_price(text or "")
    if value is None:
        raise ValueError("enter the unit price")
    return value


def parse_day(text: str | None) -> date:
    cleaned = (text or "").strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"“{cleaned[:20]}” is not a date; write it as YYYY-MM-DD, like 2026-11-01") from None


# ----------------------------------------------------------------------------- who may
def active_participation(contract: Contract, agency_id: int) -> Participation | None:
    return db.session.scalar(select(Participation).where(
        Participation.contract_id == contract.id, Participation.agency_id == agency_id,
        Participation.status == ParticipationStatus.ACTIVE))


def can_record(user, contract: Contract) -> bool:  # noqa: ANN001
    return bool(user.is_authenticated and user.has_any_role(*RECORD_ROLES)
                and active_participation(contract, user.organization_id) is not None)


def can_view_purchases(user, contract: Contract) -> bool:  # noqa: ANN001
    """An agency that joined sees its own purchases (any of its staff)."""
    return bool(user.is_authenticated and active_participation(contract, user.organization_id) is not None)


# ----------------------------------------------------------------------------- recording
def record_purchase(user: User, contract: Contract, *, po_number: str, ordered_on: date | None,
                    amount: Decimal | None, items: list[ItemInput], source: str = "form") -> RecordedPurchase:
    if not can_record(user, contract):
        raise NotPermitted("Only the buyers and administrators of an agency that joined this contract record "
                           "purchases against it.")
    po_number = (po_number or "").strip()
    if not po_number:
        raise DomainError("Enter the purchase order number.", field="po_number")
    if len(po_number) > 60:
        raise DomainError("Keep the purchase order number to 60 characters.", field="po_number")
    if ordered_on is None:
        raise DomainError("Enter the order date.", field="ordered_on")
    if not contract.effective_on <= ordered_on <= contract.expires_on:
        raise DomainError(f"The order date must fall within the contract's term ({contract.effective_on.isoformat()} "
                          f"to {contract.expires_on.isoformat()}).", field="ordered_on")
    if ordered_on > agency_today(user.organization):
        raise DomainError("The order date is in the future; report a purchase once it is ordered.", field="ordered_on")
    if amount is None or amount <= 0:
        raise DomainError("The amount must be more than zero.", field="amount")
    agency_id = user.organization_id
    if db.session.scalar(select(Purchase.id).where(Purchase.contract_id == contract.id, Purchase.agency_id == agency_id,
                                                   Purchase.po_number == po_number)):
        raise DomainError(f"Purchase order {po_number} is already recorded for this contract.", field="po_number")

    prices = {line.position: line for line in contract.lines}
    stored_items = []
    for item in items:
        line = prices.get(item.line)
        if line is None:
            raise DomainError(f"Line {item.line} is not on this contract's price list.", field="items")
        above = item.unit_price > line.unit_price
        stored_items.append({"position": line.position, "description": line.description, "unit": line.unit,
                             "quantity": str(item.quantity), "unit_price": str(item.unit_price),
                             "contract_price": str(line.unit_price), "above_contract_price": above})
    purchase = Purchase(contract_id=contract.id, agency_id=agency_id, po_number=po_number, ordered_on=ordered_on,
                        amount=amount, items=stored_items,
                        above_contract_price=any(i["above_contract_price"] for i in stored_items),
                        recorded_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(purchase)
    except IntegrityError:  # the same PO recorded a moment ago by a colleague
        raise DomainError(f"Purchase order {po_number} is already recorded for this contract.",
                          field="po_number") from None
    # The contract's running totals, in this transaction: SET n = n + 1, so purchases recorded at
    # the same moment all count.
    contract.reported_purchases = Contract.reported_purchases + 1
    contract.reported_spend = Contract.reported_spend + amount

    warnings = []
    if purchase.above_contract_price:
        lines = ", ".join(str(i["position"]) for i in stored_items if i["above_contract_price"])
        warnings.append(f"PO {po_number}: line(s) {lines} priced above the contract price list; flagged for review.")
    over_ceiling = False
    if contract.ceiling_value is not None:
        spent = total_spend(contract)
        if spent > contract.ceiling_value:
            over_ceiling = True
            warnings.append(f"PO {po_number} takes the reported spend to ${spent:,.2f}, past the contract's ceiling "
                            f"of ${contract.ceiling_value:,.2f}. It is recorded and flagged for the lead agency.")
    record("purchase.recorded", actor=user, obj=purchase,
           data={"contract": contract.number, "po_number": po_number, "ordered_on": ordered_on.isoformat(),
                 "amount": str(amount), "items": len(stored_items),
                 "above_contract_price": purchase.above_contract_price,
                 "over_ceiling": over_ceiling, "source": source})
    return RecordedPurchase(purchase, warnings)


# ----------------------------------------------------------------------------- spend
@dataclass(frozen=True)
class AgencySpend:
    agency_id: int
    agency_name: str
    purchases: int
    total: Decimal
    flagged: int  # purchases with an item above the contract price


@dataclass(frozen=True)
class ContractSpend:
    total: Decimal
    purchases: int
    agencies: int  # how many agencies reported a purchase
    ceiling: Decimal | None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.ceiling is None else self.ceiling - self.total

    @property
    def over_ceiling(self) -> bool:
        return self.remaining is not None and self.remaining < 0


def total_spend(contract: Contract) -> Decimal:
    return db.session.scalar(select(func.coalesce(func.sum(Purchase.amount), 0))
                             .where(Purchase.contract_id == contract.id)) or Decimal(0)


def recount_spend() -> int:
    """Rebuild every contract's running totals from its purchase rows (after a bulk load, or to
    repair them); returns how many contracts had other totals. The caller commits."""
    count = (select(func.count()).where(Purchase.contract_id == Contract.id).correlate(Contract).scalar_subquery())
    spend = (select(func.coalesce(func.sum(Purchase.amount), 0)).where(Purchase.contract_id == Contract.id)
             .correlate(Contract).scalar_subquery())
    result = db.session.execute(update(Contract).where(or_(Contract.reported_purchases != count,
                                                           Contract.reported_spend != spend))
                                .values(reported_purchases=count, reported_spend=spend)
                                .execution_options(synchronize_session=False))
    return result.rowcount


def contract_spend(contract: Contract) -> ContractSpend:
    """The totals, public records: one query over the covering index, whatever the number of
    purchases (count(*), not count(id): the database never reads the table rows)."""
    purchases, total, agencies = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Purchase.amount), 0), func.count(distinct(Purchase.agency_id)))
        .where(Purchase.contract_id == contract.id)).one()
    return ContractSpend(Decimal(total).quantize(CENTS), purchases, agencies, contract.ceiling_value)


def sees_every_agency(user, contract: Contract) -> bool:  # noqa: ANN001
    """The lead agency's staff and platform administrators see every agency's spend."""
    return user.is_authenticated and (user.has_role(Role.ADMIN) or (
        user.organization_id == contract.agency_id and user.has_any_role(*AGENCY_STAFF)))


def visible_spend_rows(user, contract: Contract) -> list[AgencySpend]:  # noqa: ANN001
    """Per-agency lines: for the lead agency's staff and platform administrators, the
    SPEND_ROWS_SHOWN agencies that spent most (a national contract has thousands of buyers); its
    own for a participating agency; none for the public (which sees the totals only). One query."""
    if not user.is_authenticated:
        return []
    flagged = func.sum(case((Purchase.above_contract_price.is_(True), 1), else_=0))
    total = func.sum(Purchase.amount)
    query = (select(Purchase.agency_id, Organization.name, func.count(), total, flagged)
             .join(Organization, Organization.id == Purchase.agency_id)
             .where(Purchase.contract_id == contract.id).group_by(Purchase.agency_id, Organization.name))
    if sees_every_agency(user, contract):
        query = query.order_by(total.desc(), Organization.name).limit(SPEND_ROWS_SHOWN)
    else:
        query = query.where(Purchase.agency_id == user.organization_id)
    return [AgencySpend(agency_id, name, count, Decimal(amount).quantize(CENTS), int(flags or 0))
            for agency_id, name, count, amount, flags in db.session.execute(query)]


def agency_purchases(contract: Contract, agency_id: int, page: int = 1, per_page: int = 50):  # noqa: ANN201
    return db.paginate(select(Purchase).where(Purchase.contract_id == contract.id, Purchase.agency_id == agency_id)
                       .order_by(Purchase.ordered_on.desc(), Purchase.id.desc()),
                       page=page, per_page=per_page, error_out=False)

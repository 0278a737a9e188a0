"""Contracts: made at the award from the winning bids, renewed and amended on the record, with
expiry reminders to staff 90, 60 and 30 days ahead. Callers commit."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.services import record
from app.awards.services import current_recommendation
from app.contracts.eligibility import refresh_eligibility
from app.contracts.evidence import record_award_evidence
from app.contracts.models import (
    ChangeKind,
    Contract,
    ContractChange,
    ContractDocument,
    ContractLine,
    ContractStatus,
    ExpiryReminder,
)
from app.core import clock
from app.core.errors import DomainError, NotPermitted
from app.core.files import check_upload
from app.core.numbers import MAX_MONEY, NumberError, read_decimal
from app.core.roles import Role
from app.contracts.registry import index_contract
from app.core.storage import save_with_transaction
from app.extensions import db
from app.notifications.services import send_email
from app.solicitations.models import Solicitation

REMINDER_DAYS = (90, 60, 30)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29 -> February 28
        return day.replace(year=day.year + years, day=28)


def create_contracts(s: Solicitation, actor: User | None) -> list[Contract]:
    """One contract per awarded vendor (lifecycle effect of intent_to_award -> awarded, see
    app.contracts.lifecycle_hooks): the price list is the winning bid's opened line items; term,
    renewals, admin fee and cooperative eligibility come from the solicitation."""
    recommendation = current_recommendation(s)
    today = s.local(clock.now()).date()
    made = []
    for index, bid in enumerate(sorted(recommendation.bids, key=lambda b: b.vendor.name), start=1):
        items = {item.id: item for item in s.items}
        contract = Contract(
            number=f"{s.number}-C{index:02d}", solicitation_id=s.id, agency_id=s.agency_id, vendor_id=bid.vendor_id,
            bid_id=bid.id, title=s.title, summary=s.summary, procurement_category=s.procurement_category,
            categories=list(s.categories), effective_on=today, expires_on=add_years(today, s.initial_term_years),
            renewal_options=s.renewal_options, renewal_term_years=s.renewal_term_years,
            ceiling_value=s.estimated_value, admin_fee_percent=s.admin_fee_percent, cooperative=s.cooperative,
            eligible_agency_types=list(s.eligible_agency_types), eligible_states=list(s.eligible_states),
            awarded_at=clock.now(),
            lines=[ContractLine(position=items[line.item_id].position, description=items[line.item_id].description,
                                unit=items[line.item_id].unit, unit_price=line.unit_price)
                   for line in bid.lines if line.unit_price is not None and line.item_id in items],
        )
        db.session.add(contract)
        made.append(contract)
    db.session.flush()
    for contract in made:
        record("contract.created", actor=actor, obj=contract, organization_id=s.agency_id,
               data={"number": contract.number, "solicitation": s.number, "vendor": contract.vendor.name,
                     "effective_on": contract.effective_on.isoformat(), "expires_on": contract.expires_on.isoformat(),
                     "lines": len(contract.lines)})
        contract_changed(contract)
    record_award_evidence(s, made, actor)
    return made


def contract_changed(contract: Contract) -> None:
    """After a contract is made or changed: its search entry and its usability by state."""
    index_contract(contract)
    refresh_eligibility(contract)


def _require_officer(actor: User, contract: Contract) -> None:
    if not contract.is_managed_by(actor):
        raise NotPermitted("Only the lead agency's procurement officers change a contract.")


DOCUMENT_TYPES = {"pdf", "docx", "xlsx"}


def add_document(actor: User, contract: Contract, *, title: str, filename: str | None, data: bytes,
                 size: int, public: bool, max_bytes: int) -> ContractDocument:
    """Attach a file to the contract record; refused uploads leave no file behind."""
    _require_officer(actor, contract)
    checked = check_upload(filename, data, allowed=DOCUMENT_TYPES, max_bytes=max_bytes, field="file", size=size)
    title = (title or "").strip()
    if len(title) > 200:
        raise DomainError("The title must be at most 200 characters.", field="title")
    stored = save_with_transaction(db.session, checked.data)
    document = ContractDocument(contract=contract, title=title or checked.filename, filename=checked.filename,
                                content_type=checked.content_type, size=stored.size, sha256=stored.sha256,
                                storage_key=stored.key, public=public, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    record("contract.document_added", actor=actor, obj=document, organization_id=contract.agency_id,
           data={"number": contract.number, "filename": document.filename, "sha256": document.sha256,
                 "public": public})
    return document


def renew(actor: User, contract: Contract, note: str = "") -> ContractChange:
    _require_officer(actor, contract)
    if contract.status != ContractStatus.ACTIVE:
        raise DomainError("Only an active contract can be renewed.")
    if contract.renewals_used >= contract.renewal_options:
        raise DomainError(f"All {contract.renewal_options} renewal option(s) have been used.")
    previous = contract.expires_on
    contract.expires_on = add_years(previous, contract.renewal_term_years)
    contract.renewals_used += 1
    change = ContractChange(contract=contract, kind=ChangeKind.RENEWAL, recorded_by_id=actor.id,
                            description=(note or "").strip() or f"Renewal {contract.renewals_used} of "
                                                                 f"{contract.renewal_options}",
                            previous_expires_on=previous, new_expires_on=contract.expires_on)
    db.session.add(change)
    contract_changed(contract)
    record("contract.renewed", actor=actor, obj=contract, organization_id=contract.agency_id,
           data={"number": contract.number, "from": previous.isoformat(), "to": contract.expires_on.isoformat(),
                 "renewals_used": contract.renewals_used})
    return change


def amend(actor: User, contract: Contract, description: str, new_ceiling: Decimal | None = None) -> ContractChange:
    _require_officer(actor, contract)
    description = (description or "").strip()
    if not description:
        raise DomainError("Describe the amendment.", field="description")
    if new_ceiling is not None and new_ceiling <= 0:
        raise DomainError("The ceiling must be a positive amount.", field="new_ceiling")
    change = ContractChange(contract=contract, kind=ChangeKind.AMENDMENT, recorded_by_id=actor.id,
                            description=description, previous_ceiling=contract.ceiling_value,
                            new_ceiling=new_ceiling)
    if new_ceiling is not None:
        contract.ceiling_value = new_ceiling
    db.session.add(change)
    contract_changed(contract)
    record("contract.amended", actor=actor, obj=contract, organization_id=contract.agency_id,
           data={"number": contract.number, "description": description,
                 "new_ceiling": None if new_ceiling is None else str(new_ceiling)})
    return change


def send_expiry_reminders() -> dict[str, int]:
    """Scheduler: e-mail the lead agency's officers 90, 60 and 30 days before a contract expires.
    Idempotent: each (contract, days, expiry date) reminder is a unique row written with its e-mails."""
    today = clock.now().date()
    sent = 0
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    contracts = db.session.scalars(select(Contract).where(Contract.status == ContractStatus.ACTIVE,
                                                          Contract.expires_on <= horizon,
                                                          Contract.expires_on >= today))
    for contract in contracts:
        days_left = (contract.expires_on - today).days
        due = [d for d in REMINDER_DAYS if days_left <= d]
        if not due:
            continue
        days = min(due)
        exists = db.session.scalar(select(ExpiryReminder.id).where(
            ExpiryReminder.contract_id == contract.id, ExpiryReminder.days_before == days,
            ExpiryReminder.expires_on == contract.expires_on))
        if exists:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(ExpiryReminder(contract_id=contract.id, days_before=days,
                                              expires_on=contract.expires_on, sent_at=clock.now()))
        except IntegrityError:  # another scheduler got there first
            continue
        for user in contract.agency.members:
            if user.active and user.has_any_role(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN):
                send_email(user.email, f"Contract {contract.number} expires in {days_left} days",
                           "contract_expiring", contract=contract, days_left=days_left)
        sent += 1
    return {"reminders": sent}


def parse_discount_tiers(text: str) -> list[dict[str, str]]:
    """Lines like "50000: 2" (orders of $50,000 or more: 2 % off). Raises DomainError naming the line."""
    tiers = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        amount_text, colon, percent_text = line.partition(":")
        if not colon:
            raise DomainError(f"Line {number}: write a tier as “minimum order amount: percent off”, "
                              "e.g. 50000: 2.", field="volume_discounts")
        try:
            amount = read_decimal(amount_text, minimum=0, maximum=MAX_MONEY, places=2, what="minimum order amount",
                                  dollar=True, example="50,000")
            percent = read_decimal(percent_text.strip().removesuffix("%"), minimum=Decimal("0.01"),
                                   maximum=Decimal("99.99"), places=2, what="percent off", example="2")
        except NumberError as refused:
            raise DomainError(f"Line {number}: write a tier as “minimum order amount: percent off”, e.g. 50000: 2."
                              if refused.kind in ("format", "missing") else f"Line {number}: {refused}.",
                              field="volume_discounts") from None
        tiers.append({"min_amount": str(amount.quantize(Decimal("0.01"))), "percent": str(percent.normalize())})
    amounts = [Decimal(t["min_amount"]) for t in tiers]
    if len(set(amounts)) != len(amounts):
        raise DomainError("Each tier needs its own minimum amount.", field="volume_discounts")
    return sorted(tiers, key=lambda t: Decimal(t["min_amount"]))


def update_terms(actor: User, contract: Contract, *, price_guarantee: str, delivery_terms: str,
                 volume_discounts: str) -> None:
    """The terms a buyer cares about; recorded as an amendment so the history shows them."""
    _require_officer(actor, contract)
    tiers = parse_discount_tiers(volume_discounts)
    contract.price_guarantee = (price_guarantee or "").strip()[:2000]
    contract.delivery_terms = (delivery_terms or "").strip()[:2000]
    contract.volume_discounts = tiers
    db.session.add(ContractChange(contract=contract, kind=ChangeKind.AMENDMENT, recorded_by_id=actor.id,
                                  description="Buyer terms updated (price guarantee, delivery, volume discounts)"))
    contract_changed(contract)
    record("contract.terms_updated", actor=actor, obj=contract, organization_id=contract.agency_id,
           data={"number": contract.number, "price_guarantee": contract.price_guarantee,
                 "delivery_terms": contract.delivery_terms, "volume_discounts": tiers})

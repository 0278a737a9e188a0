"""Contracts awarded elsewhere, registered by a cooperative administrator with their facts,
price list and documents. Their facts are what the registrant supplied (labelled so on every
page), not the platform's own record. Callers commit."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import AgencyType, Organization, User
from app.audit.services import record
from app.compliance.facts import FactsError, parse_facts
from app.contracts.eligibility import refresh_eligibility
from app.contracts.evidence import REGISTERED_ACTION, manifest, registered_evidence
from app.contracts import links
from app.contracts.models import Contract, ContractDocument, ContractLine, ContractSource, LinkRole
from app.contracts.registry import index_contract
from app.core import clock
from app.core.errors import DomainError, NotPermitted
from app.core.files import CheckedUpload
from app.core.numbers import NumberError, numeric_limit, read_decimal
from app.core.roles import OrganizationKind, Role
from app.core.storage import save_with_transaction
from app.extensions import db
from app.solicitations.models import Category, ProcurementCategory

# Letters, digits and . _ - (the number is part of the page's address); "register" and "links" are pages.
NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
RESERVED_NUMBERS = frozenset({"register", "links"})
MAX_PRICE_LINES = 2000
MAX_DOCUMENTS = 10
MAX_LIST_PRICE = numeric_limit(14, 4)  # ContractLine.unit_price
# The facts' lead-agency types -> the nearest type of our agency directory (the facts keep the
# exact one; the directory entry only groups the registry's lead-agency filter).
DIRECTORY_AGENCY_TYPE = {
    "school_district": AgencyType.SCHOOL_DISTRICT, "county": AgencyType.COUNTY,
    "municipality": AgencyType.MUNICIPALITY, "local_government": AgencyType.MUNICIPALITY,
    "state_agency": AgencyType.STATE_AGENCY, "federal": AgencyType.STATE_AGENCY,
    "higher_education": AgencyType.HIGHER_EDUCATION, "public_cooperative": AgencyType.PUBLIC_COOPERATIVE,
    "nonprofit_cooperative": AgencyType.PUBLIC_COOPERATIVE, "private_gpo": AgencyType.PUBLIC_COOPERATIVE,
}
# A fact that the engine refuses -> the registration field that supplied it.
FACT_FIELDS = {"term_end": "expires_on"}


def can_register_contracts(user: User) -> bool:
    """A cooperative administrator: the agency administrators and procurement officers of a public
    cooperative; and the platform administrators."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    organization = user.organization
    return (organization.is_agency and organization.agency_type == AgencyType.PUBLIC_COOPERATIVE
            and user.has_any_role(Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER))


@dataclass(frozen=True)
class PriceLine:
    description: str
    unit: str
    unit_price: Decimal


@dataclass
class Registration:
    """What the registrant supplies (the form's fields, already typed)."""

    number: str
    title: str
    summary: str
    lead_agency_name: str
    lead_agency_state: str
    lead_agency_type: str  # a COMPLIANCE.md lead_agency_type
    vendor_name: str
    vendor_tax_id: str
    vendor_state: str
    procurement_category: ProcurementCategory
    category_ids: list[int]
    effective_on: date
    expires_on: date
    renewal_options: int
    renewal_term_years: int
    ceiling_value: Decimal | None
    cooperative_clause: bool
    eligible_states: list[str]
    solicitation_method: str | None = None
    award_basis: str | None = None
    notice_first_published: date | None = None
    notice_media: list[str] = field(default_factory=list)
    bid_opening: date | None = None
    sealed_bids: bool | None = None
    public_opening: bool | None = None
    bids_received: int | None = None
    award_date: date | None = None
    lead_distance_miles: Decimal | None = None
    price_lines: list[PriceLine] = field(default_factory=list)
    documents: list[CheckedUpload] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        """The COMPLIANCE.md `contract` object, as supplied (absent values are "not known")."""
        facts: dict[str, Any] = {
            "lead_agency_state": self.lead_agency_state, "lead_agency_type": self.lead_agency_type,
            "solicitation_method": self.solicitation_method, "award_basis": self.award_basis,
            "cooperative_clause": self.cooperative_clause,
            "notice_first_published": _iso(self.notice_first_published),
            "notice_media": sorted(self.notice_media) or None, "bid_opening": _iso(self.bid_opening),
            "sealed_bids": self.sealed_bids, "public_opening": self.public_opening,
            "bids_received": self.bids_received,
            "award_date": _iso(self.award_date), "term_end": _iso(self.expires_on),
            "lead_distance_miles": None if self.lead_distance_miles is None else float(self.lead_distance_miles),
        }
        return {key: value for key, value in facts.items() if value is not None}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def check_facts(facts: dict[str, Any]) -> None:
    """The engine's own parser on the facts (with a stand-in purchase): a bad fact is refused
    naming the registration field it came from."""
    stand_in = {"agency_state": "NC", "agency_type": "school_district", "amount": 1,
                "category": "goods", "date": clock.now().date().isoformat(), "funding": ["local"]}
    try:
        parse_facts({"purchase": stand_in, "contract": facts})
    except FactsError as exc:
        key = (exc.field or "").removeprefix("contract.").split("[")[0].split(".")[0]
        raise DomainError(exc.message.split(": ", 1)[-1], field=FACT_FIELDS.get(key, key)) from None


def parse_price_list(text: str, csv_data: bytes | None = None) -> list[PriceLine]:
    """Lines "description | unit | price" (typed), then the rows of a CSV file (description, unit,
    price; a header row is skipped). A bad line is refused naming it."""
    rows: list[tuple[str, list[str]]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            rows.append((f"Line {number}", [part.strip() for part in line.split("|")]))
    if csv_data:
        try:
            decoded = csv_data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError("The price-list file must be a CSV file in UTF-8.", field="price_file") from None
        for number, row in enumerate(csv.reader(io.StringIO(decoded)), start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells) or (number == 1 and cells and cells[0].lower() == "description"):
                continue
            rows.append((f"CSV row {number}", cells))
    lines = []
    for where, cells in rows:
        field_name = "price_file" if where.startswith("CSV") else "price_list"
        if len(cells) != 3 or not cells[0] or not cells[1]:
            raise DomainError(f"{where}: write a line as “description | unit | price”, e.g. "
                              "“Copy paper, case | case | 41.80”.", field=field_name)
        try:
            price = read_decimal(cells[2], minimum=0, maximum=MAX_LIST_PRICE, places=4, what="price",
                                 dollar=True, example="41.80")
        except NumberError as refused:
            raise DomainError(f"{where}: {refused}.", field=field_name) from None
        if len(cells[0]) > 300 or len(cells[1]) > 40:
            raise DomainError(f"{where}: the description may have 300 characters and the unit 40.",
                              field=field_name)
        lines.append(PriceLine(cells[0], cells[1], price.quantize(Decimal("0.0001"))))
    if len(lines) > MAX_PRICE_LINES:
        raise DomainError(f"A price list may have at most {MAX_PRICE_LINES} lines.", field="price_list")
    return lines


def check_number(number: str) -> None:
    if not NUMBER_RE.match(number) or number.lower() in RESERVED_NUMBERS:
        raise DomainError("Use letters, digits, dots, hyphens and underscores (up to 60), e.g. R-2024-117.",
                          field="number")
    if db.session.scalar(select(Contract.id).where(func.lower(Contract.number) == number.lower())):
        raise DomainError(f"A contract numbered {number} is already in the registry.", field="number")


def _lead_agency(registration: Registration) -> Organization:
    """The directory's agency of that name and state, or a new one (without users). Stand-ins are
    never matched: they hold another registration's names for a member that was asked."""
    found = db.session.scalar(select(Organization).where(
        Organization.kind == OrganizationKind.AGENCY, Organization.state == registration.lead_agency_state,
        Organization.stand_in.is_(False),
        func.lower(Organization.name) == registration.lead_agency_name.lower()).order_by(Organization.id))
    if found is not None:
        return found
    agency = Organization(kind=OrganizationKind.AGENCY, name=registration.lead_agency_name,
                          state=registration.lead_agency_state,
                          agency_type=DIRECTORY_AGENCY_TYPE[registration.lead_agency_type])
    db.session.add(agency)
    return agency


def _vendor(registration: Registration) -> Organization:
    """The vendor with that federal tax ID, or a new one (without users)."""
    found = db.session.scalar(select(Organization).where(Organization.tax_id == registration.vendor_tax_id))
    if found is not None:
        if not found.is_vendor:
            raise DomainError("This tax ID belongs to an organization that is not a vendor.", field="vendor_tax_id")
        return found
    vendor = Organization(kind=OrganizationKind.VENDOR, name=registration.vendor_name,
                          state=registration.vendor_state, tax_id=registration.vendor_tax_id)
    db.session.add(vendor)
    return vendor


def _unasked(actor: User, found: Organization, *, name: str, state: str) -> tuple[Organization, bool]:
    """What the contract points at: the organization found, when no one is there to ask (a directory
    entry) or it is the registrant's own; otherwise a stand-in with the names as given, and the
    member is asked (True)."""
    if found.id == actor.organization_id or not links.is_member(found):
        return found, False
    return links.stand_in_for(found, name=name, state=state), True


def register_contract(actor: User, registration: Registration) -> Contract:
    if not can_register_contracts(actor):
        raise NotPermitted("Only cooperative administrators register contracts awarded elsewhere.")
    check_number(registration.number)
    if registration.expires_on <= registration.effective_on:
        raise DomainError("The contract must expire after it takes effect.", field="expires_on")
    if len(registration.documents) > MAX_DOCUMENTS:
        raise DomainError(f"Attach at most {MAX_DOCUMENTS} documents.", field="documents")
    facts = registration.facts()
    check_facts(facts)
    categories = list(db.session.scalars(select(Category).where(Category.id.in_(registration.category_ids)))) \
        if registration.category_ids else []
    awarded_on = registration.award_date or registration.effective_on
    named_agency, named_vendor = _lead_agency(registration), _vendor(registration)
    agency, ask_agency = _unasked(actor, named_agency, name=registration.lead_agency_name,
                                  state=registration.lead_agency_state)
    vendor, ask_vendor = _unasked(actor, named_vendor, name=registration.vendor_name,
                                  state=registration.vendor_state)
    contract = Contract(
        number=registration.number, source=ContractSource.REGISTRANT, registered_by_id=actor.id,
        registered_facts=facts, agency=agency, vendor=vendor,
        title=registration.title, summary=registration.summary,
        procurement_category=registration.procurement_category, categories=categories,
        effective_on=registration.effective_on, expires_on=registration.expires_on,
        renewal_options=registration.renewal_options, renewal_term_years=registration.renewal_term_years,
        ceiling_value=registration.ceiling_value, cooperative=registration.cooperative_clause,
        eligible_states=sorted(set(registration.eligible_states)),
        awarded_at=datetime.combine(awarded_on, time(12), tzinfo=timezone.utc),
        lines=[ContractLine(position=i, description=line.description, unit=line.unit, unit_price=line.unit_price)
               for i, line in enumerate(registration.price_lines, start=1)],
    )
    db.session.add(contract)
    for upload in registration.documents:
        stored = save_with_transaction(db.session, upload.data)
        contract.documents.append(ContractDocument(
            title=upload.filename, filename=upload.filename, content_type=upload.content_type, size=stored.size,
            sha256=stored.sha256, storage_key=stored.key, public=True, uploaded_by_id=actor.id))
    index_contract(contract)  # flushes: the contract, its documents and lines have ids
    if ask_agency:
        links.ask_member(contract, LinkRole.LEAD_AGENCY, named_agency, agency, actor)
    if ask_vendor:
        links.ask_member(contract, LinkRole.VENDOR, named_vendor, vendor, actor)
    refresh_eligibility(contract)
    record(REGISTERED_ACTION, actor=actor, obj=contract, organization_id=actor.organization_id, data={
        "number": contract.number, "title": contract.title, "lead_agency": contract.agency.name,
        "vendor": contract.vendor.name, "facts": facts,
        "documents": [{"document_id": d.id, "filename": d.filename, "sha256": d.sha256} for d in contract.documents],
        # The packet of a registered contract: these items cite this event.
        "items": manifest(registered_evidence(contract), cite=False)})
    return contract

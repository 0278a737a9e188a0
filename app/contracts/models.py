"""Contracts made by an award: term, renewals, ceiling, the price list taken from the winning
bid, the terms a buyer cares about, and the record of renewals, amendments and reminders."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, enum_type
from app.solicitations.models import ProcurementCategory
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import Organization, User
    from app.bids.models import Bid
    from app.solicitations.models import Category, Solicitation


class ContractStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return {"active": "In force", "expired": "Expired", "terminated": "Terminated"}[self.value]


class ContractSource(enum.StrEnum):
    """Where the contract's facts come from: the platform's own records of the solicitation, or a
    cooperative administrator who registered a contract awarded elsewhere."""

    PLATFORM = "platform"
    REGISTRANT = "registrant"


class Eligibility(enum.StrEnum):
    """A contract's usability in a state, from the compliance engine's verdict."""

    ALLOWED = "allowed"
    NEEDS_ACTION = "needs_action"
    NOT_USABLE = "not_usable"

    @property
    def label(self) -> str:
        return {"allowed": "Allowed", "needs_action": "Needs action", "not_usable": "Not usable"}[self.value]


contract_categories = db.Table(
    "contract_categories",
    db.Column("contract_id", ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True),
    db.Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Contract(TimestampMixin, db.Model):
    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("expires_on > effective_on", name="expires_after_effective"),
        CheckConstraint("renewal_options >= 0 AND renewals_used >= 0 AND renewals_used <= renewal_options",
                        name="renewals_within_options"),
        CheckConstraint("ceiling_value IS NULL OR ceiling_value > 0", name="ceiling_positive"),
        CheckConstraint("admin_fee_percent IS NULL OR (admin_fee_percent >= 0 AND admin_fee_percent <= 10)",
                        name="admin_fee_range"),
        UniqueConstraint("solicitation_id", "vendor_id", name="uq_contracts_award"),
        # A platform contract cites its solicitation and winning bid; a registered one its registrant.
        CheckConstraint("(source = 'platform' AND solicitation_id IS NOT NULL AND bid_id IS NOT NULL) OR "
                        "(source = 'registrant' AND registered_by_id IS NOT NULL)", name="source_has_origin"),
        # The registry's default order (newest award first): a page of it reads 20 rows, not every contract.
        db.Index("ix_contracts_awarded", "awarded_at", "id"),
        # Newest first (the registry's new contracts, a registrar's contracts): read in index order.
        db.Index("ix_contracts_created_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    source: Mapped[ContractSource] = mapped_column(enum_type(ContractSource), default=ContractSource.PLATFORM)
    solicitation_id: Mapped[int | None] = mapped_column(ForeignKey("solicitations.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)  # the lead agency
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bids.id"))
    status: Mapped[ContractStatus] = mapped_column(enum_type(ContractStatus), default=ContractStatus.ACTIVE)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # What the registry's full-text search reads besides the title (number, vendor, lead agency,
    # categories, summary, price-list lines), kept by app.contracts.registry.index_contract. Only the
    # database's full-text index reads it: never loaded with the row.
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    procurement_category: Mapped[ProcurementCategory] = mapped_column(enum_type(ProcurementCategory),
                                                                      default=ProcurementCategory.GOODS)
    # Registered contracts: the registrant and the compliance facts it supplied (COMPLIANCE.md
    # `contract` object); platform contracts compute theirs from the records.
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_facts: Mapped[dict] = mapped_column(JSON, default=dict)
    effective_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    renewal_options: Mapped[int] = mapped_column(Integer, default=0)
    renewal_term_years: Mapped[int] = mapped_column(Integer, default=1)
    renewals_used: Mapped[int] = mapped_column(Integer, default=0)
    ceiling_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    price_guarantee: Mapped[str] = mapped_column(Text, default="")
    volume_discounts: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"min_amount": "...", "percent": "..."}]
    delivery_terms: Mapped[str] = mapped_column(Text, default="")
    admin_fee_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # Cooperative eligibility, carried from the solicitation at award.
    cooperative: Mapped[bool] = mapped_column(Boolean, default=True)
    eligible_agency_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    eligible_states: Mapped[list[str]] = mapped_column(JSON, default=list)
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Running totals of the purchases reported against it, kept by purchases.record_purchase in the
    # purchase's own transaction: a registrar's thousands of contracts are summed from these, not
    # from millions of purchase rows (purchases.recount_spend rebuilds them).
    reported_purchases: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reported_spend: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0, server_default="0")

    solicitation: Mapped[Solicitation] = relationship()
    agency: Mapped[Organization] = relationship(foreign_keys=[agency_id])
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    bid: Mapped[Bid] = relationship()
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    lines: Mapped[list[ContractLine]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                     order_by="ContractLine.position")
    changes: Mapped[list[ContractChange]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                         order_by="ContractChange.id")
    documents: Mapped[list[ContractDocument]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                             order_by="ContractDocument.id")
    categories: Mapped[list[Category]] = relationship(secondary=contract_categories, order_by="Category.code")
    links: Mapped[list[ContractLink]] = relationship(back_populates="contract", cascade="all, delete-orphan",
                                                     order_by="ContractLink.id")
    eligibility: Mapped[list[ContractEligibility]] = relationship(back_populates="contract",
                                                                  cascade="all, delete-orphan",
                                                                  order_by="ContractEligibility.state")

    def is_managed_by(self, user) -> bool:
        """The lead agency's procurement officers and admins keep the contract record. A registered
        contract is kept by the registrant's organization, and also by its lead agency once that
        agency has confirmed the contract is its own (a directory entry's unasked users never)."""
        from app.core.roles import Role

        keeper_ids = {self.agency_id}
        if self.source == ContractSource.REGISTRANT and self.registered_by is not None:
            keeper_ids = {self.registered_by.organization_id}
            if any(link.role == LinkRole.LEAD_AGENCY and link.status == LinkStatus.CONFIRMED
                   for link in self.links):
                keeper_ids.add(self.agency_id)
        return bool(user.is_authenticated and user.organization_id in keeper_ids
                    and user.has_any_role(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN))

    @property
    def is_registered(self) -> bool:
        return self.source == ContractSource.REGISTRANT

    def visible_documents(self, user) -> list[ContractDocument]:
        """Public documents for everyone; restricted ones (insurance certificates, signed
        originals with signatures) for the lead agency's staff and the contracted vendor."""
        insider = user.is_authenticated and user.organization_id in (self.agency_id, self.vendor_id)
        return [d for d in self.documents if d.public or insider]


class LinkRole(enum.StrEnum):
    LEAD_AGENCY = "lead_agency"
    VENDOR = "vendor"

    @property
    def label(self) -> str:
        return {"lead_agency": "Lead agency", "vendor": "Vendor"}[self.value]


class LinkStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"pending": "Waiting for your answer", "confirmed": "Confirmed", "declined": "Declined"}[self.value]


class ContractLink(TimestampMixin, db.Model):
    """A registered contract names a platform member (by name and state, or tax ID): the contract
    points at a stand-in with the names as given until that member's administrator confirms it is
    theirs (then it points at the member) or declines (the names stay as given)."""

    __tablename__ = "contract_links"
    __table_args__ = (
        UniqueConstraint("contract_id", "role", name="uq_contract_links_role"),
        CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided_when_answered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    role: Mapped[LinkRole] = mapped_column(enum_type(LinkRole))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)  # the member asked
    typed_name: Mapped[str] = mapped_column(String(200))  # the name as the registrant typed it
    # What the contract points at until confirmed; a confirmed link's stand-in is deleted.
    stand_in_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    status: Mapped[LinkStatus] = mapped_column(enum_type(LinkStatus), default=LinkStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship(back_populates="links")
    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    stand_in: Mapped[Organization | None] = relationship(foreign_keys=[stand_in_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class ContractLine(db.Model):
    """A price-list line, copied from the winning bid's opened line items."""

    __tablename__ = "contract_lines"
    __table_args__ = (
        UniqueConstraint("contract_id", "position", name="uq_contract_lines_position"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 4))

    contract: Mapped[Contract] = relationship(back_populates="lines")


class ChangeKind(enum.StrEnum):
    RENEWAL = "renewal"
    AMENDMENT = "amendment"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ContractChange(TimestampMixin, db.Model):
    """A renewal (extends the term, uses one option) or an amendment (text; optional new ceiling)."""

    __tablename__ = "contract_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(enum_type(ChangeKind))
    description: Mapped[str] = mapped_column(Text)
    previous_expires_on: Mapped[date | None] = mapped_column(Date)
    new_expires_on: Mapped[date | None] = mapped_column(Date)
    previous_ceiling: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    new_ceiling: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="changes")


class ExpiryReminder(db.Model):
    """One row per (contract, days before expiry, expiry date) sent: the scheduler's job is
    idempotent because it inserts this row in the transaction that queues the e-mail."""

    __tablename__ = "contract_expiry_reminders"
    __table_args__ = (UniqueConstraint("contract_id", "days_before", "expires_on", name="uq_expiry_reminders"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    days_before: Mapped[int] = mapped_column(Integer)
    expires_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ContractDocument(TimestampMixin, db.Model):
    """A file of the contract record (signed contract, price file, insurance certificate), stored
    outside the web root and served through `Contract.visible_documents`."""

    __tablename__ = "contract_documents"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="documents")


class ContractEligibility(db.Model):
    """Usable in this state? One row per (contract, state with rules), recomputed when the contract
    or a rule file changes (`rules_version`), so the registry's filter is a plain indexed query."""

    __tablename__ = "contract_eligibility"
    __table_args__ = (db.Index("ix_contract_eligibility_state_verdict", "state", "eligibility", "contract_id"),)

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    eligibility: Mapped[Eligibility] = mapped_column(enum_type(Eligibility))
    # Needs action: the steps (short, in words) that keep it from "allowed", shown under the badge.
    open_steps: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    rules_version: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship(back_populates="eligibility")


class ComplianceCheck(TimestampMixin, db.Model):
    """A participating agency's compliance check against a contract: the facts used (the contract's
    from the records, the purchase and attestations from the agency), the engine's report, and the
    actions the agency has recorded as done."""

    __tablename__ = "compliance_checks"
    __table_args__ = (CheckConstraint("verdict IN ('allowed', 'needs_action', 'not_allowed')", name="verdict_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    facts: Mapped[dict] = mapped_column(JSON)
    report: Mapped[dict] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(16))
    rules_version: Mapped[str] = mapped_column(String(64))
    # {rule id: {"note": "...", "done_on": "YYYY-MM-DD", "by": user id}} for action/unknown findings.
    actions_done: Mapped[dict] = mapped_column(JSON, default=dict)

    contract: Mapped[Contract] = relationship()
    agency: Mapped[Organization] = relationship()


class ParticipationStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class Participation(TimestampMixin, db.Model):
    """A participating agency joined a contract: who signed, on which compliance check."""

    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("contract_id", "agency_id", name="uq_participations_agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("compliance_checks.id"))
    status: Mapped[ParticipationStatus] = mapped_column(enum_type(ParticipationStatus),
                                                        default=ParticipationStatus.ACTIVE)
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(200))
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    board_approval_reference: Mapped[str] = mapped_column(String(300), default="")
    joined_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship()
    agency: Mapped[Organization] = relationship()
    check: Mapped[ComplianceCheck] = relationship()


class Purchase(TimestampMixin, db.Model):
    """A purchase a participating agency reports against a contract (OCDS implementation.transactions)."""

    __tablename__ = "purchases"
    __table_args__ = (
        UniqueConstraint("contract_id", "agency_id", "po_number", name="uq_purchases_po"),
        CheckConstraint("amount > 0", name="amount_positive"),
        # Covering: the contract page's spend by agency (count, sum, flags) reads the index alone.
        db.Index("ix_purchases_contract_agency", "contract_id", "agency_id", "amount", "above_contract_price"),
        # Covering: an agency's spend in a fiscal year, by contract (its workspace), from the index alone.
        db.Index("ix_purchases_agency_ordered", "agency_id", "ordered_on", "contract_id", "amount",
                 "above_contract_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    po_number: Mapped[str] = mapped_column(String(60))
    ordered_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # [{"position": 1, "description": "...", "quantity": "10", "unit_price": "41.80",
    #   "contract_price": "40.95", "above_contract_price": true}]
    items: Mapped[list[dict]] = mapped_column(JSON, default=list)
    above_contract_price: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship()
    agency: Mapped[Organization] = relationship()

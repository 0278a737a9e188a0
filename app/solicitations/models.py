"""Solicitations (RFP / IFB / RFQ) and what they are made of: categories, evaluation criteria,
price-sheet items, public notices, demand estimates, documents."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import TimestampMixin, UTCDateTime, enum_type
from app.core.roles import AGENCY_STAFF, Role
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import Organization, User
    from app.solicitations.communications import Addendum, Question


class SolicitationType(enum.StrEnum):
    RFP = "rfp"
    IFB = "ifb"
    RFQ = "rfq"

    @property
    def label(self) -> str:
        return {
            "rfp": "Request for Proposals (competitive proposals, best value)",
            "ifb": "Invitation for Bids (sealed bid, lowest responsive responsible bidder)",
            "rfq": "Request for Quotations",
        }[self.value]

    @property
    def code(self) -> str:
        return self.value.upper()


class ProcurementCategory(enum.StrEnum):
    """The kinds of purchase state law distinguishes (COMPLIANCE.md `purchase.category`)."""

    GOODS = "goods"
    SERVICES = "services"
    PROFESSIONAL_SERVICES = "professional_services"
    ARCHITECTURAL_ENGINEERING = "architectural_engineering"
    CONSTRUCTION = "construction"
    TECHNOLOGY = "technology"

    @property
    def label(self) -> str:
        return {"architectural_engineering": "Architectural and engineering services"}.get(
            self.value, self.value.replace("_", " ").capitalize())


class SolicitationStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    PUBLISHED = "published"
    CLOSED = "closed"
    OPENED = "opened"
    UNDER_EVALUATION = "under_evaluation"
    INTENT_TO_AWARD = "intent_to_award"
    AWARDED = "awarded"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Statuses the public may see: the solicitation has been advertised.
PUBLIC_STATUSES = frozenset(
    {
        SolicitationStatus.PUBLISHED,
        SolicitationStatus.CLOSED,
        SolicitationStatus.OPENED,
        SolicitationStatus.UNDER_EVALUATION,
        SolicitationStatus.INTENT_TO_AWARD,
        SolicitationStatus.AWARDED,
    }
)
EDITABLE_STATUSES = frozenset({SolicitationStatus.DRAFT})


class PriceFormula(enum.StrEnum):
    LOWEST_OVER_THIS = "lowest_over_this"

    @property
    def description(self) -> str:
        return "points × (lowest total price ÷ this bid's total price)"


class NoticeMedium(enum.StrEnum):
    NEWSPAPER = "newspaper"
    WEBSITE = "website"
    STATE_PORTAL = "state_portal"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"newspaper": "Newspaper", "website": "Agency website",
                "state_portal": "State procurement portal", "other": "Other"}[self.value]


# A notice medium in the compliance facts' words (COMPLIANCE.md `notice_media`); "other" has none.
NOTICE_MEDIUM_FACT = {"newspaper": "newspaper", "website": "website", "state_portal": "state_registry"}


REQUIRED_DOCUMENT_TYPES = {
    "w9": "IRS Form W-9",
    "insurance_certificate": "Certificate of insurance",
    "non_collusion_affidavit": "Non-collusion affidavit",
    "debarment_certification": "Debarment and suspension certification",
    "federal_funds_certifications": "Federal-funds certifications (2 CFR 200 Appendix II, Byrd anti-lobbying)",
    "references": "References",
    "bid_bond": "Bid bond",
}

DEFAULT_COOPERATIVE_CLAUSE = (
    "Cooperative purchasing. This solicitation is issued on behalf of {agency} and of other public "
    "agencies. Any public agency, including school districts, counties, municipalities, state "
    "agencies, institutions of higher education and public cooperatives, may purchase under the "
    "resulting contract on the same terms, conditions and prices, where permitted by the laws "
    "governing that agency. Each participating agency contracts directly with the vendor, is "
    "responsible for its own orders and payments, and {agency} assumes no obligation on its behalf."
)


solicitation_categories = Table(
    "solicitation_categories",
    db.metadata,
    Column("solicitation_id", ForeignKey("solicitations.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id"), primary_key=True),
)


class Category(db.Model):
    """A commodity category (NIGP-style code and name) vendors follow."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Solicitation(TimestampMixin, db.Model):
    __tablename__ = "solicitations"
    __table_args__ = (
        CheckConstraint("status NOT IN ('approved', 'published', 'closed', 'opened', "
                        "'under_evaluation', 'intent_to_award', 'awarded') "
                        "OR (approved_at IS NOT NULL AND approved_by_id IS NOT NULL)",
                        name="approved_has_approver"),
        CheckConstraint("status NOT IN ('published', 'closed', 'opened', 'under_evaluation', "
                        "'intent_to_award', 'awarded') OR published_at IS NOT NULL",
                        name="published_has_published_at"),
        CheckConstraint("status NOT IN ('closed', 'opened', 'under_evaluation', 'intent_to_award', "
                        "'awarded') OR closed_at IS NOT NULL", name="closed_has_closed_at"),
        CheckConstraint("status NOT IN ('opened', 'under_evaluation', 'intent_to_award', 'awarded') "
                        "OR opened_at IS NOT NULL", name="opened_has_opened_at"),
        CheckConstraint("status != 'awarded' OR awarded_at IS NOT NULL", name="awarded_has_awarded_at"),
        CheckConstraint("status != 'cancelled' OR (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)",
                        name="cancelled_has_reason"),
        CheckConstraint("questions_due_at IS NULL OR due_at IS NULL OR questions_due_at < due_at",
                        name="questions_before_due"),
        CheckConstraint("publish_at IS NULL OR due_at IS NULL OR publish_at < due_at",
                        name="publish_before_due"),
        CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name="estimated_value_not_negative"),
        CheckConstraint("admin_fee_percent IS NULL OR (admin_fee_percent >= 0 AND admin_fee_percent <= 10)",
                        name="admin_fee_range"),
        CheckConstraint("bid_bond_percent IS NULL OR (bid_bond_percent > 0 AND bid_bond_percent <= 100)",
                        name="bid_bond_range"),
        CheckConstraint("initial_term_years >= 1 AND renewal_options >= 0", name="term_positive"),
        # An agency's solicitations, and whether it has a public one from the index alone
        # (queries.has_public_solicitation).
        db.Index("ix_solicitations_agency_public", "agency_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))  # ix_solicitations_agency_public
    number: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[SolicitationType] = mapped_column(enum_type(SolicitationType))
    status: Mapped[SolicitationStatus] = mapped_column(
        enum_type(SolicitationStatus), default=SolicitationStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    scope_md: Mapped[str] = mapped_column(Text, default="")
    terms_md: Mapped[str] = mapped_column(Text, default="")
    estimated_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    initial_term_years: Mapped[int] = mapped_column(Integer, default=1)
    renewal_options: Mapped[int] = mapped_column(Integer, default=0)
    renewal_term_years: Mapped[int] = mapped_column(Integer, default=1)
    required_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    bid_bond_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    # Cooperative terms
    procurement_category: Mapped[ProcurementCategory] = mapped_column(enum_type(ProcurementCategory),
                                                                      default=ProcurementCategory.GOODS)
    cooperative: Mapped[bool] = mapped_column(Boolean, default=True)
    cooperative_clause: Mapped[str] = mapped_column(Text, default="")
    eligible_agency_types: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: all
    eligible_states: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: all
    admin_fee_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    # Timeline (UTC; shown in the agency's time zone)
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    questions_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prebid_conference_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prebid_conference_location: Mapped[str | None] = mapped_column(String(300))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    opening_location: Mapped[str | None] = mapped_column(String(300))

    # Lifecycle record
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    return_note: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Organization] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    categories: Mapped[list[Category]] = relationship(secondary=solicitation_categories,
                                                      order_by=Category.code)
    criteria: Mapped[list[EvaluationCriterion]] = relationship(
        back_populates="solicitation", cascade="all, delete-orphan",
        order_by="EvaluationCriterion.position")
    items: Mapped[list[PriceSheetItem]] = relationship(
        back_populates="solicitation", cascade="all, delete-orphan", order_by="PriceSheetItem.position")
    notices: Mapped[list[PublicNotice]] = relationship(
        back_populates="solicitation", cascade="all, delete-orphan", order_by="PublicNotice.published_on")
    addenda: Mapped[list[Addendum]] = relationship(
        back_populates="solicitation", cascade="all, delete-orphan", order_by="Addendum.number")
    questions: Mapped[list[Question]] = relationship(
        back_populates="solicitation", cascade="all, delete-orphan", order_by="Question.asked_at")
    documents: Mapped[list[SolicitationDocument]] = relationship(
        back_populates="solicitation", cascade="all, delete-orphan",
        order_by="SolicitationDocument.created_at")

    def __repr__(self) -> str:
        return f"<Solicitation {self.number} {self.status}>"

    # --------------------------------------------------------------- computed from the clock
    @property
    def is_public(self) -> bool:
        # A cancellation after publication stays public, with its reason.
        return self.status in PUBLIC_STATUSES or (
            self.status == SolicitationStatus.CANCELLED and self.published_at is not None)

    @property
    def accepting_bids(self) -> bool:
        """Computed on every request from due_at, whatever the scheduler has done."""
        return (self.status == SolicitationStatus.PUBLISHED and self.due_at is not None
                and clock.now() < self.due_at)

    @property
    def accepting_questions(self) -> bool:
        return (self.accepting_bids and self.questions_due_at is not None
                and clock.now() < self.questions_due_at)

    @property
    def total_points(self) -> Decimal:
        return sum((c.points for c in self.criteria), Decimal(0))

    @property
    def price_criterion(self) -> EvaluationCriterion | None:
        return next((c for c in self.criteria if c.is_price), None)

    @property
    def first_notice_on(self) -> date | None:
        return min((n.published_on for n in self.notices), default=None)

    @property
    def notice_days(self) -> int | None:
        """Calendar days from the first public notice to the opening (agency's local date)."""
        if self.first_notice_on is None or self.due_at is None:
            return None
        return (self.local(self.due_at).date() - self.first_notice_on).days

    @property
    def published_addenda(self) -> list[Addendum]:
        return [a for a in self.addenda if a.published_at is not None]

    @property
    def answered_questions(self) -> list[Question]:
        return [q for q in self.questions if q.is_public]

    def local(self, value: datetime) -> datetime:
        from zoneinfo import ZoneInfo

        return value.astimezone(ZoneInfo(self.agency.timezone))

    @property
    def cooperative_clause_text(self) -> str:
        return self.cooperative_clause or DEFAULT_COOPERATIVE_CLAUSE.format(agency=self.agency.name)

    # --------------------------------------------------------------- guards
    def is_staff(self, user: User) -> bool:
        return (user.is_authenticated and user.organization_id == self.agency_id
                and user.has_any_role(*AGENCY_STAFF))

    def can_view(self, user: User) -> bool:
        """Until it is advertised a solicitation is the agency's own work: not even the platform's
        operator reads it (its audit events stay readable on the operator's audit page)."""
        return self.is_public or self.is_staff(user)

    def can_edit(self, user: User) -> bool:
        return (self.status in EDITABLE_STATUSES and self.is_staff(user)
                and user.has_any_role(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN))

    def can_manage(self, user: User) -> bool:
        """Answer questions, issue addenda, manage notices and documents."""
        return self.is_staff(user) and user.has_any_role(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN)

    def can_issue_addendum(self, user: User) -> bool:
        return self.can_manage(user) and self.accepting_bids

    def can_ask_question(self, user: User) -> bool:
        return (user.is_authenticated and user.organization.is_vendor
                and self.accepting_questions)


class EvaluationCriterion(db.Model):
    __tablename__ = "evaluation_criteria"
    __table_args__ = (
        CheckConstraint("points > 0 AND points <= 100", name="points_range"),
        CheckConstraint("is_price = false OR price_formula IS NOT NULL", name="price_has_formula"),
        UniqueConstraint("solicitation_id", "position", name="uq_evaluation_criteria_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    is_price: Mapped[bool] = mapped_column(Boolean, default=False)
    price_formula: Mapped[PriceFormula | None] = mapped_column(enum_type(PriceFormula))

    solicitation: Mapped[Solicitation] = relationship(back_populates="criteria")


class PriceSheetItem(db.Model):
    __tablename__ = "price_sheet_items"
    __table_args__ = (
        CheckConstraint("estimated_quantity > 0", name="quantity_positive"),
        UniqueConstraint("solicitation_id", "position", name="uq_price_sheet_items_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40))
    estimated_quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))

    solicitation: Mapped[Solicitation] = relationship(back_populates="items")
    demand: Mapped[list[DemandEstimate]] = relationship(back_populates="item", cascade="all, delete-orphan")

    @property
    def line_number(self) -> int:
        return self.position


class PublicNotice(db.Model):
    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    medium: Mapped[NoticeMedium] = mapped_column(enum_type(NoticeMedium))
    outlet: Mapped[str] = mapped_column(String(200))  # newspaper name, web address, portal name
    published_on: Mapped[date] = mapped_column(Date)

    solicitation: Mapped[Solicitation] = relationship(back_populates="notices")


class DemandInvitation(TimestampMixin, db.Model):
    """The lead agency asks a participating agency for its intended quantities."""

    __tablename__ = "demand_invitations"
    __table_args__ = (UniqueConstraint("solicitation_id", "agency_id", name="uq_demand_invitations_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    solicitation: Mapped[Solicitation] = relationship()
    agency: Mapped[Organization] = relationship()


class DemandEstimate(db.Model):
    __tablename__ = "demand_estimates"
    __table_args__ = (
        UniqueConstraint("item_id", "agency_id", name="uq_demand_estimates_item_agency"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("price_sheet_items.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[PriceSheetItem] = relationship(back_populates="demand")
    agency: Mapped[Organization] = relationship()


class SolicitationDocument(TimestampMixin, db.Model):
    """A published file (specifications, forms, drawings), served through a permission check."""

    __tablename__ = "solicitation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    addendum_id: Mapped[int | None] = mapped_column(ForeignKey("addenda.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    solicitation: Mapped[Solicitation] = relationship(back_populates="documents")


class SolicitationCounter(db.Model):
    """Next sequence number per agency and year (RFP-2027-004)."""

    __tablename__ = "solicitation_counters"

    agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)

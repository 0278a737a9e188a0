"""Sealed bids. A vendor has one Bid per solicitation: a sealed working draft, the files it
uploaded, and the numbered versions it submitted (or withdrew), each with a receipt. Only the
latest version counts. Prices and files stay encrypted until the opening; the opening writes the
counted version's prices into BidLine rows that staff can read and tabulate."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, defer, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from app.core.db import TimestampMixin, UTCDateTime, enum_type
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import Organization, User
    from app.solicitations.models import PriceSheetItem, Solicitation


class BidStatus(enum.StrEnum):
    DRAFT = "draft"  # never submitted
    SUBMITTED = "submitted"  # the latest version is a submission
    WITHDRAWN = "withdrawn"  # the latest version is a withdrawal

    @property
    def label(self) -> str:
        return self.value.capitalize()


class VersionKind(enum.StrEnum):
    SUBMISSION = "submission"
    WITHDRAWAL = "withdrawal"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Responsiveness(enum.StrEnum):
    PENDING = "pending"
    RESPONSIVE = "responsive"
    NON_RESPONSIVE = "non_responsive"

    @property
    def label(self) -> str:
        return {"pending": "Not decided", "responsive": "Responsive",
                "non_responsive": "Non-responsive"}[self.value]


BID_BOND = "bid_bond"  # the document type of the bid bond (optional unless the solicitation asks)


class Bid(TimestampMixin, db.Model):
    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("solicitation_id", "vendor_id", name="uq_bids_solicitation_vendor"),
        CheckConstraint("status = 'draft' OR (current_version_number IS NOT NULL)",
                        name="versioned_has_version"),
        CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        CheckConstraint("status != 'withdrawn' OR withdrawn_at IS NOT NULL", name="withdrawn_has_time"),
        CheckConstraint("responsiveness = 'pending' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
                        name="decision_has_decider"),
        CheckConstraint("responsiveness != 'non_responsive' OR responsiveness_reason IS NOT NULL",
                        name="non_responsive_has_reason"),
        CheckConstraint("responsiveness = 'pending' OR opened_at IS NOT NULL", name="decided_after_opening"),
        CheckConstraint("total IS NULL OR total >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[BidStatus] = mapped_column(enum_type(BidStatus), default=BidStatus.DRAFT)

    # The working draft (sealed JSON: prices, notes, attestations) and when it last changed.
    sealed_draft: Mapped[bytes | None] = mapped_column(LargeBinary)
    draft_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    current_version_number: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Written at the opening, from the counted version.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    responsiveness: Mapped[Responsiveness] = mapped_column(enum_type(Responsiveness),
                                                           default=Responsiveness.PENDING)
    responsiveness_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    solicitation: Mapped[Solicitation] = relationship()
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    versions: Mapped[list[BidVersion]] = relationship(back_populates="bid", cascade="all, delete-orphan",
                                                      order_by="BidVersion.number")
    documents: Mapped[list[BidDocument]] = relationship(back_populates="bid", cascade="all, delete-orphan",
                                                        order_by="BidDocument.id")
    lines: Mapped[list[BidLine]] = relationship(back_populates="bid", cascade="all, delete-orphan",
                                                order_by="BidLine.id")

    def __repr__(self) -> str:
        return f"<Bid {self.id} {self.status}>"  # no vendor, no prices: reprs end up in logs

    @property
    def current_version(self) -> BidVersion | None:
        return next((v for v in self.versions if v.number == self.current_version_number), None)

    @property
    def working_documents(self) -> list[BidDocument]:
        return [d for d in self.documents if d.superseded_at is None]

    @property
    def missing_lines(self) -> int:
        """Price-sheet lines the opened bid leaves without a price."""
        return sum(1 for line in self.lines if line.unit_price is None)

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None

    # --------------------------------------------------------------- guards
    def is_bidder(self, user: User) -> bool:
        return user.is_authenticated and user.organization_id == self.vendor_id

    def can_view_contents(self, user: User) -> bool:
        """The bidder always; the agency's staff only once the bids are opened."""
        return self.is_bidder(user) or (self.is_opened and self.solicitation.is_staff(user))

    def can_decide(self, user: User) -> bool:
        return (self.is_opened and self.status == BidStatus.SUBMITTED
                and self.solicitation.can_manage(user))


class BidVersion(db.Model):
    """One submission or withdrawal, as accepted: its receipt and its sealed canonical content."""

    __tablename__ = "bid_versions"
    __table_args__ = (
        UniqueConstraint("bid_id", "number", name="uq_bid_versions_number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[VersionKind] = mapped_column(enum_type(VersionKind))
    receipt_number: Mapped[str] = mapped_column(String(80), unique=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical content
    sealed_content: Mapped[bytes] = mapped_column(LargeBinary)

    bid: Mapped[Bid] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship()


class BidDocument(db.Model):
    """A file the vendor uploaded, encrypted in storage. A replaced file is kept (superseded),
    because the versions that cited it must stay verifiable."""

    __tablename__ = "bid_documents"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    requirement: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))  # of the plain file
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bid: Mapped[Bid] = relationship(back_populates="documents")


class BidLine(db.Model):
    """A unit price of the counted version, written at the opening. NULL: no price offered."""

    __tablename__ = "bid_lines"
    __table_args__ = (
        UniqueConstraint("bid_id", "item_id", name="uq_bid_lines_bid_item"),
        CheckConstraint("unit_price IS NULL OR unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("(unit_price IS NULL) = (extended IS NULL)", name="extended_with_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("price_sheet_items.id", ondelete="CASCADE"), index=True)
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    extended: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    bid: Mapped[Bid] = relationship(back_populates="lines")
    item: Mapped[PriceSheetItem] = relationship()


def opened_bid_loading() -> tuple[LoaderOption, ...]:
    """Loader options for a list of opened bids: each bid's vendor, lines and versions in a fixed
    number of statements however many bids there are, and the sealed ciphertext (working draft,
    version content) left unread until something opens it."""
    return (joinedload(Bid.vendor), selectinload(Bid.lines),
            selectinload(Bid.versions).defer(BidVersion.sealed_content), defer(Bid.sealed_draft))

"""Award recommendation (one or several vendors), its approval, the notice of intent to award
with its protest period, and protests."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import TimestampMixin, UTCDateTime, enum_type
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import Organization, User
    from app.bids.models import Bid
    from app.solicitations.models import Solicitation

DEFAULT_PROTEST_DAYS = 10


class RecommendationStatus(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    RETURNED = "returned"
    SUPERSEDED = "superseded"  # evaluation reopened (a protest was upheld)

    @property
    def label(self) -> str:
        return {"pending_approval": "Waiting for approval", "approved": "Approved",
                "returned": "Returned for changes", "superseded": "Superseded"}[self.value]


recommended_bids = Table(
    "recommended_bids",
    db.metadata,
    Column("recommendation_id", ForeignKey("award_recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("bid_id", ForeignKey("bids.id", ondelete="CASCADE"), primary_key=True),
)


class AwardRecommendation(TimestampMixin, db.Model):
    __tablename__ = "award_recommendations"
    __table_args__ = (
        CheckConstraint("status != 'approved' OR (approved_at IS NOT NULL AND approved_by_id IS NOT NULL)",
                        name="approved_has_approver"),
        CheckConstraint("length(justification) > 0", name="has_justification"),
        CheckConstraint("intent_issued_at IS NULL OR "
                        "(status IN ('approved', 'superseded') AND protest_ends_at IS NOT NULL)",
                        name="intent_after_approval"),
        CheckConstraint("protest_days IS NULL OR protest_days >= 0", name="protest_days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"), index=True)
    status: Mapped[RecommendationStatus] = mapped_column(enum_type(RecommendationStatus),
                                                         default=RecommendationStatus.PENDING_APPROVAL)
    justification: Mapped[str] = mapped_column(Text)
    recommended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_note: Mapped[str | None] = mapped_column(Text)
    board_approved_on: Mapped[date | None] = mapped_column(Date)
    board_reference: Mapped[str | None] = mapped_column(String(200))
    # Notice of intent to award and the protest period it starts.
    intent_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    protest_days: Mapped[int | None] = mapped_column(Integer)
    protest_days_source: Mapped[str | None] = mapped_column(String(300))  # citation or "agency setting"
    protest_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    solicitation: Mapped[Solicitation] = relationship()
    bids: Mapped[list[Bid]] = relationship(secondary=recommended_bids)
    recommended_by: Mapped[User] = relationship(foreign_keys=[recommended_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def protest_period_open(self) -> bool:
        return self.protest_ends_at is not None and clock.now() < self.protest_ends_at


class ProtestStatus(enum.StrEnum):
    OPEN = "open"
    DENIED = "denied"
    UPHELD = "upheld"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Protest(TimestampMixin, db.Model):
    __tablename__ = "protests"
    __table_args__ = (
        CheckConstraint("status = 'open' OR (decided_at IS NOT NULL)", name="closed_has_time"),
        CheckConstraint("status NOT IN ('denied', 'upheld') OR (decision IS NOT NULL AND decided_by_id IS NOT NULL)",
                        name="decided_has_decision"),
        CheckConstraint("length(grounds) > 0", name="has_grounds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("award_recommendations.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    grounds: Mapped[str] = mapped_column(Text)
    status: Mapped[ProtestStatus] = mapped_column(enum_type(ProtestStatus), default=ProtestStatus.OPEN, index=True)
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    vendor: Mapped[Organization] = relationship()
    recommendation: Mapped[AwardRecommendation] = relationship()

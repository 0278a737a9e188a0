"""The evaluation committee, its conflict-of-interest attestations, and the scores."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.bids.models import Bid
    from app.solicitations.models import EvaluationCriterion, Solicitation


class Evaluation(db.Model):
    """Where one solicitation's evaluation stands: started, scoring closed by the chair."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint("scoring_closed_at IS NULL OR scoring_closed_by_id IS NOT NULL",
                        name="closed_has_chair"),
    )

    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scoring_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scoring_closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Counts the changes to what the evaluation report shows (scores, consensus, committee,
    # responsiveness, recommendation, status) once the ranking may be shown; the stored report
    # names the version it was built from (EvaluationReportFile).
    state_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    solicitation: Mapped[Solicitation] = relationship()
    members: Mapped[list[CommitteeMember]] = relationship(
        primaryjoin="Evaluation.solicitation_id == foreign(CommitteeMember.solicitation_id)",
        order_by="CommitteeMember.id", viewonly=True)

    @property
    def scoring_open(self) -> bool:
        return self.scoring_closed_at is None


class CommitteeMember(TimestampMixin, db.Model):
    """An evaluator named to one solicitation's committee. Before seeing any proposal the member
    attests to no conflict of interest with any bidder, or declares one and is excluded."""

    __tablename__ = "committee_members"
    __table_args__ = (
        UniqueConstraint("solicitation_id", "user_id", name="uq_committee_members_member"),
        CheckConstraint("has_conflict IS NULL OR attested_at IS NOT NULL", name="answer_has_time"),
        CheckConstraint("has_conflict IS NOT TRUE OR (excluded_at IS NOT NULL AND conflict_disclosure IS NOT NULL)",
                        name="conflict_excludes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    appointed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    attested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    has_conflict: Mapped[bool | None] = mapped_column(Boolean)
    conflict_disclosure: Mapped[str | None] = mapped_column(Text)
    attestation_text: Mapped[str | None] = mapped_column(Text)  # what was signed, as shown
    excluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def may_see_proposals(self) -> bool:
        return self.attested_at is not None and self.has_conflict is False and self.excluded_at is None


class EvaluationScore(db.Model):
    """One evaluator's score of one bid on one non-price criterion."""

    __tablename__ = "evaluation_scores"
    __table_args__ = (
        UniqueConstraint("member_id", "bid_id", "criterion_id", name="uq_evaluation_scores_cell"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_members.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("evaluation_criteria.id", ondelete="CASCADE"))
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)

    member: Mapped[CommitteeMember] = relationship()
    bid: Mapped[Bid] = relationship()
    criterion: Mapped[EvaluationCriterion] = relationship()


class ConsensusScore(db.Model):
    """The chair's consensus score for a bid on a criterion, replacing the average, with why."""

    __tablename__ = "consensus_scores"
    __table_args__ = (
        UniqueConstraint("bid_id", "criterion_id", name="uq_consensus_scores_cell"),
        CheckConstraint("points >= 0", name="points_not_negative"),
        CheckConstraint("length(reason) > 0", name="has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("evaluation_criteria.id", ondelete="CASCADE"))
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EvaluationReportFile(db.Model):
    """The evaluation report PDF as last built (by the scheduler's job, or on request for a small
    evaluation), kept in storage with its SHA-256. It is given out while `state_version` is still
    the evaluation's, after its bytes are checked against the digest."""

    __tablename__ = "evaluation_report_files"
    __table_args__ = (
        CheckConstraint("size > 0", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"), unique=True)
    state_version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    build_ms: Mapped[int] = mapped_column(Integer)  # how long the build took, for operators

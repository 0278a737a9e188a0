"""What passes between the agency and vendors while a solicitation is open: questions and
answers, addenda and their acknowledgements, and what vendors follow."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import Organization, User
    from app.solicitations.models import Category, Solicitation


class Question(db.Model):
    """A vendor's question. Published answers never show who asked."""

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint("answered_at IS NULL OR (answer IS NOT NULL AND answered_by_id IS NOT NULL)",
                        name="answered_has_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    solicitation: Mapped[Solicitation] = relationship(back_populates="questions")
    vendor: Mapped[Organization] = relationship()
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])

    @property
    def is_public(self) -> bool:
        return self.answered_at is not None


class Addendum(TimestampMixin, db.Model):
    __tablename__ = "addenda"
    __table_args__ = (UniqueConstraint("solicitation_id", "number", name="uq_addenda_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("solicitations.id", ondelete="CASCADE"),
                                                 index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    previous_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_questions_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    solicitation: Mapped[Solicitation] = relationship(back_populates="addenda")
    acknowledgements: Mapped[list[AddendumAcknowledgement]] = relationship(
        back_populates="addendum", cascade="all, delete-orphan")


class AddendumAcknowledgement(db.Model):
    __tablename__ = "addendum_acknowledgements"
    __table_args__ = (UniqueConstraint("addendum_id", "vendor_id", name="uq_addendum_acknowledgements_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    addendum_id: Mapped[int] = mapped_column(ForeignKey("addenda.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)

    addendum: Mapped[Addendum] = relationship(back_populates="acknowledgements")


class Follow(TimestampMixin, db.Model):
    """A user follows one solicitation or one category (exactly one)."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("(solicitation_id IS NULL) != (category_id IS NULL)", name="exactly_one_target"),
        UniqueConstraint("user_id", "solicitation_id", name="uq_follows_user_solicitation"),
        UniqueConstraint("user_id", "category_id", name="uq_follows_user_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    solicitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("solicitations.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"),
                                                    index=True)

    user: Mapped[User] = relationship()
    category: Mapped[Category | None] = relationship()
    solicitation: Mapped[Solicitation | None] = relationship()

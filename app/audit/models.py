"""Append-only, hash-chained audit trail."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.core.db import UTCDateTime
from app.extensions import db

GENESIS_HASH = "0" * 64


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # The events about one object (a contract's evidence packet cites them).
    __table_args__ = (db.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Position in the chain: 1, 2, 3 ... with no gaps.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor = relationship("User", lazy="joined")
    organization = relationship("Organization", lazy="joined")

    def content(self) -> dict[str, Any]:
        """Everything the hash covers."""
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "organization_id": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "data": self.data,
            "ip_address": self.ip_address,
            "prev_hash": self.prev_hash,
        }


class AuditChainHead(db.Model):
    """One row: the last link of the chain. Updating it first serialises writers on every
    database and lets verification notice a deleted tail."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target) -> None:  # noqa: ANN001
    raise RuntimeError("audit events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _append_only_bulk(orm_execute_state) -> None:  # noqa: ANN001
    """ORM bulk UPDATE/DELETE statements (session.execute(update(AuditEvent)), Query.delete())
    skip the mapper events above; refuse them too."""
    if (orm_execute_state.is_update or orm_execute_state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in orm_execute_state.all_mappers
    ):
        raise RuntimeError("audit events are append-only")

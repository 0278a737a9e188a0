"""record() writes one chained event; verify_chain() recomputes the whole chain."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import select, update

from app.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from app.core import clock
from app.extensions import db

HEAD_ID = 1


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    organization_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain inside the current transaction (the caller commits).

    `obj` is any model with an `id`; its table name becomes the object type. The organization
    defaults to the actor's. `data` must not hold sealed bid content.
    """
    session = db.session
    # Taking the head row's write lock first orders concurrent writers (a row lock on
    # PostgreSQL, the database write lock on SQLite) until this transaction ends.
    result = session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        session.add(AuditChainHead(id=HEAD_ID, last_seq=1, last_hash=GENESIS_HASH))
        session.flush()
    head = session.execute(
        select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(
            AuditChainHead.id == HEAD_ID
        )
    ).one()

    if organization_id is None and actor is not None and getattr(actor, "is_authenticated", False):
        organization_id = actor.organization_id
    event = AuditEvent(
        seq=head.last_seq,
        occurred_at=clock.now(),
        actor_id=actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None,
        organization_id=organization_id,
        action=action,
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None else None,
        # Store exactly what is hashed (JSON-native values only).
        data=json.loads(canonical_json(data or {})),
        ip_address=request.remote_addr if has_request_context() else None,
        prev_hash=head.last_hash,
    )
    # Round-trip the timestamp through the column's precision (microseconds) before hashing.
    event.hash = compute_hash(event.content())
    session.add(event)
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_hash=event.hash)
        .execution_options(synchronize_session=False)
    )
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    broken_seq: int | None = None
    broken_event_id: int | None = None
    reason: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.events_checked} events, chain intact"
        where = f"event id {self.broken_event_id}" if self.broken_event_id else "chain head"
        return f"BROKEN at seq {self.broken_seq} ({where}): {self.reason}"


def verify_chain(batch_size: int = 1000, through_seq: int | None = None) -> ChainReport:
    """Recompute every link in order and name the first one that does not hold. `through_seq`:
    stop after that event (an evidence packet needs the chain up to the events it cites)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if through_seq is not None:
        query = query.where(AuditEvent.seq <= through_seq)
    rows = db.session.execute(query.execution_options(yield_per=batch_size)).scalars()
    for event in rows:
        broken = None
        if event.seq != expected_seq:
            broken = f"expected seq {expected_seq}, found {event.seq} (an event is missing or moved)"
        elif event.prev_hash != prev_hash:
            broken = "previous-hash link does not match the event before it"
        elif compute_hash(event.content()) != event.hash:
            broken = "content does not match its hash (the event was modified)"
        if broken:
            return ChainReport(False, checked, expected_seq, event.id, broken)
        prev_hash = event.hash
        expected_seq += 1
        checked += 1

    if through_seq is not None:
        if checked < through_seq:
            return ChainReport(False, checked, checked + 1, None,
                               f"the chain ends at seq {checked}; the events up to {through_seq} are missing")
        return ChainReport(True, checked)
    head = db.session.get(AuditChainHead, HEAD_ID)
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_seq != checked or last_hash != prev_hash:
        return ChainReport(
            False, checked, checked + 1, None,
            f"chain head records {last_seq} events; the newest ones are missing or altered",
        )
    return ChainReport(True, checked)

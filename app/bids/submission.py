"""Submitting and withdrawing a bid: each is a new sealed version with its receipt, accepted
only before the deadline (app.bids.deadline). Callers commit; a BidsClosed means the caller rolls
back, and nothing of the request is kept."""
from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.services import record
from app.bids.deadline import accepted_at, hold_for_bidding, require_accepting, require_bidder
from app.bids.drafts import ATTESTATIONS, Draft, blocking_problems, find_bid, read_draft
from app.bids.models import Bid, BidStatus, BidVersion, VersionKind
from app.bids.receipts import (
    CONTENT_FORMAT,
    canonical_bytes,
    content_digest,
    issue_receipt_number,
    price_text,
    version_context,
)
from app.core import clock
from app.core.crypto import seal
from app.core.errors import DomainError
from app.core.roles import Role
from app.extensions import db
from app.notifications.services import send_email
from app.solicitations import services as solicitation_services
from app.solicitations.models import Solicitation


def _submission_content(s: Solicitation, bid: Bid, draft: Draft, number: int) -> dict[str, Any]:
    acknowledged = sorted({a.number for a in s.published_addenda}
                          - {a.number for a in solicitation_services.unacknowledged_addenda(bid.vendor_id, s)})
    return {
        "format": CONTENT_FORMAT,
        "kind": VersionKind.SUBMISSION.value,
        "solicitation": s.number,
        "vendor_id": bid.vendor_id,
        "version": number,
        "lines": [{"line": item.position, "item_id": item.id,
                   "unit_price": price_text(draft.prices.get(item.id))} for item in s.items],
        "notes": draft.notes,
        "attestations": {key: bool(draft.attestations.get(key)) for key in ATTESTATIONS},
        "addenda_acknowledged": acknowledged,
        "documents": [{"document_id": d.id, "requirement": d.requirement, "filename": d.filename,
                       "size": d.size, "sha256": d.sha256} for d in bid.working_documents],
        # Random salt: the digest on a receipt cannot be used to guess the prices behind it.
        "salt": secrets.token_hex(16),
    }


def _withdrawal_content(s: Solicitation, bid: Bid, number: int) -> dict[str, Any]:
    return {"format": CONTENT_FORMAT, "kind": VersionKind.WITHDRAWAL.value, "solicitation": s.number,
            "vendor_id": bid.vendor_id, "version": number, "salt": secrets.token_hex(16)}


def _add_version(actor: User, s: Solicitation, bid: Bid, kind: VersionKind,
                 content: dict[str, Any]) -> BidVersion:
    version = BidVersion(bid=bid, number=content["version"], kind=kind, receipt_number=issue_receipt_number(s),
                         accepted_at=clock.now(), created_by_id=actor.id, digest=content_digest(content),
                         sealed_content=seal(s.id, canonical_bytes(content),
                                             version_context(bid.id, content["version"])))
    db.session.add(version)
    db.session.flush()  # takes the write lock on SQLite before the time is read
    version.accepted_at = accepted_at(s)
    return version


def _next_version_number(bid: Bid) -> int:
    return (db.session.scalar(select(func.max(BidVersion.number)).where(BidVersion.bid_id == bid.id)) or 0) + 1


def submit_bid(actor: User, s: Solicitation) -> BidVersion:
    """Seal the current draft as a new version and issue its receipt. The caller commits; a
    BidsClosed means the caller must roll back (nothing of this request is kept)."""
    require_bidder(actor)
    require_accepting(s)
    hold_for_bidding(s)
    bid = find_bid(actor.organization_id, s)
    if bid is None or bid.sealed_draft is None:
        raise DomainError("Save your prices and documents before submitting.")
    db.session.flush()  # documents attached in this request get their ids
    draft = read_draft(bid)
    problems = blocking_problems(bid.vendor_id, s, draft)
    if problems:
        raise DomainError("The bid cannot be submitted yet: " + " ".join(problems))
    number = _next_version_number(bid)
    replacing = bid.status == BidStatus.SUBMITTED
    version = _add_version(actor, s, bid, VersionKind.SUBMISSION, _submission_content(s, bid, draft, number))
    bid.status = BidStatus.SUBMITTED
    bid.current_version_number = number
    bid.submitted_at = version.accepted_at
    bid.withdrawn_at = None
    action = "bid.modified" if replacing else "bid.submitted"
    _audit(action, actor, bid, version)
    _send_receipt(actor, s, bid, version)
    return version


def withdraw_bid(actor: User, s: Solicitation) -> BidVersion:
    require_bidder(actor)
    require_accepting(s)
    hold_for_bidding(s)
    bid = find_bid(actor.organization_id, s)
    if bid is None or bid.status != BidStatus.SUBMITTED:
        raise DomainError("There is no submitted bid to withdraw.")
    number = _next_version_number(bid)
    version = _add_version(actor, s, bid, VersionKind.WITHDRAWAL, _withdrawal_content(s, bid, number))
    bid.status = BidStatus.WITHDRAWN
    bid.current_version_number = number
    bid.withdrawn_at = version.accepted_at
    _audit("bid.withdrawn", actor, bid, version)
    _send_receipt(actor, s, bid, version)
    return version


def _audit(action: str, actor: User, bid: Bid, version: BidVersion) -> None:
    # Bid events belong to the vendor's organization; the audit page hides them from everyone
    # else until the opening (app.bids.sealing).
    record(action, actor=actor, obj=bid, organization_id=bid.vendor_id,
           data={"solicitation_id": bid.solicitation_id, "solicitation": bid.solicitation.number,
                 "version": version.number, "receipt": version.receipt_number, "digest": version.digest,
                 "accepted_at": version.accepted_at.isoformat(timespec="microseconds")})


def _send_receipt(actor: User, s: Solicitation, bid: Bid, version: BidVersion) -> None:
    recipients = {actor.email}
    recipients.update(u.email for u in bid.vendor.members if u.active and u.has_role(Role.VENDOR_ADMIN))
    subject = (f"Receipt {version.receipt_number}: bid withdrawn" if version.kind == VersionKind.WITHDRAWAL
               else f"Receipt {version.receipt_number}: bid received for {s.number}")
    for address in sorted(recipients):
        send_email(address, subject, "bid_receipt", s=s, bid=bid, version=version,
                   accepted_local=s.local(version.accepted_at))

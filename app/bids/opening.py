"""The public opening and what follows it: the count before the opening (all anyone but a
bidder learns), unsealing the counted versions, responsiveness decisions and the tabulation.
Callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.services import record
from app.bids.drafts import requirement_label
from app.bids.models import BID_BOND, Bid, BidLine, BidStatus, Responsiveness, opened_bid_loading
from app.bids.receipts import StoredRecordChanged, content_digest, extended_price, read_version_content
from app.core import clock, signals
from app.core.errors import DomainError, NotPermitted
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus


def bid_count(s: Solicitation) -> int:
    """All that anyone but a bidder learns before the opening."""
    return db.session.scalar(select(func.count(Bid.id)).where(
        Bid.solicitation_id == s.id, Bid.status == BidStatus.SUBMITTED)) or 0


def counted_bids(s: Solicitation) -> list[Bid]:
    return list(db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id,
                                                     Bid.status == BidStatus.SUBMITTED)))


def opened_bids(s: Solicitation) -> list[Bid]:
    bids = db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id, Bid.opened_at.is_not(None))
                              .options(*opened_bid_loading())).all()
    # Complete bids first, lowest total first; a bid that leaves lines unpriced is not "lowest".
    return sorted(bids, key=lambda b: (b.total is None, bool(b.missing_lines), b.total or 0, b.vendor.name))


def _flags(s: Solicitation, content: dict[str, Any]) -> list[str]:
    flags = []
    have = {d["requirement"] for d in content["documents"]}
    flags += [f"Missing document: {requirement_label(name)}" for name in s.required_documents if name not in have]
    if s.bid_bond_percent and BID_BOND not in have and BID_BOND not in s.required_documents:
        flags.append("Missing bid bond")
    acknowledged = set(content["addenda_acknowledged"])
    flags += [f"Addendum {a.number} not acknowledged" for a in s.published_addenda if a.number not in acknowledged]
    positions = {line["line"]: line for line in content["lines"]}
    flags += [f"No price for line {item.position}" for item in s.items
              if positions.get(item.position, {}).get("unit_price") is None]
    flags += [f"Attestation not given: {key.replace('_', ' ')}"
              for key, given in content["attestations"].items() if not given]
    return flags


def unseal_bids(s: Solicitation, actor: User | None) -> list[Bid]:
    """The opening (called by the closed -> opened transition, in its transaction): decrypt each
    counted version, write its prices into BidLine rows, total it and flag its gaps."""
    now = clock.now()
    opened = []
    for bid in counted_bids(s):
        version = bid.current_version
        try:
            content = read_version_content(version)
        except StoredRecordChanged:
            # One damaged record must not stop the public opening of the others: it is opened
            # without prices and flagged for the agency's decision (and fails receipt verification).
            bid.flags = ["The sealed record does not open: it was changed after it was sealed"]
            bid.opened_at = now
            opened.append(bid)
            continue
        flags = _flags(s, content)
        if content_digest(content) != version.digest:
            flags.insert(0, "Stored content does not match its receipt digest")
        prices = {line["item_id"]: (None if line["unit_price"] is None else Decimal(line["unit_price"]))
                  for line in content["lines"]}
        total = Decimal(0)
        for item in s.items:
            extended = extended_price(prices.get(item.id), item.estimated_quantity)
            bid.lines.append(BidLine(item_id=item.id, unit_price=prices.get(item.id), extended=extended))
            total += extended or 0
        bid.total = total
        bid.flags = flags
        bid.opened_at = now
        opened.append(bid)
    db.session.flush()
    withdrawn = db.session.scalar(select(func.count(Bid.id)).where(
        Bid.solicitation_id == s.id, Bid.status == BidStatus.WITHDRAWN)) or 0
    record("bids.opened", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation_id": s.id, "solicitation": s.number, "withdrawn": withdrawn,
                 "bids": [{"vendor": b.vendor.name, "receipt": b.current_version.receipt_number,
                           "digest": b.current_version.digest, "total": str(b.total), "flags": b.flags}
                          for b in sorted(opened, key=lambda b: b.vendor.name)]})
    return opened


def decide_responsiveness(actor: User, bid: Bid, responsive: bool, reason: str) -> None:
    if not bid.can_decide(actor):
        raise NotPermitted("Only the agency's procurement staff decide responsiveness, after the opening.")
    if bid.solicitation.status not in (SolicitationStatus.OPENED, SolicitationStatus.UNDER_EVALUATION):
        raise DomainError("Responsiveness is decided while the bids are being evaluated.")
    reason = (reason or "").strip()
    if not responsive and not reason:
        raise DomainError("Give the reason the bid is non-responsive; it is part of the record.",
                          field="reason")
    bid.responsiveness = Responsiveness.RESPONSIVE if responsive else Responsiveness.NON_RESPONSIVE
    bid.responsiveness_reason = reason or None
    bid.decided_by_id = actor.id
    bid.decided_at = clock.now()
    record(f"bid.{bid.responsiveness.value}", actor=actor, obj=bid, organization_id=bid.solicitation.agency_id,
           data={"solicitation_id": bid.solicitation_id, "solicitation": bid.solicitation.number,
                 "vendor": bid.vendor.name, "reason": bid.responsiveness_reason, "flags": bid.flags})
    signals.evaluation_changed.send(bid.solicitation)  # the ranking counts responsive bids only


# ----------------------------------------------------------------------------- tabulation
@dataclass
class TabulationRow:
    item: Any
    cells: list[BidLine | None]
    lowest: Decimal | None

    def is_lowest(self, cell: BidLine | None) -> bool:
        return cell is not None and cell.unit_price is not None and cell.unit_price == self.lowest


@dataclass
class Tabulation:
    solicitation: Solicitation
    bids: list[Bid]
    rows: list[TabulationRow]
    lowest_total: Decimal | None

    def is_lowest_total(self, bid: Bid) -> bool:
        return self.lowest_total is not None and _competes(bid) and bid.total == self.lowest_total


def _competes(bid: Bid) -> bool:
    """Lowest prices are marked among bids not found non-responsive."""
    return bid.responsiveness != Responsiveness.NON_RESPONSIVE


def tabulate(s: Solicitation) -> Tabulation:
    bids = opened_bids(s)
    by_bid = {b.id: {line.item_id: line for line in b.lines} for b in bids}
    rows = []
    for item in s.items:
        cells = [by_bid[b.id].get(item.id) for b in bids]
        prices = [c.unit_price for b, c in zip(bids, cells, strict=True)
                  if c is not None and c.unit_price is not None and _competes(b)]
        rows.append(TabulationRow(item, cells, min(prices) if prices else None))
    complete = [b.total for b in bids if _competes(b) and all(line.unit_price is not None for line in b.lines)]
    return Tabulation(s, bids, rows, min(complete) if complete else None)

"""The verbs of sealed bidding: save a draft, submit, withdraw, open, decide responsiveness,
tabulate, verify a receipt. Callers commit; nothing here reveals sealed content to anyone but
the bidder before the opening."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.services import record
from app.core import clock
from app.core.crypto import SealError, seal, unseal
from app.core.errors import DomainError, NotPermitted
from app.core.files import CheckedUpload
from app.core.roles import Role
from app.core.storage import save_with_transaction, storage
from app.extensions import db
from app.bids.models import (
    BID_BOND,
    Bid,
    BidDocument,
    BidLine,
    BidStatus,
    BidVersion,
    Responsiveness,
    VersionKind,
)
from app.notifications.services import send_email
from app.solicitations import services as solicitation_services
from app.solicitations.communications import Addendum
from app.solicitations.models import REQUIRED_DOCUMENT_TYPES, Solicitation, SolicitationStatus

CONTENT_FORMAT = "coopbid-bid/1"
CENTS = Decimal("0.01")
UNIT = Decimal("0.0001")

ATTESTATIONS = {
    "non_collusion": "Non-collusion: this bid was prepared without collusion, consultation or agreement "
                     "with any other bidder, and no one has been offered anything of value to influence it.",
    "not_debarred": "Not debarred: neither the bidder nor its principals are debarred, suspended or "
                    "otherwise excluded from public contracting by any federal, state or local agency.",
}

_RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class BidsClosed(DomainError):
    """The deadline has passed (or the solicitation is no longer taking bids)."""


class StoredRecordChanged(DomainError, SealError):
    """A sealed version or file no longer opens, or no longer hashes to what was sealed: it was
    changed (or lost) in storage. Pages that would show it say so instead of failing."""

    status_code = 409


# ----------------------------------------------------------------------------- the draft
@dataclass
class Draft:
    prices: dict[int, Decimal | None] = field(default_factory=dict)  # price-sheet item id -> unit price
    notes: str = ""
    attestations: dict[str, bool] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps({
            "prices": {str(k): (None if v is None else str(v)) for k, v in self.prices.items()},
            "notes": self.notes,
            "attestations": self.attestations,
        }, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Draft:
        data = json.loads(raw)
        return cls(prices={int(k): (None if v is None else Decimal(v)) for k, v in data["prices"].items()},
                   notes=data.get("notes", ""), attestations=data.get("attestations", {}))


def _draft_context(bid: Bid) -> str:
    return f"bid-draft:{bid.id}"


def read_draft(bid: Bid | None) -> Draft:
    if bid is None or bid.sealed_draft is None:
        return Draft()
    return Draft.from_json(unseal(bid.solicitation_id, bid.sealed_draft, _draft_context(bid)))


def find_bid(vendor_id: int, solicitation: Solicitation) -> Bid | None:
    return db.session.scalar(select(Bid).where(Bid.solicitation_id == solicitation.id,
                                               Bid.vendor_id == vendor_id))


def _require_bidder(actor: User) -> None:
    if not (actor.is_authenticated and actor.active and actor.organization.is_vendor
            and actor.has_any_role(Role.VENDOR_ADMIN, Role.VENDOR_USER)):
        raise NotPermitted("Only vendor users submit bids.")


def _closed_message(s: Solicitation) -> str:
    due = s.local(s.due_at).strftime("%B %-d, %Y at %-I:%M %p %Z") if s.due_at else "the due date"
    return (f"Bids for {s.number} closed at {due}. Late bids are not accepted; nothing was saved "
            "or submitted.")


def _require_accepting(s: Solicitation) -> None:
    if not s.accepting_bids:
        raise BidsClosed(_closed_message(s))


def save_draft(actor: User, s: Solicitation, *, prices: dict[int, Decimal | None] | None = None,
               notes: str | None = None, attestations: dict[str, bool] | None = None,
               uploads: list[tuple[str, CheckedUpload]] = (), acknowledge: list[Addendum] = ()) -> Bid:
    """Merge what the vendor sent into its sealed working draft. Only valid values reach here:
    the view keeps invalid ones on the page with their messages."""
    _require_bidder(actor)
    _require_accepting(s)
    _hold_for_bidding(s)  # first, before any row of this bid is locked (no deadlock with the opening)
    bid = find_bid(actor.organization_id, s)
    if bid is None:
        bid = Bid(solicitation_id=s.id, vendor_id=actor.organization_id, created_by_id=actor.id)
        db.session.add(bid)
        db.session.flush()
    draft = read_draft(bid)
    item_ids = {item.id for item in s.items}
    for item_id, price in (prices or {}).items():
        if item_id in item_ids:
            draft.prices[item_id] = price
    if notes is not None:
        draft.notes = notes.strip()
    if attestations is not None:
        draft.attestations = {key: bool(attestations.get(key)) for key in ATTESTATIONS}
    bid.sealed_draft = seal(s.id, draft.to_json(), _draft_context(bid))
    bid.draft_updated_at = clock.now()
    for requirement, upload in uploads:
        attach_document(actor, bid, requirement, upload)
    for addendum in acknowledge:
        if addendum.solicitation_id == s.id:
            solicitation_services.acknowledge_addendum(actor, addendum)
    return bid


def document_requirements(s: Solicitation) -> list[str]:
    """One upload slot per required document, plus the bid bond (required when the
    solicitation asks for one, optional otherwise)."""
    return [*s.required_documents, *([] if BID_BOND in s.required_documents else [BID_BOND])]


def requirement_label(key: str) -> str:
    return REQUIRED_DOCUMENT_TYPES.get(key, key)


def attach_document(actor: User, bid: Bid, requirement: str, upload: CheckedUpload) -> BidDocument:
    if requirement not in document_requirements(bid.solicitation):
        raise DomainError("That document is not one this solicitation asks for.")
    now = clock.now()
    for old in bid.working_documents:
        if old.requirement == requirement:
            old.superseded_at = now  # kept: earlier versions cite it
    digest = hashlib.sha256(upload.data).hexdigest()
    stored = save_with_transaction(db.session, seal(bid.solicitation_id, upload.data,
                                                    _document_context(bid.id, digest)))
    document = BidDocument(bid=bid, requirement=requirement, filename=upload.filename,
                           content_type=upload.content_type, size=len(upload.data), sha256=digest,
                           storage_key=stored.key, uploaded_by_id=actor.id, uploaded_at=now)
    db.session.add(document)
    return document


def remove_document(actor: User, bid: Bid, document: BidDocument) -> None:
    _require_bidder(actor)
    _require_accepting(bid.solicitation)
    _hold_for_bidding(bid.solicitation)
    if document.bid_id != bid.id or document.superseded_at is not None:
        raise DomainError("That file is not part of your draft.")
    document.superseded_at = clock.now()
    bid.draft_updated_at = clock.now()


def _document_context(bid_id: int, sha256: str) -> str:
    return f"bid-document:{bid_id}:{sha256}"


def read_document(document: BidDocument) -> bytes:
    """The plain file. Callers authorise first (bidder, or staff after the opening)."""
    try:
        data = unseal(document.bid.solicitation_id, storage().read(document.storage_key),
                      _document_context(document.bid_id, document.sha256))
    except (SealError, OSError):
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != document.sha256:
        raise StoredRecordChanged(f"The stored file {document.filename} is missing or was changed after it "
                                  "was uploaded; it cannot be given out. Check the bid's receipt on the "
                                  "verify page.")
    return data


# ----------------------------------------------------------------------------- checks
def blocking_problems(vendor_id: int, s: Solicitation, draft: Draft) -> list[str]:
    """What must be done before the bid can be submitted."""
    problems = [f"Confirm the attestation: {text.split(':')[0].lower()}."
                for key, text in ATTESTATIONS.items() if not draft.attestations.get(key)]
    for addendum in solicitation_services.unacknowledged_addenda(vendor_id, s):
        problems.append(f"Acknowledge addendum {addendum.number} ({addendum.title}).")
    return problems


def warnings(bid: Bid | None, s: Solicitation, draft: Draft) -> list[str]:
    """Gaps that do not stop a submission but that the agency may judge non-responsive."""
    found = [f"No price for line {item.position} ({item.description})."
             for item in s.items if draft.prices.get(item.id) is None]
    have = {d.requirement for d in bid.working_documents} if bid else set()
    found += [f"Required document not uploaded: {requirement_label(name)}."
              for name in s.required_documents if name not in have]
    if s.bid_bond_percent and BID_BOND not in have and BID_BOND not in s.required_documents:
        found.append(f"Bid bond not uploaded ({s.bid_bond_percent.normalize():f}% of the bid is required).")
    return found


# ----------------------------------------------------------------------------- canonical content
def canonical_bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def _price_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(UNIT))


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
                   "unit_price": _price_text(draft.prices.get(item.id))} for item in s.items],
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


def _version_context(bid_id: int, number: int) -> str:
    return f"bid-version:{bid_id}:{number}"


def read_version_content(version: BidVersion) -> dict[str, Any]:
    try:
        raw = unseal(version.bid.solicitation_id, version.sealed_content,
                     _version_context(version.bid_id, version.number))
    except SealError:
        raise StoredRecordChanged(f"The sealed record of receipt {version.receipt_number} no longer opens: "
                                  "it was changed after it was sealed. Check the receipt on the verify "
                                  "page.") from None
    return json.loads(raw)


def _receipt_number(s: Solicitation) -> str:
    token = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(8))
    return f"{s.number}-{token[:4]}-{token[4:]}"


# ----------------------------------------------------------------------------- the deadline
def _hold_for_bidding(s: Solicitation) -> None:
    """PostgreSQL: share-lock the solicitation row, so closing or opening (which update it) waits
    for this submission to commit or roll back, and this one sees their result if they came first.
    SQLite serializes writers for the whole database, which gives the same order."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Solicitation.id).where(Solicitation.id == s.id).with_for_update(read=True))


def _accepted_at(s: Solicitation) -> datetime:
    """The server time of acceptance, read inside the transaction after this submission's rows are
    written (and so while it holds the locks that closing and opening need): at or after due_at,
    or once the solicitation has moved on, the whole transaction is refused."""
    status, due_at = db.session.execute(
        select(Solicitation.status, Solicitation.due_at).where(Solicitation.id == s.id)).one()
    now = clock.now()
    if status != SolicitationStatus.PUBLISHED or due_at is None or now >= due_at:
        raise BidsClosed(_closed_message(s))
    return now


def _add_version(actor: User, s: Solicitation, bid: Bid, kind: VersionKind,
                 content: dict[str, Any]) -> BidVersion:
    version = BidVersion(bid=bid, number=content["version"], kind=kind, receipt_number=_receipt_number(s),
                         accepted_at=clock.now(), created_by_id=actor.id, digest=content_digest(content),
                         sealed_content=seal(s.id, canonical_bytes(content),
                                             _version_context(bid.id, content["version"])))
    db.session.add(version)
    db.session.flush()  # takes the write lock on SQLite before the time is read
    version.accepted_at = _accepted_at(s)
    return version


def _next_version_number(bid: Bid) -> int:
    return (db.session.scalar(select(func.max(BidVersion.number)).where(BidVersion.bid_id == bid.id)) or 0) + 1


def submit_bid(actor: User, s: Solicitation) -> BidVersion:
    """Seal the current draft as a new version and issue its receipt. The caller commits; a
    BidsClosed means the caller must roll back (nothing of this request is kept)."""
    _require_bidder(actor)
    _require_accepting(s)
    _hold_for_bidding(s)
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
    _require_bidder(actor)
    _require_accepting(s)
    _hold_for_bidding(s)
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


def record_late_refusal(actor: User, s: Solicitation, attempted: str) -> None:
    """After the refused transaction was rolled back: the refusal itself is on the record."""
    record("bid.refused_late", actor=actor, obj=s, organization_id=actor.organization_id,
           data={"solicitation_id": s.id, "solicitation": s.number, "attempted": attempted,
                 "at": clock.now().isoformat(timespec="microseconds"),
                 "due_at": s.due_at.isoformat() if s.due_at else None})


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


# ----------------------------------------------------------------------------- the opening
def bid_count(s: Solicitation) -> int:
    """All that anyone but a bidder learns before the opening."""
    return db.session.scalar(select(func.count(Bid.id)).where(
        Bid.solicitation_id == s.id, Bid.status == BidStatus.SUBMITTED)) or 0


def counted_bids(s: Solicitation) -> list[Bid]:
    return list(db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id,
                                                     Bid.status == BidStatus.SUBMITTED)))


def opened_bids(s: Solicitation) -> list[Bid]:
    bids = db.session.scalars(select(Bid).where(Bid.solicitation_id == s.id, Bid.opened_at.is_not(None))).all()
    # Complete bids first, lowest total first; a bid that leaves lines unpriced is not "lowest".
    return sorted(bids, key=lambda b: (b.total is None, bool(b.missing_lines), b.total or 0, b.vendor.name))


def _extended(unit_price: Decimal | None, quantity: Decimal) -> Decimal | None:
    return None if unit_price is None else (unit_price * quantity).quantize(CENTS, rounding=ROUND_HALF_UP)


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
            extended = _extended(prices.get(item.id), item.estimated_quantity)
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


# ----------------------------------------------------------------------------- receipts
@dataclass
class ReceiptCheck:
    outcome: str  # not_opened | unknown | digest_differs | tampered | verified
    message: str
    version: BidVersion | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome == "verified"


def _solicitation_for_receipt(receipt_number: str) -> Solicitation | None:
    number = receipt_number[:-10] if len(receipt_number) > 10 else ""
    return db.session.scalar(select(Solicitation).where(Solicitation.number == number)) if number else None


def verify_receipt(receipt_number: str, digest: str = "") -> ReceiptCheck:
    """Public, after the opening: does the opened record still match what the receipt says?
    Before the opening nothing is said about whether a receipt exists."""
    receipt_number = receipt_number.strip().upper()
    digest = digest.strip().lower()
    version = db.session.scalar(select(BidVersion).where(BidVersion.receipt_number == receipt_number))
    s = version.bid.solicitation if version else _solicitation_for_receipt(receipt_number)
    if s is not None and s.is_public and s.opened_at is None:
        return ReceiptCheck("not_opened", f"The bids for {s.number} have not been opened yet. Receipts "
                            "can be checked once the bids are opened in public.")
    if version is None or s is None or s.opened_at is None:
        return ReceiptCheck("unknown", "No receipt with this number belongs to bids that have been opened. "
                            "Check the number on your receipt.")
    if digest and digest != version.digest:
        return ReceiptCheck("digest_differs", "The digest you entered is not the one this receipt was "
                            "issued with. Check that you copied all 64 characters.", version)
    problems = stored_record_problems(version)
    if problems:
        return ReceiptCheck("tampered", "The stored bid no longer matches this receipt.", version, problems)
    return ReceiptCheck("verified", "The stored bid matches this receipt.", version)


def stored_record_problems(version: BidVersion) -> list[str]:
    """Recompute the receipt digest from what is stored: the sealed content, every file it cites
    and, for the counted version of an opened bid, the prices staff and the public see."""
    try:
        content = read_version_content(version)
    except (SealError, ValueError):
        return ["The sealed content of this version does not open: it was changed or moved."]
    problems = []
    if content_digest(content) != version.digest:
        problems.append("The sealed content does not hash to the receipt's digest.")
    documents = {d.id: d for d in version.bid.documents}
    for cited in content.get("documents", []):
        document = documents.get(cited["document_id"])
        try:
            data = read_document(document) if document else None
        except (SealError, OSError, ValueError):
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != cited["sha256"]:
            problems.append(f"The file {cited['filename']} ({cited['requirement']}) is missing or changed.")
    bid = version.bid
    if bid.opened_at is not None and bid.current_version_number == version.number:
        stored = {line.item_id: _price_text(line.unit_price) for line in bid.lines}
        for line in content["lines"]:
            if stored.get(line["item_id"]) != line["unit_price"]:
                problems.append(f"The opened price for line {line['line']} differs from the sealed bid.")
        items = {item.id: item for item in bid.solicitation.items}
        expected_total = sum(((_extended(Decimal(l["unit_price"]), items[l["item_id"]].estimated_quantity) or 0)
                              for l in content["lines"] if l["unit_price"] is not None and l["item_id"] in items),
                             Decimal(0))
        if bid.total is None or bid.total.quantize(CENTS) != expected_total.quantize(CENTS):
            problems.append("The opened total differs from the sealed bid.")
    return problems

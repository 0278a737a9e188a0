"""The sealed record and its receipts: the canonical content of a bid version and its SHA-256
digest, reading back what was sealed (versions and files), the receipt number, and the public
check that an opened bid still matches its receipt."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from app.bids.models import BidDocument, BidVersion
from app.core.crypto import SealError, unseal
from app.core.storage import StoredFileChanged, read_verified, stored_sha256
from app.extensions import db
from app.solicitations.models import Solicitation

CONTENT_FORMAT = "coopbid-bid/1"
CENTS = Decimal("0.01")
UNIT = Decimal("0.0001")

_RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class StoredRecordChanged(StoredFileChanged, SealError):
    """A sealed version or file no longer opens, or no longer hashes to what was sealed: it was
    changed (or lost) in storage. Pages that would show it say so instead of failing."""

    status_code = 409


# ----------------------------------------------------------------------------- canonical content
def canonical_bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def price_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(UNIT))


def extended_price(unit_price: Decimal | None, quantity: Decimal) -> Decimal | None:
    return None if unit_price is None else (unit_price * quantity).quantize(CENTS, rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------- reading the sealed record
def version_context(bid_id: int, number: int) -> str:
    return f"bid-version:{bid_id}:{number}"


def read_version_content(version: BidVersion) -> dict[str, Any]:
    try:
        raw = unseal(version.bid.solicitation_id, version.sealed_content,
                     version_context(version.bid_id, version.number))
    except SealError:
        raise StoredRecordChanged(f"The sealed record of receipt {version.receipt_number} no longer opens: "
                                  "it was changed after it was sealed. Check the receipt on the verify "
                                  "page.") from None
    return json.loads(raw)


def document_context(bid_id: int, sha256: str) -> str:
    return f"bid-document:{bid_id}:{sha256}"


def _unsealer(document: BidDocument):
    return lambda raw: unseal(document.bid.solicitation_id, raw, document_context(document.bid_id, document.sha256))


def read_document(document: BidDocument) -> bytes:
    """The plain file, checked against its digest like every stored file (read_verified). Callers
    authorise first (bidder, or staff after the opening)."""
    try:
        return read_verified(document, decode=_unsealer(document))
    except StoredFileChanged:
        raise StoredRecordChanged(f"The stored file {document.filename} is missing or was changed after it "
                                  "was uploaded; it cannot be given out. Check the bid's receipt on the "
                                  "verify page.") from None


def document_sha256(document: BidDocument) -> str | None:
    """The plain file's SHA-256 as stored now (None: gone), for the evidence packet's check."""
    return stored_sha256(document, decode=_unsealer(document))


def counted_documents(bid) -> list[BidDocument]:  # noqa: ANN001 (a Bid)
    """The files the counted version cites: those staff open after the opening. A sealed record
    that no longer opens cites nothing that can be trusted: its working files then."""
    try:
        cited = {d["document_id"] for d in read_version_content(bid.current_version)["documents"]}
    except StoredRecordChanged:
        return bid.working_documents
    return [d for d in bid.documents if d.id in cited]


# ----------------------------------------------------------------------------- receipts
def issue_receipt_number(s: Solicitation) -> str:
    token = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(8))
    return f"{s.number}-{token[:4]}-{token[4:]}"


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
        stored = {line.item_id: price_text(line.unit_price) for line in bid.lines}
        for line in content["lines"]:
            if stored.get(line["item_id"]) != line["unit_price"]:
                problems.append(f"The opened price for line {line['line']} differs from the sealed bid.")
        items = {item.id: item for item in bid.solicitation.items}
        expected_total = sum(((extended_price(Decimal(l["unit_price"]), items[l["item_id"]].estimated_quantity) or 0)
                              for l in content["lines"] if l["unit_price"] is not None and l["item_id"] in items),
                             Decimal(0))
        if bid.total is None or bid.total.quantize(CENTS) != expected_total.quantize(CENTS):
            problems.append("The opened total differs from the sealed bid.")
    return problems

"""Verification of a bid rush from the database and the storage directory, through the app's
services (bench/bid_rush.py runs it after the submission phase).

A receipt a client holds (from the answer to its POST, or read back from its bid form after the
answer was lost) must name a stored version that opens, hashes to the receipt's digest, holds the
prices sent and cites the file sent; that file must be in storage and hash to its SHA-256. Every
stored version must have reached its client as a receipt, and its cited files must be in
storage intact. Files that appeared in storage during the rush with no row referencing them are
counted apart, as orphans (see bench/rush_kill.py): they lose nothing, they only take space.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from bench.rush_kill import orphans, storage_files


@dataclass
class Verdict:
    stored: int = 0
    lost: int = 0
    orphans: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def verify(app, fixture, vendors, due_at, files_before: set[str]) -> Verdict:
    from sqlalchemy import select

    from app.bids import receipts
    from app.bids.models import Bid, BidDocument, BidVersion
    from app.extensions import db

    verdict = Verdict()
    with app.app_context():
        versions = db.session.scalars(select(BidVersion).join(Bid)
                                      .where(Bid.solicitation_id == fixture.solicitation_id)).all()
        by_receipt = {v.receipt_number: v for v in versions}
        issued = {v.receipt for v in vendors if v.receipt}
        for version in versions:
            if version.receipt_number not in issued:
                verdict.lost += 1
                found = receipts.stored_record_problems(version)
                verdict.problems.append(f"version {version.id} ({version.receipt_number}) stored without a "
                                        "receipt reaching its client" + "".join(f"; {p}" for p in found))
        for client in vendors:
            if not client.receipt:
                continue
            found = _receipt_problems(client, by_receipt.get(client.receipt), due_at)
            if found:
                verdict.lost += 1
                verdict.problems.append(f"receipt {client.receipt}: " + "; ".join(found))
            else:
                verdict.stored += 1
        referenced = set(db.session.scalars(select(BidDocument.storage_key).join(Bid)
                                            .where(Bid.solicitation_id == fixture.solicitation_id)))
        verdict.orphans = orphans(files_before, storage_files(app.config["STORAGE_DIR"]), referenced)
    return verdict


def _receipt_problems(client, version, due_at) -> list[str]:
    from app.bids import receipts
    from app.bids.models import BidStatus
    from app.core.crypto import SealError

    if version is None:
        return ["no version stored under this receipt"]
    found: list[str] = []
    try:
        content = receipts.read_version_content(version)
    except (SealError, ValueError) as exc:
        content = None
        found.append(f"sealed content does not open ({exc!r})")
    if content is not None:
        digest = receipts.content_digest(content)
        if digest != version.digest:
            found.append("stored digest differs from the recomputed one")
        if client.page_receipt != client.receipt or client.page_digest != digest:
            found.append("receipt page differs from the stored record")
        sent = {item_id: f"{Decimal(p):.4f}" for item_id, p in client.prices.items()}
        if {line["item_id"]: line["unit_price"] for line in content["lines"]} != sent:
            found.append("stored prices differ from those sent")
        if [d["sha256"] for d in content.get("documents", [])] != [client.pdf_sha256]:
            found.append("the cited document is not the file sent")
    # Every cited file: in storage, opens, and hashes to the SHA-256 the sealed content records.
    found.extend(receipts.stored_record_problems(version))
    for document in version.bid.working_documents:
        try:
            data = receipts.read_document(document)
        except (SealError, OSError, ValueError) as exc:
            found.append(f"document {document.id} does not open ({exc!r})")
            continue
        if hashlib.sha256(data).hexdigest() != client.pdf_sha256:
            found.append(f"document {document.id} is not the file sent")
    if version.bid.vendor_id != client.organization_id:
        found.append("stored under another vendor")
    if version.bid.status != BidStatus.SUBMITTED or version.bid.current_version_number != version.number:
        found.append(f"bid is {version.bid.status} (version {version.bid.current_version_number})")
    if version.accepted_at >= due_at:
        found.append(f"accepted at {version.accepted_at.isoformat()}, not before {due_at.isoformat()}")
    return found

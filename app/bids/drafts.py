"""A vendor's working draft, sealed until it is submitted: prices, notes, attestations and
uploaded documents, and what must (or should) be done before submitting. Callers commit."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import User
from app.bids.deadline import hold_for_bidding, require_accepting, require_bidder
from app.bids.models import BID_BOND, Bid, BidDocument
from app.bids.receipts import document_context
from app.core import clock
from app.core.crypto import seal, unseal
from app.core.errors import DomainError
from app.core.files import CheckedUpload
from app.core.storage import save_with_transaction
from app.extensions import db
from app.solicitations import services as solicitation_services
from app.solicitations.communications import Addendum
from app.solicitations.models import REQUIRED_DOCUMENT_TYPES, Solicitation

ATTESTATIONS = {
    "non_collusion": "Non-collusion: this bid was prepared without collusion, consultation or agreement "
                     "with any other bidder, and no one has been offered anything of value to influence it.",
    "not_debarred": "Not debarred: neither the bidder nor its principals are debarred, suspended or "
                    "otherwise excluded from public contracting by any federal, state or local agency.",
}


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


def save_draft(actor: User, s: Solicitation, *, prices: dict[int, Decimal | None] | None = None,
               notes: str | None = None, attestations: dict[str, bool] | None = None,
               uploads: list[tuple[str, CheckedUpload]] = (), acknowledge: list[Addendum] = ()) -> Bid:
    """Merge what the vendor sent into its sealed working draft. Only valid values reach here:
    the view keeps invalid ones on the page with their messages."""
    require_bidder(actor)
    require_accepting(s)
    hold_for_bidding(s)  # first, before any row of this bid is locked (no deadlock with the opening)
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


# ----------------------------------------------------------------------------- documents
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
                                                    document_context(bid.id, digest)))
    document = BidDocument(bid=bid, requirement=requirement, filename=upload.filename,
                           content_type=upload.content_type, size=len(upload.data), sha256=digest,
                           storage_key=stored.key, uploaded_by_id=actor.id, uploaded_at=now)
    db.session.add(document)
    return document


def remove_document(actor: User, bid: Bid, document: BidDocument) -> None:
    require_bidder(actor)
    require_accepting(bid.solicitation)
    hold_for_bidding(bid.solicitation)
    if document.bid_id != bid.id or document.superseded_at is not None:
        raise DomainError("That file is not part of your draft.")
    document.superseded_at = clock.now()
    bid.draft_updated_at = clock.now()


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

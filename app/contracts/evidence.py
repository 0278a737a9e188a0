"""The evidence packet of a contract vehicle: what a participating agency (or its auditor) relies
on to show the contract was competitively solicited, each item with its SHA-256 and the audit
event that recorded it, and a check that nothing changed since.

At the award, create_contracts records ONE audit event, `contract.evidence_recorded`, whose data
is the manifest: for each item {key, title, sha256, event_id}, event_id being the event that
first recorded that piece of the record (the publication, the opening, the notice of intent...).
A registered contract's manifest is in its `contract.registered` event (the registrant's facts,
price list and documents; those items cite that event itself). Contract documents added later
each carry their own `contract.document_added` event with the file's SHA-256. A platform
contract's manifest also lists the files of the awarded bid (those its counted version cites),
with the SHA-256 sealed in the bid's receipt; bid files are never public, so those items are
shown only to whoever may open the files (the bidder, the lead agency's staff).

verify_evidence recomputes every item from what is stored now (files read back from storage, the
solicitation PDF rendered again), compares it with the manifest, and verifies the audit chain up
to the newest event the packet cites."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import ChainReport, canonical_json, record, verify_chain
from app.contracts.models import Contract, ContractDocument
from app.core.storage import stored_sha256
from app.extensions import db

MANIFEST_ACTION = "contract.evidence_recorded"
REGISTERED_ACTION = "contract.registered"
DOCUMENT_ADDED_ACTION = "contract.document_added"
OK, CHANGED, MISSING = "ok", "changed", "missing"


# ----------------------------------------------------------------------------- canonical content
def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(value: Any) -> str:
    return sha256_of(canonical_json(value).encode())


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _price(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.4f}"


def _when(value: datetime | date | None) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class Citation:
    """Where to find the event that recorded an item: the newest event about the object with one
    of the actions (and carrying `match` in its data)."""

    object_type: str
    object_id: int
    actions: tuple[str, ...]
    match: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    key: str
    title: str
    sha256: str | None  # None: the record or file is gone
    cites: tuple[Citation, ...] = ()  # tried in order; the first found is cited


# ----------------------------------------------------------------------------- items, from the records
def solicitation_evidence(s) -> list[Evidence]:  # noqa: ANN001 (a Solicitation)
    """The lead solicitation's public record: notices, the solicitation PDF, its documents and
    addenda, the bids received, the tabulation, the evaluation, the award and any protests."""
    from app.awards.models import Protest
    from app.awards.services import current_recommendation
    from app.bids.opening import opened_bids
    from app.evaluation.services import results
    from app.solicitations.pdf import render_solicitation_pdf
    from app.solicitations.services import estimated_volume

    published = Citation("solicitations", s.id, ("solicitation.published",))
    items = [Evidence(f"notice:{n.id}", f"Public notice: {n.medium.label}, {n.outlet}, {n.published_on:%b %-d, %Y}",
                      sha256_json({"medium": n.medium.value, "outlet": n.outlet,
                                   "published_on": n.published_on.isoformat()}),
                      (Citation("public_notices", n.id, ("notice.recorded",)), published))
             for n in s.notices]
    items.append(Evidence("solicitation_pdf", f"Solicitation {s.number} (PDF)",
                          sha256_of(render_solicitation_pdf(s, estimated_volume(s))), (published,)))
    items += [Evidence(f"document:{d.id}", f"Solicitation document: {d.title} ({d.filename})",
                       stored_sha256(d), (Citation("solicitation_documents", d.id, ("document.uploaded",)),))
              for d in s.documents]
    items += [Evidence(f"addendum:{a.number}", f"Addendum {a.number}: {a.title}",
                       sha256_json({"number": a.number, "title": a.title, "body_md": a.body_md,
                                    "published_at": _when(a.published_at), "new_due_at": _when(a.new_due_at),
                                    "new_questions_due_at": _when(a.new_questions_due_at)}),
                       (Citation("addenda", a.id, ("addendum.issued",)),))
              for a in s.published_addenda]

    bids = sorted(opened_bids(s), key=lambda b: b.vendor.name)
    opening = Citation("solicitations", s.id, ("bids.opened",))
    items.append(Evidence("bids_received", f"Bids received ({len(bids)})",
                          sha256_json({"count": len(bids), "bidders": [b.vendor.name for b in bids]}), (opening,)))
    positions = {item.id: item.position for item in s.items}
    items.append(Evidence("tabulation", "Bid tabulation (opened prices and totals)", sha256_json({
        "items": [{"line": i.position, "description": i.description, "unit": i.unit,
                   "quantity": f"{i.estimated_quantity:.3f}"} for i in s.items],
        "bids": [{"vendor": b.vendor.name, "total": _money(b.total),
                  "lines": sorted(({"line": positions.get(line.item_id), "unit_price": _price(line.unit_price),
                                    "extended": _money(line.extended)} for line in b.lines),
                                  key=lambda row: row["line"] or 0)} for b in bids]}), (opening,)))

    ranking = results(s)
    items.append(Evidence("evaluation", "Evaluation summary (responsiveness and ranking)", sha256_json({
        "method": "lowest_price" if ranking.is_price_only else "best_value",
        "responsiveness": [{"vendor": b.vendor.name, "decision": b.responsiveness.value,
                            "reason": b.responsiveness_reason} for b in bids],
        "ranking": [{"rank": r.rank, "tied": r.tied, "vendor": r.name, "price_points": f"{r.price_points:.2f}",
                     "technical_points": f"{r.technical_points:.2f}", "total_points": f"{r.total_points:.2f}"}
                    for r in ranking.ranked]}),
        (Citation("solicitations", s.id, ("evaluation.scoring_closed",)),
         Citation("solicitations", s.id, ("award.recommended",)))))

    recommendation = current_recommendation(s)
    protests = list(db.session.scalars(select(Protest).where(Protest.solicitation_id == s.id).order_by(Protest.id)))
    if recommendation is not None:
        # The protest outcome is part of the award's story: say so when nobody protested.
        period = (f", protest period of {recommendation.protest_days} days"
                  f"{' (no protest filed)' if not protests else ''}" if recommendation.protest_days else "")
        items.append(Evidence("award", f"Award: recommendation, approval, notice of intent{period}, final award",
                              sha256_json({
            "vendors": sorted(b.vendor.name for b in recommendation.bids),
            "justification": recommendation.justification, "approved_at": _when(recommendation.approved_at),
            "board_approved_on": _when(recommendation.board_approved_on),
            "board_reference": recommendation.board_reference,
            "intent_issued_at": _when(recommendation.intent_issued_at), "protest_days": recommendation.protest_days,
            "protest_ends_at": _when(recommendation.protest_ends_at), "awarded_at": _when(s.awarded_at)}),
            (Citation("solicitations", s.id, ("award.intent_issued",)),)))
    items += [Evidence(f"protest:{p.id}", f"Protest by {p.vendor.name}: {p.status.label.lower()}", sha256_json({
        "vendor": p.vendor.name, "filed_at": _when(p.filed_at), "status": p.status.value,
        "decision": p.decision, "decided_at": _when(p.decided_at)}),
        (Citation("solicitations", s.id, ("protest.denied", "protest.upheld", "protest.withdrawn"),
                  {"protest_id": p.id}),
         Citation("solicitations", s.id, ("protest.filed",), {"protest_id": p.id})))
        for p in protests]
    return items


def price_list_evidence(contract: Contract) -> Evidence:
    return Evidence("price_list", f"Price list ({len(contract.lines)} lines)", sha256_json(
        [{"line": line.position, "description": line.description, "unit": line.unit,
          "unit_price": _price(line.unit_price)} for line in contract.lines]),
        (Citation("contracts", contract.id, ("contract.created",)),))


def document_evidence(document: ContractDocument) -> Evidence:
    return Evidence(f"contract_document:{document.id}", f"Contract document: {document.title} ({document.filename})",
                    stored_sha256(document))


BID_DOCUMENT = "bid_document"


def bid_file_evidence(contract: Contract, *, as_stored: bool) -> list[Evidence]:
    """The awarded bid's files: with the SHA-256 sealed in its receipt when recorded (a file
    changed before the award does not verify), as stored now when checked."""
    from app.bids.receipts import counted_documents, document_sha256
    from app.solicitations.models import REQUIRED_DOCUMENT_TYPES

    if contract.bid is None:
        return []
    bid = contract.bid
    submitted = Citation("bids", bid.id, ("bid.submitted", "bid.modified"), {"version": bid.current_version_number})
    return [Evidence(f"{BID_DOCUMENT}:{d.id}", f"Awarded bid of {bid.vendor.name}: "
                     f"{REQUIRED_DOCUMENT_TYPES.get(d.requirement, d.requirement)} ({d.filename})",
                     document_sha256(d) if as_stored else d.sha256, (submitted,))
            for d in counted_documents(bid)]


def registered_evidence(contract: Contract) -> list[Evidence]:
    """A registered contract's packet: the registrant's facts, price list and documents."""
    return [Evidence("facts", "Compliance facts supplied by the registrant", sha256_json(contract.registered_facts)),
            price_list_evidence(contract), *(document_evidence(d) for d in contract.documents)]


def current_evidence(contract: Contract) -> dict[str, str | None]:
    """key -> SHA-256 of every item as stored now."""
    if contract.is_registered:
        items = registered_evidence(contract)
    else:
        items = [*solicitation_evidence(contract.solicitation), price_list_evidence(contract),
                 *bid_file_evidence(contract, as_stored=True), *(document_evidence(d) for d in contract.documents)]
    return {item.key: item.sha256 for item in items}


# ----------------------------------------------------------------------------- recording
def _cited_event_id(cites: Iterable[Citation]) -> int | None:
    for citation in cites:
        events = db.session.execute(
            select(AuditEvent.id, AuditEvent.data).where(
                AuditEvent.object_type == citation.object_type, AuditEvent.object_id == str(citation.object_id),
                AuditEvent.action.in_(citation.actions)).order_by(AuditEvent.seq.desc()))
        for event_id, data in events:
            if all((data or {}).get(k) == v for k, v in citation.match.items()):
                return event_id
    return None


def manifest(items: Iterable[Evidence], *, cite: bool = True) -> list[dict[str, Any]]:
    return [{"key": item.key, "title": item.title, "sha256": item.sha256,
             "event_id": _cited_event_id(item.cites) if cite else None} for item in items]


def record_award_evidence(s, contracts: list[Contract], actor) -> None:  # noqa: ANN001
    """At the award (in its transaction): one manifest event per contract made."""
    shared = solicitation_evidence(s)  # the PDF is rendered once for every contract of the award
    cited = manifest(shared)
    for contract in contracts:
        record(MANIFEST_ACTION, actor=actor, obj=contract, organization_id=contract.agency_id,
               data={"number": contract.number, "solicitation": s.number,
                     "items": [*cited, *manifest([price_list_evidence(contract),
                                                  *bid_file_evidence(contract, as_stored=False)])]})


# ----------------------------------------------------------------------------- the packet
@dataclass(frozen=True)
class PacketItem:
    key: str
    title: str
    sha256: str | None
    event: AuditEvent | None
    public: bool = True


@dataclass(frozen=True)
class Packet:
    manifest_event: AuditEvent | None
    items: list[PacketItem]

    def visible_items(self, restricted_keys: set[str]) -> list[PacketItem]:
        return [i for i in self.items if is_visible(i, restricted_keys)]


def is_visible(item: PacketItem, restricted_keys: set[str]) -> bool:
    """Restricted items only for those who may see them (their existence too)."""
    return item.public or item.key in restricted_keys


def visible_keys(contract: Contract, user) -> set[str]:  # noqa: ANN001 (a User or anonymous)
    """The restricted items `user` may see, by the rules that serve the files themselves: restricted
    contract documents (Contract.visible_documents) and the awarded bid's files (Bid.can_view_contents)."""
    keys = {f"contract_document:{d.id}" for d in contract.visible_documents(user) if not d.public}
    if contract.bid is not None and contract.bid.can_view_contents(user):
        keys |= {f"{BID_DOCUMENT}:{d.id}" for d in contract.bid.documents}
    return keys


def _actor_by_name():  # noqa: ANN202 (a loader option, made once the models are all mapped)
    """The events' actors by name only (never their roles: one query less on every contract page)."""
    return joinedload(AuditEvent.actor).lazyload(User.role_rows)


def evidence_packet(contract: Contract) -> Packet:
    """The manifest's items and the documents added since, with the events that recorded them."""
    manifest_event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == "contracts", AuditEvent.object_id == str(contract.id),
                                 AuditEvent.action.in_((MANIFEST_ACTION, REGISTERED_ACTION)))
        .options(_actor_by_name()).order_by(AuditEvent.seq.desc()))
    if manifest_event is None:
        return Packet(None, [])
    entries = list(manifest_event.data.get("items", []))
    cited_ids = {e["event_id"] for e in entries if e.get("event_id")}
    events = {e.id: e for e in db.session.scalars(select(AuditEvent).where(AuditEvent.id.in_(cited_ids))
                                                    .options(_actor_by_name()))}
    documents = {d.id: d for d in contract.documents}
    items = [PacketItem(e["key"], e["title"], e["sha256"],
                        events.get(e["event_id"]) if e.get("event_id") else manifest_event,
                        public=_is_public(e["key"], documents)) for e in entries]
    listed = {item.key for item in items}
    added = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == DOCUMENT_ADDED_ACTION, AuditEvent.data["number"].as_string() == contract.number)
        .options(_actor_by_name()).order_by(AuditEvent.seq))
    for event in added:
        key = f"contract_document:{event.object_id}"
        if key not in listed:
            document = documents.get(int(event.object_id))
            title = f"Contract document: {document.title if document else event.data.get('filename')} " \
                    f"({event.data.get('filename')})"
            items.append(PacketItem(key, title, event.data.get("sha256"), event,
                                    public=document.public if document else bool(event.data.get("public"))))
    return Packet(manifest_event, items)


def _is_public(key: str, documents: dict[int, ContractDocument]) -> bool:
    if key.startswith(f"{BID_DOCUMENT}:"):
        return False  # a bid's files are never public, awarded or not
    if not key.startswith("contract_document:"):
        return True
    document = documents.get(int(key.split(":")[1]))
    return document is None or document.public


@dataclass(frozen=True)
class ItemCheck:
    item: PacketItem
    actual_sha256: str | None
    status: str  # ok | changed | missing


@dataclass(frozen=True)
class PacketCheck:
    items: list[ItemCheck]
    chain: ChainReport | None  # None: there is no packet to check

    @property
    def ok(self) -> bool:
        return self.chain is not None and self.chain.ok and all(c.status == OK for c in self.items)

    def visible_items(self, restricted_keys: set[str]) -> list[ItemCheck]:
        return [c for c in self.items if is_visible(c.item, restricted_keys)]


def verify_evidence(contract: Contract) -> PacketCheck:
    """Every item recomputed from what is stored now and compared with the packet; the audit chain
    verified from its start through the newest event the packet cites (the manifest included)."""
    packet = evidence_packet(contract)
    if packet.manifest_event is None:
        return PacketCheck([], None)
    current = current_evidence(contract)
    checks = []
    for item in packet.items:
        actual = current.get(item.key)
        status = MISSING if actual is None else OK if actual == item.sha256 else CHANGED
        checks.append(ItemCheck(item, actual, status))
    through = max([packet.manifest_event.seq, *(i.event.seq for i in packet.items if i.event is not None)])
    return PacketCheck(checks, verify_chain(through_seq=through))

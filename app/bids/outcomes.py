"""What became of each of a vendor's bids, in words: draft, submitted and sealed, opened, under
evaluation, intent to award to you or to another bidder, awarded to you, not awarded, withdrawn,
or the solicitation cancelled; with the pages that exist for it (bid results once opened, the
award notice once issued, the debriefing once awarded, the contract it won).

`outcomes_for_vendor` loads a page of them in a constant number of queries (bids with their
solicitations, agencies and receipts; the issued award notices; the vendor's contracts), so the
"My bids" page and the vendor's dashboard cost the same for 2 bids or 2,000. A vendor only ever
sees its own bids, and other bidders' names only once the notice of intent names the winners."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import and_, func, select
from sqlalchemy.orm import defer

from app.bids.models import Bid, BidStatus, BidVersion, Responsiveness
from app.core import clock
from app.extensions import db
from app.solicitations.models import Solicitation, SolicitationStatus, SolicitationType

S = SolicitationStatus


class OutcomeKind(enum.StrEnum):
    DRAFT = "draft"
    NOT_SUBMITTED = "not_submitted"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    OPENED = "opened"
    UNDER_EVALUATION = "under_evaluation"
    NON_RESPONSIVE = "non_responsive"
    INTENT_TO_YOU = "intent_to_you"
    INTENT_TO_OTHER = "intent_to_other"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def tone(self) -> str:
        """A Bootstrap badge class; the label always says it in words too."""
        return _TONES.get(self, "text-bg-light border")

    @property
    def is_final(self) -> bool:
        return self in (OutcomeKind.AWARDED, OutcomeKind.NOT_AWARDED, OutcomeKind.CANCELLED,
                        OutcomeKind.NOT_SUBMITTED, OutcomeKind.WITHDRAWN)


_LABELS = {
    OutcomeKind.DRAFT: "Draft, not submitted",
    OutcomeKind.NOT_SUBMITTED: "Not submitted",
    OutcomeKind.SUBMITTED: "Submitted, sealed",
    OutcomeKind.WITHDRAWN: "Withdrawn",
    OutcomeKind.OPENED: "Opened",
    OutcomeKind.UNDER_EVALUATION: "Under evaluation",
    OutcomeKind.NON_RESPONSIVE: "Found non-responsive",
    OutcomeKind.INTENT_TO_YOU: "Intent to award to you",
    OutcomeKind.INTENT_TO_OTHER: "Intent to award to another bidder",
    OutcomeKind.AWARDED: "Awarded to you",
    OutcomeKind.NOT_AWARDED: "Not awarded",
    OutcomeKind.CANCELLED: "Cancelled",
}
_TONES = {
    OutcomeKind.DRAFT: "text-bg-secondary", OutcomeKind.NOT_SUBMITTED: "text-bg-secondary",
    OutcomeKind.SUBMITTED: "text-bg-info", OutcomeKind.WITHDRAWN: "text-bg-warning",
    OutcomeKind.OPENED: "text-bg-primary", OutcomeKind.UNDER_EVALUATION: "text-bg-primary",
    OutcomeKind.NON_RESPONSIVE: "text-bg-danger", OutcomeKind.INTENT_TO_YOU: "text-bg-success",
    OutcomeKind.INTENT_TO_OTHER: "text-bg-dark", OutcomeKind.AWARDED: "text-bg-success",
    OutcomeKind.NOT_AWARDED: "text-bg-dark", OutcomeKind.CANCELLED: "text-bg-danger",
}


@dataclass(frozen=True)
class OutcomeLink:
    label: str
    endpoint: str
    values: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.values)


@dataclass(frozen=True)
class BidOutcome:
    """One of the vendor's bids and what became of it."""

    bid_id: int
    kind: OutcomeKind
    detail: str  # one sentence in words: why, by when, to whom
    number: str  # the solicitation's
    title: str
    solicitation_type: SolicitationType
    agency_name: str
    timezone: str
    due_at: datetime | None
    receipt_number: str | None
    winners: tuple[str, ...] = ()  # named once the notice of intent is issued
    contract_number: str | None = None  # the contract this bid won
    results_available: bool = False
    notice_available: bool = False
    debriefing_available: bool = False
    accepting_bids: bool = False

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def links(self) -> list[OutcomeLink]:
        number = {"number": self.number}
        links = [OutcomeLink("Your bid" if self.accepting_bids else "Your bid (read only)", "bids.bid_form", number)]
        if self.receipt_number:
            links.append(OutcomeLink("Receipt", "bids.receipt", {"receipt_number": self.receipt_number}))
        if self.results_available:
            links.append(OutcomeLink("Bid results", "bids.results", number))
        if self.notice_available:
            links.append(OutcomeLink("Award notice" if self.kind in (OutcomeKind.AWARDED, OutcomeKind.NOT_AWARDED)
                                     else "Notice of intent to award", "awards.notice", number))
        if self.debriefing_available:
            links.append(OutcomeLink("Debriefing", "awards.debriefing", number))
        if self.contract_number:
            links.append(OutcomeLink(f"Contract {self.contract_number}", "contracts.detail",
                                     {"number": self.contract_number}))
        return links


def count_for_vendor(vendor_id: int) -> int:
    return db.session.scalar(select(func.count(Bid.id)).where(Bid.vendor_id == vendor_id)) or 0


def outcomes_for_vendor(vendor_id: int, limit: int | None = None, *, offset: int = 0) -> list[BidOutcome]:
    """The vendor's bids, latest due date first, each with its outcome: three queries at most."""
    receipt = BidVersion.receipt_number
    query = (select(Bid, Solicitation, receipt)
             .join(Solicitation, Solicitation.id == Bid.solicitation_id)
             .outerjoin(BidVersion, and_(BidVersion.bid_id == Bid.id, BidVersion.number == Bid.current_version_number))
             .where(Bid.vendor_id == vendor_id)
             # Neither the sealed working draft nor the solicitation's long texts are shown here.
             .options(defer(Bid.sealed_draft), defer(Solicitation.scope_md), defer(Solicitation.terms_md),
                      defer(Solicitation.cooperative_clause))
             .order_by(Solicitation.due_at.desc(), Bid.id.desc()).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    if not rows:
        return []
    ids = [s.id for _, s, _ in rows]
    from app.awards.queries import issued_awards  # awards build on bids, not the other way round

    winners = issued_awards(ids)
    contracts = _contracts(vendor_id, ids)
    now = clock.now()
    return [_outcome(bid, s, number, winners.get(s.id), contracts.get(s.id), now) for bid, s, number in rows]


def _contracts(vendor_id: int, solicitation_ids: list[int]) -> dict[int, str]:
    from app.contracts.models import Contract  # contracts build on bids, not the other way round

    return dict(db.session.execute(select(Contract.solicitation_id, Contract.number).where(
        Contract.solicitation_id.in_(solicitation_ids), Contract.vendor_id == vendor_id)).all())


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _outcome(bid: Bid, s: Solicitation, receipt_number: str | None, award: dict[int, str] | None,
             contract_number: str | None, now: datetime) -> BidOutcome:
    kind, detail = _kind_and_detail(bid, s, award, now)
    winners = tuple(sorted(award.values())) if award else ()
    notice = award is not None and s.status in (S.INTENT_TO_AWARD, S.AWARDED)
    return BidOutcome(
        bid_id=bid.id, kind=kind, detail=detail, number=s.number, title=s.title, solicitation_type=s.type,
        agency_name=s.agency.name, timezone=s.agency.timezone, due_at=s.due_at, receipt_number=receipt_number,
        winners=winners if notice else (), contract_number=contract_number,
        results_available=s.opened_at is not None and s.is_public, notice_available=notice,
        debriefing_available=s.status == S.AWARDED and bid.opened_at is not None,
        accepting_bids=s.status == S.PUBLISHED and s.due_at is not None and now < s.due_at,
    )


def _kind_and_detail(bid: Bid, s: Solicitation, award: dict[int, str] | None,
                     now: datetime) -> tuple[OutcomeKind, str]:
    accepting = s.status == S.PUBLISHED and s.due_at is not None and now < s.due_at
    if s.status == S.CANCELLED:
        return OutcomeKind.CANCELLED, f"The agency cancelled the solicitation: {s.cancel_reason}"
    if bid.status == BidStatus.WITHDRAWN:
        return OutcomeKind.WITHDRAWN, ("You withdrew this bid; you may submit again before the deadline."
                                       if accepting else "You withdrew this bid before the deadline.")
    if bid.status == BidStatus.DRAFT:
        if accepting:
            return OutcomeKind.DRAFT, "Saved and sealed, but not submitted: submit it before the deadline."
        return OutcomeKind.NOT_SUBMITTED, "The deadline passed before this draft was submitted."
    if s.opened_at is None or bid.opened_at is None:
        return OutcomeKind.SUBMITTED, ("Sealed: nobody can see it until the public opening."
                                       if accepting or s.opened_at is None else "Not opened.")
    non_responsive = bid.responsiveness == Responsiveness.NON_RESPONSIVE
    reason = f"Found non-responsive: {bid.responsiveness_reason}"
    if s.status in (S.INTENT_TO_AWARD, S.AWARDED) and award:
        others = _names(sorted(name for bid_id, name in award.items() if bid_id != bid.id)) \
            if len(award) > 1 or bid.id not in award else ""
        if bid.id in award:
            kind = OutcomeKind.AWARDED if s.status == S.AWARDED else OutcomeKind.INTENT_TO_YOU
            together = f" (together with {others})" if others else ""
            detail = (f"The contract was awarded to you{together}." if s.status == S.AWARDED else
                      f"The agency intends to award the contract to you{together}; the award is final when "
                      "the protest period ends.")
            return kind, detail
        kind = OutcomeKind.NOT_AWARDED if s.status == S.AWARDED else OutcomeKind.INTENT_TO_OTHER
        verb = "Awarded to" if s.status == S.AWARDED else "The agency intends to award the contract to"
        return kind, f"{verb} {others}." + (f" {reason}" if non_responsive else "")
    if non_responsive:
        return OutcomeKind.NON_RESPONSIVE, reason
    if s.status == S.OPENED:
        return OutcomeKind.OPENED, "Opened in public; the evaluation has not started."
    return OutcomeKind.UNDER_EVALUATION, ("Being ranked on price." if s.type != SolicitationType.RFP
                                          else "The evaluation committee is scoring the proposals.")

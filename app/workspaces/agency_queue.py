"""The procurement officer's work queue: the agency's solicitations in progress, each with its next
step in words and a link to the page where it is taken, and the lists behind those steps
(questions, returned approvals, bids to decide, evaluations, protests, expiring contracts, demand
responses). Loaded in a fixed number of queries whatever the number of rows. Before the opening
only a count of bids is read: no bidder, no price."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.awards.models import AwardRecommendation, Protest, ProtestStatus, RecommendationStatus
from app.bids.models import Bid, BidStatus, Responsiveness
from app.contracts.models import Contract, ContractSource, ContractStatus
from app.core import clock
from app.evaluation.models import CommitteeMember, Evaluation
from app.extensions import db
from app.solicitations.communications import Question
from app.solicitations.models import DemandInvitation, Solicitation, SolicitationType
from app.solicitations.models import SolicitationStatus as S

IN_PROGRESS = (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.PUBLISHED, S.CLOSED, S.OPENED, S.UNDER_EVALUATION,
               S.INTENT_TO_AWARD)
SEALED = (S.PUBLISHED, S.CLOSED)  # bids received, still sealed: a count only
QUEUE_LIMIT = 50  # solicitations shown; the rest are on "Our solicitations"
LIST_LIMIT = 20  # rows of each list below the queue
EXPIRY_DAYS = 90
DEMAND_STATUSES = (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.PUBLISHED)


def short_date(value: datetime, tz: str) -> str:
    local = value.astimezone(ZoneInfo(tz))
    return f"{local.day} {local:%b}"


def plural(n: int, singular: str, plural_: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural_ or singular + 's')}"


@dataclass(frozen=True)
class Step:
    text: str
    url: str
    yours: bool = True  # False: someone else moves next (approver, committee, scheduler, vendors)


@dataclass
class Facts:
    """What the queue knows about one solicitation, from the aggregate queries."""

    bids: int = 0  # submitted (counted) bids
    undecided: int = 0  # opened bids without a responsiveness decision
    unanswered: int = 0
    members: int = 0  # committee members not excluded
    signed: int = 0  # of them, statements signed with no conflict
    evaluation: Evaluation | None = None
    recommendation: AwardRecommendation | None = None
    open_protests: int = 0


@dataclass(frozen=True)
class QueueRow:
    s: Solicitation
    facts: Facts
    step: Step

    @property
    def bids_text(self) -> str:
        if self.s.status in SEALED:
            return f"{plural(self.facts.bids, 'sealed bid')} received"
        if self.s.opened_at is not None:
            return f"{plural(self.facts.bids, 'bid')} opened"
        return "—"


@dataclass
class Queue:
    rows: list[QueueRow] = field(default_factory=list)
    more: int = 0  # solicitations in progress beyond QUEUE_LIMIT
    questions: list[Question] = field(default_factory=list)
    returned: list[Solicitation] = field(default_factory=list)
    returned_awards: list[AwardRecommendation] = field(default_factory=list)
    undecided: list[QueueRow] = field(default_factory=list)
    evaluations: list[QueueRow] = field(default_factory=list)
    protests: list[Protest] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    demand: list[DemandInvitation] = field(default_factory=list)
    today: date | None = None


_PAGES = {"manage": ("solicitations.manage", {}), "edit": ("solicitations.edit", {}),
          "questions": ("solicitations.manage", {"_anchor": "questions"}), "bids": ("bids.staff_bids", {}),
          "evaluation": ("evaluation.overview", {}), "award": ("awards.staff_award", {})}


class _StaffPages:
    """A solicitation's staff pages by name, each built when asked for (a step links to one)."""

    def __init__(self, s: Solicitation):
        self.id = s.id

    def __getitem__(self, page: str) -> str:
        endpoint, extra = _PAGES[page]
        return url_for(endpoint, solicitation_id=self.id, **extra)


def next_step(s: Solicitation, f: Facts, now: datetime, tz: str) -> Step:
    u = _StaffPages(s)
    if s.status == S.DRAFT:
        return Step("Revise the returned draft and submit it again", u["edit"]) if s.return_note \
            else Step("Submit for approval", u["manage"])
    if s.status == S.PENDING_APPROVAL:
        return Step("Waiting for an approver", u["manage"], yours=False)
    if s.status == S.APPROVED:
        if s.publish_at is not None and s.publish_at > now:
            return Step(f"Publishes on {short_date(s.publish_at, tz)}", u["manage"], yours=False)
        return Step("Publish", u["manage"])
    if s.status == S.PUBLISHED:
        if f.unanswered:
            return Step(f"Answer {plural(f.unanswered, 'question')}", u["questions"])
        if s.due_at is not None and now >= s.due_at:
            return Step("Close bidding and open the bids", u["manage"])
        return Step(f"Bids due {short_date(s.due_at, tz)}" if s.due_at else "Open for bids", u["manage"], yours=False)
    if s.status == S.CLOSED:
        return Step("Open the bids", u["manage"])
    if f.undecided and s.status in (S.OPENED, S.UNDER_EVALUATION):
        return Step(f"Decide responsiveness of {plural(f.undecided, 'bid')}", u["bids"])
    is_rfp = s.type == SolicitationType.RFP
    if s.status == S.OPENED:
        if is_rfp and not f.members:
            return Step("Name the evaluation committee", u["evaluation"])
        return Step("Start the evaluation", u["manage"])
    rec = f.recommendation
    if s.status == S.UNDER_EVALUATION:
        if is_rfp and (f.evaluation is None or f.evaluation.scoring_open):
            return Step(f"Committee scoring ({f.signed} of {plural(f.members, 'statement')} signed)",
                        u["evaluation"], yours=False)
        if rec is None or rec.status == RecommendationStatus.RETURNED:
            return Step("Recommend the award", u["award"])
        if rec.status == RecommendationStatus.PENDING_APPROVAL:
            return Step("Award recommendation waiting for an approver", u["award"], yours=False)
        return Step("Issue the notice of intent", u["manage"])
    if s.status == S.INTENT_TO_AWARD:
        if f.open_protests:
            return Step(f"Decide {plural(f.open_protests, 'protest')}", u["award"])
        if rec is not None and rec.protest_ends_at is not None and now < rec.protest_ends_at:
            return Step(f"Protest period ends {short_date(rec.protest_ends_at, tz)}", u["award"], yours=False)
        return Step("Finalize the award", u["manage"])
    return Step("See the solicitation", u["manage"], yours=False)


def _grouped(query) -> dict[int, Any]:  # noqa: ANN001
    return {row[0]: row[1:] for row in db.session.execute(query)}


def _facts(ids: list[int]) -> dict[int, Facts]:
    facts = {i: Facts() for i in ids}
    if not ids:
        return facts
    counted = Bid.status == BidStatus.SUBMITTED
    for sid, (bids, undecided) in _grouped(
            select(Bid.solicitation_id, func.count(case((counted, 1))),
                   func.count(case((and_(counted, Bid.opened_at.is_not(None),
                                         Bid.responsiveness == Responsiveness.PENDING), 1))))
            .where(Bid.solicitation_id.in_(ids)).group_by(Bid.solicitation_id)).items():
        facts[sid].bids, facts[sid].undecided = bids, undecided
    for sid, (n,) in _grouped(select(Question.solicitation_id, func.count()).where(
            Question.solicitation_id.in_(ids), Question.answered_at.is_(None))
            .group_by(Question.solicitation_id)).items():
        facts[sid].unanswered = n
    for sid, (members, signed) in _grouped(
            select(CommitteeMember.solicitation_id, func.count(),
                   func.count(case((CommitteeMember.has_conflict.is_(False), 1))))
            .where(CommitteeMember.solicitation_id.in_(ids), CommitteeMember.excluded_at.is_(None))
            .group_by(CommitteeMember.solicitation_id)).items():
        facts[sid].members, facts[sid].signed = members, signed
    for evaluation in db.session.scalars(select(Evaluation).where(Evaluation.solicitation_id.in_(ids))):
        facts[evaluation.solicitation_id].evaluation = evaluation
    for rec in db.session.scalars(select(AwardRecommendation).where(
            AwardRecommendation.solicitation_id.in_(ids),
            AwardRecommendation.status != RecommendationStatus.SUPERSEDED).order_by(AwardRecommendation.id)):
        facts[rec.solicitation_id].recommendation = rec  # the newest wins
    for sid, (n,) in _grouped(select(Protest.solicitation_id, func.count()).where(
            Protest.solicitation_id.in_(ids), Protest.status == ProtestStatus.OPEN)
            .group_by(Protest.solicitation_id)).items():
        facts[sid].open_protests = n
    return facts


def load_queue(user: User) -> Queue:
    org = user.organization
    now, tz = clock.now(), org.timezone
    in_progress = (Solicitation.agency_id == org.id, Solicitation.status.in_(IN_PROGRESS))
    solicitations = list(db.session.scalars(
        select(Solicitation).where(*in_progress)
        .order_by(func.coalesce(Solicitation.due_at, Solicitation.created_at), Solicitation.id).limit(QUEUE_LIMIT)))
    total = db.session.scalar(select(func.count()).select_from(Solicitation).where(*in_progress)) or 0
    facts = _facts([s.id for s in solicitations])
    rows = [QueueRow(s, facts[s.id], next_step(s, facts[s.id], now, tz)) for s in solicitations]
    rows.sort(key=lambda r: not r.step.yours)  # stable: what waits for you first, then by due date
    queue = Queue(rows=rows, more=max(0, total - len(rows)), today=now.astimezone(ZoneInfo(tz)).date())
    queue.returned = [r.s for r in rows if r.s.status == S.DRAFT and r.s.return_note]
    queue.returned_awards = [r.facts.recommendation for r in rows if r.facts.recommendation is not None
                             and r.facts.recommendation.status == RecommendationStatus.RETURNED]
    queue.undecided = [r for r in rows if r.facts.undecided]
    queue.evaluations = [r for r in rows if r.s.status in (S.OPENED, S.UNDER_EVALUATION)]
    queue.questions = list(db.session.scalars(
        select(Question).join(Solicitation, Question.solicitation_id == Solicitation.id)
        .where(Solicitation.agency_id == org.id, Solicitation.status == S.PUBLISHED, Question.answered_at.is_(None))
        .options(joinedload(Question.solicitation)).order_by(Question.asked_at).limit(LIST_LIMIT)))
    queue.protests = list(db.session.scalars(
        select(Protest).join(Solicitation, Protest.solicitation_id == Solicitation.id)
        .where(Solicitation.agency_id == org.id, Protest.status == ProtestStatus.OPEN)
        .options(joinedload(Protest.vendor),
                 joinedload(Protest.recommendation).joinedload(AwardRecommendation.solicitation))
        .order_by(Protest.filed_at).limit(LIST_LIMIT)))
    keepers = select(User.id).where(User.organization_id == org.id)
    queue.contracts = list(db.session.scalars(
        select(Contract).where(
            Contract.status == ContractStatus.ACTIVE, Contract.expires_on >= queue.today,
            Contract.expires_on <= queue.today + timedelta(days=EXPIRY_DAYS),
            or_(and_(Contract.source == ContractSource.PLATFORM, Contract.agency_id == org.id),
                and_(Contract.source == ContractSource.REGISTRANT, Contract.registered_by_id.in_(keepers))))
        .options(joinedload(Contract.vendor)).order_by(Contract.expires_on, Contract.id).limit(LIST_LIMIT)))
    queue.demand = list(db.session.scalars(
        select(DemandInvitation).join(Solicitation, DemandInvitation.solicitation_id == Solicitation.id)
        .where(Solicitation.agency_id == org.id, Solicitation.status.in_(DEMAND_STATUSES),
               DemandInvitation.responded_at.is_not(None))
        .options(joinedload(DemandInvitation.agency), joinedload(DemandInvitation.solicitation))
        .order_by(DemandInvitation.responded_at.desc()).limit(LIST_LIMIT)))
    return queue

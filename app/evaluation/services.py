"""The verbs of the evaluation: name the committee, attest or declare a conflict, score, close
scoring, record consensus, compute the ranking. Callers commit."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record
from app.bids.models import Bid, BidStatus, Responsiveness, opened_bid_loading
from app.core import clock, signals
from app.core.errors import DomainError, NotPermitted
from app.core.roles import Role
from app.evaluation.models import CommitteeMember, ConsensusScore, Evaluation, EvaluationScore
from app.evaluation.scoring import Candidate, Ranked, criterion_points, rank_best_value, rank_lowest_price
from app.extensions import db
from app.solicitations.models import EvaluationCriterion, Solicitation, SolicitationStatus, SolicitationType

ATTESTATION_TEXT = (
    "I have no financial, family, employment or other interest in any bidder on this solicitation, "
    "have not been offered anything of value by any of them, and will keep the proposals and the "
    "committee's deliberations confidential until the award."
)


def _require_officer(actor: User, s: Solicitation) -> None:
    if not s.can_manage(actor):
        raise NotPermitted("Only the agency's procurement officers run the evaluation.")


def evaluation_for(s: Solicitation) -> Evaluation | None:
    return db.session.get(Evaluation, s.id)


def start_evaluation(s: Solicitation, actor: User) -> Evaluation:
    """The evaluation's record (lifecycle effect of opened -> under_evaluation); kept when a
    protest upheld reopens the evaluation."""
    evaluation = evaluation_for(s)
    if evaluation is None:
        evaluation = Evaluation(solicitation_id=s.id, started_at=clock.now(), started_by_id=actor.id)
        db.session.add(evaluation)
        db.session.flush()
    return evaluation


def ranking_ready(s: Solicitation, evaluation: Evaluation | None) -> bool:
    """Whether the ranking may be shown: a price-only solicitation (IFB, RFQ) has no committee and
    is ranked on price once its evaluation starts; an RFP's ranking waits for the chair to close
    scoring, so that scores stay independent."""
    if evaluation is None:
        return False
    return s.type != SolicitationType.RFP or not evaluation.scoring_open


def members(s: Solicitation) -> list[CommitteeMember]:
    return list(db.session.scalars(select(CommitteeMember).where(CommitteeMember.solicitation_id == s.id)
                                   .order_by(CommitteeMember.id)))


def member_for(s: Solicitation, user: User) -> CommitteeMember | None:
    return db.session.scalar(select(CommitteeMember).where(CommitteeMember.solicitation_id == s.id,
                                                           CommitteeMember.user_id == user.id))


def can_see_proposals(user: User, s: Solicitation) -> bool:
    """Who at the lead agency reads an opened solicitation's proposals (the bids, their files, the
    tabulation, the scores and the ranking): its procurement officers and administrators, who run
    the procurement; its approvers, who approve the award on that record; and of its evaluators only
    those seated on this solicitation's committee who signed the conflict-of-interest statement.
    Anyone seated who declared a conflict is excluded, whatever other role they hold."""
    if not s.is_staff(user):
        return False
    member = member_for(s, user)
    if member is not None and member.excluded_at is not None:
        return False
    if user.has_any_role(Role.PROCUREMENT_OFFICER, Role.AGENCY_ADMIN, Role.APPROVER):
        return True
    return member is not None and member.may_see_proposals


def name_committee(actor: User, s: Solicitation, evaluator_ids: list[int], chair_id: int) -> list[CommitteeMember]:
    """Appoint evaluators (agency users holding the evaluator role) and one chair among them.
    Members already appointed stay (with their attestations and scores); new ones are added."""
    _require_officer(actor, s)
    if s.status not in (SolicitationStatus.OPENED, SolicitationStatus.UNDER_EVALUATION):
        raise DomainError("The committee is named after the bids are opened.")
    evaluation = evaluation_for(s)
    if evaluation is not None and not evaluation.scoring_open:
        raise DomainError("Scoring is closed; the committee can no longer change.")
    ids = list(dict.fromkeys(evaluator_ids))
    if not ids:
        raise DomainError("Name at least one evaluator.", field="evaluators")
    if chair_id not in ids:
        raise DomainError("The chair must be one of the evaluators.", field="chair")
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    for user_id in ids:
        user = users.get(user_id)
        if user is None or user.organization_id != s.agency_id or not user.active \
                or not user.has_role(Role.EVALUATOR):
            raise DomainError("Evaluators must be active users of the agency with the evaluator role.",
                              field="evaluators")
    existing = {m.user_id: m for m in members(s)}
    now = clock.now()
    for user_id in ids:
        member = existing.get(user_id)
        if member is None:
            member = CommitteeMember(solicitation_id=s.id, user_id=user_id, appointed_by_id=actor.id, created_at=now)
            db.session.add(member)
            existing[user_id] = member
        member.is_chair = user_id == chair_id
    for user_id, member in existing.items():
        if user_id != chair_id:
            member.is_chair = False
    db.session.flush()
    record("evaluation.committee_named", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "evaluators": [users[i].name for i in ids if i in users],
                 "chair": users[chair_id].name})
    signals.evaluation_changed.send(s)
    return [existing[i] for i in ids]


def attest(actor: User, s: Solicitation, *, has_conflict: bool, disclosure: str = "") -> CommitteeMember:
    """The member's conflict-of-interest statement, once. A declared conflict removes the member."""
    member = member_for(s, actor)
    if member is None or member.excluded_at is not None:
        raise NotPermitted("You are not on this solicitation's evaluation committee.")
    if member.attested_at is not None:
        raise DomainError("You have already made your conflict-of-interest statement.")
    disclosure = (disclosure or "").strip()
    if has_conflict and not disclosure:
        raise DomainError("Describe the interest you are declaring.", field="disclosure")
    now = clock.now()
    member.attested_at = now
    member.has_conflict = has_conflict
    member.attestation_text = None if has_conflict else ATTESTATION_TEXT
    if has_conflict:
        member.conflict_disclosure = disclosure
        member.excluded_at = now
        member.is_chair = False
    record("evaluation.conflict_declared" if has_conflict else "evaluation.attested", actor=actor, obj=s,
           organization_id=s.agency_id,
           data={"solicitation": s.number, "member": actor.name,
                 **({"disclosure": disclosure} if has_conflict else {"statement": ATTESTATION_TEXT})})
    signals.evaluation_changed.send(s)
    return member


def is_scorable(bid: Bid) -> bool:
    return (bid.status == BidStatus.SUBMITTED and bid.opened_at is not None
            and bid.responsiveness != Responsiveness.NON_RESPONSIVE)


def scorable_bids(s: Solicitation) -> list[Bid]:
    """Opened, counted bids not found non-responsive."""
    return list(db.session.scalars(
        select(Bid).where(Bid.solicitation_id == s.id, Bid.status == BidStatus.SUBMITTED,
                          Bid.opened_at.is_not(None), Bid.responsiveness != Responsiveness.NON_RESPONSIVE)
        .options(*opened_bid_loading()).order_by(Bid.id)))


def technical_criteria(s: Solicitation) -> list[EvaluationCriterion]:
    return [c for c in s.criteria if not c.is_price]


def record_score(actor: User, s: Solicitation, bid: Bid, criterion: EvaluationCriterion, points: Decimal,
                 comment: str = "") -> EvaluationScore:
    return record_scores(actor, s, [(bid, criterion, points, comment)])[0]


def record_scores(actor: User, s: Solicitation,
                  entries: list[tuple[Bid, EvaluationCriterion, Decimal, str]]) -> list[EvaluationScore]:
    """One evaluator's scores (a whole scoring sheet at once, or one cell); one audit event."""
    member = member_for(s, actor)
    if member is None or not member.may_see_proposals:
        raise NotPermitted("Only committee members who signed the conflict-of-interest statement score.")
    evaluation = evaluation_for(s)
    if s.status != SolicitationStatus.UNDER_EVALUATION or evaluation is None or not evaluation.scoring_open:
        raise DomainError("Scoring is not open for this solicitation.")
    for bid, criterion, points, _ in entries:
        if bid.solicitation_id != s.id or not is_scorable(bid):
            raise DomainError("That bid is not being evaluated.")
        if criterion.solicitation_id != s.id or criterion.is_price:
            raise DomainError("Price points are computed by the formula; score the other criteria.")
        if points < 0 or points > criterion.points:
            raise DomainError(f"Score {criterion.name} from 0 to {criterion.points.normalize():f} points.",
                              field="points")
    existing = {(r.bid_id, r.criterion_id): r for r in db.session.scalars(
        select(EvaluationScore).where(EvaluationScore.member_id == member.id))}
    now = clock.now()
    saved = []
    for bid, criterion, points, comment in entries:
        score = existing.get((bid.id, criterion.id))
        if score is None:
            score = EvaluationScore(member_id=member.id, bid_id=bid.id, criterion_id=criterion.id)
            db.session.add(score)
            existing[(bid.id, criterion.id)] = score
        score.points, score.comment, score.scored_at = points, (comment or "").strip(), now
        saved.append(score)
    db.session.flush()
    record("evaluation.scored", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "member": actor.name, "scores": len(entries),
                 **({"bid_id": entries[0][0].id, "criterion": entries[0][1].name, "points": str(entries[0][2])}
                    if len(entries) == 1 else {})})
    signals.evaluation_changed.send(s)
    return saved


def own_scores(s: Solicitation, user: User) -> dict[tuple[int, int], EvaluationScore]:
    """(bid id, criterion id) -> this evaluator's score: all an evaluator sees while scoring is open."""
    member = member_for(s, user)
    if member is None:
        return {}
    rows = db.session.scalars(select(EvaluationScore).where(EvaluationScore.member_id == member.id))
    return {(r.bid_id, r.criterion_id): r for r in rows}


def close_scoring(actor: User, s: Solicitation) -> Evaluation:
    member = member_for(s, actor)
    if member is None or not member.is_chair or not member.may_see_proposals:
        raise NotPermitted("Only the committee chair closes scoring.")
    evaluation = evaluation_for(s)
    if evaluation is None or not evaluation.scoring_open:
        raise DomainError("Scoring is already closed.")
    missing = _missing_scores(s)
    if missing:
        raise DomainError("Scoring cannot close yet: " + "; ".join(missing[:5])
                          + (f"; and {len(missing) - 5} more" if len(missing) > 5 else "") + ".")
    evaluation.scoring_closed_at = clock.now()
    evaluation.scoring_closed_by_id = actor.id
    record("evaluation.scoring_closed", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number})
    signals.evaluation_changed.send(s)
    return evaluation


def _missing_scores(s: Solicitation) -> list[str]:
    active = [m for m in members(s) if m.may_see_proposals]
    if not active:
        return ["no committee member has signed the conflict-of-interest statement"]
    have = {(r.member_id, r.bid_id, r.criterion_id) for r in db.session.scalars(
        select(EvaluationScore).join(CommitteeMember).where(CommitteeMember.solicitation_id == s.id))}
    missing = []
    for m in active:
        count = sum(1 for b in scorable_bids(s) for c in technical_criteria(s) if (m.id, b.id, c.id) not in have)
        if count:
            missing.append(f"{m.user.name} has {count} score{'s' if count != 1 else ''} to give")
    return missing


def record_consensus(actor: User, s: Solicitation, bid: Bid, criterion: EvaluationCriterion, points: Decimal,
                     reason: str) -> ConsensusScore:
    member = member_for(s, actor)
    if member is None or not member.is_chair or not member.may_see_proposals:
        raise NotPermitted("Only the committee chair records consensus scores.")
    evaluation = evaluation_for(s)
    if evaluation is None or evaluation.scoring_open:
        raise DomainError("Consensus scores are recorded after scoring closes.")
    if s.status != SolicitationStatus.UNDER_EVALUATION:
        raise DomainError("The evaluation is over.")
    if criterion.solicitation_id != s.id or criterion.is_price or bid.solicitation_id != s.id \
            or not is_scorable(bid):
        raise DomainError("That bid or criterion is not being evaluated.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for the consensus score; it goes in the evaluation report.",
                          field="reason")
    if points < 0 or points > criterion.points:
        raise DomainError(f"Score {criterion.name} from 0 to {criterion.points.normalize():f} points.",
                          field="points")
    consensus = db.session.scalar(select(ConsensusScore).where(ConsensusScore.bid_id == bid.id,
                                                               ConsensusScore.criterion_id == criterion.id))
    previous = consensus.points if consensus else None
    if consensus is None:
        consensus = ConsensusScore(bid_id=bid.id, criterion_id=criterion.id)
        db.session.add(consensus)
    consensus.points, consensus.reason = points, reason
    consensus.recorded_by_id, consensus.recorded_at = actor.id, clock.now()
    db.session.flush()
    record("evaluation.consensus", actor=actor, obj=s, organization_id=s.agency_id,
           data={"solicitation": s.number, "vendor": bid.vendor.name, "criterion": criterion.name,
                 "points": str(points), "previous": None if previous is None else str(previous), "reason": reason})
    signals.evaluation_changed.send(s)
    return consensus


# ----------------------------------------------------------------------------- results
@dataclass
class Results:
    solicitation: Solicitation
    ranked: list[Ranked]
    bids: dict[int, Bid]
    # (bid id, criterion id) -> points used (consensus or average), and where they came from
    points: dict[tuple[int, int], Decimal | None]
    consensus: dict[tuple[int, int], ConsensusScore]
    scores: dict[tuple[int, int], dict[int, Decimal]]  # committee member id -> that evaluator's points
    lowest_total: Decimal | None

    @property
    def is_price_only(self) -> bool:
        return self.solicitation.type != SolicitationType.RFP


def results(s: Solicitation) -> Results:
    bids = scorable_bids(s)
    by_id = {b.id: b for b in bids}
    if s.type != SolicitationType.RFP:
        ranked = rank_lowest_price([Candidate(b.id, b.vendor.name, b.total or Decimal(0)) for b in bids
                                    if not b.missing_lines])
        return Results(s, ranked, by_id, {}, {}, {}, min((r.total_points for r in ranked), default=None))
    criteria = technical_criteria(s)
    # The scores in one query of plain rows (a thousand bids x 20 criteria x 7 evaluators is 140,000
    # of them: loading each as an ORM object took seconds); the arithmetic in Python.
    scores: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    member_ids = [m.id for m in members(s) if m.may_see_proposals]
    for member_id, bid_id, criterion_id, value in db.session.execute(
            select(EvaluationScore.member_id, EvaluationScore.bid_id, EvaluationScore.criterion_id,
                   EvaluationScore.points).where(EvaluationScore.member_id.in_(member_ids))):
        if bid_id in by_id:
            scores[(bid_id, criterion_id)][member_id] = value
    consensus = {(c.bid_id, c.criterion_id): c for c in db.session.scalars(
        select(ConsensusScore).join(Bid, Bid.id == ConsensusScore.bid_id).where(Bid.solicitation_id == s.id))
        if c.bid_id in by_id}
    points = {}
    for b in bids:
        for c in criteria:
            key = (b.id, c.id)
            points[key] = criterion_points(list(scores.get(key, {}).values()),
                                           consensus[key].points if key in consensus else None)
    price = s.price_criterion
    candidates = [Candidate(b.id, b.vendor.name, b.total or Decimal(0), {c.id: points[(b.id, c.id)] for c in criteria})
                  for b in bids if not b.missing_lines]
    ranked = rank_best_value(candidates, price.points if price else Decimal(0))
    lowest = min((c.total_price for c in candidates), default=None)
    return Results(s, ranked, by_id, points, consensus, dict(scores), lowest)

"""Solicitations in every status and a vendor's many bids, for a bench world (bench/pages.py).

Which rows are made how:
- solicitations: bulk INSERTs of consistent rows (every status with the columns its database
  constraints ask for, categories, a price sheet, criteria, a public notice once advertised),
  numbered "{prefix}-2026-00001" …; going through the lifecycle one by one would take hours and
  time the audit chain, not the pages that list them;
- bids: through the real services (`drafts.save_draft`, `submission.submit_bid`: sealed, receipted,
  audited), on open solicitations of the bulk set; a few are then closed (due time passed) by an
  UPDATE of the solicitation rows, as the scheduler would.
Both are resumable: they count what is there and make the rest.
"""
from __future__ import annotations

import random
import time
from datetime import timedelta
from decimal import Decimal

from bench.world import WORDS, log

# The share of each status in the bulk set ("published" is split: open, and past its due time).
STATUS_SHARES = (("draft", 0.10), ("pending_approval", 0.05), ("approved", 0.04), ("published", 0.25),
                 ("published_past_due", 0.02), ("closed", 0.08), ("opened", 0.07), ("under_evaluation", 0.07),
                 ("intent_to_award", 0.05), ("awarded", 0.17), ("cancelled", 0.10))


def _status(n: int) -> str:
    point, total = (n * 7919) % 1000 / 1000, 0.0
    for status, share in STATUS_SHARES:
        total += share
        if point < total:
            return status
    return STATUS_SHARES[-1][0]


def _row(n: int, prefix: str, agency_id: int, creator_id: int, approver_id: int, now) -> dict:  # noqa: ANN001
    """The n-th solicitation: its columns for its status, times around `now`."""
    from app.solicitations.models import ProcurementCategory, SolicitationStatus, SolicitationType

    rng = random.Random(f"{prefix}-{n}")
    kind = _status(n)
    word_a, word_b = rng.sample(WORDS, 2)
    created = now - timedelta(days=rng.randint(60, 400))
    row = {"agency_id": agency_id, "number": f"{prefix}-2026-{n:05d}", "type": rng.choice(list(SolicitationType)),
           "status": SolicitationStatus.PUBLISHED if kind == "published_past_due" else SolicitationStatus(kind),
           "title": f"{word_a.title()} and {word_b} for district schools ({n})",
           "summary": f"Supply of {word_a} and {word_b}, open to other public agencies.",
           "scope_md": f"The vendor supplies {word_a} and {word_b} as the price sheet lists.", "terms_md": "",
           "estimated_value": Decimal(rng.randint(20, 5000) * 1000), "initial_term_years": rng.choice((1, 2, 3)),
           "renewal_options": 2, "renewal_term_years": 1, "required_documents": [],
           "procurement_category": rng.choice(list(ProcurementCategory)), "cooperative": True,
           "cooperative_clause": "", "eligible_agency_types": [], "eligible_states": [], "created_by_id": creator_id,
           "created_at": created, "opening_location": "Online"}
    if kind == "draft":
        return row | {"due_at": now + timedelta(days=rng.randint(20, 60))}
    row["submitted_at"] = created + timedelta(days=1)
    if kind == "pending_approval":
        return row | {"due_at": now + timedelta(days=rng.randint(20, 60))}
    row |= {"approved_at": created + timedelta(days=2), "approved_by_id": approver_id}
    if kind == "approved":
        due = now + timedelta(days=rng.randint(25, 60))
        return row | {"publish_at": now + timedelta(days=rng.randint(1, 5)), "due_at": due}
    if kind == "cancelled" and rng.random() < 0.5:  # cancelled before it was advertised
        return row | {"due_at": now + timedelta(days=20), "cancelled_at": now - timedelta(days=rng.randint(1, 30)),
                      "cancel_reason": "The need was met under an existing contract."}
    if kind == "published":
        due = now + timedelta(days=rng.randint(2, 45), hours=rng.randint(0, 23))
    else:
        due = now - timedelta(days=rng.randint(1, 300), hours=rng.randint(0, 23))
    row |= {"published_at": due - timedelta(days=30), "publish_at": due - timedelta(days=30), "due_at": due,
            "questions_due_at": due - timedelta(days=7)}
    if kind == "cancelled":
        return row | {"cancelled_at": min(now, due) - timedelta(hours=1),
                      "cancel_reason": "Funding for the purchase was withdrawn."}
    if kind in ("published", "published_past_due"):
        return row
    row["closed_at"] = due
    if kind == "closed":
        return row
    row["opened_at"] = due + timedelta(hours=1)
    if kind == "awarded":
        row["awarded_at"] = due + timedelta(days=40)
    return row


def insert_solicitations(prefix: str, count: int, agencies: list[tuple[int, int, int]], now,  # noqa: ANN001
                         batch_size: int = 1000) -> int:
    """`count` solicitations; the n-th belongs to agencies[n % len(agencies)], given as (agency id,
    creating user id, approving user id). With each: one or two categories, two price-sheet lines,
    the price criterion (and a technical one for an RFP), a newspaper notice once advertised."""
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.solicitations.models import (
        Category,
        EvaluationCriterion,
        NoticeMedium,
        PriceFormula,
        PriceSheetItem,
        PublicNotice,
        Solicitation,
        SolicitationType,
        solicitation_categories,
    )

    have = db.session.scalar(select(func.count()).select_from(Solicitation)
                             .where(Solicitation.number.startswith(f"{prefix}-"))) or 0
    category_ids = list(db.session.scalars(select(Category.id).order_by(Category.id)))
    made = 0
    for start in range(have, count, batch_size):
        rows = [_row(n, prefix, *agencies[n % len(agencies)], now) for n in range(start, min(count, start + batch_size))]
        db.session.execute(insert(Solicitation), rows)
        ids = dict(db.session.execute(select(Solicitation.number, Solicitation.id).where(
            Solicitation.number.in_([r["number"] for r in rows]))).all())
        links, items, criteria, notices = [], [], [], []
        for row in rows:
            sid, rng = ids[row["number"]], random.Random(row["number"])
            links += [{"solicitation_id": sid, "category_id": c} for c in rng.sample(category_ids, rng.choice((1, 2)))]
            items += [{"solicitation_id": sid, "position": 1, "description": "Supply, per the specification",
                       "unit": "each", "estimated_quantity": Decimal(rng.randint(10, 5000))},
                      {"solicitation_id": sid, "position": 2, "description": "Delivery to each school",
                       "unit": "lot", "estimated_quantity": Decimal(1)}]
            price_points = Decimal(40) if row["type"] == SolicitationType.RFP else Decimal(100)
            criteria.append({"solicitation_id": sid, "position": 1, "name": "Price", "description": "",
                             "points": price_points, "is_price": True,
                             "price_formula": PriceFormula.LOWEST_OVER_THIS})
            if row["type"] == SolicitationType.RFP:
                criteria.append({"solicitation_id": sid, "position": 2, "name": "Technical approach",
                                 "description": "", "points": Decimal(60), "is_price": False})
            if row.get("published_at"):
                notices.append({"solicitation_id": sid, "medium": NoticeMedium.NEWSPAPER, "outlet": "The Courier",
                                "published_on": row["published_at"].date()})
        db.session.execute(insert(solicitation_categories), links)
        db.session.execute(insert(PriceSheetItem), items)
        db.session.execute(insert(EvaluationCriterion), criteria)
        if notices:
            db.session.execute(insert(PublicNotice), notices)
        db.session.commit()
        made += len(rows)
        log(f"  {start + len(rows)} of {count} solicitations")
    return made


def submit_bids(vendor_user, prefix: str, count: int, close_share: float = 0.3) -> int:  # noqa: ANN001
    """The vendor bids on `count` open solicitations of the bulk set (the missing ones only),
    through the bid services; then `close_share` of them close, as their due time passes."""
    from sqlalchemy import func, select

    from app.bids.drafts import ATTESTATIONS, save_draft
    from app.bids.models import Bid
    from app.bids.submission import submit_bid
    from app.core import clock
    from app.extensions import db
    from app.solicitations.models import Solicitation, SolicitationStatus

    vendor_id = vendor_user.organization_id
    ours = Solicitation.number.startswith(f"{prefix}-")
    bid_on = select(Solicitation).join(Bid, Bid.solicitation_id == Solicitation.id).where(Bid.vendor_id == vendor_id, ours)
    have = db.session.scalar(select(func.count()).select_from(bid_on.subquery())) or 0
    targets = list(db.session.scalars(select(Solicitation).where(
        ours, Solicitation.status == SolicitationStatus.PUBLISHED, Solicitation.due_at > clock.now() + timedelta(days=1),
        Solicitation.id.not_in(select(Bid.solicitation_id).where(Bid.vendor_id == vendor_id)))
        .order_by(Solicitation.id).limit(max(0, count - have))))
    if targets:
        log(f"submitting {len(targets)} bids through the bid services")
    started = time.perf_counter()
    for n, s in enumerate(targets, start=1):
        save_draft(vendor_user, s, prices={item.id: Decimal(10 + n % 50) + item.position for item in s.items},
                   attestations={key: True for key in ATTESTATIONS}, notes="Bench bid.")
        submit_bid(vendor_user, s)
        db.session.commit()
        if n % 100 == 0:
            log(f"  {have + n} of {count} bids ({time.perf_counter() - started:.0f} s)")
    # Some of them close: the due time has passed (just now: after every bid was accepted).
    closed = db.session.scalar(select(func.count()).select_from(
        bid_on.where(Solicitation.status == SolicitationStatus.CLOSED).subquery())) or 0
    closing = list(db.session.scalars(bid_on.where(Solicitation.status == SolicitationStatus.PUBLISHED)
                                      .order_by(Solicitation.id).limit(max(0, int(count * close_share) - closed))))
    now = clock.now()
    for s in closing:
        published = min(s.published_at, now - timedelta(days=30))
        s.publish_at = s.published_at = published
        s.questions_due_at = now - timedelta(days=7)
        s.status, s.due_at, s.closed_at = SolicitationStatus.CLOSED, now, now
    db.session.commit()
    return len(targets) + len(closing)

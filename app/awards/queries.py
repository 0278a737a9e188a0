"""Read-side queries about awards for list pages: one query for a whole page of solicitations."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Organization
from app.awards.models import AwardRecommendation, RecommendationStatus, recommended_bids
from app.bids.models import Bid
from app.extensions import db


def issued_awards(solicitation_ids: list[int]) -> dict[int, dict[int, str]]:
    """solicitation id -> {bid id: vendor name} of its current recommendation whose notice of
    intent to award was issued (public from then on); solicitations without one are left out."""
    if not solicitation_ids:
        return {}
    rows = db.session.execute(
        select(AwardRecommendation.solicitation_id, AwardRecommendation.id, Bid.id, Organization.name)
        .join(recommended_bids, recommended_bids.c.recommendation_id == AwardRecommendation.id)
        .join(Bid, Bid.id == recommended_bids.c.bid_id)
        .join(Organization, Organization.id == Bid.vendor_id)
        .where(AwardRecommendation.solicitation_id.in_(solicitation_ids),
               AwardRecommendation.status != RecommendationStatus.SUPERSEDED,
               AwardRecommendation.intent_issued_at.is_not(None))).all()
    latest: dict[int, int] = {}
    for solicitation_id, recommendation_id, _, _ in rows:
        latest[solicitation_id] = max(latest.get(solicitation_id, 0), recommendation_id)
    result: dict[int, dict[int, str]] = {}
    for solicitation_id, recommendation_id, bid_id, name in rows:
        if recommendation_id == latest[solicitation_id]:
            result.setdefault(solicitation_id, {})[bid_id] = name
    return result

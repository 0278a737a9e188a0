"""Bid events in the audit trail stay sealed until the opening: their actor, organization and
details are shown only to the bidder's own organization before then. Addendum acknowledgements
are sealed too: a vendor acknowledges on the bid form, so they tell who is preparing a bid."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.audit.views import register_redaction
from app.extensions import db
from app.solicitations.models import Solicitation

SEALED_ACTIONS = frozenset({"addendum.acknowledged"})


def sealed_bid_events(events: list[Any], viewer: Any) -> set[int]:
    candidates = [e for e in events if (e.action.startswith("bid.") or e.action in SEALED_ACTIONS) and isinstance(e.data, dict)
                  and e.data.get("solicitation_id") and e.organization_id != viewer.organization_id]
    if not candidates:
        return set()
    ids = {e.data["solicitation_id"] for e in candidates}
    opened = set(db.session.scalars(select(Solicitation.id).where(Solicitation.id.in_(ids),
                                                                  Solicitation.opened_at.is_not(None))))
    return {e.id for e in candidates if e.data["solicitation_id"] not in opened}


register_redaction(sealed_bid_events)

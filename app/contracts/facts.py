"""A contract's compliance facts (COMPLIANCE.md `contract` object). For a contract awarded on the
platform they come from its own records: notices, opening, bids, award, term and weights. For a
registered contract they are what the registrant supplied, and are labelled so."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.contracts.models import Contract, ContractSource
from app.extensions import db
from app.solicitations.models import NOTICE_MEDIUM_FACT

# Our agency types -> the lead-agency types of the facts.
LEAD_AGENCY_TYPE = {
    "school_district": "school_district",
    "county": "county",
    "municipality": "municipality",
    "state_agency": "state_agency",
    "higher_education": "higher_education",
    "public_cooperative": "public_cooperative",
}


def contract_facts(contract: Contract) -> dict[str, Any]:
    if contract.source == ContractSource.REGISTRANT:
        # The term is the platform's record (renewals are recorded here); the rest as supplied.
        return {**contract.registered_facts, "term_end": contract.expires_on.isoformat()}
    return platform_contract_facts(contract)


def platform_contract_facts(contract: Contract) -> dict[str, Any]:
    from app.bids.models import Bid
    from app.solicitations.models import SolicitationType

    s = contract.solicitation
    agency = contract.agency
    notices = sorted(s.notices, key=lambda n: n.published_on)
    media = sorted({NOTICE_MEDIUM_FACT[n.medium.value] for n in notices if n.medium.value in NOTICE_MEDIUM_FACT})
    bids_received = db.session.scalar(select(func.count()).select_from(Bid).where(
        Bid.solicitation_id == s.id, Bid.opened_at.is_not(None)))
    price_only = s.type != SolicitationType.RFP
    facts: dict[str, Any] = {
        "lead_agency_state": agency.state,
        "lead_agency_type": LEAD_AGENCY_TYPE.get(getattr(agency.agency_type, "value", ""), "local_government"),
        # Every platform solicitation takes sealed bids; an RFP is evaluated on weighted criteria.
        "solicitation_method": "sealed_bid" if price_only else "competitive_proposals",
        "award_basis": "lowest_responsible_bidder" if price_only else "best_value",
        "cooperative_clause": bool(s.cooperative),
        "notice_first_published": notices[0].published_on.isoformat() if notices else None,
        "notice_media": media,
        "bid_opening": s.local(s.opened_at).date().isoformat() if s.opened_at else None,
        "sealed_bids": True,
        # The opening on CoopBid is public: the bid results page shows every bidder and total at once.
        "public_opening": True if s.opened_at else None,
        "bids_received": bids_received,
        "award_date": s.local(s.awarded_at).date().isoformat() if s.awarded_at else contract.effective_on.isoformat(),
        "term_end": contract.expires_on.isoformat(),
    }
    if not price_only:
        # The price criterion is "price" (E-rate asks whether price weighs most); others by name.
        facts["evaluation_weights"] = {"price" if c.is_price else c.name.lower(): float(c.points)
                                       for c in s.criteria}
    return {key: value for key, value in facts.items() if value is not None}

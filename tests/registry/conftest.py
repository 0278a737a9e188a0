"""Fixtures for the contract registry: contracts registered through the service (fast, any facts),
a contract awarded through the real path (for the evidence packet), and a cooperative
administrator.

Fixtures
--------
coop            a public cooperative (TX) with one user per staff role (AgencyInfo).
register        register(**overrides) -> contract number: a contract registered by coop.admin
                through registration.register_contract (defaults: GOODS, term to next year,
                cooperative clause, facts of a sealed-bid award; any Registration field overrides).
awarded_number  the fixture RFP awarded to Bravo Office through the real path, with a
                solicitation document uploaded before the award; its contract number.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core import clock
from app.extensions import db
from tests.evaluation.conftest import (  # noqa: F401  (fixtures shared with these tests)
    agency,
    audit_events,
    bidding,
    categories,
    files,
    load_solicitation,
    make_agency,
    make_solicitation,
    make_vendor,
    open_bids,
    opened_rfp,
    other_agency,
    post_bid,
    try_transition,
    vendor,
)
from tests.bids.conftest import make_pdf


@pytest.fixture
def coop(make_agency):
    from app.accounts.models import AgencyType

    return make_agency("TX", AgencyType.PUBLIC_COOPERATIVE, name="Lone Star Purchasing Cooperative")


def base_registration(**overrides):
    from app.contracts.registration import PriceLine, Registration
    from app.solicitations.models import ProcurementCategory

    today = clock.now().date()
    values = dict(
        number="R-2026-001", title="Classroom furniture", summary="Desks, chairs and tables for schools.",
        lead_agency_name="Harris County Department of Education", lead_agency_state="TX",
        lead_agency_type="public_cooperative", vendor_name="Virco Manufacturing", vendor_tax_id="95-1613805",
        vendor_state="CA", procurement_category=ProcurementCategory.GOODS, category_ids=[],
        effective_on=today - timedelta(days=60), expires_on=today + timedelta(days=365), renewal_options=2,
        renewal_term_years=1, ceiling_value=None, cooperative_clause=True, eligible_states=[],
        solicitation_method="sealed_bid", award_basis="lowest_responsible_bidder",
        notice_first_published=today - timedelta(days=120), notice_media=["newspaper", "website"],
        bid_opening=today - timedelta(days=95), sealed_bids=True, bids_received=5,
        award_date=today - timedelta(days=70),
        price_lines=[PriceLine("Student desk, adjustable height", "each", Decimal("89.5000")),
                     PriceLine("Stacking chair, 18 inch", "each", Decimal("41.2500"))],
    )
    values.update(overrides)
    return Registration(**values)


@pytest.fixture
def register(app, coop):
    """register(actor_id=None, documents=(), **overrides) -> number (committed)."""
    from app.accounts.models import User
    from app.contracts.registration import register_contract
    from app.core.files import check_upload

    def make(actor_id: int | None = None, documents=(), **overrides) -> str:
        registration = base_registration(**overrides)
        checked = [check_upload(name, data, allowed={"pdf", "docx", "xlsx"}, max_bytes=10_000_000)
                   for data, name in documents]
        with app.test_request_context():
            actor = db.session.get(User, actor_id or coop.admin.id)
            contract = register_contract(actor, replace(registration, documents=checked))
            db.session.commit()
            return contract.number

    return make


@pytest.fixture
def awarded_number(app, opened_rfp) -> str:
    """The fixture RFP awarded to Bravo Office through the real path (as in
    tests/evaluation/test_contract_documents.py), with a specification document on file."""
    from app.accounts.models import User
    from app.audit.services import record
    from app.contracts.models import Contract
    from app.core.storage import storage
    from app.jobs.runner import tick
    from app.solicitations.models import Solicitation, SolicitationDocument
    from tests.evaluation.test_award_path import _intent, _score_and_close
    from tests.evaluation.test_committee_and_scores import _start

    with app.test_request_context():  # what the staff upload view does (before publication)
        s = db.session.get(Solicitation, opened_rfp.id)
        officer = db.session.get(User, opened_rfp.agency.officer.id)
        data = make_pdf("Technical specifications")
        stored = storage().save(data)
        document = SolicitationDocument(solicitation=s, title="Specifications", filename="specs.pdf",
                                        content_type="application/pdf", size=stored.size, sha256=stored.sha256,
                                        storage_key=stored.key, uploaded_by_id=officer.id)
        db.session.add(document)
        db.session.flush()
        record("document.uploaded", actor=officer, obj=document, organization_id=s.agency_id,
               data={"solicitation": s.number, "filename": document.filename,
                     "sha256": hashlib.sha256(data).hexdigest()})
        db.session.commit()
    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
        number = db.session.scalar(db.select(Contract.number))
    yield number
    clock.reset()

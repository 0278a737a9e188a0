"""Copying a solicitation into a new draft from its staff page: content comes along (criteria,
price sheet, required documents, terms, cooperative clause, categories), the round's dates and
history do not; only the agency's officers may copy, with a form."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core import clock
from app.extensions import db
from app.solicitations.models import (
    DemandInvitation,
    Solicitation,
    SolicitationStatus,
    SolicitationType,
)
from tests.accounts.helpers import Page
from tests.conftest import login
from tests.solicitations.test_drafting import client_for

UTC = timezone.utc
TODAY = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
PRICE_ONLY = [{"name": "Price", "points": Decimal(100), "is_price": True}]
CONTENT = {
    "summary": "Laptops for every middle school.",
    "scope_md": "# Scope\n\nDeliver **laptops**.",
    "terms_md": "Payment within 30 days of invoice.",
    "required_documents": ["w9", "insurance_certificate"],
    "cooperative_clause": "Any Virginia public body may purchase under this contract.",
    "estimated_value": Decimal("125000.00"),
    "initial_term_years": 3, "renewal_options": 2, "renewal_term_years": 1,
    "bid_bond_percent": Decimal("5.00"), "admin_fee_percent": Decimal("1.50"),
    "eligible_states": ["NC", "VA"], "eligible_agency_types": ["school_district"],
    "prebid_conference_at": None, "opening_location": "Purchasing Office, 100 Main St",
}


def copy_url(solicitation_id: int) -> str:
    return f"/agency/solicitations/{solicitation_id}/copy"


def content_of(s: Solicitation) -> dict:
    return {
        "type": s.type, "agency_id": s.agency_id,
        **{name: getattr(s, name) for name in (
            "summary", "scope_md", "terms_md", "required_documents", "cooperative", "cooperative_clause",
            "estimated_value", "initial_term_years", "renewal_options", "renewal_term_years",
            "bid_bond_percent", "procurement_category", "eligible_states", "eligible_agency_types",
            "admin_fee_percent", "opening_location")},
        "categories": [c.id for c in s.categories],
        "criteria": [(c.position, c.name, c.description, c.points, c.is_price, c.price_formula) for c in s.criteria],
        "items": [(i.position, i.description, i.unit, i.estimated_quantity) for i in s.items],
    }


def _with_history(app, info, agency, other_agency, vendor, try_transition) -> None:
    """Demand invitation before publication, then publication, an addendum and a question."""
    from app.accounts.models import Organization, User
    from app.solicitations import services

    with app.test_request_context():
        s = db.session.get(Solicitation, info.id)
        services.invite_demand(db.session.get(User, agency.officer.id), s,
                               [db.session.get(Organization, other_agency.id)])
        db.session.commit()
    assert try_transition(agency.officer.id, info.id, "published") is None
    with app.test_request_context():
        s = db.session.get(Solicitation, info.id)
        services.issue_addendum(db.session.get(User, agency.officer.id), s, title="Second site",
                                body_md="Add the annex.")
        services.ask_question(db.session.get(User, vendor.id), s, "May we bid refurbished units?")
        db.session.commit()


@pytest.mark.parametrize(("type_", "status"), [
    (SolicitationType.RFP, SolicitationStatus.PUBLISHED),
    (SolicitationType.IFB, SolicitationStatus.CANCELLED),
    (SolicitationType.RFQ, SolicitationStatus.DRAFT),
])
def test_officer_copies_a_solicitation_into_a_new_draft(app, agency, other_agency, vendor, categories,
                                                        make_solicitation, try_transition, type_, status):
    clock.freeze(TODAY)
    criteria = {} if type_ == SolicitationType.RFP else {"criteria": PRICE_ONLY}
    if status == SolicitationStatus.PUBLISHED:
        source = make_solicitation("approved", type=type_, title="Student laptops", **criteria, **CONTENT)
        _with_history(app, source, agency, other_agency, vendor, try_transition)
    else:
        source = make_solicitation(status, type=type_, title="Student laptops", **criteria, **CONTENT)
    with app.app_context():
        original = db.session.get(Solicitation, source.id)
        assert original.status == status
        expected = content_of(original)
        before = {"number": original.number, **expected}
        counter = db.session.scalar(select(func.count()).select_from(Solicitation))

    officer = client_for(app, agency.officer)
    staff_page = Page.of(officer.get(f"/agency/solicitations/{source.id}"))
    [button] = [f for f in staff_page.find_all("form") if f.attrs.get("action") == copy_url(source.id)]
    assert button.attrs["method"] == "post" and "Copy into a new draft" in button.text
    assert any(i.attrs.get("name") == "csrf_token" for i in button.iter())

    response = officer.submit(copy_url(source.id))
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(Solicitation).order_by(Solicitation.id.desc()).limit(1))
        assert db.session.scalar(select(func.count()).select_from(Solicitation)) == counter + 1
        assert response.headers["Location"].endswith(f"/agency/solicitations/{copy.id}/edit")
        # A new draft with its own number from the agency's sequence, by the officer who copied it.
        assert copy.id != source.id and copy.number != source.number
        assert copy.number == f"{agency.short_code}-{type_.code}-2027-{counter + 1:03d}"
        assert copy.title == "Copy of Student laptops"
        assert copy.status == SolicitationStatus.DRAFT and copy.created_by_id == agency.officer.id
        # The content is the same, in new rows.
        assert content_of(copy) == expected
        assert not {c.id for c in copy.criteria} & {c.id for c in db.session.get(Solicitation, source.id).criteria}
        assert not {i.id for i in copy.items} & {i.id for i in db.session.get(Solicitation, source.id).items}
        # Dates, notices, addenda, questions, documents, invitations and status stamps stay behind.
        for name in ("publish_at", "questions_due_at", "prebid_conference_at", "due_at", "submitted_at",
                     "approved_at", "approved_by_id", "published_at", "closed_at", "opened_at",
                     "awarded_at", "cancelled_at", "cancel_reason", "return_note"):
            assert getattr(copy, name) is None, name
        assert copy.notices == [] and copy.addenda == [] and copy.questions == [] and copy.documents == []
        assert db.session.scalar(select(func.count()).select_from(DemandInvitation)
                                 .where(DemandInvitation.solicitation_id == copy.id)) == 0
        # The source is untouched.
        source_row = db.session.get(Solicitation, source.id)
        assert {"number": source_row.number, **content_of(source_row)} == before
        if status == SolicitationStatus.PUBLISHED:
            assert len(source_row.addenda) == 1 and len(source_row.questions) == 1
        # Audited as the creation of a draft, naming where it came from.
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "solicitation.created", AuditEvent.object_id == str(copy.id)))
        assert event.actor_id == agency.officer.id
        assert event.data == {"number": copy.number, "type": type_.value, "title": copy.title,
                              "copied_from": source.number}
        copy_id, copy_number = copy.id, copy.number

    # It lands on the new draft's edit page, listed among the agency's drafts.
    page = Page.of(officer.get(response.headers["Location"]))
    assert page.value("title") == "Copy of Student laptops"
    assert f"Draft {copy_number} created from {source.number}." in page.root.text
    listing = officer.get("/agency/solicitations/?status=draft").get_data(as_text=True)
    assert copy_number in listing and f"/agency/solicitations/{copy_id}" in listing


def test_a_long_title_is_cut_to_fit(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    source = make_solicitation(title="X" * 200)
    officer = client_for(app, agency.officer)
    assert officer.submit(copy_url(source.id)).status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(Solicitation).order_by(Solicitation.id.desc()).limit(1))
        assert copy.title == ("Copy of " + "X" * 200)[:200]


@pytest.mark.parametrize("who", ["other_officer", "other_admin", "evaluator", "approver", "buyer", "vendor"])
def test_only_the_agencys_officers_may_copy(app, agency, other_agency, vendor, categories, make_solicitation, who):
    clock.freeze(TODAY)
    source = make_solicitation("published")
    user = {"other_officer": other_agency.officer, "other_admin": other_agency.admin, "evaluator": agency.evaluator,
            "approver": agency.approver, "buyer": agency.buyer, "vendor": vendor}[who]
    client = client_for(app, user)
    assert client.submit(copy_url(source.id)).status_code in (403, 404)
    if who in ("evaluator", "approver"):  # staff who see the page get no button
        assert copy_url(source.id) not in client.get(f"/agency/solicitations/{source.id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Solicitation)) == 1


def test_copy_needs_a_post_with_the_form_token_and_a_signed_in_officer(app, client, agency, categories,
                                                                       make_solicitation):
    clock.freeze(TODAY)
    source = make_solicitation()
    response = client.submit(copy_url(source.id))
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    login(client, agency.admin)  # an agency admin may copy too, with the form's token
    assert client.get(copy_url(source.id)).status_code == 405
    assert client.post(copy_url(source.id), data={}).status_code == 400
    assert client.submit(copy_url(404_404)).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Solicitation)) == 1
    assert client.submit(copy_url(source.id)).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Solicitation)) == 2

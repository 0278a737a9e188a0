"""Drafting through the staff pages: numbering, the full edit form (time zones, repeating rows,
blank rows), who may draft, every kind of bad input refused with nothing saved, and how the
Markdown an author writes is shown to the public."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core import clock
from app.extensions import db
from app.solicitations.models import (
    NoticeMedium,
    PriceFormula,
    Solicitation,
    SolicitationCounter,
    SolicitationStatus,
    SolicitationType,
)
from app.solicitations.services import DRAFT_FIELDS
from tests.accounts.helpers import Page, assert_field_error
from tests.conftest import login

UTC = timezone.utc
# Before every date the form below uses; a winter (EST) day.
TODAY = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)


def client_for(app, user):
    client = app.test_client()
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def edit_url(solicitation_id: int) -> str:
    return f"/agency/solicitations/{solicitation_id}/edit"


def full_form(category_ids, **changes) -> dict:
    """A complete, valid edit form as a browser sends it, with blank rows left in (one in the
    middle of the price sheet). Times are wall-clock times in the agency's zone."""
    data = {
        "title": "Student laptops and charging carts",
        "summary": "Laptops for every middle-school student, open to other public agencies.",
        "scope_md": "# Scope\n\nDeliver **laptops** to 12 middle schools.\n\n- Imaging\n- Asset tags",
        "terms_md": "Payment within 30 days of invoice.",
        "categories": [str(i) for i in category_ids],
        "estimated_value": "2500000.00",
        "initial_term_years": "3",
        "renewal_options": "2",
        "renewal_term_years": "1",
        "required_documents": ["w9", "references"],
        "bid_bond_percent": "5",
        "cooperative": "y",
        "cooperative_clause": "",
        "eligible_agency_types": ["school_district", "county"],
        "eligible_states": "va, nc ,",
        "admin_fee_percent": "1.5",
        "publish_at": "2027-03-01T09:00",            # EST
        "questions_due_at": "2027-03-05T16:00",      # EST
        "prebid_conference_at": "2027-03-03T10:30",  # EST
        "prebid_conference_location": "Board Room, 100 Main St",
        "due_at": "2027-03-16T14:00",                # EDT (clocks change on March 14, 2027)
        "opening_location": "Purchasing Office, 100 Main St",
        "criteria-0-name": "Technical approach", "criteria-0-description": "Fit to the specification",
        "criteria-0-points": "45",
        "criteria-1-name": "Experience and references", "criteria-1-description": "",
        "criteria-1-points": "15",
        "criteria-2-name": "Price", "criteria-2-description": "", "criteria-2-points": "40",
        "criteria-2-is_price": "y",
        "criteria-3-name": "", "criteria-3-description": "", "criteria-3-points": "",
        "criteria-4-name": " ", "criteria-4-description": "", "criteria-4-points": "",
        "items-0-description": "Laptop, 14-inch, 16 GB", "items-0-unit": "each",
        "items-0-estimated_quantity": "4000",
        "items-1-description": "", "items-1-unit": "", "items-1-estimated_quantity": "",
        "items-2-description": "Charging cart, 36 slots", "items-2-unit": "each",
        "items-2-estimated_quantity": "110.5",
        "items-3-description": "", "items-3-unit": "", "items-3-estimated_quantity": "",
        "notices-0-medium": "newspaper", "notices-0-outlet": "The County Courier",
        "notices-0-published_on": "2027-02-20",
        "notices-1-medium": "state_portal", "notices-1-outlet": "eVA",
        "notices-1-published_on": "2027-02-21",
        "notices-2-medium": "", "notices-2-outlet": "", "notices-2-published_on": "",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def snapshot(app, solicitation_id: int) -> dict:
    """Everything the edit form can change, plus the audit trail's length."""
    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        return {
            "fields": {name: getattr(s, name) for name in (*DRAFT_FIELDS, "status", "number", "type")},
            "categories": [c.id for c in s.categories],
            "criteria": [(c.id, c.position, c.name, c.description, c.points, c.is_price, c.price_formula)
                         for c in s.criteria],
            "items": [(i.id, i.position, i.description, i.unit, i.estimated_quantity) for i in s.items],
            "notices": [(n.id, n.medium, n.outlet, n.published_on) for n in s.notices],
            # Signing in is audited too; count the rest.
            "events": db.session.scalar(select(func.count()).select_from(AuditEvent)
                                        .where(AuditEvent.action.not_like("auth.%"))),
        }


def squash(text: str) -> str:
    return " ".join(text.split())


# ----------------------------------------------------------------------------- numbering
def test_officer_creates_drafts_numbered_per_agency_and_local_year(app, make_agency, categories):
    # 03:00 UTC on Jan 1, 2027 is still Dec 31, 2026 in New York: the agency's year is 2026.
    clock.freeze(datetime(2027, 1, 1, 3, 0, tzinfo=UTC))
    acps = make_agency("VA", short_code="ACPS")
    other = make_agency("TX", short_code="BVISD")
    officer = client_for(app, acps.officer)

    response = officer.get("/agency/solicitations/new")
    assert response.status_code == 200
    response = officer.submit("/agency/solicitations/new", {"type": "rfp", "title": "  Student laptops  "})
    assert response.status_code == 302
    with app.app_context():
        first = db.session.scalar(select(Solicitation).where(Solicitation.agency_id == acps.id))
        assert first.number == "ACPS-RFP-2026-001"
        assert first.title == "Student laptops"
        assert first.status == SolicitationStatus.DRAFT
        assert first.type == SolicitationType.RFP
        assert first.created_by_id == acps.officer.id
        # An RFP starts with criteria totalling 100, one of them price.
        assert first.total_points == Decimal(100)
        assert [c.is_price for c in first.criteria].count(True) == 1
        first_id = first.id
    assert response.headers["Location"].endswith(edit_url(first_id))
    page = officer.get(response.headers["Location"])
    assert page.status_code == 200 and "ACPS-RFP-2026-001" in page.get_data(as_text=True)

    # The sequence is per agency and year, across types.
    assert officer.submit("/agency/solicitations/new", {"type": "ifb", "title": "Bus tires"}).status_code == 302
    other_client = client_for(app, other.officer)
    assert other_client.submit("/agency/solicitations/new",
                               {"type": "rfq", "title": "Copy paper"}).status_code == 302
    # Chicago is in 2026 too at this instant.
    clock.advance(timedelta(hours=3))  # 06:00 UTC = 01:00 in New York: 2027 there now
    assert officer.submit("/agency/solicitations/new", {"type": "rfp", "title": "Turf"}).status_code == 302

    with app.app_context():
        numbers = db.session.scalars(select(Solicitation.number).order_by(Solicitation.id)).all()
        assert numbers == ["ACPS-RFP-2026-001", "ACPS-IFB-2026-002", "BVISD-RFQ-2026-001",
                           "ACPS-RFP-2027-001"]
        counters = {(c.agency_id, c.year): c.last_value for c in db.session.scalars(select(SolicitationCounter))}
        assert counters == {(acps.id, 2026): 2, (other.id, 2026): 1, (acps.id, 2027): 1}
        ifb = db.session.scalar(select(Solicitation).where(Solicitation.number == "ACPS-IFB-2026-002"))
        # An IFB is awarded on price alone.
        assert [(c.points, c.is_price) for c in ifb.criteria] == [(Decimal(100), True)]
        created = db.session.scalars(select(AuditEvent.data).where(
            AuditEvent.action == "solicitation.created").order_by(AuditEvent.seq)).all()
        assert [e["number"] for e in created] == numbers


def test_new_draft_needs_a_title_and_a_known_type(app, agency, categories):
    officer = client_for(app, agency.officer)
    response = officer.submit("/agency/solicitations/new", {"type": "rfp", "title": "   "})
    assert response.status_code == 200
    assert_field_error(Page.of(response), "title", "Enter a title.")
    response = officer.submit("/agency/solicitations/new", {"type": "auction", "title": "Buses"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Solicitation)) == 0
        assert db.session.scalar(select(func.count()).select_from(SolicitationCounter)) == 0


# ----------------------------------------------------------------------------- the full form
def test_full_form_saves_everything_in_the_agency_time_zone(app, agency, categories, make_solicitation,
                                                           audit_events):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    category_ids = [categories[0].id, categories[2].id]

    response = officer.submit(edit_url(draft.id), full_form(category_ids))
    assert response.status_code == 302, Page.of(response).alert_text()
    assert response.headers["Location"].endswith(f"/agency/solicitations/{draft.id}")
    assert "Draft saved." in officer.get(response.headers["Location"]).get_data(as_text=True)

    with app.app_context():
        s = db.session.get(Solicitation, draft.id)
        assert s.status == SolicitationStatus.DRAFT
        assert s.title == "Student laptops and charging carts"
        assert s.scope_md.startswith("# Scope")
        assert s.estimated_value == Decimal("2500000.00")
        assert (s.initial_term_years, s.renewal_options, s.renewal_term_years) == (3, 2, 1)
        assert s.required_documents == ["w9", "references"]
        assert s.bid_bond_percent == Decimal("5.00") and s.admin_fee_percent == Decimal("1.50")
        assert s.cooperative is True and s.cooperative_clause == ""
        assert s.eligible_agency_types == ["school_district", "county"]
        assert s.eligible_states == ["NC", "VA"]
        assert [c.id for c in s.categories] == category_ids  # ordered by code
        # Local New York wall-clock times stored as UTC, on both sides of the DST change.
        assert s.publish_at == datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
        assert s.questions_due_at == datetime(2027, 3, 5, 21, 0, tzinfo=UTC)
        assert s.prebid_conference_at == datetime(2027, 3, 3, 15, 30, tzinfo=UTC)
        assert s.due_at == datetime(2027, 3, 16, 18, 0, tzinfo=UTC)
        assert s.due_at.utcoffset() == timedelta(0)
        # Blank rows are ignored; the rest are numbered in order.
        assert [(c.position, c.name, c.points, c.is_price, c.price_formula) for c in s.criteria] == [
            (1, "Technical approach", Decimal(45), False, None),
            (2, "Experience and references", Decimal(15), False, None),
            (3, "Price", Decimal(40), True, PriceFormula.LOWEST_OVER_THIS),
        ]
        assert s.criteria[0].description == "Fit to the specification"
        assert [(i.position, i.description, i.unit, i.estimated_quantity) for i in s.items] == [
            (1, "Laptop, 14-inch, 16 GB", "each", Decimal(4000)),
            (2, "Charging cart, 36 slots", "each", Decimal("110.5")),
        ]
        assert sorted((n.medium, n.outlet, n.published_on) for n in s.notices) == [
            (NoticeMedium.NEWSPAPER, "The County Courier", date(2027, 2, 20)),
            (NoticeMedium.STATE_PORTAL, "eVA", date(2027, 2, 21)),
        ]
    saved = [e for e in audit_events(draft.id) if e.action == "solicitation.draft_saved"]
    assert saved[-1].data == {"number": draft.number, "criteria": 3, "items": 2, "notices": 2}
    assert saved[-1].actor_id == agency.officer.id

    # The form shows the stored values back in the agency's zone, with blank rows to add more.
    page = Page.of(officer.get(edit_url(draft.id)))
    assert page.value("due_at") == "2027-03-16T14:00"
    assert page.value("questions_due_at") == "2027-03-05T16:00"
    assert page.value("publish_at") == "2027-03-01T09:00"
    assert page.value("eligible_states") == "NC, VA"
    assert page.value("items-1-description") == "Charging cart, 36 slots"
    assert page.value("items-2-description") == ""  # a blank row to fill
    assert page.value("criteria-2-points") == "40.00"


@pytest.mark.parametrize(("tz", "due_utc"), [
    ("America/New_York", datetime(2027, 3, 16, 18, 0, tzinfo=UTC)),
    ("America/Chicago", datetime(2027, 3, 16, 19, 0, tzinfo=UTC)),
    ("America/Los_Angeles", datetime(2027, 3, 16, 21, 0, tzinfo=UTC)),
    ("Pacific/Honolulu", datetime(2027, 3, 17, 0, 0, tzinfo=UTC)),  # no daylight saving time
])
def test_form_times_are_read_in_the_agencys_zone(app, make_agency, categories, make_solicitation, tz, due_utc):
    clock.freeze(TODAY)
    lead = make_agency("VA", timezone=tz)
    draft = make_solicitation(agency=lead)
    officer = client_for(app, lead.officer)
    response = officer.submit(edit_url(draft.id), full_form([categories[0].id]))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Solicitation, draft.id).due_at == due_utc
    assert Page.of(officer.get(edit_url(draft.id))).value("due_at") == "2027-03-16T14:00"


def test_saving_again_keeps_row_ids_and_drops_removed_rows(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    assert officer.submit(edit_url(draft.id), full_form([categories[0].id])).status_code == 302
    with app.app_context():
        before = [i.id for i in db.session.get(Solicitation, draft.id).items]
    # The second item is cleared: only the first remains, with the same id.
    response = officer.submit(edit_url(draft.id), full_form(
        [categories[0].id], **{"items-2-description": "", "items-2-unit": "", "items-2-estimated_quantity": ""}))
    assert response.status_code == 302
    with app.app_context():
        s = db.session.get(Solicitation, draft.id)
        assert [(i.id, i.description) for i in s.items] == [(before[0], "Laptop, 14-inch, 16 GB")]


# ----------------------------------------------------------------------------- who may draft
@pytest.mark.parametrize("who", ["vendor", "evaluator", "approver", "buyer", "other_officer"])
def test_only_the_agencys_officers_draft_and_edit(app, agency, other_agency, vendor, categories,
                                                  make_solicitation, who):
    clock.freeze(TODAY)
    draft = make_solicitation()
    user = {"vendor": vendor, "evaluator": agency.evaluator, "approver": agency.approver,
            "buyer": agency.buyer, "other_officer": other_agency.officer}[who]
    before = snapshot(app, draft.id)
    client = client_for(app, user)

    if who != "other_officer":  # another agency's officer may draft for their own agency
        assert client.get("/agency/solicitations/new").status_code == 403
        assert client.submit("/agency/solicitations/new", {"type": "rfp", "title": "Sneaky"}).status_code == 403
    refused = 404 if who == "other_officer" else 403  # another agency's ids answer as missing ones
    assert client.get(edit_url(draft.id)).status_code == refused
    assert client.submit(edit_url(draft.id), full_form([categories[0].id])).status_code == refused

    assert snapshot(app, draft.id) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Solicitation)) == 1


def test_agency_admin_may_edit_and_anonymous_visitors_are_sent_to_sign_in(app, client, agency, categories,
                                                                         make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    response = client.get(edit_url(draft.id))
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    admin = client_for(app, agency.admin)
    assert admin.submit(edit_url(draft.id), full_form([categories[0].id])).status_code == 302


# ----------------------------------------------------------------------------- bad input
TYPED_TITLE = "A title typed into the refused form"
TYPED_SCOPE = "## Typed scope\n\nEverything the author wrote must come back."
TYPED_ITEM = "Typed item: interactive display, 86-inch"

BAD_INPUT = {
    # name: (changes, message, ids of the controls marked invalid)
    "weights_total_90": ({"criteria-0-points": "35"},
                         "The criteria must total 100 points; they total 90.",
                         ["criteria-0-points", "criteria-1-points", "criteria-2-points"]),
    "weights_total_110_5": ({"criteria-0-points": "55.5"},
                            "The criteria must total 100 points; they total 110.5.",
                            ["criteria-0-points", "criteria-1-points", "criteria-2-points"]),
    "no_price_criterion": ({"criteria-2-is_price": None},
                           "Mark exactly one criterion as the price criterion.",
                           ["criteria-0-is_price", "criteria-1-is_price", "criteria-2-is_price"]),
    "two_price_criteria": ({"criteria-1-is_price": "y"},
                           "Mark exactly one criterion as the price criterion.",
                           ["criteria-0-is_price", "criteria-1-is_price", "criteria-2-is_price"]),
    "due_before_questions": ({"due_at": "2027-03-05T15:59"},
                             "The questions deadline must come before the due date.",
                             ["questions_due_at"]),
    "due_equal_to_questions": ({"due_at": "2027-03-05T16:00"},
                               "The questions deadline must come before the due date.",
                               ["questions_due_at"]),
    "empty_price_sheet": ({"items-0-description": "", "items-0-unit": "", "items-0-estimated_quantity": "",
                           "items-2-description": "", "items-2-unit": "", "items-2-estimated_quantity": ""},
                          "The price sheet needs at least one item.",
                          ["items-0-description"]),
    "half_filled_item_row": ({"items-1-description": "Wall mount", "items-1-unit": ""},
                             "Enter the unit of this item, or clear the whole row.",
                             ["items-1-unit"]),
    "negative_quantity": ({"items-0-estimated_quantity": "-5"},
                          "The quantity must be more than zero.",
                          ["items-0-estimated_quantity"]),
    "zero_quantity": ({"items-0-estimated_quantity": "0"},
                      "The quantity must be more than zero.",
                      ["items-0-estimated_quantity"]),
    "huge_quantity": ({"items-0-estimated_quantity": "100000000000"}, "Enter at most 99,999,999,999.",
                      ["items-0-estimated_quantity"]),
    "huge_estimated_value": ({"estimated_value": "5000000000000"}, "Enter at most 999,999,999,999.",
                             ["estimated_value"]),
    "script_in_scope": ({"scope_md": TYPED_SCOPE + "\n\n<script>alert('x')</script>"},
                        "Remove “<script”", ["scope_md"]),
    "script_in_terms": ({"terms_md": "Net 30.\n\n<SCRIPT src=https://evil.example/x.js></SCRIPT>"},
                        "Remove “<SCRIPT”", ["terms_md"]),
    "javascript_link": ({"scope_md": TYPED_SCOPE + "\n\n[Pay here](javascript:alert(1))"},
                        "Remove “javascript:”", ["scope_md"]),
    "event_handler": ({"terms_md": "<a onclick=alert(1)>x</a>"}, "Remove “onclick=”", ["terms_md"]),
    "unknown_state": ({"eligible_states": "VA, ZZ"},
                      "Unknown state code: ZZ. Use codes like VA, NC, TX.", ["eligible_states"]),
    "half_filled_notice": ({"notices-2-outlet": "Daily Press"},
                           "Enter the publication date of this notice, or clear the whole row.",
                           ["notices-2-published_on"]),
    "no_category": ({"categories": None}, "Choose at least one category.", []),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_refused_with_nothing_saved(app, agency, categories, make_solicitation, case):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    before = snapshot(app, draft.id)
    changes, message, invalid = BAD_INPUT[case]
    form = full_form([categories[0].id], **{"title": TYPED_TITLE, "scope_md": TYPED_SCOPE,
                                            "items-0-description": TYPED_ITEM, **changes})
    if case == "empty_price_sheet":
        form["items-0-description"] = ""

    response = officer.submit(edit_url(draft.id), form)

    assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
    page = Page.of(response)
    assert message in squash(page.root.text), f"{message!r} not on the page"
    assert 'aria-invalid="true"' in page.html
    for field_id in invalid:
        control = page.by_id(field_id)
        assert control is not None, field_id
        assert control.attrs.get("aria-invalid") == "true", control
        described = control.attrs.get("aria-describedby", "").split()
        # The message is tied to the control: it is in one of the elements describing it.
        assert any(message in squash(page.by_id(i).text) for i in described if page.by_id(i)), \
            (field_id, described)
    # What was typed is still there.
    assert page.value("title") == TYPED_TITLE
    assert squash(page.value("scope_md")) == squash(form["scope_md"])
    assert squash(page.value("terms_md")) == squash(form["terms_md"])
    if form["items-0-description"]:
        assert page.value("items-0-description") == TYPED_ITEM
    if case == "half_filled_item_row":
        assert page.value("items-1-description") == "Wall mount"
    if case == "negative_quantity":
        assert page.value("items-0-estimated_quantity") == "-5"
    if case == "unknown_state":
        assert page.value("eligible_states") == "VA, ZZ"
    # Raw HTML the author typed is shown as text, never as markup.
    assert "<script>alert" not in page.html.lower() and "<script src=https://evil" not in page.html.lower()
    # Nothing was saved, not even the valid parts.
    assert snapshot(app, draft.id) == before


def test_a_published_solicitation_cannot_be_edited(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    published = make_solicitation("published")
    officer = client_for(app, agency.officer)
    before = snapshot(app, published.id)

    response = officer.get(edit_url(published.id))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agency/solicitations/{published.id}")
    response = officer.submit(edit_url(published.id), full_form([categories[0].id]), follow_redirects=True)
    assert response.status_code == 200
    assert "Only a draft can be edited. A published solicitation changes through an addendum." in \
        response.get_data(as_text=True)
    assert snapshot(app, published.id) == before
    # The staff page offers no edit link.
    assert edit_url(published.id) not in officer.get(f"/agency/solicitations/{published.id}").get_data(as_text=True)


def test_a_solicitation_awaiting_approval_cannot_be_edited_either(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    pending = make_solicitation("pending_approval")
    before = snapshot(app, pending.id)
    officer = client_for(app, agency.officer)
    response = officer.submit(edit_url(pending.id), full_form([categories[0].id]))
    assert response.status_code == 302
    assert snapshot(app, pending.id) == before


# ----------------------------------------------------------------------------- rendering
SCOPE_MD = """\
# Scope

Deliver **laptops** and *carts* to every school.

## Sites

<b>not bold</b> <u>not underlined</u> <div class="x">no div</div>

<script>alert('scope')</script>

[bad link](javascript:alert(1)) and [good link](https://example.org/spec)
"""


def test_markdown_renders_as_html_and_raw_html_is_escaped(app, client, categories, make_solicitation):
    clock.freeze(TODAY)
    # Stored directly (the form would refuse the script): rendering must be safe on its own.
    published = make_solicitation("published", scope_md=SCOPE_MD,
                                  terms_md="### Payment\n\n<img src=x onerror=alert(2)> Net 30.")
    html = client.get(f"/solicitations/{published.number}").get_data(as_text=True)

    # Author headings sit below the page's own: # becomes h3, ## h4, ### h5.
    assert "<h3>Scope</h3>" in html and "<h4>Sites</h4>" in html and "<h5>Payment</h5>" in html
    assert html.count("<h1") == 1
    assert "<strong>laptops</strong>" in html and "<em>carts</em>" in html
    # Raw HTML is shown as text.
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold</b>" not in html
    assert "&lt;u&gt;not underlined&lt;/u&gt;" in html
    assert "&lt;script&gt;alert(&#39;scope&#39;)&lt;/script&gt;" in html or \
        "&lt;script&gt;alert('scope')&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "<img" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")
    # Only safe links are kept.
    assert 'href="javascript' not in html.lower()
    assert '<a href="https://example.org/spec" rel="noopener noreferrer nofollow">good link</a>' in html


def test_harmless_html_passes_the_form_and_is_shown_as_text(app, client, agency, categories,
                                                           make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    scope = "# Scope\n\nUse <b>bold</b> sparingly; 5 < 6 & 7 > 3."
    response = officer.submit(edit_url(draft.id), full_form([categories[0].id], scope_md=scope,
                                                            publish_at=""))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Solicitation, draft.id).scope_md == scope

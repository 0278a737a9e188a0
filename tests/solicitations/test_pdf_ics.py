"""The solicitation PDF and calendar export, read back the way a vendor's software would."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from icalendar import Calendar
from pypdf import PdfReader

from app.accounts.models import AgencyType, Organization
from app.core.pdf import markdown_flowables
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from app.solicitations.communications import Addendum
from app.solicitations.exports import solicitation_ics
from app.solicitations.models import (
    Category,
    DemandEstimate,
    EvaluationCriterion,
    NoticeMedium,
    PriceFormula,
    PriceSheetItem,
    PublicNotice,
    Solicitation,
    SolicitationStatus,
    SolicitationType,
)
from app.solicitations.pdf import render_solicitation_pdf
from app.solicitations.services import estimated_volume

UTC = timezone.utc
DUE = datetime(2027, 3, 16, 19, 0, tzinfo=UTC)  # 2:00 PM CDT in the agency's zone
QUESTIONS = datetime(2027, 3, 5, 22, 0, tzinfo=UTC)
PREBID = datetime(2027, 2, 24, 15, 30, tzinfo=UTC)
CRITERIA = ("Technical approach and product quality", "Experience and references", "Price")
ITEMS = ("Copy paper, 8.5 x 11, 20 lb, white, case of 10 reams",
         "Toner cartridge, black, high yield, compatible with HP LaserJet M404",
         "Recycled file folders, letter size, 1/3 cut tab, box of 100")
CLAUSE = "Any public agency in Texas or Oklahoma may purchase under this contract on the same terms."


def _pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    # Table cells wrap: compare on single spaces.
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _published_solicitation(app, make_org, make_user) -> int:
    agency_id = make_org(OrganizationKind.AGENCY, name="Brazos Valley ISD", state="TX",
                         agency_type=AgencyType.SCHOOL_DISTRICT, timezone="America/Chicago")
    partner_id = make_org(OrganizationKind.AGENCY, name="Lake County", state="OK",
                          agency_type=AgencyType.COUNTY)
    officer = make_user(Role.PROCUREMENT_OFFICER, org_id=agency_id)
    with app.app_context():
        agency = db.session.get(Organization, agency_id)
        categories = [Category(code="615-00", name="Office supplies"),
                      Category(code="620-00", name="Paper products")]
        s = Solicitation(
            agency=agency, number="BVISD-RFP-2027-001", type=SolicitationType.RFP,
            status=SolicitationStatus.PUBLISHED, title="Office Supplies & Paper",
            summary="Office supplies for all campuses, open to other public agencies.",
            scope_md="## Deliverables\n\n- Next-day delivery to **every** campus\n- Online ordering "
                     "with `punch-out` support\n\n| Campus | Deliveries |\n|---|---|\n| High | 3 |",
            terms_md="Payment within *30 days* of invoice (Tex. Gov't Code § 2251 & similar).",
            initial_term_years=2, renewal_options=3, renewal_term_years=1,
            required_documents=["w9", "insurance_certificate", "non_collusion_affidavit"],
            bid_bond_percent=Decimal("5.00"), cooperative=True, cooperative_clause=CLAUSE,
            eligible_agency_types=["school_district", "county"], eligible_states=["TX", "OK"],
            admin_fee_percent=Decimal("2.00"),
            publish_at=datetime(2027, 2, 15, 14, 0, tzinfo=UTC), questions_due_at=QUESTIONS,
            prebid_conference_at=PREBID, prebid_conference_location="Board Room, 100 Main St",
            due_at=DUE, opening_location="Purchasing Office, 100 Main St",
            created_by_id=officer.id, approved_by_id=officer.id,
            approved_at=datetime(2027, 2, 10, tzinfo=UTC),
            published_at=datetime(2027, 2, 15, 14, 0, tzinfo=UTC),
            categories=categories,
            criteria=[
                EvaluationCriterion(position=1, name=CRITERIA[0], points=Decimal(40),
                                    description="Quality, range and substitutions policy."),
                EvaluationCriterion(position=2, name=CRITERIA[1], points=Decimal(20)),
                EvaluationCriterion(position=3, name=CRITERIA[2], points=Decimal(40), is_price=True,
                                    price_formula=PriceFormula.LOWEST_OVER_THIS),
            ],
            items=[PriceSheetItem(position=i, description=d, unit="each", estimated_quantity=Decimal(q))
                   for i, (d, q) in enumerate(zip(ITEMS, (1200, 300, 75)), start=1)],
            notices=[PublicNotice(medium=NoticeMedium.NEWSPAPER, outlet="The Eagle",
                                  published_on=date(2027, 2, 15))],
        )
        db.session.add(s)
        db.session.flush()
        db.session.add(DemandEstimate(item_id=s.items[0].id, agency_id=partner_id, quantity=Decimal(50),
                                      updated_at=datetime(2027, 2, 1, tzinfo=UTC)))
        db.session.add(Addendum(solicitation=s, number=1, title="Revised delivery schedule",
                                body_md="Deliveries move to Tuesdays.", issued_by_id=officer.id,
                                previous_due_at=DUE - timedelta(days=2), new_due_at=DUE,
                                published_at=datetime(2027, 3, 1, 16, 0, tzinfo=UTC)))
        db.session.commit()
        return s.id


def test_solicitation_pdf_has_every_part(app, make_org, make_user):
    solicitation_id = _published_solicitation(app, make_org, make_user)
    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        data = render_solicitation_pdf(s, estimated_volume(s))

    reader, content = _pdf_text(data)
    assert data.startswith(b"%PDF")
    assert reader.metadata.title == "BVISD-RFP-2027-001 Office Supplies & Paper"
    assert reader.metadata.author == "Brazos Valley ISD"
    for expected in ("Office Supplies & Paper", "BVISD-RFP-2027-001", "Brazos Valley ISD", "Texas",
                     "Cooperative solicitation", *CRITERIA, *ITEMS, CLAUSE,
                     "Tuesday, March 16, 2027, 2:00 PM CDT",  # due date in the agency's zone
                     "Board Room, 100 Main St", "Purchasing Office, 100 Main St",
                     "The Eagle", "29 calendar days", "lowest total price", "Total 100",
                     "1,200 50 1,250",  # lead + participants = total volume, line 1
                     "IRS Form W-9", "Non-collusion affidavit", "5% of the response total",
                     "Renewal options: 3 × 1 year", "Maximum term: 5 years",
                     "School district, County", "Texas, Oklahoma", "2% of participating",
                     "Revised delivery schedule", "Next-day delivery to every campus",
                     "Tex. Gov't Code § 2251 & similar"):
        assert expected in content, expected
    pages = len(reader.pages)
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"page {number} of {pages}" in content
    assert "CoopBid · BVISD-RFP-2027-001 Office Supplies & Paper" in reader.pages[0].extract_text()


def test_bare_draft_still_renders(app, make_org, make_user):
    agency_id = make_org(OrganizationKind.AGENCY)
    officer = make_user(Role.PROCUREMENT_OFFICER, org_id=agency_id)
    with app.app_context():
        agency = db.session.get(Organization, agency_id)
        draft = Solicitation(agency=agency, number="IFB-2027-001", type=SolicitationType.IFB,
                             title="Bus tires", created_by_id=officer.id)
        db.session.add(draft)
        db.session.flush()
        _, content = _pdf_text(render_solicitation_pdf(draft, estimated_volume(draft)))
        assert "Bus tires" in content and "IFB-2027-001" in content
        assert "Not yet set" in content and "page 1 of" in content

        # Not even the column defaults applied: every optional value is None.
        empty = Solicitation(agency=agency, number="RFQ-2027-002", type=SolicitationType.RFQ, title="",
                             summary=None, scope_md=None, terms_md=None, cooperative=None,
                             initial_term_years=None, renewal_options=None, required_documents=None,
                             eligible_agency_types=None, eligible_states=None)
        _, content = _pdf_text(render_solicitation_pdf(empty, []))
        assert "RFQ-2027-002" in content and "Untitled solicitation" in content
        db.session.rollback()


def test_markdown_flowables_escape_author_text():
    # Angle brackets and ampersands are text, not ReportLab markup; nothing raises.
    flowables = markdown_flowables("5 < 6 & <b>not bold</b>\n\n1. a\n2. b\n\n```\nx < y\n```")
    assert flowables


def test_calendar_has_each_date_in_utc(app, make_org, make_user):
    solicitation_id = _published_solicitation(app, make_org, make_user)
    url = "https://coopbid.example/solicitations/BVISD-RFP-2027-001"
    with app.app_context():
        data = solicitation_ics(db.session.get(Solicitation, solicitation_id), url)

    calendar = Calendar.from_ical(data)
    assert str(calendar["prodid"]) == "-//CoopBid//Solicitations//EN"
    assert str(calendar["version"]) == "2.0"
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"BVISD-RFP-2027-001-questions@coopbid", "BVISD-RFP-2027-001-prebid@coopbid",
                           "BVISD-RFP-2027-001-due@coopbid"}
    due = events["BVISD-RFP-2027-001-due@coopbid"]
    assert due.decoded("dtstart") == DUE and due.decoded("dtstart").utcoffset() == timedelta(0)
    assert due.decoded("dtend") == DUE + timedelta(hours=1)
    assert str(due["location"]) == "Purchasing Office, 100 Main St"
    assert "BVISD-RFP-2027-001" in str(due["summary"]) and url in str(due["description"])
    assert str(due["url"]) == url
    assert events["BVISD-RFP-2027-001-questions@coopbid"].decoded("dtstart") == QUESTIONS
    assert events["BVISD-RFP-2027-001-prebid@coopbid"].decoded("dtstart") == PREBID
    assert b"DTSTART:20270316T190000Z" in data
    assert all("dtstamp" in e for e in events.values())


def test_calendar_leaves_out_unset_dates(app, make_org, make_user):
    agency_id = make_org(OrganizationKind.AGENCY)
    officer = make_user(Role.PROCUREMENT_OFFICER, org_id=agency_id)
    with app.app_context():
        draft = Solicitation(agency=db.session.get(Organization, agency_id), number="RFP-2027-009",
                             type=SolicitationType.RFP, title="Fleet fuel", created_by_id=officer.id,
                             due_at=DUE)
        db.session.add(draft)
        db.session.flush()
        calendar = Calendar.from_ical(solicitation_ics(draft, "https://coopbid.example/s/9"))
        db.session.rollback()
    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == ["RFP-2027-009-due@coopbid"]

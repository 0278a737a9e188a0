"""The solicitation document (RFP / IFB / RFQ) as a PDF: what a vendor downloads and what the
agency files. Pure: reads the solicitation and the estimated volume, returns bytes. Drafts
render too (preview before approval), so every optional value may be missing."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from reportlab.lib.styles import StyleSheet1
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from app.accounts.models import AgencyType
from app.core.geo import US_STATES
from app.core.pdf import (
    CONTENT_WIDTH,
    banner,
    build_pdf,
    bullet_list,
    data_table,
    markdown_flowables,
    pdf_styles,
    text,
)
from app.core.templating import format_datetime
from app.solicitations.models import REQUIRED_DOCUMENT_TYPES, PriceSheetItem, Solicitation

Volume = Sequence[tuple[PriceSheetItem, Decimal, Decimal]]

LONG_DATETIME = "%A, %B %-d, %Y, %-I:%M %p %Z"
SHORT_DATETIME = "%b %-d, %Y %-I:%M %p %Z"
NOT_SET = "Not yet set"


def render_solicitation_pdf(solicitation: Solicitation, volume: Volume) -> bytes:
    """`volume` is services.estimated_volume(solicitation): (item, lead qty, participants' qty)."""
    styles = pdf_styles()
    story: list[Flowable] = []
    for section in (_cover, _timeline, _notices, _scope, _evaluation, _price_sheet, _requirements,
                    _cooperative, _addenda):
        story += section(solicitation, styles, volume)
    return build_pdf(
        story,
        title=f"{solicitation.number} {solicitation.title or ''}".strip(),
        subject=_type_label(solicitation),
        author=solicitation.agency.name,
        invariant=True,  # its SHA-256 is in the contract's evidence packet, checked by rendering again
    )


# ----------------------------------------------------------------------------- formatting
def _when(solicitation: Solicitation, value: datetime | None, fmt: str = LONG_DATETIME) -> str:
    """Always the agency's zone with its abbreviation: the deadline is the agency's clock."""
    return format_datetime(value, _zone(solicitation), fmt) if value else NOT_SET


def _zone(solicitation: Solicitation) -> str:
    # Passed explicitly: format_datetime would otherwise ask the request for the viewer's zone.
    return solicitation.agency.timezone or "UTC"


def _number(value: Decimal | int | None) -> str:
    """1250.000 -> "1,250"; 12.5 -> "12.5" (quantities and points are stored with fixed scale)."""
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():,f}"


def _years(value: int | None) -> str:
    return NOT_SET.lower() if value is None else f"{value} year{'' if value == 1 else 's'}"


def _type_label(solicitation: Solicitation) -> str:
    return f"{solicitation.type.code} — {solicitation.type.label}" if solicitation.type else ""


def _heading(title: str, styles: StyleSheet1) -> Paragraph:
    return Paragraph(text(title), styles["heading"])


def _para(value: str, styles: StyleSheet1, style: str = "body") -> Paragraph:
    return Paragraph(text(value), styles[style])


def _markdown_or(source: str | None, fallback: str, styles: StyleSheet1) -> list[Flowable]:
    flowables = markdown_flowables(source, styles) if (source or "").strip() else []
    return flowables or [_para(fallback, styles, "small")]


# ----------------------------------------------------------------------------- sections
def _cover(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    agency = s.agency
    place = agency.state_name or agency.state or ""
    story: list[Flowable] = [
        _para(agency.name, styles, "subheading"),
        _para(place, styles, "small"),
        Spacer(0, 36),
        _para(f"Solicitation No. {s.number}", styles, "subtitle"),
        _para(_type_label(s), styles, "subtitle"),
        Paragraph(text(s.title or "Untitled solicitation"), styles["title"]),
    ]
    if s.cooperative:
        story.append(banner("Cooperative solicitation: other public agencies may purchase under the "
                            "resulting contract. See Cooperative terms.", styles))
    if not s.is_public:
        story.append(_para(f"Status: {s.status.label if s.status else 'Draft'}. "
                           "This document has not been advertised and may change.", styles, "small"))
    if (s.summary or "").strip():
        story.append(_para(s.summary, styles))
    story.append(Spacer(0, 12))
    story.append(Paragraph(f"<b>Responses due:</b> {text(_when(s, s.due_at))}", styles["body"]))
    if s.categories:
        codes = "; ".join(str(c) for c in s.categories)
        story.append(Paragraph(f"<b>Categories:</b> {text(codes)}", styles["body"]))
    story.append(PageBreak())
    return story


def _timeline(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    rows = [
        ("Published", _when(s, s.published_at)) if s.published_at
        else ("Scheduled publication", _when(s, s.publish_at)),
        ("Questions due", _when(s, s.questions_due_at)),
        ("Pre-bid conference",
         _when(s, s.prebid_conference_at) if s.prebid_conference_at else "None scheduled"),
    ]
    if s.prebid_conference_at:
        rows.append(("Pre-bid conference location", s.prebid_conference_location or NOT_SET))
    rows += [
        ("Responses due and public opening", _when(s, s.due_at)),
        ("Opening location", s.opening_location or NOT_SET),
    ]
    return [
        _heading("Timeline", styles),
        data_table(("Event", "Date, time or place"), rows, styles=styles,
                   col_widths=(0.38 * CONTENT_WIDTH, 0.62 * CONTENT_WIDTH)),
        _para(f"All times are in the agency's time zone ({_zone(s)}). Late responses are "
              "not accepted.", styles, "small"),
    ]


def _notices(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    story: list[Flowable] = [_heading("Public notice", styles)]
    if not s.notices:
        return story + [_para("No public notice has been recorded yet.", styles, "small")]
    rows = [(n.medium.label if n.medium else "", n.outlet, f"{n.published_on:%B %-d, %Y}")
            for n in s.notices]
    widths = [w * CONTENT_WIDTH for w in (0.25, 0.5, 0.25)]
    story.append(data_table(("Medium", "Outlet", "Published"), rows, col_widths=widths, styles=styles))
    days = s.notice_days
    if days is not None:
        story.append(_para(f"{days} calendar days from the first notice "
                           f"({s.first_notice_on:%B %-d, %Y}) to the opening.", styles))
    return story


def _scope(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    return [
        _heading("Scope of work", styles),
        *_markdown_or(s.scope_md, "The scope has not been written yet.", styles),
        _heading("Terms and conditions", styles),
        *_markdown_or(s.terms_md, "No terms have been written yet.", styles),
    ]


def _evaluation(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    story: list[Flowable] = [_heading("Evaluation criteria", styles)]
    if not s.criteria:
        return story + [_para("Evaluation criteria have not been set yet.", styles, "small")]
    rows: list[tuple[object, ...]] = []
    for criterion in s.criteria:
        description = text(criterion.description or "")
        if criterion.is_price and criterion.price_formula:
            formula = f"<i>Price score = {text(criterion.price_formula.description)}</i>"
            description = f"{description}<br/>{formula}" if description else formula
        rows.append((criterion.position, criterion.name, Paragraph(description, styles["td"]),
                     _number(criterion.points)))
    rows.append(("", Paragraph("<b>Total</b>", styles["td"]), "", _number(s.total_points)))
    widths = (0.06 * CONTENT_WIDTH, 0.3 * CONTENT_WIDTH, 0.52 * CONTENT_WIDTH, 0.12 * CONTENT_WIDTH)
    story.append(data_table(("#", "Criterion", "Description", "Points"), rows, col_widths=widths,
                            numeric={3}, styles=styles))
    return story


def _price_sheet(s: Solicitation, styles: StyleSheet1, volume: Volume) -> list[Flowable]:
    story: list[Flowable] = [_heading("Price sheet and estimated volume", styles)]
    if not volume:
        return story + [_para("No price-sheet lines have been entered yet.", styles, "small")]
    rows = [(item.line_number, item.description, item.unit, _number(lead), _number(participants),
             _number((lead or 0) + (participants or 0))) for item, lead, participants in volume]
    widths = [w * CONTENT_WIDTH for w in (0.08, 0.36, 0.11, 0.15, 0.15, 0.15)]
    story.append(data_table(
        ("Line", "Description", "Unit", "Lead agency est. qty", "Participating agencies est. qty",
         "Total est. volume"), rows, col_widths=widths, numeric={0, 3, 4, 5}, styles=styles))
    story.append(_para("Quantities are estimates for pricing and evaluation. Participating "
                       "agencies' quantities are the estimates they have stated to the lead agency.",
                       styles, "small"))
    return story


def _requirements(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    story: list[Flowable] = [_heading("Required vendor documents", styles)]
    documents = s.required_documents or []
    if documents:
        story.append(bullet_list([REQUIRED_DOCUMENT_TYPES.get(key, key) for key in documents], styles))
    else:
        story.append(_para("No documents beyond the response itself.", styles))
    story.append(_heading("Bid bond", styles))
    story.append(_para(f"A bid bond of {_number(s.bid_bond_percent)}% of the response total is required."
                       if s.bid_bond_percent else "No bid bond is required.", styles))
    story.append(_heading("Contract term", styles))
    term = f"Initial term: {_years(s.initial_term_years)}."
    if s.renewal_options:
        term += (f" Renewal options: {s.renewal_options} × {_years(s.renewal_term_years)}, at the "
                 "agency's option.")
        if s.initial_term_years and s.renewal_term_years:
            longest = s.initial_term_years + s.renewal_options * s.renewal_term_years
            term += f" Maximum term: {_years(longest)}."
    else:
        term += " No renewal options."
    story.append(_para(term, styles))
    return story


def _cooperative(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    story: list[Flowable] = [_heading("Cooperative terms", styles)]
    if not s.cooperative:
        return story + [_para(f"This solicitation is for {s.agency.name} only; other agencies may not "
                              "purchase under the resulting contract.", styles)]
    # The clause is plain text; blank lines separate its paragraphs.
    blocks = s.cooperative_clause_text.split("\n\n")
    story += [_para(block, styles) for block in blocks if block.strip()]
    types = ", ".join(_agency_type_label(t) for t in s.eligible_agency_types or []) or "All"
    states = ", ".join(US_STATES.get(code, code) for code in s.eligible_states or []) or "All"
    fee = (f"{_number(s.admin_fee_percent)}% of participating agencies' purchases"
           if s.admin_fee_percent else "None")
    story.append(data_table(("Term", "Value"), [
        ("Eligible agency types", types), ("Eligible states", states), ("Administrative fee", fee),
    ], col_widths=(0.3 * CONTENT_WIDTH, 0.7 * CONTENT_WIDTH), styles=styles))
    return story


def _agency_type_label(value: str) -> str:
    try:
        return AgencyType(value).label
    except ValueError:
        return value


def _addenda(s: Solicitation, styles: StyleSheet1, _volume: Volume) -> list[Flowable]:
    story: list[Flowable] = [_heading("Addenda", styles)]
    addenda = s.published_addenda
    if not addenda:
        return story + [_para("No addenda have been issued.", styles)]
    rows = [(a.number, a.title, _when(s, a.published_at, SHORT_DATETIME),
             _when(s, a.new_due_at, SHORT_DATETIME) if a.new_due_at else "—") for a in addenda]
    widths = [w * CONTENT_WIDTH for w in (0.08, 0.42, 0.25, 0.25)]
    story.append(data_table(("No.", "Title", "Issued", "New due date"), rows, col_widths=widths,
                            numeric={0}, styles=styles))
    story.append(_para("Vendors must acknowledge every addendum before submitting a response.",
                       styles, "small"))
    return story

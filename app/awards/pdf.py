"""The public notice of intent to award / award as a PDF."""
from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from app.core.pdf import CONTENT_WIDTH, banner, build_pdf, data_table, pdf_styles, text
from app.core.templating import format_money

WHEN = "%B %-d, %Y, %-I:%M %p %Z"


def render_award_notice_pdf(s, recommendation, bids) -> bytes:  # noqa: ANN001
    styles = pdf_styles()
    awarded = s.status.value == "awarded"
    winners = sorted(b.vendor.name for b in recommendation.bids)
    story: list[Flowable] = [
        Paragraph("Award" if awarded else "Notice of intent to award", styles["title"]),
        Paragraph(text(f"{s.number} — {s.title}"), styles["subtitle"]),
        banner(text(("Awarded to: " if awarded else "Intended award to: ") + ", ".join(winners)), styles),
        data_table(["", ""], [
            ["Lead agency", f"{s.agency.name} ({s.agency.state_name})"],
            ["Notice issued", s.local(recommendation.intent_issued_at).strftime(WHEN)],
            ["Protest period", f"{recommendation.protest_days} calendar days, until "
                               f"{s.local(recommendation.protest_ends_at).strftime(WHEN)} "
                               f"({recommendation.protest_days_source})"],
            *([["Awarded", s.local(s.awarded_at).strftime(WHEN)]] if s.awarded_at else []),
            *([["Board approval", f"{recommendation.board_approved_on} ({recommendation.board_reference})"]]
              if recommendation.board_approved_on else []),
        ], col_widths=[CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.7], styles=styles),
        Paragraph("Bids received", styles["heading"]),
        data_table(["Bidder", "Total", "Recommended"], [
            [b.vendor.name, format_money(b.total), "yes" if b in recommendation.bids else ""] for b in bids],
            numeric={1}, styles=styles),
        Paragraph("Justification", styles["heading"]),
        Paragraph(text(recommendation.justification), styles["body"]),
    ]
    return build_pdf(story, title=f"Award notice {s.number}", subject=s.title)

"""Bid receipts and the bid tabulation as PDFs (shared styles from app.core.pdf)."""
from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer

from app.bids.models import BidVersion, VersionKind
from app.bids.opening import Tabulation
from app.core.pdf import CONTENT_WIDTH, banner, build_pdf, data_table, pdf_styles, text
from app.core.templating import format_money, format_number, format_unit_price

LONG_DATETIME = "%A, %B %-d, %Y, %-I:%M:%S %p %Z"
BIDDERS_PER_TABLE = 4


def render_receipt_pdf(version: BidVersion) -> bytes:
    """What the vendor keeps: enough to prove later what was submitted, nothing more (no prices:
    the receipt may be forwarded or filed where others can read it)."""
    bid = version.bid
    s = bid.solicitation
    styles = pdf_styles()
    withdrawal = version.kind == VersionKind.WITHDRAWAL
    title = "Receipt: bid withdrawn" if withdrawal else "Receipt: sealed bid received"
    story: list[Flowable] = [
        Paragraph(text(title), styles["title"]),
        Paragraph(text(f"{s.number} — {s.title}"), styles["subtitle"]),
        banner(f"Receipt number {text(version.receipt_number)}", styles),
        data_table(["", ""], [
            ["Bidder", bid.vendor.name],
            ["Lead agency", s.agency.name],
            ["Version", f"{version.number} ({'withdrawal' if withdrawal else 'submission'})"],
            ["Received (server time)", s.local(version.accepted_at).strftime(LONG_DATETIME)],
            ["Received (UTC)", version.accepted_at.strftime("%Y-%m-%d %H:%M:%S.%f UTC")],
            ["Bids due", s.local(s.due_at).strftime(LONG_DATETIME) if s.due_at else "—"],
            ["Submitted by", version.created_by.name],
        ], col_widths=[CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.7], styles=styles),
        Paragraph("SHA-256 digest of the canonical bid content", styles["subheading"]),
        Paragraph(text(version.digest), styles["code"]),
        Paragraph(text(
            "The digest covers every unit price, the notes, the attestations, the acknowledged addenda and "
            "the SHA-256 of every uploaded file, in a canonical form. The bid stays encrypted until the "
            "public opening; after it, anyone can check this receipt against the opened bid on the "
            "“Verify a receipt” page of CoopBid. Only the latest version of a bid counts."), styles["body"]),
    ]
    return build_pdf(story, title=f"Receipt {version.receipt_number}", subject=s.number)


def render_tabulation_pdf(tab: Tabulation) -> bytes:
    s = tab.solicitation
    styles = pdf_styles()
    story: list[Flowable] = [
        Paragraph("Bid tabulation", styles["title"]),
        Paragraph(text(f"{s.number} — {s.title}"), styles["subtitle"]),
        Paragraph(text(f"Opened {s.local(s.opened_at).strftime(LONG_DATETIME)}. {len(tab.bids)} bid"
                       f"{'s' if len(tab.bids) != 1 else ''} opened. Unit price, with the extended price "
                       "(unit price × estimated quantity) below it. “Lowest” marks the lowest unit price "
                       "on each line among bids not found non-responsive."), styles["body"]),
    ]
    if not tab.bids:
        story.append(Paragraph("No bids were received.", styles["body"]))
    for start in range(0, len(tab.bids), BIDDERS_PER_TABLE):
        group = tab.bids[start:start + BIDDERS_PER_TABLE]
        indexes = range(start, start + len(group))
        header = ["Line", "Item", "Qty", *[b.vendor.name for b in group]]
        rows = []
        for row in tab.rows:
            cells = []
            for i in indexes:
                cell = row.cells[i]
                if cell is None or cell.unit_price is None:
                    cells.append("no price")
                    continue
                mark = "<b>Lowest</b><br/>" if row.is_lowest(cell) else ""
                cells.append(Paragraph(f"{mark}{text(format_unit_price(cell.unit_price))}<br/>"
                                       f"<font size=7.5>{text(format_money(cell.extended))}</font>",
                                       styles["td_right"]))
            rows.append([row.item.position, f"{row.item.description} ({row.item.unit})",
                         format_number(row.item.estimated_quantity), *cells])
        totals = [Paragraph(("<b>Lowest</b><br/>" if tab.is_lowest_total(b) else "")
                            + f"<b>{text(format_money(b.total))}</b>", styles["td_right"]) for b in group]
        rows.append(["", "Total", "", *totals])
        rows.append(["", "Responsiveness", "", *[b.responsiveness.label for b in group]])
        bidder_width = (CONTENT_WIDTH * 0.62) / len(group)
        story.append(data_table(header, rows, numeric=set(range(2, 3 + len(group))), styles=styles,
                                col_widths=[CONTENT_WIDTH * 0.08, CONTENT_WIDTH * 0.22, CONTENT_WIDTH * 0.08,
                                            *[bidder_width] * len(group)]))
        story.append(Spacer(1, 8))
    return build_pdf(story, title=f"Bid tabulation {s.number}", subject=s.title)

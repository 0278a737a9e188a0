"""The evaluation report as a PDF: committee and attestations, scores per evaluator and criterion,
consensus changes, the price calculation, the ranking and the recommendation."""
from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from app.core.pdf import CONTENT_WIDTH, build_pdf, data_table, pdf_styles, text
from app.core.templating import format_money
from app.evaluation.services import Results, members, technical_criteria

WHEN = "%b %-d, %Y %-I:%M %p %Z"
ROWS_PER_TABLE = 200


def _tables(header: list[str], rows: list[list[object]], **kwargs: object) -> list[Flowable]:
    """Tables of a few hundred rows each: ReportLab splits one huge table across pages in
    quadratic time (a 19,000-row score table took minutes)."""
    return [data_table(header, rows[start:start + ROWS_PER_TABLE], **kwargs)
            for start in range(0, max(len(rows), 1), ROWS_PER_TABLE)]


def _points(value) -> str:  # noqa: ANN001
    return "—" if value is None else f"{value:.2f}"


def render_evaluation_report(res: Results, recommendation=None) -> bytes:  # noqa: ANN001
    s = res.solicitation
    styles = pdf_styles()
    story: list[Flowable] = [
        Paragraph("Evaluation report", styles["title"]),
        Paragraph(text(f"{s.number} — {s.title}"), styles["subtitle"]),
        Paragraph(text(f"{s.agency.name}. {len(res.bids)} responsive bid(s) evaluated."), styles["body"]),
    ]

    committee = members(s)
    story.append(Paragraph("Committee and conflict-of-interest statements", styles["heading"]))
    story.append(data_table(["Member", "Role", "Statement"], [
        [m.user.name, "Chair" if m.is_chair else "Evaluator",
         ("Declared a conflict and was excluded: " + (m.conflict_disclosure or "")) if m.has_conflict
         else (f"No conflict, signed {s.local(m.attested_at).strftime(WHEN)}" if m.attested_at else "Not signed")]
        for m in committee] or [["—", "", "No committee (price-only evaluation)"]],
        col_widths=[CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.15, CONTENT_WIDTH * 0.55], styles=styles))

    price = s.price_criterion
    if price is not None and res.lowest_total is not None and not res.is_price_only:
        story.append(Paragraph("Price calculation", styles["heading"]))
        story.append(Paragraph(text(f"Price points = lowest total ({format_money(res.lowest_total)}) ÷ this bid's "
                                    f"total × {price.points:.2f} points."), styles["body"]))
        story.extend(_tables(["Bidder", "Total price", "Price points"], [
            [res.bids[r.key].vendor.name, format_money(res.bids[r.key].total), _points(r.price_points)]
            for r in res.ranked], numeric={1, 2}, styles=styles))

    if not res.is_price_only:
        active = [m for m in committee if m.may_see_proposals]
        story.append(Paragraph("Scores by evaluator and criterion", styles["heading"]))
        header = ["Bidder", "Criterion (max)", *[m.user.name for m in active], "Used", "Basis"]
        rows = []
        for bid in sorted(res.bids.values(), key=lambda b: b.vendor.name):
            for c in technical_criteria(s):
                key = (bid.id, c.id)
                by_member = {sc.member_id: sc.points for sc in res.scores.get(key, [])}
                rows.append([bid.vendor.name, f"{c.name} ({c.points:.0f})",
                             *[_points(by_member.get(m.id)) for m in active], _points(res.points.get(key)),
                             "consensus" if key in res.consensus else "average"])
        width = CONTENT_WIDTH / (len(header) + 2)
        story.extend(_tables(header, rows, styles=styles, numeric=set(range(2, 3 + len(active))),
                             col_widths=[width * 2, width * 2, *[width] * (len(header) - 2)]))
        if res.consensus:
            story.append(Paragraph("Consensus changes", styles["heading"]))
            story.append(data_table(["Bidder", "Criterion", "Consensus", "Reason"], [
                [res.bids[b].vendor.name, next(c.name for c in s.criteria if c.id == cid), _points(cs.points),
                 cs.reason] for (b, cid), cs in sorted(res.consensus.items())], styles=styles,
                col_widths=[CONTENT_WIDTH * 0.25, CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.12, CONTENT_WIDTH * 0.43]))

    story.append(Paragraph("Ranking", styles["heading"]))
    if res.is_price_only:
        story.extend(_tables(["Rank", "Bidder", "Total price"], [
            [f"{r.rank}{' (tie)' if r.tied else ''}", r.name, format_money(r.total_points)] for r in res.ranked],
            numeric={2}, styles=styles))
    else:
        story.extend(_tables(["Rank", "Bidder", "Technical", "Price", "Total"], [
            [f"{r.rank}{' (tie)' if r.tied else ''}", r.name, _points(r.technical_points), _points(r.price_points),
             _points(r.total_display)] for r in res.ranked], numeric={2, 3, 4}, styles=styles))

    if recommendation is not None:
        story.append(Paragraph("Recommendation", styles["heading"]))
        story.append(Paragraph(text("Award to: " + ", ".join(sorted(b.vendor.name for b in recommendation.bids))),
                               styles["body"]))
        story.append(Paragraph(text(recommendation.justification), styles["body"]))
    return build_pdf(story, title=f"Evaluation report {s.number}", subject=s.title)

"""The evaluation report as a PDF: committee and attestations, scores per evaluator and criterion,
consensus changes, the price calculation, the ranking and the recommendation."""
from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from app.core.pdf import CONTENT_WIDTH, build_pdf, data_table, pdf_styles, text
from app.evaluation.report import EvaluationReport

ROWS_PER_TABLE = 200


def _tables(header: list[str], rows: list[list[object]], **kwargs: object) -> list[Flowable]:
    """Tables of a few hundred rows each: ReportLab splits one huge table across pages in
    quadratic time (a 19,000-row score table took minutes)."""
    return [data_table(header, rows[start:start + ROWS_PER_TABLE], **kwargs)
            for start in range(0, max(len(rows), 1), ROWS_PER_TABLE)]


def render_evaluation_report(report: EvaluationReport) -> bytes:
    styles = pdf_styles()
    story: list[Flowable] = [
        Paragraph("Evaluation report", styles["title"]),
        Paragraph(text(f"{report.number} — {report.title}"), styles["subtitle"]),
        Paragraph(text(report.summary), styles["body"]),
        Paragraph("Committee and conflict-of-interest statements", styles["heading"]),
        data_table(["Member", "Role", "Statement"], report.committee, styles=styles,
                   col_widths=[CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.15, CONTENT_WIDTH * 0.55]),
    ]
    if report.price_formula:
        story.append(Paragraph("Price calculation", styles["heading"]))
        story.append(Paragraph(text(report.price_formula), styles["body"]))
        story.extend(_tables(["Bidder", "Total price", "Price points"], report.price_rows, numeric={1, 2},
                             styles=styles))
    if report.score_header:
        story.append(Paragraph("Scores by evaluator and criterion", styles["heading"]))
        width = CONTENT_WIDTH / (len(report.score_header) + 2)
        story.extend(_tables(report.score_header, report.score_rows, styles=styles,
                             numeric=set(range(2, 3 + report.evaluator_count)),
                             col_widths=[width * 2, width * 2, *[width] * (len(report.score_header) - 2)]))
        if report.consensus_rows:
            story.append(Paragraph("Consensus changes", styles["heading"]))
            story.append(data_table(["Bidder", "Criterion", "Consensus", "Reason"], report.consensus_rows,
                                    styles=styles, col_widths=[CONTENT_WIDTH * 0.25, CONTENT_WIDTH * 0.2,
                                                               CONTENT_WIDTH * 0.12, CONTENT_WIDTH * 0.43]))
    story.append(Paragraph("Ranking", styles["heading"]))
    story.extend(_tables(report.ranking_header, report.ranking_rows, styles=styles,
                         numeric=set(range(2, len(report.ranking_header)))))
    if report.recommended is not None:
        story.append(Paragraph("Recommendation", styles["heading"]))
        story.append(Paragraph(text("Award to: " + report.recommended), styles["body"]))
        story.append(Paragraph(text(report.justification or ""), styles["body"]))
    return build_pdf(story, title=f"Evaluation report {report.number}", subject=report.title)

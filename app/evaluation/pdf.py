"""The evaluation report as a PDF: committee and attestations, scores per evaluator and criterion,
consensus changes, the price calculation, the ranking and the recommendation. Its tables can hold
tens of thousands of rows (1,000 bids x 20 criteria): they are long_table()s."""
from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from app.core.pdf import CONTENT_WIDTH, build_pdf, data_table, pdf_styles, text
from app.core.pdf_tables import long_table
from app.evaluation.report import EvaluationReport

BASIS_WIDTH = 58  # points: "consensus" on one line


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
        story.extend(long_table(["Bidder", "Total price", "Price points"], report.price_rows, numeric={1, 2},
                                styles=styles))
    if report.score_header:
        story.append(Paragraph("Scores by evaluator and criterion", styles["heading"]))
        # Bidder and criterion take two shares each, every number one; "consensus" fits its column.
        width = (CONTENT_WIDTH - BASIS_WIDTH) / (report.evaluator_count + 5)
        story.extend(long_table(report.score_header, report.score_rows, styles=styles,
                                numeric=set(range(2, 3 + report.evaluator_count)),
                                col_widths=[width * 2, width * 2, *[width] * (report.evaluator_count + 1),
                                            BASIS_WIDTH]))
        if report.consensus_rows:
            story.append(Paragraph("Consensus changes", styles["heading"]))
            story.extend(long_table(["Bidder", "Criterion", "Consensus", "Reason"], report.consensus_rows,
                                    styles=styles, numeric={2},
                                    col_widths=[CONTENT_WIDTH * 0.25, CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.12,
                                                CONTENT_WIDTH * 0.43]))
    story.append(Paragraph("Ranking", styles["heading"]))
    story.extend(long_table(report.ranking_header, report.ranking_rows, styles=styles,
                            numeric=set(range(2, len(report.ranking_header)))))
    if report.recommended is not None:
        story.append(Paragraph("Recommendation", styles["heading"]))
        story.append(Paragraph(text("Award to: " + report.recommended), styles["body"]))
        story.append(Paragraph(text(report.justification or ""), styles["body"]))
    return build_pdf(story, title=f"Evaluation report {report.number}", subject=report.title)

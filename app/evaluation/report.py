"""The evaluation report's content, once: the page and the PDF lay out the same rows."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.core.templating import format_money
from app.evaluation.services import Results, members, technical_criteria

WHEN = "%b %-d, %Y %-I:%M %p %Z"


def _points(value) -> str:  # noqa: ANN001
    return "—" if value is None else f"{value:.2f}"


@dataclass
class EvaluationReport:
    number: str
    title: str
    summary: str
    committee: list[list[str]]
    price_formula: str | None = None
    price_rows: list[list[str]] = field(default_factory=list)
    score_header: list[str] = field(default_factory=list)
    score_rows: list[list[str]] = field(default_factory=list)
    consensus_rows: list[list[str]] = field(default_factory=list)
    ranking_header: list[str] = field(default_factory=list)
    ranking_rows: list[list[str]] = field(default_factory=list)
    recommended: str | None = None
    justification: str | None = None
    evaluator_count: int = 0


def build_report(res: Results, recommendation=None) -> EvaluationReport:  # noqa: ANN001
    s = res.solicitation
    committee = members(s)
    report = EvaluationReport(
        number=s.number, title=s.title,
        summary=f"{s.agency.name}. {len(res.bids)} responsive bid(s) evaluated.",
        committee=[[m.user.name, "Chair" if m.is_chair else "Evaluator",
                    ("Declared a conflict and was excluded: " + (m.conflict_disclosure or "")) if m.has_conflict
                    else (f"No conflict, signed {s.local(m.attested_at).strftime(WHEN)}" if m.attested_at
                          else "Not signed")] for m in committee]
        or [["—", "", "No committee (price-only evaluation)"]])

    price = s.price_criterion
    if price is not None and res.lowest_total is not None and not res.is_price_only:
        report.price_formula = (f"Price points = lowest total ({format_money(res.lowest_total)}) ÷ this bid's "
                                f"total × {price.points:.2f} points.")
        report.price_rows = [[res.bids[r.key].vendor.name, format_money(res.bids[r.key].total),
                              _points(r.price_points)] for r in res.ranked]

    if not res.is_price_only:
        active = [m for m in committee if m.may_see_proposals]
        report.evaluator_count = len(active)
        report.score_header = ["Bidder", "Criterion (max)", *[m.user.name for m in active], "Used", "Basis"]
        criteria = technical_criteria(s)
        for bid in sorted(res.bids.values(), key=lambda b: b.vendor.name):
            for c in criteria:
                key = (bid.id, c.id)
                by_member = res.scores.get(key, {})
                report.score_rows.append([bid.vendor.name, f"{c.name} ({c.points:.0f})",
                                          *[_points(by_member.get(m.id)) for m in active],
                                          _points(res.points.get(key)),
                                          "consensus" if key in res.consensus else "average"])
        names = {c.id: c.name for c in s.criteria}
        report.consensus_rows = [[res.bids[b].vendor.name, names[cid], _points(cs.points), cs.reason]
                                 for (b, cid), cs in sorted(res.consensus.items())]

    if res.is_price_only:
        report.ranking_header = ["Rank", "Bidder", "Total price"]
        report.ranking_rows = [[f"{r.rank}{' (tie)' if r.tied else ''}", r.name, format_money(r.total_points)]
                               for r in res.ranked]
    else:
        report.ranking_header = ["Rank", "Bidder", "Technical", "Price", "Total"]
        report.ranking_rows = [[f"{r.rank}{' (tie)' if r.tied else ''}", r.name, _points(r.technical_points),
                                _points(r.price_points), _points(r.total_display)] for r in res.ranked]

    if recommendation is not None:
        report.recommended = ", ".join(sorted(b.vendor.name for b in recommendation.bids))
        report.justification = recommendation.justification
    return report

"""The scoring arithmetic, kept pure (no database) so it can be shown, tested and property-tested.

Price points: lowest responsive total / this total x the price criterion's points (the formula
printed in the evaluation report). Other criteria: the chair's consensus score where recorded,
otherwise the average of the evaluators' scores. Totals are rounded to hundredths only for
display; ranking compares exact values, and equal totals share a rank ("1, 1, 3")."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTHS = Decimal("0.01")


def price_points(lowest_total: Decimal, total: Decimal, max_points: Decimal) -> Decimal:
    """lowest / this x points. A zero total (everything free) earns the full points; the lowest
    bid always earns exactly max_points, and no bid earns more."""
    if total <= 0:
        return max_points
    points = lowest_total / total * max_points
    return min(points, max_points)


def criterion_points(evaluator_scores: Sequence[Decimal], consensus: Decimal | None) -> Decimal | None:
    """Consensus wins; otherwise the mean of the evaluators' scores (None when nobody scored)."""
    if consensus is not None:
        return consensus
    if not evaluator_scores:
        return None
    return sum(evaluator_scores, Decimal(0)) / len(evaluator_scores)


@dataclass(frozen=True)
class Candidate:
    """One responsive bid as the ranking sees it."""

    key: int  # the bid id
    name: str
    total_price: Decimal
    technical: Mapping[int, Decimal | None] = field(default_factory=dict)  # criterion id -> points


@dataclass(frozen=True)
class Ranked:
    key: int
    name: str
    rank: int
    tied: bool
    price_points: Decimal
    technical_points: Decimal
    total_points: Decimal

    @property
    def total_display(self) -> Decimal:
        return self.total_points.quantize(HUNDREDTHS, rounding=ROUND_HALF_UP)


def _ranks(values: Sequence[Decimal]) -> list[tuple[int, bool]]:
    """Competition ranking of values, best (largest) first: (rank, tied) per input position."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks: list[tuple[int, bool]] = [(0, False)] * len(values)
    for position, index in enumerate(order):
        if position and values[order[position - 1]] == values[index]:
            ranks[index] = (ranks[order[position - 1]][0], True)
        else:
            ranks[index] = (position + 1, False)
    counts: dict[int, int] = {}
    for rank, _ in ranks:
        counts[rank] = counts.get(rank, 0) + 1
    return [(rank, counts[rank] > 1) for rank, _ in ranks]


def rank_best_value(candidates: Iterable[Candidate], price_max: Decimal) -> list[Ranked]:
    """RFP: technical points plus price points; highest total first; ties share a rank. The
    result does not depend on the order of `candidates`."""
    candidates = list(candidates)
    if not candidates:
        return []
    lowest = min(c.total_price for c in candidates)
    rows = []
    for c in candidates:
        technical = sum((p for p in c.technical.values() if p is not None), Decimal(0))
        price = price_points(lowest, c.total_price, price_max)
        rows.append((c, price, technical, technical + price))
    ranks = _ranks([total for *_, total in rows])
    ranked = [Ranked(c.key, c.name, rank, tied, price, technical, total)
              for (c, price, technical, total), (rank, tied) in zip(rows, ranks, strict=True)]
    return sorted(ranked, key=lambda r: (r.rank, r.name, r.key))


def rank_lowest_price(candidates: Iterable[Candidate]) -> list[Ranked]:
    """IFB / RFQ: the lowest responsive, responsible bid ranks first; no technical scoring."""
    candidates = list(candidates)
    ranks = _ranks([-c.total_price for c in candidates])
    ranked = [Ranked(c.key, c.name, rank, tied, Decimal(0), Decimal(0), c.total_price)
              for c, (rank, tied) in zip(candidates, ranks, strict=True)]
    return sorted(ranked, key=lambda r: (r.rank, r.name, r.key))

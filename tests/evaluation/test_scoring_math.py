"""The scoring arithmetic: a hand-computed example (with a tie) and properties (hypothesis)."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.evaluation.scoring import (
    Candidate,
    criterion_points,
    price_points,
    rank_best_value,
    rank_lowest_price,
)

D = Decimal


def test_hand_computed_example_with_a_tie():
    # Criteria: technical 40, experience 20, price 40.
    # A: 36 + 18 technical, total price 100,000 -> price 40.00          -> 94.00
    # B: 38 + 20 technical, total price 125,000 -> 100/125 x 40 = 32.00  -> 90.00
    # C: 34 + 20 technical, total price 100,000 -> 40.00                 -> 94.00 (ties A)
    # D: 30 + 10 technical, total price 160,000 -> 100/160 x 40 = 25.00  -> 65.00
    candidates = [
        Candidate(1, "A", D(100_000), {1: D(36), 2: D(18)}),
        Candidate(2, "B", D(125_000), {1: D(38), 2: D(20)}),
        Candidate(3, "C", D(100_000), {1: D(34), 2: D(20)}),
        Candidate(4, "D", D(160_000), {1: D(30), 2: D(10)}),
    ]
    ranked = rank_best_value(candidates, D(40))
    assert [(r.name, r.rank, r.tied, r.price_points, r.total_display) for r in ranked] == [
        ("A", 1, True, D(40), D("94.00")),
        ("C", 1, True, D(40), D("94.00")),
        ("B", 3, False, D(32), D("90.00")),
        ("D", 4, False, D(25), D("65.00")),
    ]


def test_consensus_replaces_the_average():
    assert criterion_points([D(30), D(34), D(35)], None) == D(33)
    assert criterion_points([D(30), D(34), D(35)], D(32)) == D(32)
    assert criterion_points([], None) is None


def test_ifb_ranks_lowest_total_first_and_ties_share_a_rank():
    ranked = rank_lowest_price([Candidate(1, "A", D("500.00")), Candidate(2, "B", D("450.00")),
                                Candidate(3, "C", D("450.00"))])
    assert [(r.name, r.rank, r.tied) for r in ranked] == [("B", 1, True), ("C", 1, True), ("A", 3, False)]


money = st.decimals(min_value=D("0.01"), max_value=D("100000000"), places=2)


@st.composite
def bids(draw):
    weights = draw(st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=6))
    price_max = D(draw(st.integers(min_value=1, max_value=60)))
    count = draw(st.integers(min_value=1, max_value=12))
    candidates = []
    for key in range(count):
        technical = {i: D(draw(st.integers(min_value=0, max_value=w * 100))) / 100 for i, w in enumerate(weights)}
        candidates.append(Candidate(key, f"V{key}", draw(money), technical))
    return candidates, weights, price_max


@settings(max_examples=300, deadline=None)
@given(bids(), st.randoms())
def test_totals_never_exceed_the_maximum_and_ranking_ignores_bid_order(data, rnd):
    candidates, weights, price_max = data
    maximum = sum((D(w) for w in weights), D(0)) + price_max
    ranked = rank_best_value(candidates, price_max)
    assert all(D(0) <= r.total_points <= maximum for r in ranked)
    assert all(r.price_points <= price_max for r in ranked)
    assert max(r.price_points for r in ranked) == price_max  # the lowest price earns the full points
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert rank_best_value(shuffled, price_max) == ranked


@given(st.lists(money, min_size=1, max_size=15), st.randoms())
def test_lowest_price_ranking_ignores_bid_order(prices, rnd):
    candidates = [Candidate(i, f"V{i}", p) for i, p in enumerate(prices)]
    ranked = rank_lowest_price(candidates)
    rnd.shuffle(candidates)
    assert rank_lowest_price(candidates) == ranked
    assert ranked[0].total_points == min(prices)


@given(money, money, st.integers(min_value=1, max_value=100))
def test_price_points_formula(lowest, other, points):
    lowest, total = min(lowest, other), max(lowest, other)
    assert price_points(lowest, total, D(points)) == lowest / total * D(points)
    assert price_points(lowest, lowest, D(points)) == D(points)

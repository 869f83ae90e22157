"""Properties of apps.core.money.allocate, the one function every split of money goes through."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.money import allocate

totals = st.integers(min_value=0, max_value=10**12)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(any)


@settings(max_examples=300)
@given(total=totals, weights=weight_lists, rotation=st.integers(min_value=0, max_value=100))
def test_parts_sum_exactly_to_the_total(total, weights, rotation):
    assert sum(allocate(total, weights, rotation=rotation)) == total


@settings(max_examples=300)
@given(total=totals, weights=weight_lists, rotation=st.integers(min_value=0, max_value=100))
def test_each_part_is_within_one_fen_of_its_exact_quota(total, weights, rotation):
    parts = allocate(total, weights, rotation=rotation)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        quota = Fraction(total * weight, weight_sum)
        assert abs(part - quota) < 1
        assert part >= 0


@given(total=totals, weights=weight_lists, rotation=st.integers(min_value=0, max_value=100))
def test_same_input_gives_same_parts(total, weights, rotation):
    assert allocate(total, weights, rotation=rotation) == allocate(total, list(weights), rotation=rotation)


@given(n=st.integers(min_value=2, max_value=20), leftover=st.integers(min_value=1, max_value=19), base=totals)
def test_rotation_moves_the_leftover_fen_round_the_parties(n, leftover, base):
    """Equal weights: the leftover fen go to the parties starting at ``rotation``, so n
    successive allocations give each party the extra fen equally often."""
    leftover = leftover % n or 1
    total = base - base % n + leftover
    received_extra = [0] * n
    for rotation in range(n):
        parts = allocate(total, [1] * n, rotation=rotation)
        floor = total // n
        extra = [i for i, p in enumerate(parts) if p == floor + 1]
        assert extra == sorted((rotation + k) % n for k in range(leftover))
        for i in extra:
            received_extra[i] += 1
    assert received_extra == [leftover] * n


def test_one_fen_over_three_equal_parties_goes_to_the_rotated_party():
    assert allocate(1, [1, 1, 1]) == [1, 0, 0]
    assert allocate(1, [1, 1, 1], rotation=1) == [0, 1, 0]
    assert allocate(1, [1, 1, 1], rotation=5) == [0, 0, 1]


def test_decimal_percent_weights_split_exactly():
    assert allocate(10001, [Decimal("33.33"), Decimal("66.67")]) == [3333, 6668]


@pytest.mark.parametrize("bad", [(-1, [1]), (10, []), (10, [0, 0]), (10, [1, -1])])
def test_refuses_impossible_splits(bad):
    total, weights = bad
    with pytest.raises(ValueError):
        allocate(total, weights)

"""The distribution waterfall worked by hand, and the property that every fen lands once."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.cooperatives.waterfall import waterfall_compute

TEN = Decimal(10)


def run(profit, losses, holdings, cap=None, reserve=TEN, welfare=TEN, rotation=0):
    return waterfall_compute(
        distributable_profit=profit,
        prior_losses=losses,
        reserve_percent=reserve,
        welfare_percent=welfare,
        cap_percent=cap,
        holdings=holdings,
        rotation=rotation,
    )


def test_prior_losses_larger_than_profit_take_everything():
    w = run(100000, 150000, [("a", 10), ("b", 5)])
    assert w.losses_covered == 100000
    assert (w.reserve, w.public_welfare, w.dividend_pool, w.retained) == (0, 0, 0, 0)
    assert w.allocations == []


def test_cap_binds_for_a_certified_social_enterprise():
    # 10,000.00: reserve 1,000.00 → 9,000.00; welfare 900.00 → 8,100.00; cap 35 % = 3,500.00.
    w = run(1000000, 0, [("a", 1)], cap=Decimal(35))
    assert (w.reserve, w.public_welfare, w.cap, w.dividend_pool, w.retained) == (100000, 90000, 350000, 350000, 460000)
    assert w.allocations == [("a", 1, 350000)]


def test_cap_that_does_not_bind_changes_nothing():
    w = run(1000000, 900000, [("a", 1)], cap=Decimal(35))
    # 100,000 fen left: reserve 10,000, welfare 9,000, pool 81,000 < cap 350,000.
    assert (w.dividend_pool, w.retained) == (81000, 0)


def test_one_holder_gets_the_whole_pool():
    # 100.00 − losses 20.00 = 80.00; reserve 8.00 → 72.00; welfare 7.20 → pool 64.80.
    w = run(10000, 2000, [("resident", 37)])
    assert (w.losses_covered, w.reserve, w.public_welfare, w.dividend_pool) == (2000, 800, 720, 6480)
    assert w.allocations == [("resident", 37, 6480)]


def test_many_holders_with_awkward_share_counts_split_to_the_fen():
    # pool 810.00 = 81,000 fen over 1:2:4 → 11,571.43 / 23,142.86 / 46,285.71; the two leftover
    # fen go to the largest remainders (0.857 and 0.714).
    w = run(100000, 0, [("a", 1), ("b", 2), ("c", 4)])
    assert w.dividend_pool == 81000
    assert [a for _h, _s, a in w.allocations] == [11571, 23143, 46286]


def test_holders_with_no_shares_on_the_record_date_get_nothing_and_no_holders_means_retained():
    w = run(100000, 0, [("a", 0), ("b", 3)])
    assert [h for h, _s, _a in w.allocations] == ["b"]
    w = run(100000, 0, [])
    assert (w.dividend_pool, w.retained) == (0, 81000)


@settings(max_examples=300)
@given(
    profit=st.integers(0, 10**11),
    losses=st.integers(0, 10**11),
    reserve=st.decimals(0, 100, places=2),
    welfare=st.decimals(0, 100, places=2),
    cap=st.one_of(st.none(), st.decimals(0, 100, places=2)),
    shares=st.lists(st.integers(0, 10**7), max_size=40),
    rotation=st.integers(0, 50),
)
def test_every_fen_of_distributable_profit_lands_in_exactly_one_place(
    profit, losses, reserve, welfare, cap, shares, rotation
):
    holdings = list(enumerate(shares))
    w = run(profit, losses, holdings, cap=cap, reserve=reserve, welfare=welfare, rotation=rotation)
    parts = [w.losses_covered, w.reserve, w.public_welfare, w.retained, *(a for _h, _s, a in w.allocations)]
    assert all(p >= 0 for p in parts)
    assert sum(parts) == profit
    assert sum(a for _h, _s, a in w.allocations) == w.dividend_pool
    assert w.losses_covered == min(profit, losses)
    if cap is not None:
        assert w.dividend_pool <= w.cap
    total_shares = sum(s for s in shares if s > 0)
    for _h, s, a in w.allocations:
        assert abs(a * total_shares - w.dividend_pool * s) < total_shares  # within one fen of the quota

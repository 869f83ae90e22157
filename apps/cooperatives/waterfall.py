"""The distribution waterfall, in integer fen, with no database access: easy to check by hand.

1. cover prior losses (as much as the profit allows);
2. statutory reserve: ``reserve_percent`` of what is left;
3. public-welfare share to the community fund: ``welfare_percent`` of what is left after that;
4. dividend pool: the rest, capped at ``cap_percent`` of distributable profit when the
   cooperative is a certified social enterprise (the excess is retained);
5. the pool allocated by shares held on the record date (largest remainder, rotated tie-break).
Every split goes through apps.core.money.allocate, so every fen lands in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from apps.core.money import allocate


@dataclass
class Waterfall:
    distributable_profit: int
    prior_losses: int
    losses_covered: int
    reserve: int
    public_welfare: int
    dividend_pool: int
    retained: int
    cap: int | None
    allocations: list[tuple[object, int, int]] = field(default_factory=list)  # (holder key, shares, fen)

    @property
    def steps(self) -> list[dict]:
        after_losses = self.distributable_profit - self.losses_covered
        after_reserve = after_losses - self.reserve
        after_welfare = after_reserve - self.public_welfare
        return [
            {"step": "losses_covered", "amount": self.losses_covered, "remaining": after_losses},
            {"step": "reserve", "amount": self.reserve, "remaining": after_reserve},
            {"step": "public_welfare", "amount": self.public_welfare, "remaining": after_welfare},
            {"step": "retained", "amount": self.retained, "remaining": self.dividend_pool},
            {"step": "dividend_pool", "amount": self.dividend_pool, "remaining": 0},
        ]


def _percent_of(total: int, percent: Decimal) -> int:
    """``percent`` % of ``total`` fen, by the same largest-remainder split as everything else."""
    percent = Decimal(percent)
    if percent <= 0:
        return 0
    if percent >= 100:
        return total
    return allocate(total, [percent, Decimal(100) - percent])[0]


def waterfall_compute(
    *,
    distributable_profit: int,
    prior_losses: int,
    reserve_percent: Decimal,
    welfare_percent: Decimal,
    cap_percent: Decimal | None,
    holdings: list[tuple[object, int]],
    rotation: int = 0,
) -> Waterfall:
    if distributable_profit < 0 or prior_losses < 0:
        raise ValueError("amounts must not be negative")
    covered = min(distributable_profit, prior_losses)
    left = distributable_profit - covered
    reserve = _percent_of(left, reserve_percent)
    left -= reserve
    welfare = _percent_of(left, welfare_percent)
    left -= welfare
    cap = _percent_of(distributable_profit, cap_percent) if cap_percent is not None else None
    pool = left if cap is None else min(left, cap)
    holdings = [(key, shares) for key, shares in holdings if shares > 0]
    if not holdings:
        pool = 0
    retained = left - pool
    allocations = []
    if pool:
        amounts = allocate(pool, [shares for _key, shares in holdings], rotation=rotation)
        allocations = [(key, shares, amount) for (key, shares), amount in zip(holdings, amounts, strict=True)]
    return Waterfall(
        distributable_profit=distributable_profit,
        prior_losses=prior_losses,
        losses_covered=covered,
        reserve=reserve,
        public_welfare=welfare,
        dividend_pool=pool,
        retained=retained,
        cap=cap,
        allocations=allocations,
    )

"""Exact money: integer fen in the ledger, Decimal elsewhere, never float."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


@dataclass(frozen=True)
class MoneyMove:
    """What an action would move, computed read-only before it runs (each app's ``*_preview``
    selector): ``amount_fen`` from ``source`` to ``payee``, names people read, never account
    codes; ``parts`` (name, fen) when several receive it, under ``parts_title`` when they split
    more than the amount; ``notes`` say what else follows."""

    amount_fen: int
    source: str
    payee: str
    parts: Sequence[tuple[str, int]] = ()
    parts_title: str = ""
    notes: Sequence[str] = ()


def is_fen(value) -> bool:
    """A whole number of fen, zero or more (as read from JSON: a bool or a float is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(CENT)


def fen_to_str(fen: int) -> str:
    return f"{fen_to_decimal(fen):.2f}"


def decimal_to_fen(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_yuan(fen: int) -> str:
    """¥1,234.50 for pages."""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{fen_to_decimal(abs(fen)):,.2f}"


def allocate(total_fen: int, weights: Sequence[int | Decimal], *, rotation: int = 0) -> list[int]:
    """Split ``total_fen`` by ``weights`` with the largest-remainder method.

    Parts always sum exactly to ``total_fen``; each part differs from its exact quota by less
    than one fen. Ties among equal remainders go to the index that comes first after
    ``rotation`` (mod len), so callers can rotate who receives leftover fen across repeated
    allocations while staying deterministic.
    """
    if total_fen < 0:
        raise ValueError("total must not be negative")
    if not weights:
        raise ValueError("at least one weight")
    exact_weights = [Fraction(Decimal(str(w))) for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(exact_weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    n = len(exact_weights)
    quotas = [total_fen * w / weight_sum for w in exact_weights]
    floors = [q.numerator // q.denominator for q in quotas]
    remainders = [q - f for q, f in zip(quotas, floors, strict=True)]
    leftover = total_fen - sum(floors)
    order = sorted(range(n), key=lambda i: (-remainders[i], (i - rotation) % n))
    for i in order[:leftover]:
        floors[i] += 1
    return floors

"""The one place that divides (STYLE.md): rates and money averages.

A rate is a percentage, or ``None`` when its denominator is 0 — never an exception,
NaN or infinity. Money averages are Decimal quotients rounded half-even to 2 places
(A-11).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

__all__ = ["average_money", "rate", "ratio"]

_CENT = Decimal("0.01")


def rate(numerator: int | float, denominator: int | float) -> float | None:
    """R-1..R-5, D-4, D-5: ``numerator / denominator × 100``, or ``None`` for a zero
    denominator.

    >>> rate(80, 100)
    80.0
    >>> rate(0, 0) is None
    True
    """
    if not denominator:
        return None
    return numerator * 100.0 / denominator


def ratio(numerator: int | float, denominator: int | float) -> float | None:
    """``numerator / denominator`` (a fraction), or ``None`` for a zero denominator."""
    if not denominator:
        return None
    return numerator / denominator


def average_money(total: Decimal | None, count: int) -> Decimal | None:
    """A-11: ``total / count`` rounded half-even to cents; ``None`` when undefined.

    >>> average_money(Decimal("10.005"), 1)
    Decimal('10.00')
    """
    if total is None or not count:
        return None
    return (total / Decimal(count)).quantize(_CENT, rounding=ROUND_HALF_EVEN)

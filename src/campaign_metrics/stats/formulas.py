"""Intervals, tests and power of two proportions (STATISTICS.md), with their input checks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Literal

from ..errors import InputError

#: The name of the test behind a comparison's p-value (``Comparison.test``).
TestName = Literal["z_test", "fisher_exact"]

_NORMAL = NormalDist()
#: Fisher's exact test counts a table as extreme when its probability is at most the
#: observed one times this factor (STATISTICS.md: relative tolerance 1e-7).
_FISHER_TOLERANCE = 1.0 + 1e-7
#: Fisher's exact test stops walking a tail once what is left of it, relative to the mode's
#: probability, cannot change the result.
_NEGLIGIBLE = 1e-300
#: The pooled z-test is replaced by Fisher's exact test when an expected cell is below this.
_MIN_EXPECTED = 5
#: The minimum detectable effect is bisected until the bracket is narrower than this.
_MDE_BRACKET = 1e-10


# --- checks of the inputs ---------------------------------------------------------------


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field=name, expected="an integer", got=value)
    if value < 0:
        raise InputError(field=name, expected="an integer >= 0", got=value)
    return value


def _check_group(x_name: str, x: object, n_name: str, n: object, *, nonempty: bool) -> None:
    users = _check_count(n_name, n)
    converted = _check_count(x_name, x)
    if nonempty and users == 0:
        raise InputError(field=n_name, expected="at least one user", got=n)
    if converted > users:
        raise InputError(field=x_name, expected=f"at most {n_name} = {users}", got=x)


def _check_probability(name: str, value: object, *, low_open: bool, high_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(field=name, expected="a number", got=value)
    number = float(value)
    low_ok = number > 0.0 if low_open else number >= 0.0
    high_ok = number < 1.0 if high_open else number <= 1.0
    if not (low_ok and high_ok):  # also rejects NaN
        low = "(0" if low_open else "[0"
        high = "1)" if high_open else "1]"
        raise InputError(field=name, expected=f"a number in {low}, {high}", got=value)
    return number


def _z(alpha: float) -> float:
    return _NORMAL.inv_cdf(
        1.0 - _check_probability("alpha", alpha, low_open=True, high_open=True) / 2.0
    )


# --- intervals ------------------------------------------------------------------------


def wilson_interval(x: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """The Wilson score interval of the rate ``x / n`` at confidence ``1 - alpha``.

    centre = (p + z²/2n) / (1 + z²/n), half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
    ``n`` must be at least 1. The bounds are exactly 0 when ``x = 0`` and exactly 1 when
    ``x = n`` (where the formula reaches them only up to rounding).

    >>> low, high = wilson_interval(130, 1000)
    >>> round(low, 10), round(high, 10)
    (0.1105637746, 0.1522680267)
    """
    _check_group("x", x, "n", n, nonempty=True)
    z = _z(alpha)
    p = x / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / (1.0 + z2n)
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return low, high


def newcombe_difference_interval(
    x_t: int, n_t: int, x_c: int, n_c: int, alpha: float = 0.05
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (1998, method 10) of ``d = x_t/n_t − x_c/n_c``.

    With the Wilson intervals [l_t, u_t] and [l_c, u_c] of the two groups:
    L = d − √((p_t − l_t)² + (u_c − p_c)²), U = d + √((u_t − p_t)² + (p_c − l_c)²).
    Both groups must have at least one user.

    >>> low, high = newcombe_difference_interval(130, 1000, 100, 1000)
    >>> round(low, 10), round(high, 10)
    (0.0020023487, 0.058070485)
    """
    _check_group("x_t", x_t, "n_t", n_t, nonempty=True)
    _check_group("x_c", x_c, "n_c", n_c, nonempty=True)
    p_t = x_t / n_t
    p_c = x_c / n_c
    l_t, u_t = wilson_interval(x_t, n_t, alpha)
    l_c, u_c = wilson_interval(x_c, n_c, alpha)
    d = p_t - p_c
    low = d - math.sqrt((p_t - l_t) ** 2 + (u_c - p_c) ** 2)
    high = d + math.sqrt((u_t - p_t) ** 2 + (p_c - l_c) ** 2)
    return low, high


def katz_ratio_interval(
    x_t: int, n_t: int, x_c: int, n_c: int, alpha: float = 0.05
) -> tuple[float, float] | None:
    """The Katz log interval of the ratio of rates ``RR = (x_t/n_t) / (x_c/n_c)``.

    RR·e^(∓z·SE) with SE = √(1/x_t − 1/n_t + 1/x_c − 1/n_c). ``None`` when the baseline
    converted nobody (the ratio is undefined). When the group converted nobody, the
    interval is that of x + 0.5 and n + 0.5 in both groups; the point ratio, 0, then lies
    below it. Subtract 1 for the uplift. Both groups must have at least one user.

    >>> low, high = katz_ratio_interval(130, 1000, 100, 1000)
    >>> round(low, 10), round(high, 10)
    (1.016984271, 1.661775947)
    >>> katz_ratio_interval(3, 10, 0, 10) is None
    True
    """
    _check_group("x_t", x_t, "n_t", n_t, nonempty=True)
    _check_group("x_c", x_c, "n_c", n_c, nonempty=True)
    z = _z(alpha)
    if x_c == 0:
        return None
    shift = 0.5 if x_t == 0 else 0.0
    a, m, b, k = x_t + shift, n_t + shift, x_c + shift, n_c + shift
    ratio = (a / m) / (b / k)
    se = math.sqrt(max(0.0, 1.0 / a - 1.0 / m + 1.0 / b - 1.0 / k))
    return ratio * math.exp(-z * se), ratio * math.exp(z * se)


# --- tests ------------------------------------------------------------------------------


def pooled_z_test(x_t: int, n_t: int, x_c: int, n_c: int) -> float:
    """The two-sided p-value of the pooled two-proportion z-test.

    z = d / √(p̄(1−p̄)(1/n_t + 1/n_c)) with p̄ = (x_t + x_c)/(n_t + n_c); p = 2·Φ(−|z|).
    When nobody or everybody converted (p̄ is 0 or 1), the rates are equal and p = 1.
    Both groups must have at least one user.

    >>> round(pooled_z_test(130, 1000, 100, 1000), 10)
    0.0354884505
    """
    _check_group("x_t", x_t, "n_t", n_t, nonempty=True)
    _check_group("x_c", x_c, "n_c", n_c, nonempty=True)
    pooled = (x_t + x_c) / (n_t + n_c)
    variance = pooled * (1.0 - pooled) * (1.0 / n_t + 1.0 / n_c)
    if variance <= 0.0:
        return 1.0
    z = (x_t / n_t - x_c / n_c) / math.sqrt(variance)
    return min(1.0, 2.0 * _NORMAL.cdf(-abs(z)))


def _log_term(k: int, successes: int, draws: int, failures: int) -> float:
    """log of C(successes, k)·C(failures, draws − k), the hypergeometric weight of ``k``."""
    return -(
        math.lgamma(k + 1)
        + math.lgamma(successes - k + 1)
        + math.lgamma(draws - k + 1)
        + math.lgamma(failures - draws + k + 1)
    )


def fisher_exact_test(x_t: int, n_t: int, x_c: int, n_c: int) -> float:
    """The two-sided p-value of Fisher's exact test of the 2x2 table.

    Given the margins, the target's converted count follows the hypergeometric law; the
    p-value is the sum of the probabilities of the tables not more probable than the
    observed one (within a relative tolerance of 1e-7). The terms are computed outward from
    the mode with the ratio of consecutive terms, and each tail stops once its remainder is
    negligible, so a million users per group takes a few thousand steps. Both groups must
    have at least one user.

    >>> round(fisher_exact_test(130, 1000, 100, 1000), 10)
    0.0419045484
    """
    _check_group("x_t", x_t, "n_t", n_t, nonempty=True)
    _check_group("x_c", x_c, "n_c", n_c, nonempty=True)
    draws = n_t
    successes = x_t + x_c
    total = n_t + n_c
    failures = total - successes
    low = max(0, draws - failures)
    high = min(draws, successes)
    if low == high:
        return 1.0
    mode = min(high, max(low, (draws + 1) * (successes + 1) // (total + 2)))

    def ratio(k: int, step: int) -> float:
        """P(k + step) / P(k) for a step of ±1."""
        if step > 0:
            return (successes - k) * (draws - k) / ((k + 1) * (failures - draws + k + 1))
        return k * (failures - draws + k) / ((successes - k + 1) * (draws - k + 1))

    def tail(step: int) -> list[float]:
        """The terms beyond the mode on one side, relative to the mode's, outward."""
        end = high if step > 0 else low
        terms: list[float] = []
        k, term = mode, 1.0
        while k != end:
            term *= ratio(k, step)
            k += step
            terms.append(term)
            if k != end:
                following = ratio(k, step)
                # Away from the mode the ratios only shrink (the law is log-concave), so
                # what is left of this tail is at most term·following/(1 − following).
                if following < 1.0 and term * following / (1.0 - following) < _NEGLIGIBLE:
                    break
        return terms

    below = tail(-1)  # below[i] is the term of mode − 1 − i
    above = tail(+1)  # above[i] is the term of mode + 1 + i
    if x_t == mode:
        observed = 1.0
    elif x_t < mode and mode - x_t <= len(below):
        observed = below[mode - x_t - 1]
    elif x_t > mode and x_t - mode <= len(above):
        observed = above[x_t - mode - 1]
    else:  # beyond a tail's end: its term is negligible beside the mode's
        observed = math.exp(
            _log_term(x_t, successes, draws, failures) - _log_term(mode, successes, draws, failures)
        )
    threshold = observed * _FISHER_TOLERANCE
    extreme = (1.0 if threshold >= 1.0 else 0.0) + math.fsum(
        t for t in below + above if t <= threshold
    )
    mass = 1.0 + math.fsum(below) + math.fsum(above)
    return min(1.0, extreme / mass)


def _fisher_needed(x_t: int, n_t: int, x_c: int, n_c: int) -> bool:
    """Whether an expected cell of the 2x2 table is below 5."""
    total = n_t + n_c
    converted = x_t + x_c
    # expected cell = row total · column total / total, compared without dividing
    return any(
        row * column < _MIN_EXPECTED * total
        for row in (n_t, n_c)
        for column in (converted, total - converted)
    )


def significance_test(x_t: int, n_t: int, x_c: int, n_c: int) -> tuple[TestName, float]:
    """The test STATISTICS.md prescribes for the table, and its two-sided p-value.

    Fisher's exact test when any expected cell of the 2x2 table is below 5, else the
    pooled z-test. Both groups must have at least one user.

    >>> test, p = significance_test(130, 1000, 100, 1000)
    >>> test, round(p, 10)
    ('z_test', 0.0354884505)
    >>> significance_test(3, 20, 1, 20)[0]
    'fisher_exact'
    """
    _check_group("x_t", x_t, "n_t", n_t, nonempty=True)
    _check_group("x_c", x_c, "n_c", n_c, nonempty=True)
    if _fisher_needed(x_t, n_t, x_c, n_c):
        return "fisher_exact", fisher_exact_test(x_t, n_t, x_c, n_c)
    return "z_test", pooled_z_test(x_t, n_t, x_c, n_c)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of ``m`` p-values, returned in the input's order.

    Sorted ascending, p₍ᵢ₎ becomes the maximum over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎);
    tied p-values get the same adjusted value.

    >>> [round(p, 10) for p in holm_adjust([0.01, 0.04, 0.03, 0.20])]
    [0.04, 0.09, 0.09, 0.2]
    """
    values = [
        _check_probability(f"p_values[{i}]", p, low_open=False, high_open=False)
        for i, p in enumerate(p_values)
    ]
    m = len(values)
    order = sorted(range(m), key=values.__getitem__)
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * values[index]))
        adjusted[index] = running
    return adjusted


# --- minimum detectable effect ------------------------------------------------------------


def minimum_detectable_effect(
    p0: float, n_c: int, n_t: int, alpha: float = 0.05, power: float = 0.8
) -> float | None:
    """The smallest absolute difference δ the pooled z-test detects with ``power`` at ``alpha``.

    Solves δ = z·√(p̄(1−p̄)(1/n_c + 1/n_t)) + z_power·√(p₀(1−p₀)/n_c + p₁(1−p₁)/n_t), with
    p₁ = p₀ + δ and p̄ = (n_c·p₀ + n_t·p₁)/(n_c + n_t), by bisection on (0, 1 − p₀) until
    the bracket is under 1e-10. The right side minus δ is concave in δ and positive near 0,
    so the root is unique when there is one. ``None`` when no δ in (0, 1 − p₀] solves it
    (groups too small, or ``p0 = 1``). ``p0`` is the baseline's rate, ``n_c`` and ``n_t``
    the baseline's and the group's users (at least 1 each).

    >>> round(minimum_detectable_effect(0.10, 1000, 1000), 10)
    0.0407451543
    >>> minimum_detectable_effect(0.5, 5, 5) is None
    True
    """
    rate = _check_probability("p0", p0, low_open=False, high_open=False)
    for name, n in (("n_c", n_c), ("n_t", n_t)):
        if _check_count(name, n) == 0:
            raise InputError(field=name, expected="at least one user", got=n)
    z_alpha = _z(alpha)
    z_power = _NORMAL.inv_cdf(_check_probability("power", power, low_open=True, high_open=True))
    inverse_sizes = 1.0 / n_c + 1.0 / n_t

    def excess(delta: float) -> float:
        p1 = rate + delta
        pooled = (n_c * rate + n_t * p1) / (n_c + n_t)
        spread = z_alpha * math.sqrt(max(0.0, pooled * (1.0 - pooled) * inverse_sizes))
        shift = z_power * math.sqrt(max(0.0, rate * (1.0 - rate) / n_c + p1 * (1.0 - p1) / n_t))
        return spread + shift - delta

    low, high = 0.0, 1.0 - rate
    if high <= 0.0 or excess(high) > 0.0:
        return None
    while high - low >= _MDE_BRACKET:
        middle = (low + high) / 2.0
        if excess(middle) > 0.0:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


# --- comparisons ----------------------------------------------------------------------------

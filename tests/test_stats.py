"""Statistics of comparisons (B-2, X-3): STATISTICS.md's vectors, oracles and laws."""

from __future__ import annotations

import doctest
import json
import math
import time
from collections.abc import Callable
from fractions import Fraction
from statistics import NormalDist

import attrs
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from campaign_metrics import stats
from campaign_metrics.errors import InputError
from campaign_metrics.stats import (
    Comparison,
    adjust_comparisons,
    compare,
    fisher_exact_test,
    holm_adjust,
    katz_ratio_interval,
    minimum_detectable_effect,
    newcombe_difference_interval,
    pooled_z_test,
    significance_test,
    wilson_interval,
)

TOL = 1e-8

#: FORMATS.md: the keys of a COMPARISON, in order.
COMPARISON_KEYS = [
    "label",
    "baseline",
    "users",
    "converted",
    "group_cvr",
    "baseline_users",
    "baseline_converted",
    "baseline_group_cvr",
    "difference_pp",
    "difference_ci_pp",
    "uplift_pct",
    "uplift_ci_pct",
    "test",
    "p_value",
    "p_adjusted",
    "significant",
    "mde_pp",
]


# --- strategies ---------------------------------------------------------------------------


@st.composite
def groups(draw: st.DrawFn, max_users: int = 200, min_users: int = 1) -> tuple[int, int]:
    """(converted, users) of one group."""
    users = draw(st.integers(min_users, max_users))
    return draw(st.integers(0, users)), users


@st.composite
def tables(draw: st.DrawFn, max_users: int = 200) -> tuple[int, int, int, int]:
    """(x_t, n_t, x_c, n_c) with at least one user per group."""
    x_t, n_t = draw(groups(max_users))
    x_c, n_c = draw(groups(max_users))
    return x_t, n_t, x_c, n_c


probabilities = st.floats(0.0, 1.0, allow_nan=False)


def fisher_brute_force(x_t: int, n_t: int, x_c: int, n_c: int) -> float:
    """Fisher's two-sided p-value in exact integers over the whole hypergeometric support."""
    successes = x_t + x_c
    failures = n_t + n_c - successes
    weights = {
        k: math.comb(successes, k) * math.comb(failures, n_t - k)
        for k in range(max(0, n_t - failures), min(n_t, successes) + 1)
    }
    observed = weights[x_t]
    # P(k) <= P(observed)·(1 + 1e-7), without rounding
    extreme = sum(w for w in weights.values() if w * 10**7 <= observed * (10**7 + 1))
    return float(Fraction(extreme, sum(weights.values())))


# --- STATISTICS.md test vectors (130/1000 vs 100/1000) -----------------------------------


def test_wilson_interval_matches_the_vectors() -> None:
    """X-3: Wilson intervals of target and control."""
    assert wilson_interval(130, 1000) == pytest.approx((0.1105637746, 0.1522680267), abs=TOL)
    assert wilson_interval(100, 1000) == pytest.approx((0.0829094436, 0.1201519632), abs=TOL)


def test_newcombe_difference_interval_matches_the_vector() -> None:
    """X-3: Newcombe's method 10, not the naive [l_t − u_c, u_t − l_c]."""
    low, high = newcombe_difference_interval(130, 1000, 100, 1000)
    assert (low, high) == pytest.approx((0.0020023487, 0.0580704850), abs=TOL)
    l_t, u_t = wilson_interval(130, 1000)
    l_c, u_c = wilson_interval(100, 1000)
    assert low > l_t - u_c + 0.01  # the naive interval is much wider
    assert high < u_t - l_c - 0.01


def test_katz_ratio_interval_matches_the_vector() -> None:
    """X-3: Katz log interval of RR = 1.3."""
    interval = katz_ratio_interval(130, 1000, 100, 1000)
    assert interval == pytest.approx((1.0169842710, 1.6617759470), abs=TOL)


def test_pooled_z_test_matches_the_vector() -> None:
    """X-3: z = 2.1027406056, two-sided p = 0.0354884505."""
    p = pooled_z_test(130, 1000, 100, 1000)
    assert p == pytest.approx(0.0354884505, abs=TOL)
    assert p == pytest.approx(2 * NormalDist().cdf(-2.1027406056), abs=TOL)


def test_fisher_exact_test_matches_the_vector() -> None:
    """X-3: Fisher's two-sided p = 0.0419045484."""
    assert fisher_exact_test(130, 1000, 100, 1000) == pytest.approx(0.0419045484, abs=TOL)


@pytest.mark.parametrize(("users", "expected"), [(1000, 0.0407451543), (10_000, 0.0122010251)])
def test_minimum_detectable_effect_matches_the_vectors(users: int, expected: float) -> None:
    """X-3: MDE at p₀ = 0.10 for equal groups."""
    assert minimum_detectable_effect(0.10, users, users) == pytest.approx(expected, abs=TOL)


def test_holm_adjust_matches_the_vector() -> None:
    """X-3: Holm of [0.01, 0.04, 0.03, 0.20], in the input's order."""
    adjusted = holm_adjust([0.01, 0.04, 0.03, 0.20])
    assert adjusted == pytest.approx([0.04, 0.09, 0.09, 0.20], abs=TOL)


def test_compare_reports_the_vectors_in_percent() -> None:
    """B-2, X-3: the COMPARISON of the vectors: ×100 of the fractions, uplift 30 %."""
    c = compare("target", "control", 130, 1000, 100, 1000)
    assert c.group_cvr == pytest.approx(13.0, abs=1e-9)
    assert c.baseline_group_cvr == pytest.approx(10.0, abs=1e-9)
    assert c.difference_pp == pytest.approx(3.0, abs=1e-9)
    assert c.difference_ci_pp == pytest.approx((0.20023487, 5.80704850), abs=1e-6)
    assert c.uplift_pct == pytest.approx(30.0, abs=1e-9)
    assert c.uplift_ci_pct == pytest.approx((1.698, 66.178), abs=5e-4)
    assert c.uplift_ci_pct == pytest.approx((1.69842710, 66.17759470), abs=1e-6)
    assert c.test == "z_test"
    assert c.p_value == pytest.approx(0.0354884505, abs=TOL)
    assert c.p_adjusted == c.p_value
    assert c.significant is True
    assert c.mde_pp == pytest.approx(4.07451543, abs=1e-6)


# --- pinned edge cases --------------------------------------------------------------------


def test_katz_interval_is_none_when_the_baseline_converted_nobody() -> None:
    """B-2: no ratio against a baseline that converted nobody."""
    assert katz_ratio_interval(5, 50, 0, 50) is None
    assert katz_ratio_interval(0, 50, 0, 50) is None


def test_katz_interval_adds_a_half_when_the_group_converted_nobody() -> None:
    """X-3: x + 0.5 and n + 0.5 in both groups; the point ratio 0 lies below the interval."""
    # RR' = (0.5/50.5)/(5.5/50.5), SE = √(1/0.5 − 1/50.5 + 1/5.5 − 1/50.5)
    interval = katz_ratio_interval(0, 50, 5, 50)
    assert interval == pytest.approx((0.0051613436986, 1.6012231101995), rel=1e-9)
    c = compare("target", "control", 0, 50, 5, 50)
    assert c.uplift_pct == pytest.approx(-100.0)
    assert c.uplift_ci_pct is not None
    assert c.uplift_ci_pct[0] > -100.0


def test_compare_without_baseline_conversions_has_no_uplift_but_a_difference() -> None:
    """B-2: uplift and its interval are None (never infinite); the difference stands."""
    c = compare("b", "a", 4, 40, 0, 40)
    assert c.uplift_pct is None
    assert c.uplift_ci_pct is None
    assert c.difference_pp == pytest.approx(10.0)
    assert c.difference_ci_pp is not None
    assert c.difference_ci_pp[0] < 10.0 < c.difference_ci_pp[1]
    assert c.test == "fisher_exact"
    assert c.p_value is not None
    json.dumps(c.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("converted", "users", "baseline_converted", "baseline_users"),
    [(0, 0, 5, 50), (5, 50, 0, 0), (0, 0, 0, 0)],
)
def test_compare_with_an_empty_group_has_no_statistics(
    converted: int, users: int, baseline_converted: int, baseline_users: int
) -> None:
    """X-3: every statistic is None when a group is empty; a non-empty group keeps its CVR."""
    c = compare("target", "control", converted, users, baseline_converted, baseline_users)
    d = c.to_dict()
    statistics = COMPARISON_KEYS[8:]
    assert all(d[key] is None for key in statistics)
    assert (d["group_cvr"] is None) == (users == 0)
    assert (d["baseline_group_cvr"] is None) == (baseline_users == 0)
    assert adjust_comparisons([c]) == [c]


def test_selector_uses_fisher_only_below_five_expected() -> None:
    """X-3: an expected cell of exactly 5 keeps the z-test; 4.5 switches to Fisher."""
    assert significance_test(6, 50, 4, 50)[0] == "z_test"  # expected converted 5 and 5
    test, p = significance_test(5, 50, 4, 50)  # expected converted 4.5
    assert test == "fisher_exact"
    assert p == fisher_exact_test(5, 50, 4, 50)
    # the non-converted column counts too: 95 of 100 converted leaves expected 2.5
    assert significance_test(48, 50, 47, 50)[0] == "fisher_exact"
    assert significance_test(130, 1000, 100, 1000) == (
        "z_test",
        pooled_z_test(130, 1000, 100, 1000),
    )


def test_fisher_is_fast_and_exact_at_a_million_users_per_group() -> None:
    """X-3: Fisher walks outward from the mode, so a million users per group is quick."""
    start = time.perf_counter()
    p_balanced = fisher_exact_test(500_000, 1_000_000, 501_500, 1_000_000)
    p_typical = fisher_exact_test(100_000, 1_000_000, 101_000, 1_000_000)
    p_extreme = fisher_exact_test(0, 1_000_000, 1_000_000, 1_000_000)
    p_rare = fisher_exact_test(10, 1_000_000, 25, 1_000_000)
    assert time.perf_counter() - start < 3.0
    # cross-checked against scipy.stats.fisher_exact
    assert p_balanced == pytest.approx(0.0340137351, rel=1e-8)
    assert p_typical == pytest.approx(0.0188008062, rel=1e-8)
    assert p_extreme == 0.0
    # 36 tables of support: exact rational arithmetic is the oracle
    assert p_rare == pytest.approx(0.016672912809740436, rel=1e-12)
    assert p_rare == pytest.approx(fisher_brute_force_by_ratio(10, 1_000_000, 25, 1_000_000))


def fisher_brute_force_by_ratio(x_t: int, n_t: int, x_c: int, n_c: int) -> float:
    """Fisher's two-sided p-value in exact fractions, for a small support and large groups."""
    successes = x_t + x_c
    failures = n_t + n_c - successes
    low, high = max(0, n_t - failures), min(n_t, successes)
    weights = [Fraction(1)]
    for k in range(low, high):
        weights.append(
            weights[-1] * Fraction((successes - k) * (n_t - k), (k + 1) * (failures - n_t + k + 1))
        )
    observed = weights[x_t - low]
    extreme = sum(w for w in weights if w * 10**7 <= observed * (10**7 + 1))
    return float(extreme / sum(weights))


def test_fisher_two_sided_is_not_monotone_in_the_target_count_alone() -> None:
    """X-3: the two-sided sum over the table's support: a pinned consequence.

    With the baseline fixed at 0/6, one more target conversion (3/16 → 4/16) raises
    Fisher's p-value, because the margins change with it; the z-test's falls.
    """
    assert fisher_exact_test(3, 16, 0, 6) == pytest.approx(fisher_brute_force(3, 16, 0, 6))
    assert fisher_exact_test(4, 16, 0, 6) == pytest.approx(fisher_brute_force(4, 16, 0, 6))
    assert fisher_exact_test(4, 16, 0, 6) > fisher_exact_test(3, 16, 0, 6)
    assert pooled_z_test(4, 16, 0, 6) < pooled_z_test(3, 16, 0, 6)


def test_fisher_counts_tables_that_tie_with_the_observed_one() -> None:
    """X-3: "not above the observed" with a relative tolerance of 1e-7.

    In 1/6 vs 9/11 another table is exactly as probable as the observed one, but the two
    are reached by different products of ratios; without the tolerance the p-value halves.
    """
    assert fisher_exact_test(1, 6, 9, 11) == pytest.approx(0.034502262443438916, rel=1e-12)
    assert fisher_exact_test(1, 6, 9, 11) == pytest.approx(fisher_brute_force(1, 6, 9, 11))


def test_significance_includes_p_equal_to_alpha() -> None:
    """X-3: significant means (adjusted) p ≤ α, equality included."""
    p = compare("target", "control", 130, 1000, 100, 1000).p_value
    assert p is not None
    at_p = compare("target", "control", 130, 1000, 100, 1000, alpha=p)
    assert at_p.significant is True
    other = compare("b", "control", 101, 1000, 100, 1000)
    adjusted = adjust_comparisons([at_p, other], alpha=2 * p)
    assert adjusted[0].p_adjusted == 2 * p
    assert adjusted[0].significant is True


def test_pooled_z_test_without_variance_is_one() -> None:
    """X-3: nobody (or everybody) converted: equal rates, p = 1."""
    assert pooled_z_test(0, 10, 0, 20) == 1.0
    assert pooled_z_test(10, 10, 20, 20) == 1.0
    assert fisher_exact_test(0, 10, 0, 20) == 1.0


def test_minimum_detectable_effect_is_none_when_nothing_solves_it() -> None:
    """X-3: mde is None for p₀ = 1 and for groups too small to detect any δ ≤ 1 − p₀."""
    assert minimum_detectable_effect(1.0, 1000, 1000) is None
    assert minimum_detectable_effect(0.5, 1, 1) is None
    assert minimum_detectable_effect(0.5, 5, 5) is None
    assert compare("target", "control", 1, 2, 1, 2).mde_pp is None
    mde = minimum_detectable_effect(0.0, 1000, 1000)
    assert mde is not None
    assert 0.0 < mde < 0.05


def test_holm_leaves_none_p_values_out_of_m() -> None:
    """X-3: Holm within one list; a comparison without a p-value is not counted in m."""
    a = compare("a", "control", 130, 1000, 100, 1000)
    empty = compare("b", "control", 0, 0, 100, 1000)
    c = compare("c", "control", 101, 1000, 100, 1000)
    adjusted = adjust_comparisons([a, empty, c])
    assert [x.label for x in adjusted] == ["a", "b", "c"]
    assert a.p_value is not None
    assert c.p_value is not None
    expected = holm_adjust([a.p_value, c.p_value])  # m = 2, not 3
    assert adjusted[0].p_adjusted == pytest.approx(expected[0])
    assert adjusted[0].p_adjusted == pytest.approx(2 * a.p_value)
    assert adjusted[2].p_adjusted == pytest.approx(expected[1])
    assert adjusted[1] == empty
    assert adjusted[0].significant is False  # 0.071 > 0.05 after adjustment
    assert adjusted[0].p_value == a.p_value
    assert adjust_comparisons([a]) == [a]
    assert adjust_comparisons([]) == []


def test_adjust_comparisons_uses_the_given_alpha() -> None:
    """X-3: significance is adjusted p ≤ alpha."""
    a = compare("a", "control", 130, 1000, 100, 1000)
    c = compare("c", "control", 101, 1000, 100, 1000)
    assert [x.significant for x in adjust_comparisons([a, c], alpha=0.1)] == [True, False]


def test_comparison_to_dict_has_exactly_the_formats_keys() -> None:
    """X-3: FORMATS.md's COMPARISON: exactly its keys, intervals as 2-element lists."""
    d = compare("target", "control", 130, 1000, 100, 1000).to_dict()
    assert list(d) == COMPARISON_KEYS
    assert [f.name for f in attrs.fields(Comparison)] == COMPARISON_KEYS
    assert isinstance(d["difference_ci_pp"], list)
    assert len(d["difference_ci_pp"]) == 2
    assert isinstance(d["uplift_ci_pct"], list)
    json.dumps(d, allow_nan=False)


def test_comparison_is_frozen_and_slotted() -> None:
    """X-3: a Comparison is an immutable value."""
    c = compare("target", "control", 130, 1000, 100, 1000)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        c.label = "other"  # type: ignore[misc]
    assert not hasattr(c, "__dict__")


def test_comparison_rejects_invalid_values() -> None:
    """X-3: an invalid Comparison cannot exist."""
    good = compare("target", "control", 130, 1000, 100, 1000)
    with pytest.raises(InputError, match="converted"):
        attrs.evolve(good, converted=1001)
    with pytest.raises(InputError, match="baseline_converted"):
        attrs.evolve(good, baseline_converted=1001)
    with pytest.raises(ValueError, match="test"):
        attrs.evolve(good, test="t_test")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="difference_ci_pp"):
        attrs.evolve(good, difference_ci_pp=(5.0, 1.0))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: wilson_interval(11, 10), "x"),
        (lambda: wilson_interval(0, 0), "n"),
        (lambda: wilson_interval(-1, 10), "x"),
        (lambda: wilson_interval(True, 10), "x"),
        (lambda: wilson_interval(1, 10, alpha=0.0), "alpha"),
        (lambda: wilson_interval(1, 10, alpha=math.nan), "alpha"),
        (lambda: pooled_z_test(1, 10, 1, 0), "n_c"),
        (lambda: fisher_exact_test(1, 0, 1, 10), "n_t"),
        (lambda: holm_adjust([0.5, math.nan]), "p_values[1]"),
        (lambda: holm_adjust([1.5]), "p_values[0]"),
        (lambda: minimum_detectable_effect(0.1, 0, 10), "n_c"),
        (lambda: minimum_detectable_effect(1.1, 10, 10), "p0"),
        (lambda: minimum_detectable_effect(0.1, 10, 10, power=1.0), "power"),
        (lambda: compare("t", "c", 2, 1, 0, 1), "converted"),
        (lambda: compare("t", "c", 1, 1, 0, 1, alpha=1.0), "alpha"),
    ],
)
def test_invalid_inputs_raise_input_error(call: Callable[[], object], field: str) -> None:
    """X-3: invalid counts and levels raise InputError (a ValueError) naming the field."""
    with pytest.raises(InputError) as info:
        call()
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_public_names_are_listed_documented_and_their_examples_pass() -> None:
    """X-3: every public name is in __all__ with a docstring; the examples hold."""
    from campaign_metrics.stats import comparison, formulas

    modules = (formulas, comparison)
    defined = {
        name
        for module in modules
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
    }
    assert defined <= set(stats.__all__)
    assert set(stats.__all__) == defined | {"TestName"}
    for name in defined:
        assert getattr(stats, name).__doc__
    attempted = failed = 0
    for module in (stats, *modules):
        result = doctest.testmod(module, raise_on_error=False, verbose=False)
        attempted += result.attempted
        failed += result.failed
    assert attempted >= 10
    assert failed == 0


# --- properties ---------------------------------------------------------------------------


@given(groups(max_users=10_000), probabilities.filter(lambda a: 0.001 <= a <= 0.5))
def test_wilson_interval_contains_the_rate_within_zero_and_one(
    group: tuple[int, int], alpha: float
) -> None:
    """X-3: l ≤ x/n ≤ u, inside [0, 1]."""
    x, n = group
    low, high = wilson_interval(x, n, alpha)
    assert 0.0 <= low <= x / n <= high <= 1.0


@given(tables())
@example((0, 1, 1, 1))
@example((0, 200, 200, 200))
def test_difference_interval_contains_the_estimate_inside_the_naive_one(
    table: tuple[int, int, int, int],
) -> None:
    """X-3: L ≤ d ≤ U, and Newcombe's interval lies inside [l_t − u_c, u_t − l_c] ⊆ [−1, 1]."""
    x_t, n_t, x_c, n_c = table
    low, high = newcombe_difference_interval(*table)
    d = x_t / n_t - x_c / n_c
    assert low <= d <= high
    l_t, u_t = wilson_interval(x_t, n_t)
    l_c, u_c = wilson_interval(x_c, n_c)
    assert l_t - u_c - 1e-12 <= low
    assert high <= u_t - l_c + 1e-12
    assert low >= -1.0 - 1e-12
    assert high <= 1.0 + 1e-12


@given(tables())
def test_swapping_groups_mirrors_the_difference_interval(
    table: tuple[int, int, int, int],
) -> None:
    """X-3: the interval of c − t is the negated interval of t − c."""
    x_t, n_t, x_c, n_c = table
    low, high = newcombe_difference_interval(x_t, n_t, x_c, n_c)
    assert newcombe_difference_interval(x_c, n_c, x_t, n_t) == pytest.approx((-high, -low))


@given(tables())
def test_swapping_groups_inverts_the_ratio_interval(table: tuple[int, int, int, int]) -> None:
    """X-3: with conversions in both groups, the ratio interval of c/t is 1/(t/c)'s."""
    x_t, n_t, x_c, n_c = table
    assume(x_t > 0 and x_c > 0)
    interval = katz_ratio_interval(x_t, n_t, x_c, n_c)
    mirrored = katz_ratio_interval(x_c, n_c, x_t, n_t)
    assert interval is not None
    assert mirrored is not None
    assert mirrored == pytest.approx((1 / interval[1], 1 / interval[0]))
    assert interval[0] <= (x_t / n_t) / (x_c / n_c) <= interval[1]


@given(tables(max_users=2000))
def test_p_values_lie_in_zero_one_and_ignore_labels(table: tuple[int, int, int, int]) -> None:
    """X-3: both tests give p in [0, 1], unchanged by swapping the groups or the outcomes."""
    x_t, n_t, x_c, n_c = table
    for test in (pooled_z_test, fisher_exact_test):
        p = test(x_t, n_t, x_c, n_c)
        assert 0.0 <= p <= 1.0
        assert test(x_c, n_c, x_t, n_t) == pytest.approx(p, rel=1e-9, abs=1e-300)
        assert test(n_t - x_t, n_t, n_c - x_c, n_c) == pytest.approx(p, rel=1e-9, abs=1e-300)
    name, p = significance_test(*table)
    assert name in ("z_test", "fisher_exact")
    assert 0.0 <= p <= 1.0


@given(tables(max_users=40))
@example((3, 16, 0, 6))
@example((1, 6, 9, 11))  # two tables tie with the observed one only up to rounding
@example((5, 7, 4, 14))
@example((20, 40, 20, 40))
@example((0, 1, 0, 1))
def test_fisher_equals_a_brute_force_sum_over_the_support(
    table: tuple[int, int, int, int],
) -> None:
    """X-3: Fisher's p is the exact sum of hypergeometric probabilities not above the observed."""
    assert fisher_exact_test(*table) == pytest.approx(fisher_brute_force(*table), rel=1e-9)


@given(tables(max_users=300))
@example((1, 1, 1, 1))
@example((5, 10, 1, 10))
def test_both_tests_agree_that_a_larger_gap_is_stronger_evidence(
    table: tuple[int, int, int, int],
) -> None:
    """X-3: same margins, target's rate at least the baseline's: moving one conversion from
    the baseline to the target never raises either p-value.

    (With the margins held fixed Fisher's law does not change, so both tests must read the
    wider gap the same way; letting the target's count grow alone is not enough for Fisher,
    see test_fisher_two_sided_is_not_monotone_in_the_target_count_alone.)
    """
    x_t, n_t, x_c, n_c = table
    assume(x_t < n_t and x_c > 0 and x_t * n_c >= x_c * n_t)
    wider = (x_t + 1, n_t, x_c - 1, n_c)
    assert pooled_z_test(*wider) <= pooled_z_test(*table) * (1 + 1e-12)
    assert fisher_exact_test(*wider) <= fisher_exact_test(*table) * (1 + 1e-9)


@given(tables(max_users=300))
def test_z_test_p_falls_as_the_leading_target_converts_more(
    table: tuple[int, int, int, int],
) -> None:
    """X-3: with the baseline fixed and the target's rate at least the baseline's, one more
    target conversion never raises the z-test's p-value."""
    x_t, n_t, x_c, n_c = table
    assume(x_t < n_t and x_t * n_c >= x_c * n_t)
    assert pooled_z_test(x_t + 1, n_t, x_c, n_c) <= pooled_z_test(*table) * (1 + 1e-12)


@given(st.lists(probabilities, max_size=12), st.data())
@example([0.01, 0.04, 0.03, 0.20], None)
@example([0.5, 0.5, 0.01], None)
def test_holm_is_monotone_never_below_raw_and_order_free(
    p_values: list[float], data: st.DataObject | None
) -> None:
    """X-3: adjusted p ≥ raw, ≤ 1, monotone in the raw p, and equivariant under permutation."""
    adjusted = holm_adjust(p_values)
    assert len(adjusted) == len(p_values)
    for raw, adj in zip(p_values, adjusted, strict=True):
        assert raw <= adj <= 1.0
    for i, p_i in enumerate(p_values):
        for j, p_j in enumerate(p_values):
            if p_i <= p_j:
                assert adjusted[i] <= adjusted[j]
    if data is not None:
        order = data.draw(st.permutations(range(len(p_values))))
        assert holm_adjust([p_values[i] for i in order]) == [adjusted[i] for i in order]
    if p_values:
        smallest = min(range(len(p_values)), key=p_values.__getitem__)
        assert adjusted[smallest] == min(1.0, len(p_values) * p_values[smallest])


@given(
    probabilities.filter(lambda p: p < 0.99),
    st.integers(10, 100_000),
    st.integers(10, 100_000),
)
def test_minimum_detectable_effect_solves_its_equation_and_shrinks_with_size(
    p0: float, n_c: int, n_t: int
) -> None:
    """X-3: the MDE has power 0.8 at α = 0.05 and larger groups detect smaller effects."""
    mde = minimum_detectable_effect(p0, n_c, n_t)
    bigger = minimum_detectable_effect(p0, 2 * n_c, 2 * n_t)
    if mde is None:
        return
    assert 0.0 < mde <= 1.0 - p0
    assert bigger is not None
    assert bigger < mde
    # the approximate power of the pooled z-test at δ = mde
    normal = NormalDist()
    p1 = p0 + mde
    pooled = (n_c * p0 + n_t * p1) / (n_c + n_t)
    null_se = math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))
    alt_se = math.sqrt(p0 * (1 - p0) / n_c + p1 * (1 - p1) / n_t)
    assume(alt_se > 0)
    power = normal.cdf((mde - normal.inv_cdf(0.975) * null_se) / alt_se)
    assert power == pytest.approx(0.8, abs=1e-6)


@given(tables(max_users=500), st.sampled_from([0.01, 0.05, 0.1]))
def test_compare_is_consistent_with_the_functions(
    table: tuple[int, int, int, int], alpha: float
) -> None:
    """B-2, X-3: compare reports the functions' results ×100, the selector's test, p ≤ α."""
    x_t, n_t, x_c, n_c = table
    c = compare("target", "control", x_t, n_t, x_c, n_c, alpha=alpha)
    test, p = significance_test(*table)
    assert (c.test, c.p_value, c.p_adjusted) == (test, p, p)
    assert c.significant is (p <= alpha)
    low, high = newcombe_difference_interval(*table, alpha=alpha)
    assert c.difference_ci_pp == pytest.approx((100 * low, 100 * high))
    assert c.difference_pp is not None
    assert c.difference_ci_pp is not None
    assert c.difference_ci_pp[0] <= c.difference_pp <= c.difference_ci_pp[1]
    ratio = katz_ratio_interval(*table, alpha=alpha)
    assert (c.uplift_pct is None) == (x_c == 0) == (ratio is None) == (c.uplift_ci_pct is None)
    if ratio is not None:
        assert c.uplift_ci_pct == pytest.approx((100 * (ratio[0] - 1), 100 * (ratio[1] - 1)))
    json.dumps(c.to_dict(), allow_nan=False)

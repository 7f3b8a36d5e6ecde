"""Statistics of comparisons: a group's conversion against a baseline's (B-2, X-3).

Each comparison sets converted users ``x`` out of users ``n`` in a group (the target or a
variation) against the same counts of its baseline. STATISTICS.md fixes every formula:

- the Wilson interval of one group and Newcombe's hybrid score interval (method 10) of the
  difference in rates;
- the Katz log interval of the ratio of rates, from which the relative uplift follows;
- the two-sided pooled z-test, or Fisher's exact test when an expected cell of the 2x2 table
  is below 5;
- Holm's step-down adjustment within one list of comparisons;
- the minimum detectable effect of the pooled z-test at power 0.8.

Everything is standard library: :class:`statistics.NormalDist` and :func:`math.lgamma`.
Fractions in, fractions out; only :class:`Comparison` speaks in percentages.
"""

from __future__ import annotations

from .comparison import Comparison, adjust_comparisons, compare
from .formulas import (
    TestName,
    fisher_exact_test,
    holm_adjust,
    katz_ratio_interval,
    minimum_detectable_effect,
    newcombe_difference_interval,
    pooled_z_test,
    significance_test,
    wilson_interval,
)

__all__ = [
    "Comparison",
    "TestName",
    "adjust_comparisons",
    "compare",
    "fisher_exact_test",
    "holm_adjust",
    "katz_ratio_interval",
    "minimum_detectable_effect",
    "newcombe_difference_interval",
    "pooled_z_test",
    "significance_test",
    "wilson_interval",
]

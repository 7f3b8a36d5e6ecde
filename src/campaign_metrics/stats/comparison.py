"""A comparison of two groups' rates, and Holm's adjustment across comparisons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ..errors import InputError
from .formulas import (
    TestName,
    _check_count,
    _check_group,
    _z,
    holm_adjust,
    katz_ratio_interval,
    minimum_detectable_effect,
    newcombe_difference_interval,
    significance_test,
)


def _validate_count(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    _check_count(attribute.name, value)


def _validate_interval(
    instance: object, attribute: attrs.Attribute[tuple[float, float] | None], value: object
) -> None:
    if value is None:
        return
    if not (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, float) for v in value)
        and value[0] <= value[1]
    ):
        raise InputError(
            field=attribute.name, expected="None or a (low, high) pair of floats", got=value
        )


_OPTIONAL_FLOAT = attrs.validators.optional(attrs.validators.instance_of(float))


def _to_percent(value: float | None) -> float | None:
    return None if value is None else value * 100.0


def _interval_to_percent(interval: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if interval is None else (interval[0] * 100.0, interval[1] * 100.0)


@attrs.frozen(slots=True)
class Comparison:
    """One group's conversion against its baseline: the COMPARISON object of FORMATS.md.

    Rates, differences and intervals are in percentages (percentage points for
    ``difference_pp``, ``difference_ci_pp`` and ``mde_pp``). A group's CVR is ``None`` when
    the group is empty; every statistic is ``None`` when either group is empty; the uplift
    and its interval are ``None`` when the baseline converted nobody (B-2, X-3).

    >>> c = compare("target", "control", 130, 1000, 100, 1000)
    >>> c.test, round(c.difference_pp, 6), c.significant
    ('z_test', 3.0, True)
    """

    label: str = attrs.field(validator=attrs.validators.instance_of(str))
    baseline: str = attrs.field(validator=attrs.validators.instance_of(str))
    users: int = attrs.field(validator=_validate_count)
    converted: int = attrs.field(validator=_validate_count)
    group_cvr: float | None = attrs.field(validator=_OPTIONAL_FLOAT)
    baseline_users: int = attrs.field(validator=_validate_count)
    baseline_converted: int = attrs.field(validator=_validate_count)
    baseline_group_cvr: float | None = attrs.field(validator=_OPTIONAL_FLOAT)
    difference_pp: float | None = attrs.field(validator=_OPTIONAL_FLOAT)
    difference_ci_pp: tuple[float, float] | None = attrs.field(validator=_validate_interval)
    uplift_pct: float | None = attrs.field(validator=_OPTIONAL_FLOAT)
    uplift_ci_pct: tuple[float, float] | None = attrs.field(validator=_validate_interval)
    test: TestName | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.in_(("z_test", "fisher_exact")))
    )
    p_value: float | None = attrs.field(validator=_OPTIONAL_FLOAT)
    p_adjusted: float | None = attrs.field(validator=_OPTIONAL_FLOAT)
    significant: bool | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(bool))
    )
    mde_pp: float | None = attrs.field(validator=_OPTIONAL_FLOAT)

    def __attrs_post_init__(self) -> None:
        if self.converted > self.users:
            raise InputError(
                field="converted", expected=f"at most users = {self.users}", got=self.converted
            )
        if self.baseline_converted > self.baseline_users:
            raise InputError(
                field="baseline_converted",
                expected=f"at most baseline_users = {self.baseline_users}",
                got=self.baseline_converted,
            )

    def to_dict(self) -> dict[str, Any]:
        """The COMPARISON object of FORMATS.md: exactly its keys, intervals as lists.

        >>> compare("target", "control", 0, 0, 5, 50).to_dict()["difference_ci_pp"] is None
        True
        """
        result: dict[str, Any] = {}
        for field in attrs.fields(Comparison):
            value = getattr(self, field.name)
            result[field.name] = list(value) if isinstance(value, tuple) else value
        return result


def compare(
    label: str,
    baseline: str,
    converted: int,
    users: int,
    baseline_converted: int,
    baseline_users: int,
    alpha: float = 0.05,
) -> Comparison:
    """Compare ``converted`` of ``users`` in a group with the baseline's counts (B-2, X-3).

    The p-value is not yet adjusted for other comparisons: ``p_adjusted`` is the p-value
    and ``significant`` is ``p_value <= alpha``; :func:`adjust_comparisons` applies Holm
    within a list. ``alpha`` also sets the confidence of the intervals and the minimum
    detectable effect (at power 0.8, for the baseline's rate and the two groups' sizes).

    >>> c = compare("target", "control", 130, 1000, 100, 1000)
    >>> round(c.uplift_pct, 6), [round(v, 3) for v in c.uplift_ci_pct]
    (30.0, [1.698, 66.178])
    >>> compare("b", "a", 4, 40, 0, 40).uplift_pct is None
    True
    """
    for name, value in (("label", label), ("baseline", baseline)):
        if not isinstance(value, str):
            raise InputError(field=name, expected="a string", got=value)
    _check_group("converted", converted, "users", users, nonempty=False)
    _check_group(
        "baseline_converted", baseline_converted, "baseline_users", baseline_users, nonempty=False
    )
    _z(alpha)
    group_cvr = None if users == 0 else converted / users
    baseline_cvr = None if baseline_users == 0 else baseline_converted / baseline_users
    empty = Comparison(
        label=label,
        baseline=baseline,
        users=users,
        converted=converted,
        group_cvr=_to_percent(group_cvr),
        baseline_users=baseline_users,
        baseline_converted=baseline_converted,
        baseline_group_cvr=_to_percent(baseline_cvr),
        difference_pp=None,
        difference_ci_pp=None,
        uplift_pct=None,
        uplift_ci_pct=None,
        test=None,
        p_value=None,
        p_adjusted=None,
        significant=None,
        mde_pp=None,
    )
    if group_cvr is None or baseline_cvr is None:  # no statistics of an empty group
        return empty
    counts = (converted, users, baseline_converted, baseline_users)
    test, p_value = significance_test(*counts)
    ratio = katz_ratio_interval(*counts, alpha=alpha)
    mde = minimum_detectable_effect(baseline_cvr, baseline_users, users, alpha=alpha)
    return attrs.evolve(
        empty,
        difference_pp=(group_cvr - baseline_cvr) * 100.0,
        difference_ci_pp=_interval_to_percent(newcombe_difference_interval(*counts, alpha=alpha)),
        # B-2: no uplift against a baseline that converted nobody (never infinity)
        uplift_pct=None if ratio is None else (group_cvr - baseline_cvr) / baseline_cvr * 100.0,
        uplift_ci_pct=None
        if ratio is None
        else ((ratio[0] - 1.0) * 100.0, (ratio[1] - 1.0) * 100.0),
        test=test,
        p_value=p_value,
        p_adjusted=p_value,
        significant=p_value <= alpha,
        mde_pp=_to_percent(mde),
    )


def adjust_comparisons(comparisons: Iterable[Comparison], alpha: float = 0.05) -> list[Comparison]:
    """Holm-adjust the p-values of one list of comparisons (X-3), keeping its order.

    ``m`` is the number of comparisons with a p-value; one without keeps ``None`` for
    ``p_adjusted`` and ``significant``. ``significant`` becomes ``p_adjusted <= alpha``.

    >>> a = compare("a", "control", 130, 1000, 100, 1000)
    >>> b = compare("b", "control", 101, 1000, 100, 1000)
    >>> [round(c.p_adjusted, 6) for c in adjust_comparisons([a, b])]
    [0.070977, 0.940715]
    """
    _z(alpha)
    items = list(comparisons)
    for i, item in enumerate(items):
        if not isinstance(item, Comparison):
            raise InputError(field=f"comparisons[{i}]", expected="a Comparison", got=item)
    tested = [i for i, item in enumerate(items) if item.p_value is not None]
    adjusted = holm_adjust([items[i].p_value or 0.0 for i in tested])
    result = list(items)
    for i, p_adjusted in zip(tested, adjusted, strict=True):
        result[i] = attrs.evolve(items[i], p_adjusted=p_adjusted, significant=p_adjusted <= alpha)
    return result

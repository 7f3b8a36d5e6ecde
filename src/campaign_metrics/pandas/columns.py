"""Typed DataFrame columns from report values (the dtypes of the frames)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import MissingDependencyError


def _pd() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise MissingDependencyError("pandas", "pandas") from None
    return pd


# --------------------------------------------------------------------------- dtypes

_COUNT, _FLOAT, _MONEY, _TEXT, _FLAG, _DATE, _INSTANT = (
    "count",
    "float",
    "money",
    "text",
    "flag",
    "date",
    "instant",
)

#: The kind of every column any frame of this module has.
_KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "campaign_id",
            "stage",
            "reason",
            "category",
            "locale",
            "variation",
            "mode",
            "tz_mode",
            "attribution_type",
            "name",
            "comparison",
            "label",
            "baseline",
            "test",
            "file",
            "field",
            "key",
            "formula",
            "numerator",
            "denominator",
            "rule",
            "campaign_name",
            "last_modified_by",
            "type",
        ),
        _TEXT,
    ),
    **dict.fromkeys(
        (
            "users",
            "removed",
            "sent",
            "delivered",
            "total_clicks",
            "conversion_events",
            "events",
            "messages",
            "status_code",
            "count",
            "attempted",
            "failed_to_send",
            "unique_clickers",
            "converted_users",
            "total_conversions",
            "unique_conversions",
            "converted",
            "baseline_users",
            "baseline_converted",
            "line",
            "direct_orders",
            "assisted_orders",
            "total_segments",
            "total_delivered",
            "total_sent",
            "unsubscribes",
        ),
        _COUNT,
    ),
    **dict.fromkeys(
        (
            "share",
            "cvr",
            "group_cvr",
            "baseline_group_cvr",
            "difference_pp",
            "difference_ci_low_pp",
            "difference_ci_high_pp",
            "uplift_pct",
            "uplift_ci_low_pct",
            "uplift_ci_high_pct",
            "p_value",
            "p_adjusted",
            "mde_pp",
            "click_to_delivered_rate",
            "conversion_rate",
        ),
        _FLOAT,
    ),
    **dict.fromkeys(
        (
            "revenue",
            "average_order_value",
            "average_revenue_per_user",
            "assisted_revenue",
        ),
        _MONEY,
    ),
    **dict.fromkeys(("transient", "primary", "significant"), _FLAG),
    "date": _DATE,
    "last_sent": _INSTANT,
}


def _column(pd: Any, values: list[Any], kind: str) -> Any:
    if kind == _COUNT:
        return pd.array(values, dtype="Int64")
    if kind == _FLOAT:
        return pd.array(values, dtype="Float64")
    if kind == _TEXT:
        return pd.array(values, dtype="string")
    if kind == _FLAG:
        return pd.array(values, dtype="boolean")
    if kind == _DATE:
        return pd.to_datetime(pd.Series(values, dtype=object), format="%Y-%m-%d")
    if kind == _INSTANT:
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
    return pd.Series(values, dtype=object)  # money: exact Decimals (or None)


def _frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Any:
    """A DataFrame of ``rows`` with exactly ``columns``, each of its kind's dtype."""
    pd = _pd()
    listed = list(rows)
    return pd.DataFrame(
        {c: _column(pd, [row.get(c) for row in listed], _KINDS[c]) for c in columns},
        columns=list(columns),
    )


# --------------------------------------------------------------------------- sections

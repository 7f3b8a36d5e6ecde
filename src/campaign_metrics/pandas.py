"""Reports as tidy pandas DataFrames (extra ``pandas``: ``pip install 'campaign-metrics[pandas]'``).

Every frame has one row per item of a list-shaped section of the report (a funnel stage,
a day, an error reason, a comparison...) and a first ``campaign_id`` column, so frames of
several campaigns concatenate. The columns have the dtypes of what they hold:

- counts: nullable ``Int64`` (``<NA>`` where the report holds ``None``: not tracked);
- rates, shares, percentage points and p-values: nullable ``Float64``;
- money: ``decimal.Decimal`` objects (``object`` dtype), the report's exact values, or
  ``None``; convert with ``frame["revenue"].astype(float)`` to do float arithmetic;
- text: ``string``; flags: nullable ``boolean``;
- calendar days (``daily.date``): ``datetime64`` at midnight of the day in the app's time
  zone; instants (``last_sent`` of the campaigns table): ``datetime64`` in UTC.

:meth:`campaign_metrics.Report.to_pandas` gives one report's section;
:func:`section_frame` the same section over several reports.

>>> import campaign_metrics as cm
>>> from campaign_metrics.pandas import section_frame
>>> section_frame(cm.analyze("examples/mms_spring_sale"), "funnel")["users"].tolist()
[2969, 2941, 2928, 2588, 2423]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .errors import ConfigurationError, MissingDependencyError
from .report import (
    AttributionResult,
    ContentApiRow,
    DailyRow,
    FailedToDeliverRow,
    FailedToSendRow,
    FunnelStage,
    LocaleVariationRow,
    RejectedRow,
    RemovedRow,
    Report,
    SendModeRow,
    to_jsonable,
)
from .tables import campaigns_table

__all__ = [
    "SECTIONS",
    "campaigns_frame",
    "daily_frame",
    "failed_to_send_frame",
    "funnel_frame",
    "locale_variation_frame",
    "section_frame",
    "summary_frame",
]


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

_Rows = Callable[[Report], Iterable[Mapping[str, Any]]]

_ATTRIBUTION_TYPES = ("view_through", "click_through", "in_session")
_GOAL_COLUMNS = ("name", "primary", "total_conversions", "unique_conversions", "revenue")
_COMPARISON_COLUMNS = (
    "comparison",
    "label",
    "baseline",
    "users",
    "converted",
    "group_cvr",
    "baseline_users",
    "baseline_converted",
    "baseline_group_cvr",
    "difference_pp",
    "difference_ci_low_pp",
    "difference_ci_high_pp",
    "uplift_pct",
    "uplift_ci_low_pct",
    "uplift_ci_high_pct",
    "test",
    "p_value",
    "p_adjusted",
    "significant",
    "mde_pp",
)


def _fields(cls: type[Any], *, drop: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(a.name for a in attrs.fields(cls) if a.name not in drop)


def _plain(rows: Iterable[Any] | None) -> list[dict[str, Any]]:
    return [to_jsonable(row) for row in rows or ()]


def _conversion(r: Report) -> list[dict[str, Any]]:
    rows = []
    for name in _ATTRIBUTION_TYPES:
        row = to_jsonable(r.conversion.for_type(name))
        row.pop("goals")
        rows.append({"attribution_type": name, **row})
    return rows


def _conversion_goals(r: Report) -> list[dict[str, Any]]:
    return [
        {"attribution_type": name, **to_jsonable(goal)}
        for name in _ATTRIBUTION_TYPES
        for goal in r.conversion.for_type(name).goals
    ]


def _locale_variation_goals(r: Report) -> list[dict[str, Any]]:
    return [
        {"locale": row.locale, "variation": row.variation, **to_jsonable(goal)}
        for row in r.breakdowns.locale_variation or ()
        for goal in row.goals
    ]


def _timezone(r: Report) -> list[dict[str, Any]]:
    tz = r.breakdowns.timezone
    if tz is None:
        return []
    return [
        {"tz_mode": mode, "messages": getattr(tz, mode)}
        for mode in ("user", "default_lapsed", "unknown")
    ]


def _comparisons(r: Report) -> list[dict[str, Any]]:
    if r.uplift is None:
        return []
    listed = [("overall", r.uplift.overall)] if r.uplift.overall is not None else []
    listed += [("by_variation", c) for c in r.uplift.by_variation]
    listed += [("by_goal", c) for c in r.uplift.by_goal]
    rows = []
    for kind, comparison in listed:
        row = {"comparison": kind, **comparison.to_dict()}
        for key, low, high in (
            ("difference_ci_pp", "difference_ci_low_pp", "difference_ci_high_pp"),
            ("uplift_ci_pct", "uplift_ci_low_pct", "uplift_ci_high_pct"),
        ):
            interval = row.pop(key)
            row[low], row[high] = interval if interval is not None else (None, None)
        rows.append(row)
    return rows


def _definitions(r: Report) -> list[dict[str, Any]]:
    return [{"key": key, **to_jsonable(d)} for key, d in r.definitions.items()]


_SECTIONS: dict[str, tuple[tuple[str, ...], _Rows]] = {
    "funnel": (_fields(FunnelStage), lambda r: _plain(r.funnel)),
    "daily": (_fields(DailyRow), lambda r: _plain(r.daily)),
    "conversion": (
        ("attribution_type", *_fields(AttributionResult, drop=("goals",))),
        _conversion,
    ),
    "conversion.goals": (("attribution_type", *_GOAL_COLUMNS), _conversion_goals),
    "errors.failed_to_send": (_fields(FailedToSendRow), lambda r: _plain(r.errors.failed_to_send)),
    "errors.failed_to_deliver": (
        _fields(FailedToDeliverRow),
        lambda r: _plain(r.errors.failed_to_deliver),
    ),
    "errors.removed": (_fields(RemovedRow), lambda r: _plain(r.errors.removed)),
    "errors.content_api": (_fields(ContentApiRow), lambda r: _plain(r.errors.content_api)),
    "breakdowns.locale_variation": (
        _fields(LocaleVariationRow, drop=("goals",)),
        lambda r: _plain(r.breakdowns.locale_variation),
    ),
    "breakdowns.locale_variation.goals": (
        ("locale", "variation", *_GOAL_COLUMNS),
        _locale_variation_goals,
    ),
    "breakdowns.send_mode": (_fields(SendModeRow), lambda r: _plain(r.breakdowns.send_mode)),
    "breakdowns.timezone": (("tz_mode", "messages"), _timezone),
    "uplift": (_COMPARISON_COLUMNS, _comparisons),
    "data_quality.rejected": (_fields(RejectedRow), lambda r: _plain(r.data_quality.rejected)),
    "definitions": (("key", "formula", "numerator", "denominator", "rule"), _definitions),
}

#: The sections :func:`section_frame` and :meth:`campaign_metrics.Report.to_pandas` accept:
#: dotted paths of the report's list-shaped sections (``"breakdowns.timezone"`` gives one
#: row per ``tz_mode``; ``"uplift"`` one row per comparison, its ``comparison`` column
#: ``overall``, ``by_variation`` or ``by_goal``; ``".goals"`` one row per goal).
SECTIONS: tuple[str, ...] = tuple(_SECTIONS)


def _section(section: str) -> tuple[tuple[str, ...], _Rows]:
    found = _SECTIONS.get(section) if isinstance(section, str) else None
    if found is None:
        raise ConfigurationError(
            f"section must be one of {', '.join(repr(s) for s in SECTIONS)} (got {section!r})",
            field="section",
        )
    return found


def section_frame(reports: Sequence[Report], section: str) -> Any:
    """One tidy DataFrame of ``section`` over ``reports``: a ``campaign_id`` column, then
    one column per key of the section's rows, with the dtypes of the module docstring.

    ``section`` is one of :data:`SECTIONS`; anything else raises
    :class:`~campaign_metrics.ConfigurationError` (a ``ValueError``) listing them. A
    section a report does not have (``errors.failed_to_deliver`` of a sent-only campaign,
    ``uplift`` without comparisons) contributes no rows; the columns are always there.

    >>> import campaign_metrics as cm
    >>> reports = cm.analyze("examples/mms_spring_sale", "examples/sms_weekly_digest")
    >>> frame = section_frame(reports, "breakdowns.send_mode")
    >>> frame[["campaign_id", "mode", "sent"]].head(2).values.tolist()
    [['mms_spring_sale', 'bts', 545], ['mms_spring_sale', 'default', 1786]]
    """
    columns, rows = _section(section)
    return _frame(
        ({"campaign_id": r.campaign_id, **row} for r in reports for row in rows(r)),
        ("campaign_id", *columns),
    )


def campaigns_frame(reports: Sequence[Report]) -> Any:
    """O-5: the campaigns table, one row per campaign, columns in O-5's order
    (``campaigns_table(reports).to_pandas()``).

    >>> import campaign_metrics as cm
    >>> campaigns_frame(cm.analyze("examples/sms_weekly_digest"))["total_sent"].tolist()
    [4221]
    """
    return campaigns_table(reports).to_pandas()


def daily_frame(reports: Sequence[Report]) -> Any:
    """T-1: one row per campaign and calendar day (``section_frame(reports, "daily")``;
    the ``date`` column is ``datetime64``).

    >>> import campaign_metrics as cm
    >>> frame = daily_frame(cm.analyze("examples/sms_weekly_digest"))
    >>> int(frame["sent"].sum()), str(frame["date"].iloc[0].date())
    (4221, '2026-04-06')
    """
    return section_frame(reports, "daily")


def funnel_frame(reports: Sequence[Report]) -> Any:
    """F-1..F-3: one row per campaign and funnel stage (``section_frame(reports, "funnel")``).

    >>> import campaign_metrics as cm
    >>> funnel_frame(cm.analyze("examples/sms_weekly_digest"))["users"].tolist()
    [1488, 1488, 1484, 1483, 1483]
    """
    return section_frame(reports, "funnel")


def failed_to_send_frame(reports: Sequence[Report]) -> Any:
    """E-1: one row per campaign and failed-to-send reason
    (``section_frame(reports, "errors.failed_to_send")``).

    >>> import campaign_metrics as cm
    >>> int(failed_to_send_frame(cm.analyze("examples/mms_spring_sale"))["messages"].sum())
    43
    """
    return section_frame(reports, "errors.failed_to_send")


def locale_variation_frame(reports: Sequence[Report]) -> Any:
    """B-1: one row per campaign and (locale, variation) row; goals left out (they are
    ``section_frame(reports, "breakdowns.locale_variation.goals")``).

    >>> import campaign_metrics as cm
    >>> frame = locale_variation_frame(cm.analyze("examples/mms_spring_sale"))
    >>> frame[["locale", "variation", "sent", "delivered"]].head(2).values.tolist()
    [[<NA>, <NA>, 2588, 2423], [<NA>, 'A', 1285, 1200]]
    """
    return section_frame(reports, "breakdowns.locale_variation")


def summary_frame(reports: Sequence[Report]) -> Any:
    """One row per campaign with the delivery, engagement and view-through conversion
    numbers (flattened keys such as ``delivery.sent``).

    >>> import campaign_metrics as cm
    >>> summary_frame(cm.analyze("examples/sms_weekly_digest"))["delivery.sent"].tolist()
    [4221]
    """
    rows = []
    for r in reports:
        data = r.to_dict()
        row: dict[str, Any] = {"campaign_id": r.campaign_id, "name": r.name}
        for section in ("delivery", "engagement"):
            for key, value in data[section].items():
                if not isinstance(value, dict):
                    row[f"{section}.{key}"] = value
        for key, value in data["conversion"]["view_through"].items():
            if key != "goals":
                row[f"conversion.view_through.{key}"] = value
        rows.append(row)
    return _pd().DataFrame(rows)

"""One DataFrame per list-shaped section of the reports, and the summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..errors import ConfigurationError
from ..report import (
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
from ..tables import campaigns_table
from .columns import _frame, _pd

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

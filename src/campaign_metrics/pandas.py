"""Reports as pandas DataFrames (extra ``pandas``: ``pip install 'campaign-metrics[pandas]'``).

>>> import campaign_metrics as cm  # doctest: +SKIP
>>> from campaign_metrics.pandas import campaigns_frame, daily_frame  # doctest: +SKIP
>>> campaigns_frame(cm.analyze("examples/mms_spring_sale"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import MissingDependencyError
from .report import Report, to_jsonable
from .tables import CAMPAIGN_COLUMNS, campaigns_table

__all__ = [
    "campaigns_frame",
    "daily_frame",
    "failed_to_send_frame",
    "funnel_frame",
    "locale_variation_frame",
    "summary_frame",
]


def _pd() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise MissingDependencyError("pandas", "pandas") from None
    return pd


def campaigns_frame(reports: Sequence[Report]) -> Any:
    """O-5: the campaigns table, one row per campaign, columns in O-5's order."""
    return _pd().DataFrame(campaigns_table(reports), columns=list(CAMPAIGN_COLUMNS))


def _rows(report: Report, rows: Any, **extra: Any) -> list[dict[str, Any]]:
    return [{"campaign_id": report.campaign_id, **extra, **to_jsonable(r)} for r in rows or ()]


def daily_frame(reports: Sequence[Report]) -> Any:
    """T-1: one row per campaign and calendar day (a ``date`` column of dates)."""
    pd = _pd()
    frame = pd.DataFrame([row for r in reports for row in _rows(r, r.daily)])
    if not frame.empty:
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def funnel_frame(reports: Sequence[Report]) -> Any:
    """F-1..F-3: one row per campaign and funnel stage."""
    return _pd().DataFrame([row for r in reports for row in _rows(r, r.funnel)])


def failed_to_send_frame(reports: Sequence[Report]) -> Any:
    """E-1: one row per campaign and failed-to-send reason."""
    return _pd().DataFrame([row for r in reports for row in _rows(r, r.errors.failed_to_send)])


def locale_variation_frame(reports: Sequence[Report]) -> Any:
    """B-1: one row per campaign and (locale, variation) row; goals left out."""
    rows = []
    for r in reports:
        for row in _rows(r, r.breakdowns.locale_variation):
            row.pop("goals", None)
            rows.append(row)
    return _pd().DataFrame(rows)


def summary_frame(reports: Sequence[Report]) -> Any:
    """One row per campaign with the delivery, engagement and view-through conversion
    numbers (flattened keys such as ``delivery.sent``)."""
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

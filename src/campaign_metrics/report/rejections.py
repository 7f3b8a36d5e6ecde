"""Rejected records counted by reason: the one grouping the command line's summary
warning and the terminal report's data-quality block both show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

__all__ = ["rejection_reason", "rejections_by_reason"]


class _Rejected(Protocol):
    @property
    def field(self) -> str | None: ...

    @property
    def reason(self) -> str: ...


def rejection_reason(field: str | None, reason: str) -> str:
    """The short reason a rejected record is counted under: the field it failed on, or
    for a line that is no record at all, its reason up to the first colon.

    >>> rejection_reason("time", "expected an ISO-8601 time with a UTC offset, got 'x'")
    "field 'time'"
    >>> rejection_reason(None, "expected a JSON object: Expecting ':' delimiter (column 1)")
    'expected a JSON object'
    """
    if field:
        return f"field '{field}'"
    return reason.split(":", 1)[0].strip() or reason


def rejections_by_reason(records: Iterable[_Rejected]) -> list[tuple[str, int]]:
    """``(reason, count)`` pairs of :func:`rejection_reason`, most frequent first (ties
    by reason), for anything with ``field`` and ``reason`` (a report's
    ``data_quality.rejected`` rows or the engine's ``RejectedRecord`` s).

    >>> from campaign_metrics.report import RejectedRow
    >>> rows = [RejectedRow(file="events.jsonl", line=n, field=f, reason="bad")
    ...         for n, f in ((2, "time"), (3, None), (4, "time"))]
    >>> rejections_by_reason(rows)
    [("field 'time'", 2), ('bad', 1)]
    """
    counts = Counter(rejection_reason(r.field, r.reason) for r in records)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

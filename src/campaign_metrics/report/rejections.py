"""Rejected records counted by reason: the one grouping the command line's summary
warning (:func:`rejected_summary`) and the terminal report's data-quality block both
show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

__all__ = ["rejected_summary", "rejection_reason", "rejections_by_reason"]

#: Files named in the summary line before "N more files".
SHOWN_FILES = 3


class _Rejected(Protocol):
    @property
    def field(self) -> str | None: ...

    @property
    def reason(self) -> str: ...


class _Located(_Rejected, Protocol):
    @property
    def file(self) -> str: ...

    @property
    def origin(self) -> str | None: ...


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


def rejected_summary(records: Sequence[_Located]) -> str:
    """The one line that closes the command line's rejected-record warnings: how many,
    in which files (the directory joined to the file name), by reason
    (:func:`rejections_by_reason`, the grouping of the terminal report's data-quality
    block), and where the full list is. ``records`` are the engine's
    ``RejectedRecord`` s.

    >>> from campaign_metrics import RejectedRecord
    >>> rejected_summary([RejectedRecord("events.jsonl", 2, "time", "bad", "d")])[:60]
    "1 record rejected in d/events.jsonl (by reason: field 'time'"
    """
    files: dict[str, int] = {}
    for r in records:
        path = f"{r.origin}/{r.file}" if r.origin else r.file
        files[path] = files.get(path, 0) + 1
    shown = [f"{path} ({n})" if len(files) > 1 else path for path, n in files.items()]
    if len(shown) > SHOWN_FILES:
        shown[SHOWN_FILES:] = [f"{len(files) - SHOWN_FILES} more files"]
    reasons = ", ".join(f"{why} {n}" for why, n in rejections_by_reason(records))
    noun = "record" if len(records) == 1 else "records"
    return (
        f"{len(records)} {noun} rejected in {', '.join(shown)} (by reason: {reasons}); "
        "the full list is in data_quality.rejected (--json) or with --show-rejected"
    )

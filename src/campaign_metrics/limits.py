"""The limits of what the readers accept, each a named constant in this one place.

Past a limit a record is rejected with a reason that names the limit (lenient mode keeps
it in ``data_quality.rejected``, strict mode raises :class:`~campaign_metrics.errors.InputError`);
nothing is silently cut. ``docs/formats.md`` ("Limits") lists them for users.

>>> MAX_LINE_BYTES
1048576
>>> in_time_range(0), in_time_range(EARLIEST_US - 1)
(True, False)
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "EARLIEST",
    "EARLIEST_US",
    "LATEST",
    "LATEST_US",
    "LONG_LINE",
    "MAX_DAILY_DAYS",
    "MAX_JSON_DEPTH",
    "MAX_LINE_BYTES",
    "in_time_range",
    "long_line_reason",
    "time_range_text",
]

#: The earliest instant accepted (inclusive), UTC.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
#: The first instant no longer accepted (exclusive), UTC.
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
#: The same instants in µs since the epoch (how the engine keeps times).
EARLIEST_US = 0
LATEST_US = (LATEST - EARLIEST) // dt.timedelta(microseconds=1)
#: The longest line of a JSON Lines or CSV file, in bytes (its line break excluded); a
#: longer line is read past in bounded chunks, never held whole, and rejected.
MAX_LINE_BYTES = 1 << 20
#: The deepest nesting of JSON arrays and objects in one line (a record is flat; its
#: ``properties`` one level down): deeper lines are rejected.
MAX_JSON_DEPTH = 64
#: The longest daily series (T-1) a report holds without ``--date-range`` / ``--as-of``.
MAX_DAILY_DAYS = 3660
#: What the readers see in place of a line past :data:`MAX_LINE_BYTES` (NUL bytes never
#: begin a valid record).
LONG_LINE = "\x00\x00line-too-long\x00\x00"


def in_time_range(us: int) -> bool:
    """Whether an instant (µs since the epoch) is within the accepted range."""
    return EARLIEST_US <= us < LATEST_US


def time_range_text() -> str:
    """The accepted range of instants, for messages."""
    return f"an instant from {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} UTC (excluded)"


def long_line_reason() -> str:
    """Why a line past :data:`MAX_LINE_BYTES` is rejected."""
    return f"line longer than {MAX_LINE_BYTES >> 20} MiB (the limit); it was read past, not kept"

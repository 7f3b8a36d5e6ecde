"""The report's options as the callers give them, checked: instants, dates, zones.

``analyze`` and ``campaign_metrics.dask.analyze`` take the same options and read them
here, so both reject the same values with the same :class:`ConfigurationError`.
"""

from __future__ import annotations

import datetime as dt

from .errors import ConfigurationError
from .timezones import get_zone, parse_instant

__all__ = ["date_range_of", "instant_of", "naive_zone_of"]


def _date_of(value: object, which: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ConfigurationError(f"date range '{which}' must be a date, got a datetime")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigurationError(
        f"date range '{which}' must be a date YYYY-MM-DD (got {value!r})", field="date_range"
    )


def instant_of(value: object) -> dt.datetime | None:
    """An aware instant (a ``datetime`` or an ISO 8601 text with an offset), or ``None``.

    >>> instant_of("2026-05-05T12:00:00Z").isoformat()
    '2026-05-05T12:00:00+00:00'
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_instant(value)
        except ValueError as exc:
            raise ConfigurationError(f"as_of: {exc}", field="as_of") from None
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise ConfigurationError(
                f"as_of must be an aware datetime (got naive {value.isoformat()})", field="as_of"
            )
        return value
    raise ConfigurationError(f"as_of must be a datetime (got {value!r})", field="as_of")


def date_range_of(value: object) -> tuple[dt.date, dt.date] | None:
    """A ``(from, to)`` pair of dates (``date`` objects or ``YYYY-MM-DD`` texts).

    >>> date_range_of(("2026-05-01", "2026-05-31"))
    (datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    """
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ConfigurationError("date_range must be a (from, to) pair of dates")
    return _date_of(value[0], "from"), _date_of(value[1], "to")


def naive_zone_of(value: str | dt.tzinfo | None) -> dt.tzinfo | None:
    """The zone that naive times are read in (``--naive-tz``), or ``None``.

    >>> naive_zone_of("UTC") is not None
    True
    """
    if value is None:
        return None
    try:
        return get_zone(value)
    except ValueError as exc:
        raise ConfigurationError(f"--naive-tz: {exc}", field="naive_tz") from None

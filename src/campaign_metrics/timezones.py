"""Instants, time zones and ISO-8601 parsing (CH-5).

Instants are kept in UTC inside the library; the engine keeps them as integer
microseconds since the Unix epoch, which are exact, compact and cheap to compare.
Local calendar days are computed with the app's zone: ``astimezone`` for UTC to local
and ``localize`` for local midnights (pytz); :mod:`zoneinfo` objects are accepted too.
"""

from __future__ import annotations

import datetime as dt
from typing import Union

import pytz
from dateutil import parser as _dateutil_parser

__all__ = [
    "UTC",
    "ZoneLike",
    "format_utc",
    "from_us",
    "get_zone",
    "local_date",
    "local_midnight",
    "parse_instant",
    "to_us",
]

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = dt.timedelta(microseconds=1)

ZoneLike = Union[str, dt.tzinfo]  # noqa: UP007  (a runtime alias on Python 3.10)


def get_zone(zone: ZoneLike) -> dt.tzinfo:
    """The tzinfo for an IANA name (pytz), or the tzinfo given.

    Raises :class:`ValueError` (``pytz`` ``UnknownTimeZoneError`` is a ``KeyError``, so it
    is translated) for an unknown name.
    """
    if isinstance(zone, dt.tzinfo):
        return zone
    try:
        return pytz.timezone(zone)
    except pytz.UnknownTimeZoneError:
        raise ValueError(f"unknown IANA time zone {zone!r}") from None


def to_us(instant: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant.isoformat()}")
    return (instant - _EPOCH) // _ONE_US


def from_us(us: int, zone: dt.tzinfo | None = None) -> dt.datetime:
    """The aware datetime of epoch microseconds, in UTC or converted to ``zone``."""
    instant = _EPOCH + dt.timedelta(microseconds=us)
    return instant if zone is None else instant.astimezone(zone)


def format_utc(us: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ``: the canonical form of an instant (D-10)."""
    return from_us(us).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _localize(zone: dt.tzinfo, naive: dt.datetime) -> dt.datetime:
    localize = getattr(zone, "localize", None)
    if localize is not None:  # pytz: never tzinfo=<pytz zone>
        result: dt.datetime = localize(naive)
        return result
    return naive.replace(tzinfo=zone)


def parse_instant(text: str, naive_zone: dt.tzinfo | None = None) -> dt.datetime:
    """Parse ISO 8601 text into an aware UTC datetime.

    The fast standard-library parser is tried first, dateutil's ``isoparse`` second.
    A time without a UTC offset is an error unless ``naive_zone`` names the zone it is
    in. Raises :class:`ValueError` with the expectation.
    """
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            value = _dateutil_parser.isoparse(text)
        except (ValueError, OverflowError):
            raise ValueError(f"expected an ISO-8601 time with a UTC offset, got {text!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        if naive_zone is None:
            raise ValueError(f"expected an ISO-8601 time with a UTC offset, got {text!r}")
        value = _localize(naive_zone, value)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # a time at the calendar's ends: its UTC form is off it
        raise ValueError(f"expected a time within the calendar, got {text!r}") from None


def local_date(us: int, zone: dt.tzinfo) -> dt.date:
    """The calendar day of an instant in ``zone`` (T-1)."""
    return from_us(us).astimezone(zone).date()


def local_midnight(day: dt.date, zone: dt.tzinfo) -> int:
    """Epoch microseconds of the start of ``day`` in ``zone``.

    Where midnight does not exist (a DST gap at 00:00), the day starts at the first
    instant that does.
    """
    naive = dt.datetime(day.year, day.month, day.day)
    localize = getattr(zone, "localize", None)
    if localize is not None:
        try:
            aware: dt.datetime = localize(naive, is_dst=None)
        except pytz.NonExistentTimeError:
            aware = localize(naive, is_dst=True)
            aware = zone.normalize(aware)  # type: ignore[attr-defined]
        except pytz.AmbiguousTimeError:
            aware = localize(naive, is_dst=True)
        return to_us(aware)
    aware = naive.replace(tzinfo=zone)
    # zoneinfo: round-trip through UTC to step over a gap at midnight
    roundtrip = aware.astimezone(UTC).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != naive:
        aware = aware.replace(fold=1)
    return to_us(aware)


_BUCKET_US = 15 * 60 * 1_000_000


class LocalDays:
    """Fast calendar days of many instants in one zone (T-1).

    Instants are grouped in 15-minute UTC buckets; a bucket whose two ends have the same
    UTC offset and the same local date holds no zone transition and no local midnight,
    so every instant in it has that date. Other buckets are converted one instant at a
    time. The result always equals :func:`local_date`.
    """

    __slots__ = ("_cache", "zone")

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        self._cache: dict[int, dt.date | None] = {}

    def date(self, us: int) -> dt.date:
        bucket = us // _BUCKET_US
        cache = self._cache
        if bucket in cache:
            day = cache[bucket]
            if day is not None:
                return day
            return local_date(us, self.zone)
        start = from_us(bucket * _BUCKET_US).astimezone(self.zone)
        end = from_us(bucket * _BUCKET_US + _BUCKET_US - 1).astimezone(self.zone)
        same = start.utcoffset() == end.utcoffset() and start.date() == end.date()
        cache[bucket] = start.date() if same else None
        return start.date() if same else local_date(us, self.zone)

"""The generator's seeded draws and the records they make: events, conversions, times.

:class:`_Records` holds what a journey draws from (the campaign's facts, the weighted
pickers, one seeded ``random.Random``) and builds single records; the journeys that put
records together are :class:`~campaign_metrics.synthetic._journeys._Generator`'s.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Mapping
from decimal import Decimal
from itertools import accumulate
from typing import Any, Generic, TypeVar

from ..model import Channel, DeliveryType, Provider
from ._spec import SyntheticSpec, _Weights
from ._summary import _Tally
from ._tables import (
    _API_CODES,
    _CATEGORIES,
    _DAY,
    _EPOCH_NAIVE,
    _EPOCH_UTC,
    _HOUR,
    _HTTP_SEND,
    _MINUTE,
    _MMS_DELIVERY_FAILED,
    _NUMBER_SPACE,
    _OFFSETS,
    _OUTCOMES,
    _PERSONALIZATION,
    _SECOND,
    _SKIP_REASONS,
    _SMPP_OUTCOMES,
    _SMPP_SEND,
    _TWILIO_OUTCOMES,
    _TWILIO_SEND,
    _Failure,
)

_T = TypeVar("_T")


def _to_ms(instant: dt.datetime) -> int:
    return (instant - _EPOCH_UTC) // dt.timedelta(milliseconds=1)


class _Picker(Generic[_T]):
    """A weighted choice with precomputed cumulative weights (one ``random()`` a pick)."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Iterable[tuple[_T, float]]) -> None:
        items = [(v, w) for v, w in pairs if w > 0]
        self.values = [v for v, _ in items]
        self.cum = list(accumulate(w for _, w in items))
        self.total = self.cum[-1] if self.cum else 0.0

    def __bool__(self) -> bool:
        return bool(self.values)

    def pick(self, rng: random.Random) -> _T:
        return self.values[bisect_right(self.cum, rng.random() * self.total)]


def _time_styles(styles: _Weights) -> list[tuple[tuple[int, str], float]]:
    out: list[tuple[tuple[int, str], float]] = []
    for style, weight in styles:
        if style == "offset":
            share = weight / len(_OFFSETS)
            out.extend(((minutes * _MINUTE, suffix), share) for minutes, suffix in _OFFSETS)
        else:
            out.append(((0, style), weight))
    return out


def _table(rows: Iterable[tuple[str, str | None, str, int]]) -> _Picker[_Failure]:
    return _Picker(((s, c, r), float(w)) for s, c, r, w in rows)


def _stream_rng(seed: int, spec: SyntheticSpec, stream: str) -> random.Random:
    """The generator of one stream of draws, a function of the seed and the campaign id only.

    Separate streams keep the journeys identical whatever the files' order and flaws; the
    campaign id keeps campaigns generated with one seed independent of each other.
    """
    campaign_id = spec.campaign_mapping().get("id")
    return random.Random(f"campaign_metrics.synthetic:{seed}:{campaign_id}:{stream}")


class _Records:
    """The generator's state and its record builders; every draw comes from ``self.rng``."""

    def __init__(self, spec: SyntheticSpec, seed: int) -> None:
        self.spec = spec
        self.rng = _stream_rng(seed, spec, "journeys")
        self.tally = _Tally()
        c = spec.build_campaign()
        self.cid = c.id
        self.channel = c.channel
        self.integrated = c.provider is Provider.INTEGRATED
        self.tracked = c.delivery_tracked
        self.clicks_on = c.click_tracking
        self.active = c.delivery_type is DeliveryType.ACTIVE
        self.max_segments = c.max_segments
        self.national_formats = c.default_region == "US"
        self.window = c.window_us // 1000
        primary = c.primary_goal
        self.goal_event = primary.event if primary is not None else "purchase"
        self.track_revenue = primary is None or primary.track_revenue
        self.secondary_events = sorted({g.event for g in c.goals} - {self.goal_event})
        self.instances = [(inst, _to_ms(start)) for inst, start in spec.resolved_instances()]
        self.first_start = min(s for _, s in self.instances)
        self.span = max(s for _, s in self.instances) - self.first_start
        self.spread = int(spec.send_spread_hours * _HOUR)
        self.width = max(6, len(str(max(spec.recipients - 1, 0))))
        self.recent_numbers: deque[int] = deque(maxlen=64)
        self.number_offset = self.rng.randrange(_NUMBER_SPACE)
        self.next_event = 0
        self.next_conversion = 0

        self.locales = _Picker(spec.locales)
        self.variations = _Picker(spec.variations)
        self.zones = _Picker(spec.timezones)
        self.send_modes = _Picker(spec.send_modes)
        self.tz_modes = _Picker(spec.tz_modes)
        self.styles = _Picker(_time_styles(spec.time_styles))
        self.minutes: dict[int, str] = {}
        self.random = self.rng.random
        self.urls = _Picker((u, 1.0) for u in spec.urls)
        self.skip_reasons = _Picker((r, float(w)) for r, w in _SKIP_REASONS)
        self.personalization = _Picker((k, float(w)) for k, w in _PERSONALIZATION)
        self.api_codes = _Picker((k, float(w)) for k, w in _API_CODES)
        self.http_failures = _Picker(((code, r), float(w)) for code, r, w in _HTTP_SEND)
        self.send_failures = _table(_TWILIO_SEND if self.integrated else _SMPP_SEND)
        tables = _TWILIO_OUTCOMES if self.integrated else _SMPP_OUTCOMES
        self.outcome_tables = {kind: _table(rows) for kind, rows in tables.items()}
        if self.channel is Channel.MMS and self.integrated:
            rows = tables["delivery_failed"] + _MMS_DELIVERY_FAILED
            self.outcome_tables["delivery_failed"] = _table(rows)
        weights = {o: float(getattr(spec, f"{o}_rate")) for o in _OUTCOMES}
        if self.channel is not Channel.MMS:
            weights["delivered"] += weights.pop("sms_fallback")
        weights["in_transit"] = max(0.0, 1.0 - sum(weights.values()))
        self.outcomes = _Picker(weights.items())

    # ------------------------------------------------------------ records

    def _time(self, at: int) -> str:
        offset, suffix = self.styles.pick(self.rng)
        minute, rest = divmod(at + offset, _MINUTE)
        prefix = self.minutes.get(minute)
        if prefix is None:
            if len(self.minutes) > 4096:
                self.minutes.clear()
            # 'YYYY-MM-DDTHH:MM:' of the local minute; most records share a few minutes.
            prefix = (_EPOCH_NAIVE + dt.timedelta(minutes=minute)).isoformat()[:-2]
            self.minutes[minute] = prefix
        return f"{prefix}{rest // _SECOND:02d}.{rest % _SECOND:03d}{suffix}"

    def _int(self, low: int, high: int) -> int:
        """A uniform integer in [low, high] (cheaper than ``randint``)."""
        return low + int(self.random() * (high - low + 1))

    def _event(
        self,
        type_: str,
        at: int,
        user: str | None,
        inst: str | None,
        extras: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        rec: dict[str, Any] = {}
        rate = self.spec.missing_event_id_rate
        if not (rate and self.rng.random() < rate):
            self.next_event += 1
            rec["event_id"] = f"e{self.next_event:08d}"
        rec["campaign_id"] = self.cid
        if inst is not None:
            rec["instance_id"] = inst
        if user is not None:
            rec["user_id"] = user
        rec["type"] = type_
        rec["time"] = self._time(at)
        if extras:
            rec.update(extras)
        return rec

    def _code(self, source: str, code: str) -> str:
        # ERRORS.md: codes come bare (read by their shape) or with their source prefix.
        return f"{source}:{code}" if self.rng.random() < 0.3 else code

    def _failure_extras(self, failure: _Failure) -> dict[str, Any]:
        source, code, reason = failure
        extras: dict[str, Any] = {}
        if reason:
            extras["reason"] = reason
        if code is not None:
            extras["error_code"] = self._code(source, code)
        return extras

    def _conversion(
        self,
        name: str,
        user: str,
        at: int,
        revenue: Decimal | None = None,
        properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        self.next_conversion += 1
        rec: dict[str, Any] = {
            "event_id": f"c-{self.cid}-{self.next_conversion:07d}",
            "user_id": user,
            "name": name,
            "time": self._time(at),
        }
        if revenue is not None:
            rec["revenue"] = revenue
        if properties is not None:
            rec["properties"] = properties
        return rec

    def _properties(self, purchase: bool) -> dict[str, Any] | None:
        rng = self.rng
        if rng.random() < 0.1:
            return None
        props: dict[str, Any] = {
            "category": _CATEGORIES[int(self.random() * len(_CATEGORIES))],
            "items": self._int(1, 4),
        }
        if purchase:
            props["currency"] = "USD"
        return props

    def _purchase(self, user: str, at: int) -> list[dict[str, Any]]:
        rng, spec = self.rng, self.spec
        props = self._properties(purchase=True)
        revenue = None
        if self.track_revenue and rng.random() >= spec.no_revenue_rate:
            revenue = Decimal(self._int(499, 24_999)).scaleb(-2)  # exactly two decimals
        out = [self._conversion(self.goal_event, user, at, revenue, props)]
        if revenue is not None and rng.random() < spec.refund_rate:
            refund = {**(props or {}), "refund": True}
            later = at + self._int(_HOUR, 5 * _DAY)
            out.append(self._conversion(self.goal_event, user, later, -revenue, refund))
        return out

    def _in_window(self) -> int:
        # Most conversions come soon after the message; the square skews towards 0.
        return int(self.window * self.rng.random() ** 2)

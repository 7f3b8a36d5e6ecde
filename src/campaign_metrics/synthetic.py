"""Seeded synthetic campaign logs, built from per-user journeys.

Every output is a function of a :class:`SyntheticSpec` and an integer seed: the generator
draws from :class:`random.Random` instances seeded from the seed alone and never reads the
clock. Each targeted user lives one journey per instance of the campaign — number checks,
frequency capping, attempt, send, receipt, clicks, unsubscribe, conversions — and the
records of a journey are emitted together, so logs of millions of recipients stream in
constant memory. The imperfections of real logs (late, duplicated and conflicting receipts,
receipts without a send, out-of-order lines, bad lines) are knobs of the spec.

The records follow FORMATS.md: events are JSON-ready dicts with only the keys their type
allows; conversions carry ``revenue`` as an exact :class:`~decimal.Decimal`, written by
:func:`to_json_line` in plain notation (``19.99``). Bad lines (a line cut off mid-write, a
time without offset, an unknown type or a revenue that is not a number) exist only in
files: :func:`write_campaign_dir` adds them and counts them in its summary, while
:func:`iter_events` and :func:`iter_conversions` yield well-formed records only.

>>> spec = SyntheticSpec(recipients=20)
>>> next(iter_events(spec, seed=1))["type"]
'segmentation_started'
>>> summary = write_campaign_dir("/tmp/demo_campaign", spec, seed=1)  # doctest: +SKIP

From the command line::

    python -m campaign_metrics.synthetic examples --out examples
    python -m campaign_metrics.synthetic campaign DIR --recipients 1000 --seed 7 --channel mms
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import heapq
import json
import math
import random
import sys
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Generic, Literal, TextIO, TypeVar

import attrs

from .errors import ConfigurationError
from .model import Campaign, Channel, DeliveryType, Provider
from .timezones import get_zone, parse_instant

__all__ = [
    "DEFAULT_CAMPAIGN",
    "EVENT_COLUMNS",
    "EXAMPLES_SEED",
    "RECIPIENT_COLUMNS",
    "EventsFormat",
    "SyntheticSpec",
    "SyntheticSummary",
    "benchmark_spec",
    "example_specs",
    "iter_conversions",
    "iter_events",
    "iter_recipients",
    "main",
    "to_json_line",
    "write_campaign_dir",
    "write_examples",
]

_T = TypeVar("_T")
_Weights = tuple[tuple[str, float], ...]
#: The two file forms of a campaign's events (FORMATS.md).
EventsFormat = Literal["jsonl", "csv"]

#: The columns of recipients.csv (FORMATS.md).
RECIPIENT_COLUMNS = ("user_id", "mobile_number", "locale", "variation", "timezone", "group")
#: The columns of events.csv: every key an event may carry (FORMATS.md).
EVENT_COLUMNS = (
    "event_id",
    "campaign_id",
    "instance_id",
    "user_id",
    "type",
    "time",
    "response_code",
    "error_code",
    "reason",
    "category",
    "attribute",
    "segments",
    "send_mode",
    "tz_mode",
    "url",
    "status_code",
)
#: The campaign.json mapping that a spec's ``campaign`` overrides are merged over.
DEFAULT_CAMPAIGN: Mapping[str, Any] = MappingProxyType(
    {
        "id": "synthetic_campaign",
        "name": "Synthetic campaign",
        "channel": "sms",
        "click_tracking": True,
        "default_region": "US",
        "goals": [
            {"name": "purchase", "event": "purchase", "primary": True, "track_revenue": True}
        ],
    }
)
#: The seed of the example directories.
EXAMPLES_SEED = 20260414

_SECOND = 1_000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_CLICK_EXPIRY = 360 * _HOUR  # K-2: tracked links expire 15 days after sending
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
_OFFSETS = ((-420, "-07:00"), (-240, "-04:00"), (60, "+01:00"), (120, "+02:00"), (330, "+05:30"))
_AREAS = ("415", "650")
# US exchanges that look real: no 555 and no N11 service codes.
_EXCHANGES = tuple(e for e in range(200, 1000) if e != 555 and e % 100 != 11)
_NUMBER_SPACE = len(_AREAS) * len(_EXCHANGES) * 10_000
_NUMBER_STEP = 1_000_003  # a prime that does not divide _NUMBER_SPACE: index → number is 1:1
_OUTCOMES = (
    "delivered",
    "delivery_failed",
    "soft_bounce",
    "hard_bounce",
    "deleted",
    "sms_fallback",
)
_CATEGORIES = ("shoes", "apparel", "accessories", "home", "beauty")

# Provider error tables (ERRORS.md): (source, code or None, reason, weight).
_Failure = tuple[str, str | None, str]
_TWILIO_SEND = (
    ("twilio", "30003", "Unreachable destination handset", 20),
    ("twilio", "30005", "Unknown destination handset", 15),
    ("twilio", "30007", "Message filtered by the carrier", 20),
    ("twilio", "21211", "Invalid 'To' phone number", 15),
    ("twilio", "21614", "'To' number is not a valid mobile number", 10),
    ("twilio", "30034", "Message from an unregistered number", 8),
    ("twilio", "20429", "Too many requests", 7),
    ("twilio", "30500", "Internal provider error", 5),
)
_SMPP_SEND = (
    ("smpp", "0x0B", "Invalid destination address", 35),
    ("smpp", "0x58", "Throttling error", 30),
    ("smpp", "0x45", "Submit failed", 15),
    ("smpp", "0x14", "Message queue full", 10),
    ("smpp", "0x0A", "Invalid source address", 10),
)
_HTTP_SEND = (
    (429, "Too Many Requests", 35),
    (503, "Service Unavailable", 25),
    (500, "Internal Server Error", 15),
    (502, "Bad Gateway", 10),
    (400, "Bad Request", 8),
    (401, "Unauthorized", 4),
    (408, "Request Timeout", 3),
)
_TWILIO_OUTCOMES: Mapping[str, tuple[tuple[str, str | None, str, int], ...]] = {
    "delivery_failed": (
        ("twilio", "30003", "Unreachable destination handset", 30),
        ("twilio", "30006", "Landline or unreachable carrier", 15),
        ("twilio", "30007", "Message filtered by the carrier", 25),
        ("twilio", "30008", "Unknown error", 15),
        ("twilio", "30017", "Carrier network congestion", 15),
    ),
    "soft_bounce": (
        ("twilio", "30003", "Unreachable destination handset", 50),
        ("twilio", "30017", "Carrier network congestion", 30),
        ("dotdigital", None, "Inbox full", 20),
    ),
    "hard_bounce": (
        ("twilio", "30005", "Unknown destination handset", 50),
        ("twilio", "30006", "Landline or unreachable carrier", 30),
        ("dotdigital", None, "Incorrect number", 20),
    ),
    "deleted": (("smpp", "DELETED", "Deleted by the network", 70), ("dotdigital", None, "", 30)),
}
_MMS_DELIVERY_FAILED = (("twilio", "30011", "MMS not supported by the handset", 20),)
_SMPP_OUTCOMES: Mapping[str, tuple[tuple[str, str | None, str, int], ...]] = {
    "delivery_failed": (
        ("smpp", "UNDELIV", "Undeliverable", 40),
        ("smpp", "REJECTD", "Rejected by the network", 25),
        ("gsm", "003", "Protocol error", 20),
        ("gsm", "012", "System failure", 15),
    ),
    "soft_bounce": (
        ("smpp", "EXPIRED", "Validity period expired", 40),
        ("gsm", "001", "Absent subscriber", 25),
        ("gsm", "011", "Subscriber busy", 15),
        ("dotdigital", None, "Inbox full", 20),
    ),
    "hard_bounce": (
        ("gsm", "005", "Unknown subscriber", 45),
        ("gsm", "009", "Call barred", 20),
        ("dotdigital", None, "Number no longer active", 20),
        ("dotdigital", None, "Device accepts only known senders", 15),
    ),
    "deleted": (("smpp", "DELETED", "Deleted by the network", 100),),
}
_ATTRIBUTES = {
    "user_attribute": ("first_name", "city", "loyalty_tier"),
    "event_attribute": ("order.total", "cart.items[0].name"),
    "campaign_attribute": ("promo_code", "landing_url"),
    "undefined": ("{{custom.unknown}}",),
    "other": ("content_api.price",),
    "": ("first_name",),
}
_PERSONALIZATION = (
    ("user_attribute", 50),
    ("event_attribute", 20),
    ("campaign_attribute", 10),
    ("undefined", 8),
    ("other", 7),
    ("", 5),
)
_SKIP_REASONS = (
    ("SkippedNoContent", 40),
    ("SkippedHypersonalization", 25),
    ("FailedHypersonalization", 20),
    ("ContentTooLong", 15),
)
_API_CODES = ((500, 35), (502, 15), (503, 20), (504, 10), (404, 10), (429, 10))


# --------------------------------------------------------------------------- the spec


def _rate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigurationError(
            f"'{attribute.name}' must be a rate in [0, 1] (got {value!r})", field=attribute.name
        )


def _rate_field(default: float) -> Any:
    return attrs.field(default=default, validator=_rate)


def _weights(value: object) -> _Weights:
    items = value.items() if isinstance(value, Mapping) else value
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise ConfigurationError(f"weights must be (value, weight) pairs (got {value!r})")
    out: list[tuple[str, float]] = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ConfigurationError(f"weights must be (value, weight) pairs (got {item!r})")
        key, weight = item
        if not isinstance(key, str) or isinstance(weight, bool):
            raise ConfigurationError(f"a weight pair is (str, number) (got {item!r})")
        if not isinstance(weight, (int, float)) or not weight >= 0 or math.isinf(weight):
            raise ConfigurationError(f"a weight must be a finite number >= 0 (got {item!r})")
        out.append((key, float(weight)))
    if out and sum(w for _, w in out) <= 0:
        raise ConfigurationError(f"weights must not all be 0 (got {value!r})")
    return tuple(out)


def _keys_in(allowed: frozenset[str]) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: _Weights) -> None:
        for key, _ in value:
            if key not in allowed:
                raise ConfigurationError(
                    f"'{attribute.name}': {key!r} is not one of {sorted(allowed)}",
                    field=attribute.name,
                )

    return check


def _zones(instance: object, attribute: attrs.Attribute[Any], value: _Weights) -> None:
    for key, _ in value:
        if key:
            try:
                get_zone(key)
            except ValueError:
                raise ConfigurationError(
                    f"'timezones': {key!r} is not an IANA time zone name", field="timezones"
                ) from None


def _instant(value: object) -> dt.datetime:
    if isinstance(value, str):
        return parse_instant(value)
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.timezone.utc)
    raise ConfigurationError(f"expected an aware datetime or ISO-8601 text (got {value!r})")


def _instances(value: object) -> tuple[tuple[str, dt.datetime], ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ConfigurationError(f"'instances' must be (id, start) pairs (got {value!r})")
    out: list[tuple[str, dt.datetime]] = []
    for item in value:
        if not isinstance(item, (tuple, list)) or len(item) != 2 or not item[0]:
            raise ConfigurationError(f"an instance is an (id, start) pair (got {item!r})")
        out.append((str(item[0]), _instant(item[1])))
    ids = [i for i, _ in out]
    if len(set(ids)) != len(ids):
        raise ConfigurationError(f"instance ids must be unique (got {ids})", field="instances")
    return tuple(out)


def _frozen_mapping(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"'campaign' must be a mapping (got {value!r})", field="campaign")
    return MappingProxyType(copy.deepcopy(dict(value)))


def _to_ms(instant: dt.datetime) -> int:
    return (instant - _EPOCH_UTC) // dt.timedelta(milliseconds=1)


@attrs.frozen(kw_only=True)
class SyntheticSpec:
    """The knobs of a synthetic campaign; every rate is a probability in [0, 1].

    Campaign and audience:

    - ``campaign``: campaign.json keys merged over :data:`DEFAULT_CAMPAIGN` (``id``,
      ``name``, ``channel``, ``provider``, ``delivery_tracking``, ``click_tracking``,
      ``delivery_type``, ``app_timezone``, ``goals``, ...; ``None`` drops a key);
      validated by :meth:`Campaign.from_dict <campaign_metrics.model.Campaign.from_dict>`.
    - ``recipients``; ``start`` (one-time campaigns); ``instances``: ``(id, start)`` pairs
      of a periodic or active campaign (empty: four weekly runs, or five daily trigger
      days, from ``start``); ``send_spread_hours`` (sends of an instance spread over it);
      ``active_participation_rate`` (an active campaign's user triggers an instance);
      ``timeline`` (T-2 events, not for active campaigns).
    - ``locales``, ``variations``, ``timezones``: ``(value, weight)`` pairs, ``""`` for an
      empty cell; ``control_rate`` (B-2: ``group=control``) and
      ``control_removed_event_rate`` (a control user's ``control_removed`` event).

    Funnel losses: ``invalid_number_rate`` (malformed, landline, toll-free or empty numbers,
    SMS/MMS only), ``duplicate_number_rate`` (a recent number in another format),
    ``fc_removed_rate``, ``attempted_rate`` (an ``attempted`` event before the send),
    ``personalization_failed_rate``, ``skipped_rate`` (O-6 reasons), ``send_failed_rate``
    (ERRORS.md codes: Twilio, SMPP for custom providers, HTTP for connectors),
    ``failed_as_sent_rate`` (a connector failure logged as ``sent`` with its non-200 code),
    ``explicit_response_code_rate`` (``response_code: 200`` on SMS/MMS sends),
    ``content_api_error_rate``, ``send_modes``, ``tz_modes`` and ``multi_segment_rate``.

    Delivery (delivery-tracked campaigns): ``delivered_rate``, ``delivery_failed_rate``,
    ``soft_bounce_rate``, ``hard_bounce_rate``, ``deleted_rate``, ``sms_fallback_rate``
    (MMS only; elsewhere it adds to delivered), the rest stays in transit;
    ``late_receipt_rate`` (1–96 h late), ``duplicate_receipt_rate`` (exact repeats),
    ``conflicting_receipt_rate`` (a failure or a second ``delivered`` after delivered),
    ``receipt_without_send_rate``, ``receipt_before_send_rate`` and
    ``untracked_receipt_rate`` (receipts in a sent-only log, which CH-2 ignores).

    Engagement and conversions: ``click_rate``, ``repeat_click_rate``,
    ``expired_click_rate`` (after 360 h, K-2), ``urls``, ``unsubscribe_rate``,
    ``purchase_rate`` (within the window of a reached message), ``click_purchase_rate``
    and ``in_session_share`` (clickers, 30 minutes), ``outside_window_rate``,
    ``control_conversion_rate``, ``organic_conversion_rate``, ``secondary_goal_rate``,
    ``other_event_rate`` (events no goal matches), ``refund_rate`` (a negative revenue
    later), ``no_revenue_rate``.

    Files: ``shuffle_rate`` and ``shuffle_window`` (a record moved at most that many lines
    later), ``time_styles`` (``Z``, ``+00:00`` or another ``offset``),
    ``missing_event_id_rate``, ``bad_line_rate`` (per written line) and
    ``bad_conversion_line_rate`` (``None``: the same as ``bad_line_rate``).

    >>> spec = SyntheticSpec(campaign={"channel": "mms"}, recipients=500, control_rate=0.1)
    >>> spec.build_campaign().channel.value
    'mms'
    """

    campaign: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping, hash=False)
    recipients: int = attrs.field(default=1000, validator=attrs.validators.ge(0))
    start: dt.datetime = attrs.field(
        default=dt.datetime(2026, 4, 14, 16, 0, tzinfo=dt.timezone.utc), converter=_instant
    )
    instances: tuple[tuple[str, dt.datetime], ...] = attrs.field(default=(), converter=_instances)
    send_spread_hours: float = attrs.field(default=2.0, validator=attrs.validators.ge(0))
    active_participation_rate: float = _rate_field(0.35)
    timeline: bool = True

    locales: _Weights = attrs.field(
        default=(("en-US", 70), ("es-US", 20), ("", 10)), converter=_weights
    )
    variations: _Weights = attrs.field(default=(), converter=_weights)
    timezones: _Weights = attrs.field(
        default=(
            ("America/Los_Angeles", 50),
            ("America/New_York", 25),
            ("America/Chicago", 10),
            ("", 15),
        ),
        converter=_weights,
        validator=_zones,
    )
    control_rate: float = _rate_field(0.0)
    control_removed_event_rate: float = _rate_field(0.9)

    invalid_number_rate: float = _rate_field(0.01)
    duplicate_number_rate: float = _rate_field(0.005)
    fc_removed_rate: float = _rate_field(0.01)
    attempted_rate: float = _rate_field(0.8)
    personalization_failed_rate: float = _rate_field(0.002)
    skipped_rate: float = _rate_field(0.002)
    send_failed_rate: float = _rate_field(0.01)
    failed_as_sent_rate: float = _rate_field(0.3)
    explicit_response_code_rate: float = _rate_field(0.2)
    content_api_error_rate: float = _rate_field(0.002)
    send_modes: _Weights = attrs.field(
        default=(("default", 70), ("bts", 20), ("most_active", 10)),
        converter=_weights,
        validator=_keys_in(frozenset({"default", "bts", "most_active", ""})),
    )
    tz_modes: _Weights = attrs.field(
        default=(("user", 80), ("default_lapsed", 10), ("", 10)),
        converter=_weights,
        validator=_keys_in(frozenset({"user", "default_lapsed", ""})),
    )
    multi_segment_rate: float = _rate_field(0.1)

    delivered_rate: float = _rate_field(0.93)
    delivery_failed_rate: float = _rate_field(0.015)
    soft_bounce_rate: float = _rate_field(0.01)
    hard_bounce_rate: float = _rate_field(0.005)
    deleted_rate: float = _rate_field(0.002)
    sms_fallback_rate: float = _rate_field(0.03)
    late_receipt_rate: float = _rate_field(0.02)
    duplicate_receipt_rate: float = _rate_field(0.01)
    conflicting_receipt_rate: float = _rate_field(0.002)
    receipt_without_send_rate: float = _rate_field(0.001)
    receipt_before_send_rate: float = _rate_field(0.001)
    untracked_receipt_rate: float = _rate_field(0.0)

    click_rate: float = _rate_field(0.12)
    repeat_click_rate: float = _rate_field(0.25)
    expired_click_rate: float = _rate_field(0.01)
    urls: tuple[str, ...] = attrs.field(
        default=(
            "https://shop.example.com/sale",
            "https://shop.example.com/new?utm_source=sms",
            "https://example.com/app/offer",
        ),
        converter=tuple,
        validator=attrs.validators.min_len(1),
    )
    unsubscribe_rate: float = _rate_field(0.003)
    purchase_rate: float = _rate_field(0.04)
    click_purchase_rate: float = _rate_field(0.2)
    in_session_share: float = _rate_field(0.6)
    outside_window_rate: float = _rate_field(0.01)
    control_conversion_rate: float = _rate_field(0.03)
    organic_conversion_rate: float = _rate_field(0.005)
    secondary_goal_rate: float = _rate_field(0.05)
    other_event_rate: float = _rate_field(0.02)
    refund_rate: float = _rate_field(0.03)
    no_revenue_rate: float = _rate_field(0.05)

    shuffle_rate: float = _rate_field(0.02)
    shuffle_window: int = attrs.field(default=32, validator=attrs.validators.ge(1))
    time_styles: _Weights = attrs.field(
        default=(("Z", 60), ("+00:00", 25), ("offset", 15)),
        converter=_weights,
        validator=_keys_in(frozenset({"Z", "+00:00", "offset"})),
    )
    missing_event_id_rate: float = _rate_field(0.0)
    bad_line_rate: float = _rate_field(0.0)
    bad_conversion_line_rate: float | None = attrs.field(
        default=None, validator=attrs.validators.optional(_rate)
    )

    def __attrs_post_init__(self) -> None:
        outcomes = sum(getattr(self, f"{o}_rate") for o in _OUTCOMES)
        if outcomes > 1 + 1e-9:
            raise ConfigurationError(
                f"the delivery outcome rates must add up to at most 1 (got {outcomes})"
            )
        if not self.time_styles:
            raise ConfigurationError("'time_styles' must not be empty", field="time_styles")
        campaign = self.build_campaign()
        if self.instances and campaign.delivery_type is DeliveryType.ONE_TIME:
            raise ConfigurationError(
                "'instances' are for periodic and active campaigns (got a one_time campaign)",
                field="instances",
            )

    def campaign_mapping(self) -> dict[str, Any]:
        """The campaign.json mapping: :data:`DEFAULT_CAMPAIGN` with the overrides.

        An override set to ``None`` drops the key (its model default applies); keys come
        in the order of the :class:`~campaign_metrics.model.Campaign` fields.

        >>> SyntheticSpec(campaign={"id": "c1", "default_region": None}).campaign_mapping()
        {'id': 'c1', 'name': 'Synthetic campaign', 'channel': 'sms', 'click_tracking': True, \
'goals': [{'name': 'purchase', 'event': 'purchase', 'primary': True, 'track_revenue': True}]}
        """
        merged = {k: v for k, v in {**DEFAULT_CAMPAIGN, **self.campaign}.items() if v is not None}
        order = {name: i for i, name in enumerate(attrs.fields_dict(Campaign))}
        keys = sorted(merged, key=lambda k: (order.get(k, len(order)), k))
        return copy.deepcopy({k: merged[k] for k in keys})

    def build_campaign(self) -> Campaign:
        """The validated :class:`~campaign_metrics.model.Campaign` of the spec.

        >>> SyntheticSpec().build_campaign().delivery_tracked
        True
        """
        return Campaign.from_dict(self.campaign_mapping())

    def resolved_instances(self) -> tuple[tuple[str | None, dt.datetime], ...]:
        """The instances journeys run through: ``((None, start),)`` for a one-time campaign.

        >>> len(SyntheticSpec(campaign={"delivery_type": "periodic"}).resolved_instances())
        4
        """
        kind = self.build_campaign().delivery_type
        if kind is DeliveryType.ONE_TIME:
            return ((None, self.start),)
        if self.instances:
            return tuple(self.instances)
        if kind is DeliveryType.PERIODIC:
            starts = [self.start + dt.timedelta(weeks=k) for k in range(4)]
            return tuple((f"run-{s:%Y-%m-%d}", s) for s in starts)
        starts = [self.start + dt.timedelta(days=k) for k in range(5)]
        return tuple((f"day-{s:%Y-%m-%d}", s) for s in starts)


# --------------------------------------------------------------------------- the summary


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen(kw_only=True)
class SyntheticSummary:
    """What :func:`write_campaign_dir` wrote, with the deliberate imperfections counted.

    ``events`` and ``conversions`` count well-formed records; ``bad_event_lines`` and
    ``bad_conversion_lines`` the deliberate bad lines besides them. ``messages`` counts the
    (user, instance) journeys of target users; ``receipts_without_send`` and
    ``receipts_before_send`` count messages (D-12); ``delivery_conflicts`` counts Delivered
    messages with a later failure (D-11) and ``repeated_receipts`` those with a second
    ``delivered`` under another event id (each message has at most one of the two);
    ``out_of_order`` counts records moved later by the local shuffle.

    >>> SyntheticSummary(recipients=1).to_dict()["recipients"]
    1
    """

    recipients: int = 0
    control_users: int = 0
    invalid_numbers: int = 0
    duplicate_numbers: int = 0
    messages: int = 0
    sent: int = 0
    events: int = 0
    conversions: int = 0
    bad_event_lines: int = 0
    bad_conversion_lines: int = 0
    exact_duplicates: int = 0
    delivery_conflicts: int = 0
    repeated_receipts: int = 0
    receipts_without_send: int = 0
    receipts_before_send: int = 0
    ignored_receipts: int = 0
    expired_clicks: int = 0
    conversions_outside_window: int = 0
    out_of_order: int = 0
    events_by_type: Mapping[str, int] = attrs.field(factory=dict, converter=_counts, hash=False)
    bad_lines_by_kind: Mapping[str, int] = attrs.field(factory=dict, converter=_counts, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The summary as a JSON-ready mapping."""
        out = attrs.asdict(self, recurse=False)
        out["events_by_type"] = dict(self.events_by_type)
        out["bad_lines_by_kind"] = dict(self.bad_lines_by_kind)
        return out


class _Tally:
    """The generator's running counts (a mutable twin of the summary's fields)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


# --------------------------------------------------------------------------- generation


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


@attrs.define(slots=True)
class _Journey:
    recipient: dict[str, str] | None
    events: list[dict[str, Any]]
    conversions: list[dict[str, Any]]


class _Generator:
    """One pass over the users; every draw comes from one seeded ``random.Random``."""

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

    # ------------------------------------------------------------ journeys

    def journeys(self) -> Iterator[_Journey]:
        if self.spec.timeline and not self.active:
            yield _Journey(None, self._timeline(), [])
        for index in range(self.spec.recipients):
            yield self._journey(index)

    def _timeline(self) -> list[dict[str, Any]]:
        out = []
        for inst, start in self.instances:
            started = start - self._int(15 * _MINUTE, 40 * _MINUTE)
            completed = started + self._int(2 * _MINUTE, 12 * _MINUTE)
            ready = start - self._int(0, _MINUTE)
            out.append(self._event("segmentation_started", started, None, inst))
            out.append(self._event("segmentation_completed", completed, None, inst))
            out.append(self._event("campaign_ready", ready, None, inst))
        return out

    def _number(self, index: int) -> tuple[str, str]:
        """A mobile number cell and its status: ``ok``, ``invalid`` or ``duplicate``."""
        rng, spec = self.rng, self.spec
        if self.channel is not Channel.CONNECTOR:
            draw = rng.random()
            if draw < spec.invalid_number_rate:
                return self._invalid_number(), "invalid"
            if draw < spec.invalid_number_rate + spec.duplicate_number_rate and self.recent_numbers:
                slot = self.recent_numbers[int(self.random() * len(self.recent_numbers))]
                return self._format_number(slot), "duplicate"
        slot = (index * _NUMBER_STEP + self.number_offset) % _NUMBER_SPACE
        return self._format_number(slot), "ok"

    def _format_number(self, slot: int) -> str:
        area = _AREAS[slot % len(_AREAS)]
        rest = slot // len(_AREAS)
        exchange = _EXCHANGES[rest % len(_EXCHANGES)]
        line = f"{rest // len(_EXCHANGES):04d}"
        styles = 6 if self.national_formats else 2
        style = int(self.random() * styles)
        if style == 0:
            return f"+1{area}{exchange}{line}"
        if style == 1:
            return f"+1 {area}-{exchange}-{line}"
        if style == 2:
            return f"({area}) {exchange}-{line}"
        if style == 3:
            return f"{area}-{exchange}-{line}"
        if style == 4:
            return f"{area}.{exchange}.{line}"
        return f"1 ({area}) {exchange}-{line}"

    def _invalid_number(self) -> str:
        kind = int(self.random() * 6)
        digits = f"{self._int(200, 999)}-{self._int(0, 9999):04d}"
        if kind == 0:  # too short
            return f"+1 {_AREAS[int(self.random() * 2)]} {digits[:-2]}"
        if kind == 1:  # an exchange cannot start with 0 or 1
            return f"+1 {_AREAS[int(self.random() * 2)]} {self._int(100, 199)}-{digits[-4:]}"
        if kind == 2:  # no area code
            return digits
        if kind == 3:  # a London landline
            return f"+44 20 7946 {self._int(0, 999):04d}"
        if kind == 4:  # toll-free
            return f"+1 800-{self._int(200, 999)}-{self._int(0, 9999):04d}"
        return ""

    def _journey(self, index: int) -> _Journey:
        rng, spec, tally = self.rng, self.spec, self.tally
        user = f"u{index:0{self.width}d}"
        number, status = self._number(index)
        control = rng.random() < spec.control_rate
        row = {
            "user_id": user,
            "mobile_number": number,
            "locale": self.locales.pick(rng) if self.locales else "",
            "variation": self.variations.pick(rng) if self.variations else "",
            "timezone": self.zones.pick(rng) if self.zones else "",
            "group": ("control" if control else "target") if spec.control_rate else "",
        }
        tally.add("recipients")
        events: list[dict[str, Any]] = []
        conversions: list[dict[str, Any]] = []
        if status != "ok":
            tally.add("invalid_numbers" if status == "invalid" else "duplicate_numbers")
        else:
            if control:
                tally.add("control_users")
            self._messages(user, index, control, events, conversions, number)
        if rng.random() < spec.organic_conversion_rate:
            at = self.first_start - _DAY + int(self.random() * (self.span + 4 * _DAY))
            conversions.extend(self._purchase(user, at))
        if rng.random() < spec.other_event_rate:
            at = self.first_start + int(self.random() * (self.span + 2 * _DAY))
            conversions.append(self._conversion("app_open", user, at))
        return _Journey(row, events, conversions)

    def _messages(
        self,
        user: str,
        index: int,
        control: bool,
        events: list[dict[str, Any]],
        conversions: list[dict[str, Any]],
        number: str,
    ) -> None:
        rng, spec = self.rng, self.spec
        reached_fc = False
        unsubscribed = False
        for inst, start in self.instances:
            if self.active:
                if rng.random() >= spec.active_participation_rate:
                    continue
                t0 = start + int(self.random() * _DAY)
            else:
                t0 = start + self.spread * index // max(spec.recipients, 1)
                t0 += int(self.random() * (2 * _SECOND))
            if control:
                at = t0 - int(self.random() * _MINUTE)
                if rng.random() < spec.control_removed_event_rate:
                    events.append(self._event("control_removed", at, user, inst))
                if rng.random() < spec.control_conversion_rate:
                    conversions.extend(self._purchase(user, at + self._in_window()))
                continue
            if unsubscribed:
                # O-3: the platform may still try; the provider refuses (twilio 21610).
                if self.integrated and self.channel is not Channel.CONNECTOR and rng.random() < 0.5:
                    self.tally.add("messages")
                    extras = {
                        "error_code": self._code("twilio", "21610"),
                        "reason": "Attempt to send to unsubscribed recipient",
                    }
                    events.append(self._event("send_failed", t0, user, inst, extras))
                continue
            result = self._message(user, inst, t0, events, conversions)
            reached_fc = reached_fc or result != "fc_removed"
            unsubscribed = unsubscribed or result == "unsubscribed"
        if reached_fc and number:
            index_slot = (index * _NUMBER_STEP + self.number_offset) % _NUMBER_SPACE
            self.recent_numbers.append(index_slot)

    def _message(
        self,
        user: str,
        inst: str | None,
        t0: int,
        events: list[dict[str, Any]],
        conversions: list[dict[str, Any]],
    ) -> str:
        rng, spec, tally, ev = self.rng, self.spec, self.tally, self._event
        tally.add("messages")
        if rng.random() < spec.fc_removed_rate:
            events.append(ev("fc_removed", t0 - int(self.random() * _MINUTE), user, inst))
            return "fc_removed"
        if rng.random() < spec.attempted_rate:
            events.append(ev("attempted", t0, user, inst))
        if rng.random() < spec.content_api_error_rate:
            code = self.api_codes.pick(rng)
            at = t0 + int(self.random() * 500)
            events.append(ev("content_api_error", at, user, inst, {"status_code": code}))
        if rng.random() < spec.personalization_failed_rate:
            category = self.personalization.pick(rng)
            extras: dict[str, Any] = {"category": category} if category else {}
            if rng.random() < 0.8:
                names = _ATTRIBUTES[category]
                extras["attribute"] = names[int(self.random() * len(names))]
            events.append(ev("personalization_failed", t0 + 100, user, inst, extras))
            return "failed"
        segments = None
        if self.channel is Channel.SMS:
            segments = 1 if rng.random() >= spec.multi_segment_rate else rng.choice((2, 2, 3, 4))
        too_long = self.max_segments is not None and (segments or 0) > self.max_segments
        if rng.random() < spec.skipped_rate or (too_long and rng.random() < 0.5):
            reason = "ContentTooLong" if too_long else self.skip_reasons.pick(rng)
            events.append(ev("skipped", t0 + 100, user, inst, {"reason": reason}))
            return "failed"
        t_send = t0 + self._int(50, 3 * _SECOND)
        if rng.random() < spec.send_failed_rate:
            events.append(self._send_failure(t_send, user, inst))
            return "failed"
        return self._delivery(user, inst, t0, t_send, segments, events, conversions)

    def _send_failure(self, at: int, user: str, inst: str | None) -> dict[str, Any]:
        rng = self.rng
        if self.channel is Channel.CONNECTOR:
            status, reason = self.http_failures.pick(rng)
            if rng.random() < self.spec.failed_as_sent_rate:
                return self._event("sent", at, user, inst, {"response_code": status})
            extras = {"response_code": status, "reason": reason}
            return self._event("send_failed", at, user, inst, extras)
        failure = self.send_failures.pick(rng)
        return self._event("send_failed", at, user, inst, self._failure_extras(failure))

    def _delivery(
        self,
        user: str,
        inst: str | None,
        t0: int,
        t_send: int,
        segments: int | None,
        events: list[dict[str, Any]],
        conversions: list[dict[str, Any]],
    ) -> str:
        rng, spec, tally, ev = self.rng, self.spec, self.tally, self._event
        extras: dict[str, Any] = {}
        if self.channel is Channel.CONNECTOR or rng.random() < spec.explicit_response_code_rate:
            extras["response_code"] = 200
        if segments is not None:
            extras["segments"] = segments
        mode = self.send_modes.pick(rng) if self.send_modes else ""
        if mode:
            extras["send_mode"] = mode
        tz_mode = self.tz_modes.pick(rng) if self.tz_modes else ""
        if tz_mode:
            extras["tz_mode"] = tz_mode
        sent = ev("sent", t_send, user, inst, extras)
        tally.add("sent")
        reach, reached = t_send, True
        if not self.tracked:
            events.append(sent)
            if rng.random() < spec.untracked_receipt_rate:
                at = t_send + self._int(_SECOND, _MINUTE)
                events.append(ev("delivered", at, user, inst))
                tally.add("ignored_receipts")
        else:
            outcome = self.outcomes.pick(rng)
            if outcome == "in_transit":
                events.append(sent)
                reached = False
            else:
                reach = self._receipts(outcome, user, inst, t_send, sent, events)
                reached = outcome in ("delivered", "sms_fallback")
        if not reached:
            self._outside_window(user, t0, t_send, conversions)
            return "sent"
        clicks = self._clicks(user, inst, t_send, reach, events)
        unsubscribed = False
        if self.channel is not Channel.CONNECTOR and rng.random() < spec.unsubscribe_rate:
            at = reach + self._int(_MINUTE, 6 * _HOUR)
            events.append(ev("unsubscribed", at, user, inst))
            unsubscribed = True
        self._conversions(user, reach, clicks[0] if clicks else None, conversions)
        # after every window the message opened (view-through and click-through, A-3, A-4)
        self._outside_window(user, t0, max(reach, clicks[1]) if clicks else reach, conversions)
        return "unsubscribed" if unsubscribed else "sent"

    def _receipts(
        self,
        outcome: str,
        user: str,
        inst: str | None,
        t_send: int,
        sent: dict[str, Any],
        events: list[dict[str, Any]],
    ) -> int:
        """Append the send and its receipts; return the instant of the first receipt."""
        rng, spec, tally, ev = self.rng, self.spec, self.tally, self._event
        # D-12: a lost send event leaves the receipt without its send.
        keep_send = rng.random() >= spec.receipt_without_send_rate
        if rng.random() < spec.late_receipt_rate:
            at = t_send + self._int(_HOUR, 96 * _HOUR)
        else:
            at = t_send + 200 + min(int(rng.lognormvariate(math.log(4000), 0.8)), 15 * _MINUTE)
        if keep_send and outcome == "delivered" and rng.random() < spec.receipt_before_send_rate:
            at = t_send - self._int(_SECOND, 30 * _SECOND)  # a provider clock behind ours
            tally.add("receipts_before_send")
        if outcome in ("delivered", "sms_fallback"):
            receipt = ev(outcome, at, user, inst)
        else:
            failure = self.outcome_tables[outcome].pick(rng)
            receipt = ev(outcome, at, user, inst, self._failure_extras(failure))
        if keep_send:
            events.append(sent)
        else:
            tally.add("receipts_without_send")
        events.append(receipt)
        if rng.random() < spec.duplicate_receipt_rate:
            events.append(dict(receipt))  # the same callback delivered twice
            tally.add("exact_duplicates")
        if outcome == "delivered" and rng.random() < spec.conflicting_receipt_rate:
            later = at + self._int(_MINUTE, 12 * _HOUR)
            if rng.random() < 0.5:
                events.append(ev("delivered", later, user, inst))
                tally.add("repeated_receipts")
            else:
                # D-11: a failure for a Delivered message does not undo it
                failure = self.outcome_tables["delivery_failed"].pick(rng)
                events.append(
                    ev("delivery_failed", later, user, inst, self._failure_extras(failure))
                )
                tally.add("delivery_conflicts")
        return at

    def _clicks(
        self, user: str, inst: str | None, t_send: int, reach: int, events: list[dict[str, Any]]
    ) -> tuple[int, int] | None:
        """Append the message's clicks; return its first and last unexpired click."""
        rng, spec = self.rng, self.spec
        if not self.clicks_on or rng.random() >= spec.click_rate:
            return None
        at = reach + min(int(rng.lognormvariate(math.log(12 * _MINUTE), 1.2)), 72 * _HOUR)
        first = at
        events.append(self._event("clicked", at, user, inst, {"url": self.urls.pick(rng)}))
        repeats = 0
        while repeats < 4 and rng.random() < spec.repeat_click_rate:
            at += min(int(rng.lognormvariate(math.log(5 * _MINUTE), 1.0)), 24 * _HOUR)
            events.append(self._event("clicked", at, user, inst, {"url": self.urls.pick(rng)}))
            repeats += 1
        if rng.random() < spec.expired_click_rate:
            # K-2: past the link's 15 days, counted from the message's send instant.
            late = max(t_send, reach) + _CLICK_EXPIRY + self._int(_MINUTE, 7 * _DAY)
            events.append(self._event("clicked", late, user, inst, {"url": self.urls.pick(rng)}))
            self.tally.add("expired_clicks")
        return first, at

    def _conversions(
        self, user: str, reach: int, clicked: int | None, conversions: list[dict[str, Any]]
    ) -> None:
        rng, spec = self.rng, self.spec
        if clicked is not None and rng.random() < spec.click_purchase_rate:
            if rng.random() < spec.in_session_share:
                at = clicked + self._int(_MINUTE, 29 * _MINUTE)
            else:
                at = clicked + self._in_window()
            conversions.extend(self._purchase(user, at))
        elif rng.random() < spec.purchase_rate:
            conversions.extend(self._purchase(user, reach + self._in_window()))
        for name in self.secondary_events:
            if rng.random() < spec.secondary_goal_rate:
                at = reach + self._in_window()
                conversions.append(self._conversion(name, user, at, None, self._properties(False)))

    def _outside_window(
        self, user: str, t0: int, last: int, conversions: list[dict[str, Any]]
    ) -> None:
        rng = self.rng
        if rng.random() >= self.spec.outside_window_rate:
            return
        if rng.random() < 0.5:
            at = t0 - self._int(_HOUR, 48 * _HOUR)
        else:
            at = last + self.window + self._int(_MINUTE, 72 * _HOUR)
        conversions.extend(self._purchase(user, at))
        self.tally.add("conversions_outside_window")


# --------------------------------------------------------------------------- order and text


class _Displacer(Generic[_T]):
    """Moves a fraction of records up to ``window`` lines later, holding at most ``window``."""

    def __init__(self, rng: random.Random, rate: float, window: int, tally: _Tally) -> None:
        self.rng, self.rate, self.window, self.tally = rng, rate, window, tally
        self.held: list[tuple[int, int, _T]] = []
        self.emitted = 0
        self.seq = 0

    def push(self, record: _T) -> Iterator[_T]:
        if self.rate and self.rng.random() < self.rate:
            self.seq += 1
            due = self.emitted + self.rng.randint(1, self.window)
            heapq.heappush(self.held, (due, self.seq, record))
            self.tally.add("out_of_order")
            if len(self.held) > self.window:
                self.emitted += 1
                yield heapq.heappop(self.held)[2]
            return
        self.emitted += 1
        yield record
        while self.held and self.held[0][0] <= self.emitted:
            self.emitted += 1
            yield heapq.heappop(self.held)[2]

    def flush(self) -> Iterator[_T]:
        while self.held:
            yield heapq.heappop(self.held)[2]


def _ordered(
    records: Iterable[list[dict[str, Any]]], spec: SyntheticSpec, rng: random.Random, tally: _Tally
) -> Iterator[dict[str, Any]]:
    order: _Displacer[dict[str, Any]] = _Displacer(
        rng, spec.shuffle_rate, spec.shuffle_window, tally
    )
    for batch in records:
        for record in batch:
            yield from order.push(record)
    yield from order.flush()


def _stream_rng(seed: int, spec: SyntheticSpec, stream: str) -> random.Random:
    """The generator of one stream of draws, a function of the seed and the campaign id only.

    Separate streams keep the journeys identical whatever the files' order and flaws; the
    campaign id keeps campaigns generated with one seed independent of each other.
    """
    campaign_id = spec.campaign_mapping().get("id")
    return random.Random(f"campaign_metrics.synthetic:{seed}:{campaign_id}:{stream}")


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _plain(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return format(value, "f")


def _dump(value: Any) -> str:
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, Mapping):
        return (
            "{"
            + ",".join(
                f"{json.dumps(str(k), ensure_ascii=False)}:{_dump(v)}" for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def to_json_line(record: Mapping[str, Any]) -> str:
    """Compact JSON of a record (no newline); a :class:`~decimal.Decimal` is written exactly.

    >>> to_json_line({"revenue": Decimal("19.90"), "name": "purchase"})
    '{"revenue":19.90,"name":"purchase"}'
    """
    return _dump(record)


def _strip_offset(text: str) -> str:
    return text[:-1] if text.endswith("Z") else text[:-6]


class _Sink:
    """Writes records as lines and, at ``bad_line_rate``, a deliberate bad line after one."""

    _KINDS: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "events": ("malformed", "naive_time", "unknown_type"),
        "conversions": ("malformed", "naive_time", "revenue_not_a_number"),
    }

    def __init__(
        self, handle: TextIO, stream: str, fmt: EventsFormat, spec: SyntheticSpec, seed: int
    ) -> None:
        self.handle, self.stream, self.fmt = handle, stream, fmt
        self.rate = spec.bad_line_rate
        if stream == "conversions" and spec.bad_conversion_line_rate is not None:
            self.rate = spec.bad_conversion_line_rate
        self.rng = _stream_rng(seed, spec, f"{stream}-bad-lines")
        self.writer = csv.writer(handle, lineterminator="\n") if fmt == "csv" else None
        self.good = 0
        self.bad: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        if self.writer is not None:
            self.writer.writerow(EVENT_COLUMNS)

    def _cells(self, record: Mapping[str, Any]) -> list[str]:
        return [str(record.get(c, "")) for c in EVENT_COLUMNS]

    def _line(self, record: Mapping[str, Any]) -> None:
        if self.writer is not None:
            self.writer.writerow(self._cells(record))
        elif self.stream == "events":
            self.handle.write(_ENCODE(record) + "\n")
        else:
            self.handle.write(to_json_line(record) + "\n")

    def write(self, record: Mapping[str, Any]) -> None:
        self._line(record)
        self.good += 1
        if self.stream == "events":
            self.types[str(record["type"])] += 1
        if self.rate and self.rng.random() < self.rate:
            kinds = self._KINDS[self.stream]
            kind = kinds[sum(self.bad.values()) % len(kinds)]
            self._bad(kind, record)
            self.bad[kind] += 1

    def _bad(self, kind: str, record: Mapping[str, Any]) -> None:
        copy_ = dict(record)
        if "event_id" in copy_:
            copy_["event_id"] = f"{copy_['event_id']}-b"
        # One random() a draw whatever the format, so both formats flaw the same records.
        if kind == "malformed":  # a line cut off mid-write
            if self.writer is not None:
                cells = self._cells(record)
                self.writer.writerow(cells[: 2 + int(self.rng.random() * 4)])
            else:
                text = to_json_line(record)
                cut = len(text) // 3 + int(self.rng.random() * (len(text) - 2 - len(text) // 3))
                self.handle.write(text[:cut] + "\n")
            return
        if kind == "naive_time":
            copy_["time"] = _strip_offset(str(copy_["time"]))
        elif kind == "unknown_type":
            common = ("event_id", "campaign_id", "instance_id", "user_id", "time")
            copy_ = {k: copy_[k] for k in common if k in copy_}
            copy_["type"] = "queued"
        else:
            revenue = copy_.get("revenue")
            copy_["revenue"] = "n/a" if revenue is None else str(revenue)
        self._line(copy_)


# --------------------------------------------------------------------------- public API


def iter_events(spec: SyntheticSpec, seed: int) -> Iterator[dict[str, Any]]:
    """The campaign's message events, one user journey at a time, in file order.

    Timeline events come first, then each user's journey; a ``shuffle_rate`` fraction of
    records moves up to ``shuffle_window`` lines later. Memory stays bounded whatever
    ``spec.recipients`` is.

    >>> events = list(iter_events(SyntheticSpec(recipients=5, timeline=False), seed=3))
    >>> "sent" in {e["type"] for e in events}
    True
    """
    gen = _Generator(spec, seed)
    batches = (j.events for j in gen.journeys())
    yield from _ordered(batches, spec, _stream_rng(seed, spec, "events-order"), gen.tally)


def iter_conversions(spec: SyntheticSpec, seed: int) -> Iterator[dict[str, Any]]:
    """The users' app events (conversions.jsonl records), one journey at a time.

    ``revenue`` is a :class:`~decimal.Decimal` with two decimals; write records with
    :func:`to_json_line`.

    >>> spec = SyntheticSpec(recipients=200, purchase_rate=0.5)
    >>> any("revenue" in c for c in iter_conversions(spec, seed=3))
    True
    """
    gen = _Generator(spec, seed)
    batches = (j.conversions for j in gen.journeys())
    yield from _ordered(batches, spec, _stream_rng(seed, spec, "conversions-order"), gen.tally)


def iter_recipients(spec: SyntheticSpec, seed: int) -> Iterator[dict[str, str]]:
    """The recipients.csv rows (:data:`RECIPIENT_COLUMNS`), empty strings for empty cells.

    >>> next(iter_recipients(SyntheticSpec(recipients=3), seed=0))["user_id"]
    'u000000'
    """
    for journey in _Generator(spec, seed).journeys():
        if journey.recipient is not None:
            yield journey.recipient


def _campaign_json(spec: SyntheticSpec) -> str:
    def default(value: object) -> object:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, dt.datetime):
            return value.isoformat()
        raise TypeError(f"not a JSON value: {value!r}")

    return json.dumps(spec.campaign_mapping(), indent=2, ensure_ascii=False, default=default)


def write_campaign_dir(
    path: str | Path, spec: SyntheticSpec, seed: int, *, events_format: EventsFormat = "jsonl"
) -> SyntheticSummary:
    """Write a campaign directory (FORMATS.md) in one streaming pass; return its summary.

    Writes ``campaign.json``, ``recipients.csv``, ``events.jsonl`` (or ``events.csv``, all
    keys as columns, an empty cell for an absent key) and ``conversions.jsonl``; the other
    events file of an earlier run is removed. The good records are exactly those of
    :func:`iter_events` and :func:`iter_conversions`.

    >>> summary = write_campaign_dir("/tmp/c1", SyntheticSpec(recipients=100), seed=1)
    >>> summary.recipients
    100
    """
    if events_format not in ("jsonl", "csv"):
        raise ConfigurationError(
            f"'events_format' must be 'jsonl' or 'csv' (got {events_format!r})",
            field="events_format",
        )
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    (root / "campaign.json").write_text(_campaign_json(spec) + "\n", encoding="utf-8")
    other = "events.csv" if events_format == "jsonl" else "events.jsonl"
    (root / other).unlink(missing_ok=True)
    gen = _Generator(spec, seed)
    tally = gen.tally
    event_order: _Displacer[dict[str, Any]] = _Displacer(
        _stream_rng(seed, spec, "events-order"), spec.shuffle_rate, spec.shuffle_window, tally
    )
    conversion_order: _Displacer[dict[str, Any]] = _Displacer(
        _stream_rng(seed, spec, "conversions-order"), spec.shuffle_rate, spec.shuffle_window, tally
    )
    with (
        open(root / "recipients.csv", "w", encoding="utf-8", newline="") as rec_file,
        open(root / f"events.{events_format}", "w", encoding="utf-8", newline="") as ev_file,
        open(root / "conversions.jsonl", "w", encoding="utf-8", newline="") as conv_file,
    ):
        rows = csv.writer(rec_file, lineterminator="\n")
        rows.writerow(RECIPIENT_COLUMNS)
        events = _Sink(ev_file, "events", events_format, spec, seed)
        conversions = _Sink(conv_file, "conversions", "jsonl", spec, seed)
        for journey in gen.journeys():
            if journey.recipient is not None:
                rows.writerow([journey.recipient[c] for c in RECIPIENT_COLUMNS])
            for record in journey.events:
                for ready in event_order.push(record):
                    events.write(ready)
            for record in journey.conversions:
                for ready in conversion_order.push(record):
                    conversions.write(ready)
        for ready in event_order.flush():
            events.write(ready)
        for ready in conversion_order.flush():
            conversions.write(ready)
    counts = tally.counts
    return SyntheticSummary(
        recipients=counts["recipients"],
        control_users=counts["control_users"],
        invalid_numbers=counts["invalid_numbers"],
        duplicate_numbers=counts["duplicate_numbers"],
        messages=counts["messages"],
        sent=counts["sent"],
        events=events.good,
        conversions=conversions.good,
        bad_event_lines=sum(events.bad.values()),
        bad_conversion_lines=sum(conversions.bad.values()),
        exact_duplicates=counts["exact_duplicates"],
        delivery_conflicts=counts["delivery_conflicts"],
        repeated_receipts=counts["repeated_receipts"],
        receipts_without_send=counts["receipts_without_send"],
        receipts_before_send=counts["receipts_before_send"],
        ignored_receipts=counts["ignored_receipts"],
        expired_clicks=counts["expired_clicks"],
        conversions_outside_window=counts["conversions_outside_window"],
        out_of_order=counts["out_of_order"],
        events_by_type=events.types,
        bad_lines_by_kind=events.bad + conversions.bad,
    )


def benchmark_spec(recipients: int) -> SyntheticSpec:
    """The benchmark profile: a delivery-tracked SMS campaign, about 3 events a recipient.

    ``attempted`` for 80 % of messages, ``sent``, receipts with 1 % exact duplicates and
    2 % of lines out of order, clicks, purchases with revenue (one primary goal
    ``purchase`` tracking revenue); no bad lines.

    >>> benchmark_spec(3_000_000).recipients
    3000000
    """
    return SyntheticSpec(
        campaign={
            "id": "benchmark_sms",
            "name": "Benchmark SMS",
            "channel": "sms",
            "provider": "integrated",
            "click_tracking": True,
            "app_timezone": "America/Los_Angeles",
            "default_region": "US",
            "goals": [
                {"name": "purchase", "event": "purchase", "primary": True, "track_revenue": True}
            ],
        },
        recipients=recipients,
        send_spread_hours=6.0,
        invalid_number_rate=0.005,
        duplicate_number_rate=0.002,
        fc_removed_rate=0.005,
        attempted_rate=0.8,
        click_rate=0.15,
        duplicate_receipt_rate=0.01,
        shuffle_rate=0.02,
        bad_line_rate=0.0,
    )


def example_specs() -> dict[str, SyntheticSpec]:
    """The specs of the three example directories, by directory name.

    >>> sorted(example_specs())
    ['connector_webhook', 'mms_spring_sale', 'sms_weekly_digest']
    """
    utc = dt.timezone.utc
    mms = SyntheticSpec(
        campaign={
            "id": "mms_spring_sale",
            "name": "Spring sale (MMS)",
            "channel": "mms",
            "provider": "integrated",
            "click_tracking": True,
            "app_timezone": "America/Los_Angeles",
            "attribution_window_hours": 72,
            "default_region": "US",
            "status": "sent",
            "created_at": "2026-04-10T17:30:00Z",
            "last_modified_by": "marketing@example.com",
            "team": "growth",
            "goals": [
                {"name": "Purchase", "event": "purchase", "primary": True, "track_revenue": True},
                {
                    "name": "Cart with 2+ items",
                    "event": "add_to_cart",
                    "primary": False,
                    "filters": [{"property": "items", "op": "gte", "value": 2}],
                },
            ],
        },
        recipients=3000,
        start=dt.datetime(2026, 4, 14, 16, 0, tzinfo=utc),
        locales=(("en-US", 60), ("es-US", 25), ("fr-CA", 5), ("", 10)),
        variations=(("A", 50), ("B", 50)),
        control_rate=0.1,
        click_rate=0.15,
        purchase_rate=0.05,
        secondary_goal_rate=0.08,
        bad_line_rate=0.001,
        bad_conversion_line_rate=0.006,
    )
    weekly = SyntheticSpec(
        campaign={
            "id": "sms_weekly_digest",
            "name": "Weekly digest",
            "channel": "sms",
            "provider": "integrated",
            "delivery_type": "periodic",
            "click_tracking": True,
            "app_timezone": "America/New_York",
            "default_region": "US",
            "max_segments": 2,
            "status": "active",
            "goals": [{"name": "Article read", "event": "article_read", "primary": True}],
        },
        recipients=1500,
        instances=[
            (f"digest-{day:%Y-%m-%d}", day)
            for day in (
                dt.datetime(2026, 4, 6, 13, 0, tzinfo=utc),
                dt.datetime(2026, 4, 13, 13, 0, tzinfo=utc),
                dt.datetime(2026, 4, 20, 13, 0, tzinfo=utc),
            )
        ],
        send_spread_hours=1.0,
        unsubscribe_rate=0.01,
        purchase_rate=0.06,
        bad_line_rate=0.001,
        bad_conversion_line_rate=0.006,
    )
    connector = SyntheticSpec(
        campaign={
            "id": "connector_webhook",
            "name": "Order update webhook",
            "channel": "connector",
            "delivery_type": "active",
            "app_timezone": "Europe/Berlin",
            "click_tracking": False,
            "default_region": None,
            "goals": [
                {"name": "Purchase", "event": "purchase", "primary": True, "track_revenue": True}
            ],
        },
        recipients=2500,
        start=dt.datetime(2026, 4, 14, 0, 0, tzinfo=utc),
        locales=(("de-DE", 60), ("en-GB", 30), ("", 10)),
        timezones=(("Europe/Berlin", 70), ("Europe/London", 20), ("", 10)),
        active_participation_rate=0.4,
        personalization_failed_rate=0.02,
        send_failed_rate=0.03,
        untracked_receipt_rate=0.005,
        purchase_rate=0.05,
        bad_line_rate=0.001,
        bad_conversion_line_rate=0.006,
    )
    return {
        "mms_spring_sale": mms,
        "sms_weekly_digest": weekly,
        "connector_webhook": connector,
    }


def write_examples(
    out: str | Path = "examples", seed: int = EXAMPLES_SEED
) -> dict[str, SyntheticSummary]:
    """Regenerate the example directories under ``out``; return their summaries.

    >>> summaries = write_examples("/tmp/examples")  # doctest: +SKIP
    """
    return {
        name: write_campaign_dir(Path(out) / name, spec, seed)
        for name, spec in example_specs().items()
    }


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``examples [--out DIR]`` or ``campaign DIR --recipients N --seed S``.

    Prints the summary of what it wrote as JSON and returns the exit status.

    >>> main(["campaign", "/tmp/c2", "--recipients", "10", "--seed", "1"])  # doctest: +SKIP
    {
      "recipients": 10,
    ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m campaign_metrics.synthetic",
        description="Write seeded synthetic campaign directories (FORMATS.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    examples = commands.add_parser("examples", help="regenerate the example directories")
    examples.add_argument("--out", default="examples", help="the parent directory")
    examples.add_argument("--seed", type=int, default=EXAMPLES_SEED)
    one = commands.add_parser("campaign", help="write one campaign directory")
    one.add_argument("dir")
    one.add_argument("--recipients", type=int, default=1000)
    one.add_argument("--seed", type=int, default=0)
    one.add_argument("--channel", choices=[c.value for c in Channel])
    one.add_argument("--delivery-type", choices=[d.value for d in DeliveryType])
    one.add_argument("--events-format", choices=["jsonl", "csv"], default="jsonl")
    one.add_argument("--bad-line-rate", type=float, default=0.0)
    one.add_argument("--benchmark", action="store_true", help="use the benchmark profile")
    args = parser.parse_args(argv)
    try:
        if args.command == "examples":
            for name, summary in write_examples(args.out, args.seed).items():
                print(
                    f"{Path(args.out) / name}: {summary.recipients} recipients, "
                    f"{summary.events} events, {summary.conversions} conversions, "
                    f"{summary.bad_event_lines + summary.bad_conversion_lines} bad lines"
                )
            return 0
        base = benchmark_spec(args.recipients) if args.benchmark else SyntheticSpec()
        overrides = dict(base.campaign)
        if args.channel:
            overrides["channel"] = args.channel
        if args.delivery_type:
            overrides["delivery_type"] = args.delivery_type
        spec = attrs.evolve(
            base, campaign=overrides, recipients=args.recipients, bad_line_rate=args.bad_line_rate
        )
        summary = write_campaign_dir(args.dir, spec, args.seed, events_format=args.events_format)
    except (ConfigurationError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary.to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

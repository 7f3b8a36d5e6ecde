"""The spec of a synthetic campaign: its knobs, validated when the spec is built."""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import ConfigurationError
from ..model import Campaign, DeliveryType
from ..timezones import get_zone, parse_instant
from ._tables import _OUTCOMES

_Weights = tuple[tuple[str, float], ...]

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

"""Frozen domain types: the campaign, its goals, recipients and events.

Every class is a frozen, slotted attrs class validated at construction, so an invalid
object cannot exist. ``from_dict`` class methods read the file forms of FORMATS.md.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from .errors import ConfigurationError, InputError
from .timezones import UTC, get_zone

__all__ = [
    "MMS_MAX_WINDOW_HOURS",
    "AttributionType",
    "Campaign",
    "CampaignStatus",
    "Channel",
    "ConversionEvent",
    "DeliveryType",
    "EventType",
    "FilterOp",
    "Goal",
    "GoalFilter",
    "Group",
    "MessageEvent",
    "PersonalizationCategory",
    "Provider",
    "Recipient",
    "SendMode",
    "SkipReason",
    "TzMode",
]

#: A-2: an MMS attribution window may be at most 7 days.
MMS_MAX_WINDOW_HOURS = 168
#: A-2: the default window for every channel.
DEFAULT_WINDOW_HOURS = 36
#: X-2: the default carrier validity period.
DEFAULT_VALIDITY_HOURS = 72


class _StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class Channel(_StrEnum):
    """CH-1."""

    SMS = "sms"
    MMS = "mms"
    CONNECTOR = "connector"


class Provider(_StrEnum):
    """CH-2."""

    INTEGRATED = "integrated"
    CUSTOM = "custom"


class DeliveryType(_StrEnum):
    """CH-4."""

    ONE_TIME = "one_time"
    PERIODIC = "periodic"
    ACTIVE = "active"


class AttributionType(_StrEnum):
    """A-3..A-5, A-12."""

    VIEW_THROUGH = "view_through"
    CLICK_THROUGH = "click_through"
    IN_SESSION = "in_session"


class CampaignStatus(_StrEnum):
    """S-1 (``under_review`` and ``rejected`` only with the approval workflow)."""

    ACTIVE = "active"
    EXPIRED = "expired"
    NOT_SENT = "not_sent"
    PAUSED = "paused"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    STOPPED = "stopped"
    UNDER_REVIEW = "under_review"
    REJECTED = "rejected"


class EventType(_StrEnum):
    """The ``type`` of a message event (FORMATS.md)."""

    ATTEMPTED = "attempted"
    FC_REMOVED = "fc_removed"
    CONTROL_REMOVED = "control_removed"
    PERSONALIZATION_FAILED = "personalization_failed"
    SKIPPED = "skipped"
    SENT = "sent"
    SEND_FAILED = "send_failed"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    SMS_FALLBACK = "sms_fallback"
    SOFT_BOUNCE = "soft_bounce"
    HARD_BOUNCE = "hard_bounce"
    DELETED = "deleted"
    CLICKED = "clicked"
    UNSUBSCRIBED = "unsubscribed"
    CONTENT_API_ERROR = "content_api_error"
    SEGMENTATION_STARTED = "segmentation_started"
    SEGMENTATION_COMPLETED = "segmentation_completed"
    CAMPAIGN_READY = "campaign_ready"

    @property
    def is_timeline(self) -> bool:
        """T-2 events carry no user."""
        return self in _TIMELINE

    @property
    def is_delivery_outcome(self) -> bool:
        """CH-2: the events a sent-only campaign ignores."""
        return self in _DELIVERY_OUTCOMES


_TIMELINE = frozenset(
    {EventType.SEGMENTATION_STARTED, EventType.SEGMENTATION_COMPLETED, EventType.CAMPAIGN_READY}
)
_DELIVERY_OUTCOMES = frozenset(
    {
        EventType.DELIVERED,
        EventType.DELIVERY_FAILED,
        EventType.SMS_FALLBACK,
        EventType.SOFT_BOUNCE,
        EventType.HARD_BOUNCE,
        EventType.DELETED,
    }
)


class SendMode(_StrEnum):
    """B-3."""

    BTS = "bts"
    DEFAULT = "default"
    MOST_ACTIVE = "most_active"


class TzMode(_StrEnum):
    """B-4."""

    USER = "user"
    DEFAULT_LAPSED = "default_lapsed"


class PersonalizationCategory(_StrEnum):
    """E-2."""

    USER_ATTRIBUTE = "user_attribute"
    EVENT_ATTRIBUTE = "event_attribute"
    CAMPAIGN_ATTRIBUTE = "campaign_attribute"
    UNDEFINED = "undefined"
    OTHER = "other"


class SkipReason(_StrEnum):
    """O-6."""

    SKIPPED_NO_CONTENT = "SkippedNoContent"
    SKIPPED_HYPERSONALIZATION = "SkippedHypersonalization"
    FAILED_HYPERSONALIZATION = "FailedHypersonalization"
    CONTENT_TOO_LONG = "ContentTooLong"


class Group(_StrEnum):
    """B-2: a recipient's group."""

    TARGET = "target"
    CONTROL = "control"


class FilterOp(_StrEnum):
    """A goal filter's operator (FORMATS.md)."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"


# --------------------------------------------------------------------------- helpers


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def json_equal(a: object, b: object) -> bool:
    """Equality of two JSON values without coercion: ``"10" != 10``, ``true != 1``."""
    kind = _json_kind(a)
    if kind != _json_kind(b):
        return False
    if kind == "array":
        seq_a, seq_b = list(a), list(b)  # type: ignore[call-overload]
        return len(seq_a) == len(seq_b) and all(map(json_equal, seq_a, seq_b))
    if kind == "object":
        map_a, map_b = dict(a), dict(b)  # type: ignore[call-overload]
        return map_a.keys() == map_b.keys() and all(json_equal(map_a[k], map_b[k]) for k in map_a)
    return a == b


class FrozenMapping(Mapping[str, Any]):
    """An immutable, picklable mapping (JSON objects inside frozen values)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMapping, (self._data,))


def _freeze_json(value: Any) -> Any:
    """An immutable deep copy of a JSON value (arrays become tuples)."""
    if isinstance(value, Mapping):
        return FrozenMapping({str(k): _freeze_json(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze_json(v) for v in value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite JSON number, got {value!r}")
        return Decimal(repr(value))
    return value


def _to_utc(value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise InputError(field="time", expected="an aware datetime", got=value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            field="time", expected="an aware datetime with a UTC offset", got=value.isoformat()
        )
    return value.astimezone(UTC)


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _nonempty_str(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InputError(field=attribute.name, expected="a non-empty string", got=value)


def _opt_nonempty_str(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _nonempty_str(instance, attribute, value)


# --------------------------------------------------------------------------- goals


def _number(value: object) -> bool:
    return _json_kind(value) == "number"


@attrs.frozen(slots=True)
class GoalFilter:
    """A property filter of a goal (FORMATS.md): ``property op value``.

    ``eq``/``ne``/``in`` compare JSON values without coercion; the ordering operators
    hold only between two numbers; the property must be present.
    """

    property: str = attrs.field(validator=_nonempty_str)
    op: FilterOp = attrs.field(converter=FilterOp)
    value: Any = attrs.field(converter=_freeze_json, hash=False)

    def __attrs_post_init__(self) -> None:
        if self.op is FilterOp.IN and not isinstance(self.value, tuple):
            raise ConfigurationError(
                f"goal filter on '{self.property}': 'in' needs a list value, got {self.value!r}",
                field="filters",
            )
        if self.op in (FilterOp.GT, FilterOp.GTE, FilterOp.LT, FilterOp.LTE) and not _number(
            self.value
        ):
            raise ConfigurationError(
                f"goal filter on '{self.property}': '{self.op}' needs a number, got {self.value!r}",
                field="filters",
            )

    def holds(self, properties: Mapping[str, Any]) -> bool:
        """Whether the filter holds on a conversion's properties."""
        if self.property not in properties:
            return False
        actual = properties[self.property]
        op = self.op
        if op is FilterOp.EQ:
            return json_equal(actual, self.value)
        if op is FilterOp.NE:
            return not json_equal(actual, self.value)
        if op is FilterOp.IN:
            return any(json_equal(actual, v) for v in self.value)
        if not _number(actual):
            return False
        if op is FilterOp.GT:
            return bool(actual > self.value)
        if op is FilterOp.GTE:
            return bool(actual >= self.value)
        if op is FilterOp.LT:
            return bool(actual < self.value)
        return bool(actual <= self.value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GoalFilter:
        _check_keys(data, {"property", "op", "value"}, "goal filter", required={"property", "op"})
        if "value" not in data:
            raise ConfigurationError("goal filter: 'value' is required", field="filters")
        op = data["op"]
        if op not in FilterOp._value2member_map_:
            raise ConfigurationError(
                f"goal filter: 'op' must be one of {', '.join(m.value for m in FilterOp)} "
                f"(got {op!r})",
                field="filters",
            )
        return cls(property=data["property"], op=FilterOp(op), value=data["value"])

    def to_dict(self) -> dict[str, Any]:
        return {"property": self.property, "op": self.op.value, "value": _thaw(self.value)}


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _filters(value: object) -> tuple[GoalFilter, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ConfigurationError(f"goal 'filters' must be a list (got {value!r})", field="goals")
    return tuple(value)


@attrs.frozen(slots=True)
class Goal:
    """A conversion goal (A-10): an app event name plus property filters."""

    name: str = attrs.field(validator=_nonempty_str)
    event: str = attrs.field(validator=_nonempty_str)
    primary: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    track_revenue: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    filters: tuple[GoalFilter, ...] = attrs.field(default=(), converter=_filters)

    def matches(self, name: str, properties: Mapping[str, Any] | None) -> bool:
        """A conversion matches when its name equals ``event`` and every filter holds."""
        if name != self.event:
            return False
        if not self.filters:
            return True
        props = properties or {}
        return all(f.holds(props) for f in self.filters)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Goal:
        _check_keys(
            data,
            {"name", "event", "primary", "track_revenue", "filters"},
            "goal",
            required={"name", "event"},
        )
        for key in ("primary", "track_revenue"):
            if key in data and not isinstance(data[key], bool):
                raise ConfigurationError(
                    f"goal '{data.get('name')}': '{key}' must be true or false (got {data[key]!r})",
                    field="goals",
                )
        for key in ("name", "event"):
            if not isinstance(data[key], str) or not data[key]:
                raise ConfigurationError(
                    f"goal: '{key}' must be a non-empty string (got {data[key]!r})", field="goals"
                )
        filters = data.get("filters", [])
        if not isinstance(filters, list):
            raise ConfigurationError(
                f"goal '{data['name']}': 'filters' must be a list (got {filters!r})",
                field="goals",
            )
        parsed = []
        for f in filters:
            if not isinstance(f, Mapping):
                raise ConfigurationError(
                    f"goal '{data['name']}': a filter must be an object (got {f!r})",
                    field="goals",
                )
            parsed.append(GoalFilter.from_dict(f))
        return cls(
            name=data["name"],
            event=data["event"],
            primary=data.get("primary", False),
            track_revenue=data.get("track_revenue", False),
            filters=tuple(parsed),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "event": self.event,
            "primary": self.primary,
            "track_revenue": self.track_revenue,
            "filters": [f.to_dict() for f in self.filters],
        }


def _check_keys(
    data: Mapping[str, Any],
    allowed: set[str],
    what: str,
    required: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"{what}: expected an object, got {data!r}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigurationError(
            f"{what}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})",
            field=unknown[0],
        )
    missing = sorted(required - set(data))
    if missing:
        raise ConfigurationError(f"{what}: '{missing[0]}' is required", field=missing[0])


# --------------------------------------------------------------------------- campaign


def _window_hours(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ConfigurationError(
            f"'attribution_window_hours' must be a number > 0 (got {value!r})",
            field="attribution_window_hours",
        )
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ConfigurationError(
            f"'attribution_window_hours' must be a number > 0 (got {value!r})",
            field="attribution_window_hours",
        ) from None
    if not number.is_finite() or number <= 0:
        raise ConfigurationError(
            f"'attribution_window_hours' must be a number > 0 (got {value!r})",
            field="attribution_window_hours",
        )
    return number


def _positive_hours(field: str) -> Any:
    def convert(value: object) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ConfigurationError(f"'{field}' must be a number > 0 (got {value!r})", field=field)
        number = Decimal(str(value))
        if not number.is_finite() or number <= 0:
            raise ConfigurationError(f"'{field}' must be a number > 0 (got {value!r})", field=field)
        return number

    return convert


def _enum_converter(enum_cls: type[_StrEnum], field: str) -> Any:
    def convert(value: object) -> _StrEnum:
        if isinstance(value, enum_cls):
            return value
        if isinstance(value, str) and value in enum_cls._value2member_map_:
            return enum_cls(value)
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise ConfigurationError(f"'{field}' must be one of {allowed} (got {value!r})", field=field)

    return convert


def _bool_field(field: str, default: bool) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, bool):
            raise ConfigurationError(
                f"'{field}' must be true or false (got {value!r})", field=field
            )

    return attrs.field(default=default, validator=check)


def _zone_name(value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(
            f"'app_timezone' must be an IANA time zone name (got {value!r})", field="app_timezone"
        )
    try:
        get_zone(value)
    except ValueError:
        raise ConfigurationError(
            f"'app_timezone' must be an IANA time zone name such as 'Europe/Berlin' "
            f"(got {value!r})",
            field="app_timezone",
        ) from None
    return value


def _opt_instant(field: str) -> Any:
    def convert(value: object) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            from .timezones import parse_instant

            try:
                return parse_instant(value)
            except ValueError as exc:
                raise ConfigurationError(f"'{field}': {exc}", field=field) from None
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return value.astimezone(UTC)
        raise ConfigurationError(
            f"'{field}' must be an ISO-8601 time with a UTC offset (got {value!r})", field=field
        )

    return convert


def _str_tuple(field: str) -> Any:
    def convert(value: object) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise ConfigurationError(
                f"'{field}' must be a list of strings (got {value!r})", field=field
            )
        if not all(isinstance(v, str) for v in value):
            raise ConfigurationError(
                f"'{field}' must be a list of strings (got {value!r})", field=field
            )
        return tuple(value)

    return convert


def _opt_str_field(field: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, str):
            raise ConfigurationError(f"'{field}' must be a string (got {value!r})", field=field)

    return attrs.field(default=None, validator=check)


def _goals(value: object) -> tuple[Goal, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ConfigurationError(f"'goals' must be a list of goals (got {value!r})", field="goals")
    goals = []
    for g in value:
        if isinstance(g, Goal):
            goals.append(g)
        elif isinstance(g, Mapping):
            goals.append(Goal.from_dict(g))
        else:
            raise ConfigurationError(f"a goal must be an object (got {g!r})", field="goals")
    return tuple(goals)


def _max_segments(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"'max_segments' must be an integer >= 1 (got {value!r})", field="max_segments"
        )
    return value


def _region(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise ConfigurationError(
            f"'default_region' must be an ISO 3166 alpha-2 code such as 'US' (got {value!r})",
            field="default_region",
        )
    return value.upper()


def _conv_channel(value: object) -> Channel:
    result: Channel = _enum_converter(Channel, "channel")(value)
    return result


def _conv_provider(value: object) -> Provider:
    result: Provider = _enum_converter(Provider, "provider")(value)
    return result


def _conv_delivery_type(value: object) -> DeliveryType:
    result: DeliveryType = _enum_converter(DeliveryType, "delivery_type")(value)
    return result


def _conv_validity(value: object) -> Decimal:
    result: Decimal = _positive_hours("validity_period_hours")(value)
    return result


def _conv_pinned(value: object) -> tuple[str, ...]:
    result: tuple[str, ...] = _str_tuple("pinned_metrics")(value)
    return result


def _conv_status(value: object) -> CampaignStatus:
    result: CampaignStatus = _enum_converter(CampaignStatus, "status")(value)
    return result


def _conv_reviewers(value: object) -> tuple[str, ...]:
    result: tuple[str, ...] = _str_tuple("reviewers")(value)
    return result


def _conv_created(value: object) -> dt.datetime | None:
    result: dt.datetime | None = _opt_instant("created_at")(value)
    return result


def _conv_updated(value: object) -> dt.datetime | None:
    result: dt.datetime | None = _opt_instant("updated_at")(value)
    return result


@attrs.frozen(slots=True)
class Campaign:
    """A campaign's configuration (campaign.json, FORMATS.md).

    Validated at construction: CH-2's allowed provider/tracking combinations, A-2's
    window bounds (MMS at most 168 hours), A-10's goal rules and B-5's pinned metrics.
    """

    id: str = attrs.field(validator=_nonempty_str)
    name: str = attrs.field(validator=_nonempty_str)
    channel: Channel = attrs.field(converter=_conv_channel)
    provider: Provider = attrs.field(default=Provider.INTEGRATED, converter=_conv_provider)
    delivery_tracking: bool = _bool_field("delivery_tracking", False)
    click_tracking: bool = _bool_field("click_tracking", False)
    delivery_type: DeliveryType = attrs.field(
        default=DeliveryType.ONE_TIME, converter=_conv_delivery_type
    )
    app_timezone: str = attrs.field(default="UTC", converter=_zone_name)
    attribution_window_hours: Decimal = attrs.field(
        default=Decimal(DEFAULT_WINDOW_HOURS), converter=_window_hours
    )
    goals: tuple[Goal, ...] = attrs.field(default=(), converter=_goals)
    default_region: str | None = attrs.field(default=None, converter=_region)
    max_segments: int | None = attrs.field(default=None, converter=_max_segments)
    validity_period_hours: Decimal = attrs.field(
        default=Decimal(DEFAULT_VALIDITY_HOURS),
        converter=_conv_validity,
    )
    pinned_metrics: tuple[str, ...] = attrs.field(default=(), converter=_conv_pinned)
    auto_suppression: bool = _bool_field("auto_suppression", True)
    advanced_revenue_attribution: bool = _bool_field("advanced_revenue_attribution", True)
    status: CampaignStatus = attrs.field(default=CampaignStatus.NOT_SENT, converter=_conv_status)
    caf_enabled: bool = _bool_field("caf_enabled", False)
    reviewers: tuple[str, ...] = attrs.field(default=(), converter=_conv_reviewers)
    approved_by: str | None = _opt_str_field("approved_by")
    rejected_by: str | None = _opt_str_field("rejected_by")
    created_at: dt.datetime | None = attrs.field(default=None, converter=_conv_created)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=_conv_updated)
    last_modified_by: str | None = _opt_str_field("last_modified_by")
    team: str | None = _opt_str_field("team")

    def __attrs_post_init__(self) -> None:
        # CH-2: tracking is a custom SMS/MMS provider's option only.
        if self.delivery_tracking and (
            self.channel is Channel.CONNECTOR or self.provider is Provider.INTEGRATED
        ):
            raise ConfigurationError(
                "'delivery_tracking' is allowed only with provider 'custom' on an sms or mms "
                f"campaign (got channel '{self.channel}', provider '{self.provider}')",
                field="delivery_tracking",
            )
        # S-1: Under Review and Rejected exist only with the approval workflow (CAF).
        if not self.caf_enabled and self.status in (
            CampaignStatus.UNDER_REVIEW,
            CampaignStatus.REJECTED,
        ):
            raise ConfigurationError(
                f"'status' '{self.status}' needs the approval workflow ('caf_enabled': true)",
                field="status",
            )
        # MMS windows are at most 7 days.
        if self.channel is Channel.MMS and self.attribution_window_hours > MMS_MAX_WINDOW_HOURS:
            raise ConfigurationError(
                f"'attribution_window_hours' of an MMS campaign must be at most "
                f"{MMS_MAX_WINDOW_HOURS} hours (7 days) (got {self.attribution_window_hours})",
                field="attribution_window_hours",
            )
        # none, or exactly one primary goal; names unique.
        if self.goals:
            primaries = [g for g in self.goals if g.primary]
            if len(primaries) != 1:
                raise ConfigurationError(
                    f"'goals' must hold exactly one primary goal (got {len(primaries)})",
                    field="goals",
                )
            names = [g.name for g in self.goals]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ConfigurationError(
                    f"goal names must be unique (got '{dupes[0]}' twice)", field="goals"
                )
        # B-5: at most five pinned metrics, each an existing report key.
        if len(self.pinned_metrics) > 5:
            raise ConfigurationError(
                f"'pinned_metrics' may hold at most 5 keys (got {len(self.pinned_metrics)})",
                field="pinned_metrics",
            )
        if self.pinned_metrics:
            from .keys import PINNABLE_KEYS

            for key in self.pinned_metrics:
                if key not in PINNABLE_KEYS:
                    raise ConfigurationError(
                        f"'pinned_metrics': unknown report key {key!r} "
                        "(expected a path such as 'delivery.delivered_rate')",
                        field="pinned_metrics",
                    )

    # ----------------------------------------------------------------- derived

    @property
    def delivery_tracked(self) -> bool:
        """CH-2: receipts are tracked (integrated SMS/MMS, or custom with tracking on)."""
        if self.channel is Channel.CONNECTOR:
            return False
        return self.provider is Provider.INTEGRATED or self.delivery_tracking

    @property
    def sent_only(self) -> bool:
        """CH-2: the opposite of :attr:`delivery_tracked`."""
        return not self.delivery_tracked

    @property
    def multi_instance(self) -> bool:
        """CH-4: periodic and active campaigns have several instances."""
        return self.delivery_type is not DeliveryType.ONE_TIME

    @property
    def primary_goal(self) -> Goal | None:
        """A-10: the primary goal, or ``None`` without goals."""
        for g in self.goals:
            if g.primary:
                return g
        return None

    @property
    def zone(self) -> dt.tzinfo:
        """The app's time zone (CH-5)."""
        return get_zone(self.app_timezone)

    @property
    def window_us(self) -> int:
        """The attribution window in microseconds (A-2)."""
        return int(self.attribution_window_hours * 3_600_000_000)

    @property
    def validity_us(self) -> int:
        """The carrier validity period in microseconds (X-2)."""
        return int(self.validity_period_hours * 3_600_000_000)

    # ----------------------------------------------------------------- file form

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Campaign:
        """Read campaign.json's mapping; unknown keys and bad values are
        :class:`ConfigurationError`."""
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"campaign.json must hold a JSON object (got {data!r})")
        allowed = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ConfigurationError(f"campaign.json: unknown key {unknown[0]!r}", field=unknown[0])
        for key in ("id", "name", "channel"):
            if key not in data:
                raise ConfigurationError(f"campaign.json: '{key}' is required", field=key)
        for key in ("id", "name"):
            if not isinstance(data[key], str) or not data[key]:
                raise ConfigurationError(
                    f"'{key}' must be a non-empty string (got {data[key]!r})", field=key
                )
        kwargs = dict(data)
        if "attribution_window_hours" in kwargs and isinstance(
            kwargs["attribution_window_hours"], str
        ):
            raise ConfigurationError(
                "'attribution_window_hours' must be a number > 0 "
                f"(got {kwargs['attribution_window_hours']!r})",
                field="attribution_window_hours",
            )
        try:
            return cls(**kwargs)
        except InputError as exc:
            raise ConfigurationError(str(exc), field=exc.field) from None

    def to_dict(self) -> dict[str, Any]:
        """The campaign.json mapping of this campaign (round-trips through from_dict)."""
        out: dict[str, Any] = {}
        for a in attrs.fields(type(self)):
            value = getattr(self, a.name)
            if isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, tuple) and a.name == "goals":
                value = [g.to_dict() for g in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            out[a.name] = value
        return out


# --------------------------------------------------------------------------- recipients


def _opt_enum(enum_cls: type[_StrEnum], field: str) -> Any:
    def convert(value: object) -> _StrEnum | None:
        if value is None or value == "":
            return None
        if isinstance(value, enum_cls):
            return value
        if isinstance(value, str) and value in enum_cls._value2member_map_:
            return enum_cls(value)
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise InputError(field=field, expected=f"one of {allowed}", got=value)

    return convert


def _empty_to_none(value: object) -> object:
    return None if value == "" else value


def _conv_group(value: object) -> Group | None:
    result: Group | None = _opt_enum(Group, "group")(value)
    return result


@attrs.frozen(slots=True, weakref_slot=False)  # a million of them: no weakref slot
class Recipient:
    """A targeted user (recipients.csv). ``group`` ``None`` means target (B-2)."""

    user_id: str = attrs.field(validator=_nonempty_str)
    mobile_number: str | None = attrs.field(default=None, converter=_empty_to_none)
    locale: str | None = attrs.field(default=None, converter=_empty_to_none)
    variation: str | None = attrs.field(default=None, converter=_empty_to_none)
    timezone: str | None = attrs.field(default=None, converter=_empty_to_none)
    group: Group | None = attrs.field(default=None, converter=_conv_group)

    def __attrs_post_init__(self) -> None:
        for name in ("mobile_number", "locale", "variation", "timezone"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(field=name, expected="a string", got=value)

    @property
    def is_control(self) -> bool:
        return self.group is Group.CONTROL


_new_object = object.__new__
# the slots' own setters: they bypass the frozen ``__setattr__`` like attrs' ``__init__``
(
    _set_user_id,
    _set_mobile_number,
    _set_locale,
    _set_variation,
    _set_timezone,
    _set_group,
) = (
    getattr(Recipient, a.name).__set__
    for a in attrs.fields(Recipient)  # the declaration order, checked below
)
assert [a.name for a in attrs.fields(Recipient)] == [
    "user_id",
    "mobile_number",
    "locale",
    "variation",
    "timezone",
    "group",
]


def _checked_recipient(
    user_id: str,
    mobile_number: str | None,
    locale: str | None,
    variation: str | None,
    timezone: str | None,
    group: Group | None,
) -> Recipient:
    """A :class:`Recipient` from values the caller has already proved valid.

    The readers' fast path: ``user_id`` a non-empty ``str``, the other texts ``None`` or
    a non-empty ``str`` and ``group`` ``None`` or a :class:`Group` — exactly what the
    validating constructor would keep — so the object equals the one it would build.
    """
    r: Recipient = _new_object(Recipient)
    _set_user_id(r, user_id)
    _set_mobile_number(r, mobile_number)
    _set_locale(r, locale)
    _set_variation(r, variation)
    _set_timezone(r, timezone)
    _set_group(r, group)
    return r


# --------------------------------------------------------------------------- events

#: The extra keys each event type may carry (FORMATS.md).
EXTRA_KEYS: Mapping[EventType, frozenset[str]] = MappingProxyType(
    {
        EventType.ATTEMPTED: frozenset(),
        EventType.FC_REMOVED: frozenset(),
        EventType.CONTROL_REMOVED: frozenset(),
        EventType.PERSONALIZATION_FAILED: frozenset({"category", "attribute"}),
        EventType.SKIPPED: frozenset({"reason"}),
        EventType.SENT: frozenset({"response_code", "segments", "send_mode", "tz_mode"}),
        EventType.SEND_FAILED: frozenset({"response_code", "error_code", "reason"}),
        EventType.DELIVERED: frozenset(),
        EventType.DELIVERY_FAILED: frozenset({"reason", "error_code"}),
        EventType.SMS_FALLBACK: frozenset(),
        EventType.SOFT_BOUNCE: frozenset({"reason", "error_code"}),
        EventType.HARD_BOUNCE: frozenset({"reason", "error_code"}),
        EventType.DELETED: frozenset({"reason", "error_code"}),
        EventType.CLICKED: frozenset({"url"}),
        EventType.UNSUBSCRIBED: frozenset(),
        EventType.CONTENT_API_ERROR: frozenset({"status_code"}),
        EventType.SEGMENTATION_STARTED: frozenset(),
        EventType.SEGMENTATION_COMPLETED: frozenset(),
        EventType.CAMPAIGN_READY: frozenset(),
    }
)

#: The optional fields of a message event, in one fixed order (the engine keeps them as a
#: tuple in this order; events.csv has them as columns in this order).
EXTRA_FIELDS = (
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


def _opt_int(field: str, minimum: int | None = None) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(field=field, expected="an integer", got=value)
        if minimum is not None and value < minimum:
            raise InputError(field=field, expected=f"an integer >= {minimum}", got=value)

    return attrs.field(default=None, validator=check, kw_only=True)


def _opt_text(field: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, str):
            raise InputError(field=field, expected="a string", got=value)

    return attrs.field(default=None, validator=check, kw_only=True)


#: The keys every message event may carry (FORMATS.md).
_COMMON_EVENT_KEYS = frozenset(
    {"event_id", "campaign_id", "instance_id", "user_id", "type", "time"}
)


def _unlisted(value: object) -> Mapping[str, Any]:
    """The keys a record's type does not list, frozen (FORMATS.md: kept as content)."""
    if isinstance(value, FrozenMapping) and all(v is not None for v in value.values()):
        return value
    if not isinstance(value, Mapping):
        raise InputError(field="unlisted", expected="a mapping of keys to JSON values", got=value)
    try:
        return FrozenMapping({str(k): _freeze_json(v) for k, v in value.items() if v is not None})
    except ValueError as exc:
        raise InputError(field="unlisted", reason=str(exc)) from None


def _event_type(value: object) -> EventType:
    if isinstance(value, EventType):
        return value
    if isinstance(value, str) and value in EventType._value2member_map_:
        return EventType(value)
    raise InputError(
        field="type",
        expected="one of " + ", ".join(m.value for m in EventType),
        got=value,
    )


def _conv_category(value: object) -> PersonalizationCategory | None:
    result: PersonalizationCategory | None = _opt_enum(PersonalizationCategory, "category")(value)
    return result


def _conv_send_mode(value: object) -> SendMode | None:
    result: SendMode | None = _opt_enum(SendMode, "send_mode")(value)
    return result


def _conv_tz_mode(value: object) -> TzMode | None:
    result: TzMode | None = _opt_enum(TzMode, "tz_mode")(value)
    return result


@attrs.frozen(slots=True)
class MessageEvent:
    """One record of a campaign's message log (events.jsonl / events.csv).

    ``time`` is an aware datetime, kept in UTC. ``user_id`` is required except for the
    timeline events (T-2). Only the extra keys FORMATS.md lists for the event's type may
    be set as fields; any other key of the record's file form is kept in ``unlisted``
    (its JSON value, or its text in events.csv): part of the record's content under D-10
    and otherwise ignored (FORMATS.md).
    """

    type: EventType = attrs.field(converter=_event_type)
    time: dt.datetime = attrs.field(converter=_to_utc)
    user_id: str | None = attrs.field(default=None, validator=_opt_nonempty_str)
    event_id: str | None = attrs.field(default=None, validator=_opt_nonempty_str)
    campaign_id: str | None = attrs.field(default=None, validator=_opt_nonempty_str)
    instance_id: str | None = attrs.field(default=None, validator=_opt_nonempty_str)
    response_code: int | None = _opt_int("response_code")
    error_code: str | None = _opt_text("error_code")
    reason: str | None = _opt_text("reason")
    category: PersonalizationCategory | None = attrs.field(
        default=None,
        converter=_conv_category,
        kw_only=True,
    )
    attribute: str | None = _opt_text("attribute")
    segments: int | None = _opt_int("segments", minimum=0)
    send_mode: SendMode | None = attrs.field(default=None, converter=_conv_send_mode, kw_only=True)
    tz_mode: TzMode | None = attrs.field(default=None, converter=_conv_tz_mode, kw_only=True)
    url: str | None = _opt_text("url")
    status_code: int | None = _opt_int("status_code")
    unlisted: Mapping[str, Any] = attrs.field(
        factory=FrozenMapping, converter=_unlisted, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if self.user_id is None and not self.type.is_timeline:
            raise InputError(field="user_id", expected="a user id", got=None)
        allowed = EXTRA_KEYS[self.type]
        for key in self.unlisted:
            if key in _COMMON_EVENT_KEYS or key in allowed:
                raise InputError(
                    field=key, reason=f"a key of a '{self.type}' event is not unlisted"
                )
        for key in EXTRA_FIELDS:
            if getattr(self, key) is not None and key not in allowed:
                raise InputError(
                    field=key,
                    reason=f"not a key of a '{self.type}' event "
                    f"(allowed: {', '.join(sorted(allowed)) or 'none'})",
                )
        if (
            self.type is EventType.SKIPPED
            and self.reason is not None
            and self.reason not in SkipReason._value2member_map_
        ):
            raise InputError(
                field="reason",
                expected="one of " + ", ".join(m.value for m in SkipReason),
                got=self.reason,
            )
        if (
            self.type is EventType.CONTENT_API_ERROR
            and self.status_code is not None
            and 200 <= self.status_code <= 299
        ):
            raise InputError(field="status_code", expected="a non-2xx status", got=self.status_code)

    def extras(self) -> dict[str, Any]:
        """The event's extra keys that are set, as plain values."""
        out: dict[str, Any] = {}
        for key in EXTRA_FIELDS:
            value = getattr(self, key)
            if value is not None:
                out[key] = value.value if isinstance(value, enum.Enum) else value
        return out

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, naive_zone: dt.tzinfo | None = None
    ) -> MessageEvent:
        """Build an event from its file form (a JSON object or a CSV row's values)."""
        from .io._events import event_from_mapping

        return event_from_mapping(data, naive_zone=naive_zone)


def _revenue(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(field="revenue", expected="a JSON number", got=value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(field="revenue", expected="a finite number", got=value)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(field="revenue", expected="a finite number", got=value)
        return Decimal(repr(value))
    raise InputError(field="revenue", expected="a JSON number", got=value)


def _properties(value: object) -> Mapping[str, Any]:
    if value is None:
        return FrozenMapping()
    if not isinstance(value, Mapping):
        raise InputError(field="properties", expected="a JSON object", got=value)
    frozen: Mapping[str, Any] = _freeze_json(value)
    return frozen


@attrs.frozen(slots=True)
class ConversionEvent:
    """A user's app event that can be a conversion goal (conversions.jsonl).

    ``revenue`` is exact (:class:`~decimal.Decimal`), negative values (refunds) allowed.
    """

    user_id: str = attrs.field(validator=_nonempty_str)
    name: str = attrs.field(validator=_nonempty_str)
    time: dt.datetime = attrs.field(converter=_to_utc)
    event_id: str | None = attrs.field(default=None, validator=_opt_nonempty_str)
    revenue: Decimal | None = attrs.field(default=None, converter=_revenue)
    properties: Mapping[str, Any] = attrs.field(factory=dict, converter=_properties, hash=False)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, naive_zone: dt.tzinfo | None = None
    ) -> ConversionEvent:
        """Build a conversion from its JSON object (conversions.jsonl)."""
        from .io._conversions import conversion_from_mapping

        return conversion_from_mapping(data, naive_zone=naive_zone)

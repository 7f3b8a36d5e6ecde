"""Message events: the types' keys, the event, and its file form (events.jsonl, events.csv)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import InputError
from ..timezones import parse_instant
from .enums import EventType, PersonalizationCategory, SendMode, SkipReason, TzMode
from .recipients import _opt_enum
from .values import FrozenMapping, _freeze_json, _opt_nonempty_str, _to_utc

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
        return event_from_mapping(data, naive_zone=naive_zone)


COMMON_KEYS = ("event_id", "campaign_id", "instance_id", "user_id", "type", "time")
_INT_KEYS = frozenset({"response_code", "segments", "status_code"})
#: Every key an event may carry, in a stable order (the columns of events.csv).
EVENT_COLUMNS = (*COMMON_KEYS, *EXTRA_FIELDS)


def _id_value(key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(field=key, expected="a string", got=value)
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise InputError(field=key, expected="a string", got=value)
    if not value:
        raise InputError(field=key, expected="a non-empty string", got=value)
    return value


def _int_value(key: str, value: object, from_text: bool) -> int | None:
    if value is None:
        return None
    if from_text and isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        raise InputError(field=key, expected="an integer", got=value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field=key, expected="an integer", got=value)
    return value


def event_from_mapping(
    data: Mapping[str, Any],
    *,
    naive_zone: dt.tzinfo | None = None,
    from_text: bool = False,
) -> MessageEvent:
    """Build a :class:`MessageEvent` from a JSON object or a CSV row.

    ``from_text`` says the values are CSV text: an empty cell is an absent key and
    integers are written as digits. Raises :class:`InputError` naming the field.
    """
    if not isinstance(data, Mapping):
        raise InputError(expected="a JSON object", got=data)
    if from_text:
        data = {k: v for k, v in data.items() if v not in ("", None)}
    type_text = data.get("type")
    if type_text is None:
        raise InputError(field="type", expected="an event type", got=None)
    if not isinstance(type_text, str) or type_text not in EventType._value2member_map_:
        raise InputError(
            field="type",
            expected="one of " + ", ".join(m.value for m in EventType),
            got=type_text,
        )
    etype = EventType(type_text)
    allowed = EXTRA_KEYS[etype]
    # FORMATS.md: a key the type does not list is kept as content, never a reason to reject
    unlisted = {
        str(k): v
        for k, v in data.items()
        if k not in COMMON_KEYS and k not in allowed and v is not None
    }
    time_text = data.get("time")
    if not isinstance(time_text, str):
        raise InputError(field="time", expected="an ISO-8601 time with a UTC offset", got=time_text)
    try:
        time = parse_instant(time_text, naive_zone)
    except ValueError:
        raise InputError(
            field="time", expected="an ISO-8601 time with a UTC offset", got=time_text
        ) from None
    kwargs: dict[str, Any] = {}
    for key in ("event_id", "campaign_id", "instance_id", "user_id"):
        kwargs[key] = _id_value(key, data.get(key))
    for key in allowed:
        if key in data:
            value = data[key]
            if key in _INT_KEYS:
                value = _int_value(key, value, from_text)
            kwargs[key] = value
    if unlisted:
        kwargs["unlisted"] = unlisted
    try:
        return MessageEvent(type=etype, time=time, **kwargs)
    except TypeError as exc:  # a value of the wrong type for the field
        raise InputError(reason=str(exc)) from None

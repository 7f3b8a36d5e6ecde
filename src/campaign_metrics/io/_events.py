"""Message events from their file form (events.jsonl / events.csv rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from ..model import EXTRA_FIELDS, EXTRA_KEYS, EventType, MessageEvent
from ..timezones import parse_instant

__all__ = ["COMMON_KEYS", "EVENT_COLUMNS", "event_from_mapping"]

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

"""Conversions from their file form (conversions.jsonl objects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import InputError
from ..model import ConversionEvent
from ..timezones import parse_instant

__all__ = ["CONVERSION_KEYS", "conversion_from_mapping"]

CONVERSION_KEYS = ("event_id", "user_id", "name", "time", "revenue", "properties")


def _text(key: str, value: object, required: bool) -> str | None:
    if value is None:
        if required:
            raise InputError(field=key, expected="a non-empty string", got=None)
        return None
    if isinstance(value, int) and not isinstance(value, bool) and key != "name":
        return str(value)
    if not isinstance(value, str) or not value:
        raise InputError(field=key, expected="a non-empty string", got=value)
    return value


def conversion_from_mapping(
    data: Mapping[str, Any], *, naive_zone: dt.tzinfo | None = None
) -> ConversionEvent:
    """Build a :class:`ConversionEvent` from a JSON object (numbers parsed as Decimal)."""
    if not isinstance(data, Mapping):
        raise InputError(expected="a JSON object", got=data)
    for key in data:
        if key not in CONVERSION_KEYS:
            raise InputError(field=str(key), reason=f"unknown key '{key}'")
    time_text = data.get("time")
    if not isinstance(time_text, str):
        raise InputError(field="time", expected="an ISO-8601 time with a UTC offset", got=time_text)
    try:
        time = parse_instant(time_text, naive_zone)
    except ValueError:
        raise InputError(
            field="time", expected="an ISO-8601 time with a UTC offset", got=time_text
        ) from None
    revenue = data.get("revenue")
    if revenue is not None and (
        isinstance(revenue, bool) or not isinstance(revenue, (int, Decimal, float))
    ):
        raise InputError(field="revenue", expected="a JSON number", got=revenue)
    properties = data.get("properties")
    if properties is not None and not isinstance(properties, Mapping):
        raise InputError(field="properties", expected="a JSON object", got=properties)
    user_id = _text("user_id", data.get("user_id"), True)
    name = _text("name", data.get("name"), True)
    assert user_id is not None
    assert name is not None
    return ConversionEvent(
        user_id=user_id,
        name=name,
        time=time,
        event_id=_text("event_id", data.get("event_id"), False),
        revenue=revenue,
        properties=properties,
    )

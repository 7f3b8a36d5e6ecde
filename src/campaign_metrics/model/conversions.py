"""Conversions: the event and its file form (conversions.jsonl objects)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..errors import InputError
from ..timezones import parse_instant
from .values import FrozenMapping, _freeze_json, _nonempty_str, _opt_nonempty_str, _to_utc


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
        return conversion_from_mapping(data, naive_zone=naive_zone)


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

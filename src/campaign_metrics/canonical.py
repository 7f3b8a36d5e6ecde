"""Canonical forms and stable digests of records (D-10).

A record's *canonical form* is the parsed record as compact JSON with sorted keys,
times in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, decimals in plain notation without
trailing zeros, absent optional keys left out and the campaign id filled in. Where a
rule must choose between tied events it takes the one whose canonical form sorts first
by code point. Digests are stable across processes (unlike ``hash()`` of a ``str``), so
state folded on different machines merges exactly.
"""

from __future__ import annotations

import enum
import hashlib
import json
import json.encoder
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .model import FrozenMapping
from .timezones import format_utc, to_us

__all__ = [
    "canonical_conversion",
    "canonical_event",
    "conversion_text",
    "digest",
    "json_key",
    "plain_decimal",
    "reference_conversion",
]


def plain_decimal(value: Decimal) -> str:
    """A decimal in plain notation without trailing zeros (``10.50`` → ``10.5``)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, (Decimal, float)):
        return _RawNumber(plain_decimal(Decimal(str(value)) if isinstance(value, float) else value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    raise TypeError(f"not a JSON value: {value!r}")


class _RawNumber(str):
    """A number already written in its canonical text."""


def _dump(value: Any) -> str:
    if isinstance(value, _RawNumber):
        return str.__str__(value)
    if isinstance(value, dict):
        items = sorted(value.items())
        return (
            "{"
            + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _dump(v) for k, v in items)
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def json_key(value: Any) -> str:
    """Canonical compact JSON of a JSON value (sorted keys, plain decimals)."""
    return _dump(_jsonable(value))


def canonical_event(
    campaign_id: str,
    type_: str,
    time_us: int,
    *,
    user_id: str | None = None,
    event_id: str | None = None,
    instance_id: str | None = None,
    extras: Mapping[str, Any] | None = None,
) -> str:
    """The canonical form of a message event (D-10); the campaign id is filled in."""
    record: dict[str, Any] = {
        "campaign_id": campaign_id,
        "type": type_,
        "time": format_utc(time_us),
    }
    if user_id is not None:
        record["user_id"] = user_id
    if event_id is not None:
        record["event_id"] = event_id
    if instance_id is not None:
        record["instance_id"] = instance_id
    if extras:
        for key, value in extras.items():
            if value is not None:
                record[key] = value
    return json_key(record)


def canonical_conversion(
    user_id: str,
    name: str,
    time_us: int,
    *,
    event_id: str | None = None,
    revenue: Decimal | None = None,
    properties: Mapping[str, Any] | None = None,
) -> str:
    """The canonical form of a conversion (D-10).

    Written directly, with the properties in one C-level ``json`` call; anything the
    direct writer does not know (an enum, a subclass, a non-text key) is written by
    :func:`json_key`, the reference, so the text is always the same (property-tested).
    """
    if type(user_id) is str and type(name) is str and (event_id is None or type(event_id) is str):
        try:
            return _fast_conversion(user_id, name, time_us, event_id, revenue, properties)
        except (_Slow, RecursionError):
            pass
    return reference_conversion(
        user_id, name, time_us, event_id=event_id, revenue=revenue, properties=properties
    )


def reference_conversion(
    user_id: str,
    name: str,
    time_us: int,
    *,
    event_id: str | None = None,
    revenue: Decimal | None = None,
    properties: Mapping[str, Any] | None = None,
) -> str:
    """The canonical form of a conversion (D-10) by :func:`json_key` (the reference)."""
    record: dict[str, Any] = {"user_id": user_id, "name": name, "time": format_utc(time_us)}
    if event_id is not None:
        record["event_id"] = event_id
    if revenue is not None:
        record["revenue"] = revenue
    if properties:
        record["properties"] = properties
    return json_key(record)


class _Slow(Exception):
    """The direct writer does not handle this value: the reference writes it."""


_encode_text: Callable[[str], str] = json.encoder.encode_basestring
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
if _c_make_encoder is not None:  # the C encoder, made once (no circular-reference markers)
    _tree_chunks = _c_make_encoder(None, None, _encode_text, None, ":", ",", True, False, True)

    def _dump_tree(value: Any) -> str:
        return "".join(_tree_chunks(value, 0))

else:  # pragma: no cover - CPython always has the C encoder
    _encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def _dump_tree(value: Any) -> str:
        return _encoder.encode(value)


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})
#: A number's place in the C encoder's output; ``"\x00"`` is written ``"\u0000"``.
_MARK = "\x00"
_MARK_JSON = '"\\u0000'


def _native(value: Any, numbers: list[str]) -> Any:
    """``value`` as what the C encoder writes as :func:`json_key` does: decimals (and
    floats) replaced by numbered marks, their canonical texts appended to ``numbers``."""
    t = type(value)
    if t in _PLAIN_TYPES:
        return value
    if t is Decimal or t is float:
        numbers.append(plain_decimal(value if t is Decimal else Decimal(str(value))))
        return _MARK + str(len(numbers) - 1)
    if t is FrozenMapping:
        value = value._data
        t = dict
    if t is dict:
        for k, v in value.items():
            if type(k) is not str:
                raise _Slow
            if type(v) not in _PLAIN_TYPES:
                break
        else:
            return value  # all plain: the mapping itself
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise _Slow
            out[k] = _native(v, numbers)
        return out
    if t is list or t is tuple:
        return [_native(v, numbers) for v in value]
    raise _Slow


def _json_of(value: Any) -> str:
    """:func:`json_key` of ``value`` in one C encoder call (or :class:`_Slow`)."""
    numbers: list[str] = []
    text = _dump_tree(_native(value, numbers))
    if numbers:
        if text.count(_MARK_JSON) != len(numbers):
            raise _Slow  # a text of the record starts with the mark: not ours to tell apart
        for i, number in enumerate(numbers):
            text = text.replace(f'{_MARK_JSON}{i}"', number, 1)
    return text


_HOUR_US = 3_600_000_000
_MINUTE_US = 60_000_000
_hours: dict[int, str] = {}  # hour number → its "YYYY-MM-DDTHH:" text (format_utc's own)


def _fast_conversion(
    user_id: str,
    name: str,
    time_us: int,
    event_id: str | None,
    revenue: Any,
    properties: Any,
) -> str:
    if revenue is None:
        revenue_text = None
    elif type(revenue) is Decimal:
        revenue_text = plain_decimal(revenue)
    elif type(revenue) is int:
        revenue_text = int.__repr__(revenue)
    else:
        raise _Slow
    return conversion_text(
        user_id,
        _encode_text(name),
        time_us,
        event_id,
        revenue_text,
        _json_of(properties) if properties else None,
    )


def conversion_text(
    user_id: str,
    name_json: str,
    time_us: int,
    event_id: str | None,
    revenue_text: str | None,
    properties_text: str | None,
) -> str:
    """:func:`canonical_conversion` from parts a reader has written already: the name
    as a JSON string, the revenue's :func:`plain_decimal` and ``json_key`` of the
    (non-empty) properties; ``None`` for an absent part."""
    # the record's keys in sorted order: event_id, name, properties, revenue, time, user_id
    hour, us = divmod(time_us, _HOUR_US)
    prefix = _hours.get(hour)
    if prefix is None:
        if len(_hours) >= 1 << 14:
            _hours.clear()
        prefix = _hours[hour] = format_utc(hour * _HOUR_US)[:-13]
    minutes, us = divmod(us, _MINUTE_US)
    seconds, us = divmod(us, 1_000_000)
    event = "" if event_id is None else '"event_id":' + _encode_text(event_id) + ","
    props = "" if properties_text is None else ',"properties":' + properties_text
    revenue = "" if revenue_text is None else ',"revenue":' + revenue_text
    return (
        f'{{{event}"name":{name_json}{props}{revenue},"time":"{prefix}{minutes:02d}:'
        f'{seconds:02d}.{us:06d}Z","user_id":{_encode_text(user_id)}}}'
    )


def digest(text: str) -> bytes:
    """A stable 8-byte digest of a text (blake2b)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


def time_key(instant: Any) -> int:
    """Epoch microseconds of an aware datetime (re-exported for the canonical forms)."""
    return to_us(instant)

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
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .timezones import format_utc, to_us

__all__ = [
    "canonical_conversion",
    "canonical_event",
    "digest",
    "json_key",
    "plain_decimal",
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
    """The canonical form of a conversion (D-10)."""
    record: dict[str, Any] = {"user_id": user_id, "name": name, "time": format_utc(time_us)}
    if event_id is not None:
        record["event_id"] = event_id
    if revenue is not None:
        record["revenue"] = revenue
    if properties:
        record["properties"] = properties
    return json_key(record)


def digest(text: str) -> bytes:
    """A stable 8-byte digest of a text (blake2b)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


def time_key(instant: Any) -> int:
    """Epoch microseconds of an aware datetime (re-exported for the canonical forms)."""
    return to_us(instant)

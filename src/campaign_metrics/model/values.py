"""JSON-like values compared and frozen exactly, and small field checks."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..errors import ConfigurationError, InputError
from ..limits import EARLIEST, LATEST, MAX_JSON_DEPTH, time_range_text
from ..timezones import UTC


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


def _freeze_json(value: Any, depth: int = 1) -> Any:
    """An immutable deep copy of a JSON value (arrays become tuples), at most
    :data:`~campaign_metrics.limits.MAX_JSON_DEPTH` levels deep."""
    if isinstance(value, (Mapping, list, tuple)) and depth > MAX_JSON_DEPTH:
        raise ValueError(f"expected JSON nested at most {MAX_JSON_DEPTH} levels deep (the limit)")
    if isinstance(value, Mapping):
        return FrozenMapping({str(k): _freeze_json(v, depth + 1) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze_json(v, depth + 1) for v in value)
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
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise InputError(field="time", expected=time_range_text(), got=value.isoformat())
    return utc


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

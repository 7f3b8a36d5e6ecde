"""The report as plain JSON-ready data: :func:`to_jsonable` and :func:`dumps`, which
writes money as exact numbers."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..canonical import plain_decimal

__all__ = ["dumps", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """A plain JSON-ready structure: attrs classes become dicts, tuples lists."""
    if attrs.has(type(value)):
        to_dict = getattr(value, "to_dict", None)
        if to_dict is not None:
            return to_jsonable(to_dict())
        return _fields_jsonable(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def _fields_jsonable(value: Any) -> dict[str, Any]:
    """An attrs instance's public fields as a JSON-ready dict (its own ``to_dict`` unused:
    ``Report.to_dict`` is this walk)."""
    return {
        a.name: to_jsonable(getattr(value, a.name))
        for a in attrs.fields(type(value))
        if not a.name.startswith("_")
    }


def _encode(value: Any, indent: int | None, level: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "null"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
    end = "" if indent is None else "\n" + " " * (indent * level)
    sep = ","
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        colon = ":" if indent is None else ": "
        items = [
            pad + json.dumps(str(k), ensure_ascii=False) + colon + _encode(v, indent, level + 1)
            for k, v in value.items()
        ]
        return "{" + sep.join(items) + end + "}"
    if isinstance(value, Sequence):
        if not value:
            return "[]"
        return "[" + sep.join(pad + _encode(v, indent, level + 1) for v in value) + end + "]"
    raise TypeError(f"not JSON serialisable: {value!r}")


def dumps(value: Any, indent: int | None = 2) -> str:
    """JSON text of a report structure; ``Decimal`` money is written as an exact number."""
    return _encode(to_jsonable(value), indent, 0)

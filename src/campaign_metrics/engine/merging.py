"""How each piece of state merges: declared once per field, used by one generic merge.

A state class lists its fields as :class:`Field` values — a name, the way two values of
it combine (:data:`MIN`, :data:`MAX`, :data:`SUM`, :data:`UNION`, …) and how a value is
copied — the way torchmetrics' ``add_state(..., dist_reduce_fx=...)`` declares its
reductions. :func:`merge_fields`, :func:`copy_fields`, :func:`fields_key` and the
pickling helpers read those declarations, so a new field is one line, never five lists.

Every merge here is associative, commutative and idempotent on shared records (a record
folded on both sides counts once), with "unset" (``None``, empty) as its identity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..identity import PAIR

__all__ = [
    "COPY_LIST",
    "COPY_SET",
    "COPY_STATES",
    "FIRST",
    "MAX",
    "MERGE_IN",
    "MERGE_STATES",
    "MIN",
    "MIN_PER_KEY",
    "SORTED_KEYS",
    "SORTED_UNION",
    "SUM",
    "UNION",
    "UNION_PAIRS",
    "UNION_RECORDS",
    "Field",
    "copy_fields",
    "fields_key",
    "merge_fields",
    "pack_fields",
    "unpack_fields",
]

Merge = Callable[[Any, Any], Any]


def _min(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a if a <= b else b


def _max(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a if a >= b else b


def _sum(a: Any, b: Any) -> Any:
    return a + b


def _union(a: Any, b: Any) -> Any:
    return a | b


def _first(a: Any, b: Any) -> Any:
    return a if a is not None else b


def _by_digest(record: tuple[Any, ...]) -> bytes:
    digest: bytes = record[-1]  # every record ends with its content digest: a total order
    return digest


def _union_records(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
    if not a:
        return list(b) if b else a
    if not b:
        return list(a)
    return sorted(set(a) | set(b), key=_by_digest)


def split_pairs(pairs: bytes) -> list[bytes]:
    """The 16-byte entries of a packed pair list."""
    return [pairs[i : i + PAIR] for i in range(0, len(pairs), PAIR)]


def _union_pairs(a: bytes, b: bytes) -> bytes:
    if not b or a == b:
        return a
    if not a:
        return b
    return b"".join(sorted(set(split_pairs(a)) | set(split_pairs(b))))


def _sorted_records(value: list[Any] | None) -> tuple[Any, ...]:
    return tuple(sorted(value, key=_by_digest)) if value else ()


def _same(value: Any) -> Any:
    return value


#: The smaller of two optional values (an instant: the earliest).
MIN: Merge = _min
#: The larger of two optional values (the latest instant).
MAX: Merge = _max
#: The sum of two counts.
SUM: Merge = _sum
#: The union of two sets.
UNION: Merge = _union
#: The first value that is set (values both sides must agree on, like a campaign).
FIRST: Merge = _first
#: The union of two lists of records, each ending with its content digest (D-10).
UNION_RECORDS: Merge = _union_records
#: The sorted union of two packed lists of 16-byte D-10 pairs.
UNION_PAIRS: Merge = _union_pairs


class Field:
    """One piece of state: its name, its merge, how it is copied and compared."""

    __slots__ = ("copy", "key", "merge", "name")

    def __init__(
        self,
        name: str,
        merge: Merge,
        *,
        copy: Callable[[Any], Any] = _same,
        key: Callable[[Any], Any] | None = None,
    ) -> None:
        self.name = name
        self.merge = merge
        self.copy = copy
        if key is None:
            key = _KEYS.get(merge, _same)
        self.key = key

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def _set_key(value: Any) -> Any:
    return frozenset(value)


def _pairs_key(value: bytes) -> bytes:
    return b"".join(sorted(split_pairs(value)))


def _copy_list(value: list[Any] | None) -> list[Any] | None:
    return list(value) if value else value


_KEYS: dict[Merge, Callable[[Any], Any]] = {
    UNION: _set_key,
    UNION_RECORDS: _sorted_records,
    UNION_PAIRS: _pairs_key,
}

#: Copy a list (records appended in place) or a set.
COPY_LIST = _copy_list
COPY_SET: Callable[[Any], Any] = set


def _merge_states(a: dict[Any, Any], b: dict[Any, Any]) -> dict[Any, Any]:
    for key, state in b.items():
        mine = a.get(key)
        if mine is None:
            a[key] = state
        else:
            mine.merge_from(state)
    return a


def _copy_states(states: dict[Any, Any]) -> dict[Any, Any]:
    return {k: s.copy() for k, s in states.items()}


def _min_per_key(a: dict[Any, Any], b: dict[Any, Any]) -> dict[Any, Any]:
    for name, t in b.items():
        current = a.get(name)
        if current is None or t < current:
            a[name] = t
    return a


def _sorted_union(a: list[Any], b: list[Any]) -> list[Any]:
    return sorted(a + b, key=lambda r: r.sort_key())


def _sorted_keys(value: list[Any]) -> tuple[Any, ...]:
    return tuple(sorted(r.sort_key() for r in value))


def _merge_in(a: Any, b: Any) -> Any:
    a.merge_in(b)
    return a


#: Per key, ``merge_from`` of two states (a key missing on one side: the other's
#: state, adopted); the values of the right side are taken over, not copied.
MERGE_STATES: Merge = _merge_states
COPY_STATES: Callable[[Any], Any] = _copy_states
#: Per key, the smaller value (the earliest instant of each timeline type).
MIN_PER_KEY: Merge = _min_per_key
#: Both lists, in the order of their items' ``sort_key()`` (rejected records).
SORTED_UNION: Merge = _sorted_union
SORTED_KEYS: Callable[[Any], Any] = _sorted_keys
#: ``a.merge_in(b)`` of two mergeable objects (a conversion pool).
MERGE_IN: Merge = _merge_in


def merge_fields(into: Any, other: Any, fields: Sequence[Field]) -> None:
    """Merge every declared field of ``other`` into ``into`` (in place)."""
    for f in fields:
        name = f.name
        setattr(into, name, f.merge(getattr(into, name), getattr(other, name)))


def copy_fields(source: Any, target: Any, fields: Sequence[Field]) -> None:
    """Copy every declared field of ``source`` into ``target``."""
    for f in fields:
        setattr(target, f.name, f.copy(getattr(source, f.name)))


def fields_key(state: Any, fields: Sequence[Field]) -> tuple[Any, ...]:
    """An order-free value of every declared field (equal for equal folds)."""
    return tuple(f.key(getattr(state, f.name)) for f in fields)


def pack_fields(state: Any, fields: Sequence[Field]) -> tuple[Any, ...]:
    """The declared fields' values, in order (``__getstate__``)."""
    return tuple(getattr(state, f.name) for f in fields)


def unpack_fields(state: Any, values: Sequence[Any], fields: Sequence[Field]) -> None:
    """Set the declared fields from :func:`pack_fields`'s values (``__setstate__``)."""
    for f, value in zip(fields, values):
        setattr(state, f.name, value)

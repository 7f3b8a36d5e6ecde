"""Records and their D-10 identity: the key text, the 16-byte pair, rejected records.

Every distinct record is remembered as a 16-byte (identity, content) pair of stable
digests: the identity is the digest of its ``event_id`` (zero without one), the content
the digest of an unambiguous text of its parsed fields. Digests are stable across
processes (unlike ``hash()`` of a ``str``), so states folded on different machines merge
exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from .errors import InputError
from .model import EXTRA_FIELDS

__all__ = [
    "HASH8",
    "KEY_FIELDS",
    "NO_ID",
    "PAIR",
    "RejectedRecord",
    "count_distinct_ids",
    "event_key",
    "key_cell",
    "record_pair",
    "reject_or_raise",
]

Extras = tuple[Any, ...]

#: Bytes per remembered record: an 8-byte identity digest (zero without ``event_id``)
#: and an 8-byte content digest.
PAIR = 16
NO_ID = b"\0" * 8

#: The stable 8-byte hash of the D-10 pairs (BLAKE2s: the fastest of hashlib's on short
#: texts); ``HASH8(data).digest()``.
HASH8 = partial(hashlib.blake2s, digest_size=8)


def record_pair(event_id: str | None, key: str) -> bytes:
    """The 16-byte (identity, content) pair of a record (D-10).

    ``key`` is an unambiguous text of the record's parsed fields, ``event_id`` included
    (see :func:`event_key`); the identity part is zero for a record without
    ``event_id`` (its content is its identity).
    """
    content = HASH8(key.encode()).digest()
    if event_id is None:
        return NO_ID + content
    return HASH8(event_id.encode()).digest() + content


#: The fields of a message event's key, in order (the campaign id is implied).
KEY_FIELDS = ("event_id", "instance_id", "user_id", "type", "time", *EXTRA_FIELDS)


def key_cell(value: object) -> str:
    """One field of a record's key: ``""`` for absent, ``"\\x00"`` for an empty text,
    integers in decimal, texts holding a separator escaped."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    text = str(value)
    if not text:
        return "\x00"
    if "\x1f" in text or "\x00" in text or "\x01" in text:
        return "\x01" + repr(text)
    return text


def event_key(
    event_id: str | None,
    instance_id: str | None,
    user_id: str | None,
    type_: str,
    time_us: int,
    extras: Extras,
) -> str:
    """The unambiguous text of a message event's parsed fields (D-10: equal parsed
    content ⇔ equal key). The file readers build the same text straight from a row."""
    cells = [key_cell(event_id), key_cell(instance_id), key_cell(user_id), type_, str(time_us)]
    cells.extend(map(key_cell, extras))
    return "\x1f".join(cells)


class RejectedRecord:
    """A record lenient mode did not accept: its file, line, field and reason."""

    __slots__ = ("field", "file", "line", "origin", "reason")

    def __init__(
        self,
        file: str,
        line: int | None,
        field: str | None,
        reason: str,
        origin: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        self.origin = origin  # the directory the file is in (messages only, not the report)

    @property
    def where(self) -> str:
        """``dir/file:line`` for messages."""
        path = f"{self.origin}/{self.file}" if self.origin else self.file
        return f"{path}:{self.line}" if self.line is not None else path

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line or 0, self.field or "", self.reason)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RejectedRecord) and self.sort_key() == other.sort_key()

    def __hash__(self) -> int:
        return hash(self.sort_key())

    def __repr__(self) -> str:
        return f"RejectedRecord({self.file!r}, {self.line!r}, {self.field!r}, {self.reason!r})"

    @classmethod
    def from_error(cls, error: InputError, file: str, line: int | None) -> RejectedRecord:
        return cls(
            error.file or file,
            error.line if error.line is not None else line,
            error.field,
            error.reason,
        )


def count_distinct_ids(pair_sources: Iterable[bytes]) -> tuple[int, int]:
    """(distinct records with an identity, distinct identities) over packed pair lists."""
    from array import array

    # Identities are read as 64-bit integers (zero: no identity), a megabyte of pairs at
    # a time, and go to 256 buckets by their low byte, so that the set built to count
    # the distinct ones holds a 256th of them at a time (8 bytes per identity meanwhile).
    buckets = [array("Q") for _ in range(256)]
    appends = [b.append for b in buckets]
    with_id = 0
    chunk: list[bytes] = []
    size = 0

    def flush() -> int:
        data = b"".join(chunk)
        chunk.clear()
        idents = memoryview(data).cast("Q")[:: PAIR // 8]  # the first 8 bytes of each pair
        found = 0
        for x in idents:
            if x:
                found += 1
                appends[x & 255](x)
        return found

    for pairs in pair_sources:
        chunk.append(pairs)
        size += len(pairs)
        if size >= 1 << 20:
            with_id += flush()
            size = 0
    with_id += flush()
    distinct = 0
    for i, bucket in enumerate(buckets):
        buckets[i] = array("Q")
        distinct += len(set(bucket))
    return with_id, distinct


def reject_or_raise(
    error: InputError,
    strict: bool,
    sink: list[RejectedRecord],
    on_reject: Callable[[RejectedRecord], None] | None,
    file: str,
    line: int | None,
    origin: str | None = None,
) -> None:
    """Strict mode: raise ``error`` (located in its directory ``origin``); lenient: keep
    it in ``sink`` as a :class:`RejectedRecord` and tell ``on_reject``."""
    if strict:
        if origin is not None and error.file is not None and "/" not in error.file:
            raise error.located(f"{origin}/{error.file}", error.line)
        raise error
    record = RejectedRecord.from_error(error, file, line)
    record.origin = origin
    sink.append(record)
    if on_reject is not None:
        on_reject(record)

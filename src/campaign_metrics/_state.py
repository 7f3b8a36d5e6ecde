"""The compact, exact, order-free state of one message ((user, instance) pair).

Everything here merges by union or minimum, so folding a log in any order, folding it
twice, or folding its parts and merging them gives the same state (D-10). Times are
integer microseconds since the epoch.
"""

from __future__ import annotations

import struct
from typing import Any

__all__ = [
    "EMPTY_BLOB",
    "FIRST_D2_AT",
    "HEAD",
    "HEAD_SIZE",
    "INSTANT",
    "NONE",
    "PAIR",
    "POST_MIN_AT",
    "RECEIPT_MIN_AT",
    "SENT_MIN_AT",
    "MessageState",
    "has_pair",
    "merge_pairs",
    "send_tail",
]

#: Bytes per remembered record: an 8-byte identity digest (zero without ``event_id``)
#: and an 8-byte content digest.
PAIR = 16
NO_ID = b"\0" * 8

# A failure-to-send record: (time, kind, reason_key, category, error_code, reason, digest)
# kind is one of "response", "send_failed", "personalization_failed", "skipped".
FailRecord = tuple[int, str, str, str | None, str | None, str | None, bytes]
# A delivery-failure record: (time, type, event_id, reason, error_code, digest)
OutcomeRecord = tuple[int, str, str | None, str | None, str | None, bytes]
# A click record: (time, digest)
ClickRecord = tuple[int, bytes]
# The canonical-first 200 send at the earliest 200-send time:
# (time, event_id, response_code, segments, send_mode, tz_mode)
SendRecord = tuple[int, str | None, int | None, int | None, str | None, str | None]
# The fields of a send after its time and id: (response_code, segments, send_mode, tz_mode)
SendTail = tuple[int | None, int | None, str | None, str | None]

#: The packed minimums at the start of a message's ``blob``: four instants.
HEAD = struct.Struct("<4q")
HEAD_SIZE = HEAD.size
#: One packed instant, and where each of HEAD's four sits in a ``blob``.
INSTANT = struct.Struct("<q")
FIRST_D2_AT, SENT_MIN_AT, POST_MIN_AT, RECEIPT_MIN_AT = range(0, HEAD_SIZE, INSTANT.size)
#: "Not set" in the packed minimums: later than every time.
NONE = (1 << 63) - 1
EMPTY_BLOB = HEAD.pack(NONE, NONE, NONE, NONE)


def _min(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a <= b else b


def has_pair(pairs: bytes, pair: bytes, offset: int = 0) -> bool:
    """Whether the 16-byte ``pair`` is one of the aligned entries of ``pairs`` from
    ``offset`` on (a message's blob: its pairs follow the packed minimums)."""
    start = pairs.find(pair, offset)
    while start != -1:
        if (start - offset) % PAIR == 0:
            return True
        start = pairs.find(pair, start + 1)
    return False


def merge_pairs(a: bytes, b: bytes) -> bytes:
    """The sorted union of two packed pair lists."""
    chunks = {a[i : i + PAIR] for i in range(0, len(a), PAIR)}
    chunks.update(b[i : i + PAIR] for i in range(0, len(b), PAIR))
    return b"".join(sorted(chunks))


def _union(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
    if not a:
        return list(b) if b else a
    if not b:
        return list(a)
    return sorted(set(a) | set(b), key=_by_digest)


def _by_digest(record: tuple[Any, ...]) -> bytes:
    digest: bytes = record[-1]  # every record ends with its content digest: a total order
    return digest


class RareState:
    """The parts of a message's state few messages have (removals, fallbacks, failures)."""

    __slots__ = ("ctrl_min", "fails", "fallback_min", "fc_min", "outcomes")

    def __init__(self) -> None:
        self.fallback_min: int | None = None  # D-6: the earliest sms_fallback
        self.fc_min: int | None = None  # F-5
        self.ctrl_min: int | None = None  # B-2, E-1
        self.fails: list[FailRecord] | None = None  # D-3, E-1, E-2
        self.outcomes: list[OutcomeRecord] | None = None  # D-9, D-11, O-1

    def copy(self) -> RareState:
        new = RareState()
        new.fallback_min, new.fc_min, new.ctrl_min = self.fallback_min, self.fc_min, self.ctrl_min
        new.fails = list(self.fails) if self.fails else self.fails
        new.outcomes = list(self.outcomes) if self.outcomes else self.outcomes
        return new

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.fallback_min, self.fc_min, self.ctrl_min, self.fails, self.outcomes)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.fallback_min, self.fc_min, self.ctrl_min, self.fails, self.outcomes = state


class MessageState:
    """The state of one message: four minimums and the remembered records in one
    ``bytes`` object, the chosen send, and the lists few messages have.

    Compact on purpose (a million of them are common): ``blob`` packs the minimums
    (``first_d2``, ``sent_min``, ``post_min``, ``receipt_min``; :data:`NONE` when unset)
    as four little-endian int64 and then every distinct record's 16-byte pair (D-10),
    so a typical message is two objects, not seven; the send keeps its id and a shared
    tuple of its other fields; what few messages have lives in :class:`RareState`.
    """

    __slots__ = ("blob", "clicks", "rare", "send_id", "send_tail")

    def __init__(self) -> None:
        self.blob: bytes = EMPTY_BLOB
        self.send_id: str | None = None  # D-1: the chosen send's event id
        self.send_tail: SendTail | None = None  # its (code, segments, send_mode, tz_mode)
        self.clicks: list[ClickRecord] | None = None  # K-1..K-3
        self.rare: RareState | None = None

    def rare_state(self) -> RareState:
        """The rare part, created on first use."""
        rare = self.rare
        if rare is None:
            rare = self.rare = RareState()
        return rare

    def times(self) -> tuple[int, int, int, int]:
        """(first_d2, sent_min, post_min, receipt_min), :data:`NONE` for unset."""
        return HEAD.unpack_from(self.blob)

    @property
    def first_d2(self) -> int | None:
        """D-2: the earliest event that makes the message Attempted."""
        return _opt(HEAD.unpack_from(self.blob)[0])

    @property
    def sent_min(self) -> int | None:
        """D-1: the earliest 200 send."""
        return _opt(HEAD.unpack_from(self.blob)[1])

    @property
    def post_min(self) -> int | None:
        """D-12: the earliest post-send event."""
        return _opt(HEAD.unpack_from(self.blob)[2])

    @property
    def receipt_min(self) -> int | None:
        """D-5, A-2: the earliest receipt."""
        return _opt(HEAD.unpack_from(self.blob)[3])

    @property
    def pairs(self) -> bytes:
        """D-10: every distinct record of this message, 16 bytes each."""
        return self.blob[HEAD_SIZE:]

    @property
    def send(self) -> SendRecord | None:
        """D-1: the canonical-first earliest 200 send, as a record."""
        sent = HEAD.unpack_from(self.blob)[1]
        tail = self.send_tail
        if sent == NONE or tail is None:
            return None
        return (sent, self.send_id, *tail)

    @property
    def fallback_min(self) -> int | None:
        return self.rare.fallback_min if self.rare is not None else None

    @property
    def fc_min(self) -> int | None:
        return self.rare.fc_min if self.rare is not None else None

    @property
    def ctrl_min(self) -> int | None:
        return self.rare.ctrl_min if self.rare is not None else None

    @property
    def fails(self) -> list[FailRecord] | None:
        return self.rare.fails if self.rare is not None else None

    @property
    def outcomes(self) -> list[OutcomeRecord] | None:
        return self.rare.outcomes if self.rare is not None else None

    def merge_from(self, other: MessageState, send_key: Any) -> None:
        """Absorb ``other`` (union and minimum; idempotent)."""
        d2, st, pm, rm = HEAD.unpack_from(self.blob)
        o_d2, o_st, o_pm, o_rm = HEAD.unpack_from(other.blob)
        theirs = other.send
        if theirs is not None:
            mine = self.send
            if mine is None or send_key(theirs) < send_key(mine):
                self.send_id, self.send_tail = other.send_id, other.send_tail
        self.blob = HEAD.pack(
            min(d2, o_d2), min(st, o_st), min(pm, o_pm), min(rm, o_rm)
        ) + merge_pairs(self.pairs, other.pairs)
        self.clicks = _union(self.clicks, other.clicks)
        if other.rare is not None:
            mine_rare, theirs_rare = self.rare_state(), other.rare
            mine_rare.fallback_min = _min(mine_rare.fallback_min, theirs_rare.fallback_min)
            mine_rare.fc_min = _min(mine_rare.fc_min, theirs_rare.fc_min)
            mine_rare.ctrl_min = _min(mine_rare.ctrl_min, theirs_rare.ctrl_min)
            mine_rare.fails = _union(mine_rare.fails, theirs_rare.fails)
            mine_rare.outcomes = _union(mine_rare.outcomes, theirs_rare.outcomes)

    def copy(self) -> MessageState:
        new = MessageState()
        new.blob, new.send_id, new.send_tail = self.blob, self.send_id, self.send_tail
        new.clicks = list(self.clicks) if self.clicks else self.clicks
        new.rare = self.rare.copy() if self.rare is not None else None
        return new

    def key(self) -> tuple[Any, ...]:
        """An order-free value of the whole state (for equality checks)."""
        pairs = self.pairs
        return (
            self.times(),
            self.send,
            self.fallback_min,
            self.fc_min,
            self.ctrl_min,
            tuple(sorted(self.fails, key=_by_digest)) if self.fails else (),
            tuple(sorted(self.outcomes, key=_by_digest)) if self.outcomes else (),
            tuple(sorted(self.clicks, key=_by_digest)) if self.clicks else (),
            b"".join(sorted(pairs[i : i + PAIR] for i in range(0, len(pairs), PAIR))),
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in MessageState.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(MessageState.__slots__, state):
            setattr(self, name, value)


def _opt(value: int) -> int | None:
    return None if value == NONE else value


_TAILS: dict[SendTail, SendTail] = {}


def send_tail(code: int | None, segments: int | None, mode: str | None, tz: str | None) -> SendTail:
    """The shared tuple of a send's (code, segments, send_mode, tz_mode): a million sends
    share a handful of them."""
    tail = (code, segments, mode, tz)
    return _TAILS.setdefault(tail, tail)

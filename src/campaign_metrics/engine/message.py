"""The compact, exact, order-free state of one message ((user, instance) pair).

Every field declares how it merges (:mod:`.merging`): instants by minimum, records by
union, the chosen send by D-1's canonical-first rule. So folding a log in any order,
folding it twice, or folding its parts and merging them gives the same state (D-10).
Times are integer microseconds since the epoch; an unset hot instant is :data:`NONE`,
later than every time, so a minimum needs no test for "unset".
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..canonical import canonical_event
from ..identity import PAIR
from .merging import (
    COPY_LIST,
    MIN,
    UNION_PAIRS,
    UNION_RECORDS,
    Field,
    copy_fields,
    fields_key,
    merge_fields,
    pack_fields,
    unpack_fields,
)

__all__ = [
    "NONE",
    "ClickRecord",
    "FailRecord",
    "MessageState",
    "OutcomeRecord",
    "RareState",
    "SendRecord",
    "SendTail",
    "has_pair",
    "send_order",
    "send_tail",
]

#: "Not set" for a message's hot instants: later than every time.
NONE = (1 << 63) - 1

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


def has_pair(pairs: bytes, pair: bytes) -> bool:
    """Whether the 16-byte ``pair`` is one of the aligned entries of ``pairs``."""
    start = pairs.find(pair)
    while start != -1:
        if start % PAIR == 0:
            return True
        start = pairs.find(pair, start + 1)
    return False


def send_order(t: int, event_id: str | None, tail: SendTail) -> tuple[int, str]:
    """D-1, D-10: the order of two 200 sends of one message — earliest, then the
    canonical-first. The campaign, user and instance are the same for both sends of a
    message, so they are left out: they sit in the same place in both canonical texts
    and cannot change which sorts first."""
    code, segments, mode, tz = tail
    return t, canonical_event(
        "",
        "sent",
        t,
        event_id=event_id,
        extras={"response_code": code, "segments": segments, "send_mode": mode, "tz_mode": tz},
    )


def _earliest_send(
    a: tuple[int, str | None, SendTail | None], b: tuple[int, str | None, SendTail | None]
) -> tuple[int, str | None, SendTail | None]:
    """D-1: the earliest 200 send, ties to the canonical-first (the merge of the send)."""
    if b[2] is None:
        return a
    if a[2] is None:
        return b
    if a[0] != b[0]:
        return a if a[0] < b[0] else b
    return a if send_order(*a) <= send_order(*b) else b  # type: ignore[arg-type]


class RareState:
    """The parts of a message's state few messages have (removals, fallbacks, failures)."""

    __slots__ = ("ctrl_min", "fails", "fallback_min", "fc_min", "outcomes")
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("fallback_min", MIN),  # D-6: the earliest sms_fallback
        Field("fc_min", MIN),  # F-5
        Field("ctrl_min", MIN),  # B-2, E-1
        Field("fails", UNION_RECORDS, copy=COPY_LIST),  # D-3, E-1, E-2
        Field("outcomes", UNION_RECORDS, copy=COPY_LIST),  # D-9, D-11, O-1
    )

    def __init__(self) -> None:
        self.fallback_min: int | None = None
        self.fc_min: int | None = None
        self.ctrl_min: int | None = None
        self.fails: list[FailRecord] | None = None
        self.outcomes: list[OutcomeRecord] | None = None

    def merge_from(self, other: RareState) -> None:
        merge_fields(self, other, RareState.FIELDS)

    def copy(self) -> RareState:
        new = RareState()
        copy_fields(self, new, RareState.FIELDS)
        return new

    def key(self) -> tuple[Any, ...]:
        return fields_key(self, RareState.FIELDS)

    def __getstate__(self) -> tuple[Any, ...]:
        return pack_fields(self, RareState.FIELDS)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        unpack_fields(self, state, RareState.FIELDS)


def _merge_rare(a: RareState | None, b: RareState | None) -> RareState | None:
    if b is None:
        return a
    if a is None:
        return b.copy()
    a.merge_from(b)
    return a


def _copy_rare(value: RareState | None) -> RareState | None:
    return value.copy() if value is not None else None


_NO_RARE_KEY = RareState().key()


def _rare_key(value: RareState | None) -> tuple[Any, ...]:
    return value.key() if value is not None else _NO_RARE_KEY


class MessageState:
    """The state of one message: four earliest instants, the chosen send, every distinct
    record's 16-byte D-10 pair packed in one ``bytes``, the clicks, and the lists few
    messages have.

    Compact on purpose (a million of them are common): the send keeps its id and a
    shared tuple of its other fields; what few messages have lives in :class:`RareState`.
    """

    __slots__ = (
        "clicks",
        "first_d2",
        "pairs",
        "post_min",
        "rare",
        "receipt_min",
        "send_id",
        "send_tail",
        "sent_min",
    )
    #: Every field and its merge; the send's three slots (``sent_min``, ``send_id``,
    #: ``send_tail``) merge as one, by :func:`_earliest_send` (D-1).
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("first_d2", min),  # D-2: the earliest event that makes it Attempted
        Field("post_min", min),  # D-12: the earliest post-send event
        Field("receipt_min", min),  # D-5, A-2: the earliest receipt
        Field("pairs", UNION_PAIRS),  # D-10: every distinct record
        Field("clicks", UNION_RECORDS, copy=COPY_LIST),  # K-1..K-3
        Field("rare", _merge_rare, copy=_copy_rare, key=_rare_key),
    )
    SLOTS: ClassVar[tuple[str, ...]] = __slots__

    def __init__(self) -> None:
        self.first_d2 = NONE
        self.sent_min = NONE  # D-1: the earliest 200 send
        self.post_min = NONE
        self.receipt_min = NONE
        self.send_id: str | None = None  # D-1: the chosen send's event id
        self.send_tail: SendTail | None = None  # its (code, segments, send_mode, tz_mode)
        self.pairs = b""
        self.clicks: list[ClickRecord] | None = None
        self.rare: RareState | None = None

    def rare_state(self) -> RareState:
        """The rare part, created on first use."""
        rare = self.rare
        if rare is None:
            rare = self.rare = RareState()
        return rare

    @property
    def send(self) -> SendRecord | None:
        """D-1: the canonical-first earliest 200 send, as a record."""
        tail = self.send_tail
        if tail is None:
            return None
        return (self.sent_min, self.send_id, *tail)

    def merge_from(self, other: MessageState) -> None:
        """Absorb ``other`` (every field by its declared merge; idempotent)."""
        merge_fields(self, other, MessageState.FIELDS)
        self.sent_min, self.send_id, self.send_tail = _earliest_send(
            (self.sent_min, self.send_id, self.send_tail),
            (other.sent_min, other.send_id, other.send_tail),
        )

    def copy(self) -> MessageState:
        new = MessageState.__new__(MessageState)
        copy_fields(self, new, MessageState.FIELDS)
        new.sent_min, new.send_id, new.send_tail = self.sent_min, self.send_id, self.send_tail
        return new

    def key(self) -> tuple[Any, ...]:
        """An order-free value of the whole state (for equality checks)."""
        return (*fields_key(self, MessageState.FIELDS), self.send)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in MessageState.SLOTS)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(MessageState.SLOTS, state):
            setattr(self, name, value)


_TAILS: dict[SendTail, SendTail] = {}


def send_tail(code: int | None, segments: int | None, mode: str | None, tz: str | None) -> SendTail:
    """The shared tuple of a send's (code, segments, send_mode, tz_mode): a million sends
    share a handful of them."""
    tail = (code, segments, mode, tz)
    return _TAILS.setdefault(tail, tail)

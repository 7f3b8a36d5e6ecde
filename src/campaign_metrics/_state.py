"""The compact, exact, order-free state of one message ((user, instance) pair).

Everything here merges by union or minimum, so folding a log in any order, folding it
twice, or folding its parts and merging them gives the same state (D-10). Times are
integer microseconds since the epoch.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PAIR", "MessageState", "has_pair", "merge_pairs"]

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


def _min(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a <= b else b


def has_pair(pairs: bytes, pair: bytes) -> bool:
    """Whether the 16-byte ``pair`` is one of the aligned entries of ``pairs``."""
    start = pairs.find(pair)
    while start != -1:
        if start % PAIR == 0:
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
    """The state of one message: minimums, a few small lists, the remembered records.

    Compact on purpose (a million of them are common): what few messages have lives in
    :class:`RareState`, created on first use.
    """

    __slots__ = ("clicks", "first_d2", "pairs", "post_min", "rare", "receipt_min", "send")

    def __init__(self) -> None:
        self.first_d2: int | None = None  # D-2: the earliest event that makes it Attempted
        self.send: SendRecord | None = None  # D-1: the canonical-first earliest 200 send
        self.post_min: int | None = None  # D-12: the earliest post-send event
        self.receipt_min: int | None = None  # D-5, A-2: the earliest receipt
        self.clicks: list[ClickRecord] | None = None  # K-1..K-3
        self.pairs: bytes = b""  # D-10: every distinct record of this message
        self.rare: RareState | None = None

    def rare_state(self) -> RareState:
        """The rare part, created on first use."""
        rare = self.rare
        if rare is None:
            rare = self.rare = RareState()
        return rare

    @property
    def sent_min(self) -> int | None:
        """D-1: the earliest 200 send."""
        return self.send[0] if self.send is not None else None

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
        self.first_d2 = _min(self.first_d2, other.first_d2)
        self.post_min = _min(self.post_min, other.post_min)
        self.receipt_min = _min(self.receipt_min, other.receipt_min)
        if other.send is not None and (
            self.send is None or send_key(other.send) < send_key(self.send)
        ):
            self.send = other.send
        self.clicks = _union(self.clicks, other.clicks)
        self.pairs = merge_pairs(self.pairs, other.pairs)
        if other.rare is not None:
            mine, theirs = self.rare_state(), other.rare
            mine.fallback_min = _min(mine.fallback_min, theirs.fallback_min)
            mine.fc_min = _min(mine.fc_min, theirs.fc_min)
            mine.ctrl_min = _min(mine.ctrl_min, theirs.ctrl_min)
            mine.fails = _union(mine.fails, theirs.fails)
            mine.outcomes = _union(mine.outcomes, theirs.outcomes)

    def copy(self) -> MessageState:
        new = MessageState()
        new.first_d2, new.send, new.post_min = self.first_d2, self.send, self.post_min
        new.receipt_min, new.pairs = self.receipt_min, self.pairs
        new.clicks = list(self.clicks) if self.clicks else self.clicks
        new.rare = self.rare.copy() if self.rare is not None else None
        return new

    def key(self) -> tuple[Any, ...]:
        """An order-free value of the whole state (for equality checks)."""
        return (
            self.first_d2,
            self.sent_min,
            self.send,
            self.post_min,
            self.receipt_min,
            self.fallback_min,
            self.fc_min,
            self.ctrl_min,
            tuple(sorted(self.fails, key=_by_digest)) if self.fails else (),
            tuple(sorted(self.outcomes, key=_by_digest)) if self.outcomes else (),
            tuple(sorted(self.clicks, key=_by_digest)) if self.clicks else (),
            b"".join(sorted(self.pairs[i : i + PAIR] for i in range(0, len(self.pairs), PAIR))),
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in MessageState.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(MessageState.__slots__, state):
            setattr(self, name, value)

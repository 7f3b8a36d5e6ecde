"""Each message as it stands at the as-of instant (D-7).

:func:`resolve` turns the engine's order-free state into one :class:`MessageView` per
message: only records timed at or before the as-of instant count. Every metric
function reads views, never the raw state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._state import (
    FIRST_D2_AT,
    INSTANT,
    POST_MIN_AT,
    RECEIPT_MIN_AT,
    SENT_MIN_AT,
    FailRecord,
    MessageState,
    OutcomeRecord,
    SendTail,
)

__all__ = [
    "CLICK_EXPIRY_US",
    "OUTCOME_RANK",
    "MessageView",
    "Outcome",
    "resolve",
]

#: K-2: tracked URLs expire 360 hours after sending.
CLICK_EXPIRY_US = 360 * 3_600_000_000

#: D-11: the rank of each delivery-failure type (higher wins).
OUTCOME_RANK = {"deleted": 4, "hard_bounce": 3, "soft_bounce": 2, "delivery_failed": 2}


class Outcome:
    """D-11 / X-1: the one outcome of a Sent message."""

    SENT_AS_SMS = "sent_as_sms"
    DELIVERED = "delivered"
    FAILED = "failed"
    IN_TRANSIT = "in_transit"
    PENDING = "pending_delivery_confirmation"  # D-8: sent-only SMS/MMS
    NONE = "none"  # a connector: no delivery outcome at all


# flags of a view (one small int instead of a slot each)
_FAILED_TO_SEND = 1
_SEND_CONFLICT = 2
_DELIVERY_CONFLICT = 4
_RECEIPT_WITHOUT_SEND = 8
_RECEIPT_BEFORE_SEND = 16
_FC_REMOVED = 32
_CTRL_REMOVED = 64

# which of the message's packed instants (``MessageState.blob``: first D-2 event, earliest
# 200 send, earliest post-send event, earliest receipt) a view reads: one small int, so a
# view holds no int object of its own for its times
_M_ATTEMPTED = 1  # first_d2 is the first packed instant
_M_SEND_200 = 2  # send_us is the earliest 200 send
_M_SEND_POST = 4  # send_us is the earliest post-send event
_M_RECEIPT = 8  # receipt_us is the earliest receipt
_unpack_instant = INSTANT.unpack_from


class _Rare:
    """The parts of a view few messages have (failures, removals, expired clicks)."""

    __slots__ = ("ctrl_us", "expired_clicks", "fails", "outcome_event", "outcomes")

    def __init__(self) -> None:
        self.fails: tuple[FailRecord, ...] = ()
        self.outcomes: tuple[OutcomeRecord, ...] = ()
        self.outcome_event: OutcomeRecord | None = None
        self.expired_clicks = 0
        self.ctrl_us: int | None = None


_NO_RARE = _Rare()


class MessageView:
    """One message ((user, instance) pair) as of the report's instant.

    Compact: a million of them exist at once while a report is built, so the rarely set
    facts live in one shared-by-default object, the yes/no facts in one int, and the
    instants are read on demand from the state's packed ``blob`` (shared, not copied),
    which ``marks`` says how to read.
    """

    __slots__ = (
        "attempted",
        "blob",
        "clicks",
        "flags",
        "instance_id",
        "marks",
        "outcome",
        "rare",
        "send",
        "sent",
        "user_id",
    )

    def __init__(self, user_id: str, instance_id: str | None) -> None:
        self.user_id = user_id
        self.instance_id = instance_id
        self.blob = b""  # the message state's packed instants (read per ``marks``)
        self.marks = 0  # which packed instants apply (none: not Attempted)
        self.attempted = False  # D-2 (the yes/no facts read most: plain slots)
        self.sent = False  # D-1, D-12
        # the 200 send at or before the instant: (code, segments, send_mode, tz_mode)
        self.send: SendTail | None = None
        self.outcome = Outcome.NONE
        self.clicks: tuple[int, ...] = ()
        self.flags = 0
        self.rare = _NO_RARE

    def _rare(self) -> _Rare:
        if self.rare is _NO_RARE:
            self.rare = _Rare()
        return self.rare

    # ---------------------------------------------------------------- derived facts

    @property
    def first_d2(self) -> int | None:
        """D-2: the earliest event that makes the message Attempted (when it is)."""
        if self.marks & _M_ATTEMPTED:
            first: int = _unpack_instant(self.blob, FIRST_D2_AT)[0]
            return first
        return None

    @property
    def send_us(self) -> int | None:
        """D-1: the send instant, when Sent."""
        marks = self.marks
        if marks & _M_SEND_200:
            sent: int = _unpack_instant(self.blob, SENT_MIN_AT)[0]
            return sent
        if marks & _M_SEND_POST:
            post: int = _unpack_instant(self.blob, POST_MIN_AT)[0]
            return post
        return None

    @property
    def receipt_us(self) -> int | None:
        """D-5, A-2: the earliest receipt at or before the instant."""
        if self.marks & _M_RECEIPT:
            receipt: int = _unpack_instant(self.blob, RECEIPT_MIN_AT)[0]
            return receipt
        return None

    @property
    def delivered(self) -> bool:
        """D-5, D-6: a receipt and not Sent as SMS."""
        return self.outcome == Outcome.DELIVERED

    @property
    def failed_to_send(self) -> bool:
        """D-3."""
        return bool(self.flags & _FAILED_TO_SEND)

    @property
    def send_conflict(self) -> bool:
        """D-3: Sent with failure events."""
        return bool(self.flags & _SEND_CONFLICT)

    @property
    def delivery_conflict(self) -> bool:
        """D-11: Delivered with failure events."""
        return bool(self.flags & _DELIVERY_CONFLICT)

    @property
    def receipt_without_send(self) -> bool:
        """D-12."""
        return bool(self.flags & _RECEIPT_WITHOUT_SEND)

    @property
    def receipt_before_send(self) -> bool:
        """D-12."""
        return bool(self.flags & _RECEIPT_BEFORE_SEND)

    @property
    def fc_removed(self) -> bool:
        """F-5."""
        return bool(self.flags & _FC_REMOVED)

    @property
    def ctrl_removed(self) -> bool:
        """B-2, E-1."""
        return bool(self.flags & _CTRL_REMOVED)

    @property
    def ctrl_us(self) -> int | None:
        return self.rare.ctrl_us

    @property
    def fails(self) -> tuple[FailRecord, ...]:
        """The failure-to-send records at or before the instant."""
        return self.rare.fails

    @property
    def outcomes(self) -> tuple[OutcomeRecord, ...]:
        """The delivery-failure records at or before the instant."""
        return self.rare.outcomes

    @property
    def outcome_event(self) -> OutcomeRecord | None:
        """D-11: the failure that decides a failed message's row."""
        return self.rare.outcome_event

    @property
    def expired_clicks(self) -> int:
        """K-2."""
        return self.rare.expired_clicks

    @property
    def segments(self) -> int:
        """D-1: from the canonical-first earliest 200 send (0 when missing)."""
        return (self.send[1] or 0) if self.send is not None else 0

    @property
    def send_mode(self) -> str:
        """D-1, B-3 (``default`` when missing)."""
        return (self.send[2] or "default") if self.send is not None else "default"

    @property
    def tz_mode(self) -> str | None:
        """D-1, B-4 (``None``: unknown)."""
        return self.send[3] if self.send is not None else None

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.user_id, self.instance_id)


def _outcome_event(
    records: list[OutcomeRecord], canonical: Callable[[OutcomeRecord], str]
) -> OutcomeRecord:
    """D-11: the failure of highest rank, then earliest, then canonical-first."""
    best = max(OUTCOME_RANK[r[1]] for r in records)
    top = [r for r in records if OUTCOME_RANK[r[1]] == best]
    earliest = min(r[0] for r in top)
    tied = [r for r in top if r[0] == earliest]
    if len(tied) == 1:
        return tied[0]
    return min(tied, key=canonical)


def resolve(
    messages: Iterable[tuple[Any, MessageState]],
    as_of: int,
    *,
    delivery_tracked: bool,
    connector: bool,
    selected: tuple[int, int] | None = None,
    outcome_canonical: Callable[[OutcomeRecord], str] = lambda r: "",
) -> list[MessageView]:
    """The views of every message as of ``as_of`` (epoch µs).

    ``selected`` is a half-open range of epoch µs: with it, only messages whose
    earliest D-2 event falls inside are kept (T-1's date range).
    """
    views: list[MessageView] = []
    append = views.append
    new = MessageView.__new__
    untracked = Outcome.NONE if connector else Outcome.PENDING  # D-8
    lo, hi = selected if selected is not None else (0, 0)
    for key, s in messages:
        if type(key) is tuple:
            user_id, instance_id = key
        else:
            user_id, instance_id = key, None
        # the packed minimums in one read (NONE, later than every instant, when unset)
        first_us, sent_min, post_us, receipt_us = s.times()
        first = first_us if first_us <= as_of else None
        if selected is not None and (first is None or not (lo <= first < hi)):
            continue  # T-1: a date range selects messages by their earliest D-2 event
        # every slot is set once, here (MessageView.__init__'s defaults, then the facts)
        v = new(MessageView)
        v.user_id = user_id
        v.instance_id = instance_id
        v.blob = s.blob
        v.clicks = ()
        v.rare = _NO_RARE
        flags = 0
        fc = s.fc_min
        if fc is not None and fc <= as_of:
            flags |= _FC_REMOVED
        ctrl = s.ctrl_min
        if ctrl is not None and ctrl <= as_of:
            flags |= _CTRL_REMOVED
            v._rare().ctrl_us = ctrl
        if first is None:
            if not flags:
                continue  # D-7: no record of this message at or before the instant
            v.marks = 0
            v.attempted = False
            v.sent = False
            v.send = None
            v.outcome = Outcome.NONE
            v.flags = flags
            append(v)
            continue
        marks = _M_ATTEMPTED  # D-2: Attempted
        v.attempted = True
        send = s.send_tail  # the earliest 200 send's (code, segments, modes), shared
        sent200 = sent_min if sent_min <= as_of and send is not None else None
        post = post_us if post_us <= as_of else None
        fails: tuple[FailRecord, ...] = ()
        all_fails = s.fails
        if all_fails:
            fails = tuple(f for f in all_fails if f[0] <= as_of)
            if fails:
                v._rare().fails = fails
        if sent200 is None and post is None:
            if fails:
                flags |= _FAILED_TO_SEND  # D-3
            v.marks = marks
            v.sent = False
            v.send = None
            v.outcome = Outcome.NONE
            v.flags = flags
            append(v)
            continue
        # D-1, D-3, D-12: Sent; the send instant is the earliest 200 send or post-send
        if post is None or (sent200 is not None and sent200 <= post):
            send_us: int = sent200  # type: ignore[assignment]
            marks |= _M_SEND_200
        else:
            send_us = post
            marks |= _M_SEND_POST
        v.sent = True
        if sent200 is not None:
            v.send = send
        else:
            v.send = None
            flags |= _RECEIPT_WITHOUT_SEND  # D-12
        if fails:
            flags |= _SEND_CONFLICT  # D-3
        # K-2: a click later than send + 360 h is expired; clicks are post-send events
        clicks = s.clicks
        if clicks:
            limit = send_us + CLICK_EXPIRY_US
            kept = []
            expired = 0
            for t, _ in clicks:
                if t <= as_of:
                    if t <= limit:
                        kept.append(t)
                    else:
                        expired += 1
            if kept:
                kept.sort()
                v.clicks = tuple(kept)
            if expired:
                v._rare().expired_clicks = expired
        if not delivery_tracked:
            v.marks = marks
            v.outcome = untracked
            v.flags = flags
            append(v)
            continue
        receipt = receipt_us if receipt_us <= as_of else None
        if receipt is not None:
            marks |= _M_RECEIPT
        v.marks = marks
        if receipt is not None and sent200 is not None and receipt < sent200:
            flags |= _RECEIPT_BEFORE_SEND  # D-12
        outcomes: tuple[OutcomeRecord, ...] = ()
        all_outcomes = s.outcomes
        if all_outcomes:
            outcomes = tuple(o for o in all_outcomes if o[0] <= as_of)
            if outcomes:
                v._rare().outcomes = outcomes
        fallback = s.fallback_min
        if fallback is not None and fallback <= as_of:
            v.outcome = Outcome.SENT_AS_SMS  # D-6 outranks everything
        elif receipt is not None:
            v.outcome = Outcome.DELIVERED
            if outcomes:
                flags |= _DELIVERY_CONFLICT  # D-11
        elif outcomes:
            v.outcome = Outcome.FAILED
            v._rare().outcome_event = _outcome_event(list(outcomes), outcome_canonical)
        else:
            v.outcome = Outcome.IN_TRANSIT
        v.flags = flags
        append(v)
    return views

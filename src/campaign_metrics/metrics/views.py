"""Each message as it stands at the as-of instant (D-7).

:func:`resolve` turns the engine's order-free state into one :class:`MessageView` per
message: only records timed at or before the as-of instant count. Every metric
function reads views, never the raw state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .._state import FailRecord, MessageState, OutcomeRecord

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


class MessageView:
    """One message ((user, instance) pair) as of the report's instant."""

    __slots__ = (
        "attempted",
        "clicks",
        "ctrl_removed",
        "ctrl_us",
        "delivery_conflict",
        "expired_clicks",
        "failed_to_send",
        "fails",
        "fc_removed",
        "first_d2",
        "instance_id",
        "outcome",
        "outcome_event",
        "outcomes",
        "receipt_before_send",
        "receipt_us",
        "receipt_without_send",
        "segments",
        "send_conflict",
        "send_mode",
        "send_us",
        "sent",
        "sent_200_us",
        "tz_mode",
        "user_id",
    )

    def __init__(self, user_id: str, instance_id: str | None) -> None:
        self.user_id = user_id
        self.instance_id = instance_id
        self.attempted = False
        self.first_d2: int | None = None
        self.sent = False
        self.send_us: int | None = None  # D-1: the send instant
        self.sent_200_us: int | None = None
        self.segments = 0
        self.send_mode = "default"
        self.tz_mode: str | None = None
        self.failed_to_send = False
        self.fails: tuple[FailRecord, ...] = ()
        self.send_conflict = False
        self.outcome = Outcome.NONE
        self.outcome_event: OutcomeRecord | None = None
        self.outcomes: tuple[OutcomeRecord, ...] = ()
        self.receipt_us: int | None = None
        self.delivery_conflict = False
        self.receipt_without_send = False
        self.receipt_before_send = False
        self.clicks: tuple[int, ...] = ()
        self.expired_clicks = 0
        self.fc_removed = False
        self.ctrl_removed = False
        self.ctrl_us: int | None = None

    @property
    def delivered(self) -> bool:
        """D-5, D-6: a receipt and not Sent as SMS."""
        return self.outcome == Outcome.DELIVERED

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
    messages: Iterable[tuple[tuple[str, str | None], MessageState]],
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
    for (user_id, instance_id), s in messages:
        first = s.first_d2
        if first is not None and first > as_of:
            first = None
        if selected is not None and (first is None or not (selected[0] <= first < selected[1])):
            continue  # T-1: a date range selects messages by their earliest D-2 event
        v = MessageView(user_id, instance_id)
        if s.fc_min is not None and s.fc_min <= as_of:
            v.fc_removed = True
        if s.ctrl_min is not None and s.ctrl_min <= as_of:
            v.ctrl_removed = True
            v.ctrl_us = s.ctrl_min
        if first is None:
            append(v)
            continue
        v.attempted = True  # D-2
        v.first_d2 = first
        sent200 = s.sent_min if s.sent_min is not None and s.sent_min <= as_of else None
        post = s.post_min if s.post_min is not None and s.post_min <= as_of else None
        fails = s.fails
        if fails:
            v.fails = tuple(f for f in fails if f[0] <= as_of)
        if sent200 is not None or post is not None:
            v.sent = True  # D-1, D-3, D-12
            v.send_us = sent200 if post is None else post if sent200 is None else min(sent200, post)
            if sent200 is not None:
                rec = s.send
                assert rec is not None
                v.sent_200_us = sent200
                v.segments = rec[3] or 0
                v.send_mode = rec[4] or "default"
                v.tz_mode = rec[5]
            else:
                v.receipt_without_send = True  # D-12
            if v.fails:
                v.send_conflict = True  # D-3
        elif v.fails:
            v.failed_to_send = True  # D-3
        if not v.sent:
            append(v)
            continue
        # K-2: a click later than send + 360 h is expired; clicks are post-send events
        clicks = s.clicks
        if clicks:
            limit = v.send_us + CLICK_EXPIRY_US  # type: ignore[operator]
            kept = []
            for t, _ in clicks:
                if t <= as_of:
                    if t <= limit:
                        kept.append(t)
                    else:
                        v.expired_clicks += 1
            kept.sort()
            v.clicks = tuple(kept)
        if not delivery_tracked:
            v.outcome = Outcome.NONE if connector else Outcome.PENDING  # D-8
            append(v)
            continue
        receipt = s.receipt_min if s.receipt_min is not None and s.receipt_min <= as_of else None
        v.receipt_us = receipt
        if receipt is not None and sent200 is not None and receipt < sent200:
            v.receipt_before_send = True  # D-12
        outcomes = s.outcomes
        if outcomes:
            v.outcomes = tuple(o for o in outcomes if o[0] <= as_of)
        if s.fallback_min is not None and s.fallback_min <= as_of:
            v.outcome = Outcome.SENT_AS_SMS  # D-6 outranks everything
        elif receipt is not None:
            v.outcome = Outcome.DELIVERED
            if v.outcomes:
                v.delivery_conflict = True  # D-11
        elif v.outcomes:
            v.outcome = Outcome.FAILED
            v.outcome_event = _outcome_event(list(v.outcomes), outcome_canonical)
        else:
            v.outcome = Outcome.IN_TRANSIT
        append(v)
    return views

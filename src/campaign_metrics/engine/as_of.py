"""Each message as it stands at the as-of instant (D-7): state → :class:`MessageView`.

:func:`resolve` turns the engine's order-free state into one frozen view per message:
only records timed at or before the as-of instant count. Every metric function reads
views, never the state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..metrics.types import (
    _CTRL_REMOVED,
    _DELIVERY_CONFLICT,
    _FAILED_TO_SEND,
    _FC_REMOVED,
    _NO_RARE,
    _RECEIPT_BEFORE_SEND,
    _RECEIPT_WITHOUT_SEND,
    _SEND_CONFLICT,
    CLICK_EXPIRY_US,
    OUTCOME_RANK,
    FailRecord,
    MessageView,
    Outcome,
    OutcomeRecord,
    RareFacts,
)
from .message import MessageState

__all__ = ["resolve"]

_new_view = tuple.__new__


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
    untracked = Outcome.NONE if connector else Outcome.PENDING  # D-8
    lo, hi = selected if selected is not None else (0, 0)
    none, sent_as_sms, delivered = Outcome.NONE, Outcome.SENT_AS_SMS, Outcome.DELIVERED
    for key, s in messages:
        if type(key) is tuple:
            user_id, instance_id = key
        else:
            user_id, instance_id = key, None
        first: int | None = s.first_d2
        if first > as_of:  # type: ignore[operator]
            first = None
        if selected is not None and (first is None or not (lo <= first < hi)):
            continue  # T-1: a date range selects messages by their earliest D-2 event
        flags = 0
        ctrl_us = None
        rare = s.rare
        if rare is not None:
            fc = rare.fc_min
            if fc is not None and fc <= as_of:
                flags |= _FC_REMOVED
            ctrl = rare.ctrl_min
            if ctrl is not None and ctrl <= as_of:
                flags |= _CTRL_REMOVED
                ctrl_us = ctrl
        if first is None:
            if not flags:
                continue  # D-7: no record of this message at or before the instant
            facts = RareFacts(ctrl_us=ctrl_us) if ctrl_us is not None else _NO_RARE
            append(MessageView(user_id, instance_id, flags=flags, rare=facts))
            continue
        # D-2: Attempted
        send = s.send_tail  # the earliest 200 send's (code, segments, modes), shared
        sent200 = s.sent_min if send is not None and s.sent_min <= as_of else None
        post: int | None = s.post_min
        if post > as_of:  # type: ignore[operator]
            post = None
        fails: tuple[FailRecord, ...] = ()
        if rare is not None and rare.fails:
            fails = tuple(f for f in rare.fails if f[0] <= as_of)
        if sent200 is None and post is None:
            if fails:
                flags |= _FAILED_TO_SEND  # D-3
            facts = RareFacts(fails, (), None, 0, ctrl_us) if fails or ctrl_us else _NO_RARE
            append(
                _new_view(
                    MessageView,
                    (
                        user_id,
                        instance_id,
                        True,
                        False,
                        first,
                        None,
                        None,
                        None,
                        none,
                        (),
                        flags,
                        facts,
                    ),
                )
            )
            continue
        # D-1, D-3, D-12: Sent; the send instant is the earliest 200 send or post-send
        earliest_200 = post is None or (sent200 is not None and sent200 <= post)
        send_us: int = sent200 if earliest_200 else post  # type: ignore[assignment]
        if sent200 is None:
            send = None
            flags |= _RECEIPT_WITHOUT_SEND  # D-12
        if fails:
            flags |= _SEND_CONFLICT  # D-3
        # K-2: a click later than send + 360 h is expired; clicks are post-send events
        counted: tuple[int, ...] = ()
        expired = 0
        clicks = s.clicks
        if clicks:
            limit = send_us + CLICK_EXPIRY_US
            kept = []
            for t, _ in clicks:
                if t <= as_of:
                    if t <= limit:
                        kept.append(t)
                    else:
                        expired += 1
            if kept:
                kept.sort()
                counted = tuple(kept)
        if not delivery_tracked:
            facts = (
                RareFacts(fails, (), None, expired, ctrl_us)
                if fails or expired or ctrl_us is not None
                else _NO_RARE
            )
            append(
                _new_view(
                    MessageView,
                    (
                        user_id,
                        instance_id,
                        True,
                        True,
                        first,
                        send_us,
                        None,
                        send,
                        untracked,
                        counted,
                        flags,
                        facts,
                    ),
                )
            )
            continue
        receipt: int | None = s.receipt_min
        if receipt > as_of:  # type: ignore[operator]
            receipt = None
        if receipt is not None and sent200 is not None and receipt < sent200:
            flags |= _RECEIPT_BEFORE_SEND  # D-12
        outcomes: tuple[OutcomeRecord, ...] = ()
        if rare is not None and rare.outcomes:
            outcomes = tuple(o for o in rare.outcomes if o[0] <= as_of)
        fallback = rare.fallback_min if rare is not None else None
        event = None
        if fallback is not None and fallback <= as_of:
            outcome = sent_as_sms  # D-6 outranks everything
        elif receipt is not None:
            outcome = delivered
            if outcomes:
                flags |= _DELIVERY_CONFLICT  # D-11
        elif outcomes:
            outcome = Outcome.FAILED
            event = _outcome_event(list(outcomes), outcome_canonical)
        else:
            outcome = Outcome.IN_TRANSIT
        facts = (
            RareFacts(fails, outcomes, event, expired, ctrl_us)
            if fails or outcomes or expired or ctrl_us is not None
            else _NO_RARE
        )
        append(
            _new_view(
                MessageView,
                (
                    user_id,
                    instance_id,
                    True,
                    True,
                    first,
                    send_us,
                    receipt,
                    send,
                    outcome,
                    counted,
                    flags,
                    facts,
                ),
            )
        )
    return views

"""Delivery (D-1..D-12, X-1, X-2) and engagement (K-1..K-3, R-1, R-5)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..report import DeliverySection, EngagementSection, TimeToDeliver
from .rates import rate
from .types import _FAILED_TO_SEND, MessageView, Outcome

__all__ = ["delivery_section", "engagement_section", "nearest_rank", "time_to_deliver"]


def nearest_rank(sorted_values: Sequence[int], q: float) -> int:
    """X-2: the ⌈q·n⌉-th smallest value of a non-empty sorted sequence."""
    n = len(sorted_values)
    index = max(1, math.ceil(q * n))
    return sorted_values[min(index, n) - 1]


def time_to_deliver(views: Sequence[MessageView], as_of: int, validity_us: int) -> TimeToDeliver:
    """X-2: median, p90, p99 of earliest receipt − send over Delivered messages, and
    the share of Sent messages still in transit and younger than the validity period."""
    durations = sorted(
        v.receipt_us - v.send_us  # type: ignore[operator]
        for v in views
        if v.outcome == Outcome.DELIVERED
    )
    sent = 0
    young = 0
    for v in views:
        send_us = v.send_us
        if send_us is not None:  # Sent
            sent += 1
            if v.outcome == Outcome.IN_TRANSIT and as_of - send_us < validity_us:
                young += 1
    return _time_to_deliver(durations, young, sent)


def _time_to_deliver(durations: Sequence[int], young: int, sent: int) -> TimeToDeliver:
    if not durations:
        return TimeToDeliver(median_s=None, p90_s=None, p99_s=None, young_share=rate(young, sent))
    return TimeToDeliver(
        median_s=nearest_rank(durations, 0.5) / 1e6,
        p90_s=nearest_rank(durations, 0.9) / 1e6,
        p99_s=nearest_rank(durations, 0.99) / 1e6,
        young_share=rate(young, sent),
    )


def delivery_section(
    views: Sequence[MessageView],
    *,
    delivery_tracked: bool,
    as_of: int,
    validity_us: int,
) -> DeliverySection:
    """D-1..D-9, X-1, X-2: counts in messages, unique users, rates over their denominators.

    D-6: an MMS that reached the phone only as an SMS fallback is Sent as SMS, not
    Delivered; D-5: delivered rate = Delivered / Sent. Sent-only (CH-2, D-8): no
    delivery counts at all.

    >>> views = [
    ...     MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=5),
    ...     MessageView.sent_message("u2", send_us=0, outcome=Outcome.DELIVERED, receipt_us=9),
    ...     MessageView.sent_message("u3", send_us=0, outcome=Outcome.SENT_AS_SMS),
    ... ]
    >>> d = delivery_section(views, delivery_tracked=True, as_of=10, validity_us=100)
    >>> d.sent, d.delivered, d.sent_as_sms, round(d.delivered_rate, 2)
    (3, 2, 1, 66.67)
    >>> d = delivery_section(views, delivery_tracked=False, as_of=10, validity_us=100)
    >>> d.sent_rate, d.delivered, d.delivered_rate
    (100.0, None, None)
    """
    attempted = sent = failed = delivered = sms = failed_deliver = in_transit = 0
    segments = 0
    young = 0  # in transit and younger than the validity period
    durations: list[int] = []  # earliest receipt − send of Delivered messages
    add_duration = durations.append
    # one message per user (one-time campaigns): unique users are the message counts
    multi = any(v.instance_id is not None for v in views)
    sent_users: set[str] = set()
    delivered_users: set[str] = set()
    delivered_outcome, in_transit_outcome = Outcome.DELIVERED, Outcome.IN_TRANSIT
    failed_outcome, sms_outcome = Outcome.FAILED, Outcome.SENT_AS_SMS
    for v in views:
        if not v.attempted:
            continue
        attempted += 1
        send_us = v.send_us
        if send_us is not None:  # Sent
            sent += 1
            send = v.send
            if send is not None:
                segments += send[1] or 0  # D-1: MessageView.segments
            outcome = v.outcome
            if outcome == delivered_outcome:
                delivered += 1
                if multi:
                    delivered_users.add(v.user_id)
                add_duration(v.receipt_us - send_us)  # type: ignore[operator]
            elif outcome == in_transit_outcome:
                in_transit += 1
                if as_of - send_us < validity_us:
                    young += 1
            elif outcome == failed_outcome:
                failed_deliver += 1
            elif outcome == sms_outcome:
                sms += 1
            if multi:
                sent_users.add(v.user_id)
        elif v.flags & _FAILED_TO_SEND:
            failed += 1
    awaiting = attempted - sent - failed  # D-4: Attempted = Sent + Failed + Awaiting
    tracked = delivery_tracked
    if tracked:
        durations.sort()
        ttd = _time_to_deliver(durations, young, sent)
    else:
        ttd = TimeToDeliver()
    return DeliverySection(
        attempted=attempted,
        sent=sent,
        failed_to_send=failed,
        awaiting_response=awaiting,
        delivered=delivered if tracked else None,
        sent_as_sms=sms if tracked else None,
        failed_to_deliver=failed_deliver if tracked else None,
        in_transit=in_transit if tracked else None,
        sent_rate=rate(sent, attempted),
        delivered_rate=rate(delivered, sent) if tracked else None,
        failed_rate=rate(failed, attempted),
        unique_sent_users=len(sent_users) if multi else sent,
        unique_delivered_users=(len(delivered_users) if multi else delivered) if tracked else None,
        total_segments=segments,
        time_to_deliver=ttd,
    )


def engagement_section(
    views: Sequence[MessageView], *, delivery_tracked: bool, click_tracking: bool
) -> EngagementSection:
    """K-1..K-3, R-1, R-5: clicks of Sent messages (Sent as SMS included).

    K-2: expired clicks are not in ``MessageView.clicks``; they are counted apart. R-1:
    CTR = total clicks / Delivered, or / Sent when sent-only (the connector fallback).

    >>> clicked = MessageView.sent_message("u1", send_us=0, clicks=(10, 20))
    >>> from campaign_metrics.metrics import RareFacts
    >>> clicked = clicked._replace(rare=RareFacts(expired_clicks=1))  # K-2
    >>> views = [clicked, MessageView.sent_message("u2", send_us=0)]
    >>> e = engagement_section(views, delivery_tracked=False, click_tracking=True)
    >>> e.total_clicks, e.unique_clickers, e.expired_clicks, e.ctr
    (2, 1, 1, 100.0)
    >>> e.click_to_delivered_rate is None  # R-5: sent-only
    True
    """
    if not click_tracking:  # CH-3
        return EngagementSection(
            total_clicks=None,
            unique_clickers=None,
            expired_clicks=None,
            ctr=None,
            click_to_delivered_rate=None,
        )
    total = unique = expired = 0
    sent = delivered = delivered_clicked = 0
    for v in views:
        if not v.sent:
            continue
        sent += 1
        expired += v.expired_clicks
        if v.clicks:
            total += len(v.clicks)
            unique += 1
        if v.outcome == Outcome.DELIVERED:
            delivered += 1
            if v.clicks:
                delivered_clicked += 1
    base = delivered if delivery_tracked else sent
    return EngagementSection(
        total_clicks=total,
        unique_clickers=unique,
        expired_clicks=expired,
        ctr=rate(total, base),
        click_to_delivered_rate=rate(delivered_clicked, delivered)
        if delivery_tracked
        else None,
    )

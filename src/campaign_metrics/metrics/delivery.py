"""Delivery (D-1..D-12, X-1, X-2) and engagement (K-1..K-3, R-1, R-5)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from ..report import DeliverySection, EngagementSection, TimeToDeliver
from .rates import rate
from .types import _FAILED_TO_SEND, MessageView, Outcome

__all__ = [
    "DeliveryTally",
    "EngagementTally",
    "delivery_section",
    "delivery_tally",
    "engagement_section",
    "engagement_tally",
    "nearest_rank",
    "time_to_deliver",
]


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


@attrs.define(slots=True)
class DeliveryTally:
    """What :func:`delivery_section` counts, mergeable over disjoint sets of users.

    ``durations`` holds every Delivered message's earliest receipt − send (X-2): the
    exact distribution the quantiles need.
    """

    attempted: int = 0
    sent: int = 0
    failed: int = 0
    delivered: int = 0
    sms: int = 0
    failed_deliver: int = 0
    in_transit: int = 0
    segments: int = 0
    young: int = 0  # in transit and younger than the validity period
    sent_users: int = 0
    delivered_users: int = 0
    durations: list[int] = attrs.field(factory=list)

    def __iadd__(self, other: DeliveryTally) -> DeliveryTally:
        for name in _DELIVERY_SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.durations += other.durations
        return self

    def section(self, *, delivery_tracked: bool) -> DeliverySection:
        """The ``delivery`` section of these counts (D-4: Attempted = Sent + Failed +
        Awaiting; D-5: delivered rate over Sent)."""
        attempted, sent, failed = self.attempted, self.sent, self.failed
        delivered = self.delivered
        tracked = delivery_tracked
        if tracked:
            self.durations.sort()
            ttd = _time_to_deliver(self.durations, self.young, sent)
        else:
            ttd = TimeToDeliver()
        return DeliverySection(
            attempted=attempted,
            sent=sent,
            failed_to_send=failed,
            awaiting_response=attempted - sent - failed,
            delivered=delivered if tracked else None,
            sent_as_sms=self.sms if tracked else None,
            failed_to_deliver=self.failed_deliver if tracked else None,
            in_transit=self.in_transit if tracked else None,
            sent_rate=rate(sent, attempted),
            delivered_rate=rate(delivered, sent) if tracked else None,
            failed_rate=rate(failed, attempted),
            unique_sent_users=self.sent_users,
            unique_delivered_users=self.delivered_users if tracked else None,
            total_segments=self.segments,
            time_to_deliver=ttd,
        )


_DELIVERY_SUMS = [f.name for f in attrs.fields(DeliveryTally) if f.name != "durations"]


def delivery_tally(views: Sequence[MessageView], *, as_of: int, validity_us: int) -> DeliveryTally:
    """D-1..D-9, X-1, X-2: the counts of :func:`delivery_section`, in one pass."""
    attempted = sent = failed = delivered = sms = failed_deliver = in_transit = 0
    segments = 0
    young = 0
    durations: list[int] = []
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
    return DeliveryTally(
        attempted=attempted,
        sent=sent,
        failed=failed,
        delivered=delivered,
        sms=sms,
        failed_deliver=failed_deliver,
        in_transit=in_transit,
        segments=segments,
        young=young,
        sent_users=len(sent_users) if multi else sent,
        delivered_users=len(delivered_users) if multi else delivered,
        durations=durations,
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
    tally = delivery_tally(views, as_of=as_of, validity_us=validity_us)
    return tally.section(delivery_tracked=delivery_tracked)


@attrs.define(slots=True)
class EngagementTally:
    """What :func:`engagement_section` counts, mergeable over disjoint sets of users."""

    total: int = 0
    unique: int = 0
    expired: int = 0
    sent: int = 0
    delivered: int = 0
    delivered_clicked: int = 0

    def __iadd__(self, other: EngagementTally) -> EngagementTally:
        for name in _ENGAGEMENT_SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def section(self, *, delivery_tracked: bool, click_tracking: bool) -> EngagementSection:
        """The ``engagement`` section (R-1: CTR over Delivered, or Sent when sent-only)."""
        if not click_tracking:  # CH-3
            return EngagementSection(
                total_clicks=None,
                unique_clickers=None,
                expired_clicks=None,
                ctr=None,
                click_to_delivered_rate=None,
            )
        delivered = self.delivered
        base = delivered if delivery_tracked else self.sent
        return EngagementSection(
            total_clicks=self.total,
            unique_clickers=self.unique,
            expired_clicks=self.expired,
            ctr=rate(self.total, base),
            click_to_delivered_rate=rate(self.delivered_clicked, delivered)
            if delivery_tracked
            else None,
        )


_ENGAGEMENT_SUMS = [f.name for f in attrs.fields(EngagementTally)]


def engagement_tally(views: Sequence[MessageView]) -> EngagementTally:
    """K-1..K-3: the clicks of Sent messages, counted in one pass."""
    total = unique = expired = 0
    sent = delivered = delivered_clicked = 0
    delivered_outcome = Outcome.DELIVERED
    for v in views:
        if not v.sent:
            continue
        sent += 1
        rare = v.rare
        if rare.expired_clicks:
            expired += rare.expired_clicks
        clicks = v.clicks
        if clicks:
            total += len(clicks)
            unique += 1
        if v.outcome == delivered_outcome:
            delivered += 1
            if clicks:
                delivered_clicked += 1
    return EngagementTally(total, unique, expired, sent, delivered, delivered_clicked)


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
    tally = engagement_tally(views) if click_tracking else EngagementTally()
    return tally.section(delivery_tracked=delivery_tracked, click_tracking=click_tracking)

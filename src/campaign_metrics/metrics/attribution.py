"""Conversions and attribution (A-1..A-13, R-2, R-3, O-8, X-8).

Conversions are user events: each is matched against every eligible message of the
user in the campaign (A-1, A-7) under all three attribution types at once (A-3..A-5),
every window closed at both ends. Within one campaign an event counts once even when it
lies in the windows of two instances, and it still converts both (A-8, A-9).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from ..model import Campaign, Channel
from .types import ConversionRecord, MessageView, Outcome

__all__ = [
    "IN_SESSION_US",
    "TYPES",
    "Attribution",
    "MessageKey",
    "attribute",
    "revenue_sum",
    "revenue_tracked",
    "type_defined",
]

#: A-5: the in-session window, whatever the attribution window.
IN_SESSION_US = 30 * 60_000_000
TYPES = ("view_through", "click_through", "in_session")

MessageKey = tuple[str, str | None]


@attrs.frozen(slots=True)
class EventInfo:
    """An attributed conversion: its time, revenue and the goals it matches."""

    time: int
    revenue: Decimal | None
    goals: frozenset[str]
    user_id: str


@attrs.define(slots=True)
class Attribution:
    """The attributed conversions of one campaign, per type and per message."""

    by_type: dict[str, dict[MessageKey, set[bytes]]]
    events: dict[bytes, EventInfo]

    def primary_events(self, type_: str, primary: str) -> set[bytes]:
        """A-9: the distinct primary-goal events attributed under ``type_``."""
        out: set[bytes] = set()
        for digests in self.by_type[type_].values():
            out.update(d for d in digests if primary in self.events[d].goals)
        return out

    def message_events(self, type_: str, key: MessageKey, goal: str) -> set[bytes]:
        """The events of ``goal`` attributed to one message under ``type_``."""
        return {d for d in self.by_type[type_].get(key, ()) if goal in self.events[d].goals}

    def restricted(self, keys: Iterable[MessageKey]) -> Attribution:
        """The attribution of some messages only (B-1, B-3: one breakdown row).

        The events table is shared, not copied: :func:`type_result` over the result
        counts exactly the conversions of those messages.
        """
        wanted = keys if isinstance(keys, (set, frozenset)) else set(keys)
        by_type = {
            t: {k: v for k, v in per.items() if k in wanted}  # attributed messages are few
            for t, per in self.by_type.items()
        }
        return Attribution(by_type, self.events)

    def filtered(self, wanted: Callable[[MessageKey], bool]) -> Attribution:
        """:meth:`restricted` to the messages ``wanted`` accepts (a test, not a list)."""
        by_type = {
            t: {k: v for k, v in per.items() if wanted(k)} for t, per in self.by_type.items()
        }
        return Attribution(by_type, self.events)


def eligible(view: MessageView, delivery_tracked: bool) -> bool:
    """A-1, A-7: Delivered messages (tracked) or Sent ones (sent-only); never Sent as SMS."""
    if delivery_tracked:
        return view.outcome == Outcome.DELIVERED
    return view.sent


def attribute(
    views: Sequence[MessageView],
    campaign: Campaign,
    conversions: Mapping[str, list[ConversionRecord]],
    as_of: int,
) -> Attribution:
    """A-1..A-9: match the users' conversions with the campaign's eligible messages,
    under view-through (A-3: from the receipt), click-through (A-4: from a click) and
    in-session (A-5: 30 minutes after a click) at once; windows closed at both ends.

    >>> from decimal import Decimal
    >>> from campaign_metrics.model import Campaign, Goal
    >>> H = 3_600_000_000  # one hour in µs; the default window is 36 hours (A-2)
    >>> goal = Goal(name="purchase", event="purchase", primary=True, track_revenue=True)
    >>> campaign = Campaign(
    ...     id="c1", name="Spring", channel="sms", click_tracking=True, goals=[goal]
    ... )
    >>> views = [
    ...     MessageView.sent_message(
    ...         "u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=0, clicks=(H,)
    ...     ),
    ...     MessageView.sent_message("u2", send_us=0, outcome=Outcome.DELIVERED, receipt_us=0),
    ... ]
    >>> conversions = {  # (time, name, revenue, properties, event id, D-10 digest)
    ...     "u1": [
    ...         (H + 600_000_000, "purchase", Decimal("20.00"), None, "e1", b"1" * 16),
    ...         (30 * H, "purchase", Decimal("10.005"), None, "e2", b"2" * 16),
    ...     ],
    ...     "u2": [(40 * H, "purchase", Decimal("5"), None, "e3", b"3" * 16)],  # too late
    ... }
    >>> a = attribute(views, campaign, conversions, as_of=50 * H)
    >>> {t: sorted(len(d) for d in per.values()) for t, per in a.by_type.items()}
    {'view_through': [2], 'click_through': [2], 'in_session': [1]}
    >>> from campaign_metrics.metrics import conversion_section
    >>> s = conversion_section(
    ...     a, campaign, views, selected_type="view_through", claimed_elsewhere=None
    ... )
    >>> vt = s.view_through
    >>> vt.converted_users, vt.conversion_events, vt.cvr  # R-2: over Delivered
    (1, 2, 50.0)
    >>> vt.revenue, vt.average_order_value, vt.average_revenue_per_user  # A-11
    (Decimal('30.005'), Decimal('15.00'), Decimal('30.00'))
    >>> s.in_session.conversion_events, s.direct_orders, s.assisted_orders  # A-13
    (1, 1, 1)
    """
    goals = campaign.goals
    by_type: dict[str, dict[MessageKey, set[bytes]]] = {t: {} for t in TYPES}
    events: dict[bytes, EventInfo] = {}
    if not goals:
        return Attribution(by_type, events)
    tracked = campaign.delivery_tracked
    clicks_on = campaign.click_tracking
    window = campaign.window_us
    interned: dict[frozenset[str], frozenset[str]] = {}
    per_user: defaultdict[str, list[MessageView]] = defaultdict(list)
    delivered = Outcome.DELIVERED
    for v in views:
        # eligible(v, tracked), inline
        if (v.outcome == delivered if tracked else v.sent) and v.user_id in conversions:
            per_user[v.user_id].append(v)
    for user, msgs in per_user.items():
        matched = []
        for rec in conversions[user]:
            t, name, revenue, props, _, digest = rec
            if t > as_of:
                continue
            names = frozenset(g.name for g in goals if g.matches(name, props))
            if names:
                # one set object per distinct combination of goals, not per event
                names = interned.setdefault(names, names)
                matched.append((t, digest, revenue, names))
        if not matched:
            continue
        matched.sort(key=lambda m: (m[0], m[1]))
        times = [m[0] for m in matched]

        def inside(start: int, end: int, times: list[int] = times) -> range:
            return range(bisect_left(times, start), bisect_right(times, end))

        for v in msgs:
            key = v.key
            start = v.receipt_us if tracked else v.send_us
            assert start is not None
            hits: dict[str, set[int]] = {
                "view_through": set(inside(start, start + window))
            }
            if clicks_on:
                ct: set[int] = set()
                ins: set[int] = set()
                for c in v.clicks:  # non-expired clicks of eligible messages
                    ct.update(inside(c, c + window))
                    ins.update(inside(c, c + IN_SESSION_US))
                hits["click_through"] = ct
                hits["in_session"] = ins
            for type_, idx in hits.items():
                if not idx:
                    continue
                bucket = by_type[type_].setdefault(key, set())
                for i in idx:
                    t, digest, revenue, names = matched[i]
                    bucket.add(digest)
                    if digest not in events:
                        events[digest] = EventInfo(t, revenue, names, user)
    return Attribution(by_type, events)


def _revenue_tracked(campaign: Campaign) -> bool:
    primary = campaign.primary_goal
    if primary is None or not primary.track_revenue:
        return False
    # O-8: MMS revenue only with advanced revenue attribution (on unless set off)
    return not (campaign.channel is Channel.MMS and not campaign.advanced_revenue_attribution)


def revenue_tracked(campaign: Campaign) -> bool:
    """A-11, O-8: whether the primary goal's revenue is shown (else ``null``)."""
    return _revenue_tracked(campaign)


def type_defined(campaign: Campaign, type_: str) -> bool:
    """A-10, CH-3: whether the conversion keys of ``type_`` are defined (not ``null``).

    Without a goal nothing is; click-based types need click tracking.
    """
    if campaign.primary_goal is None:
        return False
    return type_ == "view_through" or campaign.click_tracking


def revenue_sum(values: Iterable[Decimal | None]) -> Decimal:
    """A-11: the exact sum of order values; a conversion without revenue adds 0."""
    return _sum(values)


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    total = Decimal(0)
    for value in values:
        if value is not None:
            total += value  # a conversion without revenue adds 0
    return total

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
from ..report import AttributionResult, ConversionSection, GoalResult
from .rates import average_money, rate
from .types import ConversionRecord, MessageView, Outcome

__all__ = [
    "IN_SESSION_US",
    "TYPES",
    "Attribution",
    "MessageKey",
    "attribute",
    "conversion_section",
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
    """Match the users' conversions with the campaign's eligible messages."""
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


def type_result(
    attribution: Attribution,
    type_: str,
    campaign: Campaign,
    denominator: int,
) -> AttributionResult:
    """One attribution type's block of the ``conversion`` section."""
    primary = campaign.primary_goal
    if primary is None:
        return AttributionResult()  # no goal, every conversion metric null
    per_message = attribution.by_type[type_]
    info = attribution.events
    revenue_on = _revenue_tracked(campaign)
    goals = []
    for goal in campaign.goals:
        event_set: set[bytes] = set()
        converted = 0
        for digests in per_message.values():
            mine = [d for d in digests if goal.name in info[d].goals]
            if mine:
                converted += 1
                event_set.update(mine)
        goal_revenue: Decimal | None = None
        if goal.track_revenue and not (
            campaign.channel is Channel.MMS and not campaign.advanced_revenue_attribution
        ):
            goal_revenue = _sum(info[d].revenue for d in event_set)
        goals.append(
            GoalResult(
                name=goal.name,
                primary=goal.primary,
                total_conversions=len(event_set),
                unique_conversions=converted,
                revenue=goal_revenue,
            )
        )
    primary_row = next(g for g in goals if g.primary)
    events = primary_row.total_conversions
    converted_users = primary_row.unique_conversions  # (user, instance) pairs
    revenue = primary_row.revenue if revenue_on else None
    return AttributionResult(
        converted_users=converted_users,
        conversion_events=events,
        cvr=rate(converted_users, denominator),
        revenue=revenue,
        average_order_value=average_money(revenue, events),
        average_revenue_per_user=average_money(revenue, converted_users),
        goals=tuple(goals),
    )


def conversion_section(
    attribution: Attribution,
    campaign: Campaign,
    views: Sequence[MessageView],
    *,
    selected_type: str,
    claimed_elsewhere: set[bytes] | None,
) -> ConversionSection:
    """The ``conversion`` section: all three types, direct/assisted, shared conversions."""
    if campaign.delivery_tracked:
        denominator = sum(1 for v in views if v.outcome == Outcome.DELIVERED)
    else:
        denominator = sum(1 for v in views if v.sent)
    primary = campaign.primary_goal
    clicks_on = campaign.click_tracking
    results = {}
    for type_ in TYPES:
        if type_ != "view_through" and not clicks_on:
            results[type_] = AttributionResult()  # CH-3
        else:
            results[type_] = type_result(attribution, type_, campaign, denominator)
    direct = assisted = None
    direct_rev = assisted_rev = None
    shared = None
    if primary is not None and (selected_type == "view_through" or clicks_on):  # CH-3
        selected = attribution.primary_events(selected_type, primary.name)
        shared = len(selected & claimed_elsewhere) if claimed_elsewhere is not None else 0
        if clicks_on:
            session = attribution.primary_events("in_session", primary.name)
            union = (
                attribution.primary_events("view_through", primary.name)
                | attribution.primary_events("click_through", primary.name)
                | session
            )
            assisted_set = union - session
            direct, assisted = len(session), len(assisted_set)
            if _revenue_tracked(campaign):
                info = attribution.events
                direct_rev = _sum(info[d].revenue for d in session)
                assisted_rev = _sum(info[d].revenue for d in assisted_set)
    return ConversionSection(
        view_through=results["view_through"],
        click_through=results["click_through"],
        in_session=results["in_session"],
        direct_orders=direct,
        assisted_orders=assisted,
        direct_revenue=direct_rev,
        assisted_revenue=assisted_rev,
        shared_conversions=shared,
    )

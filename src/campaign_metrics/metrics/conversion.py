"""The ``conversion`` section (A-8..A-13, R-2, R-3, X-8) from attributed conversions.

:func:`~campaign_metrics.metrics.attribution.attribute` matches conversions with
messages; here they are counted, per goal and per type, as mergeable tallies
(:class:`GoalTally`, :class:`ConversionTally`), and turned into the section.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..model import Campaign, Channel
from ..report import AttributionResult, ConversionSection, GoalResult
from .attribution import TYPES, Attribution, revenue_sum, revenue_tracked
from .rates import average_money, rate
from .types import MessageView, Outcome

__all__ = [
    "ConversionTally",
    "GoalTallies",
    "GoalTally",
    "add_goal_tallies",
    "attribution_result",
    "conversion_section",
    "conversion_tally",
    "goal_tallies",
    "type_result",
]


@attrs.define(slots=True)
class GoalTally:
    """One goal's attributed conversions under one type, mergeable over disjoint users:
    distinct events, converted messages (A-8) and the events' revenue (A-11)."""

    events: int = 0
    converted: int = 0
    revenue: Decimal = Decimal(0)

    def __iadd__(self, other: GoalTally) -> GoalTally:
        self.events += other.events
        self.converted += other.converted
        self.revenue += other.revenue
        return self


#: One GoalTally per goal of the campaign, in the campaign's order.
GoalTallies = list[GoalTally]


def add_goal_tallies(into: GoalTallies, other: GoalTallies) -> None:
    """Element-wise ``+=`` of two campaigns' goal tallies."""
    for mine, theirs in zip(into, other):
        mine += theirs


def goal_tallies(attribution: Attribution, type_: str, campaign: Campaign) -> GoalTallies:
    """A-8, A-9, A-11: per goal, the distinct events attributed under ``type_``, the
    messages they convert and their revenue."""
    per_message = attribution.by_type[type_]
    info = attribution.events
    out = []
    for goal in campaign.goals:
        event_set: set[bytes] = set()
        converted = 0
        for digests in per_message.values():
            mine = [d for d in digests if goal.name in info[d].goals]
            if mine:
                converted += 1
                event_set.update(mine)
        money = revenue_sum(info[d].revenue for d in event_set)
        out.append(GoalTally(len(event_set), converted, money))
    return out


def attribution_result(
    tallies: GoalTallies, campaign: Campaign, denominator: int
) -> AttributionResult:
    """One attribution type's block of the ``conversion`` section, from its tallies."""
    primary = campaign.primary_goal
    if primary is None:
        return AttributionResult()  # no goal, every conversion metric null
    revenue_on = revenue_tracked(campaign)
    goal_money = not (campaign.channel is Channel.MMS and not campaign.advanced_revenue_attribution)
    goals = tuple(
        GoalResult(
            name=goal.name,
            primary=goal.primary,
            total_conversions=t.events,
            unique_conversions=t.converted,
            revenue=t.revenue if goal.track_revenue and goal_money else None,
        )
        for goal, t in zip(campaign.goals, tallies)
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
        goals=goals,
    )


def type_result(
    attribution: Attribution,
    type_: str,
    campaign: Campaign,
    denominator: int,
) -> AttributionResult:
    """One attribution type's block of the ``conversion`` section."""
    if campaign.primary_goal is None:
        return AttributionResult()
    return attribution_result(goal_tallies(attribution, type_, campaign), campaign, denominator)


@attrs.define(slots=True)
class ConversionTally:
    """What :func:`conversion_section` counts, mergeable over disjoint sets of users."""

    denominator: int = 0  # Delivered, or Sent when sent-only
    by_type: dict[str, GoalTallies] = attrs.field(factory=dict)  # the types defined
    direct: int = 0
    assisted: int = 0
    direct_revenue: Decimal = Decimal(0)
    assisted_revenue: Decimal = Decimal(0)
    shared: int = 0

    def __iadd__(self, other: ConversionTally) -> ConversionTally:
        self.denominator += other.denominator
        for type_, tallies in other.by_type.items():
            mine = self.by_type.get(type_)
            if mine is None:
                self.by_type[type_] = [GoalTally(t.events, t.converted, t.revenue) for t in tallies]
            else:
                add_goal_tallies(mine, tallies)
        self.direct += other.direct
        self.assisted += other.assisted
        self.direct_revenue += other.direct_revenue
        self.assisted_revenue += other.assisted_revenue
        self.shared += other.shared
        return self

    def section(self, campaign: Campaign, *, selected_type: str) -> ConversionSection:
        """The ``conversion`` section of these counts."""
        primary = campaign.primary_goal
        clicks_on = campaign.click_tracking
        results = {}
        for type_ in TYPES:
            if primary is None or (type_ != "view_through" and not clicks_on):
                results[type_] = AttributionResult()  # A-10, CH-3
            else:
                tallies = self.by_type.get(type_) or [GoalTally() for _ in campaign.goals]
                results[type_] = attribution_result(tallies, campaign, self.denominator)
        selected_on = primary is not None and (selected_type == "view_through" or clicks_on)
        direct_on = selected_on and clicks_on
        money_on = direct_on and revenue_tracked(campaign)
        return ConversionSection(
            view_through=results["view_through"],
            click_through=results["click_through"],
            in_session=results["in_session"],
            direct_orders=self.direct if direct_on else None,
            assisted_orders=self.assisted if direct_on else None,
            direct_revenue=self.direct_revenue if money_on else None,
            assisted_revenue=self.assisted_revenue if money_on else None,
            shared_conversions=self.shared if selected_on else None,
        )


def conversion_tally(
    attribution: Attribution,
    campaign: Campaign,
    views: Sequence[MessageView],
    *,
    selected_type: str,
    claimed_elsewhere: set[bytes] | None,
) -> ConversionTally:
    """A-8..A-13, R-2, R-3, X-8: the counts of :func:`conversion_section`."""
    if campaign.delivery_tracked:
        denominator = sum(1 for v in views if v.outcome == Outcome.DELIVERED)
    else:
        denominator = sum(1 for v in views if v.sent)
    tally = ConversionTally(denominator)
    primary = campaign.primary_goal
    if primary is None:
        return tally
    clicks_on = campaign.click_tracking
    for type_ in TYPES:
        if type_ == "view_through" or clicks_on:
            tally.by_type[type_] = goal_tallies(attribution, type_, campaign)
    if selected_type == "view_through" or clicks_on:  # CH-3
        selected = attribution.primary_events(selected_type, primary.name)
        tally.shared = len(selected & claimed_elsewhere) if claimed_elsewhere is not None else 0
        if clicks_on:
            session = attribution.primary_events("in_session", primary.name)
            union = (
                attribution.primary_events("view_through", primary.name)
                | attribution.primary_events("click_through", primary.name)
                | session
            )
            assisted_set = union - session
            tally.direct, tally.assisted = len(session), len(assisted_set)
            info = attribution.events
            tally.direct_revenue = revenue_sum(info[d].revenue for d in session)
            tally.assisted_revenue = revenue_sum(info[d].revenue for d in assisted_set)
    return tally


def conversion_section(
    attribution: Attribution,
    campaign: Campaign,
    views: Sequence[MessageView],
    *,
    selected_type: str,
    claimed_elsewhere: set[bytes] | None,
) -> ConversionSection:
    """The ``conversion`` section (A-8..A-13, R-2, R-3, X-8): all three types,
    direct/assisted, shared conversions. :func:`attribute` shows revenue (A-11).

    A-8: converted users are (user, instance) pairs — one user converting after each
    of two instances is 2:

    >>> from campaign_metrics.model import Campaign, Goal
    >>> goal = Goal(name="purchase", event="purchase", primary=True)
    >>> campaign = Campaign(id="c1", name="Daily", channel="sms", goals=[goal])
    >>> H, day = 3_600_000_000, 24 * 3_600_000_000
    >>> views = [
    ...     MessageView.sent_message(
    ...         "u1", send_us=t, instance_id=i, outcome=Outcome.DELIVERED, receipt_us=t
    ...     )
    ...     for i, t in (("day1", 0), ("day2", day))
    ... ]
    >>> conversions = {
    ...     "u1": [
    ...         (H, "purchase", None, None, "e1", b"1" * 16),
    ...         (day + H, "purchase", None, None, "e2", b"2" * 16),
    ...     ]
    ... }
    >>> from campaign_metrics.metrics import attribute
    >>> a = attribute(views, campaign, conversions, as_of=2 * day)
    >>> s = conversion_section(
    ...     a, campaign, views, selected_type="view_through", claimed_elsewhere=None
    ... )
    >>> vt = s.view_through
    >>> vt.converted_users, vt.conversion_events, vt.cvr, vt.revenue
    (2, 2, 100.0, None)
    >>> s.click_through.converted_users is None  # CH-3: click tracking off
    True
    """
    tally = conversion_tally(
        attribution,
        campaign,
        views,
        selected_type=selected_type,
        claimed_elsewhere=claimed_elsewhere,
    )
    return tally.section(campaign, selected_type=selected_type)

"""The daily series (T-1): calendar days of the app's time zone.

Each instant is converted to its local calendar day (CH-5), so the 23- and 25-hour days
of DST changes need no special case. A message is counted on the day of its send
instant (D-1), its delivery on the day of its earliest receipt (Delivered messages only,
D-5), each counted click on its own day (K-2: expired clicks are not counted) and each
primary-goal conversion attributed under the report's attribution type (A-12) on its own
day, with its revenue. The days therefore add up to the report's totals: ``sent``,
``delivered``, ``total_clicks``, the selected type's ``conversion_events`` and
``revenue``.

Days run without gaps from the day of the first send to the day of the as-of instant,
both included; days without events are rows of zeros. **Decision:** with nothing Sent
(or no as-of instant: an empty run) there is no first send and the series is empty.
Keys are ``null`` as the campaign's are: ``delivered`` when sent-only (CH-2), clicks
without click tracking (CH-3), conversions without a goal (A-10) or under a click-based
type without click tracking, revenue unless the primary goal tracks it (A-11, O-8).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from ..model import Campaign
from ..report import DailyRow
from ..timezones import LocalDays
from .attribution import Attribution, revenue_sum, revenue_tracked, type_defined
from .views import MessageView, Outcome

__all__ = ["daily_section"]

_ONE_DAY = dt.timedelta(days=1)


def daily_section(
    views: Sequence[MessageView],
    campaign: Campaign,
    attribution: Attribution,
    selected_type: str,
    as_of: int | None,
) -> tuple[DailyRow, ...] | None:
    """T-1: one row per calendar day of the app's zone, first send to the as-of day."""
    if as_of is None:
        return ()
    days = LocalDays(campaign.zone)
    local_date = days.date
    tracked = campaign.delivery_tracked
    clicks_on = campaign.click_tracking
    conversions_on = type_defined(campaign, selected_type)
    money_on = conversions_on and revenue_tracked(campaign)

    sent: Counter[dt.date] = Counter()
    delivered: Counter[dt.date] = Counter()
    clicks: Counter[dt.date] = Counter()
    for v in views:
        if not v.sent:
            continue
        assert v.send_us is not None
        sent[local_date(v.send_us)] += 1
        if tracked and v.outcome == Outcome.DELIVERED:
            assert v.receipt_us is not None
            delivered[local_date(v.receipt_us)] += 1
        if clicks_on:
            for c in v.clicks:
                clicks[local_date(c)] += 1
    if not sent:
        return ()

    events: Counter[dt.date] = Counter()
    revenue_by_day: dict[dt.date, list[Decimal | None]] = {}
    primary = campaign.primary_goal
    if conversions_on and primary is not None:
        # each attributed primary-goal event once, on the day it happened
        for digest in attribution.primary_events(selected_type, primary.name):
            info = attribution.events[digest]
            day = local_date(info.time)
            events[day] += 1
            revenue_by_day.setdefault(day, []).append(info.revenue)

    first = min(sent)
    last = local_date(as_of)
    # every counted instant lies in [first send, as-of]; widen defensively all the same
    for counter in (delivered, clicks, events):
        if counter:
            first = min(first, min(counter))
            last = max(last, max(counter))

    rows = []
    day = first
    while day <= last:
        rows.append(
            DailyRow(
                date=day.isoformat(),
                sent=sent[day],
                delivered=delivered[day] if tracked else None,  # CH-2
                total_clicks=clicks[day] if clicks_on else None,  # CH-3
                conversion_events=events[day] if conversions_on else None,
                revenue=revenue_sum(revenue_by_day.get(day, ())) if money_on else None,
            )
        )
        day += _ONE_DAY
    return tuple(rows)

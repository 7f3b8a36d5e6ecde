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

import attrs

from ..errors import ConfigurationError
from ..limits import MAX_DAILY_DAYS
from ..model import Campaign
from ..report import DailyRow
from ..timezones import LocalDays, from_us, local_date
from .attribution import Attribution, revenue_tracked, type_defined
from .tallies import add_counts
from .types import MessageView, Outcome

__all__ = ["DailyTally", "daily_section", "daily_tally"]

_ONE_DAY = dt.timedelta(days=1)


_BUCKET_US = 15 * 60 * 1_000_000


def _bucket_day(bucket: int, zone: dt.tzinfo) -> dt.date | None:
    """The local day of every instant of a 15-minute UTC bucket, or ``None`` when the
    bucket holds a change of offset or of date (the test of timezones.LocalDays)."""
    start = from_us(bucket * _BUCKET_US).astimezone(zone)
    end = from_us(bucket * _BUCKET_US + _BUCKET_US - 1).astimezone(zone)
    if start.utcoffset() == end.utcoffset() and start.date() == end.date():
        return start.date()
    return None


def _count_split_buckets(
    views: Sequence[MessageView],
    bucket_day: dict[int, dt.date | None],
    zone: dt.tzinfo,
    sent: Counter[dt.date],
    delivered: Counter[dt.date],
    clicks: Counter[dt.date],
    tracked: bool,
    clicks_on: bool,
) -> None:
    """Count, one instant at a time, the instants of the buckets that hold a midnight."""

    def split(us: int) -> bool:
        return bucket_day.get(us // _BUCKET_US, 0) is None

    for v in views:
        send_us = v.send_us
        if send_us is None:  # not Sent
            continue
        if split(send_us):
            sent[local_date(send_us, zone)] += 1
        if tracked and v.outcome == Outcome.DELIVERED:
            receipt_us = v.receipt_us
            assert receipt_us is not None
            if split(receipt_us):
                delivered[local_date(receipt_us, zone)] += 1
        if clicks_on:
            for c in v.clicks:
                if split(c):
                    clicks[local_date(c, zone)] += 1


@attrs.define(slots=True)
class DailyTally:
    """What :func:`daily_section` counts per local day, mergeable over disjoint sets of
    users."""

    sent: dict[dt.date, int] = attrs.field(factory=dict)
    delivered: dict[dt.date, int] = attrs.field(factory=dict)
    clicks: dict[dt.date, int] = attrs.field(factory=dict)
    events: dict[dt.date, int] = attrs.field(factory=dict)  # the selected type's
    revenue: dict[dt.date, Decimal] = attrs.field(factory=dict)

    def __iadd__(self, other: DailyTally) -> DailyTally:
        for name in ("sent", "delivered", "clicks", "events", "revenue"):
            add_counts(getattr(self, name), getattr(other, name))
        return self

    def section(
        self, campaign: Campaign, selected_type: str, as_of: int | None
    ) -> tuple[DailyRow, ...]:
        """T-1: the rows of these counts, first send to the as-of day, without gaps."""
        sent = self.sent
        if as_of is None or not sent:
            return ()
        tracked = campaign.delivery_tracked
        clicks_on = campaign.click_tracking
        conversions_on = type_defined(campaign, selected_type)
        money_on = conversions_on and revenue_tracked(campaign)
        delivered, clicks, events = self.delivered, self.clicks, self.events
        first = min(sent)
        last = LocalDays(campaign.zone).date(as_of)
        # every counted instant lies in [first send, as-of]; widen defensively all the same
        for counter in (delivered, clicks, events):
            if counter:
                first = min(first, min(counter))
                last = max(last, max(counter))
        days = (last - first).days + 1
        if days > MAX_DAILY_DAYS:
            raise ConfigurationError(
                f"campaign '{campaign.id}': the daily series from {first} (the first send) to "
                f"{last} would have {days} rows, more than the limit of {MAX_DAILY_DAYS} "
                "days: narrow the report with --date-range (it starts the series) or --as-of "
                "(it ends it)",
                field="date_range",
            )
        rows = []
        day = first
        zero = Decimal(0)
        while day <= last:
            rows.append(
                DailyRow(
                    date=day.isoformat(),
                    sent=sent.get(day, 0),
                    delivered=delivered.get(day, 0) if tracked else None,  # CH-2
                    total_clicks=clicks.get(day, 0) if clicks_on else None,  # CH-3
                    conversion_events=events.get(day, 0) if conversions_on else None,
                    revenue=self.revenue.get(day, zero) if money_on else None,
                )
            )
            day += _ONE_DAY
        return tuple(rows)


def daily_tally(
    views: Sequence[MessageView],
    campaign: Campaign,
    attribution: Attribution,
    selected_type: str,
) -> DailyTally:
    """T-1: the per-day counts of :func:`daily_section`, in one pass."""
    zone = campaign.zone
    tracked = campaign.delivery_tracked
    clicks_on = campaign.click_tracking
    conversions_on = type_defined(campaign, selected_type)
    # The instants are counted per 15-minute UTC bucket first (integers, no dates), and
    # the buckets become days at the end: a bucket whose two ends have the same offset
    # and the same local date (as timezones.LocalDays decides) holds one day; the
    # instants of any other bucket are converted one at a time, in a second pass.
    sent_b: dict[int, int] = {}
    delivered_b: dict[int, int] = {}
    clicks_b: dict[int, int] = {}
    sent_get, delivered_get, clicks_get = sent_b.get, delivered_b.get, clicks_b.get
    delivered_outcome = Outcome.DELIVERED
    for v in views:
        send_us = v.send_us
        if send_us is None:  # not Sent
            continue
        b = send_us // _BUCKET_US
        sent_b[b] = sent_get(b, 0) + 1
        if tracked and v.outcome == delivered_outcome:
            receipt_us = v.receipt_us
            assert receipt_us is not None
            b = receipt_us // _BUCKET_US
            delivered_b[b] = delivered_get(b, 0) + 1
        if clicks_on:
            for c in v.clicks:
                b = c // _BUCKET_US
                clicks_b[b] = clicks_get(b, 0) + 1
    bucket_day: dict[int, dt.date | None] = {}
    for b in (*sent_b, *delivered_b, *clicks_b):
        if b not in bucket_day:
            bucket_day[b] = _bucket_day(b, zone)
    sent: Counter[dt.date] = Counter()
    delivered: Counter[dt.date] = Counter()
    clicks: Counter[dt.date] = Counter()
    for counter, by_bucket in ((sent, sent_b), (delivered, delivered_b), (clicks, clicks_b)):
        for b, n in by_bucket.items():
            day = bucket_day[b]
            if day is not None:
                counter[day] += n
    if any(day is None for day in bucket_day.values()):
        _count_split_buckets(views, bucket_day, zone, sent, delivered, clicks, tracked, clicks_on)
    day_of = LocalDays(zone).date
    events: dict[dt.date, int] = {}
    revenue: dict[dt.date, Decimal] = {}
    primary = campaign.primary_goal
    if conversions_on and primary is not None:
        # each attributed primary-goal event once, on the day it happened
        for digest in attribution.primary_events(selected_type, primary.name):
            info = attribution.events[digest]
            day = day_of(info.time)
            events[day] = events.get(day, 0) + 1
            money = revenue.get(day, Decimal(0))
            if info.revenue is not None:  # a conversion without revenue adds 0
                money += info.revenue
            revenue[day] = money
    return DailyTally(dict(sent), dict(delivered), dict(clicks), events, revenue)


def daily_section(
    views: Sequence[MessageView],
    campaign: Campaign,
    attribution: Attribution,
    selected_type: str,
    as_of: int | None,
) -> tuple[DailyRow, ...] | None:
    """T-1: one row per calendar day of the app's zone, first send to the as-of day.

    >>> from campaign_metrics.metrics import attribute
    >>> from campaign_metrics.model import Campaign
    >>> campaign = Campaign(id="c1", name="Spring", channel="sms", app_timezone="UTC")
    >>> day = 24 * 3_600_000_000
    >>> views = [
    ...     MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=1),
    ...     MessageView.sent_message("u2", send_us=day + 5),
    ... ]
    >>> a = attribute(views, campaign, {}, as_of=day + 9)
    >>> rows = daily_section(views, campaign, a, "view_through", day + 9)
    >>> [(r.date, r.sent, r.delivered) for r in rows]
    [('1970-01-01', 1, 1), ('1970-01-02', 1, 0)]
    """
    if as_of is None:
        return ()
    tally = daily_tally(views, campaign, attribution, selected_type)
    return tally.section(campaign, selected_type, as_of)

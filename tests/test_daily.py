"""The daily series (T-1, CH-5): calendar days of the app's zone.

Plain examples across America/New_York's DST changes (2026-03-08 has 23 hours,
2026-11-01 has 25), worked out by hand; then properties over generated journeys in zones
with odd offsets and DST rules: the days add up to the totals, run without gaps from the
first send's day to the as-of day, and (the oracle) the running sums up to each day's
end equal the report as of that instant.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_metrics import (
    Campaign,
    CampaignAccumulator,
    ConversionEvent,
    Goal,
    MessageEvent,
    Report,
)
from campaign_metrics.report import DailyRow
from campaign_metrics.timezones import get_zone, local_midnight
from tests.helpers import conversion, ev, make_campaign, report
from tests.strategies import T0, campaigns, conversions, logs, recipients

UTC = dt.timezone.utc
TYPES = ("view_through", "click_through", "in_session")
BUY = Goal(name="buy", event="purchase", primary=True, track_revenue=True)
NY = "America/New_York"


def z(text: str) -> dt.datetime:
    """A UTC instant from ``YYYY-MM-DDTHH:MM:SS``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _buy(user: str, at: str, amount: str) -> ConversionEvent:
    return conversion(user, z(at), revenue=Decimal(amount), event_id=f"{user}-{at}")


def _series(r: Report) -> list[tuple[str, int, int | None, int | None, int | None, Any]]:
    assert r.daily is not None
    return [
        (d.date, d.sent, d.delivered, d.total_clicks, d.conversion_events, d.revenue)
        for d in r.daily
    ]


def test_days_of_the_spring_dst_change() -> None:
    """T-1, CH-5: 2026-03-08 in New York runs 05:00Z → 04:00Z next day (23 h); instants
    near local midnight land on their local day, quiet days are zeros and the as-of day
    (03-11) is included."""
    campaign = make_campaign(app_timezone=NY, click_tracking=True, goals=[BUY])
    events = [
        ev("sent", z("2026-03-08T04:59:00"), "u1"),  # 03-07 23:59 EST
        ev("delivered", z("2026-03-08T05:00:00"), "u1"),  # 03-08 00:00 EST
        ev("clicked", z("2026-03-09T04:30:00"), "u1", url="https://e.x"),  # 03-09 00:30 EDT
        ev("sent", z("2026-03-09T03:59:00"), "u2"),  # 03-08 23:59 EDT
        ev("clicked", z("2026-03-09T03:59:30"), "u2", url="https://e.x"),  # 03-08 23:59 EDT
        ev("delivered", z("2026-03-09T04:00:00"), "u2"),  # 03-09 00:00 EDT
    ]
    convs = [
        _buy("u1", "2026-03-09T04:30:00", "12.50"),  # 03-09 00:30 EDT
        _buy("u2", "2026-03-10T03:59:00", "7.5"),  # 03-09 23:59 EDT
    ]
    r = report(campaign, events, conversions=convs, as_of=z("2026-03-11T12:00:00"))
    assert _series(r) == [
        ("2026-03-07", 1, 0, 0, 0, Decimal(0)),
        ("2026-03-08", 1, 1, 1, 0, Decimal(0)),
        ("2026-03-09", 0, 1, 1, 2, Decimal("20.00")),
        ("2026-03-10", 0, 0, 0, 0, Decimal(0)),
        ("2026-03-11", 0, 0, 0, 0, Decimal(0)),
    ]


def test_days_of_the_autumn_dst_change() -> None:
    """T-1, CH-5: 2026-11-01 in New York runs 04:00Z → 05:00Z next day (25 h)."""
    campaign = make_campaign(app_timezone=NY, click_tracking=True, goals=[BUY])
    events = [
        ev("sent", z("2026-11-01T03:59:59"), "u1"),  # 10-31 23:59:59 EDT
        ev("delivered", z("2026-11-01T04:00:00"), "u1"),  # 11-01 00:00 EDT
        ev("clicked", z("2026-11-02T04:30:00"), "u1", url="https://e.x"),  # 11-01 23:30 EST
        ev("sent", z("2026-11-02T05:00:00"), "u2"),  # 11-02 00:00 EST
        ev("delivered", z("2026-11-02T05:30:00"), "u2"),
    ]
    convs = [_buy("u1", "2026-11-02T04:59:59", "3")]  # 11-01 23:59:59 EST
    r = report(campaign, events, conversions=convs, as_of=z("2026-11-03T05:00:00"))
    assert _series(r) == [
        ("2026-10-31", 1, 0, 0, 0, Decimal(0)),
        ("2026-11-01", 0, 1, 1, 1, Decimal(3)),
        ("2026-11-02", 1, 1, 0, 0, Decimal(0)),
        ("2026-11-03", 0, 0, 0, 0, Decimal(0)),  # the as-of day, 00:00 EST
    ]


def test_the_same_log_in_utc_has_other_days() -> None:
    """CH-5: the day is the app's, not UTC's."""
    campaign = make_campaign(click_tracking=True)
    events = [
        ev("sent", z("2026-11-01T03:59:59"), "u1"),
        ev("sent", z("2026-11-02T05:00:00"), "u2"),
    ]
    r = report(campaign, events, as_of=z("2026-11-02T06:00:00"))
    assert [(d.date, d.sent) for d in r.daily or ()] == [("2026-11-01", 1), ("2026-11-02", 1)]


def test_a_message_counts_on_its_send_day_not_its_first_attempt() -> None:
    """T-1, D-1: the series starts on the day of the first send; a failed send is not
    Sent and an earlier `attempted` does not move the message's day."""
    events = [
        ev("attempted", z("2026-05-01T10:00:00"), "u1"),
        ev("sent", z("2026-05-02T10:00:00"), "u1"),
        ev("send_failed", z("2026-05-01T10:00:00"), "u2", error_code="30007"),
    ]
    r = report(make_campaign(), events, as_of=z("2026-05-02T12:00:00"))
    assert [(d.date, d.sent) for d in r.daily or ()] == [("2026-05-02", 1)]


def test_no_send_means_an_empty_series() -> None:
    """T-1 (decision): without a first send there is no day to start from."""
    r = report(make_campaign(), [ev("attempted", 0)])
    assert r.daily == ()
    assert report(make_campaign(), []).daily == ()


def test_keys_are_null_like_the_campaigns() -> None:
    """CH-2, CH-3, A-10: sent-only has no `delivered`, no click tracking no clicks, no
    goal no conversions."""
    events = [ev("sent", 0), ev("delivered", 1), ev("clicked", 2, url="https://e.x")]
    r = report(make_campaign(provider="custom"), events)
    assert r.daily == (
        DailyRow(
            date="2026-05-04",
            sent=1,
            delivered=None,
            total_clicks=None,
            conversion_events=None,
            revenue=None,
        ),
    )


def test_revenue_is_null_unless_the_primary_goal_tracks_it() -> None:
    """A-11, O-8: conversions counted, revenue null (MMS without advanced attribution)."""
    campaign = make_campaign("mms", goals=[BUY], advanced_revenue_attribution=False)
    events = [ev("sent", 0), ev("delivered", 1)]
    r = report(campaign, events, conversions=[conversion("u1", 2, revenue=Decimal(5))])
    assert [(d.conversion_events, d.revenue) for d in r.daily or ()] == [(1, None)]


def test_click_based_conversions_are_null_without_click_tracking() -> None:
    """CH-3, A-12: under click-through without click tracking, conversions are null."""
    events = [ev("sent", 0), ev("delivered", 1)]
    r = report(
        make_campaign(goals=[BUY]),
        events,
        conversions=[conversion("u1", 2)],
        attribution="click_through",
    )
    assert [(d.total_clicks, d.conversion_events, d.revenue) for d in r.daily or ()] == [
        (None, None, None)
    ]


def test_expired_clicks_and_later_deliveries_are_not_counted() -> None:
    """T-1, K-2, D-5: an expired click is on no day; a delivery counts once, on the day
    of the earliest receipt; an SMS fallback is not a delivery (D-6)."""
    events = [
        ev("sent", 0, "u1"),
        ev("delivered", 30, "u1"),  # 2026-05-05
        ev("delivered", 60, "u1"),  # a later receipt: same message, not counted again
        ev("clicked", 360, "u1", url="https://e.x"),  # exactly + 360 h still counts
        ev("clicked", 361, "u1", url="https://e.x"),  # expired
        ev("sent", 0, "u2"),
        ev("sms_fallback", 1, "u2"),
    ]
    r = report(make_campaign("mms", click_tracking=True), events, as_of=z("2026-05-20T00:00:00"))
    assert r.daily is not None
    by_day = {d.date: d for d in r.daily}
    assert len(r.daily) == 17  # 05-04 .. 05-20
    assert by_day["2026-05-05"].delivered == 1
    assert sum(d.delivered or 0 for d in r.daily) == 1
    assert by_day["2026-05-19"].total_clicks == 1  # 05-04 07:00 + 360 h = 05-19 07:00
    assert sum(d.total_clicks or 0 for d in r.daily) == 1


# --------------------------------------------------------------------------- properties

ZONES = (
    "UTC",
    NY,
    "Europe/London",
    "Australia/Lord_Howe",  # DST of 30 minutes
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45
)
#: where the generated logs start: no change, or just before a DST change of the zones
STARTS = (
    T0,
    z("2026-03-07T20:00:00"),  # New York: 03-08
    z("2026-03-28T20:00:00"),  # London: 03-29
    z("2026-04-03T20:00:00"),  # Lord Howe and Chatham: 04-05
    z("2026-09-26T20:00:00"),  # Chatham: 09-27
    z("2026-10-03T10:00:00"),  # Lord Howe: 10-04
    z("2026-10-24T20:00:00"),  # London: 10-25
    z("2026-10-31T20:00:00"),  # New York: 11-01
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Campaign, list[Any], Any, dt.datetime | None, str]:
    """A campaign in one of :data:`ZONES`, its log (with conversions) moved to start
    near a DST change, recipients, an as-of instant (or none) and an attribution type."""
    campaign = attrs.evolve(draw(campaigns()), app_timezone=draw(st.sampled_from(ZONES)))
    shift = draw(st.sampled_from(STARTS)) - T0
    log: list[Any] = [*draw(logs(campaign)), *draw(conversions())]
    log = [attrs.evolve(e, time=e.time + shift) for e in log]
    people = draw(st.one_of(st.none(), recipients()))
    as_of = draw(
        st.one_of(
            st.none(), st.integers(-10, 22_000).map(lambda m: T0 + shift + dt.timedelta(minutes=m))
        )
    )
    return campaign, log, people, as_of, draw(st.sampled_from(TYPES))


def _report(campaign: Campaign, log: list[Any], people: Any, as_of: Any, type_: str) -> Report:
    acc = CampaignAccumulator(campaign, people).add_all(log)
    return acc.report(as_of=as_of, attribution=type_)


def _total(rows: tuple[DailyRow, ...], key: str, expected: Any) -> None:
    values = [getattr(d, key) for d in rows]
    if expected is None:
        assert values == [None] * len(values), key
    else:
        assert sum(values, start=Decimal(0) if key == "revenue" else 0) == expected, key


@given(scenarios())
@settings(max_examples=100)
def test_days_add_up_to_the_totals_without_gaps(scenario: Any) -> None:
    """T-1: in every zone and at every as-of instant the days add up to the report's
    totals and run without gaps from the first send's day to the as-of day."""
    campaign, log, people, as_of, type_ = scenario
    r = _report(campaign, log, people, as_of, type_)
    rows = r.daily
    assert rows is not None
    conv = r.conversion.for_type(type_)
    if not rows:
        assert r.delivery.sent == 0
        return
    assert sum(d.sent for d in rows) == r.delivery.sent
    _total(rows, "delivered", r.delivery.delivered)
    _total(rows, "total_clicks", r.engagement.total_clicks)
    _total(rows, "conversion_events", conv.conversion_events)
    _total(rows, "revenue", conv.revenue)
    days = [dt.date.fromisoformat(d.date) for d in rows]
    assert days == [days[0] + dt.timedelta(days=i) for i in range(len(days))]
    assert rows[0].sent > 0  # the first day is the first send's
    assert r.as_of is not None
    assert days[-1] == dt.datetime.fromisoformat(r.as_of).date()  # the as-of day, local


@given(scenarios())
@settings(max_examples=40)
def test_running_sums_are_the_report_as_of_each_days_end(scenario: Any) -> None:
    """T-1, D-7 (oracle): the days up to D hold what a report as of the last instant of
    D counts — sent and clicks always; deliveries and conversions too when no message
    fell back to SMS (the one thing that takes them away, D-6, A-7)."""
    campaign, log, people, as_of, type_ = scenario
    r = _report(campaign, log, people, as_of, type_)
    rows = r.daily
    assert rows is not None
    stable = not r.delivery.sent_as_sms
    zone = get_zone(campaign.app_timezone)
    assert r.as_of is not None or not rows
    limit = dt.datetime.fromisoformat(r.as_of) if r.as_of is not None else None
    running: dict[str, Any] = {}
    for d in rows[:6]:
        for key in ("sent", "delivered", "total_clicks", "conversion_events", "revenue"):
            value = getattr(d, key)
            if value is not None:
                running[key] = running.get(key, 0) + value
        next_day = dt.date.fromisoformat(d.date) + dt.timedelta(days=1)
        end = dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(
            microseconds=local_midnight(next_day, zone) - 1
        )
        assert limit is not None
        then = _report(campaign, log, people, min(end, limit), type_)
        conv = then.conversion.for_type(type_)
        assert running["sent"] == then.delivery.sent
        assert running.get("total_clicks") == then.engagement.total_clicks
        if stable:
            assert running.get("delivered") == then.delivery.delivered
            assert running.get("conversion_events") == conv.conversion_events
            assert running.get("revenue") == conv.revenue


def test_generated_logs_cross_a_dst_change() -> None:
    """The properties above are meaningful: a shifted log does cross New York's change,
    and the day of 23 hours is a row like any other."""
    shift = STARTS[1] - T0
    campaign = make_campaign(app_timezone=NY)
    log = [
        MessageEvent(type="sent", time=T0 + shift + dt.timedelta(hours=h), user_id=f"u{h}")
        for h in (0, 10, 30)
    ]
    r = _report(campaign, log, None, None, "view_through")
    # 03-07 20:00Z = 15:00 EST; +10 h = 03-08 01:00 EST; +30 h = 03-09 02:00Z = 03-08 22:00 EDT
    assert [(d.date, d.sent) for d in r.daily or ()] == [("2026-03-07", 1), ("2026-03-08", 2)]


@given(
    st.sampled_from(
        [
            "America/New_York",
            "Europe/London",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "Pacific/Chatham",
            "America/Sao_Paulo",
        ]
    ),
    st.integers(-(10**15), 4 * 10**15),
    st.booleans(),
)
def test_fast_local_days_equal_the_zone_conversion(name: str, us: int, zoneinfo: bool) -> None:
    """CH-5, T-1: the bucketed day lookup equals converting each instant."""
    import zoneinfo as zi

    from campaign_metrics.timezones import LocalDays, get_zone, local_date

    zone = zi.ZoneInfo(name) if zoneinfo else get_zone(name)
    days = LocalDays(zone)
    for t in (us, us + 1, us + 899_999_999, us - 1):
        assert days.date(t) == local_date(t, zone)


@given(scenarios())
@settings(max_examples=60)
def test_bucketed_counts_equal_counting_each_instant(scenario: Any) -> None:
    """T-1: counting sends, deliveries and clicks per 15-minute bucket gives the same
    days as converting every instant (every bucket forced onto the slow path)."""
    from unittest import mock

    from campaign_metrics.metrics import daily

    campaign, log, people, as_of, type_ = scenario
    fast = _report(campaign, log, people, as_of, type_).daily
    with mock.patch.object(daily, "_bucket_day", return_value=None):
        slow = _report(campaign, log, people, as_of, type_).daily
    assert fast == slow

"""Breakdowns: locale × variation (B-1), send mode (B-3), time-zone delivery (B-4).

Plain examples worked out by hand from RULES.md, then properties: every row equals the
campaign sections of a report over only its users' records (the oracle), and the rows
partition the whole-campaign row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_metrics import (
    Campaign,
    CampaignAccumulator,
    ConversionEvent,
    Goal,
    GoalFilter,
    MessageEvent,
    Recipient,
    Report,
)
from campaign_metrics.report import GoalResult, LocaleVariationRow
from tests.helpers import conversion, ev, make_campaign, report
from tests.strategies import T0, campaigns, conversions, logs, recipients

TYPES = ("view_through", "click_through", "in_session")
BUY = Goal(name="buy", event="purchase", primary=True, track_revenue=True)
BIG = Goal(
    name="big",
    event="purchase",
    filters=(GoalFilter(property="amount", op="gte", value=50),),
)

Key = tuple[str | None, str | None]


def _rows(r: Report) -> dict[Key, LocaleVariationRow]:
    rows = r.breakdowns.locale_variation
    assert rows is not None
    return {(row.locale, row.variation): row for row in rows}


def _buy(user: str, hours: float, amount: int) -> ConversionEvent:
    return conversion(
        user,
        hours,
        revenue=Decimal(amount),
        properties={"amount": amount},
        event_id=f"{user}{hours}",
    )


# --------------------------------------------------------------------------- B-1 example

PEOPLE = [
    Recipient(user_id="u1", locale="en", variation="A"),
    Recipient(user_id="u2", locale="en", variation="B"),
    Recipient(user_id="u3", locale="fr", variation="A"),
    Recipient(user_id="u4", variation="B"),  # no locale: the `default` locale
    Recipient(user_id="u5", locale="en"),  # no variation
    Recipient(user_id="u7", locale="fr", variation="B"),
    Recipient(user_id="u8", locale="fr", variation="A"),  # listed, never messaged
]
# u6 is not in recipients.csv: locale `default`, no variation
EVENTS = [
    ev("sent", 0, "u1"),
    ev("delivered", 0.1, "u1"),
    ev("clicked", 1, "u1", url="https://e.x/a"),
    ev("clicked", 2, "u1", url="https://e.x/a"),
    ev("sent", 0, "u2"),
    ev("delivered", 0.2, "u2"),
    ev("clicked", 1, "u2", url="https://e.x/a"),
    ev("sent", 0, "u3"),  # in transit: converts nothing
    ev("sent", 0, "u4", send_mode="bts", tz_mode="user"),
    ev("delivered", 0.5, "u4"),
    ev("sent", 0, "u5", send_mode="most_active", tz_mode="default_lapsed"),
    ev("delivered", 1, "u5"),
    ev("clicked", 2, "u5", url="https://e.x/a"),
    ev("sent", 0, "u6"),
    ev("delivered", 1, "u6"),
    ev("attempted", 0, "u7"),
    ev("send_failed", 0, "u7", error_code="30007"),
]
CONVERSIONS = [
    _buy("u1", 3, 60),  # buy and big
    _buy("u2", 5, 10),  # buy only
    _buy("u3", 2, 20),  # u3 not Delivered: not attributed
    _buy("u4", 1, 5),
    _buy("u4", 2, 70),
]


def _example(**settings: Any) -> Report:
    campaign = make_campaign(click_tracking=True, goals=[BUY, BIG], **settings)
    return report(campaign, EVENTS, recipients=PEOPLE, conversions=CONVERSIONS)


def _goals(buy: tuple[int, int, int], big: tuple[int, int]) -> tuple[GoalResult, ...]:
    return (
        GoalResult(
            name="buy",
            primary=True,
            total_conversions=buy[0],
            unique_conversions=buy[1],
            revenue=Decimal(buy[2]),
        ),
        GoalResult(
            name="big",
            primary=False,
            total_conversions=big[0],
            unique_conversions=big[1],
            revenue=None,
        ),
    )


def _row(
    key: Key,
    delivery: tuple[int, int, int] | None,
    delivered: int,
    clicks: tuple[int, int],
    conv: tuple[int, int, float | None, int],
    big: tuple[int, int],
) -> LocaleVariationRow:
    converted, events, cvr, revenue = conv
    return LocaleVariationRow(
        locale=key[0],
        variation=key[1],
        attempted=delivery[0] if delivery else None,
        sent=delivery[1] if delivery else None,
        failed_to_send=delivery[2] if delivery else None,
        delivered=delivered,
        total_clicks=clicks[0],
        unique_clickers=clicks[1],
        converted_users=converted,
        conversion_events=events,
        cvr=cvr,
        revenue=Decimal(revenue),
        goals=_goals((events, converted, revenue), big),
    )


def test_locale_variation_rows_worked_example() -> None:
    """B-1: rows by locale, by variation, or both — each variation and each locale over
    all the others, the delivery counts only in the all-locales rows, the whole campaign;
    users without a locale are `default`."""
    r = _example()
    expected = [
        # the whole campaign: 7 attempted (u1..u7), u7 failed; Delivered u1 u2 u4 u5 u6;
        # clicks u1×2 u2 u5; converted u1 u2 u4 with 4 events worth 60+10+5+70
        _row((None, None), (7, 6, 1), 5, (4, 3), (3, 4, 60.0, 145), (2, 2)),
        _row((None, "A"), (2, 2, 0), 1, (2, 1), (1, 1, 100.0, 60), (1, 1)),  # u1 u3
        _row((None, "B"), (3, 2, 1), 2, (1, 1), (2, 3, 100.0, 85), (1, 1)),  # u2 u4 u7
        _row(("default", None), None, 2, (0, 0), (1, 2, 50.0, 75), (1, 1)),  # u4 u6
        _row(("default", "B"), None, 1, (0, 0), (1, 2, 100.0, 75), (1, 1)),  # u4
        _row(("en", None), None, 3, (4, 3), (2, 2, 200 / 3, 70), (1, 1)),  # u1 u2 u5
        _row(("en", "A"), None, 1, (2, 1), (1, 1, 100.0, 60), (1, 1)),  # u1
        _row(("en", "B"), None, 1, (1, 1), (1, 1, 100.0, 10), (0, 0)),  # u2
        _row(("fr", None), None, 0, (0, 0), (0, 0, None, 0), (0, 0)),  # u3 u7 u8
        _row(("fr", "A"), None, 0, (0, 0), (0, 0, None, 0), (0, 0)),  # u3, u8: CVR undefined
        _row(("fr", "B"), None, 0, (0, 0), (0, 0, None, 0), (0, 0)),  # u7
    ]
    assert r.breakdowns.locale_variation == tuple(expected)


def test_whole_campaign_row_is_the_campaign() -> None:
    """B-1, A-12: the whole-campaign row carries the report's own totals."""
    r = _example()
    whole = _rows(r)[(None, None)]
    conv = r.conversion.view_through
    assert (whole.attempted, whole.sent, whole.failed_to_send, whole.delivered) == (
        r.delivery.attempted,
        r.delivery.sent,
        r.delivery.failed_to_send,
        r.delivery.delivered,
    )
    assert (whole.total_clicks, whole.unique_clickers) == (
        r.engagement.total_clicks,
        r.engagement.unique_clickers,
    )
    assert (whole.converted_users, whole.conversion_events, whole.cvr, whole.revenue) == (
        conv.converted_users,
        conv.conversion_events,
        conv.cvr,
        conv.revenue,
    )
    assert whole.goals == conv.goals


def test_locale_variation_uses_the_selected_attribution_type() -> None:
    """B-1, A-12: in-session counts only conversions within 30 minutes of a click."""
    campaign = make_campaign(click_tracking=True, goals=[BUY])
    events = [
        ev("sent", 0, "u1"),
        ev("delivered", 0, "u1"),
        ev("clicked", 1, "u1", url="https://e.x/a"),
        ev("sent", 0, "u2"),
        ev("delivered", 0, "u2"),
    ]
    convs = [_buy("u1", 1.25, 10), _buy("u1", 3, 20), _buy("u2", 2, 40)]
    people = [Recipient(user_id="u1", locale="en"), Recipient(user_id="u2", locale="fr")]
    view = _rows(report(campaign, events, recipients=people, conversions=convs))
    session = _rows(
        report(campaign, events, recipients=people, conversions=convs, attribution="in_session")
    )
    assert view[("en", None)].conversion_events == 2
    assert view[("fr", None)].conversion_events == 1
    assert view[(None, None)].revenue == Decimal(70)
    assert session[("en", None)].conversion_events == 1  # only 1.25 h: 15 min after the click
    assert session[("en", None)].revenue == Decimal(10)
    assert session[("fr", None)].conversion_events == 0  # u2 never clicked
    assert session[(None, None)].cvr == 50.0  # 1 of 2 Delivered


def test_locale_variation_without_recipients_is_one_default_cell() -> None:
    """B-1: without recipients.csv every user is in the `default` locale."""
    r = report(make_campaign(), [ev("sent", 0, "u1"), ev("sent", 0, "u2")])
    rows = r.breakdowns.locale_variation
    assert rows is not None
    assert [(row.locale, row.variation, row.sent) for row in rows] == [
        (None, None, 2),
        ("default", None, None),
    ]
    assert rows[1].delivered == 0
    # no goal, so every conversion key is null (and the goals list empty)
    assert (rows[0].converted_users, rows[0].cvr, rows[0].revenue) == (None, None, None)
    assert rows[0].goals == ()


def test_locale_variation_cvr_is_over_sent_when_sent_only() -> None:
    """B-1, CH-2, R-2: sent-only, `delivered` is null and CVR is over Sent."""
    campaign = make_campaign(provider="custom", goals=[BUY])
    events = [ev("sent", 0, "u1"), ev("sent", 0, "u2"), ev("delivered", 1, "u2")]
    people = [Recipient(user_id="u1", locale="en"), Recipient(user_id="u2", locale="en")]
    rows = _rows(report(campaign, events, recipients=people, conversions=[_buy("u1", 2, 10)]))
    en = rows[("en", None)]
    assert en.delivered is None
    assert (en.converted_users, en.cvr) == (1, 50.0)


def test_empty_campaign_has_only_the_whole_campaign_row() -> None:
    """B-1: the whole-campaign row exists with zeros and undefined rates."""
    r = report(make_campaign(goals=[BUY]), [])
    rows = r.breakdowns.locale_variation
    assert rows is not None
    assert [(row.locale, row.variation, row.sent, row.cvr) for row in rows] == [
        (None, None, 0, None)
    ]


# --------------------------------------------------------------------------- B-3, B-4


def test_send_mode_rows_worked_example() -> None:
    """B-3: Sent messages by send mode; a send without one is `default`."""
    rows = _example().breakdowns.send_mode
    assert rows is not None
    assert [(m.mode, m.sent, m.delivered, m.unique_clickers, m.converted_users) for m in rows] == [
        ("bts", 1, 1, 0, 1),  # u4
        ("default", 4, 3, 2, 2),  # u1 u2 u3 u6: u3 in transit; u1 u2 clicked and converted
        ("most_active", 1, 1, 1, 0),  # u5
    ]


def test_send_mode_comes_from_the_earliest_200_send() -> None:
    """B-3, D-1: the mode of the earliest 200 send; a non-200 send does not count."""
    events = [
        ev("sent", 0, "u1", response_code=503, send_mode="most_active"),
        ev("sent", 1, "u1", send_mode="bts"),
        ev("sent", 2, "u1", send_mode="most_active"),
        ev("delivered", 3, "u2"),  # D-12: Sent without a 200 send, mode `default`
    ]
    rows = report(make_campaign(), events).breakdowns.send_mode
    assert rows is not None
    assert {m.mode: m.sent for m in rows} == {"bts": 1, "default": 1, "most_active": 0}


def test_timezone_delivery_worked_example() -> None:
    """B-4: Sent messages by `tz_mode`; without one, `unknown`; u7 (not Sent) in none."""
    tz = _example().breakdowns.timezone
    assert tz is not None
    assert (tz.user, tz.default_lapsed, tz.unknown) == (1, 1, 4)


# --------------------------------------------------------------------------- CH-3


def test_click_keys_are_null_without_click_tracking() -> None:
    """CH-3: every click key of the breakdowns is null (not 0) when tracking is off."""
    campaign = make_campaign(goals=[BUY, BIG])
    r = report(campaign, EVENTS, recipients=PEOPLE, conversions=CONVERSIONS)
    for row in _rows(r).values():
        assert (row.total_clicks, row.unique_clickers) == (None, None)
        assert row.converted_users is not None  # view-through needs no clicks
    assert r.breakdowns.send_mode is not None
    assert all(m.unique_clickers is None for m in r.breakdowns.send_mode)


def test_click_based_conversions_are_null_without_click_tracking() -> None:
    """CH-3, A-12: under a click-based type, conversions are null too."""
    campaign = make_campaign(goals=[BUY, BIG])
    r = report(
        campaign, EVENTS, recipients=PEOPLE, conversions=CONVERSIONS, attribution="click_through"
    )
    for row in _rows(r).values():
        assert (row.converted_users, row.conversion_events, row.cvr, row.revenue) == (
            None,
            None,
            None,
            None,
        )
        assert row.goals == ()  # a list-shaped key is empty, never null
    assert r.breakdowns.send_mode is not None
    assert all(m.converted_users is None for m in r.breakdowns.send_mode)


# --------------------------------------------------------------------------- properties


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Campaign, list[Any], list[Recipient] | None, Any, str]:
    campaign = draw(campaigns())
    log: list[Any] = [*draw(logs(campaign)), *draw(conversions())]
    people = draw(st.one_of(st.none(), recipients()))
    as_of = T0 + dt.timedelta(minutes=draw(st.integers(-10, 4000)))
    return campaign, log, people, as_of, draw(st.sampled_from(TYPES))


def _report(
    campaign: Campaign, log: list[Any], people: list[Recipient] | None, as_of: Any, type_: str
) -> Report:
    return CampaignAccumulator(campaign, people).add_all(log).report(as_of=as_of, attribution=type_)


def _cell_of(user: str, people: list[Recipient] | None) -> Key:
    for p in people or ():
        if p.user_id == user:
            return (p.locale or "default", p.variation)
    return ("default", None)


SUMMED = ("delivered", "total_clicks", "unique_clickers", "converted_users", "conversion_events")


def _assert_sum(rows: list[LocaleVariationRow], key: str, expected: Any) -> None:
    """The rows' values of ``key`` add up to ``expected`` (all null when it is null)."""
    values = [getattr(row, key) for row in rows]
    if expected is None:
        assert values == [None] * len(values), key
    else:
        assert sum(values, start=Decimal(0) if key == "revenue" else 0) == expected, key


@given(scenarios())
@settings(max_examples=40)
def test_each_row_equals_the_report_of_its_users_alone(scenario: Any) -> None:
    """B-1 (oracle): a row's counts are the campaign sections of a report over only the
    records of its users — their messages and their conversions."""
    campaign, log, people, as_of, type_ = scenario
    rows = _rows(_report(campaign, log, people, as_of, type_))
    for (locale, variation), row in rows.items():
        if locale is None and variation is None:
            mine = log
        elif locale is None:
            mine = [e for e in log if e.user_id and _cell_of(e.user_id, people)[1] == variation]
        elif variation is None:
            mine = [e for e in log if e.user_id and _cell_of(e.user_id, people)[0] == locale]
        else:
            mine = [
                e for e in log if e.user_id and _cell_of(e.user_id, people) == (locale, variation)
            ]
        alone = _report(campaign, mine, people, as_of, type_)
        conv = alone.conversion.for_type(type_)
        assert row.delivered == alone.delivery.delivered
        assert (row.total_clicks, row.unique_clickers) == (
            alone.engagement.total_clicks,
            alone.engagement.unique_clickers,
        )
        assert (row.converted_users, row.conversion_events, row.cvr, row.revenue, row.goals) == (
            conv.converted_users,
            conv.conversion_events,
            conv.cvr,
            conv.revenue,
            conv.goals,
        )
        if locale is None:
            assert (row.attempted, row.sent, row.failed_to_send) == (
                alone.delivery.attempted,
                alone.delivery.sent,
                alone.delivery.failed_to_send,
            )
        else:
            assert (row.attempted, row.sent, row.failed_to_send) == (None, None, None)


@given(scenarios())
@settings(max_examples=80)
def test_rows_partition_the_whole_campaign_row(scenario: Any) -> None:
    """B-1, B-3, B-4: cells sum to their variation's all-locales row and to the whole
    campaign; send modes and time-zone modes partition Sent."""
    campaign, log, people, as_of, type_ = scenario
    r = _report(campaign, log, people, as_of, type_)
    rows = _rows(r)
    whole = rows[(None, None)]
    by_locale = [row for (loc, var), row in rows.items() if loc is not None and var is None]
    by_variation = [row for (loc, var), row in rows.items() if loc is None and var is not None]
    for key in (*SUMMED, "revenue"):
        _assert_sum(by_locale, key, getattr(whole, key))
        for v in by_variation:
            mine = [
                row for (loc, var), row in rows.items() if loc is not None and var == v.variation
            ]
            assert mine
            _assert_sum(mine, key, getattr(v, key))
        for loc_row in by_locale:
            assert (loc_row.locale, None) in rows
    for key in ("attempted", "sent", "failed_to_send"):
        assert getattr(whole, key) == getattr(r.delivery, key)
    assert list(rows) == sorted(
        rows, key=lambda k: (k[0] is not None, k[0] or "", k[1] is not None, k[1] or "")
    )
    modes = r.breakdowns.send_mode
    tz = r.breakdowns.timezone
    assert modes is not None
    assert tz is not None
    assert [m.mode for m in modes] == ["bts", "default", "most_active"]
    assert sum(m.sent for m in modes) == r.delivery.sent
    assert tz.user + tz.default_lapsed + tz.unknown == r.delivery.sent
    for key in ("delivered", "unique_clickers", "converted_users"):
        values = [getattr(m, key) for m in modes]
        assert (None if None in values else sum(values)) == getattr(whole, key), key


def test_users_without_a_variation_have_no_all_locales_row() -> None:
    """B-1: users without a variation are in their locale's row `(locale, None)` — every
    user of the locale — and in the whole-campaign row, never in an all-locales variation
    row; every locale has its row, also when all its users have a variation."""
    people = [Recipient(user_id="u0", locale="en", variation="A"), Recipient(user_id="u1")]
    log = [MessageEvent(type="sent", time=T0, user_id=u) for u in ("u0", "u1", "u2")]
    rows = _rows(report(make_campaign(click_tracking=True), log, recipients=people))
    assert list(rows) == [
        (None, None),
        (None, "A"),
        ("default", None),
        ("en", None),
        ("en", "A"),
    ]
    assert [row.sent for row in rows.values()] == [3, 1, None, None, None]
    assert [row.delivered for row in rows.values()] == [0, 0, 0, 0, 0]  # none Delivered yet


def test_locale_row_counts_every_variation_of_the_locale() -> None:
    """B-1: `(de, null)` is the locale `de` over all variations — de/A delivered 2 and
    de/B delivered 1 make de/null delivered 3 (not 0)."""
    people = [
        Recipient(user_id="a1", locale="de", variation="A"),
        Recipient(user_id="a2", locale="de", variation="A"),
        Recipient(user_id="b1", locale="de", variation="B"),
        Recipient(user_id="f1", locale="fr", variation="B"),
    ]
    log = [MessageEvent(type="sent", time=T0, user_id=p.user_id) for p in people]
    log += [
        MessageEvent(type="delivered", time=T0 + dt.timedelta(minutes=1), user_id=p.user_id)
        for p in people
    ]
    rows = _rows(report(make_campaign(click_tracking=True), log, recipients=people))
    assert rows[("de", "A")].delivered == 2
    assert rows[("de", "B")].delivered == 1
    assert rows[("de", None)].delivered == 3
    assert rows[("fr", None)].delivered == 1  # a locale whose users all have a variation

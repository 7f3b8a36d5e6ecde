"""Worked examples of the attribution rules (RULES.md A-1..A-13, CH-3, R-2, R-3, O-8, X-8).

Every expected number is computed by hand from the rule named in the test, and the
worked examples of the source documents (000: MMS attribution types and the A/B/C users;
004: converted users per instance) use the documents' own numbers. All times are UTC;
``at(7)`` is 07:00 on 2026-05-04.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from campaign_metrics import Campaign, CampaignInput, ConfigurationError, MessageEvent, Report
from tests.attribution_helpers import (
    PURCHASE_GOAL,
    TYPES,
    US,
    at,
    conv,
    goal_row,
    make_campaign,
    message,
    result,
    run,
    single,
)

H = dt.timedelta(hours=1)

# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conversion_time", "expected"),
    [
        pytest.param(at(7) - US, 0, id="one-us-before-receipt"),
        pytest.param(at(7), 1, id="at-receipt"),
        pytest.param(at(13), 1, id="inside"),
        pytest.param(at(19), 1, id="exactly-19:00"),
        pytest.param(at(19) + US, 0, id="19:00:00.000001"),
    ],
)
def test_a3_view_through_000_example_received_7_window_12h_counts_until_19(
    conversion_time: dt.datetime, expected: int
) -> None:
    """A-3 (000): received 7:00, window 12 h → events until 19:00 count, both ends closed."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(6), delivered=at(7))
    r = single(c, events, [conv("u1", conversion_time, "p1", "10.10")])
    vt = result(r, "view_through")
    assert vt.converted_users == expected
    assert vt.conversion_events == expected
    assert goal_row(r, "buy").total_conversions == expected


def test_a3_view_through_both_window_ends_in_one_log() -> None:
    """A-3: of 19:00 and 19:00:00.000001, only 19:00 counts; a conversion after the send
    but before the receipt does not count either (the window starts at the receipt, A-2)."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(6), delivered=at(7))
    convs = [
        conv("u1", at(6, 30), "before", "1.00"),
        conv("u1", at(19), "end", "2.00"),
        conv("u1", at(19) + US, "past", "4.00"),
    ]
    r = single(c, events, convs)
    vt = result(r)
    assert vt.converted_users == 1
    assert vt.conversion_events == 1
    assert vt.revenue == Decimal("2.00")


def test_a3_view_through_includes_clickers() -> None:
    """A-3 Decision: clickers are included in view-through."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", at(8, 10), "p1")])
    assert result(r, "view_through").conversion_events == 1
    assert result(r, "view_through").converted_users == 1


# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conversion_time", "click_through", "view_through"),
    [
        pytest.param(at(7, 30), 0, 1, id="before-the-click"),
        pytest.param(at(8), 1, 1, id="at-the-click"),
        pytest.param(at(19, 30), 1, 0, id="after-view-window-inside-click-window"),
        pytest.param(at(20), 1, 0, id="exactly-20:00"),
        pytest.param(at(20) + US, 0, 0, id="20:00:00.000001"),
    ],
)
def test_a4_click_through_000_example_clicked_8_counts_until_20(
    conversion_time: dt.datetime, click_through: int, view_through: int
) -> None:
    """A-4 (000): received 7:00, clicked 8:00, window 12 h → click-through until 20:00,
    closed at both ends, whatever the view-through window says."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", conversion_time, "p1")])
    assert result(r, "click_through").conversion_events == click_through
    assert result(r, "click_through").converted_users == click_through
    assert result(r, "view_through").conversion_events == view_through


def test_a4_click_after_view_through_window_opens_its_own_window() -> None:
    """A-4: the click-through window does not depend on the view-through window."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(20)])
    r = single(c, events, [conv("u1", at(21), "p1")])
    assert result(r, "view_through").conversion_events == 0
    assert result(r, "click_through").conversion_events == 1


def test_a4_two_clicks_union_of_windows_event_counted_once() -> None:
    """A-4: each click opens a window; an event inside two click windows counts once.
    Clicks 8:00 and 15:00, window 12 h: 19:00 is in both, 02:00 next day in the second."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8), at(15)])
    convs = [conv("u1", at(19), "p1"), conv("u1", at(2, day=1), "p2")]
    r = single(c, events, convs)
    ct = result(r, "click_through")
    assert ct.conversion_events == 2
    assert ct.converted_users == 1
    assert result(r, "view_through").conversion_events == 1  # 19:00 exactly; 02:00 is past


@pytest.mark.parametrize(
    ("click_offset", "expected"),
    [
        pytest.param(dt.timedelta(hours=360), 1, id="exactly-360h-counts"),
        pytest.param(dt.timedelta(hours=360) + US, 0, id="expired"),
    ],
)
def test_a4_expired_click_opens_no_window(click_offset: dt.timedelta, expected: int) -> None:
    """A-4 with K-2: only non-expired clicks (≤ send + 360 h) open a click-through window."""
    c = make_campaign(window=12)
    click = at(7) + click_offset
    events = message("u1", sent=at(7), delivered=at(7), clicks=[click])
    r = single(c, events, [conv("u1", click + dt.timedelta(minutes=10), "p1")])
    assert result(r, "click_through").conversion_events == expected
    assert result(r, "in_session").conversion_events == expected
    assert r.engagement.expired_clicks == 1 - expected


def test_a4_click_of_undelivered_message_opens_no_window() -> None:
    """A-4 with A-1: a click of a Sent but not Delivered message of a delivery-tracked
    campaign counts as a click (K-1) but opens no attribution window."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", at(8, 10), "p1")])
    assert r.engagement.total_clicks == 1
    for type_ in TYPES:
        assert result(r, type_).conversion_events == 0, type_
        assert result(r, type_).converted_users == 0, type_


# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conversion_time", "in_session", "click_through"),
    [
        pytest.param(at(7, 59), 0, 0, id="before-the-click"),
        pytest.param(at(8), 1, 1, id="at-the-click"),
        pytest.param(at(8, 30), 1, 1, id="exactly-8:30"),
        pytest.param(at(8, 30) + US, 0, 1, id="8:30:00.000001"),
    ],
)
def test_a5_in_session_000_example_clicked_8_counts_until_8_30(
    conversion_time: dt.datetime, in_session: int, click_through: int
) -> None:
    """A-5 (000): clicked 8:00 → in-session until 8:30, closed at both ends."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", conversion_time, "p1")])
    assert result(r, "in_session").conversion_events == in_session
    assert result(r, "in_session").converted_users == in_session
    assert result(r, "click_through").conversion_events == click_through


def test_a5_in_session_is_30_minutes_even_with_a_15_minute_window() -> None:
    """A-5: the window setting does not change the 30 minutes (a 0.25 h window ends
    click-through at 8:15, in-session still runs to 8:30)."""
    c = make_campaign(window=0.25)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", at(8, 25), "p1")])
    assert result(r, "in_session").conversion_events == 1
    assert result(r, "click_through").conversion_events == 0
    assert result(r, "view_through").conversion_events == 0


def test_a5_in_session_is_30_minutes_even_with_a_168_hour_window() -> None:
    """A-5: a long window does not lengthen in-session beyond 30 minutes."""
    c = make_campaign(window=168)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", at(8, 31), "p1")])
    assert result(r, "in_session").conversion_events == 0
    assert result(r, "click_through").conversion_events == 1


# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window_1", "window_2"),
    [pytest.param(15, 15, id="15h-both"), pytest.param(36, 36, id="36h"), (168, 24)],
)
def test_a6_000_example_conversion_in_two_campaigns_windows_goes_to_both(
    window_1: int, window_2: int
) -> None:
    """A-6 (000): C1 at H, C2 at H+12, conversion at H+15, windows ≥ 15 h → both."""
    h = at(7)
    c1 = make_campaign("C1", window=window_1)
    c2 = make_campaign("C2", window=window_2)
    e1 = message("u1", sent=h, delivered=h)
    e2 = message("u1", sent=h + 12 * H, delivered=h + 12 * H)
    r1, r2 = run(
        CampaignInput(c1, events=e1),
        CampaignInput(c2, events=e2),
        conversions=[conv("u1", h + 15 * H, "p1", "25.00")],
    )
    for r in (r1, r2):
        assert result(r).converted_users == 1, r.campaign_id
        assert result(r).conversion_events == 1, r.campaign_id
        assert result(r).revenue == Decimal("25.00"), r.campaign_id
        assert r.conversion.shared_conversions == 1, r.campaign_id


def test_a6_window_shorter_than_the_gap_leaves_only_the_later_campaign() -> None:
    """A-6: with C1's window 14 h the H+15 conversion is outside it; only C2 claims it."""
    h = at(7)
    c1, c2 = make_campaign("C1", window=14), make_campaign("C2", window=15)
    r1, r2 = run(
        CampaignInput(c1, events=message("u1", sent=h, delivered=h)),
        CampaignInput(c2, events=message("u1", sent=h + 12 * H, delivered=h + 12 * H)),
        conversions=[conv("u1", h + 15 * H, "p1")],
    )
    assert result(r1).conversion_events == 0
    assert result(r2).conversion_events == 1
    assert r1.conversion.shared_conversions == 0
    assert r2.conversion.shared_conversions == 0


def test_a6_conversions_given_with_one_campaign_are_matched_against_every_campaign() -> None:
    """A-6 Decision: every conversion source of the run is matched against every campaign,
    including conversions that came with another campaign's input."""
    c1, c2 = make_campaign("C1", window=24), make_campaign("C2", window=24)
    r1, r2 = run(
        CampaignInput(
            c1,
            events=message("u1", sent=at(7), delivered=at(7)),
            conversions=[conv("u1", at(10), "p1", "10.10")],
        ),
        CampaignInput(c2, events=message("u1", sent=at(8), delivered=at(8))),
    )
    assert result(r1).conversion_events == 1
    assert result(r2).conversion_events == 1
    assert result(r2).revenue == Decimal("10.10")


def test_a6_d10_a_conversion_given_three_times_counts_once() -> None:
    """A-6 Decision + D-10: the same conversion in two campaigns' inputs and the shared
    list is one event (revenue 10.10, not 30.30)."""
    c1, c2 = make_campaign("C1", window=24), make_campaign("C2", window=24)
    p1 = conv("u1", at(10), "p1", "10.10")
    r1, r2 = run(
        CampaignInput(c1, events=message("u1", sent=at(7), delivered=at(7)), conversions=[p1]),
        CampaignInput(c2, events=message("u1", sent=at(8), delivered=at(8)), conversions=[p1]),
        conversions=[p1, p1],
    )
    for r in (r1, r2):
        assert result(r).conversion_events == 1
        assert result(r).revenue == Decimal("10.10")


def test_a6_d10_same_event_id_different_content_are_two_events() -> None:
    """D-10 (as A-6 applies it): a repeated event_id with different content is kept as a
    distinct event — no data is dropped on a guess."""
    c = make_campaign(window=24)
    convs = [conv("u1", at(8), "p1", "10.00"), conv("u1", at(9), "p1", "20.00")]
    r = single(c, message("u1", sent=at(7), delivered=at(7)), convs)
    assert result(r).conversion_events == 2
    assert result(r).converted_users == 1
    assert result(r).revenue == Decimal("30.00")


def test_a6_d10_same_content_written_differently_counts_once() -> None:
    """D-10 (as A-6 applies it): ``10.50`` and ``10.5`` are the same content, so a repeat of
    event p1 with either literal is one event; two identical conversions without event_id
    are one event too (identified by their content)."""
    c = make_campaign(window=24)
    convs = [
        conv("u1", at(8), "p1", "10.50"),
        conv("u1", at(8), "p1", "10.5"),
        conv("u1", at(9), None, "1.00"),
        conv("u1", at(9), None, "1.00"),
    ]
    r = single(c, message("u1", sent=at(7), delivered=at(7)), convs)
    assert result(r).conversion_events == 2
    assert result(r).revenue == Decimal("11.50")


# ---------------------------------------------------------------------------


def test_a1_tracked_campaign_attributes_only_to_delivered_messages() -> None:
    """A-1: in a delivery-tracked campaign only Delivered messages convert — not messages
    in transit, failed to deliver, hard bounced, failed to send, nor users never sent."""
    c = make_campaign(window=12)
    events = [
        *message("u1", sent=at(7), delivered=at(7), clicks=[at(7, 50)]),
        *message("u2", sent=at(7), clicks=[at(7, 50)]),  # in transit
        *message("u3", sent=at(7), failure=("delivery_failed", at(7, 5)), clicks=[at(7, 50)]),
        *message("u4", sent=at(7), failure=("hard_bounce", at(7, 5))),
        *message("u5", failure=("send_failed", at(7))),
    ]
    convs = [conv(u, at(8), f"p-{u}", "1.00") for u in ("u1", "u2", "u3", "u4", "u5", "u9")]
    r = single(c, events, convs)
    assert r.delivery.delivered == 1
    for type_ in TYPES:
        block = result(r, type_)
        assert block.converted_users == 1, type_
        assert block.conversion_events == 1, type_
        assert block.revenue == Decimal("1.00"), type_
        assert block.cvr == 100.0, type_


def test_a1_custom_provider_with_tracking_needs_a_receipt() -> None:
    """A-1 with CH-2: a custom SMS provider with delivery_tracking on is delivery-tracked,
    so a Sent message without a receipt converts nothing."""
    c = make_campaign(channel="sms", provider="custom", delivery_tracking=True, window=12)
    events = [*message("u1", sent=at(7)), *message("u2", sent=at(7), delivered=at(7))]
    r = single(c, events, [conv("u1", at(8), "p1"), conv("u2", at(8), "p2")])
    assert result(r).converted_users == 1
    assert result(r).conversion_events == 1


def test_a1_a2_sent_only_campaign_attributes_from_the_send() -> None:
    """A-1, A-2: a sent-only campaign (custom SMS without tracking) attributes to Sent
    messages, the window starting at the send; its ignored receipts (CH-2) move nothing:
    sent 7:00, window 12 h → 19:00 counts, 19:00:00.000001 and 21:00 (inside a window
    from the ignored 10:00 receipt) do not."""
    c = make_campaign(channel="sms", provider="custom", window=12)
    events = [
        *message("u1", sent=at(7), delivered=at(10)),
        *message("u2", sent=at(7)),
        *message("u3", failure=("send_failed", at(7))),
    ]
    convs = [
        conv("u1", at(19), "p1"),
        conv("u1", at(19) + US, "p2"),
        conv("u1", at(21), "p3"),
        conv("u3", at(8), "p4"),
    ]
    r = single(c, events, convs)
    assert r.delivery.sent == 2
    assert r.delivery.delivered is None
    vt = result(r)
    assert vt.converted_users == 1
    assert vt.conversion_events == 1
    assert vt.cvr == 50.0  # 1 converted / 2 Sent


def test_a1_connector_attributes_from_the_send() -> None:
    """A-1: a connector campaign is sent-only; a Sent request converts from its send."""
    c = make_campaign(channel="connector", window=12)
    events = message("u1", sent=at(7))
    r = single(c, events, [conv("u1", at(19), "p1"), conv("u1", at(19) + US, "p2")])
    assert result(r).converted_users == 1
    assert result(r).conversion_events == 1


def test_a1_d12_receipt_without_send_is_delivered_and_converts() -> None:
    """A-1 with D-12: a message with a receipt but no sent event is Sent and Delivered, so
    it converts from its receipt."""
    c = make_campaign(window=12)
    r = single(c, message("u1", delivered=at(7)), [conv("u1", at(8), "p1")])
    assert r.delivery.delivered == 1
    assert result(r).conversion_events == 1
    assert r.data_quality.receipts_without_send == 1


def test_a1_a4_sent_only_clicks_open_click_windows() -> None:
    """A-1, A-4, A-5: in a sent-only campaign a Sent message is eligible, so its clicks
    open click-through and in-session windows (connector, clicks on, window 12 h)."""
    c = make_campaign(channel="connector", window=12)
    events = message("u1", sent=at(7), clicks=[at(18)])
    r = single(c, events, [conv("u1", at(18, 30), "p1"), conv("u1", at(6, day=1), "p2")])
    # VT 7:00–19:00 holds p1 only; CT 18:00–06:00 holds both (p2 at its end); IS p1
    assert result(r, "view_through").conversion_events == 1
    assert result(r, "click_through").conversion_events == 2
    assert result(r, "in_session").conversion_events == 1
    assert r.conversion.direct_orders == 1
    assert r.conversion.assisted_orders == 1


# ---------------------------------------------------------------------------


def test_a2_window_starts_at_earliest_receipt_later_receipts_do_not_extend() -> None:
    """A-2: receipts at 10:00 and 7:00 (log order reversed), window 12 h → the window is
    7:00–19:00; 21:00 (inside 10:00 + 12 h) does not count."""
    c = make_campaign(window=12)
    events = [*message("u1", sent=at(6), delivered=[at(10), at(7)])]
    convs = [conv("u1", at(19), "p1"), conv("u1", at(19) + US, "p2"), conv("u1", at(21), "p3")]
    r = single(c, events, convs)
    assert result(r).conversion_events == 1
    assert result(r).converted_users == 1


def test_a2_receipt_before_send_starts_the_window() -> None:
    """A-2 with D-12: the window starts at the earliest receipt even when that receipt is
    timed before the send (receipt 6:00, send 7:00, window 12 h → 6:00–18:00)."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(6))
    convs = [conv("u1", at(6, 30), "p1"), conv("u1", at(18) + US, "p2")]
    r = single(c, events, convs)
    assert result(r).conversion_events == 1


def test_a2_sent_only_window_starts_at_earliest_send() -> None:
    """A-2: sent-only, two 200 sends at 9:00 and 7:00 → the window runs from 7:00."""
    c = make_campaign(channel="connector", window=12)
    events = message("u1", sent=[at(9), at(7)])
    convs = [conv("u1", at(19), "p1"), conv("u1", at(20), "p2")]
    r = single(c, events, convs)
    assert result(r).conversion_events == 1


def test_a2_default_window_is_36_hours() -> None:
    """A-2 Decision: without a setting the window is 36 h (000 and 001 state 36 h)."""
    c = make_campaign(window=None)
    assert c.attribution_window_hours == 36
    events = message("u1", sent=at(7), delivered=at(7))
    end = at(7) + 36 * H
    r = single(c, events, [conv("u1", end, "p1"), conv("u1", end + US, "p2")])
    assert result(r).conversion_events == 1
    assert r.parameters.attribution_window_hours == 36


@pytest.mark.parametrize("channel", ["sms", "connector"])
def test_a2_default_window_is_36_hours_for_every_channel(channel: str) -> None:
    """A-2 Decision: the 36 h default holds for every channel."""
    c = make_campaign(channel=channel, window=None)
    assert c.attribution_window_hours == 36


def test_a2_mms_window_of_169_hours_is_a_configuration_error() -> None:
    """A-2: an MMS window over 168 hours (7 days) is a configuration error."""
    with pytest.raises(ConfigurationError, match="168"):
        make_campaign(channel="mms", window=169)


def test_a2_mms_window_just_over_168_hours_is_a_configuration_error() -> None:
    """A-2: 168.5 hours is also more than 7 days."""
    with pytest.raises(ConfigurationError):
        make_campaign(channel="mms", window=168.5)


def test_a2_mms_window_of_exactly_168_hours_is_allowed_and_closed_at_its_end() -> None:
    """A-2: exactly 168 hours is allowed; receipt + 168 h counts, + 1 µs does not."""
    c = make_campaign(channel="mms", window=168)
    events = message("u1", sent=at(7), delivered=at(7))
    end = at(7) + 168 * H
    r = single(c, events, [conv("u1", end, "p1"), conv("u1", end + US, "p2")])
    assert result(r).conversion_events == 1


@pytest.mark.parametrize("channel", ["sms", "connector"])
def test_a2_other_channels_may_exceed_168_hours(channel: str) -> None:
    """A-2: only MMS is limited to 168 hours; any channel may set a window > 0."""
    c = make_campaign(channel=channel, window=169)
    assert c.attribution_window_hours == 169


@pytest.mark.parametrize("window", [0, -1])
def test_a2_window_must_be_positive(window: int) -> None:
    """A-2: the window is a number > 0."""
    with pytest.raises(ConfigurationError):
        make_campaign(channel="sms", window=window)


# ---------------------------------------------------------------------------


def test_a7_mms_delivered_as_sms_fallback_converts_nothing() -> None:
    """A-7 (000): an MMS that reached the phone as an SMS fallback converts nothing, in any
    attribution type — with or without a receipt too (D-6: fallback wins)."""
    c = make_campaign(window=12)
    events = [
        *message("u1", sent=at(7), fallback=at(7, 5), clicks=[at(7, 30)]),
        *message("u2", sent=at(7), delivered=at(7), fallback=at(7, 5), clicks=[at(7, 30)]),
    ]
    convs = [conv("u1", at(7, 40), "p1", "5.00"), conv("u2", at(7, 40), "p2", "5.00")]
    r = single(c, events, convs)
    assert r.delivery.sent_as_sms == 2
    assert r.engagement.total_clicks == 2  # K-1: fallback clicks are clicks
    for type_ in TYPES:
        assert result(r, type_).converted_users == 0, type_
        assert result(r, type_).conversion_events == 0, type_
    assert r.conversion.direct_orders == 0
    assert r.conversion.assisted_orders == 0


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param(at(8), 1, id="at-the-conversion"),
        pytest.param(at(9) - US, 1, id="one-us-before-the-fallback"),
        pytest.param(at(9), 0, id="at-the-fallback"),
        pytest.param(None, 0, id="default-as-of"),
    ],
)
def test_a7_d7_a_later_fallback_takes_the_conversion_away(
    as_of: dt.datetime | None, expected: int
) -> None:
    """A-7 with D-7's exception: delivered 7:00, conversion 8:00, fallback 9:00. As of an
    instant before the fallback the conversion counts; from the fallback on it does not."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(7, 50)], fallback=at(9))
    r = single(c, events, [conv("u1", at(8), "p1", "9.99")], as_of=as_of)
    for type_ in TYPES:
        assert result(r, type_).converted_users == expected, type_
        assert result(r, type_).conversion_events == expected, type_
    assert r.conversion.direct_orders == expected
    assert r.conversion.direct_revenue == Decimal("9.99") * expected


def test_a7_r2_after_fallback_cvr_is_undefined() -> None:
    """A-7, R-2: once the only message is Sent as SMS, Delivered is 0 and CVR is None."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7), fallback=at(9))
    r = single(c, events, [conv("u1", at(8), "p1")])
    assert r.delivery.delivered == 0
    assert result(r).cvr is None
    assert result(r).converted_users == 0


def test_a7_ch2_sent_only_mms_ignores_its_fallback_events() -> None:
    """CH-2 with A-7: a sent-only MMS (custom provider, no tracking) ignores sms_fallback
    before every other rule, so its Sent message still converts."""
    c = make_campaign(channel="mms", provider="custom", window=12)
    events = message("u1", sent=at(7), fallback=at(7, 5))
    r = single(c, events, [conv("u1", at(8), "p1")])
    assert result(r).conversion_events == 1
    assert r.data_quality.ignored_events == 1


def test_d7_conversion_after_the_as_of_instant_does_not_count() -> None:
    """D-7: only records timed at or before the as-of instant count."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7))
    convs = [conv("u1", at(8), "p1")]
    assert result(single(c, events, convs, as_of=at(8) - US)).conversion_events == 0
    assert result(single(c, events, convs, as_of=at(8))).conversion_events == 1


def test_d7_receipt_after_the_as_of_instant_opens_no_window_yet() -> None:
    """D-7 with A-1: as of before the receipt the message is not Delivered, so nothing
    converts; the conversion count grows once the receipt is in."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(9))
    convs = [conv("u1", at(10), "p1")]
    assert result(single(c, events, convs, as_of=at(9) - US)).conversion_events == 0
    assert result(single(c, events, convs, as_of=at(10))).conversion_events == 1


# ---------------------------------------------------------------------------


def _periodic(delivery_type: str = "periodic", channel: str = "mms") -> Campaign:
    return make_campaign(channel=channel, window=12, delivery_type=delivery_type)


@pytest.mark.parametrize("delivery_type", ["periodic", "active"])
def test_a8_004_example_1_instances_on_day_x_and_y_converting_after_each_count_2(
    delivery_type: str,
) -> None:
    """A-8 (004 example 1): one instance on day X, another on day Y, the user converts once
    after each → converted users 2. A second user delivered on day X who does not convert
    makes Delivered 3 messages, so CVR = 2 / 3 × 100 (R-2)."""
    c = _periodic(delivery_type)
    events = [
        *message("u1", sent=at(7), delivered=at(7), instance="day-x"),
        *message("u1", sent=at(7, day=1), delivered=at(7, day=1), instance="day-y"),
        *message("u2", sent=at(7), delivered=at(7), instance="day-x"),
    ]
    convs = [conv("u1", at(8), "p1"), conv("u1", at(8, day=1), "p2")]
    r = single(c, events, convs)
    vt = result(r)
    assert vt.converted_users == 2
    assert vt.conversion_events == 2
    assert vt.cvr == pytest.approx(200 / 3)
    row = goal_row(r, "buy")
    assert (row.total_conversions, row.unique_conversions) == (2, 2)


def test_a8_004_example_2_one_instance_converting_twice_counts_1() -> None:
    """A-8 (004 example 2): one instance on day X, the user converts twice → 1 converted
    user, 2 events."""
    c = _periodic()
    events = message("u1", sent=at(7), delivered=at(7), instance="day-x")
    r = single(c, events, [conv("u1", at(8), "p1"), conv("u1", at(9), "p2")])
    assert result(r).converted_users == 1
    assert result(r).conversion_events == 2


def test_a8_004_example_3_two_instances_on_one_day_converting_for_both_count_2() -> None:
    """A-8 (004 example 3): two instances of the campaign on day X (7:00 and 9:00), the
    user converts for both (8:00 after the first, 10:00 after the second) → 2."""
    c = _periodic()
    events = [
        *message("u1", sent=at(7), delivered=at(7), instance="morning"),
        *message("u1", sent=at(9), delivered=at(9), instance="late-morning"),
    ]
    r = single(c, events, [conv("u1", at(8), "p1"), conv("u1", at(10), "p2")])
    assert result(r).converted_users == 2
    assert result(r).conversion_events == 2


def test_a8_one_time_campaign_ignores_instance_ids() -> None:
    """A-8 with the one-time rule: a one-time campaign has one instance (instance_id is
    ignored), so the "day Y" receipt neither makes a second message nor reopens the
    window (A-2): only the 8:00 conversion counts, for 1 converted user."""
    c = _periodic("one_time")
    events = [
        *message("u1", sent=at(7), delivered=at(7), instance="day-x"),
        *message("u1", sent=at(7, day=1), delivered=at(7, day=1), instance="day-y"),
    ]
    r = single(c, events, [conv("u1", at(8), "p1"), conv("u1", at(8, day=1), "p2")])
    assert r.delivery.delivered == 1
    assert result(r).converted_users == 1
    assert result(r).conversion_events == 1


def test_a8_events_without_instance_id_form_the_null_instance() -> None:
    """A-8: in a periodic campaign an event without instance_id belongs to instance null,
    a message of its own beside instance "day-x"."""
    c = _periodic()
    events = [
        *message("u1", sent=at(7), delivered=at(7), instance="day-x"),
        *message("u1", sent=at(9), delivered=at(9)),
    ]
    r = single(c, events, [conv("u1", at(10), "p1")])
    assert r.delivery.delivered == 2
    assert result(r).converted_users == 2
    assert result(r).conversion_events == 1


# ---------------------------------------------------------------------------


def test_a9_event_in_two_instances_windows_counts_once_and_converts_both() -> None:
    """A-9 Decision: one 10:00 conversion inside the windows of instances delivered at
    7:00 and 9:00 counts once in Event (Primary) and converts both messages (A-8):
    revenue 10.10, AOV 10.10 / 1 = 10.10, ARPU 10.10 / 2 = 5.05."""
    c = _periodic()
    events = [
        *message("u1", sent=at(7), delivered=at(7), instance="i1"),
        *message("u1", sent=at(9), delivered=at(9), instance="i2"),
    ]
    r = single(c, events, [conv("u1", at(10), "p1", "10.10")])
    vt = result(r)
    assert vt.conversion_events == 1
    assert vt.converted_users == 2
    assert vt.revenue == Decimal("10.10")
    assert vt.average_order_value == Decimal("10.10")
    assert vt.average_revenue_per_user == Decimal("5.05")
    row = goal_row(r, "buy")
    assert (row.total_conversions, row.unique_conversions) == (1, 2)
    assert row.revenue == Decimal("10.10")


@pytest.mark.parametrize(("offset", "expected"), [(dt.timedelta(0), 1), (US, 0)])
def test_a9_active_campaigns_are_windowed_like_the_others(
    offset: dt.timedelta, expected: int
) -> None:
    """A-9 Decision: an active campaign's conversions are windowed (12 h from 7:00)."""
    c = _periodic("active")
    events = message("u1", sent=at(7), delivered=at(7), instance="trigger-1")
    r = single(c, events, [conv("u1", at(19) + offset, "p1")])
    assert result(r).conversion_events == expected


# ---------------------------------------------------------------------------


def _goal_with(*filters: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**PURCHASE_GOAL, "filters": list(filters)}]


FILTER_CASES = [
    # (filter property, op, value, conversion properties, matches)
    ("qty", "eq", 10, {"qty": 10}, True),
    ("qty", "eq", "10", {"qty": 10}, False),
    ("qty", "eq", 10, {"qty": "10"}, False),
    ("vip", "eq", True, {"vip": True}, True),
    ("vip", "eq", True, {"vip": 1}, False),
    ("vip", "eq", 1, {"vip": True}, False),
    ("vip", "eq", False, {"vip": 0}, False),
    ("tier", "eq", "gold", {"tier": "Gold"}, False),
    ("qty", "eq", 10, {}, False),
    ("qty", "eq", 10, {"other": 10}, False),
    ("qty", "ne", 10, {"qty": 11}, True),
    ("qty", "ne", 10, {"qty": 10}, False),
    ("qty", "ne", 10, {"qty": "10"}, True),
    ("vip", "ne", True, {"vip": 1}, True),
    ("qty", "ne", 10, {}, False),
    ("amount", "gt", 50, {"amount": 51}, True),
    ("amount", "gt", 50, {"amount": 50}, False),
    ("amount", "gt", 50, {"amount": "51"}, False),
    ("amount", "gt", 0, {"amount": True}, False),
    ("amount", "gte", 50, {"amount": 50}, True),
    ("amount", "gte", 50, {"amount": 49.99}, False),
    ("amount", "gte", 50, {"amount": "50"}, False),
    ("amount", "lt", 50, {"amount": 49.99}, True),
    ("amount", "lt", 50, {"amount": 50}, False),
    ("amount", "lt", 50, {"amount": None}, False),
    ("amount", "lt", 50, {"amount": "1"}, False),
    ("amount", "lte", 50, {"amount": 50}, True),
    ("amount", "lte", 50, {"amount": 50.01}, False),
    ("amount", "lte", 50, {"amount": [1]}, False),
    ("amount", "lte", 50, {}, False),
    ("tier", "in", ["gold", "silver"], {"tier": "gold"}, True),
    ("tier", "in", ["gold", "silver"], {"tier": "GOLD"}, False),
    ("qty", "in", [1, 2], {"qty": 2}, True),
    ("qty", "in", [1, 2], {"qty": "1"}, False),
    ("qty", "in", [1, 2], {"qty": True}, False),
    ("qty", "in", [True], {"qty": 1}, False),
    ("tier", "in", ["gold"], {}, False),
]


@pytest.mark.parametrize(
    ("prop", "op", "value", "properties", "matches"),
    FILTER_CASES,
    ids=[f"{p}-{op}-{value!r}-vs-{props!r}" for p, op, value, props, _ in FILTER_CASES],
)
def test_a10_goal_filters_compare_json_values_without_coercion(
    prop: str, op: str, value: Any, properties: dict[str, Any], matches: bool
) -> None:
    """A-10 / FORMATS.md goal filters: the property must be present; eq/ne/in compare JSON
    values without coercion ("10" ≠ 10, true ≠ 1); ordering holds only between numbers."""
    c = make_campaign(window=12, goals=_goal_with({"property": prop, "op": op, "value": value}))
    events = message("u1", sent=at(7), delivered=at(7))
    r = single(c, events, [conv("u1", at(8), "p1", properties=properties)])
    expected = 1 if matches else 0
    assert result(r).conversion_events == expected
    assert result(r).converted_users == expected


def test_a10_goal_event_name_is_case_sensitive() -> None:
    """A-10 / FORMATS.md: a conversion matches when its name equals the goal's event."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7))
    r = single(c, events, [conv("u1", at(8), "p1", name="Purchase")])
    assert result(r).conversion_events == 0


def test_a10_every_filter_must_hold() -> None:
    """A-10: a goal's filters all hold, or the conversion does not match."""
    goals = _goal_with(
        {"property": "amount", "op": "gte", "value": 10},
        {"property": "tier", "op": "eq", "value": "gold"},
    )
    c = make_campaign(window=12, goals=goals)
    events = message("u1", sent=at(7), delivered=at(7))
    convs = [
        conv("u1", at(8), "both", properties={"amount": 20, "tier": "gold"}),
        conv("u1", at(8), "one", properties={"amount": 20, "tier": "silver"}),
        conv("u1", at(8), "none"),
    ]
    r = single(c, events, convs)
    assert result(r).conversion_events == 1


def test_a10_per_goal_total_unique_and_revenue() -> None:
    """A-10: per goal, total conversions (events), unique conversions (messages converted
    by that goal's events) and revenue when that goal tracks it. A-11: the campaign's
    revenue counts primary-goal events only.

    u1: purchase 10.00 and 5.00, signup, add_to_cart 3.00; u2: add_to_cart 2.50 and one at
    20:00 (outside the 7:00 + 12 h window). buy 2/1/15.00; signup 1/1/None; cart 2/2/5.50.
    """
    goals = [
        dict(PURCHASE_GOAL),
        {"name": "signup", "event": "signup"},
        {"name": "cart", "event": "add_to_cart", "track_revenue": True},
    ]
    c = make_campaign(window=12, goals=goals)
    events = [
        *message("u1", sent=at(7), delivered=at(7)),
        *message("u2", sent=at(7), delivered=at(7)),
    ]
    convs = [
        conv("u1", at(8), "b1", "10.00"),
        conv("u1", at(9), "b2", "5.00"),
        conv("u1", at(8, 30), "s1", name="signup"),
        conv("u1", at(7, 30), "a1", "3.00", name="add_to_cart"),
        conv("u2", at(8), "a2", "2.50", name="add_to_cart"),
        conv("u2", at(20), "a3", "100.00", name="add_to_cart"),
    ]
    r = single(c, events, convs)
    buy, signup, cart = (goal_row(r, n) for n in ("buy", "signup", "cart"))
    assert (buy.primary, buy.total_conversions, buy.unique_conversions) == (True, 2, 1)
    assert buy.revenue == Decimal("15.00")
    assert (signup.primary, signup.total_conversions, signup.unique_conversions) == (False, 1, 1)
    assert signup.revenue is None
    assert (cart.total_conversions, cart.unique_conversions) == (2, 2)
    assert cart.revenue == Decimal("5.50")
    vt = result(r)
    assert (vt.converted_users, vt.conversion_events) == (1, 2)
    assert vt.revenue == Decimal("15.00")
    assert vt.average_order_value == Decimal("7.50")
    assert vt.average_revenue_per_user == Decimal("15.00")
    assert vt.cvr == 50.0


def test_a10_one_conversion_may_match_two_goals() -> None:
    """A-10: goals are matched independently; a purchase of 150 is both a "buy" and a
    "big" (amount ≥ 100) conversion, a purchase of 50 only a "buy"."""
    goals = [
        dict(PURCHASE_GOAL),
        {
            "name": "big",
            "event": "purchase",
            "filters": [{"property": "amount", "op": "gte", "value": 100}],
        },
    ]
    c = make_campaign(window=12, goals=goals)
    events = message("u1", sent=at(7), delivered=at(7))
    convs = [
        conv("u1", at(8), "p1", properties={"amount": 150}),
        conv("u1", at(9), "p2", properties={"amount": 50}),
    ]
    r = single(c, events, convs)
    assert goal_row(r, "buy").total_conversions == 2
    assert goal_row(r, "big").total_conversions == 1
    assert goal_row(r, "big").unique_conversions == 1


def test_a10_without_goals_every_conversion_metric_is_none() -> None:
    """A-10 (000: attribution needs a goal): with no goal every conversion metric is None,
    in all three types, direct/assisted and shared conversions included."""
    c = make_campaign(window=12, goals=[])
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", at(8, 10), "p1", "10.00")])
    for type_ in TYPES:
        block = result(r, type_)
        assert block.converted_users is None, type_
        assert block.conversion_events is None, type_
        assert block.cvr is None, type_
        assert block.revenue is None, type_
        assert block.average_order_value is None, type_
        assert block.average_revenue_per_user is None, type_
        assert block.goals == (), type_  # a list-shaped key is empty, never null
    section = r.conversion
    assert section.direct_orders is None
    assert section.assisted_orders is None
    assert section.direct_revenue is None
    assert section.assisted_revenue is None
    assert section.shared_conversions is None


@pytest.mark.parametrize(
    "goals",
    [
        pytest.param([{"name": "buy", "event": "purchase"}], id="no-primary"),
        pytest.param(
            [
                {"name": "buy", "event": "purchase", "primary": True},
                {"name": "signup", "event": "signup", "primary": True},
            ],
            id="two-primaries",
        ),
        pytest.param(
            [
                {"name": "buy", "event": "purchase", "primary": True},
                {"name": "buy", "event": "signup"},
            ],
            id="repeated-name",
        ),
        pytest.param(_goal_with({"property": "x", "op": "contains", "value": 1}), id="bad-op"),
        pytest.param(_goal_with({"property": "x", "op": "gt", "value": "50"}), id="gt-string"),
        pytest.param(_goal_with({"property": "x", "op": "in", "value": "gold"}), id="in-str"),
        pytest.param([{**PURCHASE_GOAL, "weight": 2}], id="unknown-key"),
    ],
)
def test_a10_bad_goal_lists_are_configuration_errors(goals: list[dict[str, Any]]) -> None:
    """A-10: none, or exactly one primary goal, names unique, valid filters — otherwise a
    configuration error."""
    with pytest.raises(ConfigurationError):
        make_campaign(goals=goals)


# ---------------------------------------------------------------------------


def test_a11_revenue_is_an_exact_decimal_sum() -> None:
    """A-11: 10.10 + 20.20 = 30.30 exactly (a float sum would be 30.299999999999997);
    AOV 30.30 / 2 = 15.15, ARPU 30.30 / 1 = 30.30."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7))
    r = single(c, events, [conv("u1", at(8), "p1", "10.10"), conv("u1", at(9), "p2", "20.20")])
    vt = result(r)
    assert isinstance(vt.revenue, Decimal)
    assert vt.revenue == Decimal("30.30")
    assert vt.average_order_value == Decimal("15.15")
    assert vt.average_revenue_per_user == Decimal("30.30")
    assert goal_row(r, "buy").revenue == Decimal("30.30")


@pytest.mark.parametrize(
    ("amounts", "total", "aov", "arpu"),
    [
        # one user, two events: 0.25 / 2 = 0.125 → 0.12 (half-even; half-up says 0.13)
        pytest.param({"u1": ["0.10", "0.15"]}, "0.25", "0.12", "0.25", id="0.125-to-0.12"),
        # 0.35 / 2 = 0.175 → 0.18
        pytest.param({"u1": ["0.20", "0.15"]}, "0.35", "0.18", "0.35", id="0.175-to-0.18"),
        # two users one event each: 1.05 / 2 = 0.525 → 0.52 for both averages
        pytest.param({"u1": ["1.00"], "u2": ["0.05"]}, "1.05", "0.52", "0.52", id="0.525"),
        # 10.00 / 3 = 3.333… → 3.33
        pytest.param({"u1": ["5.00", "3.00", "2.00"]}, "10.00", "3.33", "10.00", id="thirds"),
        # the total is exact, only the averages are rounded: 0.005 → 0.00, 0.015 → 0.02
        pytest.param({"u1": ["0.005"]}, "0.005", "0.00", "0.00", id="0.005"),
        pytest.param({"u1": ["0.015"]}, "0.015", "0.02", "0.02", id="0.015"),
    ],
)
def test_a11_averages_round_half_even_to_cents(
    amounts: dict[str, list[str]], total: str, aov: str, arpu: str
) -> None:
    """A-11 Decision: AOV = revenue / events and ARPU = revenue / converted users are
    Decimal quotients rounded half-even to 2 decimal places."""
    c = make_campaign(window=12)
    events = [e for u in amounts for e in message(u, sent=at(7), delivered=at(7))]
    convs = [
        conv(u, at(8, i), f"{u}-{i}", amount)
        for u, values in amounts.items()
        for i, amount in enumerate(values)
    ]
    vt = result(single(c, events, convs))
    assert vt.revenue == Decimal(total)
    assert vt.average_order_value == Decimal(aov)
    assert vt.average_revenue_per_user == Decimal(arpu)
    assert vt.average_order_value is not None
    assert vt.average_order_value.as_tuple().exponent == -2


def test_a11_negative_refunds_are_allowed() -> None:
    """A-11 Decision: 50.00 and a −20.00 refund → 30.00; AOV 15.00; ARPU 30.00."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7))
    convs = [conv("u1", at(8), "p1", "50.00"), conv("u1", at(9), "p2", "-20.00")]
    vt = result(single(c, events, convs))
    assert vt.revenue == Decimal("30.00")
    assert vt.average_order_value == Decimal("15.00")
    assert vt.average_revenue_per_user == Decimal("30.00")
    assert vt.conversion_events == 2


def test_a11_only_refunds_give_negative_revenue() -> None:
    """A-11: a lone −5.00 refund → revenue −5.00, AOV −5.00."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7))
    vt = result(single(c, events, [conv("u1", at(8), "p1", "-5.00")]))
    assert vt.revenue == Decimal("-5.00")
    assert vt.average_order_value == Decimal("-5.00")


def test_a11_conversion_without_revenue_adds_zero_and_counts_as_an_order() -> None:
    """A-11 Decision: 10.00 and a conversion without revenue → revenue 10.00 over 2 orders,
    AOV 5.00; ARPU 10.00."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7))
    vt = result(single(c, events, [conv("u1", at(8), "p1", "10.00"), conv("u1", at(9), "p2")]))
    assert vt.revenue == Decimal("10.00")
    assert vt.conversion_events == 2
    assert vt.average_order_value == Decimal("5.00")
    assert vt.average_revenue_per_user == Decimal("10.00")


def test_a11_no_attributed_event_means_zero_revenue_and_undefined_averages() -> None:
    """A-11: revenue is tracked, nothing is attributed → revenue 0 (an empty sum), AOV and
    ARPU undefined (zero denominators)."""
    c = make_campaign(window=12)
    events = message("u1", sent=at(7), delivered=at(7))
    vt = result(single(c, events, [conv("u1", at(20), "p1", "10.00")]))
    assert vt.revenue == 0
    assert vt.revenue is not None
    assert vt.average_order_value is None
    assert vt.average_revenue_per_user is None


def test_a11_revenue_is_none_when_the_primary_goal_does_not_track_it() -> None:
    """A-11: revenue, AOV and ARPU (and direct/assisted revenue) are None when the primary
    goal does not track revenue, even if a secondary goal does (its own row keeps it,
    A-10)."""
    goals = [
        {"name": "buy", "event": "purchase", "primary": True},
        {"name": "cart", "event": "add_to_cart", "track_revenue": True},
    ]
    c = make_campaign(window=12, goals=goals)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    convs = [
        conv("u1", at(8, 5), "p1", "10.00"),
        conv("u1", at(8, 6), "a1", "4.00", name="add_to_cart"),
    ]
    r = single(c, events, convs)
    for type_ in TYPES:
        block = result(r, type_)
        assert block.conversion_events == 1, type_
        assert block.revenue is None, type_
        assert block.average_order_value is None, type_
        assert block.average_revenue_per_user is None, type_
        assert goal_row(r, "buy", type_).revenue is None, type_
        assert goal_row(r, "cart", type_).revenue == Decimal("4.00"), type_
    assert r.conversion.direct_orders == 1
    assert r.conversion.direct_revenue is None
    assert r.conversion.assisted_revenue is None


# ---------------------------------------------------------------------------

# Delivered 7:00, clicked 8:00, window 12 h. p1 7:30 (VT), p2 8:10 (VT, CT, IS),
# p4 12:00 (VT, CT) → VT 3 events / 7.00, CT 2 / 6.00, IS 1 / 2.00.
A12_EXPECTED = {
    "view_through": (3, Decimal("7.00")),
    "click_through": (2, Decimal("6.00")),
    "in_session": (1, Decimal("2.00")),
}


def _a12_run(attribution: str, *, second_campaign: bool = False) -> list[Report]:
    c1 = make_campaign("spring", window=12)
    inputs = [CampaignInput(c1, events=message("u1", sent=at(7), delivered=at(7), clicks=[at(8)]))]
    if second_campaign:
        c2 = make_campaign("summer", window=12)
        inputs.append(
            CampaignInput(c2, events=message("u1", sent=at(7), delivered=at(7), clicks=[at(8)]))
        )
    convs = [
        conv("u1", at(7, 30), "p1", "1.00"),
        conv("u1", at(8, 10), "p2", "2.00"),
        conv("u1", at(12), "p4", "4.00"),
    ]
    return run(*inputs, conversions=convs, attribution=attribution)


@pytest.mark.parametrize("attribution", TYPES)
def test_a12_conversion_section_always_shows_all_three_types(attribution: str) -> None:
    """A-12: whatever attribution type the report is for, ``conversion`` shows all three
    with the same numbers; the type is recorded in the parameters (X-5)."""
    [r] = _a12_run(attribution)
    assert r.parameters.attribution_type == attribution
    for type_, (events, revenue) in A12_EXPECTED.items():
        assert result(r, type_).conversion_events == events, type_
        assert result(r, type_).converted_users == 1, type_
        assert result(r, type_).revenue == revenue, type_
    assert r.conversion.direct_orders == 1  # A-13 does not depend on the type either
    assert r.conversion.assisted_orders == 2


@pytest.mark.parametrize("attribution", TYPES)
def test_a12_x8_shared_conversions_follow_the_selected_type(attribution: str) -> None:
    """A-12, X-8: shared_conversions counts the events of the report's attribution type;
    with a twin campaign claiming the same events, that is 3 / 2 / 1."""
    r1, r2 = _a12_run(attribution, second_campaign=True)
    expected = A12_EXPECTED[attribution][0]
    assert r1.conversion.shared_conversions == expected
    assert r2.conversion.shared_conversions == expected


@pytest.mark.parametrize("attribution", TYPES)
def test_a12_breakdown_whole_campaign_row_uses_the_selected_type(attribution: str) -> None:
    """A-12 with B-1: the locale × variation breakdown uses the selected type; its
    whole-campaign row (locale and variation null) has the type's conversion events."""
    [r] = _a12_run(attribution)
    rows = r.breakdowns.locale_variation
    assert rows is not None, "breakdowns.locale_variation is None"
    [whole] = [row for row in rows if row.locale is None and row.variation is None]
    events, revenue = A12_EXPECTED[attribution]
    assert whole.conversion_events == events
    assert whole.converted_users == 1
    assert whole.revenue == revenue


@pytest.mark.parametrize("attribution", TYPES)
def test_a12_daily_series_uses_the_selected_type(attribution: str) -> None:
    """A-12 with T-1: the daily series counts the selected type's conversions (all on
    2026-05-04 here)."""
    [r] = _a12_run(attribution)
    assert r.daily is not None, "daily is None"
    events, revenue = A12_EXPECTED[attribution]
    assert sum(row.conversion_events or 0 for row in r.daily) == events
    assert sum((row.revenue or Decimal(0) for row in r.daily), Decimal(0)) == revenue


def test_a12_unknown_attribution_type_is_a_configuration_error() -> None:
    """A-12: the type is one of view_through, click_through, in_session."""
    c = make_campaign(window=12)
    with pytest.raises(ConfigurationError):
        single(c, message("u1", sent=at(7), delivered=at(7)), attribution="last_touch")


# ---------------------------------------------------------------------------


def test_a13_000_example_user_a_is_direct_users_b_and_c_are_assisted() -> None:
    """A-13 (000): A clicks 8:00 and converts 8:20 (in-session → direct); B clicks 8:00 and
    converts 10:30 (click-through, not in-session → assisted); C does not click and converts
    12:00 (view-through → assisted). D clicks 18:00 and converts 20:00, after the 19:00
    view-through end: click-through only → assisted. direct + assisted = 4 = the union."""
    c = make_campaign("C1", window=12)
    events = [
        *message("A", sent=at(7), delivered=at(7), clicks=[at(8)]),
        *message("B", sent=at(7), delivered=at(7), clicks=[at(8)]),
        *message("C", sent=at(7), delivered=at(7)),
        *message("D", sent=at(7), delivered=at(7), clicks=[at(18)]),
    ]
    convs = [
        conv("A", at(8, 20), "pa", "10.10"),
        conv("B", at(10, 30), "pb", "20.20"),
        conv("C", at(12), "pc", "30.30"),
        conv("D", at(20), "pd", "40.40"),
    ]
    r = single(c, events, convs)
    section = r.conversion
    assert section.direct_orders == 1
    assert section.assisted_orders == 3
    assert section.direct_revenue == Decimal("10.10")
    assert section.assisted_revenue == Decimal("90.90")
    assert result(r, "view_through").conversion_events == 3  # A, B, C
    assert result(r, "click_through").conversion_events == 3  # A, B, D
    assert result(r, "in_session").conversion_events == 1  # A


def test_a13_only_primary_goal_events_are_direct_or_assisted() -> None:
    """A-13: direct and assisted count primary-goal events; an in-session secondary-goal
    event is neither."""
    goals = [dict(PURCHASE_GOAL), {"name": "signup", "event": "signup"}]
    c = make_campaign(window=12, goals=goals)
    events = message("A", sent=at(7), delivered=at(7), clicks=[at(8)])
    convs = [conv("A", at(8, 5), "s1", name="signup"), conv("A", at(8, 20), "pa", "1.00")]
    r = single(c, events, convs)
    assert r.conversion.direct_orders == 1
    assert r.conversion.assisted_orders == 0


# --------------------------------------------------------------------------- CH-3


@pytest.mark.parametrize("click_tracking", [False, None], ids=["off", "unset"])
def test_ch3_click_tracking_off_nulls_click_attribution_and_direct_assisted(
    click_tracking: bool | None,
) -> None:
    """CH-3: click tracking is off unless set; then click-through, in-session and
    direct/assisted are None (not 0), clicks are ignored (1 per identity in
    ignored_events), and view-through still counts."""
    c = make_campaign(window=12, click_tracking=click_tracking)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", at(8, 10), "p1", "10.00")])
    vt = result(r)
    assert (vt.converted_users, vt.conversion_events) == (1, 1)
    assert vt.revenue == Decimal("10.00")
    for type_ in ("click_through", "in_session"):
        block = result(r, type_)
        assert block.converted_users is None, type_
        assert block.conversion_events is None, type_
        assert block.cvr is None, type_
        assert block.revenue is None, type_
        assert block.average_order_value is None, type_
        assert block.average_revenue_per_user is None, type_
        assert block.goals == (), type_  # a list-shaped key is empty, never null
    section = r.conversion
    assert section.direct_orders is None
    assert section.assisted_orders is None
    assert section.direct_revenue is None
    assert section.assisted_revenue is None
    assert r.engagement.total_clicks is None
    assert r.engagement.unique_clickers is None
    assert r.data_quality.ignored_events == 1


# ---------------------------------------------------------------------------


def test_r2_cvr_is_converted_users_over_delivered() -> None:
    """R-2: 4 Delivered messages; u1 (twice) and u2 convert; u5 (in transit) and u6 (Sent
    as SMS) convert but are not eligible and not in Delivered → CVR 2 / 4 × 100 = 50.
    Click-through: only u1 clicked → 1 / 4 × 100 = 25 (the same denominator)."""
    c = make_campaign(window=12)
    events = [
        *message("u1", sent=at(7), delivered=at(7), clicks=[at(8)]),
        *message("u2", sent=at(7), delivered=at(7)),
        *message("u3", sent=at(7), delivered=at(7)),
        *message("u4", sent=at(7), delivered=at(7)),
        *message("u5", sent=at(7)),
        *message("u6", sent=at(7), fallback=at(7)),
    ]
    convs = [
        conv("u1", at(8, 5), "a"),
        conv("u1", at(9), "b"),
        conv("u2", at(9), "c"),
        conv("u5", at(9), "d"),
        conv("u6", at(9), "e"),
    ]
    r = single(c, events, convs)
    assert r.delivery.delivered == 4
    vt = result(r)
    assert (vt.converted_users, vt.conversion_events) == (2, 3)
    assert vt.cvr == 50.0
    assert result(r, "click_through").cvr == 25.0
    assert result(r, "in_session").cvr == 25.0


def test_r2_sent_only_cvr_is_over_sent() -> None:
    """R-2: sent-only (custom SMS without tracking): 5 Sent, 1 converted → 20; a user whose
    send failed converts too but is neither Sent nor eligible."""
    c = make_campaign(channel="sms", provider="custom", window=12)
    events = [e for u in ("u1", "u2", "u3", "u4", "u5") for e in message(u, sent=at(7))]
    events += message("u6", failure=("send_failed", at(7)))
    r = single(c, events, [conv("u1", at(8), "p1"), conv("u6", at(8), "p2")])
    assert r.delivery.sent == 5
    assert result(r).cvr == 20.0


def test_r2_cvr_is_undefined_without_deliveries() -> None:
    """R-2 with the rate rule: Delivered 0 → CVR None (never 0, NaN or an exception)."""
    c = make_campaign(window=12)
    r = single(c, message("u1", sent=at(7)), [conv("u1", at(8), "p1")])
    assert r.delivery.delivered == 0
    assert result(r).cvr is None
    assert result(r).converted_users == 0


def test_r3_connector_cvr_is_unique_conversions_over_sent_messages() -> None:
    """R-3 (004): connector CVR = unique conversions / Total sent × 100: 4 Sent (u5's 500
    response is Failed to send), u1 converts twice and u2 once → 2 / 4 × 100 = 50."""
    c = make_campaign(channel="connector", window=12)
    events = [e for u in ("u1", "u2", "u3", "u4") for e in message(u, sent=at(7))]
    events.append(MessageEvent(type="sent", time=at(7), user_id="u5", response_code=500))
    convs = [
        conv("u1", at(8), "a"),
        conv("u1", at(9), "b"),
        conv("u2", at(9), "c"),
        conv("u5", at(9), "d"),
    ]
    r = single(c, events, convs)
    assert r.delivery.sent == 4
    vt = result(r)
    assert (vt.converted_users, vt.conversion_events) == (2, 3)
    assert vt.cvr == 50.0


def test_r3_connector_cvr_counts_messages_per_instance() -> None:
    """R-3 with A-8: a periodic connector sends u1 two instances and u2 one (3 Sent
    messages); u1 converts after each → 2 unique conversions → 2 / 3 × 100."""
    c = make_campaign(channel="connector", window=12, delivery_type="periodic")
    events = [
        *message("u1", sent=at(7), instance="a"),
        *message("u1", sent=at(7, day=1), instance="b"),
        *message("u2", sent=at(7), instance="a"),
    ]
    r = single(c, events, [conv("u1", at(8), "p1"), conv("u1", at(8, day=1), "p2")])
    assert r.delivery.sent == 3
    assert result(r).converted_users == 2
    assert result(r).cvr == pytest.approx(200 / 3)


# --------------------------------------------------------------------------- O-8


def test_o8_mms_without_advanced_revenue_attribution_shows_no_revenue() -> None:
    """O-8: an MMS campaign with advanced_revenue_attribution off shows revenue None
    (total, averages, goal rows, direct/assisted) while counting conversions."""
    c = make_campaign(channel="mms", window=12, advanced_revenue_attribution=False)
    events = message("u1", sent=at(7), delivered=at(7), clicks=[at(8)])
    r = single(c, events, [conv("u1", at(8, 10), "p1", "10.10")])
    for type_ in TYPES:
        block = result(r, type_)
        assert block.conversion_events == 1, type_
        assert block.revenue is None, type_
        assert block.average_order_value is None, type_
        assert block.average_revenue_per_user is None, type_
        assert goal_row(r, "buy", type_).revenue is None, type_
    assert r.conversion.direct_orders == 1
    assert r.conversion.direct_revenue is None
    assert r.conversion.assisted_revenue is None


@pytest.mark.parametrize(
    ("channel", "setting"),
    [("mms", None), ("mms", True), ("sms", False), ("connector", False)],
)
def test_o8_revenue_shown_for_mms_by_default_and_for_other_channels(
    channel: str, setting: bool | None
) -> None:
    """O-8 Decision: on unless the campaign sets it off, and it concerns MMS only."""
    extra: dict[str, Any] = {} if setting is None else {"advanced_revenue_attribution": setting}
    c = make_campaign(channel=channel, window=12, **extra)
    events = message("u1", sent=at(7), delivered=None if channel == "connector" else at(7))
    r = single(c, events, [conv("u1", at(8), "p1", "10.10")])
    assert result(r).revenue == Decimal("10.10")
    assert result(r).average_order_value == Decimal("10.10")


# ---------------------------------------------------------------------------


def test_x8_shared_conversions_counts_events_another_campaign_also_claims() -> None:
    """X-8: spring (delivered 7:00) and flash (delivered 9:00), windows 24 h. p1 at 8:00 is
    spring's only; p2 at 10:00 is in both → spring 2 events, 1 shared; flash 1 event,
    1 shared."""
    spring = make_campaign("spring", window=24)
    flash = make_campaign("flash", window=24)
    r1, r2 = run(
        CampaignInput(spring, events=message("u1", sent=at(7), delivered=at(7))),
        CampaignInput(flash, events=message("u1", sent=at(9), delivered=at(9))),
        conversions=[conv("u1", at(8), "p1"), conv("u1", at(10), "p2")],
    )
    assert result(r1).conversion_events == 2
    assert r1.conversion.shared_conversions == 1
    assert result(r2).conversion_events == 1
    assert r2.conversion.shared_conversions == 1


def test_x8_single_campaign_shares_nothing() -> None:
    """X-8: with no other campaign in the run, shared_conversions is 0."""
    c = make_campaign(window=24)
    r = single(c, message("u1", sent=at(7), delivered=at(7)), [conv("u1", at(8), "p1")])
    assert r.conversion.shared_conversions == 0


def _pair_warnings(
    gap: dt.timedelta,
    *,
    windows: tuple[int, int] = (24, 36),
    other_event: str = "purchase",
    other_user: str = "u1",
) -> list[list[str]]:
    spring = make_campaign("spring", window=windows[0])
    flash = make_campaign(
        "flash",
        window=windows[1],
        goals=[{**PURCHASE_GOAL, "event": other_event}],
    )
    reports = run(
        CampaignInput(spring, events=message("u1", sent=at(7), delivered=at(7))),
        CampaignInput(flash, events=message(other_user, sent=at(7) + gap, delivered=at(7) + gap)),
    )
    out = []
    for r in reports:
        warnings = list(r.data_quality.warnings)
        assert warnings == sorted(warnings)  # warnings are sorted
        out.append([w for w in warnings if "spring" in w and "flash" in w])
    return out


def test_x8_warning_names_both_campaigns_sent_closer_than_the_smaller_window() -> None:
    """X-8: same primary-goal event, same user, sends 12 h apart, windows 24 and 36 h
    (smaller 24 > 12) → a warning naming both campaigns, in both reports."""
    spring_lines, flash_lines = _pair_warnings(12 * H)
    assert len(spring_lines) == 1
    assert len(flash_lines) == 1


def test_x8_warning_just_inside_the_smaller_window() -> None:
    """X-8: windows 12 and 36 h, sends 12 h − 1 µs apart → closer than 12 h → warning."""
    spring_lines, flash_lines = _pair_warnings(12 * H - US, windows=(12, 36))
    assert len(spring_lines) == 1
    assert len(flash_lines) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"gap": 12 * H, "windows": (12, 36)}, id="exactly-the-smaller-window"),
        pytest.param({"gap": 2 * H, "other_event": "signup"}, id="different-primary-event"),
        pytest.param({"gap": 2 * H, "other_user": "u2"}, id="different-user"),
    ],
)
def test_x8_no_warning_when_not_closer_or_not_shared(kwargs: dict[str, Any]) -> None:
    """X-8: no warning when the sends are not closer than the smaller window (12 h apart
    is not closer than 12 h), the primary-goal events differ, or the users differ."""
    spring_lines, flash_lines = _pair_warnings(**kwargs)
    assert spring_lines == []
    assert flash_lines == []

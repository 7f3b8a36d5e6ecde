"""Plain example tests of the channel, delivery, rate and click rules (CH, D, R, K, X-1).

Every expected number is worked out by hand from RULES.md; the comment or docstring of
each test gives the reasoning.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import campaign_metrics as cm
from campaign_metrics import (
    Campaign,
    CampaignInput,
    ConfigurationError,
    ConversionEvent,
    Goal,
    MessageEvent,
    Report,
)
from tests.helpers import T0, conversion, ev, make_campaign, report, t

HOURS_360 = dt.timedelta(hours=360)
PURCHASE = Goal(name="purchase", event="purchase", primary=True)


def _rows(r: Report) -> dict[str, int]:
    """errors.failed_to_deliver as {reason: messages}."""
    rows = r.errors.failed_to_deliver
    assert rows is not None
    return {row.reason: row.messages for row in rows}


def _shares(r: Report) -> dict[str, float | None]:
    rows = r.errors.failed_to_deliver
    assert rows is not None
    return {row.reason: row.share for row in rows}


def _parsed(event: dict[str, Any]) -> MessageEvent:
    return MessageEvent.from_dict(event)


# --------------------------------------------------------------------------- CH-1


@pytest.mark.parametrize("channel", ["sms", "mms", "connector"])
def test_channels_are_sms_mms_and_connector(channel: str) -> None:
    """CH-1: the three channels are accepted and the report names the channel."""
    r = report(make_campaign(channel), [ev("sent", 0)])
    assert r.channel == channel
    assert r.delivery.sent == 1


@pytest.mark.parametrize("channel", ["email", "push", "SMS", ""])
def test_unknown_channel_is_a_configuration_error(channel: str) -> None:
    """CH-1: any other channel is refused."""
    with pytest.raises(ConfigurationError):
        Campaign.from_dict({"id": "c1", "name": "N", "channel": channel})


# --------------------------------------------------------------------------- CH-2


def _receipt_log() -> list[MessageEvent]:
    """Two sent messages: u1 delivered after 1 h, u2 hard-bounced."""
    return [
        ev("sent", 0, "u1"),
        ev("delivered", 1, "u1"),
        ev("sent", 0, "u2"),
        ev("hard_bounce", 1, "u2"),
    ]


@pytest.mark.parametrize(
    "settings",
    [
        {"channel": "sms"},
        {"channel": "mms"},
        {"channel": "sms", "provider": "custom", "delivery_tracking": True},
        {"channel": "mms", "provider": "custom", "delivery_tracking": True},
    ],
)
def test_integrated_or_tracked_custom_sms_mms_is_delivery_tracked(settings: dict[str, Any]) -> None:
    """CH-2: integrated SMS/MMS, or custom with delivery_tracking, count receipts."""
    r = report(make_campaign(**settings), _receipt_log())
    d = r.delivery
    assert (d.sent, d.delivered, d.failed_to_deliver, d.in_transit) == (2, 1, 1, 0)
    assert d.delivered_rate == pytest.approx(50.0)
    assert [s.stage for s in r.funnel][-1] == "delivered"


@pytest.mark.parametrize(
    "settings",
    [
        {"channel": "sms", "provider": "custom"},
        {"channel": "mms", "provider": "custom"},
        {"channel": "sms", "provider": "custom", "delivery_tracking": False},
        {"channel": "connector"},
    ],
)
def test_sent_only_campaign_has_null_receipt_keys(settings: dict[str, Any]) -> None:
    """CH-2: sent-only campaigns (custom without tracking, connectors) keep Sent but every
    receipt-derived key is null, and the funnel ends at Sent."""
    r = report(make_campaign(**settings), _receipt_log())
    d = r.delivery
    assert (d.attempted, d.sent) == (2, 2)
    assert d.delivered is None
    assert d.delivered_rate is None
    assert d.in_transit is None
    assert d.sent_as_sms is None
    assert d.failed_to_deliver is None
    assert d.unique_delivered_users is None
    ttd = d.time_to_deliver
    assert (ttd.median_s, ttd.p90_s, ttd.p99_s, ttd.young_share) == (None, None, None, None)
    c = r.contacts
    assert (c.delivered, c.pending, c.soft_bounces, c.hard_bounces, c.deleted) == (None,) * 5
    assert [s.stage for s in r.funnel][-1] == "sent"
    assert "delivered" not in [s.stage for s in r.funnel]


def test_sent_only_campaign_ignores_delivery_outcome_events() -> None:
    """CH-2: in a sent-only log, delivered/delivery_failed/sms_fallback/bounces/deleted are
    ignored: they make no message Attempted or Sent, and count once per identity.

    u1: sent + 6 outcome events (6 identities). u2: only a receipt → not Attempted, not a
    receipt without send (dropped before D-12). Total ignored: 7.
    """
    events = [
        ev("sent", 0, "u1"),
        ev("delivered", 1, "u1"),
        ev("delivery_failed", 1, "u1"),
        ev("sms_fallback", 1, "u1"),
        ev("soft_bounce", 1, "u1"),
        ev("hard_bounce", 1, "u1"),
        ev("deleted", 1, "u1"),
        ev("delivered", 1, "u2"),
    ]
    r = report(make_campaign("sms", provider="custom"), events)
    assert (r.delivery.attempted, r.delivery.sent) == (1, 1)
    assert r.delivery.unique_sent_users == 1
    dq = r.data_quality
    assert dq.ignored_events == 7
    assert dq.receipts_without_send == 0
    assert dq.delivery_conflicts == 0


def test_connector_ignores_receipts_of_unsent_users() -> None:
    """CH-2: a connector's `delivered` for a user never sent makes nothing Attempted."""
    r = report(make_campaign("connector"), [ev("delivered", 0, "u9")])
    assert (r.delivery.attempted, r.delivery.sent) == (0, 0)
    assert r.data_quality.ignored_events == 1


def test_ignored_events_count_per_identity_after_dedup() -> None:
    """CH-2 with D-10: an ignored event is dropped *after* D-10 and counts 1 per identity.

    - e1 twice with the same content: 1 identity, 1 duplicate;
    - e2 twice with different content: 1 identity, 1 id conflict;
    - two `deleted` records without event_id and different times: 2 identities.
    → ignored_events 4, duplicates 1, id_conflicts 1.
    """
    events = [
        ev("sent", 0, "u1", event_id="s1"),
        ev("delivered", 1, "u1", event_id="e1"),
        ev("delivered", 1, "u1", event_id="e1"),
        ev("hard_bounce", 2, "u1", event_id="e2"),
        ev("hard_bounce", 3, "u1", event_id="e2"),
        ev("deleted", 4, "u1"),
        ev("deleted", 5, "u1"),
    ]
    r = report(make_campaign("mms", provider="custom"), events)
    dq = r.data_quality
    assert dq.ignored_events == 4
    assert dq.duplicates == 1
    assert dq.id_conflicts == 1


def test_ignored_events_count_whatever_the_as_of_instant() -> None:
    """CH-2: an ignored event is dropped after D-10 and *before* every other rule (D-7
    included), so a sent-only log's receipt at 5 h is ignored (and counted) even in a
    report as of 1 h — like D-10's counters, over all records read."""
    events = [ev("sent", 0, "u1"), ev("delivered", 5, "u1")]
    r = report(make_campaign("sms", provider="custom"), events, as_of=t(1))
    assert r.delivery.sent == 1
    assert r.data_quality.ignored_events == 1


def test_ignored_receipt_does_not_turn_a_failed_send_into_sent() -> None:
    """CH-2 before D-3: in a sent-only log a `send_failed` followed by a `delivered` stays
    Failed to send — the receipt is ignored, so no post-send event and no send conflict."""
    events = [ev("send_failed", 0, reason="timeout"), ev("delivered", 1)]
    r = report(make_campaign("sms", provider="custom"), events)
    d = r.delivery
    assert (d.attempted, d.sent, d.failed_to_send) == (1, 0, 1)
    assert r.data_quality.send_conflicts == 0
    assert r.data_quality.ignored_events == 1


def test_tracked_campaign_ignores_nothing() -> None:
    """CH-2: a delivery-tracked campaign has no ignored events; its outcomes count."""
    r = report(make_campaign("sms"), _receipt_log())
    assert r.data_quality.ignored_events == 0


@pytest.mark.parametrize(
    "settings",
    [
        {"channel": "connector", "delivery_tracking": True},
        {"channel": "connector", "provider": "custom", "delivery_tracking": True},
        {"channel": "sms", "delivery_tracking": True},
        {"channel": "mms", "provider": "integrated", "delivery_tracking": True},
    ],
)
def test_delivery_tracking_on_connector_or_integrated_is_a_configuration_error(
    settings: dict[str, Any],
) -> None:
    """CH-2: `delivery_tracking` on a connector or an integrated provider is refused."""
    with pytest.raises(ConfigurationError):
        make_campaign(**settings)
    with pytest.raises(ConfigurationError):
        Campaign.from_dict({"id": "c1", "name": "N", **settings})


def test_delivery_tracking_on_custom_sms_is_allowed() -> None:
    """CH-2: custom SMS/MMS may turn tracking on (and are then delivery-tracked)."""
    c = Campaign.from_dict(
        {"id": "c1", "name": "N", "channel": "sms", "provider": "custom", "delivery_tracking": True}
    )
    assert c.delivery_tracked


# --------------------------------------------------------------------------- CH-3


def _click_log() -> tuple[list[MessageEvent], list[ConversionEvent]]:
    """u1 delivered at 0 h, clicks at 1 h, buys at 1 h 10 min (view, click and session)."""
    events = [ev("sent", 0, "u1"), ev("delivered", 0, "u1"), ev("clicked", 1, "u1", url="x")]
    return events, [conversion("u1", 1 + 10 / 60, event_id="p1")]


def test_click_tracking_is_off_unless_set() -> None:
    """CH-3: click tracking is off by default."""
    assert make_campaign("sms").click_tracking is False
    assert Campaign.from_dict({"id": "c", "name": "N", "channel": "mms"}).click_tracking is False


def test_click_keys_are_null_when_click_tracking_is_off() -> None:
    """CH-3: with tracking off every click key, click-through, in-session and
    direct/assisted are null (not 0); view-through still works (1 converted user)."""
    events, convs = _click_log()
    r = report(make_campaign("sms", goals=[PURCHASE]), events, conversions=convs)
    e = r.engagement
    assert (e.total_clicks, e.unique_clickers, e.expired_clicks) == (None, None, None)
    assert (e.ctr, e.click_to_delivered_rate) == (None, None)
    conv = r.conversion
    assert conv.view_through.converted_users == 1
    for result in (conv.click_through, conv.in_session):
        assert result.converted_users is None
        assert result.conversion_events is None
        assert result.cvr is None
    assert (conv.direct_orders, conv.assisted_orders) == (None, None)
    assert (conv.direct_revenue, conv.assisted_revenue) == (None, None)


def test_click_keys_count_when_click_tracking_is_on() -> None:
    """CH-3 (counterpart): with tracking on the same log has 1 click and converts
    click-through and in-session (10 min after the click ≤ 30 min)."""
    events, convs = _click_log()
    r = report(
        make_campaign("sms", goals=[PURCHASE], click_tracking=True), events, conversions=convs
    )
    assert (r.engagement.total_clicks, r.engagement.unique_clickers) == (1, 1)
    assert r.conversion.click_through.converted_users == 1
    assert r.conversion.in_session.converted_users == 1
    assert r.conversion.direct_orders == 1


def test_clicks_are_ignored_events_when_click_tracking_is_off() -> None:
    """CH-3 → CH-2: a click with tracking off is ignored: a click-only message is not
    Attempted (a click is otherwise a post-send event, D-2), and counts as ignored."""
    events = [ev("sent", 0, "u1"), ev("clicked", 1, "u1"), ev("clicked", 2, "u2")]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.attempted, r.delivery.sent) == (1, 1)
    assert r.data_quality.ignored_events == 2
    assert r.data_quality.receipts_without_send == 0


def test_ignored_click_does_not_turn_a_failed_send_into_sent() -> None:
    """CH-3 → CH-2 before D-3: with tracking off, a click of a message whose
    personalization failed is ignored: still Failed to send, no send conflict, no
    receipt without send."""
    events = [ev("personalization_failed", 0), ev("clicked", 1)]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.sent, r.delivery.failed_to_send) == (0, 1)
    dq = r.data_quality
    assert (dq.send_conflicts, dq.receipts_without_send, dq.ignored_events) == (0, 0, 1)


# --------------------------------------------------------------------------- CH-4


def test_one_time_campaign_ignores_instance_id() -> None:
    """CH-4: a one-time campaign has one instance: u1's two instance ids are one message."""
    events = [ev("sent", 0, "u1", instance_id="i1"), ev("sent", 24, "u1", instance_id="i2")]
    r = report(make_campaign("sms"), events)
    assert r.delivery.sent == 1
    assert r.delivery.unique_sent_users == 1


@pytest.mark.parametrize("delivery_type", ["periodic", "active"])
def test_periodic_and_active_campaigns_have_several_instances(delivery_type: str) -> None:
    """CH-4: instances i1, i2 and the `null` instance (no instance_id) are three messages
    of one user; the delivered one is only i1."""
    events = [
        ev("sent", 0, "u1", instance_id="i1"),
        ev("delivered", 1, "u1", instance_id="i1"),
        ev("sent", 24, "u1", instance_id="i2"),
        ev("sent", 48, "u1"),
    ]
    r = report(make_campaign("sms", delivery_type=delivery_type), events)
    assert r.delivery.sent == 3
    assert r.delivery.unique_sent_users == 1
    assert r.delivery.delivered == 1
    assert r.delivery.in_transit == 2


# --------------------------------------------------------------------------- CH-5


def test_displayed_instants_use_the_app_time_zone() -> None:
    """CH-5: instants are shown in the app's zone (Los Angeles is UTC−7 in May)."""
    r = report(
        make_campaign("sms", app_timezone="America/Los_Angeles"),
        [ev("sent", 0), ev("delivered", 1)],
    )
    assert r.as_of is not None
    shown = dt.datetime.fromisoformat(r.as_of)
    assert shown.utcoffset() == dt.timedelta(hours=-7)
    assert shown == t(1)
    assert shown.hour == 1  # 08:00 UTC is 01:00 in Los Angeles
    assert r.parameters.time_zone == "America/Los_Angeles"


def test_unknown_time_zone_is_a_configuration_error() -> None:
    """CH-5: the app's time zone must be an IANA name."""
    with pytest.raises(ConfigurationError):
        make_campaign("sms", app_timezone="Mars/Olympus")


# --------------------------------------------------------------------------- CH-6


def test_report_uses_one_name_per_aliased_metric() -> None:
    """CH-6: the report uses one name each: `converted_users` (not `conversions`),
    `total_conversions`/`unique_conversions` (not all/unique goals), `failed_rate`
    (not `failure_rate`)."""
    d = report(make_campaign("sms", goals=[PURCHASE]), [ev("sent", 0)]).to_dict()
    assert "failed_rate" in d["delivery"]
    assert "failure_rate" not in d["delivery"]
    vt = d["conversion"]["view_through"]
    assert "converted_users" in vt
    assert "conversions" not in vt
    goal = vt["goals"][0]
    assert {"total_conversions", "unique_conversions"} <= goal.keys()
    assert not {"all_goals", "unique_goals"} & goal.keys()


# --------------------------------------------------------------------------- D-1


@pytest.mark.parametrize(
    ("fields", "sent", "failed"),
    [
        ({}, 1, 0),
        ({"response_code": 200}, 1, 0),
        ({"response_code": 503}, 0, 1),
        ({"response_code": 201}, 0, 1),
        ({"response_code": 429}, 0, 1),
    ],
)
def test_send_is_sent_iff_response_code_is_200(
    fields: dict[str, Any], sent: int, failed: int
) -> None:
    """D-1: a `sent` without a code is a 200; any code other than 200 (even 201) fails."""
    r = report(make_campaign("connector"), [ev("sent", 0, **fields)])
    assert (r.delivery.attempted, r.delivery.sent, r.delivery.failed_to_send) == (1, sent, failed)


def test_repeated_sends_are_one_message() -> None:
    """D-1: requests are never retried; two 200 sends of one message are one Sent message."""
    r = report(make_campaign("sms"), [ev("sent", 0, event_id="a"), ev("sent", 1, event_id="b")])
    assert (r.delivery.attempted, r.delivery.sent) == (1, 1)


def test_send_instant_is_earliest_200_send_or_post_send_event() -> None:
    """D-1 with K-2: u1's receipt at 0 h precedes its 200 send at 2 h, so the send instant
    is 0 h: a click at 0 h + 360 h counts, one at 0 h + 360 h + 1 µs is expired even
    though it is within 360 h of the `sent` record.
    A non-200 send at −1 h does not move the send instant."""
    events = [
        ev("sent", -1, "u1", response_code=500, event_id="x"),
        ev("sent", 2, "u1", event_id="s"),
        ev("delivered", 0, "u1", event_id="d"),
        ev("clicked", T0 + HOURS_360, "u1", event_id="k1"),
        ev("clicked", T0 + HOURS_360 + dt.timedelta(microseconds=1), "u1", event_id="k2"),
    ]
    r = report(make_campaign("sms", click_tracking=True), events)
    assert r.engagement.total_clicks == 1
    assert r.engagement.expired_clicks == 1


def test_segments_come_from_canonical_first_200_send_at_earliest_time() -> None:
    """D-1: `segments` come from the canonical-first 200 `sent` at the earliest 200-send
    time. At 0 h: event ids "a" (2 segments) and "b" (3); canonical forms sort by
    `event_id` before `segments` → "a" wins. The later 200 send (5) and the earlier
    non-200 send (7) do not count. u2 has no segments → 0. Total 2."""
    events = [
        ev("sent", 0, "u1", event_id="b", segments=3),
        ev("sent", 0, "u1", event_id="a", segments=2),
        ev("sent", 1, "u1", event_id="c", segments=5),
        ev("sent", -1, "u1", event_id="d", segments=7, response_code=503),
        ev("sent", 0, "u2", event_id="e"),
    ]
    r = report(make_campaign("sms"), events)
    assert r.delivery.total_segments == 2


# --------------------------------------------------------------------------- D-2


@pytest.mark.parametrize(
    ("type_", "fields"),
    [
        ("attempted", {}),
        ("sent", {}),
        ("send_failed", {"reason": "x"}),
        ("personalization_failed", {}),
        ("skipped", {"reason": "SkippedNoContent"}),
        ("delivered", {}),
        ("sms_fallback", {}),
        ("delivery_failed", {}),
        ("soft_bounce", {}),
        ("hard_bounce", {}),
        ("deleted", {}),
        ("clicked", {}),
    ],
)
def test_attempt_events_make_a_message_attempted(type_: str, fields: dict[str, Any]) -> None:
    """D-2: any of these events alone makes the message Attempted."""
    r = report(make_campaign("mms", click_tracking=True), [ev(type_, 0, **fields)])
    assert r.delivery.attempted == 1


@pytest.mark.parametrize("type_", ["fc_removed", "control_removed"])
def test_removals_never_make_a_message_attempted(type_: str) -> None:
    """D-2: `fc_removed` and `control_removed` never make a message Attempted."""
    r = report(make_campaign("sms"), [ev(type_, 0)])
    d = r.delivery
    assert (d.attempted, d.sent, d.failed_to_send, d.awaiting_response) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("type_", "fields"), [("unsubscribed", {}), ("content_api_error", {"status_code": 500})]
)
def test_other_events_do_not_make_a_message_attempted(type_: str, fields: dict[str, Any]) -> None:
    """D-2: `unsubscribed` and `content_api_error` are not in D-2's list."""
    r = report(make_campaign("sms"), [ev(type_, 0, **fields)])
    assert r.delivery.attempted == 0


def test_attempted_without_result_is_awaiting_response() -> None:
    """D-2, D-4: an `attempted` alone is Attempted and awaiting a response."""
    r = report(make_campaign("connector"), [ev("attempted", 0)])
    d = r.delivery
    assert (d.attempted, d.sent, d.failed_to_send, d.awaiting_response) == (1, 0, 0, 1)


# --------------------------------------------------------------------------- D-3


@pytest.mark.parametrize(
    ("type_", "fields"),
    [
        ("sent", {"response_code": 502}),
        ("send_failed", {"error_code": "30007"}),
        ("send_failed", {"response_code": 404}),
        ("personalization_failed", {"category": "user_attribute"}),
        ("skipped", {"reason": "ContentTooLong"}),
    ],
)
def test_failure_events_make_a_message_failed_to_send(type_: str, fields: dict[str, Any]) -> None:
    """D-3: a non-200 response, `send_failed`, `personalization_failed` or `skipped`."""
    r = report(make_campaign("sms"), [ev("attempted", 0), ev(type_, 0, **fields)])
    d = r.delivery
    assert (d.attempted, d.sent, d.failed_to_send, d.awaiting_response) == (1, 0, 1, 0)
    assert r.data_quality.send_conflicts == 0


def test_200_send_wins_over_failure_and_counts_a_send_conflict() -> None:
    """D-3: u1 has a send_failed and a 200 send → Sent, 1 send conflict; u2 a skipped and
    a receipt → Sent (post-send event), 1 more conflict; u3 only fails."""
    events = [
        ev("send_failed", 0, "u1", reason="timeout"),
        ev("sent", 1, "u1"),
        ev("skipped", 0, "u2", reason="SkippedNoContent"),
        ev("delivered", 1, "u2"),
        ev("send_failed", 0, "u3", reason="timeout"),
    ]
    r = report(make_campaign("sms"), events)
    d = r.delivery
    assert (d.attempted, d.sent, d.failed_to_send) == (3, 2, 1)
    assert r.data_quality.send_conflicts == 2
    reasons = {row.reason: row.messages for row in r.errors.failed_to_send}
    assert reasons == {"timeout": 1}  # E-1 counts only Failed-to-send messages


# --------------------------------------------------------------------------- D-4


def test_sent_and_failed_rates_over_attempted() -> None:
    """D-4: 4 Attempted = 2 Sent + 1 Failed + 1 Awaiting → 50 %, 25 %."""
    events = [
        ev("sent", 0, "u1"),
        ev("sent", 0, "u2"),
        ev("send_failed", 0, "u3", response_code=500),
        ev("attempted", 0, "u4"),
    ]
    d = report(make_campaign("connector"), events).delivery
    assert (d.attempted, d.sent, d.failed_to_send, d.awaiting_response) == (4, 2, 1, 1)
    assert d.sent_rate == pytest.approx(50.0)
    assert d.failed_rate == pytest.approx(25.0)


def test_rates_are_undefined_without_attempts() -> None:
    """D-4 (rates): a zero denominator gives None, never an exception or NaN."""
    d = report(make_campaign("sms"), [ev("fc_removed", 0)]).delivery
    assert d.sent_rate is None
    assert d.failed_rate is None
    assert d.delivered_rate is None


def test_empty_log_has_zero_counts_and_undefined_rates() -> None:
    """D-4, D-7: an empty log: every count 0, every rate None, no as-of instant."""
    r = report(make_campaign("mms"), [])
    d = r.delivery
    assert (d.attempted, d.sent, d.failed_to_send, d.delivered, d.in_transit) == (0, 0, 0, 0, 0)
    assert (d.sent_rate, d.failed_rate, d.delivered_rate) == (None, None, None)
    assert r.as_of is None


# --------------------------------------------------------------------------- D-5


def test_delivered_rate_and_unique_users() -> None:
    """D-5: periodic campaign, u1 delivered in two instances, u2 delivered once, u3 in
    transit: Delivered 3 of 4 Sent = 75 %; unique deliveries 2 users, unique sends 3."""
    events = [
        ev("sent", 0, "u1", instance_id="a"),
        ev("delivered", 1, "u1", instance_id="a"),
        ev("sent", 24, "u1", instance_id="b"),
        ev("delivered", 25, "u1", instance_id="b"),
        ev("sent", 0, "u2", instance_id="a"),
        ev("delivered", 2, "u2", instance_id="a"),
        ev("sent", 0, "u3", instance_id="a"),
    ]
    d = report(make_campaign("sms", delivery_type="periodic"), events).delivery
    assert (d.sent, d.delivered) == (4, 3)
    assert d.delivered_rate == pytest.approx(75.0)
    assert (d.unique_sent_users, d.unique_delivered_users) == (3, 2)


# --------------------------------------------------------------------------- D-6


def test_mms_worked_example_fallback_is_not_delivered() -> None:
    """D-6 worked example (000): 100 MMS sent, 90 reach phones — 80 as MMS, 10 as SMS
    fallback → Sent 100, Delivered 80, Sent as SMS 10 (10 % of Sent)."""
    events: list[MessageEvent] = []
    for i in range(100):
        user = f"u{i:03d}"
        events.append(ev("sent", 0, user))
        if i < 80:
            events.append(ev("delivered", 1, user))
        elif i < 90:
            events.append(ev("sms_fallback", 1, user))
    r = report(make_campaign("mms"), events)
    d = r.delivery
    assert d.sent == 100
    assert d.delivered == 80
    assert d.sent_as_sms == 10
    assert d.in_transit == 10
    assert d.delivered_rate == pytest.approx(80.0)
    assert _rows(r)["sent_as_sms"] == 10
    assert _shares(r)["sent_as_sms"] == pytest.approx(10.0)


def test_fallback_wins_over_any_receipt() -> None:
    """D-6: a message with an `sms_fallback` is Sent as SMS whatever else arrives —
    here a receipt before and one after the fallback."""
    events = [
        ev("sent", 0),
        ev("delivered", 1, event_id="d1"),
        ev("sms_fallback", 2),
        ev("delivered", 3, event_id="d2"),
    ]
    d = report(make_campaign("mms"), events).delivery
    assert (d.sent, d.delivered, d.sent_as_sms) == (1, 0, 1)
    assert d.unique_delivered_users == 0


# --------------------------------------------------------------------------- D-7


def test_records_after_the_as_of_instant_do_not_count() -> None:
    """D-7: receipt at 3 h: as of 2 h the message is in transit, as of exactly 3 h
    Delivered (at or before counts). u2's send at 4 h counts in neither."""
    events = [ev("sent", 0, "u1"), ev("delivered", 3, "u1"), ev("sent", 4, "u2")]
    c = make_campaign("sms")
    early = report(c, events, as_of=t(2)).delivery
    assert (early.attempted, early.sent, early.delivered, early.in_transit) == (1, 1, 0, 1)
    at_receipt = report(c, events, as_of=t(3)).delivery
    assert (at_receipt.sent, at_receipt.delivered, at_receipt.in_transit) == (1, 1, 0)


def test_default_as_of_is_latest_record_time() -> None:
    """D-7: without an instant the report is as of the latest record time (5 h)."""
    events = [ev("sent", 0, "u1"), ev("delivered", 5, "u1"), ev("sent", 2, "u2")]
    r = report(make_campaign("sms"), events)
    assert r.as_of is not None
    assert dt.datetime.fromisoformat(r.as_of) == t(5)
    assert r.delivery.delivered == 1


def test_default_as_of_is_latest_record_of_the_whole_run() -> None:
    """D-7: the default instant is the latest accepted record *of the run*: campaign b's
    log ends at 3 h but a's at 10 h, so both reports are as of 10 h."""
    a = CampaignInput(make_campaign("sms", "a"), events=[ev("sent", 0), ev("delivered", 10)])
    b = CampaignInput(make_campaign("sms", "b"), events=[ev("sent", 3)])
    ra, rb = cm.analyze(a, b)
    assert ra.as_of is not None
    assert rb.as_of is not None
    assert dt.datetime.fromisoformat(ra.as_of) == t(10)
    assert dt.datetime.fromisoformat(rb.as_of) == t(10)


def test_later_fallback_moves_a_message_out_of_delivered() -> None:
    """D-7's one exception (D-6): receipt at 1 h, fallback at 3 h: as of 2 h Delivered,
    as of 3 h Sent as SMS."""
    events = [ev("sent", 0), ev("delivered", 1), ev("sms_fallback", 3)]
    c = make_campaign("mms")
    before = report(c, events, as_of=t(2)).delivery
    after = report(c, events, as_of=t(3)).delivery
    assert (before.delivered, before.sent_as_sms) == (1, 0)
    assert (after.delivered, after.sent_as_sms) == (0, 1)


# --------------------------------------------------------------------------- D-8


@pytest.mark.parametrize("channel", ["sms", "mms"])
def test_sent_only_sms_mms_lists_pending_delivery_confirmation(channel: str) -> None:
    """D-8: every Sent message of a sent-only SMS/MMS is Pending delivery confirmation:
    3 Sent (1 Failed to send aside) → one row of 3 messages, 100 % of Sent."""
    events = [
        ev("sent", 0, "u1"),
        ev("sent", 0, "u2"),
        ev("sent", 0, "u3"),
        ev("send_failed", 0, "u4", response_code=500),
    ]
    r = report(make_campaign(channel, provider="custom"), events)
    assert _rows(r) == {"pending_delivery_confirmation": 3}
    assert _shares(r)["pending_delivery_confirmation"] == pytest.approx(100.0)


def test_connector_has_no_pending_delivery_confirmation_row() -> None:
    """D-8: a connector campaign has no Pending delivery confirmation row."""
    r = report(make_campaign("connector"), [ev("sent", 0, "u1"), ev("sent", 0, "u2")])
    rows = r.errors.failed_to_deliver
    assert all(row.reason != "pending_delivery_confirmation" for row in rows)


def test_tracked_campaign_has_no_pending_delivery_confirmation_row() -> None:
    """D-8: a delivery-tracked campaign's unanswered sends are In transit, not pending."""
    r = report(make_campaign("sms"), [ev("sent", 0, "u1")])
    assert _rows(r) == {"in_transit": 1}


# --------------------------------------------------------------------------- D-9


def test_failed_to_deliver_counts_deleted_bounces_and_delivery_failed() -> None:
    """D-9: of 6 Sent, 4 have a failure outcome (deleted, hard, soft, delivery_failed),
    1 is Delivered, 1 in transit → Failed to deliver 4, each its own row."""
    events = [ev("sent", 0, u) for u in ("u1", "u2", "u3", "u4", "u5", "u6")]
    events += [
        ev("deleted", 1, "u1"),
        ev("hard_bounce", 1, "u2"),
        ev("soft_bounce", 1, "u3"),
        ev("delivery_failed", 1, "u4"),
        ev("delivered", 1, "u5"),
    ]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.failed_to_deliver, r.delivery.delivered, r.delivery.in_transit) == (4, 1, 1)
    assert _rows(r) == {
        "deleted": 1,
        "hard_bounce": 1,
        "soft_bounce": 1,
        "delivery_failed": 1,
        "in_transit": 1,
    }


# --------------------------------------------------------------------------- D-10


def test_same_event_id_same_content_counts_once() -> None:
    """D-10: a repeat of an identity with the same content counts once: 1 duplicate."""
    events = [ev("sent", 0, event_id="e1"), ev("sent", 0, event_id="e1")]
    r = report(make_campaign("sms"), events)
    assert r.delivery.sent == 1
    assert (r.data_quality.duplicates, r.data_quality.id_conflicts) == (1, 0)


def test_same_event_id_different_content_is_kept_as_a_conflict() -> None:
    """D-10: a repeat with different content is kept as a distinct event (two clicks at
    different times → 2 clicks) and adds 1 id conflict, no duplicate."""
    events = [
        ev("sent", 0, event_id="s"),
        ev("clicked", 1, event_id="k", url="https://x"),
        ev("clicked", 2, event_id="k", url="https://x"),
    ]
    r = report(make_campaign("sms", click_tracking=True), events)
    assert r.engagement.total_clicks == 2
    assert (r.data_quality.duplicates, r.data_quality.id_conflicts) == (0, 1)


def test_reused_id_across_status_callbacks_keeps_both_events() -> None:
    """D-10: a provider reusing one id for `sent` and `delivered` loses neither: the
    message is Sent and Delivered; 1 id conflict."""
    events = [ev("sent", 0, event_id="m1"), ev("delivered", 1, event_id="m1")]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.sent, r.delivery.delivered) == (1, 1)
    assert r.data_quality.receipts_without_send == 0
    assert (r.data_quality.duplicates, r.data_quality.id_conflicts) == (0, 1)


def test_three_records_of_one_identity_give_duplicate_and_conflict() -> None:
    """D-10: per identity, duplicates = records − distinct contents (3 − 2 = 1) and
    id_conflicts = distinct contents − 1 (2 − 1 = 1)."""
    events = [
        ev("sent", 0, event_id="e1"),
        ev("sent", 0, event_id="e1"),
        ev("sent", 0, event_id="e1", segments=2),
    ]
    dq = report(make_campaign("sms"), events).data_quality
    assert (dq.duplicates, dq.id_conflicts) == (1, 1)


@pytest.mark.parametrize(
    "other_time",
    ["2026-05-04T07:00:00+00:00", "2026-05-04T09:00:00+02:00", "2026-05-04T07:00:00.000000Z"],
)
def test_z_and_offset_spellings_are_the_same_content(other_time: str) -> None:
    """D-10: parsed fields are compared, so `Z` and `+00:00` (or any spelling of the same
    instant) do not differ: a duplicate, not an id conflict."""
    base = {"event_id": "e1", "user_id": "u1", "type": "sent"}
    events = [
        _parsed({**base, "time": "2026-05-04T07:00:00Z"}),
        _parsed({**base, "time": other_time}),
    ]
    r = report(make_campaign("sms"), events)
    assert r.delivery.sent == 1
    assert (r.data_quality.duplicates, r.data_quality.id_conflicts) == (1, 0)


def test_filled_in_campaign_id_is_the_same_content() -> None:
    """D-10: the campaign id is filled in, so a record with `campaign_id` equal to the
    campaign's and the same record without it have the same content."""
    events = [
        ev("sent", 0, event_id="e1", campaign_id="c1"),
        ev("sent", 0, event_id="e1"),
    ]
    dq = report(make_campaign("sms"), events).data_quality
    assert (dq.duplicates, dq.id_conflicts) == (1, 0)


def test_records_without_event_id_are_identified_by_content() -> None:
    """D-10: without `event_id`, equal records are one (1 duplicate) and different records
    are distinct events (no conflict): 3 clicks, 2 distinct."""
    events = [ev("sent", 0), ev("clicked", 1), ev("clicked", 1), ev("clicked", 2)]
    r = report(make_campaign("sms", click_tracking=True), events)
    assert r.engagement.total_clicks == 2
    assert (r.data_quality.duplicates, r.data_quality.id_conflicts) == (1, 0)


def test_conversion_revenue_spellings_are_the_same_content() -> None:
    """D-10: conversions are identified by `event_id`; 10.50 and 10.5 do not differ →
    one purchase (revenue 10.5) and 1 duplicate."""
    goal = Goal(name="purchase", event="purchase", primary=True, track_revenue=True)
    convs = [
        ConversionEvent.from_dict(
            {
                "event_id": "p1",
                "user_id": "u1",
                "name": "purchase",
                "time": "2026-05-04T08:00:00Z",
                "revenue": rev,
            }
        )
        for rev in (Decimal("10.50"), Decimal("10.5"))
    ]
    r = report(
        make_campaign("sms", goals=[goal]), [ev("sent", 0), ev("delivered", 0)], conversions=convs
    )
    vt = r.conversion.view_through
    assert vt.conversion_events == 1
    assert vt.revenue == Decimal("10.5")
    assert r.data_quality.duplicates == 1


def test_duplicates_count_whatever_the_as_of_instant() -> None:
    """D-10: duplicates and id conflicts count over all records read, even records after
    the as-of instant (here both repeats are at 5 h, the report as of 1 h)."""
    events = [
        ev("sent", 0, event_id="s"),
        ev("delivered", 5, event_id="d"),
        ev("delivered", 5, event_id="d"),
        ev("hard_bounce", 5, event_id="h"),
        ev("hard_bounce", 6, event_id="h"),
    ]
    r = report(make_campaign("sms"), events, as_of=t(1))
    assert r.delivery.delivered == 0
    assert (r.data_quality.duplicates, r.data_quality.id_conflicts) == (1, 1)


def test_event_id_reused_for_another_user_is_a_distinct_event() -> None:
    """D-10: the same `event_id` on sends of u1 and u2 is one identity with two contents:
    both kept (Sent 2), 1 id conflict."""
    events = [ev("sent", 0, "u1", event_id="e1"), ev("sent", 0, "u2", event_id="e1")]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.sent, r.delivery.unique_sent_users) == (2, 2)
    assert (r.data_quality.duplicates, r.data_quality.id_conflicts) == (0, 1)


def test_report_does_not_depend_on_log_order() -> None:
    """D-10: the same records in reverse order give the same report."""
    events = [
        ev("sent", 0, "u1", event_id="a"),
        ev("delivered", 1, "u1", event_id="b"),
        ev("hard_bounce", 1, "u1", event_id="c"),
        ev("send_failed", 0, "u2", event_id="d", reason="r"),
        ev("sent", 0, "u3", event_id="e"),
        ev("delivery_failed", 0.5, "u3", event_id="f", reason="zeta"),
        ev("delivery_failed", 0.5, "u3", event_id="g", reason="alpha"),
        ev("sent", 0, "u3", event_id="e"),
    ]
    c = make_campaign("sms")
    assert report(c, events).to_dict() == report(c, list(reversed(events))).to_dict()


# --------------------------------------------------------------------------- D-11


def test_receipt_is_sticky_and_counts_delivery_conflict() -> None:
    """D-11: a failure does not undo a receipt, before or after it: u1 (bounce after the
    receipt) and u2 (failure before it) are Delivered, 2 delivery conflicts; u3 is
    Delivered without conflict."""
    events = [
        ev("sent", 0, "u1"),
        ev("delivered", 1, "u1"),
        ev("hard_bounce", 2, "u1"),
        ev("sent", 0, "u2"),
        ev("delivery_failed", 1, "u2"),
        ev("delivered", 2, "u2"),
        ev("sent", 0, "u3"),
        ev("delivered", 1, "u3"),
    ]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.delivered, r.delivery.failed_to_deliver) == (3, 0)
    assert r.data_quality.delivery_conflicts == 2


def test_fallback_with_failure_is_sent_as_sms() -> None:
    """D-11: Sent as SMS outranks every failure; not Delivered, so no delivery conflict."""
    events = [ev("sent", 0), ev("deleted", 1), ev("sms_fallback", 2), ev("hard_bounce", 3)]
    r = report(make_campaign("mms"), events)
    assert (r.delivery.sent_as_sms, r.delivery.failed_to_deliver) == (1, 0)
    assert r.data_quality.delivery_conflicts == 0


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        ([("hard_bounce", 1), ("deleted", 5)], "deleted"),
        ([("deleted", 5), ("soft_bounce", 1)], "deleted"),
        ([("soft_bounce", 1), ("hard_bounce", 9)], "hard_bounce"),
        ([("delivery_failed", 1), ("hard_bounce", 9)], "hard_bounce"),
        ([("soft_bounce", 2), ("delivery_failed", 1)], "delivery_failed"),
        ([("soft_bounce", 1), ("delivery_failed", 2)], "soft_bounce"),
        # same rank, same time: canonical form, "delivery_failed" < "soft_bounce" (D-10)
        ([("soft_bounce", 1), ("delivery_failed", 1)], "delivery_failed"),
    ],
)
def test_outcome_priority_by_type_not_time(
    failures: list[tuple[str, float]], expected: str
) -> None:
    """D-11: Deleted > Hard bounce > Soft bounce = Delivery failed, by type never time;
    ties of rank go to the earliest event. Without code or reason, the row is the type."""
    events = [ev("sent", 0)] + [ev(type_, at) for type_, at in failures]
    r = report(make_campaign("sms"), events)
    assert r.delivery.failed_to_deliver == 1
    assert _rows(r) == {expected: 1}


def test_outcome_tie_goes_to_canonical_first_event() -> None:
    """D-11, D-10: two hard bounces at the same instant → canonical form decides. Keys
    sort `event_id` before `reason`, so id "a" (reason "zeta") beats id "b" ("alpha")."""
    events = [
        ev("sent", 0),
        ev("hard_bounce", 1, event_id="b", reason="alpha"),
        ev("hard_bounce", 1, event_id="a", reason="zeta"),
    ]
    assert _rows(report(make_campaign("sms"), events)) == {"zeta": 1}


def test_outcome_tie_without_ids_compares_codes() -> None:
    """D-11, D-10: same type, same time, no ids → `error_code` "30005" sorts before
    "30007", so the row is `twilio:30005` (unknown_number, permanent)."""
    events = [
        ev("sent", 0),
        ev("delivery_failed", 1, error_code="30007"),
        ev("delivery_failed", 1, error_code="30005"),
    ]
    r = report(make_campaign("sms"), events)
    rows = r.errors.failed_to_deliver
    assert rows is not None
    [row] = rows
    assert (row.reason, row.messages, row.category, row.transient) == (
        "twilio:30005",
        1,
        "unknown_number",
        False,
    )


def test_code_inside_a_failure_event_only_sets_the_category() -> None:
    """D-11: the event type decides: a `delivery_failed` carrying the SMPP success state
    DELIVRD is still a failure (category `unknown`), not a receipt."""
    events = [ev("sent", 0), ev("delivery_failed", 1, error_code="DELIVRD")]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.delivered, r.delivery.failed_to_deliver) == (0, 1)
    rows = r.errors.failed_to_deliver
    assert rows is not None
    [row] = rows
    assert (row.reason, row.category) == ("smpp:DELIVRD", "unknown")


def test_delivery_conflict_is_point_in_time() -> None:
    """D-11 with D-7: receipt at 1 h, bounce at 3 h: as of 2 h Delivered without
    conflict; as of 3 h still Delivered (sticky), now 1 delivery conflict."""
    events = [ev("sent", 0), ev("delivered", 1), ev("hard_bounce", 3)]
    c = make_campaign("sms")
    before = report(c, events, as_of=t(2))
    after = report(c, events, as_of=t(3))
    assert (before.delivery.delivered, before.data_quality.delivery_conflicts) == (1, 0)
    assert (after.delivery.delivered, after.data_quality.delivery_conflicts) == (1, 1)


# --------------------------------------------------------------------------- D-12


def test_receipt_without_send_is_sent_and_counted() -> None:
    """D-12: u1 has only receipts (two of them) → Attempted, Sent, Delivered and one
    receipt without send (messages are counted, not events)."""
    events = [ev("delivered", 1, "u1", event_id="a"), ev("delivered", 2, "u1", event_id="b")]
    r = report(make_campaign("sms"), events)
    d = r.delivery
    assert (d.attempted, d.sent, d.delivered) == (1, 1, 1)
    assert r.data_quality.receipts_without_send == 1
    assert r.data_quality.receipt_before_send == 0


def test_failed_send_with_receipt_is_sent_without_send() -> None:
    """D-12 with D-3: a non-200 `sent` and a receipt → Sent; no 200 send so it is a
    receipt without send, and its failure a send conflict."""
    events = [ev("sent", 0, response_code=503), ev("delivered", 1)]
    r = report(make_campaign("sms"), events)
    assert (r.delivery.sent, r.delivery.failed_to_send, r.delivery.delivered) == (1, 0, 1)
    dq = r.data_quality
    assert (dq.receipts_without_send, dq.send_conflicts) == (1, 1)


def test_click_without_send_is_sent_and_counted() -> None:
    """D-12: a click is a post-send event: a click-only message (tracking on) is Sent,
    In transit, and a receipt without send."""
    r = report(make_campaign("sms", click_tracking=True), [ev("clicked", 1)])
    d = r.delivery
    assert (d.attempted, d.sent, d.delivered, d.in_transit) == (1, 1, 0, 1)
    assert r.engagement.total_clicks == 1
    assert r.data_quality.receipts_without_send == 1


def test_receipt_before_send_is_kept_and_counted() -> None:
    """D-12: a receipt at 1 h before the 200 send at 2 h: kept (Delivered), counted."""
    events = [
        ev("sent", 2, "u1"),
        ev("delivered", 1, "u1"),
        ev("sent", 0, "u2"),
        ev("delivered", 1, "u2"),
    ]
    r = report(make_campaign("sms"), events)
    assert r.delivery.delivered == 2
    assert r.data_quality.receipt_before_send == 1
    assert r.data_quality.receipts_without_send == 0


def test_send_instant_of_receipt_without_send_is_its_earliest_post_send_event() -> None:
    """D-12 → D-1 → K-2: the message's only events are a click at 0 h and a receipt at
    1 h, so its send instant is 0 h: clicks at 0 h + 360 h count, at 1 h + 360 h are
    expired."""
    events = [
        ev("clicked", 0, event_id="k0"),
        ev("delivered", 1),
        ev("clicked", T0 + HOURS_360, event_id="k1"),
        ev("clicked", t(1) + HOURS_360, event_id="k2"),
    ]
    r = report(make_campaign("sms", click_tracking=True), events)
    assert (r.engagement.total_clicks, r.engagement.expired_clicks) == (2, 1)


def test_receipt_before_send_depends_on_the_as_of_instant() -> None:
    """D-12 with D-7: receipt at 1 h, 200 send at 3 h. As of 2 h the send is not yet
    read: a receipt without send (Sent via its receipt). As of 3 h: a receipt before
    send instead."""
    events = [ev("sent", 3), ev("delivered", 1)]
    c = make_campaign("sms")
    early = report(c, events, as_of=t(2))
    late = report(c, events, as_of=t(3))
    assert (early.delivery.sent, early.delivery.delivered) == (1, 1)
    assert (early.data_quality.receipts_without_send, early.data_quality.receipt_before_send) == (
        1,
        0,
    )
    assert (late.data_quality.receipts_without_send, late.data_quality.receipt_before_send) == (
        0,
        1,
    )


# ---------------------------------------------------------------------------


def test_ctr_is_total_clicks_over_delivered() -> None:
    """R-1: 3 clicks (u1 twice, u2 once) over 4 Delivered (u5 in transit) = 75 %."""
    events = [ev("sent", 0, u) for u in ("u1", "u2", "u3", "u4", "u5")]
    events += [ev("delivered", 1, u) for u in ("u1", "u2", "u3", "u4")]
    events += [ev("clicked", 2, "u1"), ev("clicked", 3, "u1"), ev("clicked", 2, "u2")]
    r = report(make_campaign("sms", click_tracking=True), events)
    assert r.engagement.total_clicks == 3
    assert r.engagement.ctr == pytest.approx(75.0)


def test_ctr_falls_back_to_sent_when_sent_only() -> None:
    """R-1: sent-only: 3 clicks over 4 Sent = 75 %."""
    events = [ev("sent", 0, u) for u in ("u1", "u2", "u3", "u4")]
    events += [ev("clicked", 2, "u1"), ev("clicked", 3, "u1"), ev("clicked", 2, "u2")]
    r = report(make_campaign("connector", click_tracking=True), events)
    assert r.engagement.ctr == pytest.approx(75.0)


def test_ctr_has_no_upper_bound() -> None:
    """R-1: CTR is over a total: 3 clicks of 1 Delivered message = 300 %."""
    events = [ev("sent", 0), ev("delivered", 0)] + [ev("clicked", h) for h in (1, 2, 3)]
    r = report(make_campaign("sms", click_tracking=True), events)
    assert r.engagement.ctr == pytest.approx(300.0)


def test_ctr_is_undefined_without_deliveries() -> None:
    """R-1: a click of a Sent-as-SMS message with 0 Delivered → CTR undefined (None)."""
    events = [ev("sent", 0), ev("sms_fallback", 1), ev("clicked", 2)]
    r = report(make_campaign("mms", click_tracking=True), events)
    assert r.engagement.total_clicks == 1
    assert r.engagement.ctr is None


# ---------------------------------------------------------------------------


def test_failures_have_event_and_message_views() -> None:
    """R-4: one message failing twice with the same reason → events 2, messages 1."""
    events = [
        ev("send_failed", 0, event_id="f1", response_code=503),
        ev("send_failed", 1, event_id="f2", response_code=503),
    ]
    [row] = report(make_campaign("connector"), events).errors.failed_to_send
    assert (row.reason, row.events, row.messages) == ("http_503", 2, 1)


def test_conversions_have_unique_and_total_views() -> None:
    """R-4: u1 (Delivered) buys twice in its 36 h window, u2 (Delivered) never:
    converted users 1, conversion events 2, CVR 1/2 = 50 %; per goal total 2, unique 1."""
    events = [
        ev("sent", 0, "u1"),
        ev("delivered", 0, "u1"),
        ev("sent", 0, "u2"),
        ev("delivered", 0, "u2"),
    ]
    convs = [conversion("u1", 1, event_id="p1"), conversion("u1", 2, event_id="p2")]
    r = report(make_campaign("sms", goals=[PURCHASE]), events, conversions=convs)
    vt = r.conversion.view_through
    assert (vt.converted_users, vt.conversion_events) == (1, 2)
    assert vt.cvr == pytest.approx(50.0)
    assert vt.goals is not None
    [goal] = vt.goals
    assert (goal.total_conversions, goal.unique_conversions) == (2, 1)


def test_clicks_have_unique_and_total_views() -> None:
    """R-4, K-3: 3 clicks by 2 messages → total 3, unique 2."""
    events = [
        ev("sent", 0, "u1"),
        ev("sent", 0, "u2"),
        ev("clicked", 1, "u1"),
        ev("clicked", 2, "u1"),
        ev("clicked", 1, "u2"),
    ]
    e = report(make_campaign("connector", click_tracking=True), events).engagement
    assert (e.total_clicks, e.unique_clickers) == (3, 2)


# ---------------------------------------------------------------------------


def test_click_to_delivered_rate_counts_delivered_clickers() -> None:
    """R-5: 4 Delivered, of which u1 clicked (twice) → 25 %. u5 (Sent as SMS) clicked
    too but is not Delivered; u4's only click is expired (after 360 h) and does not
    count."""
    events = [ev("sent", 0, u) for u in ("u1", "u2", "u3", "u4", "u5")]
    events += [ev("delivered", 1, u) for u in ("u1", "u2", "u3", "u4")]
    events += [
        ev("sms_fallback", 1, "u5"),
        ev("clicked", 2, "u1"),
        ev("clicked", 3, "u1"),
        ev("clicked", 2, "u5"),
        ev("clicked", 361, "u4"),
    ]
    r = report(make_campaign("mms", click_tracking=True), events)
    assert r.engagement.click_to_delivered_rate == pytest.approx(25.0)


def test_click_to_delivered_rate_is_null_when_sent_only() -> None:
    """R-5: `null` when sent-only."""
    events = [ev("sent", 0), ev("clicked", 1)]
    r = report(make_campaign("sms", provider="custom", click_tracking=True), events)
    assert r.engagement.total_clicks == 1
    assert r.engagement.click_to_delivered_rate is None


# --------------------------------------------------------------------------- K-1


def test_clicks_of_sent_as_sms_messages_count() -> None:
    """K-1: the fallback SMS carries the link: u2's click (Sent as SMS) counts."""
    events = [
        ev("sent", 0, "u1"),
        ev("delivered", 1, "u1"),
        ev("clicked", 2, "u1"),
        ev("sent", 0, "u2"),
        ev("sms_fallback", 1, "u2"),
        ev("clicked", 2, "u2"),
    ]
    e = report(make_campaign("mms", click_tracking=True), events).engagement
    assert (e.total_clicks, e.unique_clickers) == (2, 2)


def test_clicks_of_undelivered_sent_messages_count() -> None:
    """K-1: clicks of any Sent message count, in transit or bounced."""
    events = [
        ev("sent", 0, "u1"),
        ev("clicked", 2, "u1"),
        ev("sent", 0, "u2"),
        ev("hard_bounce", 1, "u2"),
        ev("clicked", 2, "u2"),
    ]
    e = report(make_campaign("sms", click_tracking=True), events).engagement
    assert (e.total_clicks, e.unique_clickers) == (2, 2)


# --------------------------------------------------------------------------- K-2


def test_click_exactly_360_hours_after_send_counts() -> None:
    """K-2: a click at send + 360 h exactly still counts."""
    events = [ev("sent", 0), ev("delivered", 0), ev("clicked", T0 + HOURS_360)]
    e = report(make_campaign("sms", click_tracking=True), events).engagement
    assert (e.total_clicks, e.unique_clickers, e.expired_clicks) == (1, 1, 0)
    assert e.ctr == pytest.approx(100.0)


def test_click_one_microsecond_after_360_hours_is_expired() -> None:
    """K-2: a click at send + 360 h + 1 µs is expired: out of every count and rate,
    counted (in events) in `expired_clicks`."""
    late = T0 + HOURS_360 + dt.timedelta(microseconds=1)
    events = [
        ev("sent", 0),
        ev("delivered", 0),
        ev("clicked", late, event_id="k1"),
        ev("clicked", late, event_id="k2"),
    ]
    e = report(make_campaign("sms", click_tracking=True), events).engagement
    assert (e.total_clicks, e.unique_clickers, e.expired_clicks) == (0, 0, 2)
    assert e.ctr == pytest.approx(0.0)
    assert e.click_to_delivered_rate == pytest.approx(0.0)


def test_expired_click_does_not_attribute() -> None:
    """K-2: an expired click opens no click-through or in-session window: the purchase
    10 min after it is not attributed (the 36 h view-through window is long past)."""
    late = T0 + HOURS_360 + dt.timedelta(hours=1)
    events = [ev("sent", 0), ev("delivered", 0), ev("clicked", late)]
    convs = [conversion("u1", late + dt.timedelta(minutes=10), event_id="p")]
    r = report(
        make_campaign("sms", goals=[PURCHASE], click_tracking=True), events, conversions=convs
    )
    assert r.engagement.expired_clicks == 1
    assert r.conversion.click_through.converted_users == 0
    assert r.conversion.in_session.converted_users == 0


# --------------------------------------------------------------------------- K-3


def test_unique_clickers_are_distinct_messages() -> None:
    """K-3: periodic campaign, u1 clicks in instances a (twice) and b → total 3 click
    events, unique clickers 2 messages (not 1 user)."""
    events = [
        ev("sent", 0, "u1", instance_id="a"),
        ev("sent", 24, "u1", instance_id="b"),
        ev("clicked", 1, "u1", instance_id="a"),
        ev("clicked", 2, "u1", instance_id="a"),
        ev("clicked", 25, "u1", instance_id="b"),
    ]
    e = report(
        make_campaign("connector", click_tracking=True, delivery_type="periodic"), events
    ).engagement
    assert (e.total_clicks, e.unique_clickers) == (3, 2)


# ---------------------------------------------------------------------------


def test_outcomes_partition_sent() -> None:
    """X-1: 7 Sent = 3 Delivered + 1 Sent as SMS + 2 Failed to deliver + 1 In transit;
    u4's receipt with a later bounce is Delivered (D-11), u5's fallback with a receipt
    is Sent as SMS (D-6), u8 never got past failing to send."""
    events = [ev("sent", 0, f"u{i}") for i in range(1, 8)]
    events += [
        ev("delivered", 1, "u1"),
        ev("delivered", 1, "u2"),
        ev("delivered", 1, "u4"),
        ev("hard_bounce", 2, "u4"),
        ev("sms_fallback", 1, "u5"),
        ev("delivered", 2, "u5"),
        ev("soft_bounce", 1, "u6"),
        ev("deleted", 1, "u7"),
        ev("send_failed", 0, "u8", reason="x"),
    ]
    d = report(make_campaign("mms"), events).delivery
    assert d.sent == 7
    assert (d.delivered, d.sent_as_sms, d.failed_to_deliver, d.in_transit) == (3, 1, 2, 1)
    parts = [d.delivered, d.sent_as_sms, d.failed_to_deliver, d.in_transit]
    assert sum(p for p in parts if p is not None) == d.sent

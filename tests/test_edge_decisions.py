"""Edge cases found in review, each pinned to its rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaign_metrics import (
    Campaign,
    CampaignInput,
    ConversionEvent,
    MessageEvent,
    analyze,
)

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 5, 4, 7, tzinfo=UTC)
H = dt.timedelta(hours=1)


def test_a_blank_error_code_is_no_code() -> None:
    """X-4, E-1, E-3: a row's reason is the prefixed code, else the reason text, else
    the type — a code of only spaces is no code."""
    c = Campaign(id="c", name="N", channel="sms")
    events = [
        MessageEvent(type="send_failed", time=T0, user_id="a", error_code=" ", reason="network"),
        MessageEvent(type="sent", time=T0, user_id="b"),
        MessageEvent(type="delivery_failed", time=T0 + H, user_id="b", error_code="  "),
    ]
    [r] = analyze(CampaignInput(c, events=events))
    assert [row.reason for row in r.errors.failed_to_send] == ["network"]
    assert [row.reason for row in r.errors.failed_to_deliver] == ["delivery_failed"]


def test_shared_conversions_are_null_under_a_click_type_without_click_tracking() -> None:
    """CH-3, X-8: every key of a click-based type is null when clicks are not tracked."""
    c = Campaign.from_dict(
        {
            "id": "c",
            "name": "N",
            "channel": "sms",
            "goals": [{"name": "b", "event": "buy", "primary": True}],
        }
    )
    events = [MessageEvent(type="sent", time=T0, user_id="u")]
    for attribution in ("click_through", "in_session"):
        [r] = analyze(CampaignInput(c, events=events), attribution=attribution)
        assert r.conversion.shared_conversions is None
    [r] = analyze(CampaignInput(c, events=events))
    assert r.conversion.shared_conversions == 0


def test_a_date_range_selects_messages_by_their_earliest_attempt_only() -> None:
    """T-1: removals alone are no D-2 event, so a date range does not select them."""
    c = Campaign(id="c", name="N", channel="sms")
    events = [
        MessageEvent(type="fc_removed", time=T0, user_id="capped"),
        MessageEvent(type="sent", time=T0, user_id="u"),
    ]
    day = T0.date()
    [r] = analyze(CampaignInput(c, events=events), date_range=(day, day))
    assert r.delivery.sent == 1
    assert {row.reason: row.users for row in r.errors.removed}["fc_removed"] == 0
    [r] = analyze(CampaignInput(c, events=events))
    assert {row.reason: row.users for row in r.errors.removed}["fc_removed"] == 1


def test_a_conversion_of_an_unreached_user_still_sets_the_default_as_of() -> None:
    """D-7, A-6: the default instant is the latest accepted record of the run, even a
    conversion of a user no campaign reached (counted, not kept)."""
    c = Campaign(id="c", name="N", channel="sms")
    late = ConversionEvent(user_id="stranger", name="buy", time=T0 + 5 * H, revenue=Decimal(1))
    [r] = analyze(
        CampaignInput(c, events=[MessageEvent(type="sent", time=T0, user_id="u")]),
        conversions=[late],
    )
    assert r.as_of == "2026-05-04T12:00:00+00:00"
    assert any("no campaign of the run reached" in w for w in r.data_quality.warnings)

"""The second public layer, ``campaign_metrics.metrics``: the metric functions called on
hand-made frozen views, each checked against a value a rule of RULES.md fixes, and every
doctest of the layer run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from collections import Counter
from decimal import Decimal
from types import ModuleType

import pytest

import campaign_metrics.metrics as metrics
from campaign_metrics.metrics import (
    CampaignFacts,
    ContactFacts,
    ConversionFacts,
    ConversionRecord,
    MessageView,
    Outcome,
    RareFacts,
    attribute,
    average_money,
    breakdowns_section,
    build_reports,
    contacts_section,
    conversion_section,
    daily_section,
    data_quality_section,
    delivery_section,
    engagement_section,
    errors_section,
    funnel_section,
    rate,
    resolved_run,
    timeline_section,
    uplift_section,
)
from campaign_metrics.model import Campaign, Goal, Recipient

H = 3_600_000_000  # one hour in µs
DAY = 24 * H
PURCHASE = Goal(name="purchase", event="purchase", primary=True, track_revenue=True)


def _modules() -> list[ModuleType]:
    names = [m.name for m in pkgutil.iter_modules(metrics.__path__, "campaign_metrics.metrics.")]
    return [metrics, *(importlib.import_module(n) for n in sorted(names))]


def _delivered(user: str, t: int = 0, **kw: object) -> MessageView:
    return MessageView.sent_message(user, send_us=t, outcome=Outcome.DELIVERED, receipt_us=t, **kw)  # type: ignore[arg-type]


def _conv(t: int, digest: bytes, revenue: str | None = None) -> ConversionRecord:
    money = Decimal(revenue) if revenue is not None else None
    return (t, "purchase", money, None, None, digest * 16)


def _sms(**kw: object) -> Campaign:
    return Campaign(id="c1", name="Spring", channel="sms", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("module", _modules(), ids=lambda m: m.__name__)
def test_doctests_of_the_metrics_layer_pass(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_exported_function_has_a_doctest() -> None:
    finder = doctest.DocTestFinder()
    for name in metrics.__all__:
        obj = getattr(metrics, name)
        if inspect.isfunction(obj):
            tests = finder.find(obj, name)
            assert any(t.examples for t in tests), name


def test_all_names_only_what_exists() -> None:
    assert len(set(metrics.__all__)) == len(metrics.__all__)
    assert sorted(metrics.__all__) == metrics.__all__
    for name in metrics.__all__:
        assert hasattr(metrics, name), name


def test_d6_sms_fallback_is_not_delivered() -> None:
    views = [_delivered("u1"), _delivered("u2"), MessageView.sent_message("u3", send_us=0)]
    views.append(MessageView.sent_message("u4", send_us=0, outcome=Outcome.SENT_AS_SMS))
    d = delivery_section(views, delivery_tracked=True, as_of=10, validity_us=100)
    assert (d.sent, d.delivered, d.sent_as_sms, d.in_transit) == (4, 2, 1, 1)
    assert d.delivered_rate == 50.0  # D-5: Delivered / Sent


def test_k2_expired_clicks_count_apart_and_r1_ctr_falls_back_to_sent() -> None:
    clicked = MessageView.sent_message("u1", send_us=0, clicks=(H, 2 * H))
    clicked = clicked._replace(rare=RareFacts(expired_clicks=3))
    views = [clicked, *(MessageView.sent_message(u, send_us=0) for u in ("u2", "u3", "u4"))]
    e = engagement_section(views, delivery_tracked=False, click_tracking=True)
    assert (e.total_clicks, e.unique_clickers, e.expired_clicks) == (2, 1, 3)
    assert e.ctr == 50.0  # R-1, sent-only (the connector): clicks / Sent
    assert e.click_to_delivered_rate is None


def test_f1_f4_funnel_stages_and_duplicate_numbers() -> None:
    recipients = {
        "u1": Recipient("u1", "+14155550101"),
        "u2": Recipient("u2", "+14155550101"),
        "u3": Recipient("u3", "+14155550102"),
        "u4": Recipient("u4", ""),
    }
    views = [_delivered("u1"), MessageView.sent_message("u3", send_us=0)]
    stages, outside = funnel_section(
        views, recipients, connector=False, delivery_tracked=True, default_region=None
    )
    assert [(s.stage, s.users) for s in stages] == [
        ("valid_mobile_numbers", 3),
        ("after_fc_removal", 3),
        ("after_duplicate_removal", 2),
        ("sent", 2),
        ("delivered", 1),
    ]
    assert stages[0].removed == 1
    assert outside == 0


def test_a3_a4_a5_attribution_windows() -> None:
    campaign = _sms(click_tracking=True, goals=[PURCHASE])
    # received at 0, clicked at 10 h; window 36 h
    views = [_delivered("u1", clicks=(10 * H,))]
    conversions = {
        "u1": [
            _conv(36 * H, b"a"),  # exactly at the view-through window's end
            _conv(10 * H + 30 * 60_000_000, b"b"),  # 30 min after the click: all three
            _conv(46 * H, b"c"),  # exactly at the click-through window's end
            _conv(47 * H, b"d"),  # past both windows
        ]
    }
    a = attribute(views, campaign, conversions, as_of=50 * H)
    counts = {t: sum(len(d) for d in per.values()) for t, per in a.by_type.items()}
    assert counts == {"view_through": 2, "click_through": 3, "in_session": 1}


def test_a11_revenue_and_average_order_value() -> None:
    campaign = _sms(goals=[PURCHASE])
    views = [_delivered("u1"), _delivered("u2")]
    conversions = {"u1": [_conv(H, b"a", "10.00"), _conv(2 * H, b"b", "0.005")]}
    s = conversion_section(
        attribute(views, campaign, conversions, as_of=3 * H),
        campaign,
        views,
        selected_type="view_through",
        claimed_elsewhere=None,
    )
    vt = s.view_through
    assert vt.revenue == Decimal("10.005")
    assert vt.average_order_value == Decimal("5.00")  # half-even to cents
    assert vt.average_revenue_per_user == Decimal("10.00")
    assert vt.cvr == 50.0  # converted users / Delivered


def test_a8_converted_users_per_instance() -> None:
    campaign = _sms(goals=[PURCHASE])
    views = [_delivered("u1", 0, instance_id="d1"), _delivered("u1", DAY, instance_id="d2")]
    conversions = {"u1": [_conv(H, b"a"), _conv(DAY + H, b"b")]}
    s = conversion_section(
        attribute(views, campaign, conversions, as_of=2 * DAY),
        campaign,
        views,
        selected_type="view_through",
        claimed_elsewhere=None,
    )
    assert s.view_through.converted_users == 2
    assert s.view_through.conversion_events == 2


def test_a7_sms_fallback_converts_nothing() -> None:
    campaign = _sms(goals=[PURCHASE])
    views = [MessageView.sent_message("u1", send_us=0, outcome=Outcome.SENT_AS_SMS)]
    a = attribute(views, campaign, {"u1": [_conv(H, b"a")]}, as_of=2 * H)
    assert a.by_type["view_through"] == {}


def test_e3_failed_to_deliver_rows_by_outcome_reason() -> None:
    bounce = (5, "hard_bounce", "ev1", "Unknown subscriber", None, b"x" * 16)
    failed = MessageView.sent_message("u1", send_us=0, outcome=Outcome.FAILED)
    failed = failed._replace(rare=RareFacts(outcomes=(bounce,), outcome_event=bounce))
    views = [failed, _delivered("u2"), _delivered("u3"), _delivered("u4")]
    e = errors_section(views, delivery_tracked=True, connector=False, content_api=(), as_of=10)
    assert [(r.reason, r.messages, r.share) for r in e.failed_to_deliver] == [
        ("Unknown subscriber", 1, 25.0)
    ]


def test_o1_contact_status_of_the_latest_message() -> None:
    bounce = (DAY + 5, "hard_bounce", "ev1", None, None, b"x" * 16)
    later = MessageView.sent_message("u1", send_us=DAY, instance_id="2", outcome=Outcome.FAILED)
    later = later._replace(rare=RareFacts(outcomes=(bounce,), outcome_event=bounce))
    views = [_delivered("u1", 0, instance_id="1"), later]
    facts = ContactFacts(hard_bounces=Counter(), opted_out=frozenset(), unsubscribed={})
    c = contacts_section(
        views, campaign_id="c1", delivery_tracked=True, auto_suppression=True, facts=facts
    )
    assert (c.delivered, c.hard_bounces, c.unsubscribes, c.suppressed) == (0, 1, 0, 0)


def test_b1_locale_rows_and_the_whole_campaign_row() -> None:
    campaign = _sms()
    recipients = {u: Recipient(u, locale=loc) for u, loc in (("u1", "en"), ("u2", "fr"))}
    views = [_delivered("u1"), _delivered("u2")]
    a = attribute(views, campaign, {}, as_of=10)
    b = breakdowns_section(views, campaign, recipients, a, "view_through")
    assert b.locale_variation is not None
    assert [(r.locale, r.delivered) for r in b.locale_variation] == [
        (None, 2),
        ("en", 1),
        ("fr", 1),
    ]


def test_t1_one_daily_row_per_day_up_to_the_as_of_day() -> None:
    campaign = _sms()
    views = [_delivered("u1", 0)]
    a = attribute(views, campaign, {}, as_of=2 * DAY)
    rows = daily_section(views, campaign, a, "view_through", 2 * DAY)
    assert rows is not None
    assert [(r.date, r.sent) for r in rows] == [
        ("1970-01-01", 1),
        ("1970-01-02", 0),
        ("1970-01-03", 0),
    ]


def test_b2_uplift_against_the_control_group() -> None:
    campaign = _sms(goals=[PURCHASE])
    recipients = {"t1": Recipient("t1"), "k1": Recipient("k1", group="control")}
    recipients["k2"] = Recipient("k2", group="control")
    views = [MessageView.sent_message("t1", send_us=0)]
    conversions = {"t1": [_conv(H, b"a")], "k1": [_conv(H, b"b")]}
    up, warnings = uplift_section(views, campaign, recipients, conversions, 2 * H)
    assert up is not None
    assert up.overall is not None
    assert (up.overall.users, up.overall.baseline_users) == (1, 2)
    assert (up.overall.group_cvr, up.overall.baseline_group_cvr) == (100.0, 50.0)
    assert warnings == []


def test_t2_timeline_first_and_last_send() -> None:
    views = [MessageView.sent_message("u1", send_us=H), MessageView.sent_message("u2", send_us=0)]
    t = timeline_section({}, views, _sms(), as_of=None)
    assert (t.first_sent, t.last_sent) == ("1970-01-01T00:00:00+00:00", "1970-01-01T01:00:00+00:00")
    assert t.durations_s["sending"] == 3600.0


def test_d10_data_quality_adds_campaign_and_conversion_duplicates() -> None:
    facts = CampaignFacts(_sms(), duplicates=2, id_conflicts=1)
    q = data_quality_section(
        facts,
        [MessageView.sent_message("u1", send_us=0)],
        conversions=ConversionFacts(duplicates=3, id_conflicts=1),
        sent_outside_funnel=0,
        extra_warnings=(),
    )
    assert (q.duplicates, q.id_conflicts) == (5, 2)


def test_d4_rate_is_none_over_zero() -> None:
    assert rate(1, 4) == 25.0
    assert rate(0, 0) is None


def test_a11_average_money_rounds_half_even() -> None:
    assert average_money(Decimal("0.125"), 1) == Decimal("0.12")
    assert average_money(Decimal("5"), 0) is None


def test_a6_resolved_run_attributes_to_every_campaign() -> None:
    one = CampaignFacts(_sms(goals=[PURCHASE]))
    two = CampaignFacts(Campaign(id="c2", name="Other", channel="sms", goals=[PURCHASE]))
    conversions = ConversionFacts(by_user={"u1": [_conv(H, b"a")]})
    run = resolved_run(
        [one, two],
        [[_delivered("u1")], [_delivered("u1")]],
        conversions,
        as_of_us=2 * H,
        date_range=None,
    )
    assert [len(a.events) for a in run.attributions] == [1, 1]


def test_x8_build_reports_counts_shared_conversions() -> None:
    one = CampaignFacts(_sms(goals=[PURCHASE]))
    two = CampaignFacts(Campaign(id="c2", name="Other", channel="sms", goals=[PURCHASE]))
    conversions = ConversionFacts(by_user={"u1": [_conv(H, b"a")]})
    run = resolved_run(
        [one, two],
        [[_delivered("u1")], [_delivered("u1")]],
        conversions,
        as_of_us=2 * H,
        date_range=None,
    )
    reports = build_reports(run, attribution="view_through")
    assert [r.campaign_id for r in reports] == ["c1", "c2"]
    assert [r.conversion.shared_conversions for r in reports] == [1, 1]
    assert [r.conversion.view_through.conversion_events for r in reports] == [1, 1]

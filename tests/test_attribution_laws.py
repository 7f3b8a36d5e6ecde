"""Properties of attribution over generated journeys and conversions (A-2..A-13, R-2)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_metrics import CampaignAccumulator, CampaignInput, ConversionEvent, analyze

from .strategies import T0, campaigns, conversions, logs

TYPES = ("view_through", "click_through", "in_session")


@st.composite
def runs(draw: st.DrawFn, /, **fixed: Any) -> tuple[Any, list[Any], list[ConversionEvent]]:
    campaign = draw(campaigns(goals=True, **fixed))
    return campaign, draw(logs(campaign)), draw(conversions())


def conversion_of(
    campaign: Any, log: list[Any], convs: list[ConversionEvent], **kw: Any
) -> dict[str, Any]:
    [r] = analyze(CampaignInput(campaign, events=log, conversions=convs), **kw)
    result: dict[str, Any] = r.to_dict()["conversion"]
    return result


@given(runs(), st.sampled_from([1, 12, 36]), st.sampled_from([2, 24, 168]))
def test_widening_the_window_never_lowers_a_conversion_count(
    run: Any, small: int, extra: int
) -> None:
    """A-2..A-4: a wider window keeps every conversion a narrower one attributed."""
    campaign, log, convs = run
    narrow = attrs.evolve(campaign, attribution_window_hours=small)
    wide = attrs.evolve(campaign, attribution_window_hours=min(small + extra, 168))
    a = conversion_of(narrow, log, convs, as_of=T0 + dt.timedelta(days=30))
    b = conversion_of(wide, log, convs, as_of=T0 + dt.timedelta(days=30))
    for t in TYPES:
        if a[t]["converted_users"] is None:
            continue
        assert b[t]["converted_users"] >= a[t]["converted_users"]
        assert b[t]["conversion_events"] >= a[t]["conversion_events"]
        for ga, gb in zip(a[t]["goals"], b[t]["goals"]):
            assert gb["total_conversions"] >= ga["total_conversions"]


@given(runs(click_tracking=True))
def test_in_session_is_within_click_through_when_the_window_is_at_least_30_minutes(
    run: Any,
) -> None:
    """A-4, A-5: every in-session conversion is also click-through (window ≥ 30 min)."""
    campaign, log, convs = run
    c = conversion_of(campaign, log, convs)
    assert c["in_session"]["conversion_events"] <= c["click_through"]["conversion_events"]
    assert c["in_session"]["converted_users"] <= c["click_through"]["converted_users"]


@given(runs(), st.integers(0, 7))
def test_a_conversion_outside_every_window_changes_nothing(run: Any, user: int) -> None:
    """A-3..A-5: a conversion long before any message counts nowhere."""
    campaign, log, convs = run
    before = ConversionEvent(
        user_id=f"u{user}",
        name="purchase",
        time=T0 - dt.timedelta(days=30),
        revenue=Decimal("99.99"),
        event_id="early",
    )
    as_of = T0 + dt.timedelta(days=30)
    assert conversion_of(campaign, log, convs, as_of=as_of) == conversion_of(
        campaign, log, [*convs, before], as_of=as_of
    )


@given(runs())
def test_revenue_is_aov_times_events_and_arpu_times_users_to_the_cent(run: Any) -> None:
    """A-11: the averages are exact quotients rounded half-even to cents."""
    campaign, log, convs = run
    c = conversion_of(campaign, log, convs)
    for t in TYPES:
        block = c[t]
        if block["revenue"] is None:
            continue
        if block["average_order_value"] is not None:
            events = block["conversion_events"]
            assert (
                abs(block["average_order_value"] * events - block["revenue"])
                <= Decimal("0.005") * events
            )
        if block["average_revenue_per_user"] is not None:
            users = block["converted_users"]
            assert (
                abs(block["average_revenue_per_user"] * users - block["revenue"])
                <= Decimal("0.005") * users
            )


@given(runs(click_tracking=True))
def test_direct_plus_assisted_is_the_union_of_the_three_types(run: Any) -> None:
    """A-13: direct = in-session; assisted = the rest of the union of all three types."""
    campaign, log, convs = run
    acc = CampaignAccumulator(campaign).add_all([*log, *convs])
    c = acc.report().to_dict()["conversion"]
    assert c["direct_orders"] == c["in_session"]["conversion_events"]
    assert c["direct_orders"] + c["assisted_orders"] >= max(
        c[t]["conversion_events"] for t in TYPES
    )
    assert c["direct_orders"] + c["assisted_orders"] <= sum(
        c[t]["conversion_events"] for t in TYPES
    )


@given(runs(), st.randoms(use_true_random=False), st.data())
@settings(max_examples=40)
def test_attribution_depends_neither_on_order_nor_on_splits(
    run: Any, rnd: random.Random, data: st.DataObject
) -> None:
    """A-6, D-10: the order of either file and how the logs are split change nothing."""
    campaign, log, convs = run
    items = [*log, *convs]
    whole = CampaignAccumulator(campaign).add_all(items).report().to_dict()
    rnd.shuffle(items)
    cut = data.draw(st.integers(0, len(items)))
    left = CampaignAccumulator(campaign).add_all(items[:cut])
    right = CampaignAccumulator(campaign).add_all(items[cut:])
    assert right.merge(left).report().to_dict() == whole


@given(runs(delivery_type="periodic"))
def test_cvr_over_messages_never_exceeds_100_in_multi_instance_campaigns(run: Any) -> None:
    """A-8, R-2: converted users count (user, instance) pairs, so CVR stays ≤ 100 %."""
    campaign, log, convs = run
    c = conversion_of(campaign, log, convs)
    for t in TYPES:
        cvr = c[t]["cvr"]
        assert cvr is None or 0 <= cvr <= 100

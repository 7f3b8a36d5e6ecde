"""Uplift against control and comparisons of variations (B-2, X-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_metrics import (
    Campaign,
    CampaignAccumulator,
    CampaignInput,
    ConversionEvent,
    MessageEvent,
    Recipient,
    analyze,
)
from campaign_metrics.stats import compare

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 5, 4, 7, tzinfo=UTC)
H = dt.timedelta(hours=1)


def campaign(**kw: Any) -> Campaign:
    data: dict[str, Any] = {
        "id": "c1",
        "name": "Spring",
        "channel": "sms",
        "attribution_window_hours": 12,
        "goals": [
            {"name": "buy", "event": "purchase", "primary": True, "track_revenue": True},
            {"name": "view", "event": "view"},
        ],
    }
    data.update(kw)
    return Campaign.from_dict(data)


def sent(user: str, at: dt.datetime = T0) -> list[MessageEvent]:
    return [MessageEvent(type="sent", time=at, user_id=user)]


def buy(user: str, at: dt.datetime, name: str = "purchase") -> ConversionEvent:
    return ConversionEvent(user_id=user, name=name, time=at, revenue=Decimal(1))


def test_target_and_control_groups_and_windows() -> None:
    """B-2: target = users with a D-2 event; control = listed or control_removed; windows
    from the first attempt, the removal instant, or the campaign's first attempt; receipt
    or not."""
    events = [*sent("t1"), *sent("t2"), *sent("t3", T0 + 2 * H)]
    events.append(MessageEvent(type="control_removed", time=T0 + H, user_id="k1"))
    people = [Recipient(user_id="k2", group="control"), Recipient(user_id="k3", group="control")]
    conversions = [
        buy("t1", T0 + 12 * H),  # window end, closed: counts
        buy("t2", T0 + 12 * H + dt.timedelta(microseconds=1)),  # just past: no
        buy("t3", T0 + 13 * H),  # t3's window starts at its own attempt: counts
        buy("k1", T0 + 13 * H),  # k1's window starts at its removal (T0 + 1 h): counts
        buy("k2", T0 + 12 * H),  # listed control: the campaign's first attempt, T0: counts
        buy("k3", T0 + 13 * H),  # past k3's window: no
    ]
    [r] = analyze(
        CampaignInput(campaign(), events=events, recipients=people, conversions=conversions)
    )
    assert r.uplift is not None
    o = r.uplift.overall
    assert (o.users, o.converted, o.baseline_users, o.baseline_converted) == (3, 2, 3, 2)
    assert o.uplift_pct == pytest.approx(0.0)
    assert o.label == "target"
    assert o.baseline == "control"


def test_a_listed_control_user_with_an_attempt_is_target_with_a_warning() -> None:
    """B-2: a listed control user with a D-2 event counts as target, with a warning."""
    people = [Recipient(user_id="u1", group="control"), Recipient(user_id="u2", group="control")]
    [r] = analyze(CampaignInput(campaign(), events=sent("u1"), recipients=people))
    assert r.uplift is not None
    assert (r.uplift.overall.users, r.uplift.overall.baseline_users) == (1, 1)
    assert any("control group" in w and "B-2" in w for w in r.data_quality.warnings)


def test_statistics_match_the_reference_vectors() -> None:
    """X-3, STATISTICS.md: 130/1000 vs 100/1000 through a campaign report."""
    events: list[MessageEvent] = []
    conversions = []
    people = []
    for i in range(1000):
        events += sent(f"t{i}")
        people.append(Recipient(user_id=f"k{i}", group="control"))
        if i < 130:
            conversions.append(buy(f"t{i}", T0 + H))
        if i < 100:
            conversions.append(buy(f"k{i}", T0 + H))
    [r] = analyze(
        CampaignInput(campaign(), events=events, recipients=people, conversions=conversions)
    )
    assert r.uplift is not None
    o = r.uplift.overall
    assert o.group_cvr == pytest.approx(13.0)
    assert o.difference_ci_pp[0] == pytest.approx(0.20023487, abs=1e-6)
    assert o.difference_ci_pp[1] == pytest.approx(5.80704850, abs=1e-6)
    assert o.uplift_pct == pytest.approx(30.0)
    assert o.uplift_ci_pct[0] == pytest.approx(1.69842710, abs=1e-6)
    assert o.test == "z_test"
    assert o.p_value == pytest.approx(0.0354884505, abs=1e-9)
    assert o.p_adjusted == o.p_value  # overall stands alone
    assert o.mde_pp == pytest.approx(4.07451543, abs=1e-6)


def test_variations_without_control_compare_with_the_first_by_name() -> None:
    """X-3: without control, each other variation vs the first variation by name;
    overall is null; Fisher for small counts."""
    people = [Recipient(user_id=f"u{i}", variation="B" if i % 2 else "A") for i in range(16)]
    events = [e for i in range(16) for e in sent(f"u{i}")]
    conversions = [buy(f"u{i}", T0 + H) for i in range(0, 16, 2)]  # every A user converts
    [r] = analyze(
        CampaignInput(campaign(), events=events, recipients=people, conversions=conversions)
    )
    assert r.uplift is not None
    assert r.uplift.overall is None
    [b] = r.uplift.by_variation
    assert (b.label, b.baseline, b.users, b.converted) == ("B", "A", 8, 0)
    assert (b.baseline_users, b.baseline_converted) == (8, 8)
    assert b.test == "fisher_exact"  # expected cells of 4 < 5
    assert b.uplift_pct == pytest.approx(-100.0)
    assert r.uplift.by_goal == ()


def test_uplift_is_null_without_a_primary_goal_or_two_groups() -> None:
    """X-3: `uplift` is null without a primary goal or with fewer than two groups."""
    no_goal = Campaign(id="c1", name="N", channel="sms")
    people = [Recipient(user_id="k", group="control")]
    [r] = analyze(CampaignInput(no_goal, events=sent("u"), recipients=people))
    assert r.uplift is None
    [r] = analyze(CampaignInput(campaign(), events=sent("u")))
    assert r.uplift is None
    assert r.to_dict()["uplift"] is None


def test_relative_uplift_over_a_baseline_that_converted_nobody_is_null() -> None:
    """B-2, X-3: never infinity — null uplift, the difference still stands."""
    people = [Recipient(user_id="k", group="control")]
    [r] = analyze(
        CampaignInput(
            campaign(), events=sent("u"), recipients=people, conversions=[buy("u", T0 + H)]
        )
    )
    assert r.uplift is not None
    o = r.uplift.overall
    assert o.uplift_pct is None
    assert o.uplift_ci_pct is None
    assert o.difference_pp == pytest.approx(100.0)


def test_by_goal_lists_every_goal_with_holm_within_the_list() -> None:
    """B-2, X-3: by_goal holds the primary and each secondary goal, Holm-adjusted."""
    events = [e for i in range(40) for e in sent(f"t{i}")]
    people = [Recipient(user_id=f"k{i}", group="control") for i in range(40)]
    conversions = [buy(f"t{i}", T0 + H) for i in range(20)]
    conversions += [buy(f"t{i}", T0 + H, "view") for i in range(5)]
    [r] = analyze(
        CampaignInput(campaign(), events=events, recipients=people, conversions=conversions)
    )
    assert r.uplift is not None
    names = [c.label for c in r.uplift.by_goal]
    assert names == ["buy", "view"]
    raw = sorted(c.p_value for c in r.uplift.by_goal)
    adjusted = sorted(c.p_adjusted for c in r.uplift.by_goal)
    assert adjusted[0] == pytest.approx(min(1.0, 2 * raw[0]))
    assert all(a >= p for a, p in zip(adjusted, raw))


@given(st.integers(0, 30), st.integers(1, 30), st.integers(0, 30), st.integers(1, 30))
def test_the_report_carries_exactly_the_statistics_of_compare(
    x: int, n: int, xc: int, nc: int
) -> None:
    """B-2, X-3: the overall comparison is stats.compare over the group counts."""
    x, xc = min(x, n), min(xc, nc)
    events = [e for i in range(n) for e in sent(f"t{i}")]
    people = [Recipient(user_id=f"k{i}", group="control") for i in range(nc)]
    conversions = [buy(f"t{i}", T0 + H) for i in range(x)]
    conversions += [buy(f"k{i}", T0 + H) for i in range(xc)]
    acc = CampaignAccumulator(campaign(), people).add_all([*events, *conversions])
    uplift = acc.report().uplift
    assert uplift is not None
    assert uplift.overall == compare("target", "control", x, n, xc, nc)

"""Time to deliver (X-2), the timeline (T-2) and pinned metrics (B-5)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from campaign_metrics import (
    Campaign,
    CampaignInput,
    ConfigurationError,
    MessageEvent,
    analyze,
)
from campaign_metrics.cli import main

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 5, 4, 7, tzinfo=UTC)
S = dt.timedelta(seconds=1)
H = dt.timedelta(hours=1)


def ev(type_: str, user: str | None, at: dt.datetime, **kw: Any) -> MessageEvent:
    return MessageEvent(type=type_, time=at, user_id=user, **kw)


def test_time_to_deliver_uses_nearest_ranks() -> None:
    """X-2: median, p90, p99 are the ⌈q·n⌉-th smallest earliest receipt − send."""
    events = []
    for i in range(1, 11):  # delays 1 s .. 10 s
        events += [ev("sent", f"u{i}", T0), ev("delivered", f"u{i}", T0 + i * S)]
        events.append(ev("delivered", f"u{i}", T0 + 100 * i * S))  # later receipts don't count
    [r] = analyze(CampaignInput(Campaign(id="c", name="N", channel="sms"), events=events))
    ttd = r.delivery.time_to_deliver
    assert (ttd.median_s, ttd.p90_s, ttd.p99_s) == (5.0, 9.0, 10.0)


def test_young_share_counts_in_transit_messages_younger_than_the_validity_period() -> None:
    """X-2: the share of Sent messages in transit and sent less than the validity period
    (campaign.json's validity_period_hours, default 72 h) before the as-of instant."""
    c = Campaign.from_dict({"id": "c", "name": "N", "channel": "sms", "validity_period_hours": 10})
    events = [
        ev("sent", "old", T0),  # in transit, 11 h old at as-of: not young
        ev("sent", "young", T0 + 2 * H),  # in transit, 9 h old: young
        ev("sent", "edge", T0 + H),  # exactly 10 h old: not younger than the period
        ev("sent", "done", T0 + 2 * H),
        ev("delivered", "done", T0 + 3 * H),
    ]
    [r] = analyze(CampaignInput(c, events=events), as_of=T0 + 11 * H)
    assert r.delivery.time_to_deliver.young_share == pytest.approx(25.0)
    [r] = analyze(
        CampaignInput(Campaign(id="c", name="N", channel="sms"), events=events), as_of=T0 + 11 * H
    )
    assert r.delivery.time_to_deliver.young_share == pytest.approx(75.0)


def test_time_to_deliver_is_null_for_sent_only_campaigns() -> None:
    """X-2, CH-2: derived from receipts, so null when sent-only."""
    c = Campaign(id="c", name="N", channel="connector")
    [r] = analyze(CampaignInput(c, events=[ev("sent", "u", T0)]))
    assert r.to_dict()["delivery"]["time_to_deliver"] == {
        "median_s": None,
        "p90_s": None,
        "p99_s": None,
        "young_share": None,
    }


def test_timeline_steps_and_durations_in_the_app_zone() -> None:
    """T-2: the earliest of each step, the latest send, durations; instants in the app's
    zone (CH-5)."""
    c = Campaign(id="c", name="N", channel="sms", app_timezone="America/New_York")
    events = [
        ev("segmentation_started", None, T0 - 2 * H),
        ev("segmentation_started", None, T0 - H),  # a later repeat: the earliest counts
        ev("segmentation_completed", None, T0 - H),
        ev("campaign_ready", None, T0 - 0.5 * H),
        ev("sent", "u1", T0),
        ev("sent", "u2", T0 + 3 * H),
    ]
    [r] = analyze(CampaignInput(c, events=events))
    tl = r.timeline
    assert tl.segmentation_started == "2026-05-04T01:00:00-04:00"
    assert tl.first_sent == "2026-05-04T03:00:00-04:00"
    assert tl.last_sent == "2026-05-04T06:00:00-04:00"
    assert dict(tl.durations_s) == {
        "segmentation": 3600.0,
        "preparation": 1800.0,
        "to_first_send": 1800.0,
        "sending": 10800.0,
    }


def test_active_campaigns_have_only_first_and_last_sent() -> None:
    """T-2: active campaigns show only the first and last send."""
    c = Campaign(id="c", name="N", channel="sms", delivery_type="active")
    events = [ev("campaign_ready", None, T0 - H), ev("sent", "u", T0, instance_id="i")]
    [r] = analyze(CampaignInput(c, events=events))
    assert r.timeline.campaign_ready is None
    assert r.timeline.first_sent is not None
    assert r.timeline.durations_s["to_first_send"] is None


def test_pinned_metrics_are_at_most_five_existing_keys() -> None:
    """B-5: a sixth pinned key, or a key the report lacks, is a configuration error."""
    keys = [
        "delivery.sent",
        "delivery.delivered_rate",
        "engagement.ctr",
        "conversion.view_through.cvr",
        "contacts.unsubscribes",
    ]
    Campaign(id="c", name="N", channel="sms", pinned_metrics=keys)
    with pytest.raises(ConfigurationError, match="at most 5"):
        Campaign(id="c", name="N", channel="sms", pinned_metrics=[*keys, "delivery.attempted"])
    with pytest.raises(ConfigurationError, match="unknown report key"):
        Campaign(id="c", name="N", channel="sms", pinned_metrics=["delivery.nope"])


def test_pinned_metrics_come_first_in_the_terminal_report(tmp_path: Path) -> None:
    """B-5: the pinned metrics are shown first; a sixth exits 2 with the limit named."""
    d = tmp_path / "c"
    d.mkdir()
    config = {
        "id": "c",
        "name": "N",
        "channel": "sms",
        "pinned_metrics": ["delivery.delivered_rate", "delivery.sent"],
    }
    (d / "campaign.json").write_text(json.dumps(config), encoding="utf-8")
    (d / "events.jsonl").write_text(
        '{"user_id": "u", "type": "sent", "time": "2026-05-04T07:00:00Z"}\n'
        '{"user_id": "u", "type": "delivered", "time": "2026-05-04T07:00:01Z"}\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    assert main(["report", str(d)], stdout=out, stderr=io.StringIO()) == 0
    text = out.getvalue()
    assert text.index("Pinned metrics") < text.index("Delivery")
    assert "delivery.delivered_rate" in text
    assert "100.0 %" in text.split("Delivery")[0]
    config["pinned_metrics"] = [
        *[
            f"delivery.{k}"
            for k in ("sent", "attempted", "delivered", "failed_to_send", "in_transit")
        ],
        "delivery.sent_rate",
    ]
    (d / "campaign.json").write_text(json.dumps(config), encoding="utf-8")
    err = io.StringIO()
    assert main(["report", str(d)], stdout=io.StringIO(), stderr=err) == 2
    assert "at most 5" in err.getvalue()
    assert "Traceback" not in err.getvalue()

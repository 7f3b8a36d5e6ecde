"""Small builders shared by the attribution tests (A-1..A-13, R-2, R-3, O-8, X-8, CH-3).

Times are UTC. ``at(7)`` is 07:00 on 2026-05-04 (``DAY0``); ``at(7, day=1)`` the next
day; ``US`` is one microsecond, the smallest step past a window's end.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import campaign_metrics as cm
from campaign_metrics import Campaign, CampaignInput, ConversionEvent, MessageEvent, Report
from campaign_metrics.report import AttributionResult, GoalResult

__all__ = [
    "DAY0",
    "PURCHASE_GOAL",
    "TYPES",
    "US",
    "UTC",
    "at",
    "conv",
    "conv_line",
    "goal_row",
    "make_campaign",
    "message",
    "result",
    "run",
    "single",
    "write_campaign_dir",
]

UTC = dt.timezone.utc
DAY0 = dt.datetime(2026, 5, 4, tzinfo=UTC)
US = dt.timedelta(microseconds=1)
TYPES = ("view_through", "click_through", "in_session")

#: The primary goal most tests use: app event ``purchase``, revenue tracked.
PURCHASE_GOAL: Mapping[str, Any] = {
    "name": "buy",
    "event": "purchase",
    "primary": True,
    "track_revenue": True,
}


def at(hour: float = 0, minute: int = 0, second: int = 0, *, day: int = 0) -> dt.datetime:
    """An instant on ``DAY0 + day`` (UTC)."""
    return DAY0 + dt.timedelta(days=day, hours=hour, minutes=minute, seconds=second)


def make_campaign(
    cid: str = "c1",
    *,
    channel: str = "mms",
    window: float | None = 12,
    click_tracking: bool | None = True,
    goals: Sequence[Mapping[str, Any]] | None = None,
    **extra: Any,
) -> Campaign:
    """A campaign from its campaign.json mapping; ``window=None`` leaves the default."""
    data: dict[str, Any] = {"id": cid, "name": f"Campaign {cid}", "channel": channel}
    if click_tracking is not None:
        data["click_tracking"] = click_tracking
    if window is not None:
        data["attribution_window_hours"] = window
    data["goals"] = [dict(PURCHASE_GOAL)] if goals is None else [dict(g) for g in goals]
    data.update(extra)
    return Campaign.from_dict(data)


def message(
    user: str,
    *,
    sent: dt.datetime | Sequence[dt.datetime] | None = None,
    delivered: dt.datetime | Sequence[dt.datetime] | None = None,
    clicks: Sequence[dt.datetime] = (),
    fallback: dt.datetime | None = None,
    failure: tuple[str, dt.datetime] | None = None,
    instance: str | None = None,
) -> list[MessageEvent]:
    """The events of one message's journey (no ``event_id``: content is identity)."""

    def many(value: dt.datetime | Sequence[dt.datetime] | None) -> list[dt.datetime]:
        if value is None:
            return []
        if isinstance(value, dt.datetime):
            return [value]
        return list(value)

    events = [
        MessageEvent(type="sent", time=t, user_id=user, instance_id=instance) for t in many(sent)
    ]
    events += [
        MessageEvent(type="delivered", time=t, user_id=user, instance_id=instance)
        for t in many(delivered)
    ]
    events += [
        MessageEvent(type="clicked", time=t, user_id=user, instance_id=instance) for t in clicks
    ]
    if fallback is not None:
        events.append(
            MessageEvent(type="sms_fallback", time=fallback, user_id=user, instance_id=instance)
        )
    if failure is not None:
        kind, t = failure
        events.append(MessageEvent(type=kind, time=t, user_id=user, instance_id=instance))
    return events


def conv(
    user: str,
    time: dt.datetime,
    event_id: str | None = None,
    revenue: str | None = None,
    *,
    name: str = "purchase",
    properties: Mapping[str, Any] | None = None,
) -> ConversionEvent:
    """A conversion; ``revenue`` is the decimal literal (exact)."""
    return ConversionEvent(
        user_id=user,
        name=name,
        time=time,
        event_id=event_id,
        revenue=None if revenue is None else Decimal(revenue),
        properties=properties,
    )


def run(
    *inputs: CampaignInput,
    conversions: Iterable[ConversionEvent] = (),
    as_of: dt.datetime | None = None,
    attribution: str = "view_through",
) -> list[Report]:
    """The reports of a run of several campaigns sharing ``conversions`` (A-6)."""
    return cm.analyze(*inputs, conversions=list(conversions), as_of=as_of, attribution=attribution)


def single(
    campaign: Campaign,
    events: Iterable[MessageEvent],
    conversions: Iterable[ConversionEvent] = (),
    *,
    as_of: dt.datetime | None = None,
    attribution: str = "view_through",
) -> Report:
    """The report of a one-campaign run."""
    [report] = run(
        CampaignInput(campaign, events=list(events)),
        conversions=conversions,
        as_of=as_of,
        attribution=attribution,
    )
    return report


def result(report: Report, type_: str = "view_through") -> AttributionResult:
    """One attribution type's block of the ``conversion`` section."""
    block: AttributionResult = getattr(report.conversion, type_)
    return block


def goal_row(report: Report, name: str, type_: str = "view_through") -> GoalResult:
    """The row of goal ``name`` under an attribution type."""
    goals = result(report, type_).goals
    assert goals is not None, f"{type_}: goals is None"
    [row] = [g for g in goals if g.name == name]
    return row


def conv_line(
    event_id: str, user: str, time: str, revenue: str | None = None, name: str = "purchase"
) -> str:
    """One conversions.jsonl line; ``revenue`` is written as the exact JSON literal given."""
    head = json.dumps({"event_id": event_id, "user_id": user, "name": name, "time": time})
    if revenue is None:
        return head
    return head[:-1] + f', "revenue": {revenue}}}'


def write_campaign_dir(
    root: Path,
    campaign: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    conversion_lines: Sequence[str] | None = None,
) -> Path:
    """A campaign directory (FORMATS.md): campaign.json, events.jsonl, conversions.jsonl."""
    path = root / str(campaign["id"])
    path.mkdir()
    (path / "campaign.json").write_text(json.dumps(campaign), encoding="utf-8")
    (path / "events.jsonl").write_text(
        "".join(json.dumps(e) + "\n" for e in events), encoding="utf-8"
    )
    if conversion_lines is not None:
        (path / "conversions.jsonl").write_text(
            "".join(line + "\n" for line in conversion_lines), encoding="utf-8"
        )
    return path

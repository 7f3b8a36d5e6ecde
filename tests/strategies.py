"""Shared Hypothesis strategies: campaigns, and logs generated as per-user *journeys*.

A journey follows the real life of a message (capped or attempted → sent or failed →
receipts → clicks), then the log is shuffled, repeated and split by the tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from campaign_metrics import Campaign, ConversionEvent, MessageEvent, Recipient

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@st.composite
def campaigns(draw: st.DrawFn, /, **fixed: Any) -> Campaign:
    """Campaigns over every channel, provider, tracking and delivery type."""
    channel = fixed.get("channel") or draw(st.sampled_from(["sms", "mms", "connector"]))
    if channel == "connector":
        provider, tracking = "integrated", False
    else:
        provider = draw(st.sampled_from(["integrated", "custom"]))
        tracking = provider == "custom" and draw(st.booleans())
    goals = []
    if fixed.get("goals", draw(st.booleans())):
        goals = [
            {"name": "buy", "event": "purchase", "primary": True, "track_revenue": True},
            {
                "name": "big",
                "event": "purchase",
                "filters": [{"property": "amount", "op": "gte", "value": 50}],
            },
        ]
    data: dict[str, Any] = {
        "id": fixed.get("id", "c1"),
        "name": "Campaign",
        "channel": channel,
        "provider": provider,
        "delivery_tracking": tracking,
        "click_tracking": fixed.get("click_tracking", draw(st.booleans())),
        "delivery_type": fixed.get(
            "delivery_type", draw(st.sampled_from(["one_time", "periodic", "active"]))
        ),
        "attribution_window_hours": draw(st.sampled_from([1, 12, 36])),
        "goals": goals,
        "default_region": "US",
        "max_segments": 3,
    }
    return Campaign.from_dict(data)


_FAIL_CODES = [None, "30003", "30007", "21211", "smpp:EXPIRED", "gsm:005"]
_OUTCOMES = [
    "delivered",
    "delivery_failed",
    "soft_bounce",
    "hard_bounce",
    "deleted",
    "sms_fallback",
]


@st.composite
def journey(
    draw: st.DrawFn, user: str, instance: str | None, campaign_id: str
) -> list[MessageEvent]:
    """One message's events, in the order they happen."""
    events: list[MessageEvent] = []
    clock = draw(st.integers(0, 600))
    counter = [0]

    def ev(type_: str, minutes: int, use_id: bool = True, **extra: Any) -> MessageEvent:
        counter[0] += 1
        event_id = f"{user}-{instance}-{counter[0]}" if use_id else None
        return MessageEvent(
            type=type_,
            time=at(minutes),
            user_id=user,
            instance_id=instance,
            event_id=event_id,
            campaign_id=draw(st.sampled_from([None, campaign_id])),
            **extra,
        )

    start = draw(st.sampled_from(["capped", "control", "attempt", "attempt", "attempt", "none"]))
    if start == "capped":
        return [ev("fc_removed", clock)]
    if start == "control":
        return [ev("control_removed", clock)]
    if start == "none":
        # a message seen only through a post-send event (D-12)
        return [ev(draw(st.sampled_from(["delivered", "clicked"])), clock)]
    if draw(st.booleans()):
        events.append(ev("attempted", clock))
    send = draw(st.sampled_from(["ok", "ok", "ok", "fail", "pers", "skip", "pending", "non200"]))
    clock += draw(st.integers(0, 3))
    if send == "pending":
        return events or [ev("attempted", clock)]
    if send == "fail":
        events.append(
            ev(
                "send_failed",
                clock,
                error_code=draw(st.sampled_from(_FAIL_CODES)),
                reason="network",
            )
        )
        if draw(st.integers(0, 4)) == 0:  # D-3: a late 200 send wins
            events.append(ev("sent", clock + 1))
        else:
            return events
    elif send == "pers":
        events.append(
            ev(
                "personalization_failed",
                clock,
                category=draw(st.sampled_from([None, "user_attribute", "other"])),
            )
        )
        return events
    elif send == "skip":
        events.append(ev("skipped", clock, reason="ContentTooLong"))
        return events
    elif send == "non200":
        events.append(ev("sent", clock, response_code=draw(st.sampled_from([429, 503]))))
        return events
    else:
        events.append(
            ev(
                "sent",
                clock,
                use_id=draw(st.booleans()),
                segments=draw(st.integers(1, 5)),
                send_mode=draw(st.sampled_from([None, "bts", "most_active"])),
                tz_mode=draw(st.sampled_from([None, "user", "default_lapsed"])),
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        outcome = draw(st.sampled_from(_OUTCOMES))
        delay = draw(st.integers(-2, 3000))  # negative: a receipt before its send (D-12)
        extra: dict[str, Any] = {}
        if outcome not in ("delivered", "sms_fallback"):
            extra["error_code"] = draw(st.sampled_from(_FAIL_CODES))
        events.append(ev(outcome, clock + delay, **extra))
    for _ in range(draw(st.integers(0, 2))):
        delay = draw(st.sampled_from([5, 40, 360 * 60, 360 * 60 + 1, 20000]))
        events.append(ev("clicked", clock + delay, url="https://e.x/a"))
    return events


@st.composite
def logs(draw: st.DrawFn, campaign: Campaign, max_users: int = 8) -> list[MessageEvent]:
    """A campaign's log: journeys of a few users (several instances when periodic)."""
    n = draw(st.integers(0, max_users))
    out: list[MessageEvent] = []
    instances = [None] if not campaign.multi_instance else ["i1", "i2"]
    for i in range(n):
        user = f"u{i}"
        for inst in instances:
            if inst is not None and inst == "i2" and draw(st.booleans()):
                continue
            out.extend(draw(journey(user, inst, campaign.id)))
    reuse: bool = draw(st.booleans())
    if out and reuse:
        # a provider reusing one id for another callback of the same message (D-10)
        victim = draw(st.sampled_from(out))
        if victim.event_id is not None and victim.user_id is not None:
            out.append(
                MessageEvent(
                    type="delivered",
                    time=victim.time + dt.timedelta(minutes=1),
                    user_id=victim.user_id,
                    instance_id=victim.instance_id,
                    event_id=victim.event_id,
                )
            )
    if draw(st.booleans()):
        out.append(MessageEvent(type="segmentation_started", time=at(-30)))
        out.append(MessageEvent(type="campaign_ready", time=at(-5)))
    if n and draw(st.booleans()):
        out.append(MessageEvent(type="unsubscribed", time=at(100), user_id="u0"))
    if n and draw(st.booleans()):
        out.append(
            MessageEvent(type="content_api_error", time=at(2), user_id="u0", status_code=503)
        )
    return out


@st.composite
def conversions(draw: st.DrawFn, users: int = 8) -> list[ConversionEvent]:
    """App events of the users: purchases with exact revenue, some other events."""
    out = []
    for i in range(draw(st.integers(0, 10))):
        user = f"u{draw(st.integers(0, max(users - 1, 0)))}"
        amount = draw(st.sampled_from([None, Decimal("10.10"), Decimal("55.5"), Decimal("-5.00")]))
        out.append(
            ConversionEvent(
                user_id=user,
                name=draw(st.sampled_from(["purchase", "purchase", "view"])),
                time=at(draw(st.integers(-60, 3000))),
                event_id=draw(st.sampled_from([None, f"p{i}"])),
                revenue=amount,
                properties={"amount": int(amount)} if amount is not None else {},
            )
        )
    return out


@st.composite
def recipients(draw: st.DrawFn, users: int = 8) -> list[Recipient]:
    numbers = [
        "+1 415-555-0100",
        "(415) 555-0100",
        "+1 650 253 0000",
        "+1 212 555 0199",
        "bad",
        "",
        "+44 20 7946 0958",
    ]
    out = []
    for i in range(draw(st.integers(0, users))):
        out.append(
            Recipient(
                user_id=f"u{i}",
                mobile_number=draw(st.sampled_from(numbers)) or None,
                locale=draw(st.sampled_from([None, "en", "fr"])),
                variation=draw(st.sampled_from([None, "A", "B"])),
                group=draw(st.sampled_from([None, "target", "control"])),
            )
        )
    return out


def split_points(draw: st.DrawFn, n: int, parts: int = 3) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=parts)))
    return [0, *cuts, n]

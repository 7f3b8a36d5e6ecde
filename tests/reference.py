"""A deliberately simple reference fold: the rules read literally, over a list of events.

No state, no digests, no merging: it groups the distinct records per message and
evaluates each rule as written. The engine must agree with it on every log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from campaign_metrics import Campaign, MessageEvent
from campaign_metrics.canonical import canonical_event, json_key
from campaign_metrics.timezones import to_us

HOUR = dt.timedelta(hours=1)
D2 = {"attempted", "sent", "send_failed", "personalization_failed", "skipped"}
POST = {
    "delivered",
    "sms_fallback",
    "delivery_failed",
    "soft_bounce",
    "hard_bounce",
    "deleted",
    "clicked",
}
DELIVERY = {"delivered", "sms_fallback", "delivery_failed", "soft_bounce", "hard_bounce", "deleted"}
CAMPAIGN_LEVEL = {
    "segmentation_started",
    "segmentation_completed",
    "campaign_ready",
    "unsubscribed",
    "content_api_error",
}
RANK = {"deleted": 4, "hard_bounce": 3, "soft_bounce": 2, "delivery_failed": 2}


def content(campaign: Campaign, e: MessageEvent) -> tuple[Any, ...]:
    inst = e.instance_id if campaign.multi_instance else None
    extras = tuple(sorted(e.extras().items()))
    return (e.event_id, e.user_id, inst, e.type.value, e.time, extras, json_key(dict(e.unlisted)))


def canonical(campaign: Campaign, e: MessageEvent) -> str:
    return canonical_event(
        campaign.id,
        e.type.value,
        to_us(e.time),
        user_id=e.user_id,
        event_id=e.event_id,
        instance_id=e.instance_id if campaign.multi_instance else None,
        extras={**e.extras(), **e.unlisted},
    )


def reference(
    campaign: Campaign, log: list[MessageEvent], as_of: dt.datetime | None
) -> dict[str, Any]:
    """The delivery, engagement and data-quality counts of FORMATS.md, computed literally."""
    by_identity: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for e in log:
        ident = e.event_id if e.event_id is not None else content(campaign, e)
        by_identity[ident].append(content(campaign, e))
    duplicates = sum(len(v) - len(set(v)) for v in by_identity.values())
    id_conflicts = sum(len(set(v)) - 1 for v in by_identity.values())
    distinct: dict[tuple[Any, ...], MessageEvent] = {}
    for e in log:
        distinct.setdefault(content(campaign, e), e)
    if as_of is None:
        as_of = max((e.time for e in log), default=None)
    ignored_ids = set()
    messages: dict[tuple[Any, Any], list[MessageEvent]] = defaultdict(list)
    for c, e in distinct.items():
        t = e.type.value
        ignored = (campaign.sent_only and t in DELIVERY) or (
            t == "clicked" and not campaign.click_tracking
        )
        if ignored:
            ignored_ids.add(e.event_id if e.event_id is not None else c)
            continue
        if t in CAMPAIGN_LEVEL:
            continue
        messages[(e.user_id, c[2])].append(e)
    out: dict[str, Any] = {
        "duplicates": duplicates,
        "id_conflicts": id_conflicts,
        "ignored_events": len(ignored_ids),
    }
    counts: dict[str, int] = defaultdict(int)
    sent_users: set[str] = set()
    delivered_users: set[str] = set()
    for (user, _), events in messages.items():
        evs = [e for e in events if as_of is not None and e.time <= as_of]
        types = [e.type.value for e in evs]
        if not any(t in D2 or t in POST for t in types):
            continue
        counts["attempted"] += 1
        ok_sends = [e for e in evs if e.type.value == "sent" and e.response_code in (None, 200)]
        posts = [e for e in evs if e.type.value in POST]
        fails = [
            e
            for e in evs
            if e.type.value in ("send_failed", "personalization_failed", "skipped")
            or (e.type.value == "sent" and e.response_code not in (None, 200))
        ]
        if not ok_sends and not posts:
            if fails:
                counts["failed_to_send"] += 1
            else:
                counts["awaiting_response"] += 1
            continue
        counts["sent"] += 1
        sent_users.add(user)
        if fails:
            counts["send_conflicts"] += 1
        if not ok_sends:
            counts["receipts_without_send"] += 1
        send_instant = min(e.time for e in ok_sends + posts)
        if ok_sends:
            first = min(ok_sends, key=lambda e: (e.time, canonical(campaign, e)))
            counts["total_segments"] += first.segments or 0
        clicks = [e for e in evs if e.type.value == "clicked"]
        counted = [c for c in clicks if c.time <= send_instant + 360 * HOUR]
        counts["total_clicks"] += len(counted)
        counts["expired_clicks"] += len(clicks) - len(counted)
        if counted:
            counts["unique_clickers"] += 1
        if campaign.sent_only:
            continue
        receipts = [e for e in evs if e.type.value == "delivered"]
        failures = [e for e in evs if e.type.value in RANK]
        if receipts and ok_sends and min(r.time for r in receipts) < min(s.time for s in ok_sends):
            counts["receipt_before_send"] += 1
        if "sms_fallback" in types:
            counts["sent_as_sms"] += 1
        elif receipts:
            counts["delivered"] += 1
            delivered_users.add(user)
            if failures:
                counts["delivery_conflicts"] += 1
            if counted:
                counts["delivered_clicked"] += 1
        elif failures:
            counts["failed_to_deliver"] += 1
        else:
            counts["in_transit"] += 1
    for key in (
        "attempted",
        "sent",
        "failed_to_send",
        "awaiting_response",
        "total_segments",
        "send_conflicts",
        "receipts_without_send",
        "receipt_before_send",
        "delivery_conflicts",
    ):
        out[key] = counts[key]
    tracked = campaign.delivery_tracked
    for key in ("delivered", "sent_as_sms", "failed_to_deliver", "in_transit"):
        out[key] = counts[key] if tracked else None
    out["unique_sent_users"] = len(sent_users)
    out["unique_delivered_users"] = len(delivered_users) if tracked else None
    clicks_on = campaign.click_tracking
    out["total_clicks"] = counts["total_clicks"] if clicks_on else None
    out["unique_clickers"] = counts["unique_clickers"] if clicks_on else None
    out["expired_clicks"] = counts["expired_clicks"] if clicks_on else None
    return out

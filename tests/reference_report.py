"""An independent, literal reference of the whole JSON report (FORMATS.md "The JSON report").

It reads a *run* — campaign directories plus an optional shared conversions file — with
``json`` and ``csv`` and evaluates every rule of RULES.md as written, over plain lists,
dicts and sets: no accumulators, no digests, no merging, no speed tricks. It runs on small
runs (≤ 2,000 users) and favours reading over speed.

What it takes from the library, and why that is allowed:

- ``Campaign.from_dict`` to read campaign.json (config validation is not checked here);
- ``taxonomy.normalize_code`` / ``classify_error`` / ``classify_failure``: the ERRORS.md
  table lookup (X-4);
- ``stats.compare`` / ``stats.adjust_comparisons``: the statistics of STATISTICS.md from
  group counts that this module computes itself (B-2, X-3);
- ``phonenumbers`` directly, as F-4 says.

Nothing comes from ``campaign_metrics.engine``, ``metrics``, ``_state``, ``_build``, ``io``
or ``views``.

``python -m tests.reference_report DIR... [--conversions FILE] [--attribution TYPE]``
prints every key where the library's report differs from this reference.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers

from campaign_metrics import Campaign
from campaign_metrics.stats import Comparison, adjust_comparisons, compare
from campaign_metrics.taxonomy import ErrorCategory, classify_error, classify_failure
from campaign_metrics.taxonomy import normalize_code as _normalize_code

__all__ = [
    "diff_reports",
    "flatten",
    "library_view",
    "main",
    "reference_reports",
]

Event = dict[str, Any]
UTC = dt.timezone.utc
SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)
ATTRIBUTION_TYPES = ("view_through", "click_through", "in_session")

TIMELINE_TYPES = {"segmentation_started", "segmentation_completed", "campaign_ready"}
# D-2: the events that make a message Attempted
SEND_TYPES = {"attempted", "sent", "send_failed", "personalization_failed", "skipped"}
FAILURE_TYPES = {"delivery_failed", "soft_bounce", "hard_bounce", "deleted"}
# D-2: "any post-send event (receipt, fallback, failure, bounce, deleted, click)"
POST_SEND_TYPES = {"delivered", "sms_fallback", "clicked"} | FAILURE_TYPES
# CH-2: the delivery outcome events a sent-only campaign ignores
DELIVERY_OUTCOME_TYPES = {"delivered", "sms_fallback"} | FAILURE_TYPES
REMOVAL_TYPES = {"fc_removed", "control_removed"}
MESSAGE_TYPES = SEND_TYPES | POST_SEND_TYPES | REMOVAL_TYPES
# D-11: Deleted > Hard bounce > Soft bounce / Delivery failed
FAILURE_RANK = {"deleted": 3, "hard_bounce": 2, "soft_bounce": 1, "delivery_failed": 1}

COMMON_KEYS = ("event_id", "campaign_id", "instance_id", "user_id", "type", "time")
PERSONALIZATION_CATEGORIES = (
    "user_attribute",
    "event_attribute",
    "campaign_attribute",
    "undefined",
    "other",
)
SKIP_REASONS = (
    "SkippedNoContent",
    "SkippedHypersonalization",
    "FailedHypersonalization",
    "ContentTooLong",
)
SEND_MODES = ("bts", "default", "most_active")
TZ_MODES = ("user", "default_lapsed")
# FORMATS.md: the extra keys each type lists
LISTED_KEYS: dict[str, tuple[str, ...]] = {
    "attempted": (),
    "fc_removed": (),
    "control_removed": (),
    "personalization_failed": ("category", "attribute"),
    "skipped": ("reason",),
    "sent": ("response_code", "segments", "send_mode", "tz_mode"),
    "send_failed": ("response_code", "error_code", "reason"),
    "delivered": (),
    "delivery_failed": ("reason", "error_code"),
    "sms_fallback": (),
    "soft_bounce": ("reason", "error_code"),
    "hard_bounce": ("reason", "error_code"),
    "deleted": ("reason", "error_code"),
    "clicked": ("url",),
    "unsubscribed": (),
    "content_api_error": ("status_code",),
    "segmentation_started": (),
    "segmentation_completed": (),
    "campaign_ready": (),
}
FUNNEL_SMS = (
    "valid_mobile_numbers",
    "after_fc_removal",
    "after_duplicate_removal",
    "sent",
    "delivered",
)
FUNNEL_CONNECTOR = ("users_in_segment", "after_fc_removal", "after_personalization_removal", "sent")
RECIPIENT_COLUMNS = ("user_id", "mobile_number", "locale", "variation", "timezone", "group")


class BadRecord(Exception):
    """A record that FORMATS.md rejects."""


# --------------------------------------------------------------------------- D-10 forms


def plain(value: Decimal) -> str:
    """D-10: a decimal in plain notation without trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def dump(value: Any) -> str:
    """D-10's canonical form: compact JSON, sorted keys, UTC times, plain decimals."""
    if isinstance(value, dict):
        items = [json.dumps(str(k), ensure_ascii=False) + ":" + dump(value[k]) for k in value]
        return "{" + ",".join(sorted(items)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dump(v) for v in value) + "]"
    if isinstance(value, dt.datetime):
        return json.dumps(value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, float):
        return plain(Decimal(repr(value)))
    return json.dumps(value, ensure_ascii=False)


def parse_time(value: Any) -> dt.datetime:
    """FORMATS.md: ISO 8601 *with* a UTC offset; kept in UTC."""
    if not isinstance(value, str):
        raise BadRecord("time")
    try:
        instant = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRecord("time") from None
    if instant.utcoffset() is None:
        raise BadRecord("time without offset")
    return instant.astimezone(UTC)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_listed(type_: str, key: str, value: Any) -> Any:
    """Validate one listed key of a message event (FORMATS.md's table)."""
    if key in ("error_code", "reason", "attribute", "url"):
        if not isinstance(value, str):
            raise BadRecord(key)
        if type_ == "skipped" and key == "reason" and value not in SKIP_REASONS:
            raise BadRecord(key)
        return value
    if key in ("response_code", "status_code"):
        if not is_int(value):
            raise BadRecord(key)
        if key == "status_code" and 200 <= value <= 299:
            raise BadRecord(key)
        return value
    if key == "segments":
        if not is_int(value) or value < 0:
            raise BadRecord(key)
        return value
    allowed = {
        "category": PERSONALIZATION_CATEGORIES,
        "send_mode": SEND_MODES,
        "tz_mode": TZ_MODES,
    }[key]
    if value not in allowed:
        raise BadRecord(key)
    return value


def parse_event(obj: Any, campaign: Campaign) -> Event:
    """One message event, as FORMATS.md reads it; a key the type does not list is kept."""
    if not isinstance(obj, dict):
        raise BadRecord("not an object")
    type_ = obj.get("type")
    if type_ not in LISTED_KEYS:
        raise BadRecord("type")
    event: Event = {"type": type_, "time": parse_time(obj.get("time"))}
    for key in ("event_id", "campaign_id", "instance_id", "user_id"):
        value = obj.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise BadRecord(key)
        event[key] = value
    if event.get("campaign_id", campaign.id) != campaign.id:
        raise BadRecord("campaign_id")
    event["campaign_id"] = campaign.id  # D-10: the campaign id filled in
    if "user_id" not in event and type_ not in TIMELINE_TYPES:
        raise BadRecord("user_id")
    if campaign.delivery_type.value == "one_time":
        event.pop("instance_id", None)  # one-time: any instance_id is ignored
    for key, value in obj.items():
        if key in COMMON_KEYS:
            continue
        if key in LISTED_KEYS[type_]:
            if value is None or value == "":
                continue
            event[key] = check_listed(type_, key, value)
        elif value is not None:  # null is an absent key, listed or not
            event[key] = value  # rule 4: kept as content, otherwise ignored
    return event


def parse_conversion(obj: Any) -> Event:
    """One conversion (FORMATS.md's conversions.jsonl); revenue exact."""
    if not isinstance(obj, dict):
        raise BadRecord("not an object")
    conv: Event = {}
    for key in ("user_id", "name"):
        value = obj.get(key)
        if not isinstance(value, str) or value == "":
            raise BadRecord(key)
        conv[key] = value
    conv["time"] = parse_time(obj.get("time"))
    event_id = obj.get("event_id")
    if event_id is not None and event_id != "":
        if not isinstance(event_id, str):
            raise BadRecord("event_id")
        conv["event_id"] = event_id
    revenue = obj.get("revenue")
    if revenue is not None:
        if isinstance(revenue, bool) or not isinstance(revenue, (int, Decimal)):
            raise BadRecord("revenue")
        if not Decimal(revenue).is_finite():
            raise BadRecord("revenue")
        conv["revenue"] = Decimal(revenue)
    properties = obj.get("properties")
    if properties is not None:
        if not isinstance(properties, dict):
            raise BadRecord("properties")
        if properties:  # absent and {} are the same parsed value
            conv["properties"] = properties
    for key, value in obj.items():
        if key not in ("user_id", "name", "time", "event_id", "revenue", "properties"):
            conv[key] = value
    return conv


def read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """(physical line, parsed JSON or the BadRecord) for each non-blank line."""
    out: list[tuple[int, Any]] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                out.append((number, json.loads(text, parse_float=Decimal)))
            except ValueError:
                out.append((number, BadRecord("json")))
    return out


def read_events_csv(path: Path) -> list[tuple[int, Any]]:
    """events.csv: the same keys as columns; an empty cell is an absent key."""
    out: list[tuple[int, Any]] = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None) or []
        for row in reader:
            if len(row) != len(header):
                out.append((reader.line_num, BadRecord("columns")))
                continue
            obj: dict[str, Any] = {}
            for key, cell in zip(header, row):
                if cell == "":
                    continue
                if key in ("response_code", "segments", "status_code"):
                    try:
                        obj[key] = int(cell)
                    except ValueError:
                        obj[key] = cell
                else:
                    obj[key] = cell
            out.append((reader.line_num, obj))
    return out


def d10_counts(records: Iterable[tuple[Any, str]]) -> tuple[int, int]:
    """D-10: per identity, duplicates += records − distinct contents and
    id_conflicts += distinct contents − 1."""
    by_identity: dict[Any, list[str]] = {}
    for identity, content in records:
        by_identity.setdefault(identity, []).append(content)
    duplicates = sum(len(v) - len(set(v)) for v in by_identity.values())
    id_conflicts = sum(len(set(v)) - 1 for v in by_identity.values())
    return duplicates, id_conflicts


# --------------------------------------------------------------------------- reading a run


def read_campaign_dir(path: Path) -> dict[str, Any]:
    """campaign.json, recipients.csv, events and the directory's conversions file."""
    campaign = Campaign.from_dict(json.loads((path / "campaign.json").read_text("utf-8")))
    rejected: list[tuple[str, int]] = []
    # recipients.csv: D-10 identity user_id; the row whose canonical form sorts first
    recipients: dict[str, dict[str, Any]] | None = None
    recipient_records: list[tuple[Any, str]] = []
    rec_path = path / "recipients.csv"
    if rec_path.exists():
        recipients = {}
        with open(rec_path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                cells = {k: (row.get(k) or "").strip() for k in RECIPIENT_COLUMNS}
                if not cells["user_id"] or cells["group"] not in ("", "target", "control"):
                    rejected.append(("recipients.csv", reader.line_num))
                    continue
                parsed = {k: v for k, v in cells.items() if v != ""}
                content = dump(parsed)
                recipient_records.append((("recipient", cells["user_id"]), content))
                kept = recipients.get(cells["user_id"])
                if kept is None or content < dump({k: v for k, v in kept.items() if v}):
                    recipients[cells["user_id"]] = {k: (v or None) for k, v in cells.items()}
    # events: parsed, with their D-10 identity and canonical form
    events: list[tuple[Any, str, Event]] = []
    for name in ("events.jsonl", "events.csv"):
        ev_path = path / name
        if not ev_path.exists():
            continue
        lines = read_jsonl(ev_path) if name == "events.jsonl" else read_events_csv(ev_path)
        for number, obj in lines:
            try:
                if isinstance(obj, BadRecord):
                    raise obj
                event = parse_event(obj, campaign)
            except BadRecord:
                rejected.append((name, number))
                continue
            content = dump(event)
            if "event_id" in event:
                identity: Any = ("event", campaign.id, event["event_id"])
            else:
                identity = ("content", content)
            events.append((identity, content, event))
    conv_path = path / "conversions.jsonl"
    return {
        "path": path,
        "campaign": campaign,
        "recipients": recipients,
        "recipient_records": recipient_records,
        "events": events,
        "rejected": rejected,
        "conversions_file": conv_path if conv_path.exists() else None,
    }


def read_conversions(path: Path, display: str) -> tuple[list[tuple[Any, str, Event]], list[Any]]:
    records: list[tuple[Any, str, Event]] = []
    rejected: list[tuple[str, int]] = []
    for number, obj in read_jsonl(path):
        try:
            if isinstance(obj, BadRecord):
                raise obj
            conv = parse_conversion(obj)
        except BadRecord:
            rejected.append((display, number))
            continue
        content = dump(conv)
        identity = ("conversion", conv["event_id"]) if "event_id" in conv else ("content", content)
        records.append((identity, content, conv))
    return records, rejected


# --------------------------------------------------------------------------- helpers


def rate(numerator: int, denominator: int | None) -> float | None:
    """A rate is a percentage or None when its denominator is 0."""
    if denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def quotient(total: Decimal | None, count: int) -> Decimal | None:
    """A-11: a Decimal quotient rounded half-even to 2 decimal places."""
    if total is None or count == 0:
        return None
    return (total / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def seconds(delta: dt.timedelta) -> float:
    return delta / SECOND


def nth_smallest(values: list[float], q: float) -> float | None:
    """X-2: the ⌈q·n⌉-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)), 1) - 1]


def as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def json_equal(a: Any, b: Any) -> bool:
    """JSON values compared without coercion: "10" ≠ 10, true ≠ 1; 10 = 10.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if as_number(a) is not None or as_number(b) is not None:
        return as_number(a) is not None and as_number(a) == as_number(b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple, dict)) or isinstance(b, (list, tuple, dict)):
        return False
    return bool(a == b)


def goal_matches(goal: Any, conv: Event) -> bool:
    """FORMATS.md: name equals the goal's event and every filter holds."""
    if conv["name"] != goal.event:
        return False
    properties = conv.get("properties", {})
    for f in goal.filters:
        if f.property not in properties:
            return False
        actual, op, wanted = properties[f.property], f.op.value, f.value
        if op == "eq":
            ok = json_equal(actual, wanted)
        elif op == "ne":
            ok = not json_equal(actual, wanted)
        elif op == "in":
            ok = any(json_equal(actual, w) for w in wanted)
        else:
            a, w = as_number(actual), as_number(wanted)
            if a is None or w is None:
                ok = False
            elif op == "gt":
                ok = a > w
            elif op == "gte":
                ok = a >= w
            elif op == "lt":
                ok = a < w
            else:
                ok = a <= w
        if not ok:
            return False
    return True


def failure_reason(event: Event, fallback: str) -> str:
    """X-4 / FORMATS.md: the prefixed code when the event has one, else its reason text,
    else the fallback (its type)."""
    code = event.get("error_code")
    if isinstance(code, str) and code.strip():
        return _normalize_code(code)
    reason = event.get("reason")
    if isinstance(reason, str) and reason.strip():
        return reason.strip()
    return fallback


def failure_class(event: Event) -> tuple[str, bool]:
    code = event.get("error_code") if isinstance(event.get("error_code"), str) else None
    reason = event.get("reason") if isinstance(event.get("reason"), str) else None
    klass = classify_failure(code, reason)
    return klass.category.value, klass.transient


def instant_text(instant: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """Instants are ISO 8601 strings in the app's time zone."""
    return None if instant is None else instant.astimezone(zone).isoformat()


def earliest(events: Iterable[Event]) -> Event | None:
    """The earliest event, ties broken by the canonical form (D-10)."""
    ordered = sorted(events, key=lambda e: (e["time"], dump(e)))
    return ordered[0] if ordered else None


# --------------------------------------------------------------------------- messages


def message_facts(campaign: Campaign, key: tuple[str, str | None], evs: list[Event]) -> Event:
    """Every per-message fact the rules use, read literally off the message's events."""
    types = [e["type"] for e in evs]
    tracked = campaign.delivery_tracked
    ok_sends = [e for e in evs if e["type"] == "sent" and e.get("response_code", 200) == 200]
    posts = [e for e in evs if e["type"] in POST_SEND_TYPES]
    fails = [
        e
        for e in evs
        if e["type"] in ("send_failed", "personalization_failed", "skipped")
        or (e["type"] == "sent" and e.get("response_code", 200) != 200)
    ]
    attempted = any(t in SEND_TYPES or t in POST_SEND_TYPES for t in types)  # D-2
    sent = bool(ok_sends or posts)  # D-1, D-3, D-12
    m: Event = {
        "key": key,
        "user": key[0],
        "instance": key[1],
        "events": evs,
        "attempted": attempted,
        "sent": sent,
        "failed_to_send": attempted and not sent and bool(fails),  # D-3
        "awaiting": attempted and not sent and not fails,  # D-4
        "fails": fails,
        "send_conflict": sent and bool(fails),  # D-3
        "receipt_without_send": sent and not ok_sends,  # D-12
        "fc_removed": "fc_removed" in types,
        "control_removed": "control_removed" in types,
        "first_attempt": min(
            (e["time"] for e in evs if e["type"] in SEND_TYPES | POST_SEND_TYPES), default=None
        ),
    }
    # D-1: the send instant; send_mode, tz_mode and segments of the canonical-first 200
    # sent at the earliest 200-send time
    m["send_instant"] = min(e["time"] for e in ok_sends + posts) if sent else None
    first = earliest(ok_sends)
    m["send_mode"] = (first or {}).get("send_mode", "default")
    m["tz_mode"] = (first or {}).get("tz_mode", "unknown")
    m["segments"] = (first or {}).get("segments", 0)
    # K-2: a click later than send instant + 360 h is expired
    clicks = [e for e in evs if e["type"] == "clicked"]
    limit = m["send_instant"] + 360 * HOUR if sent else None
    m["clicks"] = [c for c in clicks if limit is not None and c["time"] <= limit]
    m["expired_clicks"] = [c for c in clicks if limit is not None and c["time"] > limit]
    # D-11: one outcome per Sent message (tracked campaigns only)
    receipts = [e for e in evs if e["type"] == "delivered"]
    failures = [e for e in evs if e["type"] in FAILURE_TYPES]
    m["receipt"] = min((e["time"] for e in receipts), default=None)
    m["outcome"] = None
    m["outcome_event"] = None
    m["delivery_conflict"] = False
    m["receipt_before_send"] = False
    if sent and tracked:
        if "sms_fallback" in types:
            m["outcome"] = "sent_as_sms"
        elif receipts:
            m["outcome"] = "delivered"
            m["delivery_conflict"] = bool(failures)
        elif failures:
            top = max(FAILURE_RANK[e["type"]] for e in failures)
            m["outcome_event"] = earliest(e for e in failures if FAILURE_RANK[e["type"]] == top)
            m["outcome"] = m["outcome_event"]["type"]
        else:
            m["outcome"] = "in_transit"
        if receipts and ok_sends:
            m["receipt_before_send"] = m["receipt"] < min(e["time"] for e in ok_sends)
    m["delivered"] = m["outcome"] == "delivered"
    # the messages conversions are attributed to
    m["eligible"] = m["delivered"] if tracked else sent
    # the window starts at the earliest receipt (earliest send when sent-only)
    m["window_start"] = m["receipt"] if tracked else m["send_instant"]
    return m


def o1_status(campaign: Campaign, m: Event) -> str | None:
    """O-1: a Sent message's contact status (None: Sent as SMS or untracked)."""
    outcome = m["outcome"]
    if outcome is None or outcome == "sent_as_sms":
        return None
    if outcome == "delivered":
        return "delivered"
    if outcome == "in_transit":
        return "pending"
    if outcome == "delivery_failed":
        return "soft_bounces" if failure_class(m["outcome_event"])[1] else "hard_bounces"
    return {"soft_bounce": "soft_bounces", "hard_bounce": "hard_bounces", "deleted": "deleted"}[
        outcome
    ]


# --------------------------------------------------------------------------- the run


def reference_reports(
    dirs: Sequence[str | Path],
    conversions: str | Path | None = None,
    attribution: str = "view_through",
    as_of: dt.datetime | str | None = None,
) -> list[dict[str, Any]]:
    """The report dicts of ``cm.analyze(*dirs, conversions=..., attribution=..., as_of=...)``
    (minus ``definitions`` and ``parameters.versions``; ``rejected`` rows as file and line;
    ``warnings`` as the rule IDs they name)."""
    read = [read_campaign_dir(Path(d)) for d in dirs]
    # every conversion file of the run is read once, deduplicated (D-10), and
    # matched against every campaign of the run.
    conversion_files: list[tuple[Path, str, int | None]] = []
    for index, c in enumerate(read):
        if c["conversions_file"] is not None:
            conversion_files.append((c["conversions_file"], "conversions.jsonl", index))
    if conversions is not None:
        conversion_files.append((Path(conversions), str(conversions), None))
    conv_records: list[tuple[Any, str, Event]] = []
    conv_rejected: dict[int | None, list[tuple[str, int]]] = {}
    for path, display, owner in conversion_files:
        records, rejected = read_conversions(path, display)
        conv_records.extend(records)
        conv_rejected.setdefault(owner, []).extend(rejected)

    # D-7: the default instant is the latest time of an accepted record of the run
    times = [e["time"] for c in read for _, _, e in c["events"]]
    times += [conv["time"] for _, _, conv in conv_records]
    if isinstance(as_of, str):
        as_of = parse_time(as_of)
    instant = as_of if as_of is not None else max(times, default=None)
    assert instant is not None, "an empty run has no as-of instant"

    distinct_conversions: dict[str, Event] = {}
    for _, content, conv in conv_records:
        distinct_conversions.setdefault(content, conv)
    pool = [
        {**conv, "canon": content}
        for content, conv in sorted(distinct_conversions.items())
        if conv["time"] <= instant
    ]
    conv_dups, conv_conflicts = d10_counts((i, c) for i, c, _ in conv_records)

    campaigns = [prepare_campaign(c, instant) for c in read]
    for c in campaigns:
        attribute_all(c, pool)
    return [
        report_of(i, c, campaigns, attribution, instant, conv_dups, conv_conflicts, conv_rejected)
        for i, c in enumerate(campaigns)
    ]


def prepare_campaign(c: dict[str, Any], instant: dt.datetime) -> dict[str, Any]:
    """D-10, CH-2/CH-3 (ignored events), D-7 (as of), and the messages."""
    campaign: Campaign = c["campaign"]
    dups, conflicts = d10_counts((i, content) for i, content, _ in c["events"])
    rdups, rconflicts = d10_counts(c["recipient_records"])
    distinct: dict[str, tuple[Any, Event]] = {}
    for identity, content, event in c["events"]:
        distinct.setdefault(content, (identity, event))
    ignored_identities = set()
    kept: list[Event] = []
    for _content, (identity, event) in sorted(distinct.items()):
        ignored = (campaign.sent_only and event["type"] in DELIVERY_OUTCOME_TYPES) or (
            event["type"] == "clicked" and not campaign.click_tracking
        )
        if ignored:  # CH-2: dropped after D-10, 1 per identity
            ignored_identities.add(identity)
            continue
        if event["time"] <= instant:  # D-7
            kept.append(event)
    by_message: dict[tuple[str, str | None], list[Event]] = {}
    for event in kept:
        if event["type"] in MESSAGE_TYPES:
            key = (event["user_id"], event.get("instance_id"))
            by_message.setdefault(key, []).append(event)
    messages = [
        message_facts(campaign, key, evs)
        for key, evs in sorted(by_message.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]
    return {
        **c,
        "duplicates": dups + rdups,
        "id_conflicts": conflicts + rconflicts,
        "ignored_events": len(ignored_identities),
        "kept": kept,
        "messages": messages,
    }


def windows_of(campaign: Campaign, m: Event, kind: str) -> list[tuple[dt.datetime, dt.datetime]]:
    """A-3, A-4, A-5: the message's windows, closed at both ends."""
    if not m["eligible"]:
        return []
    window = dt.timedelta(microseconds=int(campaign.attribution_window_hours * 3_600_000_000))
    if kind == "view_through":
        start = m["window_start"]
        return [] if start is None else [(start, start + window)]
    if not campaign.click_tracking:
        return []
    length = window if kind == "click_through" else dt.timedelta(minutes=30)
    return [(click["time"], click["time"] + length) for click in m["clicks"]]


def attribute_all(c: dict[str, Any], pool: list[Event]) -> None:
    """For each type and goal: message key → the conversion events attributed to it."""
    campaign: Campaign = c["campaign"]
    by_user: dict[str, list[Event]] = {}
    for conv in pool:
        by_user.setdefault(conv["user_id"], []).append(conv)
    attributed: dict[str, dict[str, dict[Any, list[Event]]]] = {}
    for kind in ATTRIBUTION_TYPES:
        attributed[kind] = {}
        for goal in campaign.goals:
            per_message: dict[Any, list[Event]] = {}
            for m in c["messages"]:
                wins = windows_of(campaign, m, kind)
                hits = [
                    conv
                    for conv in by_user.get(m["user"], [])
                    if goal_matches(goal, conv) and any(a <= conv["time"] <= b for a, b in wins)
                ]
                if hits:
                    per_message[m["key"]] = hits
            attributed[kind][goal.name] = per_message
    c["attributed"] = attributed
    c["pool"] = pool


def tracked_type(campaign: Campaign, kind: str) -> bool:
    """A-10: no goal, no conversion metric; CH-3: click-based types need click tracking."""
    return bool(campaign.goals) and (kind == "view_through" or campaign.click_tracking)


def revenue_shown(campaign: Campaign, goal: Any) -> bool:
    """A-11: revenue when the goal tracks it; O-8: MMS only with advanced attribution."""
    if not goal.track_revenue:
        return False
    return campaign.channel.value != "mms" or campaign.advanced_revenue_attribution


def events_of(per_message: dict[Any, list[Event]], keys: set[Any] | None = None) -> list[Event]:
    """A-9: within one campaign an event counts once."""
    seen: dict[str, Event] = {}
    for key, hits in per_message.items():
        if keys is None or key in keys:
            for conv in hits:
                seen[conv["canon"]] = conv
    return [seen[k] for k in sorted(seen)]


def revenue_of(events: list[Event]) -> Decimal:
    """A-11: exact sums; a conversion without revenue adds 0."""
    return sum((conv.get("revenue", Decimal(0)) for conv in events), Decimal(0))


def conversion_block(
    c: dict[str, Any], kind: str, keys: set[Any] | None, denominator: int | None
) -> dict[str, Any]:
    """converted users, events, cvr, revenue and goals over the messages ``keys``."""
    campaign: Campaign = c["campaign"]
    primary = campaign.primary_goal
    if not tracked_type(campaign, kind) or primary is None:
        # "With no goal at all, every conversion metric is null" — the per-goal list
        # holds nothing (an empty list). CH-3: "both click-based attribution types ... are
        # null (not 0)" — a type that is not tracked holds nulls; its goals list, a
        # list-shaped key, is empty (FORMATS.md: an empty list is a list's "none" value).
        goals: list[Any] = []
        return {
            "converted_users": None,
            "conversion_events": None,
            "cvr": None,
            "revenue": None,
            "average_order_value": None,
            "average_revenue_per_user": None,
            "goals": goals,
        }
    per_goal = c["attributed"][kind]
    goals = []
    for goal in campaign.goals:
        messages = {k for k in per_goal[goal.name] if keys is None or k in keys}
        evs = events_of(per_goal[goal.name], keys)
        goals.append(
            {
                "name": goal.name,
                "primary": goal.primary,
                "total_conversions": len(evs),
                "unique_conversions": len(messages),
                "revenue": revenue_of(evs) if revenue_shown(campaign, goal) else None,
            }
        )
    converted = {k for k in per_goal[primary.name] if keys is None or k in keys}
    evs = events_of(per_goal[primary.name], keys)
    revenue = revenue_of(evs) if revenue_shown(campaign, primary) else None
    return {
        "converted_users": len(converted),  # distinct messages
        "conversion_events": len(evs),
        "cvr": rate(len(converted), denominator),
        "revenue": revenue,
        "average_order_value": quotient(revenue, len(evs)),
        "average_revenue_per_user": quotient(revenue, len(converted)),
        "goals": goals,
    }


def claimed(c: dict[str, Any], kind: str) -> set[str]:
    """The primary-goal events a campaign claims under ``kind``."""
    campaign: Campaign = c["campaign"]
    primary = campaign.primary_goal
    if primary is None or not tracked_type(campaign, kind):
        return set()
    return {conv["canon"] for conv in events_of(c["attributed"][kind][primary.name])}


def report_of(
    index: int,
    c: dict[str, Any],
    campaigns: list[dict[str, Any]],
    attribution: str,
    instant: dt.datetime,
    conv_dups: int,
    conv_conflicts: int,
    conv_rejected: dict[int | None, list[tuple[str, int]]],
) -> dict[str, Any]:
    campaign: Campaign = c["campaign"]
    zone = ZoneInfo(campaign.app_timezone)
    tracked = campaign.delivery_tracked
    clicks_on = campaign.click_tracking
    messages: list[Event] = c["messages"]
    sent_msgs = [m for m in messages if m["sent"]]
    delivered_msgs = [m for m in messages if m["delivered"]]
    n_attempted = sum(m["attempted"] for m in messages)
    n_sent = len(sent_msgs)
    n_fts = sum(m["failed_to_send"] for m in messages)
    n_delivered = len(delivered_msgs)
    cvr_denominator = n_delivered if tracked else n_sent
    recipients: dict[str, dict[str, Any]] | None = c["recipients"]

    # ------------------------------------------------------------------ delivery (D, X-2)
    ttd = [seconds(m["receipt"] - m["send_instant"]) for m in delivered_msgs]
    validity = dt.timedelta(microseconds=int(campaign.validity_period_hours * 3_600_000_000))
    young = [
        m
        for m in sent_msgs
        if m["outcome"] == "in_transit" and instant - m["send_instant"] < validity
    ]
    delivery = {
        "attempted": n_attempted,
        "sent": n_sent,
        "failed_to_send": n_fts,
        "awaiting_response": sum(m["awaiting"] for m in messages),
        "delivered": n_delivered if tracked else None,
        "sent_as_sms": sum(m["outcome"] == "sent_as_sms" for m in messages) if tracked else None,
        "failed_to_deliver": sum(m["outcome"] in FAILURE_TYPES for m in messages)
        if tracked
        else None,
        "in_transit": sum(m["outcome"] == "in_transit" for m in messages) if tracked else None,
        "sent_rate": rate(n_sent, n_attempted),
        "delivered_rate": rate(n_delivered, n_sent) if tracked else None,
        "failed_rate": rate(n_fts, n_attempted),
        "unique_sent_users": len({m["user"] for m in sent_msgs}),
        "unique_delivered_users": len({m["user"] for m in delivered_msgs}) if tracked else None,
        "total_segments": sum(m["segments"] for m in sent_msgs),
        "time_to_deliver": {
            "median_s": nth_smallest(ttd, 0.5) if tracked else None,
            "p90_s": nth_smallest(ttd, 0.9) if tracked else None,
            "p99_s": nth_smallest(ttd, 0.99) if tracked else None,
            "young_share": rate(len(young), n_sent) if tracked else None,
        },
    }

    # ------------------------------------------------------------------ engagement (K, R)
    total_clicks = sum(len(m["clicks"]) for m in messages)
    engagement = {
        "total_clicks": total_clicks if clicks_on else None,
        "unique_clickers": sum(bool(m["clicks"]) for m in messages) if clicks_on else None,
        "expired_clicks": sum(len(m["expired_clicks"]) for m in messages) if clicks_on else None,
        "ctr": rate(total_clicks, cvr_denominator) if clicks_on else None,
        "click_to_delivered_rate": rate(sum(bool(m["clicks"]) for m in delivered_msgs), n_delivered)
        if clicks_on and tracked
        else None,
        "reads": None,  # only a provider log's read receipts (--provider twilio)
    }

    # ------------------------------------------------------------------ conversion (A)
    conversion: dict[str, Any] = {
        kind: conversion_block(c, kind, None, cvr_denominator) for kind in ATTRIBUTION_TYPES
    }
    primary = campaign.primary_goal
    if primary is not None and clicks_on:
        # direct = in-session; assisted = view- or click-through, not in-session
        per = {k: events_of(c["attributed"][k][primary.name]) for k in ATTRIBUTION_TYPES}
        direct = per["in_session"]
        direct_ids = {conv["canon"] for conv in direct}
        union = {conv["canon"]: conv for conv in per["view_through"] + per["click_through"]}
        assisted = [conv for k, conv in sorted(union.items()) if k not in direct_ids]
        shown = revenue_shown(campaign, primary)
        conversion["direct_orders"] = len(direct)
        conversion["assisted_orders"] = len(assisted)
        conversion["direct_revenue"] = revenue_of(direct) if shown else None
        conversion["assisted_revenue"] = revenue_of(assisted) if shown else None
    else:
        conversion["direct_orders"] = conversion["assisted_orders"] = None
        conversion["direct_revenue"] = conversion["assisted_revenue"] = None
    # this campaign's attributed primary-goal events another campaign also claims
    if primary is not None and tracked_type(campaign, attribution):
        others: set[str] = set()
        for j, other in enumerate(campaigns):
            if j != index:
                others |= claimed(other, attribution)
        conversion["shared_conversions"] = len(claimed(c, attribution) & others)
    else:
        conversion["shared_conversions"] = None

    # ------------------------------------------------------------------ funnel (F)
    funnel, sent_outside = funnel_of(campaign, messages, recipients)

    # ------------------------------------------------------------------ errors (E)
    errors = errors_of(campaign, messages, c["kept"], n_sent)

    # ------------------------------------------------------------------ contacts (O-1..O-3)
    contacts = contacts_of(c, campaigns, instant)

    # ------------------------------------------------------------------ breakdowns (B)
    breakdowns = breakdowns_of(c, attribution)

    # ------------------------------------------------------------------ uplift (B-2, X-3)
    uplift = uplift_of(c)

    # ------------------------------------------------------------------ daily, timeline (T)
    daily = daily_of(c, attribution, instant, zone)
    timeline = timeline_of(c, zone)

    # ------------------------------------------------------------------ data quality
    rejected = sorted(
        set(c["rejected"] + conv_rejected.get(index, []) + conv_rejected.get(None, []))
    )
    warnings = warnings_of(index, c, campaigns)
    data_quality = {
        "rejected": [{"file": f, "line": n} for f, n in rejected],
        "duplicates": c["duplicates"] + conv_dups,
        "id_conflicts": c["id_conflicts"] + conv_conflicts,
        "delivery_conflicts": sum(m["delivery_conflict"] for m in messages),
        "send_conflicts": sum(m["send_conflict"] for m in messages),
        "receipts_without_send": sum(m["receipt_without_send"] for m in messages),
        "receipt_before_send": sum(m["receipt_before_send"] for m in messages),
        "sent_outside_funnel": sent_outside,
        "ignored_events": c["ignored_events"],
        "warnings": warnings,
    }
    as_of_text = instant_text(instant, zone)
    return {
        "campaign_id": campaign.id,
        "name": campaign.name,
        "channel": campaign.channel.value,
        "as_of": as_of_text,
        "parameters": {
            "attribution_type": attribution,
            "attribution_window_hours": campaign.attribution_window_hours,
            "as_of": as_of_text,
            "time_zone": campaign.app_timezone,
            "date_range": None,
            "campaigns_in_run": [x["campaign"].id for x in campaigns],
        },
        "delivery": delivery,
        "engagement": engagement,
        "conversion": conversion,
        "funnel": funnel,
        "errors": errors,
        "contacts": contacts,
        "breakdowns": breakdowns,
        "uplift": uplift,
        "daily": daily,
        "timeline": timeline,
        "data_quality": data_quality,
    }


# --------------------------------------------------------------------------- F


def valid_mobile_e164(number: str | None, region: str | None) -> str | None:
    """F-4: valid as mobile or fixed-line-or-mobile, with the campaign's default region."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    kind = phonenumbers.number_type(parsed)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def funnel_of(
    campaign: Campaign, messages: list[Event], recipients: dict[str, dict[str, Any]] | None
) -> tuple[list[dict[str, Any]], int]:
    connector = campaign.channel.value == "connector"
    stages = list(FUNNEL_CONNECTOR if connector else FUNNEL_SMS)
    if not connector and campaign.sent_only:
        stages.remove("delivered")  # CH-2: the funnel ends at Sent
    by_user: dict[str, list[Event]] = {}
    for m in messages:
        by_user.setdefault(m["user"], []).append(m)
    sent_users = {m["user"] for m in messages if m["sent"]}
    delivered_users = {m["user"] for m in messages if m["delivered"]}

    def left_at(user: str, removed: Any) -> bool:
        # F-3: leaves only when they have messages and every one was removed there
        mine = by_user.get(user, [])
        return bool(mine) and all(removed(m) for m in mine)

    def fc(m: Event) -> bool:
        return bool(m["fc_removed"]) and not m["attempted"]

    def personalization(m: Event) -> bool:
        return not m["sent"] and any(e["type"] == "personalization_failed" for e in m["events"])

    rows: list[dict[str, Any]] = []
    if recipients is None:
        # F-3: without recipients.csv the stages that need it are null
        previous: set[str] | None = None
        for stage in stages:
            users: set[str] | None = None
            if stage == "sent":
                users = sent_users
            elif stage == "delivered":
                users = sent_users & delivered_users
            rows.append(
                {
                    "stage": stage,
                    "users": None if users is None else len(users),
                    "removed": None
                    if users is None or previous is None
                    else len(previous) - len(users),
                }
            )
            previous = users
        return rows, 0
    everyone = set(recipients)
    current: set[str]
    if connector:
        current = set(everyone)
        rows.append({"stage": stages[0], "users": len(current), "removed": 0})
    else:
        region = campaign.default_region
        numbers = {u: valid_mobile_e164(r["mobile_number"], region) for u, r in recipients.items()}
        current = {u for u in everyone if numbers[u] is not None}
        rows.append(
            {"stage": stages[0], "users": len(current), "removed": len(everyone) - len(current)}
        )
    for stage in stages[1:]:
        before = current
        if stage == "after_fc_removal":
            current = {u for u in before if not left_at(u, fc)}
        elif stage == "after_personalization_removal":
            current = {u for u in before if not left_at(u, personalization)}
        elif stage == "after_duplicate_removal":
            # F-4: on the E.164 form, the user whose id sorts first is kept
            firsts: dict[str, str] = {}
            for u in sorted(before):
                firsts.setdefault(str(numbers[u]), u)
            current = set(firsts.values())
        elif stage == "sent":
            sent_outside = len(sent_users - before)  # F-3
            current = before & sent_users
        else:
            current = before & delivered_users
        rows.append({"stage": stage, "users": len(current), "removed": len(before) - len(current)})
    return rows, sent_outside


# --------------------------------------------------------------------------- E


def send_failure_reason(event: Event) -> str:
    """FORMATS.md: http_<code> for a non-200 response, else the prefixed error code, else
    the reason text; personalization_failed; skipped:<O-6 name>."""
    if event["type"] == "personalization_failed":
        return "personalization_failed"
    if event["type"] == "skipped":
        return f"skipped:{event['reason']}" if "reason" in event else "skipped"
    code = event.get("response_code")
    if code is not None and code != 200:
        return f"http_{code}"
    return failure_reason(event, event["type"])


def errors_of(
    campaign: Campaign, messages: list[Event], kept: list[Event], n_sent: int
) -> dict[str, Any]:
    failed = [m for m in messages if m["failed_to_send"]]
    # E-1: each row counts the events and the messages of Failed-to-send messages
    rows: dict[str, dict[str, Any]] = {}
    for m in failed:
        for event in m["fails"]:
            reason = send_failure_reason(event)
            row = rows.setdefault(reason, {"events": 0, "messages": set(), "event": event})
            row["events"] += 1
            row["messages"].add(m["key"])
    failed_to_send = []
    for reason in sorted(rows):
        row = rows[reason]
        category: str | None = None
        transient: bool | None = None
        if row["event"]["type"] in ("send_failed", "sent"):
            if reason.startswith("http_"):
                klass = classify_error(reason)
                category, transient = klass.category.value, klass.transient
            else:
                category, transient = failure_class(row["event"])
        failed_to_send.append(
            {
                "reason": reason,
                "events": row["events"],
                "messages": len(row["messages"]),
                "category": category,
                "transient": transient,
            }
        )
    # E-1: removals "in users". Decision (the rule does not say): a message is removed
    # when it has the removal event and is not Attempted (D-2: the removal never makes it
    # Attempted; an attempt shows it was not removed, as F-3's capping stage reads it).
    removed = [
        {
            "reason": kind,
            "users": len({m["user"] for m in messages if m[kind] and not m["attempted"]}),
        }
        for kind in ("fc_removed", "control_removed")
    ]
    # E-2: personalization failures of Failed-to-send messages by category
    pers = [m for m in failed if any(e["type"] == "personalization_failed" for e in m["events"])]
    by_category = {
        cat: sum(
            any(
                e["type"] == "personalization_failed" and e.get("category", "undefined") == cat
                for e in m["events"]
            )
            for m in pers
        )
        for cat in PERSONALIZATION_CATEGORIES
    }
    # E-3, D-8: each Sent message not Delivered in exactly one row
    ftd: dict[str, dict[str, Any]] = {}
    for m in messages:
        if not m["sent"] or m["delivered"]:
            continue
        if campaign.sent_only:
            if campaign.channel.value == "connector":
                continue
            reason, outcome_class = "pending_delivery_confirmation", None
        elif m["outcome"] in ("in_transit", "sent_as_sms"):
            reason, outcome_class = m["outcome"], None
        else:
            reason = failure_reason(m["outcome_event"], m["outcome"])
            outcome_class = failure_class(m["outcome_event"])
        row = ftd.setdefault(reason, {"messages": 0, "class": outcome_class})
        row["messages"] += 1
    failed_to_deliver = [
        {
            "reason": reason,
            "messages": ftd[reason]["messages"],
            "share": rate(ftd[reason]["messages"], n_sent),
            "category": None if ftd[reason]["class"] is None else ftd[reason]["class"][0],
            "transient": None if ftd[reason]["class"] is None else ftd[reason]["class"][1],
        }
        for reason in sorted(ftd)
    ]
    # E-4: non-2xx content-API responses by code with counts
    api: dict[Any, int] = {}
    for event in kept:
        if event["type"] == "content_api_error":
            api[event.get("status_code")] = api.get(event.get("status_code"), 0) + 1
    content_api = [
        {"status_code": code, "count": api[code]} for code in sorted(api, key=lambda x: str(x))
    ]
    return {
        "failed_to_send": failed_to_send,
        "removed": removed,
        "personalization": {"unique_messages": len(pers), "by_category": by_category},
        "failed_to_deliver": failed_to_deliver,
        "content_api": content_api,
    }


# --------------------------------------------------------------------------- O


def contacts_of(
    c: dict[str, Any], campaigns: list[dict[str, Any]], instant: dt.datetime
) -> dict[str, Any]:
    campaign: Campaign = c["campaign"]
    out: dict[str, Any] = {}
    # O-1: users by their latest sent message (greatest send instant, ties by instance id
    # in code-point order, none first); null when sent-only
    latest: dict[str, Event] = {}
    for m in c["messages"]:
        if not m["sent"]:
            continue
        order = (m["send_instant"], m["instance"] is not None, m["instance"] or "")
        old = latest.get(m["user"])
        if old is None or order > (
            old["send_instant"],
            old["instance"] is not None,
            old["instance"] or "",
        ):
            latest[m["user"]] = m
    statuses = [o1_status(campaign, m) for m in latest.values()]
    for key in ("delivered", "pending", "soft_bounces", "hard_bounces", "deleted"):
        out[key] = statuses.count(key) if campaign.delivery_tracked else None
    # O-3: unsubscribes deduplicated run-wide by (user, time); each attributed to the last
    # SMS/MMS campaign of the run sent to that user at or before it (ties: the campaign id
    # that sorts first); with none, to the campaign whose log holds it
    holders: dict[tuple[str, dt.datetime], set[str]] = {}
    for x in campaigns:
        for event in x["kept"]:
            if event["type"] == "unsubscribed":
                holders.setdefault((event["user_id"], event["time"]), set()).add(x["campaign"].id)
    unsubscribed = set()
    for (user, time), held in holders.items():
        candidates = []
        for x in campaigns:
            if x["campaign"].channel.value == "connector":
                continue
            sends = [
                m["send_instant"]
                for m in x["messages"]
                if m["sent"] and m["user"] == user and m["send_instant"] <= time
            ]
            if sends:
                candidates.append((max(sends), x["campaign"].id))
        if candidates:
            last = max(t for t, _ in candidates)
            owner = min(cid for t, cid in candidates if t == last)
        else:
            owner = min(held)
        if owner == campaign.id:
            unsubscribed.add(user)
    out["unsubscribes"] = len(unsubscribed)
    # O-2: this campaign's users with ≥ 3 messages whose O-1 status is Hard bounce across
    # the run's campaigns, or with one failure classified opted_out; null when off.
    # Decision (the rule does not say): "this campaign's users" = its Attempted users.
    if not campaign.auto_suppression:
        out["suppressed"] = None
    else:
        users = {m["user"] for m in c["messages"] if m["attempted"]}
        hard: dict[str, int] = {}
        opted_out: set[str] = set()
        for x in campaigns:
            for m in x["messages"]:
                if m["sent"] and o1_status(x["campaign"], m) == "hard_bounces":
                    hard[m["user"]] = hard.get(m["user"], 0) + 1
                for event in m["events"]:
                    failure = event["type"] in FAILURE_TYPES or event["type"] == "send_failed"
                    if failure and failure_class(event)[0] == ErrorCategory.OPTED_OUT.value:
                        opted_out.add(m["user"])
        out["suppressed"] = len({u for u in users if hard.get(u, 0) >= 3 or u in opted_out})
    return out


# --------------------------------------------------------------------------- B


def breakdowns_of(c: dict[str, Any], attribution: str) -> dict[str, Any]:
    campaign: Campaign = c["campaign"]
    tracked = campaign.delivery_tracked
    clicks_on = campaign.click_tracking
    recipients: dict[str, dict[str, Any]] = c["recipients"] or {}
    messages: list[Event] = c["messages"]

    def locale_of(user: str) -> str:
        row = recipients.get(user)
        return (row or {}).get("locale") or "default"

    def variation_of(user: str) -> str | None:
        row = recipients.get(user)
        value: str | None = (row or {}).get("variation")
        return value

    # B-1 (rule 1 of the brief): rows for every locale/variation of recipients.csv or of a
    # message (the (locale, variation) pairs that occur), zeros included
    users = set(recipients) | {m["user"] for m in messages}
    pairs = {(locale_of(u), variation_of(u)) for u in users}
    locales = sorted({loc for loc, _ in pairs})
    variations = sorted({v for _, v in pairs if v is not None})
    cells: list[tuple[str | None, str | None]] = [(None, None)]
    cells += [(None, v) for v in variations]
    cells += [(loc, None) for loc in locales]
    cells += sorted((loc, v) for loc, v in pairs if v is not None)
    rows = []
    for loc, var in cells:
        mine = [
            m
            for m in messages
            if (loc is None or locale_of(m["user"]) == loc)
            and (var is None or variation_of(m["user"]) == var)
        ]
        keys = {m["key"] for m in mine}
        n_sent = sum(m["sent"] for m in mine)
        n_delivered = sum(m["delivered"] for m in mine)
        block = conversion_block(c, attribution, keys, n_delivered if tracked else n_sent)
        rows.append(
            {
                "locale": loc,
                "variation": var,
                "attempted": sum(m["attempted"] for m in mine) if loc is None else None,
                "sent": n_sent if loc is None else None,
                "failed_to_send": sum(m["failed_to_send"] for m in mine) if loc is None else None,
                "delivered": n_delivered if tracked else None,
                "total_clicks": sum(len(m["clicks"]) for m in mine) if clicks_on else None,
                "unique_clickers": sum(bool(m["clicks"]) for m in mine) if clicks_on else None,
                "converted_users": block["converted_users"],
                "conversion_events": block["conversion_events"],
                "cvr": block["cvr"],
                "revenue": block["revenue"],
                "goals": block["goals"],
            }
        )
    # B-3: per send mode of each message's earliest send (missing: default)
    primary = campaign.primary_goal
    converted: set[Any] = set()
    conv_on = primary is not None and tracked_type(campaign, attribution)
    if conv_on and primary is not None:
        converted = set(c["attributed"][attribution][primary.name])
    send_mode = []
    for mode in SEND_MODES:
        mine = [m for m in messages if m["sent"] and m["send_mode"] == mode]
        send_mode.append(
            {
                "mode": mode,
                "sent": len(mine),
                "delivered": sum(m["delivered"] for m in mine) if tracked else None,
                "unique_clickers": sum(bool(m["clicks"]) for m in mine) if clicks_on else None,
                "converted_users": sum(m["key"] in converted for m in mine) if conv_on else None,
            }
        )
    # B-4: Sent messages by tz_mode; unknown when the send does not say
    timezone = {
        mode: sum(m["sent"] and m["tz_mode"] == mode for m in messages)
        for mode in ("user", "default_lapsed", "unknown")
    }
    return {"locale_variation": rows, "send_mode": send_mode, "timezone": timezone}


def uplift_of(c: dict[str, Any]) -> dict[str, Any] | None:
    """B-2, X-3: group counts here; the statistics from the library's public functions."""
    campaign: Campaign = c["campaign"]
    primary = campaign.primary_goal
    if primary is None:
        return None
    recipients: dict[str, dict[str, Any]] = c["recipients"] or {}
    events = [e for e in c["kept"] if e["type"] in MESSAGE_TYPES]
    attempts = [e for e in events if e["type"] in SEND_TYPES | POST_SEND_TYPES]
    target = {e["user_id"] for e in attempts}
    listed_control = {u for u, r in recipients.items() if r.get("group") == "control"}
    removed = {e["user_id"] for e in events if e["type"] == "control_removed"}
    control = (listed_control | removed) - target
    first_attempt = min((e["time"] for e in attempts), default=None)
    window = dt.timedelta(microseconds=int(campaign.attribution_window_hours * 3_600_000_000))

    def start_of(user: str) -> dt.datetime | None:
        if user in target:
            first: dt.datetime = min(e["time"] for e in attempts if e["user_id"] == user)
            return first
        mine = [
            e["time"] for e in events if e["user_id"] == user and e["type"] == "control_removed"
        ]
        return min(mine) if mine else first_attempt

    starts = {u: start_of(u) for u in target | control}

    def converted(users: set[str], goal: Any) -> int:
        count = 0
        for user in users:
            start = starts[user]
            if start is None:
                continue
            if any(
                conv["user_id"] == user
                and goal_matches(goal, conv)
                and start <= conv["time"] <= start + window
                for conv in c["pool"]
            ):
                count += 1
        return count

    def variation_of(user: str) -> str | None:
        value: str | None = recipients.get(user, {}).get("variation")
        return value

    variations = sorted({v for u in target if (v := variation_of(u)) is not None})
    by_var = {v: {u for u in target if variation_of(u) == v} for v in variations}

    def as_dict(comparison: Comparison) -> dict[str, Any]:
        return comparison.to_dict()

    # null "with fewer than two groups": with control users the groups are target and
    # control (an empty target is still a group: FORMATS.md, "every statistic is null when
    # a group is empty"). B-2: control users are the others of group = control or with a
    # control_removed event — a control user whose window has no start (no control_removed,
    # no send attempt yet) is still one of the control users; they convert nothing.
    if control:
        n_c, x_c = len(control), converted(control, primary)
        overall: dict[str, Any] | None = as_dict(
            compare("target", "control", converted(target, primary), len(target), x_c, n_c)
        )
        by_variation = adjust_comparisons(
            compare(v, "control", converted(by_var[v], primary), len(by_var[v]), x_c, n_c)
            for v in variations
        )
        by_goal = adjust_comparisons(
            compare(
                g.name,
                "control",
                converted(target, g),
                len(target),
                converted(control, g),
                n_c,
            )
            for g in campaign.goals
        )
    else:
        if len(variations) < 2:
            return None  # fewer than two groups
        overall = None
        base = variations[0]
        xb, nb = converted(by_var[base], primary), len(by_var[base])
        by_variation = adjust_comparisons(
            compare(v, base, converted(by_var[v], primary), len(by_var[v]), xb, nb)
            for v in variations[1:]
        )
        by_goal = []
    return {
        "overall": overall,
        "by_variation": [as_dict(x) for x in by_variation],
        "by_goal": [as_dict(x) for x in by_goal],
    }


# --------------------------------------------------------------------------- T


def daily_of(
    c: dict[str, Any], attribution: str, instant: dt.datetime, zone: ZoneInfo
) -> list[dict[str, Any]]:
    """T-1: a message on the day of its send, its delivery on the day of its earliest
    receipt, clicks and conversions on their own day; days from the first send to as-of."""
    campaign: Campaign = c["campaign"]
    messages: list[Event] = c["messages"]
    sent_msgs = [m for m in messages if m["sent"]]
    if not sent_msgs:
        return []

    def day(t: dt.datetime) -> dt.date:
        return t.astimezone(zone).date()

    first = min(day(m["send_instant"]) for m in sent_msgs)
    last = day(instant)
    primary = campaign.primary_goal
    conv_on = primary is not None and tracked_type(campaign, attribution)
    convs = events_of(c["attributed"][attribution][primary.name]) if conv_on and primary else []
    shown = primary is not None and conv_on and revenue_shown(campaign, primary)
    rows = []
    d = first
    while d <= last:
        today = [conv for conv in convs if day(conv["time"]) == d]
        rows.append(
            {
                "date": d.isoformat(),
                "sent": sum(day(m["send_instant"]) == d for m in sent_msgs),
                "delivered": sum(m["delivered"] and day(m["receipt"]) == d for m in messages)
                if campaign.delivery_tracked
                else None,
                "total_clicks": sum(day(k["time"]) == d for m in messages for k in m["clicks"])
                if campaign.click_tracking
                else None,
                "conversion_events": len(today) if conv_on else None,
                "revenue": revenue_of(today) if shown else None,
            }
        )
        d += dt.timedelta(days=1)
    return rows


def timeline_of(c: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """T-2: the earliest of each step, the latest last sent, and the durations."""
    campaign: Campaign = c["campaign"]
    active = campaign.delivery_type.value == "active"
    steps: dict[str, dt.datetime | None] = {}
    for kind in ("segmentation_started", "segmentation_completed", "campaign_ready"):
        times = [e["time"] for e in c["kept"] if e["type"] == kind]
        steps[kind] = None if active or not times else min(times)
    sends = [m["send_instant"] for m in c["messages"] if m["sent"]]
    steps["first_sent"] = min(sends, default=None)
    steps["last_sent"] = max(sends, default=None)

    def between(a: str, b: str) -> float | None:
        start, end = steps[a], steps[b]
        return None if start is None or end is None else seconds(end - start)

    out: dict[str, Any] = {k: instant_text(v, zone) for k, v in steps.items()}
    out["durations_s"] = {
        "segmentation": between("segmentation_started", "segmentation_completed"),
        "preparation": between("segmentation_completed", "campaign_ready"),
        "to_first_send": between("campaign_ready", "first_sent"),
        "sending": between("first_sent", "last_sent"),
    }
    return out


# --------------------------------------------------------------------------- warnings


def warnings_of(index: int, c: dict[str, Any], campaigns: list[dict[str, Any]]) -> list[str]:
    """The rule IDs of the warnings this campaign should carry, one per kind, sorted."""
    campaign: Campaign = c["campaign"]
    out = []
    if campaign.max_segments is not None and any(
        m["sent"] and m["segments"] > campaign.max_segments for m in c["messages"]
    ):
        out.append("O-6")
    recipients = c["recipients"] or {}
    attempted = {m["user"] for m in c["messages"] if m["attempted"]}
    if any(r.get("group") == "control" and u in attempted for u, r in recipients.items()):
        out.append("B-2")
    # campaigns with the same primary-goal event sent to the same user closer
    # together than the smaller of their windows (one line per pair of campaigns)
    primary = campaign.primary_goal
    for j, other in enumerate(campaigns):
        other_primary = other["campaign"].primary_goal
        if j == index or primary is None or other_primary is None:
            continue
        if primary.event != other_primary.event:
            continue
        limit = min(campaign.attribution_window_hours, other["campaign"].attribution_window_hours)
        window = dt.timedelta(microseconds=int(limit * 3_600_000_000))
        mine = [(m["user"], m["send_instant"]) for m in c["messages"] if m["sent"]]
        theirs = [(m["user"], m["send_instant"]) for m in other["messages"] if m["sent"]]
        if any(u == v and abs(a - b) < window for u, a in mine for v, b in theirs):
            out.append("X-8")
    return sorted(out)


# --------------------------------------------------------------------------- comparing

#: the fields that identify a row of each list (so a diff names the row, not its index)
ROW_IDS = (
    ("locale", "variation"),
    ("file", "line"),
    ("stage",),
    ("reason",),
    ("status_code",),
    ("mode",),
    ("date",),
    ("label",),
    ("name",),
)
#: the lists whose order the spec fixes
ORDERED = {"funnel", "daily", "data_quality.rejected"}
WARNING_TAG = re.compile(r"\(([A-Z]{1,2}-\d+)[),]")


def library_view(report: dict[str, Any]) -> dict[str, Any]:
    """The library's report in the reference's terms: no definitions, no versions,
    rejected rows as (file, line), warnings as the rule IDs they name."""
    out = dict(report)
    out.pop("definitions", None)
    out["parameters"] = {k: v for k, v in report["parameters"].items() if k != "versions"}
    dq = dict(report["data_quality"])
    dq["rejected"] = [{"file": r["file"], "line": r["line"]} for r in dq["rejected"]]
    tags = []
    for text in dq["warnings"]:
        found = WARNING_TAG.findall(text)
        tags.append(found[-1] if found else f"?{text[:60]}")
    dq["warnings"] = sorted(tags)
    out["data_quality"] = dq
    return out


def _row_id(row: dict[str, Any]) -> str | None:
    for fields in ROW_IDS:
        if all(f in row for f in fields):
            return "[" + ",".join(f"{f}={row[f]}" for f in fields) + "]"
    return None


def flatten(value: Any, path: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"path.to.key": value}``; a list of rows is keyed by its rows' ids."""
    if out is None:
        out = {}
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, (list, tuple)):
        ids = [_row_id(v) if isinstance(v, dict) else None for v in value]
        if value and all(i is not None for i in ids):
            out[f"{path}#rows"] = sorted(str(i) for i in ids)
            if path in ORDERED:
                out[f"{path}#order"] = ids
            for i, item in zip(ids, value):
                flatten(item, f"{path}{i}", out)
        elif value and all(isinstance(v, dict) for v in value):
            for n, item in enumerate(value):
                flatten(item, f"{path}[{n}]", out)
        else:
            out[path] = list(value)
    else:
        out[path] = value
    return out


def same(a: Any, b: Any) -> bool:
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b or (type(a) is type(b) and a == b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return isinstance(a, Decimal) and isinstance(b, Decimal) and a == b
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and bool(a == b)


MISSING = "<missing>"


def diff_reports(reference: dict[str, Any], library: dict[str, Any]) -> list[str]:
    """Every path whose value differs, as ``path: reference=... library=...``."""
    ref, lib = flatten(reference), flatten(library_view(library))
    lines = []
    for path in sorted(set(ref) | set(lib)):
        a, b = ref.get(path, MISSING), lib.get(path, MISSING)
        if a is MISSING or b is MISSING or not same(a, b):
            lines.append(f"{path}: reference={a!r} library={b!r}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Print the keys where the library and the reference differ, for one run."""
    import campaign_metrics as cm

    parser = argparse.ArgumentParser(prog="python -m tests.reference_report")
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--conversions")
    parser.add_argument("--attribution", default="view_through", choices=ATTRIBUTION_TYPES)
    parser.add_argument("--as-of")
    args = parser.parse_args(argv)
    refs = reference_reports(
        args.dirs, conversions=args.conversions, attribution=args.attribution, as_of=args.as_of
    )
    reports = cm.analyze(
        *args.dirs, conversions=args.conversions, attribution=args.attribution, as_of=args.as_of
    )
    total = 0
    for ref, report in zip(refs, reports):
        lines = diff_reports(ref, report.to_dict())
        total += len(lines)
        print(f"== {ref['campaign_id']}: {len(lines)} differing keys")
        for line in lines:
            print("  " + line)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())

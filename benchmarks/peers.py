"""The benchmark's peers: the same subset of metrics computed by pandas and by DuckDB.

Both peers read the campaign directory the benchmark wrote — ``events.csv`` (message
events) and ``conversions.jsonl`` — and follow RULES.md for the benchmark's data: a
one-time, delivery-tracked SMS campaign with click tracking on and one primary goal that
tracks revenue (:func:`load_setup` checks that, so other data fails loudly instead of
being answered wrongly). The subset:

- D-10: identical records count once (the benchmark's duplicates are exact repeats; the
  runner checks the library found no id conflicts, so deduplicating on the columns read
  is the same as deduplicating on the whole record);
- D-7: only records at or before the as-of instant count — the latest time of any record;
- D-2: a message ((user, instance) pair; one-time, so one per user) is Attempted with any
  event other than ``fc_removed``/``control_removed`` (campaign-level events —
  timeline, ``unsubscribed``, ``content_api_error`` — belong to no message);
- D-1, D-12: Sent with a 200 ``sent`` (no code = 200) or any post-send event; the send
  instant is the earliest of those;
- D-3, D-4: Failed to send = Attempted, not Sent, with a non-200 send, ``send_failed``,
  ``personalization_failed`` or ``skipped``; sent and failed rates over Attempted;
- D-5, D-6: Delivered = Sent with a ``delivered`` receipt and no ``sms_fallback``;
  delivered rate over Sent;
- K-1..K-3: clicks of Sent messages no later than send instant + 360 h; total clicks and
  unique clickers (messages); CTR over Delivered (R-1);
- A-1..A-3, A-9: view-through — primary-goal events with earliest receipt ≤ t ≤ earliest
  receipt + window of Delivered messages; each event once; converted users are messages
  (A-8); CVR over Delivered (R-2);
- A-11: revenue summed exactly (DuckDB ``DECIMAL(18,2)``; pandas integer cents), a
  conversion without revenue adds 0; average order value and average revenue per user
  rounded half-even to cents with integer arithmetic (:func:`average_cents`).

Each peer returns :data:`ANSWER_KEYS` as plain JSON values: ints, rates as floats (or
``None``), money as decimal strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "ANSWER_KEYS",
    "PEERS",
    "Setup",
    "average_cents",
    "load_setup",
    "run_duckdb",
    "run_pandas",
]

#: The metrics every engine answers, in report order.
ANSWER_KEYS = (
    "attempted",
    "sent",
    "failed_to_send",
    "delivered",
    "sent_rate",
    "failed_rate",
    "delivered_rate",
    "total_clicks",
    "unique_clickers",
    "ctr",
    "converted_users",
    "conversion_events",
    "cvr",
    "revenue",
    "average_order_value",
    "average_revenue_per_user",
)

# Event types by role (FORMATS.md, RULES.md D-2, D-12, CH-2).
_CAMPAIGN_LEVEL = (
    "segmentation_started",
    "segmentation_completed",
    "campaign_ready",
    "unsubscribed",
    "content_api_error",
)
_NOT_ATTEMPTED = ("fc_removed", "control_removed")
_POST_SEND = (
    "delivered",
    "delivery_failed",
    "soft_bounce",
    "hard_bounce",
    "deleted",
    "sms_fallback",
    "clicked",
)
_SEND_FAILURES = ("send_failed", "personalization_failed", "skipped")
_CLICK_EXPIRY_US = 360 * 3_600_000_000  # K-2
_EVENT_COLUMNS = ["event_id", "user_id", "type", "time", "response_code"]


class Setup:
    """What the peers need from campaign.json, after checking the data is the benchmark's."""

    __slots__ = ("goal_event", "window_us")

    def __init__(self, goal_event: str, window_us: int) -> None:
        self.goal_event = goal_event
        self.window_us = window_us


def load_setup(directory: Path) -> Setup:
    """Read campaign.json; raise ``ValueError`` when it is not the benchmark's kind."""
    config: dict[str, Any] = json.loads((directory / "campaign.json").read_text("utf-8"))

    def require(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(f"{directory}/campaign.json: the peers handle {what} only")

    require(config.get("channel") == "sms", "SMS campaigns")
    require(config.get("provider", "integrated") == "integrated", "integrated providers")
    require(config.get("delivery_type", "one_time") == "one_time", "one-time campaigns")
    require(config.get("click_tracking") is True, "campaigns with click tracking")
    goals = config.get("goals") or []
    primary = [g for g in goals if g.get("primary")]
    require(len(goals) == 1 and len(primary) == 1, "one primary goal")
    goal = primary[0]
    require(not goal.get("filters"), "goals without filters")
    require(goal.get("track_revenue") is True, "a primary goal that tracks revenue")
    hours = Decimal(str(config.get("attribution_window_hours", 36)))  # 36 h by default
    window = hours * 3_600_000_000
    require(window == window.to_integral_value(), "windows of whole microseconds")
    return Setup(goal_event=str(goal["event"]), window_us=int(window))


def average_cents(total_cents: int, count: int) -> str | None:
    """A-11: ``total / count`` rounded half-even to cents, exactly; ``None`` for 0.

    >>> average_cents(1001, 2), average_cents(1003, 2), average_cents(-1001, 2)
    ('5.00', '5.02', '-5.00')
    """
    if count == 0:
        return None
    quotient, remainder = divmod(total_cents, count)  # floor division: 0 <= remainder < count
    if 2 * remainder > count or (2 * remainder == count and quotient % 2 == 1):
        quotient += 1
    return _cents_text(quotient)


def _cents_text(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator * 100.0 / denominator


def _answers(counts: Mapping[str, int], revenue_cents: int) -> dict[str, Any]:
    """The answer mapping from the peer's exact aggregates (O(1) arithmetic only)."""
    attempted, sent, delivered = counts["attempted"], counts["sent"], counts["delivered"]
    events, converted = counts["conversion_events"], counts["converted_users"]
    return {
        "attempted": attempted,
        "sent": sent,
        "failed_to_send": counts["failed_to_send"],
        "delivered": delivered,
        "sent_rate": _rate(sent, attempted),
        "failed_rate": _rate(counts["failed_to_send"], attempted),
        "delivered_rate": _rate(delivered, sent),
        "total_clicks": counts["total_clicks"],
        "unique_clickers": counts["unique_clickers"],
        "ctr": _rate(counts["total_clicks"], delivered),
        "converted_users": converted,
        "conversion_events": events,
        "cvr": _rate(converted, delivered),
        "revenue": _cents_text(revenue_cents),
        "average_order_value": average_cents(revenue_cents, events),
        "average_revenue_per_user": average_cents(revenue_cents, converted),
    }


# --------------------------------------------------------------------------- pandas


def run_pandas(directory: Path) -> dict[str, Any]:
    """The subset computed with pandas from ``events.csv`` and ``conversions.jsonl``."""
    import numpy as np
    import pandas as pd

    setup = load_setup(directory)
    never = np.iinfo(np.int64).max

    def micros(text: Any) -> Any:
        # ISO 8601 with mixed UTC offsets → epoch microseconds (int64)
        return pd.to_datetime(text, utc=True, format="ISO8601").dt.as_unit("us").astype("int64")

    ev = pd.read_csv(
        directory / "events.csv",
        usecols=_EVENT_COLUMNS,
        dtype={
            "event_id": str,
            "user_id": str,
            "type": "category",
            "time": str,
            "response_code": "Int64",
        },
    )
    ev = ev.drop_duplicates()  # D-10
    ev_t = micros(ev["time"]).to_numpy()
    conv = pd.read_json(directory / "conversions.jsonl", lines=True, dtype=False)
    if "properties" in conv.columns:  # dicts are unhashable: compare their text (D-10)
        conv["properties"] = conv["properties"].map(
            lambda p: json.dumps(p, sort_keys=True) if isinstance(p, dict) else None
        )
    if "revenue" not in conv.columns:
        conv["revenue"] = np.nan
    conv = conv.drop_duplicates()  # D-10
    conv_t = micros(conv["time"]).to_numpy()
    as_of = max(int(ev_t.max()), int(conv_t.max()) if len(conv_t) else int(ev_t.max()))  # D-7

    etype = ev["type"].astype(str).to_numpy()
    keep = ev["user_id"].notna().to_numpy() & ~np.isin(etype, _CAMPAIGN_LEVEL) & (ev_t <= as_of)
    user = ev["user_id"].to_numpy()[keep]
    etype, t = etype[keep], ev_t[keep]
    code = ev["response_code"].fillna(200).to_numpy(dtype=np.int64)[keep]  # D-1: none = 200
    is_sent = etype == "sent"
    frame = pd.DataFrame(
        {
            "user_id": user,
            "attempted": ~np.isin(etype, _NOT_ATTEMPTED),  # D-2
            "sent200": np.where(is_sent & (code == 200), t, never),  # D-1
            "post": np.where(np.isin(etype, _POST_SEND), t, never),  # D-12
            "fail": (is_sent & (code != 200)) | np.isin(etype, _SEND_FAILURES),  # D-3
            "receipt": np.where(etype == "delivered", t, never),  # D-5, A-2
            "fallback": etype == "sms_fallback",  # D-6
        }
    )
    msg = frame.groupby("user_id", sort=False).agg(
        attempted=("attempted", "max"),
        sent200=("sent200", "min"),
        post=("post", "min"),
        fail=("fail", "max"),
        receipt=("receipt", "min"),
        fallback=("fallback", "max"),
    )
    sent = (msg["sent200"] < never) | (msg["post"] < never)
    msg["send_us"] = np.minimum(msg["sent200"], msg["post"])
    delivered = sent & (msg["receipt"] < never) & ~msg["fallback"]
    failed = msg["attempted"] & ~sent & msg["fail"]

    # K-2: clicks no later than the message's send instant + 360 h
    clicks = pd.DataFrame({"user_id": user[etype == "clicked"], "t": t[etype == "clicked"]})
    clicks = clicks.merge(msg.loc[sent, ["send_us"]], left_on="user_id", right_index=True)
    clicks = clicks[clicks["t"] <= clicks["send_us"] + _CLICK_EXPIRY_US]

    # primary-goal events within [receipt, receipt + window] of Delivered messages
    conv = conv.assign(t=conv_t)
    goal = conv[(conv["name"] == setup.goal_event) & (conv["t"] <= as_of)]
    hits = goal.merge(msg.loc[delivered, ["receipt"]], left_on="user_id", right_index=True)
    hits = hits[(hits["t"] >= hits["receipt"]) & (hits["t"] <= hits["receipt"] + setup.window_us)]
    # exact cents (each literal has two decimals; the nearest double is within 1e-9)
    cents = np.rint(hits["revenue"].fillna(0.0).to_numpy() * 100).astype(np.int64)

    counts = {
        "attempted": int(msg["attempted"].sum()),
        "sent": int(sent.sum()),
        "failed_to_send": int(failed.sum()),
        "delivered": int(delivered.sum()),
        "total_clicks": len(clicks),
        "unique_clickers": int(clicks["user_id"].nunique()),
        "conversion_events": len(hits),
        "converted_users": int(hits["user_id"].nunique()),
    }
    return _answers(counts, int(cents.sum()))


# --------------------------------------------------------------------------- DuckDB

_DUCKDB_SQL = """
WITH raw AS (
    SELECT DISTINCT event_id, user_id, type, time, response_code            -- D-10
    FROM read_csv($events, header = true, all_varchar = true)
),
ev AS (
    SELECT user_id, type, epoch_us(CAST(time AS TIMESTAMPTZ)) AS t,
           coalesce(CAST(response_code AS INTEGER), 200) AS code             -- D-1
    FROM raw
),
conv AS (
    SELECT DISTINCT event_id, user_id, name, time, revenue, properties      -- D-10
    FROM read_json($conversions, format = 'newline_delimited', columns = {
        event_id: 'VARCHAR', user_id: 'VARCHAR', name: 'VARCHAR', time: 'VARCHAR',
        revenue: 'DECIMAL(18,2)', properties: 'JSON'})
),
conv_t AS (SELECT *, epoch_us(CAST(time AS TIMESTAMPTZ)) AS t FROM conv),
as_of AS (                                                                  -- D-7
    SELECT greatest((SELECT max(t) FROM ev), (SELECT max(t) FROM conv_t)) AS t
),
msg AS (
    SELECT user_id,
        bool_or(type NOT IN ('fc_removed', 'control_removed')) AS attempted,  -- D-2
        min(t) FILTER (WHERE type = 'sent' AND code = 200) AS sent200,        -- D-1
        min(t) FILTER (WHERE type IN ('delivered', 'delivery_failed', 'soft_bounce',
            'hard_bounce', 'deleted', 'sms_fallback', 'clicked')) AS post,   -- D-12
        bool_or((type = 'sent' AND code <> 200)
            OR type IN ('send_failed', 'personalization_failed', 'skipped')) AS fail,
        min(t) FILTER (WHERE type = 'delivered') AS receipt,                  -- D-5, A-2
        bool_or(type = 'sms_fallback') AS fallback                            -- D-6
    FROM ev
    WHERE user_id IS NOT NULL
      AND type NOT IN ('segmentation_started', 'segmentation_completed', 'campaign_ready',
                       'unsubscribed', 'content_api_error')
      AND t <= (SELECT t FROM as_of)
    GROUP BY user_id
),
m AS (
    SELECT *,
        sent200 IS NOT NULL OR post IS NOT NULL AS sent,
        least(sent200, post) AS send_us
    FROM msg
),
m2 AS (
    SELECT *,
        sent AND receipt IS NOT NULL AND NOT fallback AS delivered,
        attempted AND NOT sent AND fail AS failed
    FROM m
),
clk AS (                                                                    -- K-2
    SELECT e.user_id
    FROM ev e JOIN m2 USING (user_id)
    WHERE e.type = 'clicked' AND m2.sent AND e.t <= (SELECT t FROM as_of)
      AND e.t <= m2.send_us + $expiry
),
hit AS (                                                                    -- A-3
    SELECT c.user_id, c.revenue
    FROM conv_t c JOIN m2 USING (user_id)
    WHERE m2.delivered AND c.name = $goal AND c.t <= (SELECT t FROM as_of)
      AND c.t BETWEEN m2.receipt AND m2.receipt + $window
)
SELECT
    (SELECT count(*) FILTER (WHERE attempted) FROM m2),
    (SELECT count(*) FILTER (WHERE sent) FROM m2),
    (SELECT count(*) FILTER (WHERE failed) FROM m2),
    (SELECT count(*) FILTER (WHERE delivered) FROM m2),
    (SELECT count(*) FROM clk),
    (SELECT count(DISTINCT user_id) FROM clk),
    (SELECT count(*) FROM hit),
    (SELECT count(DISTINCT user_id) FROM hit),
    (SELECT coalesce(sum(coalesce(revenue, 0)), 0) FROM hit)                 -- A-11
"""


def run_duckdb(directory: Path) -> dict[str, Any]:
    """The subset computed with DuckDB (one SQL statement) from the same files."""
    import duckdb

    setup = load_setup(directory)
    con = duckdb.connect()
    try:
        row = con.execute(
            _DUCKDB_SQL,
            {
                "events": str(directory / "events.csv"),
                "conversions": str(directory / "conversions.jsonl"),
                "expiry": _CLICK_EXPIRY_US,
                "goal": setup.goal_event,
                "window": setup.window_us,
            },
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    names = (
        "attempted",
        "sent",
        "failed_to_send",
        "delivered",
        "total_clicks",
        "unique_clickers",
        "conversion_events",
        "converted_users",
    )
    counts = {name: int(value) for name, value in zip(names, row[:8])}
    revenue = Decimal(row[8])
    cents = revenue * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"DuckDB revenue {revenue} is not a whole number of cents")
    return _answers(counts, int(cents))


#: The peers by name, as the runner calls them.
PEERS = {"pandas": run_pandas, "duckdb": run_duckdb}

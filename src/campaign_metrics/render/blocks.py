"""The report as titled tables of text cells (:func:`report_blocks`), and the cell
formats every renderer shares."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..report import Report, rejections_by_reason

__all__ = ["Block", "fmt", "report_blocks", "verdict"]

Block = tuple[str, list[str], list[list[str]]]


def fmt(value: Any, *, pct: bool = False, money: bool = False) -> str:
    """A cell: ``—`` for null, rates to one decimal with ``%``, money to cents."""
    if value is None:
        return "—"
    if pct:
        return f"{value:.1f} %"
    if money or isinstance(value, Decimal):
        return f"{Decimal(value):,.2f}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _share(part: int | None, whole: int | None) -> str:
    from ..metrics.rates import rate

    if part is None or whole is None:
        return "—"
    return fmt(rate(part, whole), pct=True)


def verdict(c: Any) -> str:
    """X-3 in words: ``variation A: +25.0 pp [3.1, 46.9], p = 0.03, Holm-adjusted p = 0.06:
    not significant``."""
    who = "target" if c.label == "target" else f"{c.label}"
    if c.difference_pp is None:
        return f"{who} vs {c.baseline}: no users in a group"
    low, high = c.difference_ci_pp
    text = f"{who} vs {c.baseline}: {c.difference_pp:+.1f} pp [{low:.1f}, {high:.1f}]"
    if c.p_value is not None:
        text += f", p {_p(c.p_value)}"
        if c.p_adjusted is not None and c.p_adjusted != c.p_value:
            text += f", Holm-adjusted p {_p(c.p_adjusted)}"
        text += ": significant" if c.significant else ": not significant"
    if c.mde_pp is not None:
        text += f" (detectable: {c.mde_pp:.1f} pp)"
    return text


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else "= " + (f"{value:.3f}".rstrip("0").rstrip(".") or "0")


def _pinned(r: Report) -> Block | None:
    source = r._source
    pins: tuple[str, ...] = ()
    if source is not None:
        for acc in source.campaigns:
            if acc.campaign.id == r.campaign_id:
                pins = acc.campaign.pinned_metrics
    if not pins:
        return None
    rows = []
    for key in pins:  # B-5: the campaign's pinned report keys, first
        value = r.get(key)
        is_rate = key.endswith(("rate", "ctr", "cvr", "share"))
        rows.append([key, fmt(value, pct=is_rate and value is not None)])
    return ("Pinned metrics", ["metric", "value"], rows)


def report_blocks(r: Report) -> list[Block]:
    """The report as titled tables of text cells (shared by every renderer)."""
    blocks: list[Block] = []
    pinned = _pinned(r)
    if pinned is not None:
        blocks.append(pinned)
    d = r.delivery
    if r.funnel:
        blocks.append(
            (
                "Funnel (users)",
                ["stage", "users", "removed"],
                [[s.stage, fmt(s.users), fmt(s.removed)] for s in r.funnel],
            )
        )
    rows = [
        ["Attempted", fmt(d.attempted), ""],
        ["Sent", fmt(d.sent), _share(d.sent, d.attempted) + " of attempted"],
        [
            "Failed to send",
            fmt(d.failed_to_send),
            _share(d.failed_to_send, d.attempted) + " of attempted",
        ],
        ["Awaiting response", fmt(d.awaiting_response), ""],
    ]
    if d.delivered is not None:
        rows += [
            ["  Delivered", fmt(d.delivered), _share(d.delivered, d.sent) + " of sent"],
            ["  Sent as SMS", fmt(d.sent_as_sms), _share(d.sent_as_sms, d.sent) + " of sent"],
            [
                "  Failed to deliver",
                fmt(d.failed_to_deliver),
                _share(d.failed_to_deliver, d.sent) + " of sent",
            ],
            ["  In transit", fmt(d.in_transit), _share(d.in_transit, d.sent) + " of sent"],
        ]
    else:
        rows.append(["  Delivery", "not tracked", "sent-only campaign"])
    rows.append(["Total segments", fmt(d.total_segments), ""])
    ttd = d.time_to_deliver
    if ttd.median_s is not None:
        rows.append(
            [
                "Time to deliver",
                f"median {fmt(ttd.median_s)} s",
                f"p90 {fmt(ttd.p90_s)} s, p99 {fmt(ttd.p99_s)} s",
            ]
        )
    blocks.append(
        ("Delivery (messages; the outcomes add up to Sent)", ["", "count", "share"], rows)
    )
    e = r.engagement
    engagement_rows = []
    if e.total_clicks is not None:
        engagement_rows += [
            ["Total clicks", fmt(e.total_clicks)],
            ["Unique clickers", fmt(e.unique_clickers)],
            ["Expired clicks", fmt(e.expired_clicks)],
            ["CTR", fmt(e.ctr, pct=True)],
            ["Click-to-delivered rate", fmt(e.click_to_delivered_rate, pct=True)],
        ]
    if e.reads is not None:  # a provider's read receipts (--provider)
        engagement_rows.append(["Read (provider receipts)", fmt(e.reads)])
    if engagement_rows:
        blocks.append(("Engagement", ["", "value"], engagement_rows))
    c = r.conversion
    if c.view_through.converted_users is not None:
        conv_rows = []
        for name in ("view_through", "click_through", "in_session"):
            a = c.for_type(name)
            if a.converted_users is None:
                continue
            conv_rows.append(
                [
                    name.replace("_", "-"),
                    fmt(a.converted_users),
                    fmt(a.conversion_events),
                    fmt(a.cvr, pct=True),
                    fmt(a.revenue, money=True),
                    fmt(a.average_order_value, money=True),
                    fmt(a.average_revenue_per_user, money=True),
                ]
            )
        blocks.append(
            (
                f"Conversions (window {r.parameters.attribution_window_hours} h)",
                ["attribution", "converted", "events", "CVR", "revenue", "AOV", "ARPU"],
                conv_rows,
            )
        )
        if c.direct_orders is not None:
            blocks.append(
                (
                    "Direct and assisted (primary goal)",
                    ["", "orders", "revenue"],
                    [
                        ["Direct (in-session)", fmt(c.direct_orders), fmt(c.direct_revenue)],
                        ["Assisted", fmt(c.assisted_orders), fmt(c.assisted_revenue)],
                    ],
                )
            )
    err = r.errors
    if err.failed_to_send:
        blocks.append(
            (
                "Failed to send, by reason",
                ["reason", "messages", "events", "category"],
                [
                    [row.reason, fmt(row.messages), fmt(row.events), fmt(row.category)]
                    for row in err.failed_to_send
                ],
            )
        )
    if err.failed_to_deliver:
        blocks.append(
            (
                "Not delivered, by reason",
                ["reason", "messages", "share of sent", "category"],
                [
                    [row.reason, fmt(row.messages), fmt(row.share, pct=True), fmt(row.category)]
                    for row in err.failed_to_deliver
                ],
            )
        )
    removed = [row for row in err.removed if row.users]
    if removed:
        blocks.append(
            (
                "Removed (users)",
                ["reason", "users"],
                [[row.reason, fmt(row.users)] for row in removed],
            )
        )
    b = r.breakdowns
    if b.locale_variation:
        blocks.append(
            (
                "Locale × variation",
                ["locale", "variation", "delivered", "clicks", "converted", "CVR", "revenue"],
                [
                    [
                        row.locale or "all locales",
                        row.variation or "all",
                        fmt(row.delivered),
                        fmt(row.total_clicks),
                        fmt(row.converted_users),
                        fmt(row.cvr, pct=True),
                        fmt(row.revenue, money=True),
                    ]
                    for row in b.locale_variation
                ],
            )
        )
    if b.send_mode:
        blocks.append(
            (
                "Send mode",
                ["mode", "sent", "delivered", "clickers", "converted"],
                [
                    [
                        m.mode,
                        fmt(m.sent),
                        fmt(m.delivered),
                        fmt(m.unique_clickers),
                        fmt(m.converted_users),
                    ]
                    for m in b.send_mode
                ],
            )
        )
    if b.timezone is not None:
        tz = b.timezone
        blocks.append(
            (
                "Time-zone delivery (sent messages)",
                ["", "messages"],
                [
                    ["user's zone", fmt(tz.user)],
                    ["default zone (lapsed)", fmt(tz.default_lapsed)],
                    ["unknown", fmt(tz.unknown)],
                ],
            )
        )
    if r.uplift is not None:
        lines = []
        if r.uplift.overall is not None:
            lines.append(["overall", verdict(r.uplift.overall)])
        lines += [["variation", verdict(c)] for c in r.uplift.by_variation]
        lines += [["goal", verdict(c)] for c in r.uplift.by_goal]
        if lines:
            blocks.append(("Uplift (B-2, X-3)", ["", "comparison"], lines))
    q = r.data_quality
    quality_rows = [
        [name.replace("_", " "), fmt(getattr(q, name))]
        for name in (
            "duplicates",
            "id_conflicts",
            "delivery_conflicts",
            "send_conflicts",
            "receipts_without_send",
            "receipt_before_send",
            "sent_outside_funnel",
            "ignored_events",
        )
        if getattr(q, name)
    ]
    if q.rejected:
        # the grouping of the command line's summary warning, by the same function
        by_reason = [[f"  rejected: {why}", fmt(n)] for why, n in rejections_by_reason(q.rejected)]
        quality_rows[:0] = [["rejected records", fmt(len(q.rejected))], *by_reason]
    quality_rows += [["warning", w] for w in q.warnings]
    if quality_rows:
        blocks.append(("Data quality", ["", ""], quality_rows))
    return blocks

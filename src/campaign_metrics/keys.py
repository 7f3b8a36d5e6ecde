"""The report's scalar key paths that can be pinned (B-5)."""

from __future__ import annotations

__all__ = ["PINNABLE_KEYS"]

_DELIVERY = (
    "attempted",
    "sent",
    "failed_to_send",
    "awaiting_response",
    "delivered",
    "sent_as_sms",
    "failed_to_deliver",
    "in_transit",
    "sent_rate",
    "delivered_rate",
    "failed_rate",
    "unique_sent_users",
    "unique_delivered_users",
    "total_segments",
    "time_to_deliver.median_s",
    "time_to_deliver.p90_s",
    "time_to_deliver.p99_s",
    "time_to_deliver.young_share",
)
_ENGAGEMENT = (
    "total_clicks",
    "unique_clickers",
    "expired_clicks",
    "ctr",
    "click_to_delivered_rate",
)
_ATTRIBUTION = (
    "converted_users",
    "conversion_events",
    "cvr",
    "revenue",
    "average_order_value",
    "average_revenue_per_user",
)
_CONVERSION = (
    "direct_orders",
    "assisted_orders",
    "direct_revenue",
    "assisted_revenue",
    "shared_conversions",
)
_CONTACTS = (
    "delivered",
    "pending",
    "soft_bounces",
    "hard_bounces",
    "deleted",
    "unsubscribes",
    "suppressed",
)

#: Every report key path a campaign may pin (``"delivery.delivered_rate"``).
PINNABLE_KEYS: frozenset[str] = frozenset(
    [f"delivery.{k}" for k in _DELIVERY]
    + [f"engagement.{k}" for k in _ENGAGEMENT]
    + [
        f"conversion.{t}.{k}"
        for t in ("view_through", "click_through", "in_session")
        for k in _ATTRIBUTION
    ]
    + [f"conversion.{k}" for k in _CONVERSION]
    + [f"contacts.{k}" for k in _CONTACTS]
    + [
        "breakdowns.timezone.user",
        "breakdowns.timezone.default_lapsed",
        "breakdowns.timezone.unknown",
    ]
)

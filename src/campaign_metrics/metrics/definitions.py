"""X-5: the definition of every metric a report or export carries."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..model import Campaign, Channel
from ..report import Definition

__all__ = ["definitions_for"]


def _d(formula: str, numerator: str | None, denominator: str | None, rule: str) -> Definition:
    return Definition(formula=formula, numerator=numerator, denominator=denominator, rule=rule)


def definitions_for(campaign: Campaign) -> Mapping[str, Definition]:
    """The definitions of the report's metrics for this campaign's channel and tracking."""
    tracked = campaign.delivery_tracked
    base = "delivery.delivered" if tracked else "delivery.sent"
    cvr_num = (
        "unique conversions (messages)"
        if campaign.channel is Channel.CONNECTOR
        else "converted users ((user, instance) pairs)"
    )
    cvr_rule = "R-3" if campaign.channel is Channel.CONNECTOR else "R-2"
    defs = {
        "delivery.attempted": _d(
            "messages with any attempted, sent, send_failed, personalization_failed, "
            "skipped or post-send event",
            None,
            None,
            "D-2",
        ),
        "delivery.sent": _d("messages with a 200 send or a post-send event", None, None, "D-1"),
        "delivery.failed_to_send": _d(
            "Attempted messages not Sent with a failure event", None, None, "D-3"
        ),
        "delivery.awaiting_response": _d("Attempted − Sent − Failed to send", None, None, "D-4"),
        "delivery.delivered": _d(
            "Sent messages with a delivery receipt, not Sent as SMS", None, None, "D-5, D-6"
        ),
        "delivery.sent_as_sms": _d("Sent messages with an sms_fallback", None, None, "D-6"),
        "delivery.failed_to_deliver": _d(
            "Sent messages whose outcome is Deleted, Hard/Soft bounce or Delivery failed",
            None,
            None,
            "D-9, D-11",
        ),
        "delivery.in_transit": _d("Sent messages with no outcome yet", None, None, "X-1"),
        "delivery.sent_rate": _d(
            "Sent / Attempted × 100", "delivery.sent", "delivery.attempted", "D-4"
        ),
        "delivery.delivered_rate": _d(
            "Delivered / Sent × 100", "delivery.delivered", "delivery.sent", "D-5"
        ),
        "delivery.failed_rate": _d(
            "Failed to send / Attempted × 100",
            "delivery.failed_to_send",
            "delivery.attempted",
            "D-4",
        ),
        "delivery.total_segments": _d("sum of segments over Sent messages", None, None, "O-5, D-1"),
        "delivery.time_to_deliver": _d(
            "earliest receipt − send instant over Delivered messages; nearest rank",
            None,
            None,
            "X-2",
        ),
        "engagement.total_clicks": _d(
            "non-expired click events of Sent messages", None, None, "K-1, K-2, K-3"
        ),
        "engagement.unique_clickers": _d("messages with a counted click", None, None, "K-3"),
        "engagement.expired_clicks": _d("clicks later than send + 360 h", None, None, "K-2"),
        "engagement.ctr": _d(
            f"Total clicks / {'Delivered' if tracked else 'Sent'} × 100",
            "engagement.total_clicks",
            base,
            "R-1",
        ),
        "engagement.click_to_delivered_rate": _d(
            "Delivered messages with a counted click / Delivered × 100",
            "delivered messages with a click",
            "delivery.delivered",
            "R-5",
        ),
        "conversion.converted_users": _d(
            "distinct (user, instance) pairs with an attributed primary-goal conversion",
            None,
            None,
            "A-8",
        ),
        "conversion.conversion_events": _d(
            "attributed primary-goal events, each once per campaign", None, None, "A-9"
        ),
        "conversion.cvr": _d(
            f"{cvr_num} / {'Delivered' if tracked else 'Sent'} × 100",
            "conversion.converted_users",
            base,
            cvr_rule,
        ),
        "conversion.revenue": _d(
            "sum of order values of attributed primary-goal events", None, None, "A-11"
        ),
        "conversion.average_order_value": _d(
            "Total revenue / conversion events, half-even to cents",
            "conversion.revenue",
            "conversion.conversion_events",
            "A-11",
        ),
        "conversion.average_revenue_per_user": _d(
            "Total revenue / converted users, half-even to cents",
            "conversion.revenue",
            "conversion.converted_users",
            "A-11",
        ),
        "conversion.direct_orders": _d("in-session primary-goal conversions", None, None, "A-13"),
        "conversion.assisted_orders": _d(
            "view-through or click-through primary-goal conversions not in-session",
            None,
            None,
            "A-13",
        ),
        "conversion.shared_conversions": _d(
            "attributed primary-goal events another campaign of the run also claims",
            None,
            None,
            "X-8",
        ),
        "errors.failed_to_deliver.share": _d(
            "messages of the row / Sent × 100", "messages", "delivery.sent", "E-3"
        ),
        "contacts": _d("users by the outcome of their latest sent message", None, None, "O-1..O-3"),
    }
    return MappingProxyType(defs)

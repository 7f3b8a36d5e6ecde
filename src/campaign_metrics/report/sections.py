"""The report's typed sections: frozen attrs classes, one per part of FORMATS.md's
JSON report (:class:`~campaign_metrics.report.Report` holds them)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

__all__ = [
    "AttributionResult",
    "Breakdowns",
    "ContactsSection",
    "ContentApiRow",
    "ConversionSection",
    "Count",
    "DailyRow",
    "DataQuality",
    "Definition",
    "DeliverySection",
    "EngagementSection",
    "ErrorsSection",
    "FailedToDeliverRow",
    "FailedToSendRow",
    "FunnelStage",
    "GoalResult",
    "LocaleVariationRow",
    "Money",
    "Parameters",
    "PersonalizationSection",
    "Rate",
    "RejectedRow",
    "RemovedRow",
    "SendModeRow",
    "TimeToDeliver",
    "Timeline",
    "TimezoneSection",
    "Uplift",
]


Rate = float | None
Count = int | None
Money = Decimal | None


@attrs.frozen(slots=True, kw_only=True)
class Parameters:
    """X-5: the parameters a report was computed with."""

    attribution_type: str
    attribution_window_hours: Decimal
    as_of: str | None
    time_zone: str
    date_range: Mapping[str, str] | None
    campaigns_in_run: tuple[str, ...]
    versions: Mapping[str, str]


@attrs.frozen(slots=True, kw_only=True)
class TimeToDeliver:
    """X-2: earliest receipt − send instant over Delivered messages (seconds)."""

    median_s: float | None = None
    p90_s: float | None = None
    p99_s: float | None = None
    young_share: Rate = None


@attrs.frozen(slots=True, kw_only=True)
class DeliverySection:
    """D-1..D-12, X-1, X-2."""

    attempted: int
    sent: int
    failed_to_send: int
    awaiting_response: int
    delivered: Count
    sent_as_sms: Count
    failed_to_deliver: Count
    in_transit: Count
    sent_rate: Rate
    delivered_rate: Rate
    failed_rate: Rate
    unique_sent_users: int
    unique_delivered_users: Count
    total_segments: int
    time_to_deliver: TimeToDeliver


@attrs.frozen(slots=True, kw_only=True)
class EngagementSection:
    """K-1..K-3, R-1, R-5."""

    total_clicks: Count
    unique_clickers: Count
    expired_clicks: Count
    ctr: Rate
    click_to_delivered_rate: Rate
    #: messages with a provider's read receipt (Twilio ``read``), ``None`` unless a
    #: provider log was read (``--provider``)
    reads: Count = None


@attrs.frozen(slots=True, kw_only=True)
class GoalResult:
    """A-10: one goal's conversions."""

    name: str
    primary: bool
    total_conversions: int
    unique_conversions: int
    revenue: Money


@attrs.frozen(slots=True, kw_only=True)
class AttributionResult:
    """A-3..A-11: conversions under one attribution type."""

    converted_users: Count = None
    conversion_events: Count = None
    cvr: Rate = None
    revenue: Money = None
    average_order_value: Money = None
    average_revenue_per_user: Money = None
    goals: tuple[GoalResult, ...] = ()  # a list-shaped key: empty, never null


@attrs.frozen(slots=True, kw_only=True)
class ConversionSection:
    """A, X-8: every attribution type, direct and assisted, shared conversions."""

    view_through: AttributionResult
    click_through: AttributionResult
    in_session: AttributionResult
    direct_orders: Count
    assisted_orders: Count
    direct_revenue: Money
    assisted_revenue: Money
    shared_conversions: Count

    def for_type(self, attribution_type: str) -> AttributionResult:
        """The result of one attribution type by name."""
        result: AttributionResult = getattr(self, attribution_type)
        return result


@attrs.frozen(slots=True, kw_only=True)
class FunnelStage:
    """F-1..F-3: one funnel stage (users)."""

    stage: str
    users: Count
    removed: Count


@attrs.frozen(slots=True, kw_only=True)
class FailedToSendRow:
    """E-1: one failed-to-send reason."""

    reason: str
    events: int
    messages: int
    category: str | None
    transient: bool | None


@attrs.frozen(slots=True, kw_only=True)
class RemovedRow:
    """E-1: users removed by frequency capping or the control group."""

    reason: str
    users: int


@attrs.frozen(slots=True, kw_only=True)
class PersonalizationSection:
    """E-2."""

    unique_messages: int
    by_category: Mapping[str, int]


@attrs.frozen(slots=True, kw_only=True)
class FailedToDeliverRow:
    """E-3: one failed-to-deliver reason (messages; share of Sent)."""

    reason: str
    messages: int
    share: Rate
    category: str | None
    transient: bool | None


@attrs.frozen(slots=True, kw_only=True)
class ContentApiRow:
    """E-4."""

    status_code: int | None
    count: int


@attrs.frozen(slots=True, kw_only=True)
class ErrorsSection:
    """E-1..E-4."""

    failed_to_send: tuple[FailedToSendRow, ...]
    removed: tuple[RemovedRow, ...]
    personalization: PersonalizationSection
    failed_to_deliver: tuple[FailedToDeliverRow, ...]
    content_api: tuple[ContentApiRow, ...]


@attrs.frozen(slots=True, kw_only=True)
class ContactsSection:
    """O-1..O-3 (users)."""

    delivered: Count = None
    pending: Count = None
    soft_bounces: Count = None
    hard_bounces: Count = None
    deleted: Count = None
    unsubscribes: Count = None
    suppressed: Count = None


@attrs.frozen(slots=True, kw_only=True)
class LocaleVariationRow:
    """B-1: one (locale, variation) row; ``None`` locale is all locales."""

    locale: str | None
    variation: str | None
    attempted: Count
    sent: Count
    failed_to_send: Count
    delivered: Count
    total_clicks: Count
    unique_clickers: Count
    converted_users: Count
    conversion_events: Count
    cvr: Rate
    revenue: Money
    goals: tuple[GoalResult, ...]


@attrs.frozen(slots=True, kw_only=True)
class SendModeRow:
    """B-3."""

    mode: str
    sent: int
    delivered: Count
    unique_clickers: Count
    converted_users: Count


@attrs.frozen(slots=True, kw_only=True)
class TimezoneSection:
    """B-4 (Sent messages)."""

    user: int
    default_lapsed: int
    unknown: int


@attrs.frozen(slots=True, kw_only=True)
class Breakdowns:
    """B-1, B-3, B-4."""

    locale_variation: tuple[LocaleVariationRow, ...] | None = None
    send_mode: tuple[SendModeRow, ...] | None = None
    timezone: TimezoneSection | None = None


@attrs.frozen(slots=True, kw_only=True)
class Uplift:
    """B-2, X-3: comparisons with their statistics (see :mod:`campaign_metrics.stats`)."""

    overall: Any
    by_variation: tuple[Any, ...]
    by_goal: tuple[Any, ...]


@attrs.frozen(slots=True, kw_only=True)
class DailyRow:
    """T-1: one calendar day of the app's time zone."""

    date: str
    sent: int
    delivered: Count
    total_clicks: Count
    conversion_events: Count
    revenue: Money


@attrs.frozen(slots=True, kw_only=True)
class Timeline:
    """T-2: instants in the app's zone and step durations."""

    segmentation_started: str | None = None
    segmentation_completed: str | None = None
    campaign_ready: str | None = None
    first_sent: str | None = None
    last_sent: str | None = None
    durations_s: Mapping[str, float | None] = attrs.field(
        factory=lambda: {
            "segmentation": None,
            "preparation": None,
            "to_first_send": None,
            "sending": None,
        }
    )


@attrs.frozen(slots=True, kw_only=True)
class RejectedRow:
    """A record lenient mode did not accept."""

    file: str
    line: int | None
    field: str | None
    reason: str


@attrs.frozen(slots=True, kw_only=True)
class DataQuality:
    """D-10..D-12, F-3, CH-2: what the data itself got wrong, nothing dropped silently."""

    rejected: tuple[RejectedRow, ...]
    duplicates: int
    id_conflicts: int
    delivery_conflicts: int
    send_conflicts: int
    receipts_without_send: int
    receipt_before_send: int
    sent_outside_funnel: int
    ignored_events: int
    warnings: tuple[str, ...]


@attrs.frozen(slots=True, kw_only=True)
class Definition:
    """X-5: how a metric is computed."""

    formula: str
    numerator: str | None
    denominator: str | None
    rule: str

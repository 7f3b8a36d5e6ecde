"""The immutable report: typed sections with attribute access.

``Report.to_dict()`` is exactly one object of FORMATS.md's JSON report: every key is
present (a section whose metrics are not tracked holds ``None``), counts are ``int``,
rates unrounded ``float`` percentages or ``None``, money exact :class:`~decimal.Decimal`
and instants ISO-8601 strings in the app's time zone. :func:`dumps` writes the JSON
with money as exact numbers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .canonical import plain_decimal

__all__ = [
    "AttributionResult",
    "Breakdowns",
    "ContactsSection",
    "ContentApiRow",
    "ConversionSection",
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
    "Parameters",
    "PersonalizationSection",
    "RemovedRow",
    "Report",
    "SendModeRow",
    "TimeToDeliver",
    "Timeline",
    "TimezoneSection",
    "Uplift",
    "dumps",
    "to_jsonable",
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


@attrs.frozen(slots=True, kw_only=True)
class Report:
    """One campaign's report (FORMATS.md). Immutable; ``to_dict()`` is its JSON object."""

    campaign_id: str
    name: str
    channel: str
    as_of: str | None
    parameters: Parameters
    delivery: DeliverySection
    engagement: EngagementSection
    conversion: ConversionSection
    funnel: tuple[FunnelStage, ...]
    errors: ErrorsSection
    contacts: ContactsSection
    breakdowns: Breakdowns
    uplift: Uplift | None
    daily: tuple[DailyRow, ...] | None
    timeline: Timeline
    data_quality: DataQuality
    definitions: Mapping[str, Definition]
    #: the run the report was computed from (for run-wide views such as the overview);
    #: not part of the JSON report, equality or repr
    _source: Any = attrs.field(default=None, eq=False, repr=False, alias="source")

    def to_dict(self) -> dict[str, Any]:
        """Exactly one object of FORMATS.md's JSON report (money as ``Decimal``)."""
        result: dict[str, Any] = to_jsonable(self)
        return result

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (money written exactly)."""
        return dumps(self.to_dict(), indent=indent)

    def get(self, path: str) -> Any:
        """The value at a dotted key path of :meth:`to_dict` (``"delivery.sent_rate"``)."""
        node: Any = self.to_dict()
        for part in path.split("."):
            node = node[part]
        return node

    def _repr_html_(self) -> str:
        from .render import report_html

        return report_html(self)

    def to_pandas(self, section: str) -> Any:
        """One list-shaped section of the report as a tidy pandas DataFrame (extra
        ``pandas``).

        ``section`` is a dotted path of :data:`campaign_metrics.pandas.SECTIONS`:
        ``"funnel"``, ``"daily"``, ``"conversion"``, ``"conversion.goals"``,
        ``"errors.failed_to_send"``, ``"errors.failed_to_deliver"``,
        ``"errors.removed"``, ``"errors.content_api"``,
        ``"breakdowns.locale_variation"``, ``"breakdowns.locale_variation.goals"``,
        ``"breakdowns.send_mode"``, ``"breakdowns.timezone"``, ``"uplift"``,
        ``"data_quality.rejected"`` or ``"definitions"``; another name raises
        :class:`~campaign_metrics.ConfigurationError` (a ``ValueError``) listing them.

        The frame has a ``campaign_id`` column, then the section's keys. Counts are
        nullable ``Int64`` (``<NA>`` where not tracked), rates ``Float64``, text
        ``string``, flags ``boolean``, ``daily.date`` a ``datetime64``; money columns
        hold the report's exact ``decimal.Decimal`` values (``object`` dtype), so sums
        stay exact (``.astype(float)`` for float arithmetic). Without pandas it raises
        :class:`~campaign_metrics.MissingDependencyError` naming
        ``pip install 'campaign-metrics[pandas]'``.

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> r.to_pandas("funnel")[["stage", "users"]].values.tolist()[:2]
        [['valid_mobile_numbers', 1488], ['after_fc_removal', 1488]]
        """
        from .pandas import section_frame

        return section_frame([self], section)

    def plot_funnel(self, ax: Any = None) -> Any:
        """F-1..F-3: the funnel stages as bars of users; returns the matplotlib ``Axes``
        (extra ``plot``; see :func:`campaign_metrics.plot.plot_funnel`).

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> r.plot_funnel().get_ylabel()
        'users'
        """
        from .plot import plot_funnel

        return plot_funnel(self, ax=ax)

    def plot_daily(self, metrics: Sequence[str] | None = None, ax: Any = None) -> Any:
        """T-1: one line per daily metric (default: the tracked ones of ``sent``,
        ``delivered``, ``total_clicks``, ``conversion_events``); returns the matplotlib
        ``Axes`` (extra ``plot``; see :func:`campaign_metrics.plot.plot_daily`).

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> [line.get_label() for line in r.plot_daily(["sent", "delivered"]).get_lines()]
        ['sent', 'delivered']
        """
        from .plot import plot_daily

        return plot_daily(self, metrics=metrics, ax=ax)

    def plot_outcomes(self, ax: Any = None) -> Any:
        """X-1: the outcomes of Sent messages (delivered, sent as SMS, failed to deliver,
        in transit: they add up to Sent) as bars; returns the matplotlib ``Axes`` (extra
        ``plot``; see :func:`campaign_metrics.plot.plot_outcomes`).

        >>> import campaign_metrics as cm
        >>> [r] = cm.analyze("examples/sms_weekly_digest")
        >>> [int(bar.get_height()) for bar in r.plot_outcomes().patches]
        [4039, 0, 147, 35]
        """
        from .plot import plot_outcomes

        return plot_outcomes(self, ax=ax)


def to_jsonable(value: Any) -> Any:
    """A plain JSON-ready structure: attrs classes become dicts, tuples lists."""
    if attrs.has(type(value)):
        to_dict = getattr(value, "to_dict", None)
        if to_dict is not None and not isinstance(value, Report):
            return to_jsonable(to_dict())
        return {
            a.name: to_jsonable(getattr(value, a.name))
            for a in attrs.fields(type(value))
            if not a.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def _encode(value: Any, indent: int | None, level: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "null"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
    end = "" if indent is None else "\n" + " " * (indent * level)
    sep = ","
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        colon = ":" if indent is None else ": "
        items = [
            pad + json.dumps(str(k), ensure_ascii=False) + colon + _encode(v, indent, level + 1)
            for k, v in value.items()
        ]
        return "{" + sep.join(items) + end + "}"
    if isinstance(value, Sequence):
        if not value:
            return "[]"
        return "[" + sep.join(pad + _encode(v, indent, level + 1) for v in value) + end + "]"
    raise TypeError(f"not JSON serialisable: {value!r}")


def dumps(value: Any, indent: int | None = 2) -> str:
    """JSON text of a report structure; ``Decimal`` money is written as an exact number."""
    return _encode(to_jsonable(value), indent, 0)

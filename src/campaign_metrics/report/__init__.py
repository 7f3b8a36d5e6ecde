"""The immutable report: typed sections with attribute access.

``Report.to_dict()`` is exactly one object of FORMATS.md's JSON report: every key is
present (a section whose metrics are not tracked holds ``None``), counts are ``int``,
rates unrounded ``float`` percentages or ``None``, money exact :class:`~decimal.Decimal`
and instants ISO-8601 strings in the app's time zone. :func:`dumps` writes the JSON
with money as exact numbers.
"""

from __future__ import annotations

from .document import Report
from .jsonable import _encode as _encode
from .jsonable import dumps, to_jsonable
from .rejections import rejected_summary, rejection_reason, rejections_by_reason
from .sections import (
    AttributionResult,
    Breakdowns,
    ContactsSection,
    ContentApiRow,
    ConversionSection,
    DailyRow,
    DataQuality,
    Definition,
    DeliverySection,
    EngagementSection,
    ErrorsSection,
    FailedToDeliverRow,
    FailedToSendRow,
    FunnelStage,
    GoalResult,
    LocaleVariationRow,
    Parameters,
    PersonalizationSection,
    RemovedRow,
    SendModeRow,
    Timeline,
    TimeToDeliver,
    TimezoneSection,
    Uplift,
)
from .sections import Count as Count
from .sections import Money as Money
from .sections import Rate as Rate
from .sections import RejectedRow as RejectedRow

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
    "rejected_summary",
    "rejection_reason",
    "rejections_by_reason",
    "to_jsonable",
]

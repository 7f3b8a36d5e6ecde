"""campaign_metrics: exact, order-free analytics for SMS, MMS and connector campaigns."""

__version__ = "0.1.0"

from .api import CampaignInput, analyze, load_run
from .engine import CampaignAccumulator, ConversionPool, RejectedRecord, RunAccumulator
from .errors import (
    CampaignMetricsError,
    ConfigurationError,
    InputError,
    InvalidTransition,
    MergeError,
    MissingDependencyError,
)
from .model import (
    AttributionType,
    Campaign,
    CampaignStatus,
    Channel,
    ConversionEvent,
    DeliveryType,
    EventType,
    FilterOp,
    Goal,
    GoalFilter,
    Group,
    MessageEvent,
    PersonalizationCategory,
    Provider,
    Recipient,
    SendMode,
    SkipReason,
    TzMode,
)

from .report import Report, dumps
from .segments import SegmentCount, count_segments
from .taxonomy import ErrorCategory, ErrorClass, classify_error

__all__ = [
    "AttributionType",
    "Campaign",
    "CampaignAccumulator",
    "CampaignInput",
    "CampaignMetricsError",
    "CampaignStatus",
    "Channel",
    "ConfigurationError",
    "ConversionEvent",
    "ConversionPool",
    "DeliveryType",
    "ErrorCategory",
    "ErrorClass",
    "EventType",
    "FilterOp",
    "Goal",
    "GoalFilter",
    "Group",
    "InputError",
    "InvalidTransition",
    "MergeError",
    "MessageEvent",
    "MissingDependencyError",
    "PersonalizationCategory",
    "Provider",
    "Recipient",
    "RejectedRecord",
    "Report",
    "RunAccumulator",
    "SegmentCount",
    "SendMode",
    "SkipReason",
    "TzMode",
    "__version__",
    "analyze",
    "classify_error",
    "count_segments",
    "dumps",
    "load_run",
]

"""Frozen domain types: the campaign, its goals, recipients and events.

Every class is a frozen, slotted attrs class validated at construction, so an invalid
object cannot exist. ``from_dict`` class methods read the file forms of FORMATS.md.
"""

from __future__ import annotations

from .campaign import Campaign
from .conversions import CONVERSION_KEYS as CONVERSION_KEYS
from .conversions import ConversionEvent
from .conversions import conversion_from_mapping as conversion_from_mapping
from .enums import (
    MMS_MAX_WINDOW_HOURS,
    AttributionType,
    CampaignStatus,
    Channel,
    DeliveryType,
    EventType,
    FilterOp,
    Group,
    PersonalizationCategory,
    Provider,
    SendMode,
    SkipReason,
    TzMode,
)
from .events import (
    COMMON_KEYS as COMMON_KEYS,
)
from .events import (
    EVENT_COLUMNS as EVENT_COLUMNS,
)
from .events import (
    EXTRA_FIELDS as EXTRA_FIELDS,
)
from .events import (
    EXTRA_KEYS as EXTRA_KEYS,
)
from .events import (
    MessageEvent,
)
from .events import (
    event_from_mapping as event_from_mapping,
)
from .goals import Goal, GoalFilter
from .recipients import Recipient
from .recipients import _checked_recipient as _checked_recipient
from .values import FrozenMapping as FrozenMapping
from .values import _freeze_json as _freeze_json

__all__ = [
    "MMS_MAX_WINDOW_HOURS",
    "AttributionType",
    "Campaign",
    "CampaignStatus",
    "Channel",
    "ConversionEvent",
    "DeliveryType",
    "EventType",
    "FilterOp",
    "Goal",
    "GoalFilter",
    "Group",
    "MessageEvent",
    "PersonalizationCategory",
    "Provider",
    "Recipient",
    "SendMode",
    "SkipReason",
    "TzMode",
]

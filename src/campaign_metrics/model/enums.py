"""The enumerations and limits of the campaign and its events."""

from __future__ import annotations

import enum

#: A-2: an MMS attribution window may be at most 7 days.
MMS_MAX_WINDOW_HOURS = 168
#: A-2: the default window for every channel.
DEFAULT_WINDOW_HOURS = 36
#: X-2: the default carrier validity period.
DEFAULT_VALIDITY_HOURS = 72


class _StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class Channel(_StrEnum):
    """CH-1."""

    SMS = "sms"
    MMS = "mms"
    CONNECTOR = "connector"


class Provider(_StrEnum):
    """CH-2."""

    INTEGRATED = "integrated"
    CUSTOM = "custom"


class DeliveryType(_StrEnum):
    """CH-4."""

    ONE_TIME = "one_time"
    PERIODIC = "periodic"
    ACTIVE = "active"


class AttributionType(_StrEnum):
    """A-3..A-5, A-12."""

    VIEW_THROUGH = "view_through"
    CLICK_THROUGH = "click_through"
    IN_SESSION = "in_session"


class CampaignStatus(_StrEnum):
    """S-1 (``under_review`` and ``rejected`` only with the approval workflow)."""

    ACTIVE = "active"
    EXPIRED = "expired"
    NOT_SENT = "not_sent"
    PAUSED = "paused"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    STOPPED = "stopped"
    UNDER_REVIEW = "under_review"
    REJECTED = "rejected"


class EventType(_StrEnum):
    """The ``type`` of a message event (FORMATS.md)."""

    ATTEMPTED = "attempted"
    FC_REMOVED = "fc_removed"
    CONTROL_REMOVED = "control_removed"
    PERSONALIZATION_FAILED = "personalization_failed"
    SKIPPED = "skipped"
    SENT = "sent"
    SEND_FAILED = "send_failed"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    SMS_FALLBACK = "sms_fallback"
    SOFT_BOUNCE = "soft_bounce"
    HARD_BOUNCE = "hard_bounce"
    DELETED = "deleted"
    CLICKED = "clicked"
    UNSUBSCRIBED = "unsubscribed"
    CONTENT_API_ERROR = "content_api_error"
    SEGMENTATION_STARTED = "segmentation_started"
    SEGMENTATION_COMPLETED = "segmentation_completed"
    CAMPAIGN_READY = "campaign_ready"

    @property
    def is_timeline(self) -> bool:
        """T-2 events carry no user."""
        return self in _TIMELINE

    @property
    def is_delivery_outcome(self) -> bool:
        """CH-2: the events a sent-only campaign ignores."""
        return self in _DELIVERY_OUTCOMES


_TIMELINE = frozenset(
    {EventType.SEGMENTATION_STARTED, EventType.SEGMENTATION_COMPLETED, EventType.CAMPAIGN_READY}
)
_DELIVERY_OUTCOMES = frozenset(
    {
        EventType.DELIVERED,
        EventType.DELIVERY_FAILED,
        EventType.SMS_FALLBACK,
        EventType.SOFT_BOUNCE,
        EventType.HARD_BOUNCE,
        EventType.DELETED,
    }
)


class SendMode(_StrEnum):
    """B-3."""

    BTS = "bts"
    DEFAULT = "default"
    MOST_ACTIVE = "most_active"


class TzMode(_StrEnum):
    """B-4."""

    USER = "user"
    DEFAULT_LAPSED = "default_lapsed"


class PersonalizationCategory(_StrEnum):
    """E-2."""

    USER_ATTRIBUTE = "user_attribute"
    EVENT_ATTRIBUTE = "event_attribute"
    CAMPAIGN_ATTRIBUTE = "campaign_attribute"
    UNDEFINED = "undefined"
    OTHER = "other"


class SkipReason(_StrEnum):
    """O-6."""

    SKIPPED_NO_CONTENT = "SkippedNoContent"
    SKIPPED_HYPERSONALIZATION = "SkippedHypersonalization"
    FAILED_HYPERSONALIZATION = "FailedHypersonalization"
    CONTENT_TOO_LONG = "ContentTooLong"


class Group(_StrEnum):
    """B-2: a recipient's group."""

    TARGET = "target"
    CONTROL = "control"


class FilterOp(_StrEnum):
    """A goal filter's operator (FORMATS.md)."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"


# --------------------------------------------------------------------------- helpers

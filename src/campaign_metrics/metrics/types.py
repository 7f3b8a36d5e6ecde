"""The public, frozen values the metric functions read: a message as of an instant.

A :class:`MessageView` is one message — a (user, instance) pair — as it stands at the
report's as-of instant (D-7): whether it was Attempted and Sent, when, its one delivery
outcome (D-11), its counted clicks (K-2) and the rarer facts (failures, removals). The
engine makes them (``campaign_metrics.engine.resolve``); a backend that keeps its own
store makes them directly and calls the functions of :mod:`campaign_metrics.metrics`.

>>> v = MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=5)
>>> v.delivered, v.segments, v.send_mode
(True, 0, 'default')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import attrs

from ..identity import RejectedRecord
from ..model import Campaign, Recipient

__all__ = [
    "CLICK_EXPIRY_US",
    "OUTCOME_RANK",
    "CampaignFacts",
    "ConversionFacts",
    "ConversionRecord",
    "FailRecord",
    "MessageView",
    "Outcome",
    "OutcomeRecord",
    "RareFacts",
    "SendTail",
]

#: K-2: tracked URLs expire 360 hours after sending.
CLICK_EXPIRY_US = 360 * 3_600_000_000

#: D-11: the rank of each delivery-failure type (higher wins).
OUTCOME_RANK = {"deleted": 4, "hard_bounce": 3, "soft_bounce": 2, "delivery_failed": 2}

# A failure-to-send record: (time, kind, reason_key, category, error_code, reason, digest)
# kind is one of "response", "send_failed", "personalization_failed", "skipped".
FailRecord = tuple[int, str, str, str | None, str | None, str | None, bytes]
# A delivery-failure record: (time, type, event_id, reason, error_code, digest)
OutcomeRecord = tuple[int, str, str | None, str | None, str | None, bytes]
# The fields of a send after its time and id: (response_code, segments, send_mode, tz_mode)
SendTail = tuple[int | None, int | None, str | None, str | None]
#: A user's conversion: (time µs, name, revenue, properties, event_id, 16-byte D-10 pair)
ConversionRecord = tuple[int, str, Decimal | None, Any, str | None, bytes]


class Outcome:
    """D-11 / X-1: the one outcome of a Sent message."""

    SENT_AS_SMS = "sent_as_sms"
    DELIVERED = "delivered"
    FAILED = "failed"
    IN_TRANSIT = "in_transit"
    PENDING = "pending_delivery_confirmation"  # D-8: sent-only SMS/MMS
    NONE = "none"  # a connector: no delivery outcome at all


# the yes/no facts of a view, one small int
_FAILED_TO_SEND = 1
_SEND_CONFLICT = 2
_DELIVERY_CONFLICT = 4
_RECEIPT_WITHOUT_SEND = 8
_RECEIPT_BEFORE_SEND = 16
_FC_REMOVED = 32
_CTRL_REMOVED = 64


class RareFacts(NamedTuple):
    """The facts few messages have: failures, removals, expired clicks."""

    fails: tuple[FailRecord, ...] = ()  # D-3, E-1, E-2: failures to send as of T
    outcomes: tuple[OutcomeRecord, ...] = ()  # D-9, D-11: delivery failures as of T
    outcome_event: OutcomeRecord | None = None  # D-11: the failure that decides
    expired_clicks: int = 0  # K-2
    ctrl_us: int | None = None  # B-2, E-1: the control-group removal


_NO_RARE = RareFacts()


class MessageView(NamedTuple):
    """One message ((user, instance) pair) as of the report's instant (D-7); frozen.

    Compact: a million of them exist at once while a report is built, so the rarely set
    facts share one :class:`RareFacts` by default and the yes/no facts are one int
    (read them through the properties).
    """

    user_id: str
    instance_id: str | None
    attempted: bool = False  # D-2
    sent: bool = False  # D-1, D-12
    first_d2: int | None = None  # D-2: the earliest event that makes it Attempted
    send_us: int | None = None  # D-1: the send instant, when Sent
    receipt_us: int | None = None  # D-5, A-2: the earliest receipt as of T (tracked)
    # the 200 send at or before the instant: (code, segments, send_mode, tz_mode)
    send: SendTail | None = None
    outcome: str = Outcome.NONE  # D-11
    clicks: tuple[int, ...] = ()  # K-1..K-3: the counted clicks' instants, in order
    flags: int = 0
    rare: RareFacts = _NO_RARE

    @classmethod
    def sent_message(
        cls,
        user_id: str,
        *,
        send_us: int,
        instance_id: str | None = None,
        outcome: str = Outcome.IN_TRANSIT,
        receipt_us: int | None = None,
        send: SendTail | None = (None, None, None, None),
        clicks: tuple[int, ...] = (),
    ) -> MessageView:
        """A plain Attempted-and-Sent message (the common case), for callers that keep
        their own store.

        >>> MessageView.sent_message("u1", send_us=10, clicks=(20,)).clicks
        (20,)
        """
        return cls(
            user_id,
            instance_id,
            True,
            True,
            send_us,
            send_us,
            receipt_us,
            send,
            outcome,
            clicks,
        )

    @property
    def delivered(self) -> bool:
        """D-5, D-6: a receipt and not Sent as SMS."""
        return self.outcome == Outcome.DELIVERED

    @property
    def failed_to_send(self) -> bool:
        """D-3."""
        return bool(self.flags & _FAILED_TO_SEND)

    @property
    def send_conflict(self) -> bool:
        """D-3: Sent with failure events."""
        return bool(self.flags & _SEND_CONFLICT)

    @property
    def delivery_conflict(self) -> bool:
        """D-11: Delivered with failure events."""
        return bool(self.flags & _DELIVERY_CONFLICT)

    @property
    def receipt_without_send(self) -> bool:
        """D-12."""
        return bool(self.flags & _RECEIPT_WITHOUT_SEND)

    @property
    def receipt_before_send(self) -> bool:
        """D-12."""
        return bool(self.flags & _RECEIPT_BEFORE_SEND)

    @property
    def fc_removed(self) -> bool:
        """F-5."""
        return bool(self.flags & _FC_REMOVED)

    @property
    def ctrl_removed(self) -> bool:
        """B-2, E-1."""
        return bool(self.flags & _CTRL_REMOVED)

    @property
    def ctrl_us(self) -> int | None:
        """B-2, E-1: when the message was removed for the control group."""
        return self.rare.ctrl_us

    @property
    def fails(self) -> tuple[FailRecord, ...]:
        """The failure-to-send records at or before the instant."""
        return self.rare.fails

    @property
    def outcomes(self) -> tuple[OutcomeRecord, ...]:
        """The delivery-failure records at or before the instant."""
        return self.rare.outcomes

    @property
    def outcome_event(self) -> OutcomeRecord | None:
        """D-11: the failure that decides a failed message's row."""
        return self.rare.outcome_event

    @property
    def expired_clicks(self) -> int:
        """K-2."""
        return self.rare.expired_clicks

    @property
    def segments(self) -> int:
        """D-1: from the canonical-first earliest 200 send (0 when missing)."""
        return (self.send[1] or 0) if self.send is not None else 0

    @property
    def send_mode(self) -> str:
        """D-1, B-3 (``default`` when missing)."""
        return (self.send[2] or "default") if self.send is not None else "default"

    @property
    def tz_mode(self) -> str | None:
        """D-1, B-4 (``None``: unknown)."""
        return self.send[3] if self.send is not None else None

    @property
    def key(self) -> tuple[str, str | None]:
        """(user id, instance id)."""
        return (self.user_id, self.instance_id)


@attrs.frozen
class CampaignFacts:
    """What a report needs of one campaign besides its messages' views: the campaign,
    its recipients, its campaign-level records and what reading it found (D-10)."""

    campaign: Campaign
    recipients: Mapping[str, Recipient] | None = None
    timeline: Mapping[str, int] = attrs.field(factory=dict)  # T-2: earliest per type
    unsubscribes: frozenset[tuple[str, int, str | None]] = frozenset()  # O-3
    content_api: frozenset[tuple[int, int | None, bytes]] = frozenset()  # E-4
    duplicates: int = 0  # D-10 over the campaign's records and recipients rows
    id_conflicts: int = 0
    ignored_events: int = 0  # CH-2, CH-3
    rejected: tuple[RejectedRecord, ...] = ()
    notes: frozenset[str] = frozenset()  # warnings found while reading


@attrs.frozen
class ConversionFacts:
    """The run's conversions per user (A-6) and what reading them found (D-10)."""

    by_user: Mapping[str, Sequence[ConversionRecord]] = attrs.field(factory=dict)
    duplicates: int = 0
    id_conflicts: int = 0
    rejected: tuple[RejectedRecord, ...] = ()  # conversion files and shared files
    dropped: int = 0  # records of users no campaign of the run reached

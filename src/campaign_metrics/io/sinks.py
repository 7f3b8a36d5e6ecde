"""What the readers fold into: the engine's accumulators, seen from below.

The readers never import the engine; they hand each record's plain values to an object
with these methods (:class:`~campaign_metrics.engine.CampaignAccumulator` and
:class:`~campaign_metrics.engine.ConversionPool` are the ones the library passes).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from ..model import Campaign, ConversionEvent, EventType, MessageEvent

__all__ = ["ConversionSink", "EventSink"]


class EventSink(Protocol):
    """Folds a campaign's message records."""

    @property
    def campaign(self) -> Campaign: ...

    def add(self, event: MessageEvent) -> None:
        """Fold one validated event object (the record-at-a-time path)."""

    def fold_record(
        self,
        user_id: str | None,
        instance_id: str | None,
        etype: EventType,
        t: int,
        event_id: str | None,
        extras: tuple[Any, ...],
        pair: bytes,
    ) -> None:
        """Fold one plainly valid record given as values and its D-10 pair."""

    def count_records(self, records: int, max_time: int | None) -> None:
        """Account for records folded with :meth:`fold_record` (D-7, D-10)."""


class ConversionSink(Protocol):
    """Folds the run's conversion records."""

    def add(self, event: ConversionEvent) -> None:
        """Fold one validated conversion."""

    def fold_keyed(
        self,
        user_id: str,
        name: str,
        t: int,
        revenue: Decimal | None,
        properties: Any,
        event_id: str | None,
        key: str,
    ) -> None:
        """Fold one conversion given as values and its canonical text."""

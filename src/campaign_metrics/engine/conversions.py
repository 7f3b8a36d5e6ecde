"""The run's conversions, per user, deduplicated (D-10), shared by every campaign (A-6)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..canonical import canonical_conversion
from ..identity import RejectedRecord, record_pair
from ..metrics.types import ConversionRecord
from ..model import ConversionEvent
from ..timezones import to_us

__all__ = ["ConversionPool", "ConversionRecord"]


class ConversionPool:
    """The run's conversions, per user, deduplicated (D-10; identity = ``event_id``).

    >>> pool = ConversionPool()
    >>> len(pool)
    0
    """

    __slots__ = ("by_user", "max_time", "records", "rejected")

    def __init__(self) -> None:
        self.by_user: dict[str, list[ConversionRecord]] = {}
        self.records = 0
        self.max_time: int | None = None
        self.rejected: list[RejectedRecord] = []

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_user.values())

    def add(self, event: ConversionEvent) -> None:
        """Fold one conversion."""
        self.fold(
            event.user_id,
            event.name,
            to_us(event.time),
            event.revenue,
            event.properties,
            event.event_id,
        )

    def fold(
        self,
        user_id: str,
        name: str,
        t: int,
        revenue: Decimal | None,
        properties: Any,
        event_id: str | None,
    ) -> None:
        """Fold one conversion given as plain values."""
        properties = properties or None
        key = canonical_conversion(
            user_id, name, t, event_id=event_id, revenue=revenue, properties=properties
        )
        self.fold_keyed(user_id, name, t, revenue, properties, event_id, key)

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
        """:meth:`fold` for a caller that has written the canonical form ``key`` and
        gives ``properties`` as ``None`` or a non-empty mapping (the reader's hot path)."""
        self.records += 1
        if self.max_time is None or t > self.max_time:
            self.max_time = t
        digest = record_pair(event_id, key)
        records = self.by_user.get(user_id)
        if records is None:
            self.by_user[user_id] = [(t, name, revenue, properties, event_id, digest)]
            return
        for rec in records:
            if rec[5] == digest:
                return  # D-10
        records.append((t, name, revenue, properties, event_id, digest))

    def merge_in(self, other: ConversionPool) -> None:
        """Absorb ``other`` (in place)."""
        for user, recs in other.by_user.items():
            mine = self.by_user.get(user)
            if mine is None:
                self.by_user[user] = list(recs)
                continue
            seen = {r[5] for r in mine}
            mine.extend(r for r in recs if r[5] not in seen)
        self.records += other.records
        if other.max_time is not None and (self.max_time is None or other.max_time > self.max_time):
            self.max_time = other.max_time
        self.rejected = sorted(self.rejected + other.rejected, key=RejectedRecord.sort_key)

    def merge(self, other: ConversionPool) -> ConversionPool:
        """A new pool holding both."""
        out = self.copy()
        out.merge_in(other)
        return out

    def copy(self) -> ConversionPool:
        out = ConversionPool()
        out.by_user = {u: list(r) for u, r in self.by_user.items()}
        out.records = self.records
        out.max_time = self.max_time
        out.rejected = list(self.rejected)
        return out

    def drop_users(self, keep: set[str]) -> int:
        """Forget the conversions of users outside ``keep``; returns how many were dropped."""
        dropped = 0
        for user in [u for u in self.by_user if u not in keep]:
            dropped += len(self.by_user.pop(user))
        return dropped

    def distinct(self) -> int:
        return sum(len(v) for v in self.by_user.values())

    def pairs(self) -> Iterable[bytes]:
        for recs in self.by_user.values():
            for r in recs:
                yield r[5]

    def state_key(self) -> tuple[Any, ...]:
        return (
            tuple(
                sorted((u, tuple(sorted(r[5] for r in recs))) for u, recs in self.by_user.items())
            ),
            self.records,
            self.max_time,
            tuple(sorted(r.sort_key() for r in self.rejected)),
        )

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ConversionPool.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

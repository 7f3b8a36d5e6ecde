"""The one pass over every message as of an instant (D-7): state → plain facts and views.

:func:`resolve_run` turns campaigns' states into a
:class:`~campaign_metrics.metrics.assemble.ResolvedRun`, from which the metric functions
build the reports without touching the state again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from ..canonical import canonical_event
from ..gc_pause import paused_gc
from ..identity import PAIR, RejectedRecord, count_distinct_ids
from ..metrics.assemble import ResolvedRun, resolved_run, selected_range
from ..metrics.types import CampaignFacts, ConversionFacts, MessageView, OutcomeRecord
from ..model import Campaign, Channel, Recipient
from ..timezones import to_us
from .as_of import resolve
from .conversions import ConversionPool
from .message import MessageState

__all__ = [
    "FoldedCampaign",
    "as_of_us",
    "campaign_facts",
    "conversion_facts",
    "outcome_canonical",
    "resolve_run",
]


class FoldedCampaign(Protocol):
    """A campaign's folded state, as resolution reads it
    (:class:`~campaign_metrics.engine.CampaignAccumulator`)."""

    campaign: Campaign
    recipients: dict[str, Recipient] | None
    recipient_repeats: tuple[int, int] | None
    messages: dict[Any, MessageState]
    campaign_level: set[bytes]
    ignored_ids: set[bytes]
    timeline: dict[str, int]
    unsubscribes: set[tuple[str, int, str | None]]
    content_api: set[tuple[int, int | None, bytes]]
    records: int
    max_time: int | None
    rejected: list[RejectedRecord]
    notes: set[str]


def campaign_facts(acc: FoldedCampaign, *, count_ids: bool = True) -> CampaignFacts:
    """What a report needs of a campaign besides its views, D-10's counts included:
    per identity, duplicates = records − distinct contents and id_conflicts = distinct
    contents − 1, over every record read (and the recipients rows, FORMATS.md).

    ``count_ids=False`` leaves the records' identities out of ``id_conflicts`` (the
    distributed path counts them by identity, apart: ``engine.partition``)."""
    level = b"".join(sorted(acc.campaign_level))
    states = acc.messages.values()
    distinct = (sum(len(s.pairs) for s in states) + len(level)) // PAIR
    with_id, ids = count_distinct_ids([*(s.pairs for s in states), level]) if count_ids else (0, 0)
    repeated_rows, conflicting_rows = acc.recipient_repeats or (0, 0)
    return CampaignFacts(
        campaign=acc.campaign,
        recipients=acc.recipients,
        timeline=dict(acc.timeline),
        unsubscribes=frozenset(acc.unsubscribes),
        content_api=frozenset(acc.content_api),
        duplicates=acc.records - distinct + repeated_rows,
        id_conflicts=with_id - ids + conflicting_rows,
        ignored_events=len(acc.ignored_ids),
        rejected=tuple(acc.rejected),
        notes=frozenset(acc.notes),
    )


def conversion_facts(
    pool: ConversionPool,
    shared_rejected: Iterable[RejectedRecord] = (),
    dropped: int = 0,
    *,
    count_ids: bool = True,
) -> ConversionFacts:
    """The run's conversions and D-10's counts over them (``count_ids``: as
    :func:`campaign_facts`)."""
    pairs = b"".join(pool.pairs())
    with_id, ids = count_distinct_ids([pairs]) if count_ids else (0, 0)
    return ConversionFacts(
        by_user=pool.by_user,
        duplicates=pool.records - len(pairs) // PAIR,
        id_conflicts=with_id - ids,
        rejected=(*pool.rejected, *shared_rejected),
        dropped=dropped,
    )


def outcome_canonical(campaign_id: str) -> Any:
    def key(record: OutcomeRecord) -> str:
        t, type_, event_id, reason, error_code, _ = record
        return canonical_event(
            campaign_id,
            type_,
            t,
            event_id=event_id,
            extras={"reason": reason, "error_code": error_code},
        )

    return key


def as_of_us(
    campaigns: Sequence[FoldedCampaign], pool: ConversionPool, as_of: dt.datetime | None
) -> int | None:
    """D-7: the given instant, else the latest time of an accepted record of the run."""
    if as_of is not None:
        return to_us(as_of)
    times = [c.max_time for c in campaigns if c.max_time is not None]
    if pool.max_time is not None:
        times.append(pool.max_time)
    return max(times) if times else None


def resolve_run(
    campaigns: Sequence[FoldedCampaign],
    pool: ConversionPool,
    as_of: dt.datetime | None = None,
    *,
    date_range: tuple[dt.date, dt.date] | None = None,
    shared_rejected: Iterable[RejectedRecord] = (),
    dropped_conversions: int = 0,
) -> ResolvedRun:
    """Every campaign as of the instant (D-7), as plain facts and views."""
    t = as_of_us(campaigns, pool, as_of)
    views: list[list[MessageView]] = []
    with paused_gc():
        for acc in campaigns:
            c = acc.campaign
            views.append(
                resolve(
                    acc.messages.items(),
                    t if t is not None else -1,
                    delivery_tracked=c.delivery_tracked,
                    connector=c.channel is Channel.CONNECTOR,
                    selected=selected_range(c, date_range),
                    outcome_canonical=outcome_canonical(c.id),
                )
            )
        return resolved_run(
            [campaign_facts(acc) for acc in campaigns],
            views,
            conversion_facts(pool, shared_rejected, dropped_conversions),
            as_of_us=t,
            date_range=date_range,
        )

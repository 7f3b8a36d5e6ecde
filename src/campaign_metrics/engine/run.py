"""A run: the campaigns read together and the conversions they share (A-6, X-8).

:meth:`RunAccumulator.resolve` is the one pass over every message as of an instant
(D-7): it turns each campaign's state into plain facts and views
(:class:`~campaign_metrics.metrics.assemble.ResolvedRun`), from which the metric
functions build the reports without touching the state again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..canonical import canonical_event
from ..errors import ConfigurationError
from ..gc_pause import paused_gc
from ..identity import PAIR, RejectedRecord, count_distinct_ids
from ..metrics.assemble import (
    ResolvedRun,
    build_reports,
    check_parameters,
    resolved_run,
    selected_range,
)
from ..metrics.types import CampaignFacts, ConversionFacts, MessageView, OutcomeRecord
from ..model import Channel
from ..timezones import to_us
from .as_of import resolve
from .campaign import CampaignAccumulator
from .conversions import ConversionPool

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["RunAccumulator", "campaign_facts", "conversion_facts"]


def campaign_facts(acc: CampaignAccumulator) -> CampaignFacts:
    """What a report needs of a campaign besides its views, D-10's counts included:
    per identity, duplicates = records − distinct contents and id_conflicts = distinct
    contents − 1, over every record read (and the recipients rows, FORMATS.md)."""
    level = b"".join(sorted(acc.campaign_level))
    states = acc.messages.values()
    distinct = (sum(len(s.pairs) for s in states) + len(level)) // PAIR
    with_id, ids = count_distinct_ids([*(s.pairs for s in states), level])
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
    pool: ConversionPool, shared_rejected: Iterable[RejectedRecord] = (), dropped: int = 0
) -> ConversionFacts:
    """The run's conversions and D-10's counts over them."""
    pairs = b"".join(pool.pairs())
    with_id, ids = count_distinct_ids([pairs])
    return ConversionFacts(
        by_user=pool.by_user,
        duplicates=pool.records - len(pairs) // PAIR,
        id_conflicts=with_id - ids,
        rejected=(*pool.rejected, *shared_rejected),
        dropped=dropped,
    )


def _outcome_canonical(campaign_id: str) -> Any:
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


class RunAccumulator:
    """The campaigns of one run and the conversions they share (A-6, X-8)."""

    def __init__(
        self,
        campaigns: Iterable[CampaignAccumulator],
        conversions: ConversionPool | None = None,
        *,
        shared_rejected: Iterable[RejectedRecord] = (),
        dropped_conversions: int = 0,
    ) -> None:
        self.campaigns = list(campaigns)
        ids = [c.campaign.id for c in self.campaigns]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ConfigurationError(f"campaign '{dupes[0]}' appears twice in one run")
        pool = ConversionPool() if conversions is None else conversions.copy()
        for acc in self.campaigns:
            if acc.conversions is not conversions:
                pool.merge_in(acc.conversions)
        self.conversions = pool
        self.shared_rejected = list(shared_rejected)
        self.dropped_conversions = dropped_conversions

    def as_of_us(self, as_of: dt.datetime | None) -> int | None:
        """D-7: the given instant, else the latest time of an accepted record of the run."""
        if as_of is not None:
            return to_us(as_of)
        times = [c.max_time for c in self.campaigns if c.max_time is not None]
        if self.conversions.max_time is not None:
            times.append(self.conversions.max_time)
        return max(times) if times else None

    def resolve(
        self,
        as_of: dt.datetime | None = None,
        *,
        date_range: tuple[dt.date, dt.date] | None = None,
    ) -> ResolvedRun:
        """Every campaign as of the instant (D-7), as plain facts and views."""
        t = self.as_of_us(as_of)
        views: list[list[MessageView]] = []
        with paused_gc():
            for acc in self.campaigns:
                c = acc.campaign
                views.append(
                    resolve(
                        acc.messages.items(),
                        t if t is not None else -1,
                        delivery_tracked=c.delivery_tracked,
                        connector=c.channel is Channel.CONNECTOR,
                        selected=selected_range(c, date_range),
                        outcome_canonical=_outcome_canonical(c.id),
                    )
                )
            return resolved_run(
                [campaign_facts(acc) for acc in self.campaigns],
                views,
                conversion_facts(self.conversions, self.shared_rejected, self.dropped_conversions),
                as_of_us=t,
                date_range=date_range,
            )

    def reports(
        self,
        as_of: dt.datetime | None = None,
        *,
        attribution: str = "view_through",
        date_range: tuple[dt.date, dt.date] | None = None,
    ) -> list[Report]:
        """One report per campaign, in the order given."""
        check_parameters(attribution, date_range)
        resolved = self.resolve(as_of, date_range=date_range)
        with paused_gc():
            return build_reports(resolved, attribution=attribution)

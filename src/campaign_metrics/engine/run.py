"""A run: the campaigns read together and the conversions they share (A-6, X-8).

:meth:`RunAccumulator.resolve` is the one pass over every message as of an instant
(D-7): it turns each campaign's state into plain facts and views
(:class:`~campaign_metrics.metrics.assemble.ResolvedRun`), from which the metric
functions build the reports without touching the state again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import ConfigurationError
from ..gc_pause import paused_gc
from ..identity import RejectedRecord
from ..metrics.assemble import (
    ResolvedRun,
    build_reports,
    check_parameters,
)
from .campaign import CampaignAccumulator
from .conversions import ConversionPool
from .resolution import resolve_run

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["RunAccumulator"]


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

    def resolve(
        self,
        as_of: dt.datetime | None = None,
        *,
        date_range: tuple[dt.date, dt.date] | None = None,
    ) -> ResolvedRun:
        """Every campaign as of the instant (D-7), as plain facts and views."""
        return resolve_run(
            self.campaigns,
            self.conversions,
            as_of,
            date_range=date_range,
            shared_rejected=self.shared_rejected,
            dropped_conversions=self.dropped_conversions,
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

"""A run's report as mergeable partials: every section's tally, per campaign.

:func:`~campaign_metrics.metrics.assemble.run_partial` makes one pass of each section's
rule over a resolved run (or over one part of its users) and keeps what the rule
gathered — counts, sums and the few sets and distributions a rate, a distinct count or
a quantile needs (:mod:`.tallies`). Partials of disjoint sets of users merge exactly
(``+=``); :meth:`RunPartial.reports` turns the merged partial into the reports. The
single-process report is the partial of the whole run, so a distributed run
(``campaign_metrics.dask``) computes the same numbers with the same code.

>>> from campaign_metrics.metrics import CampaignFacts, ConversionFacts, MessageView
>>> from campaign_metrics.metrics import resolved_run, run_partial
>>> from campaign_metrics.model import Campaign
>>> facts = CampaignFacts(Campaign(id="c1", name="Spring", channel="sms"))
>>> a = [MessageView.sent_message("u1", send_us=0, outcome="delivered", receipt_us=3)]
>>> b = [MessageView.sent_message("u2", send_us=0, outcome="in_transit")]
>>> parts = [
...     run_partial(resolved_run([facts], [v], ConversionFacts(), as_of_us=10, date_range=None),
...                 attribution="view_through", first_attempts=[0])
...     for v in (a, b)
... ]
>>> merged = parts[0]
>>> merged += parts[1]
>>> [(r.delivery.sent, r.delivery.delivered_rate) for r in merged.reports()]
[(2, 50.0)]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ..model import Campaign, Channel
from ..report import Parameters, Report
from ..timezones import from_us
from ..version import __version__
from .breakdowns import BreakdownsTally
from .contacts import ContactsTally
from .conversion import ConversionTally
from .daily import DailyTally
from .definitions import definitions_for
from .delivery import DeliveryTally, EngagementTally
from .errors import ErrorsTally
from .funnel import FunnelTally
from .quality import QualityTally, overlap_lines
from .tallies import add_counts, least, most
from .timeline import timeline_of
from .uplift import UpliftTally

__all__ = ["CampaignPartial", "RunPartial"]


def _versions() -> dict[str, str]:
    import phonenumbers

    from ..taxonomy import TAXONOMY_VERSION

    return {
        "campaign_metrics": __version__,
        "error_taxonomy": TAXONOMY_VERSION,
        "phonenumbers": str(getattr(phonenumbers, "__version__", "unknown")),
    }


@attrs.define(slots=True)
class CampaignPartial:
    """One campaign's tallies over some of its users (every section of its report)."""

    campaign: Campaign
    delivery: DeliveryTally
    engagement: EngagementTally
    conversion: ConversionTally
    funnel: FunnelTally
    errors: ErrorsTally
    contacts: ContactsTally
    breakdowns: BreakdownsTally
    uplift: UpliftTally
    daily: DailyTally
    quality: QualityTally
    timeline: dict[str, int] = attrs.field(factory=dict)  # T-2: earliest per step
    first_send: int | None = None
    last_send: int | None = None

    def __iadd__(self, other: CampaignPartial) -> CampaignPartial:
        if other.campaign != self.campaign:
            raise ValueError(
                f"cannot merge partials of campaigns '{self.campaign.id}' and '{other.campaign.id}'"
            )
        for name in _TALLIES:
            mine = getattr(self, name)
            mine += getattr(other, name)
            setattr(self, name, mine)
        for step, t in other.timeline.items():
            self.timeline[step] = least(self.timeline.get(step), t)  # type: ignore[assignment]
        self.first_send = least(self.first_send, other.first_send)
        self.last_send = most(self.last_send, other.last_send)
        return self


_TALLIES = (
    "delivery",
    "engagement",
    "conversion",
    "funnel",
    "errors",
    "contacts",
    "breakdowns",
    "uplift",
    "daily",
    "quality",
)


@attrs.define(slots=True)
class RunPartial:
    """Every campaign's partial and the run-wide counts (X-8 overlaps), with the
    report's parameters (the same in every part of one run)."""

    campaigns: list[CampaignPartial]
    overlaps: dict[tuple[int, int], int]
    as_of_us: int | None
    date_range: tuple[dt.date, dt.date] | None
    attribution: str

    def __iadd__(self, other: RunPartial) -> RunPartial:
        if (
            len(other.campaigns) != len(self.campaigns)
            or other.as_of_us != self.as_of_us
            or other.date_range != self.date_range
            or other.attribution != self.attribution
        ):
            raise ValueError("cannot merge partials of different runs or report parameters")
        for mine, theirs in zip(self.campaigns, other.campaigns):
            mine += theirs
        add_counts(self.overlaps, other.overlaps)
        return self

    def reports(self, *, source: Any = None) -> list[Report]:
        """One report per campaign, in the run's order. ``source`` is the resolved run
        the reports keep for the run-wide views (the contacts list), when there is one."""
        campaigns = [p.campaign for p in self.campaigns]
        ids = tuple(c.id for c in campaigns)
        warnings = overlap_lines(campaigns, self.overlaps)
        versions = _versions()
        return [
            _report(p, self, ids, warnings.get(p.campaign.id, []), versions, source)
            for p in self.campaigns
        ]


def _report(
    p: CampaignPartial,
    run: RunPartial,
    ids: tuple[str, ...],
    extra_warnings: list[str],
    versions: dict[str, str],
    source: Any,
) -> Report:
    c = p.campaign
    as_of_us, date_range = run.as_of_us, run.date_range
    connector = c.channel is Channel.CONNECTOR
    tracked = c.delivery_tracked
    t = as_of_us if as_of_us is not None else 0
    as_of_text = from_us(as_of_us, c.zone).isoformat() if as_of_us is not None else None
    funnel, outside = p.funnel.section(connector=connector, delivery_tracked=tracked)
    uplift, uplift_warnings = p.uplift.section(c)
    parameters = Parameters(
        attribution_type=run.attribution,
        attribution_window_hours=c.attribution_window_hours,
        as_of=as_of_text,
        time_zone=c.app_timezone,
        date_range=None
        if date_range is None
        else {"from": date_range[0].isoformat(), "to": date_range[1].isoformat()},
        campaigns_in_run=ids,
        versions=versions,
    )
    return Report(
        campaign_id=c.id,
        name=c.name,
        channel=c.channel.value,
        as_of=as_of_text,
        parameters=parameters,
        delivery=p.delivery.section(delivery_tracked=tracked),
        engagement=p.engagement.section(delivery_tracked=tracked, click_tracking=c.click_tracking),
        conversion=p.conversion.section(c, selected_type=run.attribution),
        funnel=funnel,
        errors=p.errors.section(connector=connector),
        contacts=p.contacts.section(delivery_tracked=tracked, auto_suppression=c.auto_suppression),
        breakdowns=p.breakdowns.section(c, run.attribution),
        uplift=uplift,
        daily=p.daily.section(c, run.attribution, as_of_us),
        timeline=timeline_of(
            p.timeline, p.first_send, p.last_send, c, t if as_of_us is not None else None
        ),
        data_quality=p.quality.section(
            max_segments=c.max_segments,
            sent_outside_funnel=outside,
            extra_warnings=[*extra_warnings, *uplift_warnings],
        ),
        definitions=definitions_for(c),
        source=source,
    )

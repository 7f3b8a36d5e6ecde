"""Assemble the reports of a run from its accumulators (the pure metric functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import __version__
from .errors import ConfigurationError
from .metrics.attribution import TYPES, Attribution, attribute, conversion_section
from .metrics.breakdowns import breakdowns_section
from .metrics.contacts import ContactFacts, contacts_section, run_contact_facts
from .metrics.daily import daily_section
from .metrics.definitions import definitions_for
from .metrics.delivery import delivery_section, engagement_section
from .metrics.errors import errors_section
from .metrics.funnel import funnel_section
from .metrics.quality import data_quality_section, overlap_warnings
from .metrics.timeline import timeline_section
from .metrics.uplift import uplift_section
from .metrics.views import MessageView, resolve
from .model import Channel
from .report import Parameters, Report
from .timezones import from_us, local_midnight, to_us

if TYPE_CHECKING:
    from .engine import CampaignAccumulator, RunAccumulator

__all__ = ["ResolvedRun", "RunSource", "build_reports", "resolve_as_of", "resolve_run"]


def resolve_as_of(run: RunAccumulator, as_of: dt.datetime | None) -> int | None:
    """D-7: the given instant, else the latest time of an accepted record of the run."""
    if as_of is not None:
        return to_us(as_of)
    times = [c.max_time for c in run.campaigns if c.max_time is not None]
    if run.conversions.max_time is not None:
        times.append(run.conversions.max_time)
    return max(times) if times else None


def _versions() -> dict[str, str]:
    import phonenumbers

    from .taxonomy import TAXONOMY_VERSION

    return {
        "campaign_metrics": __version__,
        "error_taxonomy": TAXONOMY_VERSION,
        "phonenumbers": str(getattr(phonenumbers, "__version__", "unknown")),
    }


def _selected_range(
    acc: CampaignAccumulator, date_range: tuple[dt.date, dt.date] | None
) -> tuple[int, int] | None:
    if date_range is None:
        return None
    start, end = date_range
    zone = acc.campaign.zone
    # T-1: calendar days of the app's zone, inclusive; the end is the next local midnight
    return local_midnight(start, zone), local_midnight(end + dt.timedelta(days=1), zone)


@attrs.frozen
class ResolvedRun:
    """Every campaign of a run as of one instant: views and attributed conversions."""

    run: RunAccumulator
    as_of_us: int | None
    date_range: tuple[dt.date, dt.date] | None
    views: list[list[MessageView]]
    attributions: list[Attribution]


def resolve_run(
    run: RunAccumulator,
    *,
    as_of: dt.datetime | None,
    date_range: tuple[dt.date, dt.date] | None,
) -> ResolvedRun:
    """Resolve every campaign of the run as of the instant (D-7) and attribute (A-6)."""
    t = resolve_as_of(run, as_of)
    as_of_us = t if t is not None else 0
    conversions = run.conversions.by_user
    all_views: list[list[MessageView]] = []
    attributions: list[Attribution] = []
    for acc in run.campaigns:
        c = acc.campaign
        views = resolve(
            acc.messages.items(),
            as_of_us if t is not None else -1,
            delivery_tracked=c.delivery_tracked,
            connector=c.channel is Channel.CONNECTOR,
            selected=_selected_range(acc, date_range),
            outcome_canonical=_outcome_canonical(acc),
        )
        all_views.append(views)
        attributions.append(attribute(views, c, conversions, as_of_us))
    return ResolvedRun(run, t, date_range, all_views, attributions)


@attrs.frozen
class RunSource:
    """What a report was computed from, for run-wide views (overview, contacts)."""

    run: RunAccumulator
    as_of: dt.datetime | None
    attribution: str
    date_range: tuple[dt.date, dt.date] | None

    def resolve(self) -> ResolvedRun:
        return resolve_run(self.run, as_of=self.as_of, date_range=self.date_range)


def build_reports(
    run: RunAccumulator,
    *,
    as_of: dt.datetime | None,
    attribution: str,
    date_range: tuple[dt.date, dt.date] | None,
) -> list[Report]:
    """One report per campaign of the run, in the order given."""
    if attribution not in TYPES:
        raise ConfigurationError(
            f"attribution type must be one of {', '.join(TYPES)} (got {attribution!r})",
            field="attribution",
        )
    if date_range is not None and date_range[0] > date_range[1]:
        raise ConfigurationError(
            f"date range: 'from' {date_range[0]} is after 'to' {date_range[1]}",
            field="date_range",
        )
    resolved = resolve_run(run, as_of=as_of, date_range=date_range)
    t, as_of_us = resolved.as_of_us, resolved.as_of_us or 0
    all_views, attributions = resolved.views, resolved.attributions
    # the primary-goal events each campaign claims under the report's type
    claims: list[set[bytes]] = []
    for acc, attr in zip(run.campaigns, attributions):
        primary = acc.campaign.primary_goal
        claims.append(attr.primary_events(attribution, primary.name) if primary else set())
    warnings_by_campaign = overlap_warnings(run.campaigns, all_views)
    facts = run_contact_facts(run.campaigns, all_views, as_of_us)
    ids = tuple(acc.campaign.id for acc in run.campaigns)
    reports = []
    for i, (acc, views, attr) in enumerate(zip(run.campaigns, all_views, attributions)):
        others: set[bytes] = set()
        for j, claim in enumerate(claims):
            if j != i:
                others |= claim
        reports.append(
            _build_one(
                acc,
                views,
                attr,
                run=run,
                as_of_us=t,
                attribution_type=attribution,
                date_range=date_range,
                campaigns_in_run=ids,
                claimed_elsewhere=others,
                extra_warnings=warnings_by_campaign.get(acc.campaign.id, []),
                facts=facts,
                source=RunSource(run, as_of, attribution, date_range),
            )
        )
    return reports


def _outcome_canonical(acc: CampaignAccumulator) -> Any:
    from .canonical import canonical_event

    campaign_id = acc.campaign.id

    def key(record: tuple[Any, ...]) -> str:
        t, type_, event_id, reason, error_code, _ = record
        return canonical_event(
            campaign_id,
            type_,
            t,
            event_id=event_id,
            extras={"reason": reason, "error_code": error_code},
        )

    return key


def _build_one(
    acc: CampaignAccumulator,
    views: Sequence[MessageView],
    attr: Attribution,
    *,
    run: RunAccumulator,
    as_of_us: int | None,
    attribution_type: str,
    date_range: tuple[dt.date, dt.date] | None,
    campaigns_in_run: tuple[str, ...],
    claimed_elsewhere: set[bytes],
    extra_warnings: list[str],
    facts: ContactFacts,
    source: RunSource,
) -> Report:
    c = acc.campaign
    zone = c.zone
    connector = c.channel is Channel.CONNECTOR
    tracked = c.delivery_tracked
    t = as_of_us if as_of_us is not None else 0
    as_of_text = from_us(as_of_us, zone).isoformat() if as_of_us is not None else None
    delivery = delivery_section(views, delivery_tracked=tracked, as_of=t, validity_us=c.validity_us)
    engagement = engagement_section(
        views, delivery_tracked=tracked, click_tracking=c.click_tracking
    )
    conversion = conversion_section(
        attr,
        c,
        views,
        selected_type=attribution_type,
        claimed_elsewhere=claimed_elsewhere,
    )
    funnel, outside = funnel_section(
        views,
        acc.recipients,
        connector=connector,
        delivery_tracked=tracked,
        default_region=c.default_region,
    )
    errors = errors_section(
        views,
        delivery_tracked=tracked,
        connector=connector,
        content_api=acc.content_api,
        as_of=t,
    )
    uplift, uplift_warnings = uplift_section(views, c, acc.recipients, run.conversions.by_user, t)
    quality = data_quality_section(
        acc,
        views,
        run=run,
        sent_outside_funnel=outside,
        extra_warnings=[*extra_warnings, *uplift_warnings],
    )
    parameters = Parameters(
        attribution_type=attribution_type,
        attribution_window_hours=c.attribution_window_hours,
        as_of=as_of_text,
        time_zone=c.app_timezone,
        date_range=None
        if date_range is None
        else {"from": date_range[0].isoformat(), "to": date_range[1].isoformat()},
        campaigns_in_run=campaigns_in_run,
        versions=_versions(),
    )
    return Report(
        campaign_id=c.id,
        name=c.name,
        channel=c.channel.value,
        as_of=as_of_text,
        parameters=parameters,
        delivery=delivery,
        engagement=engagement,
        conversion=conversion,
        funnel=funnel,
        errors=errors,
        contacts=contacts_section(
            views,
            campaign_id=c.id,
            delivery_tracked=tracked,
            auto_suppression=c.auto_suppression,
            facts=facts,
        ),
        breakdowns=breakdowns_section(views, c, acc.recipients, attr, attribution_type),
        uplift=uplift,
        daily=daily_section(views, c, attr, attribution_type, as_of_us),
        timeline=timeline_section(acc.timeline, views, c, t if as_of_us is not None else None),
        data_quality=quality,
        definitions=definitions_for(c),
        source=source,
    )

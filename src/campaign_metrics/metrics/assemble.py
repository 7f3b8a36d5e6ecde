"""Assemble the reports of a run from its resolved messages (the pure metric functions).

Nothing here reads the engine's state: :class:`ResolvedRun` holds each campaign's
:class:`~campaign_metrics.metrics.types.CampaignFacts` and message views as of one
instant and the run's conversions; :func:`build_reports` turns it into reports with one
pass of each section's function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ..errors import ConfigurationError
from ..model import Campaign, Channel
from ..report import Parameters, Report
from ..timezones import from_us, local_midnight
from ..version import __version__
from .attribution import TYPES, Attribution, attribute, conversion_section
from .breakdowns import breakdowns_section
from .contacts import ContactFacts, contacts_section, run_contact_facts
from .daily import daily_section
from .definitions import definitions_for
from .delivery import delivery_section, engagement_section
from .errors import errors_section
from .funnel import funnel_section
from .quality import data_quality_section, overlap_warnings
from .timeline import timeline_section
from .types import CampaignFacts, ConversionFacts, MessageView
from .uplift import uplift_section

__all__ = ["ResolvedRun", "build_reports", "check_parameters", "resolved_run", "selected_range"]


def _versions() -> dict[str, str]:
    import phonenumbers

    from ..taxonomy import TAXONOMY_VERSION

    return {
        "campaign_metrics": __version__,
        "error_taxonomy": TAXONOMY_VERSION,
        "phonenumbers": str(getattr(phonenumbers, "__version__", "unknown")),
    }


def selected_range(
    campaign: Campaign, date_range: tuple[dt.date, dt.date] | None
) -> tuple[int, int] | None:
    """T-1: the half-open epoch-µs range of a date range's calendar days in the
    campaign's app zone (the end is the next local midnight)."""
    if date_range is None:
        return None
    start, end = date_range
    zone = campaign.zone
    return local_midnight(start, zone), local_midnight(end + dt.timedelta(days=1), zone)


@attrs.frozen
class ResolvedRun:
    """Every campaign of a run as of one instant: facts, views, attributed conversions.

    Plain data: reports keep it for the run-wide views (overview, contacts list), which
    read it and never go back to the engine.
    """

    campaigns: tuple[CampaignFacts, ...]
    views: tuple[list[MessageView], ...]
    conversions: ConversionFacts
    as_of_us: int | None  # D-7: None for a run with no record at all
    date_range: tuple[dt.date, dt.date] | None
    attributions: tuple[Attribution, ...]


def resolved_run(
    campaigns: Sequence[CampaignFacts],
    views: Sequence[list[MessageView]],
    conversions: ConversionFacts,
    *,
    as_of_us: int | None,
    date_range: tuple[dt.date, dt.date] | None,
) -> ResolvedRun:
    """The run as of the instant, its conversions attributed to every campaign (A-6,
    D-7); :func:`build_reports` turns it into reports.

    >>> from campaign_metrics.metrics import CampaignFacts, ConversionFacts, MessageView
    >>> from campaign_metrics.model import Campaign
    >>> facts = CampaignFacts(Campaign(id="c1", name="Spring", channel="sms"))
    >>> views = [MessageView.sent_message("u1", send_us=0, outcome="delivered", receipt_us=3)]
    >>> run = resolved_run([facts], [views], ConversionFacts(), as_of_us=10, date_range=None)
    >>> [r.delivery.delivered for r in build_reports(run, attribution="view_through")]
    [1]
    """
    t = as_of_us if as_of_us is not None else 0
    attributions = tuple(
        attribute(v, facts.campaign, conversions.by_user, t)  # type: ignore[arg-type]
        for facts, v in zip(campaigns, views)
    )
    return ResolvedRun(
        tuple(campaigns), tuple(views), conversions, as_of_us, date_range, attributions
    )


def check_parameters(attribution: str, date_range: tuple[dt.date, dt.date] | None) -> None:
    """The report's parameters, checked before any work."""
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


def build_reports(resolved: ResolvedRun, *, attribution: str) -> list[Report]:
    """One report per campaign of the resolved run, in its order (A-12: ``attribution``
    is the type the other sections use; X-8: conversions shared between campaigns).

    >>> from campaign_metrics.metrics import CampaignFacts, ConversionFacts, MessageView
    >>> from campaign_metrics.model import Campaign
    >>> facts = CampaignFacts(Campaign(id="c1", name="Spring", channel="sms"))
    >>> views = [MessageView.sent_message("u1", send_us=0, outcome="sent_as_sms")]
    >>> run = resolved_run([facts], [views], ConversionFacts(), as_of_us=10, date_range=None)
    >>> (report,) = build_reports(run, attribution="view_through")
    >>> report.campaign_id, report.delivery.sent, report.delivery.delivered  # D-6
    ('c1', 1, 0)
    """
    check_parameters(attribution, resolved.date_range)
    campaigns, all_views, attributions = resolved.campaigns, resolved.views, resolved.attributions
    as_of_us = resolved.as_of_us or 0
    # the primary-goal events each campaign claims under the report's type
    claims: list[set[bytes]] = []
    for facts, attr in zip(campaigns, attributions):
        primary = facts.campaign.primary_goal
        claims.append(attr.primary_events(attribution, primary.name) if primary else set())
    warnings_by_campaign = overlap_warnings(campaigns, all_views)
    contact_facts = run_contact_facts(campaigns, all_views, as_of_us)
    ids = tuple(facts.campaign.id for facts in campaigns)
    reports = []
    for i, (facts, views, attr) in enumerate(zip(campaigns, all_views, attributions)):
        others: set[bytes] = set()
        for j, claim in enumerate(claims):
            if j != i:
                others |= claim
        reports.append(
            _build_one(
                facts,
                views,
                attr,
                resolved=resolved,
                attribution_type=attribution,
                campaigns_in_run=ids,
                claimed_elsewhere=others,
                extra_warnings=warnings_by_campaign.get(facts.campaign.id, []),
                contact_facts=contact_facts,
            )
        )
    return reports


def _build_one(
    facts: CampaignFacts,
    views: Sequence[MessageView],
    attr: Attribution,
    *,
    resolved: ResolvedRun,
    attribution_type: str,
    campaigns_in_run: tuple[str, ...],
    claimed_elsewhere: set[bytes],
    extra_warnings: list[str],
    contact_facts: ContactFacts,
) -> Report:
    c = facts.campaign
    as_of_us = resolved.as_of_us
    date_range = resolved.date_range
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
        facts.recipients,
        connector=connector,
        delivery_tracked=tracked,
        default_region=c.default_region,
    )
    errors = errors_section(
        views,
        delivery_tracked=tracked,
        connector=connector,
        content_api=facts.content_api,
        as_of=t,
    )
    uplift, uplift_warnings = uplift_section(
        views,
        c,
        facts.recipients,
        resolved.conversions.by_user,  # type: ignore[arg-type]
        t,
    )
    quality = data_quality_section(
        facts,
        views,
        conversions=resolved.conversions,
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
            facts=contact_facts,
        ),
        breakdowns=breakdowns_section(views, c, facts.recipients, attr, attribution_type),
        uplift=uplift,
        daily=daily_section(views, c, attr, attribution_type, as_of_us),
        timeline=timeline_section(
            facts.timeline,
            views,
            c,
            t if as_of_us is not None else None,
        ),
        data_quality=quality,
        definitions=definitions_for(c),
        source=resolved,
    )

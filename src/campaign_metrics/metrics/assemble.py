"""Assemble the reports of a run from its resolved messages (the pure metric functions).

Nothing here reads the engine's state: :class:`ResolvedRun` holds each campaign's
:class:`~campaign_metrics.metrics.types.CampaignFacts` and message views as of one
instant and the run's conversions; :func:`build_reports` turns it into reports with one
pass of each section's function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from ..errors import ConfigurationError
from ..model import Campaign, Channel
from ..report import Report
from ..timezones import local_midnight
from .attribution import TYPES, Attribution, attribute
from .breakdowns import breakdowns_tally
from .contacts import contacts_tally, run_contact_facts
from .conversion import conversion_tally
from .daily import daily_tally
from .delivery import EngagementTally, delivery_tally, engagement_tally
from .errors import errors_tally
from .funnel import funnel_tally
from .partial import CampaignPartial, RunPartial
from .quality import overlap_pairs, quality_tally
from .timeline import send_span
from .types import CampaignFacts, ConversionFacts, MessageView
from .uplift import first_attempt, uplift_tally

__all__ = [
    "ResolvedRun",
    "build_reports",
    "check_parameters",
    "resolved_run",
    "run_partial",
    "selected_range",
]


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
    return run_partial(resolved, attribution=attribution).reports(source=resolved)


def run_partial(
    resolved: ResolvedRun,
    *,
    attribution: str,
    first_attempts: Sequence[int | None] | None = None,
) -> RunPartial:
    """Every section's tally of every campaign of ``resolved`` (A-12: ``attribution`` is
    the type the other sections use; X-8: conversions shared between campaigns).

    ``first_attempts`` are the campaigns' first send attempts (B-2) when ``resolved``
    holds only some of the run's users; by default they are read from ``resolved``.

    >>> from campaign_metrics.metrics import CampaignFacts, ConversionFacts, MessageView
    >>> from campaign_metrics.model import Campaign
    >>> facts = CampaignFacts(Campaign(id="c1", name="Spring", channel="sms"))
    >>> def part(user):
    ...     views = [MessageView.sent_message(user, send_us=0, outcome="delivered", receipt_us=2)]
    ...     run = resolved_run([facts], [views], ConversionFacts(), as_of_us=10, date_range=None)
    ...     return run_partial(run, attribution="view_through", first_attempts=[0])
    >>> merged = part("u1")
    >>> merged += part("u2")  # two disjoint sets of users
    >>> [r.delivery.delivered for r in merged.reports()]
    [2]
    """
    campaigns, all_views, attributions = resolved.campaigns, resolved.views, resolved.attributions
    as_of_us = resolved.as_of_us or 0
    if first_attempts is None:
        first_attempts = [first_attempt(v) for v in all_views]
    # the primary-goal events each campaign claims under the report's type
    claims: list[set[bytes]] = []
    for facts, attr in zip(campaigns, attributions):
        primary = facts.campaign.primary_goal
        claims.append(attr.primary_events(attribution, primary.name) if primary else set())
    contact_facts = run_contact_facts(campaigns, all_views, as_of_us)
    by_user: Any = resolved.conversions.by_user
    parts = []
    for i, (facts, views, attr) in enumerate(zip(campaigns, all_views, attributions)):
        others: set[bytes] = set()
        for j, claim in enumerate(claims):
            if j != i:
                others |= claim
        c = facts.campaign
        connector = c.channel is Channel.CONNECTOR
        first, last = send_span(views)
        parts.append(
            CampaignPartial(
                campaign=c,
                delivery=delivery_tally(views, as_of=as_of_us, validity_us=c.validity_us),
                engagement=engagement_tally(views) if c.click_tracking else EngagementTally(),
                conversion=conversion_tally(
                    attr, c, views, selected_type=attribution, claimed_elsewhere=others
                ),
                funnel=funnel_tally(
                    views, facts.recipients, connector=connector, default_region=c.default_region
                ),
                errors=errors_tally(views, content_api=facts.content_api, as_of=as_of_us),
                contacts=contacts_tally(
                    views,
                    campaign_id=c.id,
                    delivery_tracked=c.delivery_tracked,
                    auto_suppression=c.auto_suppression,
                    facts=contact_facts,
                ),
                breakdowns=breakdowns_tally(views, c, facts.recipients, attr, attribution),
                uplift=uplift_tally(
                    views, c, facts.recipients, by_user, as_of_us, first_attempt=first_attempts[i]
                ),
                daily=daily_tally(views, c, attr, attribution),
                quality=quality_tally(facts, views, conversions=resolved.conversions),
                timeline=dict(facts.timeline),
                first_send=first,
                last_send=last,
            )
        )
    return RunPartial(
        campaigns=parts,
        overlaps=overlap_pairs(campaigns, all_views),
        as_of_us=resolved.as_of_us,
        date_range=resolved.date_range,
        attribution=attribution,
    )

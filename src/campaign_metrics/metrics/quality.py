"""The ``data_quality`` section (D-10..D-12, F-3, CH-2, O-6) and run-wide warnings (X-8)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..report import DataQuality, RejectedRow
from .types import (
    _DELIVERY_CONFLICT,
    _RECEIPT_BEFORE_SEND,
    _RECEIPT_WITHOUT_SEND,
    _SEND_CONFLICT,
    CampaignFacts,
    ConversionFacts,
    MessageView,
)

__all__ = ["data_quality_section", "overlap_warnings"]

_EXAMPLES = 3


def _examples(items: Iterable[str]) -> str:
    chosen = sorted(set(items))[:_EXAMPLES]
    return ", ".join(chosen)


def data_quality_section(
    facts: CampaignFacts,
    views: Sequence[MessageView],
    *,
    conversions: ConversionFacts,
    sent_outside_funnel: int,
    extra_warnings: Sequence[str],
) -> DataQuality:
    """What the data got wrong, counted; nothing dropped silently.

    D-10: per identity, duplicates = records − distinct contents and id_conflicts =
    distinct contents − 1, over every record read — the campaign's (``facts``) and the
    run's conversions (``conversions``). D-11, D-3, D-12: the conflict counters.

    >>> from campaign_metrics.metrics import CampaignFacts, ConversionFacts
    >>> from campaign_metrics.model import Campaign
    >>> facts = CampaignFacts(Campaign(id="c1", name="Spring", channel="sms"), duplicates=2)
    >>> views = [MessageView.sent_message("u1", send_us=0)]
    >>> q = data_quality_section(
    ...     facts,
    ...     views,
    ...     conversions=ConversionFacts(duplicates=1),
    ...     sent_outside_funnel=0,
    ...     extra_warnings=(),
    ... )
    >>> q.duplicates, q.id_conflicts, q.delivery_conflicts
    (3, 0, 0)
    """
    from ..phone import mask_numbers_in_text

    duplicates = facts.duplicates + conversions.duplicates
    id_conflicts = facts.id_conflicts + conversions.id_conflicts
    delivery_conflicts = send_conflicts = without_send = before_send = 0
    over_segments: list[str] = []
    max_segments = facts.campaign.max_segments
    for v in views:
        flags = v.flags
        if flags:
            if flags & _DELIVERY_CONFLICT:
                delivery_conflicts += 1
            if flags & _SEND_CONFLICT:
                send_conflicts += 1
            if flags & _RECEIPT_WITHOUT_SEND:
                without_send += 1
            if flags & _RECEIPT_BEFORE_SEND:
                before_send += 1
        if max_segments is not None and v.sent and v.segments > max_segments:
            over_segments.append(v.user_id)
    warnings = [*extra_warnings, *facts.notes]
    if over_segments:  # O-6: one line per kind, a count and a few examples
        warnings.append(
            f"{len(over_segments)} sent messages have more than max_segments={max_segments} "
            f"segments (O-6), e.g. users {_examples(over_segments)}"
        )
    if conversions.dropped:
        warnings.append(
            f"{conversions.dropped} conversion records belong to users no campaign of "
            "the run reached; they were counted and not kept, so their duplicates are not "
            "told apart (A-6)"
        )
    rejected = sorted([*facts.rejected, *conversions.rejected], key=lambda r: r.sort_key())
    seen = set()
    rows = []
    for r in rejected:
        if r.sort_key() in seen:
            continue
        seen.add(r.sort_key())
        rows.append(
            RejectedRow(
                file=r.file, line=r.line, field=r.field, reason=mask_numbers_in_text(r.reason)
            )
        )
    return DataQuality(
        rejected=tuple(rows),
        duplicates=duplicates,
        id_conflicts=id_conflicts,
        delivery_conflicts=delivery_conflicts,
        send_conflicts=send_conflicts,
        receipts_without_send=without_send,
        receipt_before_send=before_send,
        sent_outside_funnel=sent_outside_funnel,
        ignored_events=facts.ignored_events,
        warnings=tuple(sorted(mask_numbers_in_text(w) for w in warnings)),
    )


def overlap_warnings(
    campaigns: Sequence[CampaignFacts], views: Sequence[Sequence[MessageView]]
) -> dict[str, list[str]]:
    """X-8: campaigns with the same primary-goal event sent to the same user closer
    together than the smaller of their windows. One line per pair of campaigns."""
    out: dict[str, list[str]] = {}
    goals = [acc.campaign.primary_goal for acc in campaigns]
    events = [g.event for g in goals if g is not None]
    if len(events) == len(set(events)):
        return out  # no two campaigns share a primary-goal event
    sends: list[dict[str, list[int]]] = []
    for acc, v_list in zip(campaigns, views):
        per_user: dict[str, list[int]] = {}
        sends.append(per_user)
        goal = acc.campaign.primary_goal
        if goal is None or events.count(goal.event) < 2:
            continue
        for v in v_list:
            send_us = v.send_us
            if send_us is not None:  # Sent
                per_user.setdefault(v.user_id, []).append(send_us)
    for i in range(len(campaigns)):
        for j in range(i + 1, len(campaigns)):
            a, b = campaigns[i].campaign, campaigns[j].campaign
            pa, pb = a.primary_goal, b.primary_goal
            if pa is None or pb is None or pa.event != pb.event:
                continue
            limit = min(a.window_us, b.window_us)
            users = 0
            sa, sb = sends[i], sends[j]
            for user in sa.keys() & sb.keys():
                if any(abs(x - y) < limit for x in sa[user] for y in sb[user]):
                    users += 1
            if users:
                first, second = sorted((a.id, b.id))
                hours = min(a.attribution_window_hours, b.attribution_window_hours)
                line = (
                    f"campaigns '{first}' and '{second}' share the primary-goal event "
                    f"'{pa.event}' and reached {users} users less than {hours} hours apart: "
                    "their conversions can be claimed by both; consider shorter windows (X-8)"
                )
                out.setdefault(a.id, []).append(line)
                out.setdefault(b.id, []).append(line)
    return out

"""The ``data_quality`` section (D-10..D-12, F-3, CH-2, O-6) and run-wide warnings (X-8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ..identity import RejectedRecord
from ..model import Campaign
from ..report import DataQuality, RejectedRow
from .tallies import smallest
from .types import (
    _DELIVERY_CONFLICT,
    _RECEIPT_BEFORE_SEND,
    _RECEIPT_WITHOUT_SEND,
    _SEND_CONFLICT,
    CampaignFacts,
    ConversionFacts,
    MessageView,
)

__all__ = [
    "QualityTally",
    "data_quality_section",
    "overlap_lines",
    "overlap_pairs",
    "overlap_warnings",
    "quality_tally",
]

_EXAMPLES = 3


@attrs.define(slots=True)
class QualityTally:
    """What :func:`data_quality_section` counts, mergeable over disjoint sets of users.

    ``id_conflicts`` may hold the distinct records with an identity only, the distinct
    identities being counted apart (``campaign_metrics.dask`` counts them by identity).
    """

    duplicates: int = 0  # D-10
    id_conflicts: int = 0
    conflicts: list[int] = attrs.field(factory=lambda: [0, 0, 0, 0])  # D-11, D-3, D-12
    over_segments: int = 0  # O-6
    over_segments_examples: tuple[str, ...] = ()
    rejected: list[RejectedRecord] = attrs.field(factory=list)
    ignored_events: int = 0  # CH-2, CH-3
    notes: set[str] = attrs.field(factory=set)
    dropped_conversions: int = 0

    def __iadd__(self, other: QualityTally) -> QualityTally:
        self.duplicates += other.duplicates
        self.id_conflicts += other.id_conflicts
        self.conflicts = [a + b for a, b in zip(self.conflicts, other.conflicts)]
        self.over_segments += other.over_segments
        self.over_segments_examples = smallest(
            (*self.over_segments_examples, *other.over_segments_examples), _EXAMPLES
        )
        self.rejected += other.rejected
        self.ignored_events += other.ignored_events
        self.notes |= other.notes
        self.dropped_conversions += other.dropped_conversions
        return self

    def section(
        self,
        *,
        max_segments: int | None,
        sent_outside_funnel: int,
        extra_warnings: Sequence[str],
    ) -> DataQuality:
        """The ``data_quality`` section of these counts."""
        from ..phone import mask_numbers_in_text

        warnings = [*extra_warnings, *self.notes]
        if self.over_segments:  # O-6: one line per kind, a count and a few examples
            warnings.append(
                f"{self.over_segments} sent messages have more than "
                f"max_segments={max_segments} segments (O-6), e.g. users "
                + ", ".join(self.over_segments_examples)
            )
        if self.dropped_conversions:
            warnings.append(
                f"{self.dropped_conversions} conversion records belong to users no campaign "
                "of the run reached; they were counted and not kept, so their duplicates are "
                "not told apart (A-6)"
            )
        seen = set()
        rows = []
        for r in sorted(self.rejected, key=lambda r: r.sort_key()):
            if r.sort_key() in seen:
                continue
            seen.add(r.sort_key())
            rows.append(
                RejectedRow(
                    file=r.file, line=r.line, field=r.field, reason=mask_numbers_in_text(r.reason)
                )
            )
        delivery_conflicts, send_conflicts, without_send, before_send = self.conflicts
        return DataQuality(
            rejected=tuple(rows),
            duplicates=self.duplicates,
            id_conflicts=self.id_conflicts,
            delivery_conflicts=delivery_conflicts,
            send_conflicts=send_conflicts,
            receipts_without_send=without_send,
            receipt_before_send=before_send,
            sent_outside_funnel=sent_outside_funnel,
            ignored_events=self.ignored_events,
            warnings=tuple(sorted(mask_numbers_in_text(w) for w in warnings)),
        )


def quality_tally(
    facts: CampaignFacts,
    views: Sequence[MessageView],
    *,
    conversions: ConversionFacts,
) -> QualityTally:
    """D-10..D-12, O-6: the counts of :func:`data_quality_section`, in one pass."""
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
    return QualityTally(
        duplicates=facts.duplicates + conversions.duplicates,
        id_conflicts=facts.id_conflicts + conversions.id_conflicts,
        conflicts=[delivery_conflicts, send_conflicts, without_send, before_send],
        over_segments=len(over_segments),
        over_segments_examples=smallest(over_segments, _EXAMPLES),
        rejected=[*facts.rejected, *conversions.rejected],
        ignored_events=facts.ignored_events,
        notes=set(facts.notes),
        dropped_conversions=conversions.dropped,
    )


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
    tally = quality_tally(facts, views, conversions=conversions)
    return tally.section(
        max_segments=facts.campaign.max_segments,
        sent_outside_funnel=sent_outside_funnel,
        extra_warnings=extra_warnings,
    )


def overlap_warnings(
    campaigns: Sequence[CampaignFacts], views: Sequence[Sequence[MessageView]]
) -> dict[str, list[str]]:
    """X-8: campaigns with the same primary-goal event sent to the same user closer
    together than the smaller of their windows. One line per pair of campaigns."""
    return overlap_lines([f.campaign for f in campaigns], overlap_pairs(campaigns, views))


def _sharing_pairs(campaigns: Sequence[Campaign]) -> list[tuple[int, int]]:
    """X-8: the pairs of campaigns (by position) whose primary goals share an event."""
    out = []
    for i in range(len(campaigns)):
        for j in range(i + 1, len(campaigns)):
            pa, pb = campaigns[i].primary_goal, campaigns[j].primary_goal
            if pa is not None and pb is not None and pa.event == pb.event:
                out.append((i, j))
    return out


def overlap_pairs(
    campaigns: Sequence[CampaignFacts], views: Sequence[Sequence[MessageView]]
) -> dict[tuple[int, int], int]:
    """X-8: per pair of campaigns (by position) sharing a primary-goal event, the users
    both sent to closer together than the smaller window (a sum over users)."""
    pairs = _sharing_pairs([f.campaign for f in campaigns])
    if not pairs:
        return {}
    wanted = {k for pair in pairs for k in pair}
    sends: list[dict[str, list[int]]] = []
    for k, v_list in enumerate(views):
        per_user: dict[str, list[int]] = {}
        sends.append(per_user)
        if k not in wanted:
            continue
        for v in v_list:
            send_us = v.send_us
            if send_us is not None:  # Sent
                per_user.setdefault(v.user_id, []).append(send_us)
    out = {}
    for i, j in pairs:
        limit = min(campaigns[i].campaign.window_us, campaigns[j].campaign.window_us)
        sa, sb = sends[i], sends[j]
        out[(i, j)] = sum(
            1
            for user in sa.keys() & sb.keys()
            if any(abs(x - y) < limit for x in sa[user] for y in sb[user])
        )
    return out


def overlap_lines(
    campaigns: Sequence[Campaign], users: Mapping[tuple[int, int], int]
) -> dict[str, list[str]]:
    """X-8: the warning lines of :func:`overlap_pairs`'s counts, per campaign id."""
    out: dict[str, list[str]] = {}
    for (i, j), n in sorted(users.items()):
        if not n:
            continue
        a, b = campaigns[i], campaigns[j]
        assert a.primary_goal is not None
        first, second = sorted((a.id, b.id))
        hours = min(a.attribution_window_hours, b.attribution_window_hours)
        line = (
            f"campaigns '{first}' and '{second}' share the primary-goal event "
            f"'{a.primary_goal.event}' and reached {n} users less than {hours} hours apart: "
            "their conversions can be claimed by both; consider shorter windows (X-8)"
        )
        out.setdefault(a.id, []).append(line)
        out.setdefault(b.id, []).append(line)
    return out

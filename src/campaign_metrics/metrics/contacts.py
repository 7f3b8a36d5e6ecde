"""Contact delivery statuses, suppression and unsubscribes (O-1..O-3), run-wide facts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from ..model import Channel
from ..report import ContactsSection
from ..taxonomy import ErrorCategory, classify_failure
from .tallies import add_counts
from .types import _NO_RARE, MessageView, Outcome

if TYPE_CHECKING:
    from .types import CampaignFacts

__all__ = [
    "ContactFacts",
    "ContactStatus",
    "ContactsTally",
    "contacts_section",
    "contacts_tally",
    "latest_sent",
    "message_status",
    "run_contact_facts",
]


class ContactStatus:
    """O-1: the five per-contact statuses."""

    DELIVERED = "delivered"
    PENDING = "pending"
    SOFT_BOUNCE = "soft_bounce"
    HARD_BOUNCE = "hard_bounce"
    DELETED = "deleted"


def message_status(view: MessageView) -> str | None:
    """O-1: a Sent message's contact status; ``None`` for Sent as SMS or untracked."""
    outcome = view.outcome
    if outcome == Outcome.DELIVERED:
        return ContactStatus.DELIVERED
    if outcome == Outcome.IN_TRANSIT:
        return ContactStatus.PENDING
    if outcome != Outcome.FAILED:
        return None
    event = view.outcome_event
    assert event is not None
    type_ = event[1]
    if type_ == "deleted":
        return ContactStatus.DELETED
    if type_ == "hard_bounce":
        return ContactStatus.HARD_BOUNCE
    if type_ == "soft_bounce":
        return ContactStatus.SOFT_BOUNCE
    # a generic delivery failure: soft when its normalised error is transient
    cls = classify_failure(event[4], event[3])
    return ContactStatus.SOFT_BOUNCE if cls.transient else ContactStatus.HARD_BOUNCE


def _instance_order(instance_id: str | None) -> tuple[int, str]:
    return (0, "") if instance_id is None else (1, instance_id)


def latest_sent(views: Iterable[MessageView]) -> dict[str, MessageView]:
    """O-1: each user's latest sent message: greatest send instant, ties by instance id
    in code-point order (none first), the last of that order."""
    latest: dict[str, MessageView] = {}
    for v in views:
        if not v.sent:
            continue
        current = latest.get(v.user_id)
        if current is None or (v.send_us, _instance_order(v.instance_id)) > (
            current.send_us,
            _instance_order(current.instance_id),
        ):
            latest[v.user_id] = v
    return latest


def _opted_out(view: MessageView) -> bool:
    for f in view.fails:
        if f[1] == "send_failed" and classify_failure(f[4], f[5]).category is (
            ErrorCategory.OPTED_OUT
        ):
            return True
    for o in view.outcomes:
        if classify_failure(o[4], o[3]).category is ErrorCategory.OPTED_OUT:
            return True
    return False


@attrs.frozen
class ContactFacts:
    """Run-wide facts the contacts of every campaign need."""

    hard_bounces: Counter[str]  # O-2: messages with status Hard bounce, per user
    opted_out: frozenset[str]  # O-2: users with a failure classified opted_out
    unsubscribed: dict[str, frozenset[str]]  # O-3: campaign id → users


def run_contact_facts(
    campaigns: Sequence[CampaignFacts],
    views: Sequence[Sequence[MessageView]],
    as_of: int,
) -> ContactFacts:
    """O-2, O-3 across the run's campaigns."""
    hard: Counter[str] = Counter()
    opted: set[str] = set()
    # O-3: the sends are needed only to attribute unsubscribes, and only the sends of
    # the users who unsubscribed (as of the instant) are kept
    unsubscribers = {user for acc in campaigns for user, t, _ in acc.unsubscribes if t <= as_of}
    sends: list[dict[str, list[int]]] = []
    failed = Outcome.FAILED
    for acc, v_list in zip(campaigns, views):
        per_user: dict[str, list[int]] = {}
        messaging = acc.campaign.channel is not Channel.CONNECTOR
        tracked = acc.campaign.delivery_tracked
        for v in v_list:
            if v.rare is not _NO_RARE:  # failures live in the rare part of a view
                if (
                    tracked
                    and v.outcome == failed
                    and message_status(v) == ContactStatus.HARD_BOUNCE
                ):
                    hard[v.user_id] += 1
                if (v.fails or v.outcomes) and _opted_out(v):
                    opted.add(v.user_id)
            if (
                unsubscribers
                and messaging
                and v.sent
                and v.send_us is not None
                and v.user_id in unsubscribers
            ):
                per_user.setdefault(v.user_id, []).append(v.send_us)
        sends.append(per_user)
    # O-3: unsubscribes deduplicated run-wide by (user, time), then attributed
    seen: dict[tuple[str, int], str] = {}
    for acc in campaigns:
        for user, t, _ in acc.unsubscribes:
            if t > as_of:
                continue
            key = (user, t)
            holder = seen.get(key)
            if holder is None or acc.campaign.id < holder:
                seen[key] = acc.campaign.id
    unsubscribed: dict[str, set[str]] = {acc.campaign.id: set() for acc in campaigns}
    for (user, t), holder in seen.items():
        best: tuple[int, str] | None = None
        for acc, per_user in zip(campaigns, sends):
            times = [s for s in per_user.get(user, ()) if s <= t]
            if not times:
                continue
            candidate = (max(times), acc.campaign.id)
            # the latest send wins; ties go to the campaign id that sorts first
            if (
                best is None
                or candidate[0] > best[0]
                or (candidate[0] == best[0] and candidate[1] < best[1])
            ):
                best = candidate
        unsubscribed[best[1] if best is not None else holder].add(user)
    return ContactFacts(
        hard_bounces=hard,
        opted_out=frozenset(opted),
        unsubscribed={k: frozenset(v) for k, v in unsubscribed.items()},
    )


@attrs.define(slots=True)
class ContactsTally:
    """What :func:`contacts_section` counts, mergeable over disjoint sets of users."""

    statuses: dict[str, int] = attrs.field(factory=dict)  # O-1: users per status
    unsubscribes: int = 0  # O-3
    suppressed: int = 0  # O-2

    def __iadd__(self, other: ContactsTally) -> ContactsTally:
        add_counts(self.statuses, other.statuses)
        self.unsubscribes += other.unsubscribes
        self.suppressed += other.suppressed
        return self

    def section(self, *, delivery_tracked: bool, auto_suppression: bool) -> ContactsSection:
        """The ``contacts`` section of these counts."""
        suppressed = self.suppressed if auto_suppression else None
        if not delivery_tracked:
            return ContactsSection(unsubscribes=self.unsubscribes, suppressed=suppressed)
        get = self.statuses.get
        return ContactsSection(
            delivered=get(ContactStatus.DELIVERED, 0),
            pending=get(ContactStatus.PENDING, 0),
            soft_bounces=get(ContactStatus.SOFT_BOUNCE, 0),
            hard_bounces=get(ContactStatus.HARD_BOUNCE, 0),
            deleted=get(ContactStatus.DELETED, 0),
            unsubscribes=self.unsubscribes,
            suppressed=suppressed,
        )


def contacts_tally(
    views: Sequence[MessageView],
    *,
    campaign_id: str,
    delivery_tracked: bool,
    auto_suppression: bool,
    facts: ContactFacts,
) -> ContactsTally:
    """O-1..O-3: the counts of :func:`contacts_section`."""
    tally = ContactsTally(unsubscribes=len(facts.unsubscribed.get(campaign_id, ())))
    if auto_suppression:
        flagged = {u for u, n in facts.hard_bounces.items() if n >= 3} | facts.opted_out
        tally.suppressed = (
            len({v.user_id for v in views if v.attempted and v.user_id in flagged})
            if flagged
            else 0
        )
    if not delivery_tracked:
        return tally
    counts: Counter[str] = Counter()
    if any(v.instance_id is not None for v in views):
        latest: Iterable[MessageView] = latest_sent(views).values()
    else:  # one message per user: each sent message is its user's latest
        latest = (v for v in views if v.sent)
    delivered = pending = 0  # the common statuses, counted without a call
    delivered_outcome, in_transit = Outcome.DELIVERED, Outcome.IN_TRANSIT
    for v in latest:
        outcome = v.outcome
        if outcome == delivered_outcome:
            delivered += 1
        elif outcome == in_transit:
            pending += 1
        else:
            status = message_status(v)
            if status is not None:
                counts[status] += 1
    counts[ContactStatus.DELIVERED] += delivered
    counts[ContactStatus.PENDING] += pending
    tally.statuses = dict(counts)
    return tally


def contacts_section(
    views: Sequence[MessageView],
    *,
    campaign_id: str,
    delivery_tracked: bool,
    auto_suppression: bool,
    facts: ContactFacts,
) -> ContactsSection:
    """O-1..O-3 for one campaign (users): each user's latest Sent message's status.

    ``facts`` holds the run-wide facts (O-2 hard bounces and opt-outs, O-3 unsubscribes).

    >>> from collections import Counter
    >>> facts = ContactFacts(
    ...     hard_bounces=Counter(), opted_out=frozenset(), unsubscribed={"c1": frozenset({"u1"})}
    ... )
    >>> views = [
    ...     MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=1),
    ...     MessageView.sent_message("u2", send_us=0),  # in transit: pending
    ... ]
    >>> c = contacts_section(
    ...     views, campaign_id="c1", delivery_tracked=True, auto_suppression=False, facts=facts
    ... )
    >>> c.delivered, c.pending, c.hard_bounces, c.unsubscribes, c.suppressed
    (1, 1, 0, 1, None)
    """
    tally = contacts_tally(
        views,
        campaign_id=campaign_id,
        delivery_tracked=delivery_tracked,
        auto_suppression=auto_suppression,
        facts=facts,
    )
    return tally.section(delivery_tracked=delivery_tracked, auto_suppression=auto_suppression)

"""O-1..O-4 across a run's campaigns: the overview tiles and the contacts list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

import attrs

from ..io.export import write_csv
from ..metrics.contacts import latest_sent, message_status, run_contact_facts
from ..metrics.types import MessageView
from ..phone import mask_number
from ..report import Report, to_jsonable


@attrs.frozen(slots=True, kw_only=True)
class Overview:
    """O-4: the tiles over a set of campaigns, users counted once across the set."""

    campaigns: tuple[str, ...]
    revenue: Decimal | None
    unique_sends: int
    unique_deliveries: int
    pending: int
    soft_bounces: int
    hard_bounced: int
    deleted: int
    unsubscribes: int

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_jsonable(attrs.asdict(self, recurse=False))
        return result


def _sources(reports: Sequence[Report]) -> list[Any]:
    sources: list[Any] = []
    for r in reports:
        if r._source is None:
            raise ValueError(
                f"report of campaign '{r.campaign_id}' was not built by analyze(); "
                "run-wide views need the run it came from"
            )
        if all(s is not r._source for s in sources):
            sources.append(r._source)
    return sources


def _selected_views(
    reports: Sequence[Report],
) -> tuple[list[tuple[Any, list[MessageView], Any]], list[Any]]:
    """(campaign accumulator, views, attribution) of every report's campaign."""
    chosen: list[tuple[Any, list[MessageView], Any]] = []
    resolved_runs = []
    wanted = {r.campaign_id for r in reports}
    for source in _sources(reports):
        resolved = source
        resolved_runs.append(resolved)
        for acc, views, attr in zip(resolved.campaigns, resolved.views, resolved.attributions):
            if acc.campaign.id in wanted:
                chosen.append((acc, views, attr))
    return chosen, resolved_runs


def overview(reports: Sequence[Report]) -> Overview:
    """O-4: Revenue, Unique sends, Unique deliveries, Pending, Soft bounces, Hard bounced,
    Deleted and Unsubscribes over the campaigns of ``reports``, users counted once (a
    user's status from their latest sent message of the set)."""
    chosen, _ = _selected_views(reports)
    sent_users: set[str] = set()
    delivered_users: set[str] = set()
    latest: dict[str, tuple[Any, MessageView, bool]] = {}
    for acc, views, _ in chosen:
        tracked = acc.campaign.delivery_tracked
        for v in views:
            if not v.sent:
                continue
            sent_users.add(v.user_id)
            if v.delivered:
                delivered_users.add(v.user_id)
            key = (
                v.send_us,
                acc.campaign.id,
                (0, "") if v.instance_id is None else (1, v.instance_id),
            )
            current = latest.get(v.user_id)
            if current is None or key > current[0]:
                latest[v.user_id] = (key, v, tracked)
    statuses: Counter[str] = Counter()
    for _, v, tracked in latest.values():
        if tracked:
            status = message_status(v)
            if status is not None:
                statuses[status] += 1
    unsubscribed: set[str] = set()
    by_report = {r.campaign_id: r for r in reports}
    for source in _sources(reports):
        resolved = source
        facts = run_contact_facts(resolved.campaigns, resolved.views, resolved.as_of_us or 0)
        for cid, users in facts.unsubscribed.items():
            if cid in by_report:
                unsubscribed |= users
    revenue: Decimal | None = None
    seen_events: set[bytes] = set()
    by_id = {acc.campaign.id: (acc, attr) for acc, _, attr in chosen}
    for r in reports:
        acc, attr = by_id[r.campaign_id]
        primary = acc.campaign.primary_goal
        if r.conversion.for_type(r.parameters.attribution_type).revenue is None or not primary:
            continue
        revenue = revenue or Decimal(0)
        for d in attr.primary_events(r.parameters.attribution_type, primary.name):
            if d not in seen_events:
                seen_events.add(d)
                revenue += attr.events[d].revenue or 0
    return Overview(
        campaigns=tuple(r.campaign_id for r in reports),
        revenue=revenue,
        unique_sends=len(sent_users),
        unique_deliveries=len(delivered_users),
        pending=statuses["pending"],
        soft_bounces=statuses["soft_bounce"],
        hard_bounced=statuses["hard_bounce"],
        deleted=statuses["deleted"],
        unsubscribes=len(unsubscribed),
    )


# --------------------------------------------------------------------------- contacts

CONTACT_COLUMNS = (
    "user_id",
    "mobile_number",
    "status",
    "hard_bounces",
    "opted_out",
    "suppressed",
    "campaign_id",
)


@attrs.frozen(slots=True, kw_only=True)
class ContactRow:
    """One contact of the run: the status of their latest sent message (O-1), their
    hard-bounced messages across the run and whether they are suppressed (O-2)."""

    user_id: str
    mobile_number: str | None
    status: str | None
    hard_bounces: int
    opted_out: bool
    suppressed: bool
    campaign_id: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def suppression_list(reports: Sequence[Report], *, show_numbers: bool = False) -> list[ContactRow]:
    """O-1, O-2, X-7: every contact sent a message by the campaigns of ``reports``, with
    their status, hard-bounce count and suppression; numbers masked unless asked for.

    Suppression follows O-2 across the whole run: three hard-bounced messages or one
    failure classified ``opted_out``. Sorted by user id.
    """
    chosen, resolved_runs = _selected_views(reports)
    hard: Counter[str] = Counter()
    opted: set[str] = set()
    for resolved in resolved_runs:
        facts = run_contact_facts(resolved.campaigns, resolved.views, resolved.as_of_us or 0)
        hard.update(facts.hard_bounces)
        opted |= facts.opted_out
    latest: dict[str, tuple[Any, MessageView, Any]] = {}
    numbers: dict[str, str | None] = {}
    for acc, views, _ in chosen:
        for user, v in latest_sent(views).items():
            key = (
                v.send_us,
                acc.campaign.id,
                (0, "") if v.instance_id is None else (1, v.instance_id),
            )
            current = latest.get(user)
            if current is None or key > current[0]:
                latest[user] = (key, v, acc)
            if acc.recipients and user in acc.recipients and user not in numbers:
                numbers[user] = acc.recipients[user].mobile_number
    rows = []
    for user in sorted(latest):
        _, v, acc = latest[user]
        number = numbers.get(user)
        if number is not None and not show_numbers:
            number = mask_number(number, default_region=acc.campaign.default_region)
        status = message_status(v) if acc.campaign.delivery_tracked else None
        rows.append(
            ContactRow(
                user_id=user,
                mobile_number=number,
                status=status,
                hard_bounces=hard.get(user, 0),
                opted_out=user in opted,
                suppressed=hard.get(user, 0) >= 3 or user in opted,
                campaign_id=acc.campaign.id,
            )
        )
    return rows


def write_contacts_csv(rows: Iterable[ContactRow], out: IO[str]) -> None:
    """The contacts list as spreadsheet-safe CSV (X-6)."""
    write_csv(out, CONTACT_COLUMNS, ([getattr(r, c) for c in CONTACT_COLUMNS] for r in rows))

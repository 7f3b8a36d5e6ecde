"""Breakdowns: locale × variation (B-1), send mode (B-3), time-zone delivery (B-4).

Locale × variation rows (``locale_variation``).

A user's locale and variation are those of their row of recipients.csv. A user without
a locale (or without a row) is in the ``default`` locale (B-1: "grouped by locale, by
variation, or both"). The rows, in this order:

1. the whole campaign: ``locale`` and ``variation`` both ``None``;
2. each variation over all locales: ``locale`` ``None``, variations by code point;
3. each locale over all its variations (``variation`` ``None``: every user of the locale,
   with a variation or without), then that locale's cells (locale, variation) for each
   variation, by code point.

A user without a variation is in their locale's row and the whole-campaign row only, so:

- for each variation, its cells sum to its all-locales row;
- the locale rows sum to the whole-campaign row; each locale's cells sum to its row less
  its users without a variation.

Events sum too: a conversion is one user's event, and a user is in one cell. A row
exists for every locale and (locale, variation) of a message of the report or of
recipients.csv (zeros included); the whole-campaign row always exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..model import Campaign, Recipient
from ..report import (
    AttributionResult,
    Breakdowns,
    LocaleVariationRow,
    SendModeRow,
    TimezoneSection,
)
from .attribution import Attribution, MessageKey, type_defined
from .conversion import (
    GoalTallies,
    GoalTally,
    add_goal_tallies,
    attribution_result,
    goal_tallies,
)
from .tallies import add_lists
from .types import MessageView, Outcome

__all__ = [
    "DEFAULT_LOCALE",
    "SEND_MODES",
    "BreakdownsTally",
    "breakdowns_section",
    "breakdowns_tally",
]

#: B-1: the locale row of users without a locale.
DEFAULT_LOCALE = "default"
#: B-3: the send modes, in the order of their rows (a missing mode is ``default``).
SEND_MODES = ("bts", "default", "most_active")

Cell = tuple[str, str | None]
RowKey = tuple[str | None, str | None]


def breakdowns_section(
    views: Sequence[MessageView],
    campaign: Campaign,
    recipients: Mapping[str, Recipient] | None,
    attribution: Attribution,
    selected_type: str,
) -> Breakdowns:
    """B-1, B-3, B-4 under the report's attribution type (A-12), in one pass.

    >>> from campaign_metrics.metrics import attribute
    >>> from campaign_metrics.model import Campaign, Recipient
    >>> campaign = Campaign(id="c1", name="Spring", channel="sms")
    >>> recipients = {"u1": Recipient("u1", locale="en"), "u2": Recipient("u2", locale="fr")}
    >>> views = [
    ...     MessageView.sent_message("u1", send_us=0, outcome=Outcome.DELIVERED, receipt_us=1),
    ...     MessageView.sent_message("u2", send_us=0, outcome=Outcome.SENT_AS_SMS),
    ... ]
    >>> a = attribute(views, campaign, {}, as_of=10)
    >>> b = breakdowns_section(views, campaign, recipients, a, "view_through")
    >>> [(r.locale, r.delivered) for r in b.locale_variation]  # B-1: None is the whole
    [(None, 1), ('en', 1), ('fr', 0)]
    """
    tally = breakdowns_tally(views, campaign, recipients, attribution, selected_type)
    return tally.section(campaign, selected_type)


@attrs.define(slots=True)
class BreakdownsTally:
    """What :func:`breakdowns_section` counts, mergeable over disjoint sets of users:
    each row's message counts and its conversions under the report's type (A-12)."""

    rows: dict[RowKey, list[int]] = attrs.field(factory=dict)  # B-1
    row_goals: dict[RowKey, GoalTallies] = attrs.field(factory=dict)
    modes: dict[str, list[int]] = attrs.field(factory=dict)  # B-3: sent, delivered, clicked
    mode_goals: dict[str, GoalTallies] = attrs.field(factory=dict)
    timezone: list[int] = attrs.field(factory=lambda: [0, 0, 0])  # B-4

    def __iadd__(self, other: BreakdownsTally) -> BreakdownsTally:
        add_lists(self.rows, other.rows)
        add_lists(self.modes, other.modes)
        _add_goals(self.row_goals, other.row_goals)
        _add_goals(self.mode_goals, other.mode_goals)
        self.timezone = [a + b for a, b in zip(self.timezone, other.timezone)]
        return self

    def section(self, campaign: Campaign, selected_type: str) -> Breakdowns:
        """The ``breakdowns`` section of these counts (rows in the module's order)."""
        defined = type_defined(campaign, selected_type)
        tracked = campaign.delivery_tracked
        clicks_on = campaign.click_tracking
        zero = [GoalTally() for _ in campaign.goals]

        def conversions(tallies: GoalTallies | None, denominator: int) -> AttributionResult:
            if not defined:
                return AttributionResult()  # A-10, CH-3
            return attribution_result(tallies or zero, campaign, denominator)

        rows = []
        for key in sorted(self.rows, key=_sort_key):
            attempted, sent, failed, delivered, total_clicks, clickers = self.rows[key]
            # the campaign's CVR denominator, Delivered or Sent when sent-only
            conv = conversions(self.row_goals.get(key), delivered if tracked else sent)
            all_locales = key[0] is None  # B-1: delivery counts only in all-locales rows
            rows.append(
                LocaleVariationRow(
                    locale=key[0],
                    variation=key[1],
                    attempted=attempted if all_locales else None,
                    sent=sent if all_locales else None,
                    failed_to_send=failed if all_locales else None,
                    delivered=delivered if tracked else None,  # CH-2
                    total_clicks=total_clicks if clicks_on else None,  # CH-3
                    unique_clickers=clickers if clicks_on else None,
                    converted_users=conv.converted_users,
                    conversion_events=conv.conversion_events,
                    cvr=conv.cvr,
                    revenue=conv.revenue,
                    goals=conv.goals,
                )
            )
        modes = []
        for mode in [*SEND_MODES, *sorted(set(self.modes) - set(SEND_MODES))]:
            sent, delivered, clickers = self.modes.get(mode, (0, 0, 0))
            conv = conversions(self.mode_goals.get(mode), 0)
            modes.append(
                SendModeRow(
                    mode=mode,
                    sent=sent,
                    delivered=delivered if tracked else None,  # CH-2
                    unique_clickers=clickers if clicks_on else None,
                    converted_users=conv.converted_users,  # CH-3
                )
            )
        user, lapsed, unknown = self.timezone
        return Breakdowns(
            locale_variation=tuple(rows),
            send_mode=tuple(modes),
            timezone=TimezoneSection(user=user, default_lapsed=lapsed, unknown=unknown),
        )


def breakdowns_tally(
    views: Sequence[MessageView],
    campaign: Campaign,
    recipients: Mapping[str, Recipient] | None,
    attribution: Attribution,
    selected_type: str,
) -> BreakdownsTally:
    """B-1, B-3, B-4: the counts of :func:`breakdowns_section`, in one pass."""
    tally = _tally(views, recipients, attribution)
    # every row's counts: its cells' counts added up (a message is in one cell); a cell
    # (L, V) adds to (L, V), to its locale's row (L, None), to its variation's row
    # (None, V) and to the whole campaign; a cell without a variation to (L, None) and the
    # whole campaign only
    rows: dict[RowKey, list[int]] = {(None, None): [0] * 6}
    if recipients is not None:
        for cell in {(p.locale or DEFAULT_LOCALE, p.variation) for p in recipients.values()}:
            for key in _row_keys(cell):
                rows.setdefault(key, [0] * 6)
    for cell, counts in tally.cells.items():
        for key in _row_keys(cell):
            total = rows.setdefault(key, [0] * 6)
            for i, n in enumerate(counts):
                total[i] += n
    out = BreakdownsTally(
        rows=rows,
        modes=tally.modes,
        timezone=[tally.tz_user, tally.tz_lapsed, tally.tz_unknown],
    )
    if not type_defined(campaign, selected_type):
        return out
    # type_result reads the selected type's messages only: the others are not filtered
    per = attribution.by_type[selected_type]
    if not per:
        return out  # nothing attributed: every row's conversions are zeros
    key_cell = tally.key_cell
    for row in rows:
        wanted = _members(row, key_cell)
        only = Attribution(
            {selected_type: {k: v for k, v in per.items() if wanted(k)}}, attribution.events
        )
        out.row_goals[row] = goal_tallies(only, selected_type, campaign)
    key_mode = tally.key_mode
    for mode in tally.modes:
        only = Attribution(
            {selected_type: {k: v for k, v in per.items() if key_mode.get(k) == mode}},
            attribution.events,
        )
        out.mode_goals[mode] = goal_tallies(only, selected_type, campaign)
    return out


def _add_goals(into: dict[Any, GoalTallies], other: dict[Any, GoalTallies]) -> None:
    for key, tallies in other.items():
        if key in into:
            add_goal_tallies(into[key], tallies)
        else:
            into[key] = [GoalTally(t.events, t.converted, t.revenue) for t in tallies]


def _members(row: RowKey, key_cell: Mapping[MessageKey, Cell]) -> Callable[[MessageKey], bool]:
    """B-1: whether an attributed message is in a row."""
    locale, variation = row
    if locale is None and variation is None:
        return lambda k: k in key_cell
    if locale is None:
        return lambda k: (c := key_cell.get(k)) is not None and c[1] == variation
    if variation is None:
        return lambda k: (c := key_cell.get(k)) is not None and c[0] == locale
    return lambda k: key_cell.get(k) == row


def _cell(user_id: str, recipients: Mapping[str, Recipient] | None) -> Cell:
    person = recipients.get(user_id) if recipients is not None else None
    if person is None:
        return (DEFAULT_LOCALE, None)
    return (person.locale or DEFAULT_LOCALE, person.variation)


def _sort_key(key: RowKey) -> tuple[int, str, int, str]:
    locale, variation = key
    if locale is None:
        return (0 if variation is None else 1, "", 0, variation or "")
    return (2, locale, 0 if variation is None else 1, variation or "")


# the counts of a group of messages: attempted, sent, failed to send, delivered,
# counted clicks, messages with a counted click
_ATTEMPTED, _SENT, _FAILED, _DELIVERED, _CLICKS, _CLICKERS = range(6)


class _Tally:
    """What one pass over the views gathers for the three breakdowns."""

    __slots__ = (
        "cells",
        "key_cell",
        "key_mode",
        "modes",
        "tz_lapsed",
        "tz_unknown",
        "tz_user",
    )

    def __init__(self) -> None:
        self.cells: dict[Cell, list[int]] = {}  # B-1: counts per (locale, variation)
        # B-3: sent, delivered and clicked messages per send mode
        self.modes: dict[str, list[int]] = {m: [0, 0, 0] for m in SEND_MODES}
        self.key_cell: dict[MessageKey, Cell] = {}  # the cell of each attributed message
        self.key_mode: dict[MessageKey, str] = {}  # the mode of each attributed sent message
        self.tz_user = self.tz_lapsed = self.tz_unknown = 0


def _tally(
    views: Iterable[MessageView],
    recipients: Mapping[str, Recipient] | None,
    attribution: Attribution,
) -> _Tally:
    tally = _Tally()
    cells = tally.cells
    modes = tally.modes
    # attributed messages are few: only their rows' membership is remembered
    attributed: set[MessageKey] = set()
    for per in attribution.by_type.values():
        attributed.update(per)
    attributed_users = {k[0] for k in attributed}
    # a recipient's (locale, variation) as written → its cell and the cell's counts (one
    # list per cell, shared by the writings of the same cell)
    by_raw: dict[tuple[str | None, str | None], tuple[Cell, list[int]]] = {}
    default_cell: Cell = (DEFAULT_LOCALE, None)
    default_entry: tuple[Cell, list[int]] | None = None
    get_person = recipients.get if recipients is not None else None
    delivered_outcome = Outcome.DELIVERED
    # B-3, B-4: counted per raw send-record value, named at the end
    by_mode_raw: dict[str | None, list[int]] = {}
    by_tz_raw: dict[str | None, int] = {}
    tz_get = by_tz_raw.get
    for v in views:
        user = v.user_id
        person = get_person(user) if get_person is not None else None
        if person is None:
            if default_entry is None:
                default_entry = (default_cell, cells.setdefault(default_cell, [0] * 6))
            cell, counts = default_entry
        else:
            raw = (person.locale, person.variation)
            entry = by_raw.get(raw)
            if entry is None:
                cell = (person.locale or DEFAULT_LOCALE, person.variation)
                entry = by_raw[raw] = (cell, cells.setdefault(cell, [0] * 6))
            cell, counts = entry
        sent = v.sent
        if user in attributed_users:
            key = (user, v.instance_id)
            if key in attributed:
                tally.key_cell[key] = cell
                if sent:
                    tally.key_mode[key] = str(v.send_mode or "default")
        if not v.attempted:
            continue
        counts[_ATTEMPTED] += 1
        if sent:
            counts[_SENT] += 1
            send = v.send
            raw_mode = None if send is None else send[2]
            by_mode = by_mode_raw.get(raw_mode)
            if by_mode is None:
                by_mode = by_mode_raw[raw_mode] = [0, 0, 0]
            by_mode[0] += 1
            if v.outcome == delivered_outcome:
                counts[_DELIVERED] += 1
                by_mode[1] += 1
            clicks = v.clicks
            if clicks:  # K-1..K-3: counted clicks of Sent messages
                counts[_CLICKS] += len(clicks)
                counts[_CLICKERS] += 1
                by_mode[2] += 1
            raw_tz = None if send is None else send[3]
            by_tz_raw[raw_tz] = tz_get(raw_tz, 0) + 1
        elif v.failed_to_send:
            counts[_FAILED] += 1
    for raw_mode, counted in by_mode_raw.items():
        # MessageView.send_mode, then the row's name as send_mode_rows writes it
        mode = str(raw_mode or "default")
        total = modes.setdefault(mode, [0, 0, 0])
        for i, n in enumerate(counted):
            total[i] += n
    tz_user = tz_lapsed = tz_unknown = 0
    for raw_tz, n in by_tz_raw.items():
        tz = None if raw_tz is None else str(raw_tz)
        if tz == "user":
            tz_user += n
        elif tz == "default_lapsed":
            tz_lapsed += n
        else:
            tz_unknown += n
    tally.tz_user, tally.tz_lapsed, tally.tz_unknown = tz_user, tz_lapsed, tz_unknown
    return tally


def _row_keys(cell: Cell) -> tuple[RowKey, ...]:
    """B-1: the rows a cell's messages are counted in, the whole campaign's last."""
    locale, variation = cell
    if variation is None:
        return ((locale, None), (None, None))
    return (cell, (locale, None), (None, variation), (None, None))


def timezone_section(views: Sequence[MessageView]) -> TimezoneSection:
    """B-4: Sent messages by where their send time was taken (no ``tz_mode``: unknown)."""
    user = lapsed = unknown = 0
    for v in views:
        if not v.sent:
            continue
        mode = None if v.tz_mode is None else str(v.tz_mode)
        if mode == "user":
            user += 1
        elif mode == "default_lapsed":
            lapsed += 1
        else:
            unknown += 1
    return TimezoneSection(user=user, default_lapsed=lapsed, unknown=unknown)

"""Breakdowns: locale × variation (B-1), send mode (B-3), time-zone delivery (B-4).

Locale × variation rows (``locale_variation``), in this order:

1. the whole campaign: ``locale`` and ``variation`` both ``None``;
2. each variation over all locales: ``locale`` ``None``, variations by code point;
3. each (locale, variation) cell, by locale then variation (code point), the users
   without a variation first within their locale.

A user's locale and variation are those of their row of recipients.csv. A user without
a locale (or without a row) is in the ``default`` locale (B-1). **Decision:** a user
without a variation is in the cells ``(locale, None)`` — ``variation: None`` beside a
locale means "no variation" — and has no all-locales row of their own, since that row
would carry the keys of the whole-campaign row; they are counted in the whole-campaign
row, so that:

- for each variation, its cells sum to its all-locales row;
- all cells sum to the whole-campaign row, and so do the all-locales variation rows plus
  the cells without a variation (when no user has a variation, the cells alone).

Events sum too: a conversion is one user's event, and a user is in one cell. A row
exists for every (locale, variation) of a message of the report or of recipients.csv
(zeros included); the whole-campaign row always exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ..model import Campaign, Recipient
from ..report import (
    AttributionResult,
    Breakdowns,
    LocaleVariationRow,
    SendModeRow,
    TimezoneSection,
)
from .attribution import Attribution, MessageKey, type_defined, type_result
from .views import MessageView, Outcome

__all__ = ["DEFAULT_LOCALE", "SEND_MODES", "breakdowns_section"]

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
    """B-1, B-3, B-4 under the report's attribution type (A-12)."""
    return Breakdowns(
        locale_variation=locale_variation_rows(
            views, campaign, recipients, attribution, selected_type
        ),
        send_mode=send_mode_rows(views, campaign, attribution, selected_type),
        timezone=timezone_section(views),
    )


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


def locale_variation_rows(
    views: Sequence[MessageView],
    campaign: Campaign,
    recipients: Mapping[str, Recipient] | None,
    attribution: Attribution,
    selected_type: str,
) -> tuple[LocaleVariationRow, ...]:
    """B-1: the rows of the module docstring, in its order."""
    members: defaultdict[RowKey, list[MessageView]] = defaultdict(list)
    members[(None, None)] = []
    if recipients is not None:
        for user_id in recipients:
            cell = _cell(user_id, recipients)
            members.setdefault(cell, [])
            if cell[1] is not None:
                members.setdefault((None, cell[1]), [])
    for v in views:
        locale, variation = _cell(v.user_id, recipients)
        members[(locale, variation)].append(v)
        if variation is not None:
            members[(None, variation)].append(v)
        members[(None, None)].append(v)
    rows = [
        _locale_variation_row(key, members[key], campaign, attribution, selected_type)
        for key in sorted(members, key=_sort_key)
    ]
    return tuple(rows)


def _conversions(
    views: Iterable[MessageView],
    campaign: Campaign,
    attribution: Attribution,
    selected_type: str,
    denominator: int,
) -> AttributionResult:
    """The selected type's conversions of some messages, as the campaign computes them."""
    if not type_defined(campaign, selected_type):
        return AttributionResult()  # A-10, CH-3
    keys: list[MessageKey] = [v.key for v in views]
    return type_result(attribution.restricted(keys), selected_type, campaign, denominator)


def _locale_variation_row(
    key: RowKey,
    views: Sequence[MessageView],
    campaign: Campaign,
    attribution: Attribution,
    selected_type: str,
) -> LocaleVariationRow:
    tracked = campaign.delivery_tracked
    clicks_on = campaign.click_tracking
    attempted = sent = failed = delivered = total_clicks = clickers = 0
    for v in views:
        if not v.attempted:
            continue
        attempted += 1
        if v.sent:
            sent += 1
            if v.outcome == Outcome.DELIVERED:
                delivered += 1
            if v.clicks:  # K-1..K-3: counted clicks of Sent messages
                total_clicks += len(v.clicks)
                clickers += 1
        elif v.failed_to_send:
            failed += 1
    # the campaign's CVR denominator, Delivered or Sent when sent-only
    conv = _conversions(views, campaign, attribution, selected_type, delivered if tracked else sent)
    all_locales = key[0] is None  # B-1: delivery counts only in the all-locales rows
    return LocaleVariationRow(
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


def send_mode_rows(
    views: Sequence[MessageView],
    campaign: Campaign,
    attribution: Attribution,
    selected_type: str,
) -> tuple[SendModeRow, ...]:
    """B-3: Sent messages by the send mode of their earliest 200 send (D-1).

    One row per mode of :data:`SEND_MODES`, zeros included, in that order.
    """
    by_mode: dict[str, list[MessageView]] = {mode: [] for mode in SEND_MODES}
    for v in views:
        if v.sent:
            by_mode.setdefault(str(v.send_mode or "default"), []).append(v)
    tracked = campaign.delivery_tracked
    clicks_on = campaign.click_tracking
    rows = []
    for mode in [*SEND_MODES, *sorted(set(by_mode) - set(SEND_MODES))]:
        members = by_mode[mode]
        delivered = sum(1 for v in members if v.outcome == Outcome.DELIVERED)
        conv = _conversions(members, campaign, attribution, selected_type, 0)
        rows.append(
            SendModeRow(
                mode=mode,
                sent=len(members),
                delivered=delivered if tracked else None,  # CH-2
                unique_clickers=sum(1 for v in members if v.clicks) if clicks_on else None,
                converted_users=conv.converted_users,  # CH-3
            )
        )
    return tuple(rows)


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

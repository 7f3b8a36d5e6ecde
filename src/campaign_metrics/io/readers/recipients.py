"""recipients.csv, a row at a time (F-1..F-4)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path

from ...errors import InputError
from ...model import (
    Group,
    Recipient,
    _checked_recipient,
)
from .files import RECIPIENT_COLUMNS, PathLike, _iter_csv


def _recipient(row: dict[str, str]) -> Recipient:
    """The full path: one recipients.csv row (column → cell) to a validated Recipient."""
    user = row.get("user_id", "").strip()
    if not user:
        raise InputError(field="user_id", expected="a user id", got=row.get("user_id") or None)
    values = {k: (row.get(k) or "").strip() or None for k in RECIPIENT_COLUMNS[1:]}
    for key in ("locale", "variation", "timezone"):  # few distinct values: shared strings
        if values[key] is not None:
            values[key] = sys.intern(values[key])  # type: ignore[arg-type]
    group = values.pop("group")
    if group is not None and group not in ("target", "control"):
        raise InputError(field="group", expected="'target', 'control' or empty", got=group)
    return Recipient(user_id=user, group=group, **values)


_GROUPS: dict[str, Group] = {g.value: g for g in Group}


def _recipient_builder(header: list[str]) -> Callable[[list[str]], Recipient]:
    """The fast path of recipients.csv: a builder of a row's cell list.

    A row whose user id is non-empty and whose group is empty or known is plainly valid
    (the only checks :func:`_recipient` makes on text cells), so its
    :class:`~campaign_metrics.Recipient` is built without re-running the validation;
    any other row goes through :func:`_recipient`, which raises the located error.
    Repeated texts (locale, variation, time zone) are shared: one string object each.
    """
    index = {h: i for i, h in enumerate(header)}  # a repeated column: the last cell wins
    if any(c not in index for c in RECIPIENT_COLUMNS):
        return lambda row: _recipient(dict(zip(header, row)))
    cells = itemgetter(*(index[c] for c in RECIPIENT_COLUMNS))
    groups = _GROUPS
    intern = sys.intern

    def build(row: list[str]) -> Recipient:
        user, mobile, locale, variation, zone, group_text = cells(row)
        user = user.strip()
        group_text = group_text.strip()
        group = groups.get(group_text) if group_text else None
        if not user or (group is None and group_text):
            return _recipient(dict(zip(header, row)))  # raises the row's error
        mobile = mobile.strip()
        locale = locale.strip()
        variation = variation.strip()
        zone = zone.strip()
        return _checked_recipient(
            user,
            mobile or None,
            intern(locale) if locale else None,
            intern(variation) if variation else None,
            intern(zone) if zone else None,
            group,
        )

    return build


def iter_recipients(
    path: PathLike, *, name: str | None = None
) -> Iterator[tuple[int, Recipient | InputError]]:
    """Stream the rows of recipients.csv."""
    p = Path(path)
    return _iter_csv(
        p, name or p.name, RECIPIENT_COLUMNS, ("user_id",), _recipient, None, _recipient_builder
    )

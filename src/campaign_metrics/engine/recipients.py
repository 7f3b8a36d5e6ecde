"""A campaign's recipients list: one row per user, and D-10 over its repeated rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..canonical import json_key
from ..model import Recipient

__all__ = ["recipient_map", "recipient_repeats"]

Recipients = Mapping[str, Recipient] | Iterable[Recipient] | None


def recipient_map(recipients: Recipients) -> dict[str, Recipient] | None:
    """The recipients by user id; a repeated ``user_id`` keeps the row whose canonical
    form sorts first (FORMATS.md)."""
    if recipients is None:
        return None
    if isinstance(recipients, Mapping):
        return dict(recipients)
    out: dict[str, Recipient] = {}
    for r in recipients:
        kept = out.get(r.user_id)
        if kept is None or _canonical(r) < _canonical(kept):
            out[r.user_id] = r
    return out


def recipient_repeats(recipients: Recipients) -> tuple[int, int] | None:
    """D-10 over rows of recipients.csv, identity ``user_id`` (FORMATS.md): per user,
    duplicates = rows − distinct contents and id_conflicts = distinct contents − 1.
    ``None`` without a recipients list."""
    if recipients is None:
        return None
    if isinstance(recipients, Mapping):
        return (0, 0)
    rows: dict[str, int] = {}
    contents: dict[str, set[str]] = {}
    for r in recipients:
        rows[r.user_id] = rows.get(r.user_id, 0) + 1
        contents.setdefault(r.user_id, set()).add(_canonical(r))
    distinct = sum(len(c) for c in contents.values())
    return (sum(rows.values()) - distinct, distinct - len(contents))


def _canonical(r: Recipient) -> str:
    return json_key(
        {
            k: v
            for k, v in (
                ("user_id", r.user_id),
                ("mobile_number", r.mobile_number),
                ("locale", r.locale),
                ("variation", r.variation),
                ("timezone", r.timezone),
                ("group", r.group.value if r.group else None),
            )
            if v is not None
        }
    )

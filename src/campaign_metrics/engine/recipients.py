"""A campaign's recipients list: one row per user, and D-10 over its repeated rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..canonical import json_key
from ..model import Recipient

__all__ = ["Recipients", "recipient_table"]

Recipients = Mapping[str, Recipient] | Iterable[Recipient] | None


def recipient_table(
    recipients: Recipients,
) -> tuple[dict[str, Recipient] | None, tuple[int, int] | None]:
    """The recipients by user id, and D-10 over the rows of recipients.csv.

    Identity ``user_id`` (FORMATS.md): a repeated ``user_id`` keeps the row whose
    canonical form sorts first; per user, duplicates = rows − distinct contents and
    id_conflicts = distinct contents − 1. ``(None, None)`` without a list. One pass; the
    canonical form is written only for the rows of a repeated user id.
    """
    if recipients is None:
        return None, None
    if isinstance(recipients, Mapping):
        return dict(recipients), (0, 0)
    out: dict[str, Recipient] = {}
    repeated: dict[str, list[Recipient]] = {}
    for r in recipients:
        kept = out.get(r.user_id)
        if kept is None:
            out[r.user_id] = r
        else:
            repeated.setdefault(r.user_id, [kept]).append(r)
    duplicates = conflicts = 0
    for user, rows in repeated.items():
        forms = {_canonical(r): r for r in rows}
        out[user] = forms[min(forms)]
        duplicates += len(rows) - len(forms)
        conflicts += len(forms) - 1
    return out, (duplicates, conflicts)


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

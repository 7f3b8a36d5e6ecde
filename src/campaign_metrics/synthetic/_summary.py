"""The summary of a written campaign directory and the generator's running counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen(kw_only=True)
class SyntheticSummary:
    """What :func:`write_campaign_dir` wrote, with the deliberate imperfections counted.

    ``events`` and ``conversions`` count well-formed records; ``bad_event_lines`` and
    ``bad_conversion_lines`` the deliberate bad lines besides them. ``messages`` counts the
    (user, instance) journeys of target users; ``receipts_without_send`` and
    ``receipts_before_send`` count messages (D-12); ``delivery_conflicts`` counts Delivered
    messages with a later failure (D-11) and ``repeated_receipts`` those with a second
    ``delivered`` under another event id (each message has at most one of the two);
    ``out_of_order`` counts records moved later by the local shuffle.

    >>> SyntheticSummary(recipients=1).to_dict()["recipients"]
    1
    """

    recipients: int = 0
    control_users: int = 0
    invalid_numbers: int = 0
    duplicate_numbers: int = 0
    messages: int = 0
    sent: int = 0
    events: int = 0
    conversions: int = 0
    bad_event_lines: int = 0
    bad_conversion_lines: int = 0
    exact_duplicates: int = 0
    delivery_conflicts: int = 0
    repeated_receipts: int = 0
    receipts_without_send: int = 0
    receipts_before_send: int = 0
    ignored_receipts: int = 0
    expired_clicks: int = 0
    conversions_outside_window: int = 0
    out_of_order: int = 0
    events_by_type: Mapping[str, int] = attrs.field(factory=dict, converter=_counts, hash=False)
    bad_lines_by_kind: Mapping[str, int] = attrs.field(factory=dict, converter=_counts, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The summary as a JSON-ready mapping."""
        out = attrs.asdict(self, recurse=False)
        out["events_by_type"] = dict(self.events_by_type)
        out["bad_lines_by_kind"] = dict(self.bad_lines_by_kind)
        return out


class _Tally:
    """The generator's running counts (a mutable twin of the summary's fields)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

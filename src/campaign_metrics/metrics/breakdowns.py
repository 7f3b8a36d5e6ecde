"""Breakdowns: locale × variation (B-1), send mode (B-3), time-zone delivery (B-4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Campaign, Recipient
from ..report import Breakdowns
from .attribution import Attribution
from .views import MessageView

__all__ = ["breakdowns_section"]


def breakdowns_section(
    views: Sequence[MessageView],
    campaign: Campaign,
    recipients: Mapping[str, Recipient] | None,
    attribution: Attribution,
    selected_type: str,
) -> Breakdowns:
    """B-1, B-3, B-4 (not computed yet: every value null)."""
    return Breakdowns()

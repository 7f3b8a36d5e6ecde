"""The daily series (T-1): calendar days of the app's time zone."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Campaign
from ..report import DailyRow
from .attribution import Attribution
from .views import MessageView

__all__ = ["daily_section"]


def daily_section(
    views: Sequence[MessageView],
    campaign: Campaign,
    attribution: Attribution,
    selected_type: str,
    as_of: int | None,
) -> tuple[DailyRow, ...] | None:
    """T-1 (not computed yet: null)."""
    return None

"""Uplift against the control group and comparisons of variations (B-2, X-3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..engine import ConversionRecord
from ..model import Campaign, Recipient
from ..report import Uplift
from .views import MessageView

__all__ = ["uplift_section"]


def uplift_section(
    views: Sequence[MessageView],
    campaign: Campaign,
    recipients: Mapping[str, Recipient] | None,
    conversions: Mapping[str, list[ConversionRecord]],
    as_of: int,
) -> tuple[Uplift | None, list[str]]:
    """B-2, X-3: the comparisons and their warnings (not computed yet: null)."""
    return None, []

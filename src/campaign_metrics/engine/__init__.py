"""The engine: fold a log into mergeable per-message state, and resolve it as of T.

- :mod:`.campaign` — :class:`CampaignAccumulator`, one campaign's state, a record at a
  time (:mod:`.folding` holds what each event type does);
- :mod:`.message` — one message's state, every field with its declared merge
  (:mod:`.merging`);
- :mod:`.conversions` — the run's conversions per user (A-6);
- :mod:`.as_of` — state → :class:`~campaign_metrics.metrics.types.MessageView` (D-7);
- :mod:`.run` — :class:`RunAccumulator`, the campaigns of a run and their reports.
"""

from __future__ import annotations

from ..identity import (
    HASH8,
    KEY_FIELDS,
    RejectedRecord,
    count_distinct_ids,
    event_key,
    key_cell,
    record_pair,
)
from ..metrics.types import ConversionRecord
from .as_of import resolve
from .campaign import CampaignAccumulator, MessageKey, split_key
from .conversions import ConversionPool
from .merging import UNION_PAIRS as merge_pairs
from .message import MessageState
from .run import RunAccumulator

__all__ = [
    "HASH8",
    "KEY_FIELDS",
    "CampaignAccumulator",
    "ConversionPool",
    "ConversionRecord",
    "MessageKey",
    "MessageState",
    "RejectedRecord",
    "RunAccumulator",
    "count_distinct_ids",
    "event_key",
    "key_cell",
    "merge_pairs",
    "record_pair",
    "resolve",
    "split_key",
]

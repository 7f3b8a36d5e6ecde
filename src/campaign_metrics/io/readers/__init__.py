"""Streaming readers of the campaign-directory files (FORMATS.md).

Every reader yields ``(line, record_or_error)`` pairs one record at a time, so a log of
any size is never held in memory. ``line`` is the record's physical line, 1-based (a
CSV's header is line 1). A bad record comes out as an :class:`InputError` located at its
file, line and field; the caller decides (strict: raise, lenient: keep it in
``data_quality.rejected``).
"""

from __future__ import annotations

from .conversions import ConversionsRead, fold_conversions
from .files import RECIPIENT_COLUMNS, ProgressFn, iter_conversions, iter_events, read_campaign
from .files import _ByteCounter as _ByteCounter
from .files import _iter_csv as _iter_csv
from .files import _jsonl_record as _jsonl_record
from .files import _open_text as _open_text
from .files import csv_header as csv_header
from .files import csv_records as csv_records
from .recipients import _recipient as _recipient
from .recipients import _recipient_builder as _recipient_builder
from .recipients import iter_recipients

__all__ = [
    "RECIPIENT_COLUMNS",
    "ConversionsRead",
    "ProgressFn",
    "fold_conversions",
    "iter_conversions",
    "iter_events",
    "iter_recipients",
    "read_campaign",
]

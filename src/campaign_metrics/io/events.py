"""The hot path: events files folded straight into the engine, without an object per event.

Creating one frozen, validated :class:`~campaign_metrics.MessageEvent` per record costs
more than the whole fold, so the readers check each record with cheap tests and hand
its plain values to :meth:`CampaignAccumulator.fold_record`, in batches of lines column
by column (:mod:`.columns`, :mod:`.events_csv`, :mod:`.events_jsonl`). Any record that is
not plainly valid goes through the full path (:func:`event_from_mapping`), which either
builds the event or raises the located :class:`InputError`: every path accepts exactly
the same records and folds exactly the same values (property tests hold them equal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .events_csv import fold_csv
from .events_jsonl import fold_jsonl
from .frames import fold_event_rows, parquet_rows
from .opening import is_csv, is_parquet
from .readers import ProgressFn
from .sinks import EventSink
from .spans import Span

__all__ = ["fold_events_file"]

BadFn = Callable[[InputError, int], None]


def fold_events_file(
    acc: EventSink,
    path: Path,
    *,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None = None,
    span: Span | None = None,
) -> None:
    """Fold ``events.jsonl`` or ``events.csv`` (or one ``span`` of it, see
    :mod:`.spans`), compressed or not (:mod:`.opening`), or ``events.parquet``
    (:mod:`.frames`) into ``acc``; bad records go to ``on_bad``."""
    if is_parquet(path):  # rows, not lines: there are no byte spans to fold
        fold_event_rows(acc, parquet_rows(path), path.name, naive_zone=naive_zone, on_bad=on_bad)
    elif is_csv(path):
        fold_csv(acc, path, naive_zone, on_bad, progress, span)
    else:
        fold_jsonl(acc, path, naive_zone, on_bad, progress, span)

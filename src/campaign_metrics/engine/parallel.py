"""One events file folded on several local processes, the states merged as Dask merges.

:func:`fold_in_parallel` cuts the file into line-aligned byte ranges
(:func:`~campaign_metrics.io.spans.line_spans`), folds each on a process of a
:class:`concurrent.futures.ProcessPoolExecutor` into an empty accumulator of the same
campaign, and merges the parts in file order (the merge is exact: folding any split of
a log and merging equals folding the whole). Bad records come back with their file line
and go to the caller's handler in file order, so lenient and strict mode behave as on
one process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..errors import ConfigurationError, InputError
from ..io.events import fold_events_file
from ..io.spans import Span, line_spans
from ..model import Campaign
from .campaign import CampaignAccumulator

__all__ = ["check_workers", "fold_in_parallel"]

#: A file smaller than this per process is not cut (processes cost more than they save).
MIN_SPAN_BYTES = 1 << 20
BadFn = Callable[[InputError, int], None]
ProgressFn = Callable[[int, int], None]


def check_workers(workers: object) -> int:
    """The number of processes to fold on: a whole number ≥ 1."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigurationError(
            f"workers must be a whole number of processes, 1 or more (got {workers!r})",
            field="workers",
        )
    return workers


def _fold_span(
    campaign: Campaign, path: Path, span: Span, naive_zone: dt.tzinfo | None
) -> tuple[CampaignAccumulator, list[tuple[InputError, int]]]:
    """One process's part: the span folded, and its bad records with their lines."""
    acc = CampaignAccumulator(campaign)
    bad: list[tuple[InputError, int]] = []
    fold_events_file(
        acc,
        path,
        naive_zone=naive_zone,
        on_bad=lambda error, line: bad.append((error, line)),
        span=span,
    )
    return acc, bad


def fold_in_parallel(
    acc: CampaignAccumulator,
    path: Path,
    *,
    workers: int,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None = None,
) -> bool:
    """Fold ``path`` into ``acc`` on ``workers`` processes. ``False`` (nothing done)
    when the file is not worth cutting or cannot be cut (see
    :func:`~campaign_metrics.io.spans.line_spans`): the caller folds it on one."""
    spans = line_spans(path, workers, csv=path.suffix.lower() == ".csv", smallest=MIN_SPAN_BYTES)
    if len(spans) == 1:
        return False
    with ProcessPoolExecutor(max_workers=min(workers, len(spans))) as pool:
        futures = [pool.submit(_fold_span, acc.campaign, path, s, naive_zone) for s in spans]
        bad: list[tuple[InputError, int]] = []
        for span, future in zip(spans, futures):
            part, part_bad = future.result()
            acc.merge_in(part, consume=True)
            bad.extend(part_bad)
            if progress is not None:
                progress(span.end, acc.records)
    for error, line in bad:
        on_bad(error, line)
    return True

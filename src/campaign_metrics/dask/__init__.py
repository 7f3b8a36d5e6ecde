"""Past one machine: reports computed on a Dask cluster, equal to one process's.

:func:`analyze` takes what :func:`campaign_metrics.analyze` takes — campaign
directories, shared conversions files, ``as_of``, ``attribution``, ``date_range``,
``strict``, ``naive_tz``, ``on_reject`` — and a Dask ``client`` (or ``scheduler``). The
workers read every events file (``events*.jsonl`` / ``events*.csv``, ``.gz`` too, in the
directory or its ``events/`` subdirectory; big plain files in byte ranges), cut the
state by user into parts, and reduce each part to a mergeable report partial
(:class:`~campaign_metrics.metrics.RunPartial`); F-4's distinct numbers and D-10's
distinct identities are settled by key group, and B-2's first send attempt is the least
of the parts'. The client receives one merged partial and formats the reports: its work
does not grow with the log. The reports equal :func:`campaign_metrics.analyze`'s,
exactly, however the logs are split over files (``tests/test_dask.py``).

The older, state-level functions (:func:`report_files`, :func:`report_bag`, the
``accumulate_*`` and ``fold_*`` ones) merge every message's state on the client: keep
them for small runs and for callers who report one state several times.

Needs the ``dask`` extra: ``pip install 'campaign-metrics[dask]'``.

>>> from distributed import Client  # doctest: +SKIP
>>> from campaign_metrics.dask import analyze  # doctest: +SKIP
>>> with Client("tcp://scheduler:8786") as client:  # doctest: +SKIP
...     [report] = analyze("campaigns/spring", client=client)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError, MissingDependencyError
from ..gc_pause import paused_gc
from ..identity import RejectedRecord
from ..metrics.assemble import check_parameters
from ..options import date_range_of, instant_of, naive_zone_of
from ..report import Report
from ..timezones import to_us
from ._graph import PIECE_BYTES, CampaignFiles, campaign_files, run_graph
from ._legacy import (
    accumulate_bag,
    accumulate_files,
    fold_events,
    fold_file,
    merge_accumulators,
    report_bag,
    report_files,
)
from ._tasks import pause_collector, resume_collector

__all__ = [
    "CampaignFiles",
    "accumulate_bag",
    "accumulate_files",
    "analyze",
    "campaign_files",
    "collector_paused",
    "fold_events",
    "fold_file",
    "merge_accumulators",
    "report_bag",
    "report_files",
]

PathLike = str | os.PathLike[str]


def _dask() -> Any:
    try:
        import dask
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError("dask", "dask") from None
    return dask


def _default_parts(client: Any) -> int:
    """Two parts per worker thread of the cluster (8 without a cluster)."""
    if client is None:
        return 8
    try:
        threads = sum(client.nthreads().values())
    except Exception:
        return 8
    return max(2, 2 * int(threads))


@contextmanager
def collector_paused(client: Any) -> Iterator[None]:
    """The cyclic garbage collector paused on the client and on every worker for the
    run (as one process pauses it for its bulk loops), and restored after it."""
    with paused_gc():
        if client is None:
            yield
            return
        client.run(pause_collector)
        try:
            yield
        finally:
            client.run(resume_collector)


def _workers(client: Any) -> list[str]:
    """The cluster's worker addresses, in a stable order (none without a client)."""
    if client is None:
        return []
    try:
        return sorted(client.scheduler_info()["workers"])
    except Exception:
        return []


def analyze(
    *campaigns: PathLike | CampaignFiles,
    conversions: PathLike | Sequence[PathLike] | None = None,
    as_of: dt.datetime | str | None = None,
    attribution: str = "view_through",
    date_range: tuple[dt.date | str, dt.date | str] | None = None,
    strict: bool = False,
    naive_tz: str | dt.tzinfo | None = None,
    on_reject: Callable[[RejectedRecord], None] | None = None,
    client: Any = None,
    scheduler: Any = None,
    parts: int | None = None,
    split_every: int = 8,
    piece_bytes: int = PIECE_BYTES,
) -> list[Report]:
    """Reports for campaign directories computed on Dask, equal to
    :func:`campaign_metrics.analyze`'s.

    ``client`` is a ``distributed.Client`` (a ``LocalCluster``'s or a remote
    scheduler's); without one, ``scheduler`` (``"threads"``, ``"processes"``,
    ``"sync"``) or Dask's current default runs the graph. ``parts``: how many parts the
    users are cut into (two per worker thread by default); a plain events file larger
    than ``piece_bytes`` is read in line-aligned byte ranges of about that size. A
    campaign is a directory (its events files found as :func:`campaign_files` says) or a
    :class:`CampaignFiles`. ``on_reject`` is told of every rejected record once the
    graph is done (lenient mode); strict mode raises the first bad record's
    :class:`~campaign_metrics.errors.InputError` on the client.

    >>> import campaign_metrics as cm  # doctest: +SKIP
    >>> [a] = analyze("examples/sms_weekly_digest", scheduler="sync")  # doctest: +SKIP
    >>> a.to_dict() == cm.analyze("examples/sms_weekly_digest")[0].to_dict()  # doctest: +SKIP
    True
    """
    dask = _dask()
    if not campaigns:
        raise ConfigurationError("no campaign given: pass at least one campaign directory")
    dates = date_range_of(date_range)
    instant = instant_of(as_of)
    check_parameters(attribution, dates)
    zone = naive_zone_of(naive_tz)
    files = [c if isinstance(c, CampaignFiles) else campaign_files(c) for c in campaigns]
    ids = [f.campaign.id for f in files]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigurationError(f"campaign '{dupes[0]}' appears twice in one run")
    if conversions is None:
        shared: list[Path] = []
    elif isinstance(conversions, (str, os.PathLike)):
        shared = [Path(conversions)]
    else:
        shared = [Path(p) for p in conversions]
    if parts is None:
        parts = _default_parts(client)
    if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
        raise ConfigurationError(f"parts must be a whole number, 1 or more (got {parts!r})")
    if isinstance(piece_bytes, bool) or not isinstance(piece_bytes, int) or piece_bytes < 2:
        raise ConfigurationError(
            f"piece_bytes must be a whole number of bytes (got {piece_bytes!r})"
        )
    graph = run_graph(
        files,
        shared,
        parts=parts,
        as_of_us=to_us(instant) if instant is not None else None,
        date_range=dates,
        attribution=attribution,
        strict=strict,
        naive_zone=zone,
        split_every=split_every,
        piece_bytes=piece_bytes,
        workers=_workers(client),
    )
    with collector_paused(client):
        if client is not None:
            partial = client.compute(graph, optimize_graph=False).result()
        else:
            (partial,) = dask.compute(graph, scheduler=scheduler, optimize_graph=False)
    reports: list[Report] = partial.reports()
    if on_reject is not None:
        seen: set[Any] = set()
        for p in partial.campaigns:
            for record in sorted(p.quality.rejected, key=RejectedRecord.sort_key):
                if record.sort_key() not in seen:
                    seen.add(record.sort_key())
                    on_reject(record)
    return reports

"""The Python API: ``analyze`` does the same job as ``campaign-metrics report``."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Union

import attrs

from .adapters import PROVIDERS
from .adapters.twilio import CallbacksRead
from .engine import (
    CampaignAccumulator,
    ConversionPool,
    RejectedRecord,
    RunAccumulator,
    split_key,
)
from .engine.parallel import check_workers
from .errors import ConfigurationError, InputError
from .gc_pause import paused_gc
from .identity import reject_or_raise
from .io.frames import fold_conversion_rows, parquet_rows
from .io.opening import is_parquet
from .io.readers import fold_conversions
from .model import ConversionEvent
from .options import date_range_of, instant_of, naive_zone_of
from .progress import ProgressCallback
from .report import Report
from .sources import CampaignInput, load_directory
from .timezones import to_us

__all__ = ["CampaignInput", "analyze", "load_run"]

PathLike = Union[str, "os.PathLike[str]"]
RejectFn = Callable[[RejectedRecord], None]


CampaignSource = Union[PathLike, CampaignInput, CampaignAccumulator, tuple[Any, ...]]  # noqa: UP007


class _Union:
    """Membership in any of several containers."""

    def __init__(self, containers: list[Any]) -> None:
        self.containers = containers

    def __contains__(self, item: object) -> bool:
        for c in self.containers:  # noqa: SIM110 - a plain loop: no generator per test
            if item in c:
                return True
        return False


def load_run(
    *campaigns: CampaignSource,
    conversions: PathLike | Iterable[ConversionEvent] | Sequence[PathLike] | None = None,
    strict: bool = False,
    naive_tz: str | dt.tzinfo | None = None,
    on_reject: RejectFn | None = None,
    progress: ProgressCallback | None = None,
    workers: int = 1,
    provider: str | None = None,
) -> RunAccumulator:
    """Read every campaign and conversion source of a run into a :class:`RunAccumulator`.

    Conversion files are read once, after every message log, deduplicated (D-10) and
    matched against every campaign (A-6); conversions of users no campaign reached are
    counted and not kept. ``workers`` > 1 folds each events file of a directory on that
    many local processes (byte ranges of the file, states merged exactly).
    ``provider="twilio"`` reads each directory's events file as a Twilio
    status-callback log (:mod:`campaign_metrics.adapters.twilio`).
    """
    return _load_run(
        campaigns,
        conversions=conversions,
        strict=strict,
        naive_tz=naive_tz,
        on_reject=on_reject,
        progress=progress,
        workers=workers,
        provider=provider,
    )[0]


def _load_run(
    campaigns: Sequence[CampaignSource],
    *,
    conversions: PathLike | Iterable[ConversionEvent] | Sequence[PathLike] | None,
    strict: bool,
    naive_tz: str | dt.tzinfo | None,
    on_reject: RejectFn | None,
    progress: ProgressCallback | None,
    workers: int,
    provider: str | None,
) -> tuple[RunAccumulator, dict[int, CallbacksRead]]:
    """:func:`load_run`, and what each provider log held besides events (by the
    position of its campaign)."""
    if provider is not None and provider not in PROVIDERS:
        raise ConfigurationError(
            f"provider must be one of {', '.join(PROVIDERS)} (got {provider!r})", field="provider"
        )
    if not campaigns:
        raise ConfigurationError("no campaign given: pass at least one campaign directory")
    workers = check_workers(workers)
    naive_zone = naive_zone_of(naive_tz)
    accs: list[CampaignAccumulator] = []
    provider_reads: dict[int, CallbacksRead] = {}
    conversion_files: list[tuple[Path, str, CampaignAccumulator | None]] = []
    for source in campaigns:
        if isinstance(source, CampaignAccumulator):
            accs.append(source)
        elif isinstance(source, CampaignInput):
            if strict and source.rejected:
                first = source.rejected[0]
                raise InputError(first.reason, file=first.file, line=first.line, field=first.field)
            acc = CampaignAccumulator(source.campaign, source.recipients)
            acc.add_all(source.events)
            acc.add_all(source.conversions)
            for record in source.rejected:
                acc.reject(record)
            accs.append(acc)
        elif isinstance(source, tuple):
            acc = CampaignAccumulator(source[0], source[2] if len(source) > 2 else None)
            acc.add_all(source[1] if len(source) > 1 else ())
            accs.append(acc)
        else:
            acc, conv, callbacks = load_directory(
                Path(source),
                strict=strict,
                naive_zone=naive_zone,
                on_reject=on_reject,
                progress=progress,
                workers=workers,
                provider=provider,
            )
            if callbacks is not None:
                provider_reads[len(accs)] = callbacks
            accs.append(acc)
            if conv is not None:
                conversion_files.append((conv, conv.name, acc))
    shared_rejected: list[RejectedRecord] = []
    pool = ConversionPool()
    in_memory: list[ConversionEvent] = []
    if conversions is not None:
        if isinstance(conversions, (str, os.PathLike)):
            conversion_files.append((Path(conversions), str(conversions), None))
        else:
            items = list(conversions)
            for item in items:
                if isinstance(item, ConversionEvent):
                    in_memory.append(item)
                else:
                    conversion_files.append((Path(item), str(item), None))
    # the users some campaign reached (or lists): containers already in memory, no copy
    # of a million ids where a one-time campaign's messages are keyed by user id
    containers: list[Any] = []
    for acc in accs:
        if acc.campaign.multi_instance:
            containers.append({split_key(key)[0] for key in acc.messages})
        else:
            containers.append(acc.messages)
        if acc.recipients:
            containers.append(acc.recipients)
        containers.append(acc.conversions.by_user)
    reached = _Union(containers)
    dropped = 0
    dropped_latest: int | None = None
    for item in in_memory:
        if item.user_id in reached:
            pool.add(item)
        else:
            dropped += 1
            t = to_us(item.time)
            if dropped_latest is None or t > dropped_latest:
                dropped_latest = t
    for path, display, owner in conversion_files:
        sink = owner.rejected if owner is not None else shared_rejected
        origin = str(path.parent) if owner is not None else None

        def on_bad(
            error: InputError,
            line: int,
            sink: list[RejectedRecord] = sink,
            display: str = display,
            origin: str | None = origin,
        ) -> None:
            reject_or_raise(error, strict, sink, on_reject, display, line, origin)

        # the hot path: plainly valid lines folded from their plain values (A-6: a user
        # no campaign reached cannot convert; counted, not kept)
        if is_parquet(path):  # rows of a Parquet file, a record batch at a time
            read = fold_conversion_rows(
                pool,
                parquet_rows(path, display),
                display,
                keep=reached,
                on_bad=on_bad,
                naive_zone=naive_zone,
            )
        else:
            read = fold_conversions(
                pool, path, keep=reached, on_bad=on_bad, name=display, naive_zone=naive_zone
            )
        dropped += read.dropped
        if read.dropped_latest is not None and (
            dropped_latest is None or read.dropped_latest > dropped_latest
        ):
            dropped_latest = read.dropped_latest
    # D-7: a dropped conversion is still an accepted record of the run
    if dropped_latest is not None and (pool.max_time is None or dropped_latest > pool.max_time):
        pool.max_time = dropped_latest
    run = RunAccumulator(accs, pool, shared_rejected=shared_rejected, dropped_conversions=dropped)
    return run, provider_reads


def analyze(
    *campaigns: CampaignSource,
    conversions: PathLike | Iterable[ConversionEvent] | Sequence[PathLike] | None = None,
    as_of: dt.datetime | str | None = None,
    attribution: str = "view_through",
    date_range: tuple[dt.date | str, dt.date | str] | None = None,
    strict: bool = False,
    naive_tz: str | dt.tzinfo | None = None,
    on_reject: RejectFn | None = None,
    progress: ProgressCallback | None = None,
    workers: int = 1,
    provider: str | None = None,
) -> list[Report]:
    """Reports for campaign directories (or domain objects), in the order given.

    >>> import campaign_metrics as cm
    >>> reports = cm.analyze("examples/mms_spring_sale")  # doctest: +SKIP
    >>> round(reports[0].delivery.delivered_rate, 2)  # doctest: +SKIP
    93.62

    ``campaigns`` are directory paths, :class:`CampaignInput` objects,
    ``(Campaign, events[, recipients])`` tuples or :class:`CampaignAccumulator` s.
    ``conversions`` is one more conversions file (or several, or ConversionEvent
    objects) shared by every campaign (A-6). Lenient by default: a bad record goes to
    ``data_quality.rejected`` (and to ``on_reject``); ``strict=True`` raises
    :class:`InputError` at the first one. ``workers=N`` folds each events file on N
    local processes (default 1); the reports are the same (a compressed or Parquet file
    is folded on one). ``provider="twilio"`` reads each directory's events file as a
    Twilio status-callback log (docs/formats.md): its ``read`` callbacks are counted in
    ``engagement.reads``.
    """
    dates = date_range_of(date_range)
    instant = instant_of(as_of)
    with paused_gc():
        run, provider_reads = _load_run(
            campaigns,
            conversions=conversions,
            strict=strict,
            naive_tz=naive_tz,
            on_reject=on_reject,
            progress=progress,
            workers=workers,
            provider=provider,
        )
        reports = run.reports(as_of=instant, attribution=attribution, date_range=dates)
    for i, callbacks in provider_reads.items():
        report = reports[i]
        as_of_us = to_us(instant) if instant is not None else _report_instant(report)
        engagement = attrs.evolve(report.engagement, reads=callbacks.reads_as_of(as_of_us))
        reports[i] = attrs.evolve(report, engagement=engagement)
    return reports


def _report_instant(report: Report) -> int | None:
    """The as-of instant of a report (epoch µs), None when it has none."""
    if report.as_of is None:
        return None
    from .timezones import parse_instant

    return to_us(parse_instant(report.as_of))

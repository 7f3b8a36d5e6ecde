"""The Python API: ``analyze`` does the same job as ``campaign-metrics report``."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, Union

import attrs

from .engine import (
    CampaignAccumulator,
    ConversionPool,
    RejectedRecord,
    RunAccumulator,
    split_key,
)
from .engine.parallel import check_workers, fold_in_parallel
from .errors import ConfigurationError, InputError
from .gc_pause import paused_gc
from .identity import reject_or_raise
from .io.events import fold_events_file
from .io.readers import ProgressFn, fold_conversions, iter_recipients, read_campaign
from .model import Campaign, ConversionEvent, MessageEvent, Recipient
from .options import date_range_of, instant_of, naive_zone_of
from .progress import ProgressCallback
from .report import Report
from .timezones import to_us

__all__ = ["CampaignInput", "analyze", "load_run"]

PathLike = Union[str, "os.PathLike[str]"]
RejectFn = Callable[[RejectedRecord], None]
T = TypeVar("T")


@attrs.frozen
class CampaignInput:
    """A campaign given as domain objects rather than a directory."""

    campaign: Campaign
    events: Iterable[MessageEvent] = ()
    recipients: Iterable[Recipient] | None = None
    conversions: Iterable[ConversionEvent] = ()


CampaignSource = Union[PathLike, CampaignInput, CampaignAccumulator, tuple[Any, ...]]  # noqa: UP007


def _located(items: Iterator[T], directory: Path) -> Iterator[T]:
    """Name the directory in an error that stops the reading of one of its files."""
    try:
        yield from items
    except InputError as exc:
        if exc.file is not None and "/" not in exc.file:
            raise exc.located(str(directory / exc.file), exc.line) from None
        raise


def _load_directory(
    path: Path,
    *,
    strict: bool,
    naive_zone: dt.tzinfo | None,
    on_reject: RejectFn | None,
    progress: ProgressCallback | None,
    workers: int = 1,
) -> tuple[CampaignAccumulator, Path | None]:
    if not path.is_dir():
        raise InputError(reason="not a readable campaign directory", file=str(path))
    campaign_file = path / "campaign.json"
    if not campaign_file.exists():
        raise InputError(reason="campaign.json is missing", file=str(path))
    campaign = read_campaign(campaign_file, name=str(campaign_file))
    rejected: list[RejectedRecord] = []
    recipients = None
    rec_file = path / "recipients.csv"
    if rec_file.exists():
        rows: list[Recipient] = []
        for line, item in _located(iter_recipients(rec_file), path):
            if isinstance(item, InputError):
                reject_or_raise(item, strict, rejected, on_reject, rec_file.name, line, str(path))
            else:
                rows.append(item)
        recipients = rows
    acc = CampaignAccumulator(campaign, recipients)
    # FORMATS.md: repeated user_id rows are a D-10 identity, counted in data_quality's
    # duplicates and id_conflicts (the accumulator's recipient_repeats), not a warning
    jsonl, csv_ = path / "events.jsonl", path / "events.csv"
    if jsonl.exists() and csv_.exists():
        raise ConfigurationError(
            f"{path}: holds both events.jsonl and events.csv; keep one of them"
        )
    events_file = jsonl if jsonl.exists() else csv_ if csv_.exists() else None
    if events_file is not None:
        total = events_file.stat().st_size
        report_progress = None
        if progress is not None:
            label = f"{path.name}/{events_file.name}"

            def report_progress(done: int, records: int) -> None:
                progress(label, done, total, records)

        fold_file(
            acc,
            events_file,
            strict=strict,
            naive_zone=naive_zone,
            on_reject=on_reject,
            sink=rejected,
            progress=report_progress,
            origin=str(path),
            workers=workers,
        )
    for r in rejected:
        acc.reject(r)
    if events_file is None:
        acc.notes.add(f"{path.name}: no events.jsonl or events.csv; the log is empty")
    conv = path / "conversions.jsonl"
    return acc, conv if conv.exists() else None


def fold_file(
    acc: CampaignAccumulator,
    events_file: Path,
    *,
    strict: bool,
    naive_zone: dt.tzinfo | None,
    on_reject: RejectFn | None,
    sink: list[RejectedRecord],
    progress: ProgressFn | None = None,
    origin: str | None = None,
    workers: int = 1,
) -> None:
    """Stream one events file into an accumulator, on ``workers`` processes."""
    name = events_file.name

    def on_bad(error: InputError, line: int) -> None:
        reject_or_raise(error, strict, sink, on_reject, name, line, origin)

    try:
        if workers > 1 and fold_in_parallel(
            acc,
            events_file,
            workers=workers,
            naive_zone=naive_zone,
            on_bad=on_bad,
            progress=progress,
        ):
            return
        fold_events_file(acc, events_file, naive_zone=naive_zone, on_bad=on_bad, progress=progress)
    except InputError as exc:  # a fatal error (a bad header): name the directory
        if origin is not None and exc.file is not None and "/" not in exc.file:
            raise exc.located(f"{origin}/{exc.file}", exc.line) from None
        raise


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
) -> RunAccumulator:
    """Read every campaign and conversion source of a run into a :class:`RunAccumulator`.

    Conversion files are read once, after every message log, deduplicated (D-10) and
    matched against every campaign (A-6); conversions of users no campaign reached are
    counted and not kept. ``workers`` > 1 folds each events file of a directory on that
    many local processes (byte ranges of the file, states merged exactly).
    """
    if not campaigns:
        raise ConfigurationError("no campaign given: pass at least one campaign directory")
    workers = check_workers(workers)
    naive_zone = naive_zone_of(naive_tz)
    accs: list[CampaignAccumulator] = []
    conversion_files: list[tuple[Path, str, CampaignAccumulator | None]] = []
    for source in campaigns:
        if isinstance(source, CampaignAccumulator):
            accs.append(source)
        elif isinstance(source, CampaignInput):
            acc = CampaignAccumulator(source.campaign, source.recipients)
            acc.add_all(source.events)
            acc.add_all(source.conversions)
            accs.append(acc)
        elif isinstance(source, tuple):
            acc = CampaignAccumulator(source[0], source[2] if len(source) > 2 else None)
            acc.add_all(source[1] if len(source) > 1 else ())
            accs.append(acc)
        else:
            acc, conv = _load_directory(
                Path(source),
                strict=strict,
                naive_zone=naive_zone,
                on_reject=on_reject,
                progress=progress,
                workers=workers,
            )
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
    return RunAccumulator(accs, pool, shared_rejected=shared_rejected, dropped_conversions=dropped)


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
    local processes (default 1); the reports are the same.
    """
    dates = date_range_of(date_range)
    instant = instant_of(as_of)
    with paused_gc():
        run = load_run(
            *campaigns,
            conversions=conversions,
            strict=strict,
            naive_tz=naive_tz,
            on_reject=on_reject,
            progress=progress,
            workers=workers,
        )
        return run.reports(as_of=instant, attribution=attribution, date_range=dates)

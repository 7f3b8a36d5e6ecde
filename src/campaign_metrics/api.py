"""The Python API: ``analyze`` does the same job as ``campaign-metrics report``."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, Union

import attrs

from .adapters import PROVIDERS
from .adapters.twilio import CallbacksRead, fold_callbacks, numbers_of
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
from .io.events import fold_events_file
from .io.frames import (
    fold_conversion_rows,
    frame_rows,
    iter_conversion_rows,
    iter_event_rows,
    iter_recipient_rows,
    parquet_rows,
)
from .io.opening import CONVERSIONS_NAMES, EVENTS_NAMES, compression, find_input, is_parquet
from .io.readers import ProgressFn, fold_conversions, iter_recipients, read_campaign
from .model import Campaign, ConversionEvent, MessageEvent, Recipient
from .progress import ProgressCallback
from .report import Report
from .timezones import get_zone, to_us

__all__ = ["CampaignInput", "analyze", "load_run"]

PathLike = Union[str, "os.PathLike[str]"]
RejectFn = Callable[[RejectedRecord], None]
T = TypeVar("T")


@attrs.frozen
class CampaignInput:
    """A campaign given as domain objects rather than a directory.

    ``rejected`` holds the rows :meth:`from_frames` did not accept (lenient mode); they
    are reported in ``data_quality.rejected``, and ``analyze(..., strict=True)`` raises
    the first of them.
    """

    campaign: Campaign
    events: Iterable[MessageEvent] = ()
    recipients: Iterable[Recipient] | None = None
    conversions: Iterable[ConversionEvent] = ()
    rejected: tuple[RejectedRecord, ...] = ()

    @classmethod
    def from_frames(
        cls,
        campaign: Campaign | Mapping[str, Any],
        *,
        events: Any = None,
        recipients: Any = None,
        conversions: Any = None,
        strict: bool = False,
        naive_tz: str | dt.tzinfo | None = None,
    ) -> CampaignInput:
        """A campaign from DataFrames: pandas, Arrow tables, or anything with
        ``__dataframe__`` (read through pyarrow), with the columns of FORMATS.md
        (events.jsonl's keys, recipients.csv's columns, conversions.jsonl's keys).

        Every row is validated as a record of the file would be; a missing cell (None,
        NaN, NaT) is an absent key and a timestamp cell an instant. A bad row raises
        :class:`InputError` naming the frame (``events``, ``recipients``,
        ``conversions``), its 1-based row number and the field when ``strict``; else it
        is kept in ``rejected`` (``data_quality.rejected``, the row number as ``line``).
        ``campaign`` is a :class:`Campaign` or campaign.json's mapping.

        >>> import pandas as pd, campaign_metrics as cm
        >>> events = pd.DataFrame({"user_id": ["u1", "u1"], "type": ["sent", "delivered"],
        ...     "time": pd.to_datetime(["2026-05-04T07:00:00Z", "2026-05-04T07:01:00Z"])})
        >>> source = cm.CampaignInput.from_frames(
        ...     {"id": "c1", "name": "Demo", "channel": "sms"}, events=events)
        >>> [r] = cm.analyze(source)
        >>> r.delivery.delivered
        1
        """
        camp = campaign if isinstance(campaign, Campaign) else Campaign.from_dict(campaign)
        zone = _naive_zone(naive_tz)
        rejected: list[RejectedRecord] = []

        def kept(items: Iterator[tuple[int, T | InputError]], name: str) -> list[T]:
            out: list[T] = []
            for row, item in items:
                if isinstance(item, InputError):
                    _handle(item, strict, rejected, None, name, row)
                else:
                    out.append(item)
            return out

        return cls(
            camp,
            events=kept(iter_event_rows(_frame(events), "events", naive_zone=zone), "events")
            if events is not None
            else (),
            recipients=kept(iter_recipient_rows(_frame(recipients), "recipients"), "recipients")
            if recipients is not None
            else None,
            conversions=kept(
                iter_conversion_rows(_frame(conversions), "conversions", naive_zone=zone),
                "conversions",
            )
            if conversions is not None
            else (),
            rejected=tuple(rejected),
        )


def _frame(frame: Any) -> Iterator[list[dict[str, Any]]]:
    return frame_rows(frame)


def _naive_zone(naive_tz: str | dt.tzinfo | None) -> dt.tzinfo | None:
    if naive_tz is None:
        return None
    try:
        return get_zone(naive_tz)
    except ValueError as exc:
        raise ConfigurationError(f"--naive-tz: {exc}", field="naive_tz") from None


CampaignSource = Union[PathLike, CampaignInput, CampaignAccumulator, tuple[Any, ...]]  # noqa: UP007


def _as_date(value: object, which: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ConfigurationError(f"date range '{which}' must be a date, got a datetime")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigurationError(
        f"date range '{which}' must be a date YYYY-MM-DD (got {value!r})", field="date_range"
    )


def _as_instant(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        from .timezones import parse_instant

        try:
            return parse_instant(value)
        except ValueError as exc:
            raise ConfigurationError(f"as_of: {exc}", field="as_of") from None
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise ConfigurationError(
                f"as_of must be an aware datetime (got naive {value.isoformat()})", field="as_of"
            )
        return value
    raise ConfigurationError(f"as_of must be a datetime (got {value!r})", field="as_of")


def _handle(
    error: InputError,
    strict: bool,
    sink: list[RejectedRecord],
    on_reject: RejectFn | None,
    file: str,
    line: int | None,
    origin: str | None = None,
) -> None:
    if strict:
        if origin is not None and error.file is not None and "/" not in error.file:
            raise error.located(f"{origin}/{error.file}", error.line)
        raise error
    record = RejectedRecord.from_error(error, file, line)
    record.origin = origin
    sink.append(record)
    if on_reject is not None:
        on_reject(record)


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
    provider: str | None = None,
) -> tuple[CampaignAccumulator, Path | None, CallbacksRead | None]:
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
                _handle(item, strict, rejected, on_reject, rec_file.name, line, str(path))
            else:
                rows.append(item)
        recipients = rows
    acc = CampaignAccumulator(campaign, recipients)
    # FORMATS.md: repeated user_id rows are a D-10 identity, counted in data_quality's
    # duplicates and id_conflicts (the accumulator's recipient_repeats), not a warning
    # every name an events file may have (compressed, Parquet); two of them: an error
    events_file = find_input(path, EVENTS_NAMES)
    conv = find_input(path, CONVERSIONS_NAMES)
    callbacks = None
    if events_file is not None and provider is not None:
        events_name = events_file.name

        def on_bad_callback(error: InputError, line: int) -> None:
            _handle(error, strict, rejected, on_reject, events_name, line, str(path))

        callbacks = fold_callbacks(
            acc,
            events_file,
            on_bad=on_bad_callback,
            numbers=numbers_of(recipients),
            naive_zone=naive_zone,
        )
    elif events_file is not None:
        total = events_file.stat().st_size
        report_progress = None
        # a compressed file's text has no known length: no bar for it
        if progress is not None and compression(events_file) is None:
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
    return acc, conv, callbacks


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
        _handle(error, strict, sink, on_reject, name, line, origin)

    try:
        # a compressed or Parquet file cannot be cut into byte spans: one process
        cuttable = compression(events_file) is None and not is_parquet(events_file)
        if (
            workers > 1
            and cuttable
            and fold_in_parallel(
                acc,
                events_file,
                workers=workers,
                naive_zone=naive_zone,
                on_bad=on_bad,
                progress=progress,
            )
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
    naive_zone = _naive_zone(naive_tz)
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
            acc, conv, callbacks = _load_directory(
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
            _handle(error, strict, sink, on_reject, display, line, origin)

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
    if date_range is not None:
        if not isinstance(date_range, (tuple, list)) or len(date_range) != 2:
            raise ConfigurationError("date_range must be a (from, to) pair of dates")
        dates: tuple[dt.date, dt.date] | None = (
            _as_date(date_range[0], "from"),
            _as_date(date_range[1], "to"),
        )
    else:
        dates = None
    instant = _as_instant(as_of)
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

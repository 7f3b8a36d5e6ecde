"""Reading one campaign source: a directory (every file name it may hold, the provider
adapters, the parallel fold) or :class:`CampaignInput` (domain objects or DataFrames).
:mod:`campaign_metrics.api` runs these for each campaign of a run."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar, Union

import attrs

from .adapters.twilio import CallbacksRead, fold_callbacks, numbers_of
from .engine import CampaignAccumulator, RejectedRecord
from .engine.parallel import fold_in_parallel
from .errors import InputError
from .identity import reject_or_raise
from .io.events import fold_events_file
from .io.frames import frame_rows, iter_conversion_rows, iter_event_rows, iter_recipient_rows
from .io.opening import CONVERSIONS_NAMES, EVENTS_NAMES, compression, find_input, is_parquet
from .io.readers import ProgressFn, iter_recipients, read_campaign
from .model import Campaign, ConversionEvent, MessageEvent, Recipient
from .options import naive_zone_of
from .progress import ProgressCallback

__all__ = ["CampaignInput", "fold_file"]

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
        zone = naive_zone_of(naive_tz)
        rejected: list[RejectedRecord] = []

        def kept(items: Iterator[tuple[int, T | InputError]], name: str) -> list[T]:
            out: list[T] = []
            for row, item in items:
                if isinstance(item, InputError):
                    reject_or_raise(item, strict, rejected, None, name, row)
                else:
                    out.append(item)
            return out

        return cls(
            camp,
            events=kept(iter_event_rows(frame_rows(events), "events", naive_zone=zone), "events")
            if events is not None
            else (),
            recipients=kept(iter_recipient_rows(frame_rows(recipients), "recipients"), "recipients")
            if recipients is not None
            else None,
            conversions=kept(
                iter_conversion_rows(frame_rows(conversions), "conversions", naive_zone=zone),
                "conversions",
            )
            if conversions is not None
            else (),
            rejected=tuple(rejected),
        )


def _located(items: Iterator[T], directory: Path) -> Iterator[T]:
    """Name the directory in an error that stops the reading of one of its files."""
    try:
        yield from items
    except InputError as exc:
        if exc.file is not None and "/" not in exc.file:
            raise exc.located(str(directory / exc.file), exc.line) from None
        raise


def load_directory(
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
                reject_or_raise(item, strict, rejected, on_reject, rec_file.name, line, str(path))
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
            reject_or_raise(error, strict, rejected, on_reject, events_name, line, str(path))

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
        reject_or_raise(error, strict, sink, on_reject, name, line, origin)

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

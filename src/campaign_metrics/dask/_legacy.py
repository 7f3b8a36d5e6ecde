"""The state-level Dask functions: every partition's state merged, then reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..engine import CampaignAccumulator, ConversionPool, RejectedRecord, RunAccumulator
from ..errors import InputError, MissingDependencyError
from ..model import Campaign, ConversionEvent, MessageEvent, Recipient
from ..report import Report
from ..timezones import get_zone

__all__ = [
    "accumulate_bag",
    "accumulate_files",
    "fold_events",
    "fold_file",
    "merge_accumulators",
    "report_bag",
    "report_files",
]

Event = MessageEvent | ConversionEvent


def _dask_bag() -> Any:
    try:
        import dask.bag as db
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError("dask", "dask") from None
    return db


def fold_events(events: Iterable[Event], campaign: Campaign) -> CampaignAccumulator:
    """Fold one partition of events (message events and conversions) of one campaign."""
    acc = CampaignAccumulator(campaign)
    acc.add_all(events)
    return acc


def fold_file(
    path: str | Path,
    campaign: Campaign,
    *,
    strict: bool = False,
    naive_tz: str | None = None,
) -> CampaignAccumulator:
    """Fold one events file (``.jsonl`` or ``.csv``) of one campaign, on a worker.

    A conversions file (a name starting with ``conversions``) is folded into the
    accumulator's conversion pool. Lenient mode keeps rejected records in the state.
    """
    from ..io.events import fold_events_file
    from ..io.readers import fold_conversions

    acc = CampaignAccumulator(campaign)
    p = Path(path)
    zone = get_zone(naive_tz) if naive_tz is not None else None

    def on_bad(error: InputError, line: int) -> None:
        if strict:
            raise error
        acc.reject(RejectedRecord.from_error(error, p.name, line))

    if p.name.startswith("conversions"):
        # every user's conversions are kept: which users the campaign reached is known
        # only after the merge, and attribution matches conversions to messages
        fold_conversions(acc.conversions, p, keep=_EVERYONE, on_bad=on_bad, naive_zone=zone)
    else:
        fold_events_file(acc, p, naive_zone=zone, on_bad=on_bad)
    return acc


class _Everyone:
    """A container holding every user id."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERYONE = _Everyone()


def merge_accumulators(accs: Iterable[CampaignAccumulator]) -> CampaignAccumulator:
    """Merge accumulators of one campaign (the aggregate step of the tree reduction)."""
    items = list(accs)
    if not items:
        raise ValueError("nothing to merge")
    # the reduction owns its intermediate results: merge into the largest, consuming
    items.sort(key=lambda a: len(a.messages), reverse=True)
    out = items[0]
    for acc in items[1:]:
        out.merge_in(acc, consume=True)
    return out


def accumulate_bag(bag: Any, campaign: Campaign, *, split_every: int = 8) -> Any:
    """A lazy Dask item: the merged accumulator of every partition of ``bag``."""
    return bag.reduction(
        lambda part: fold_events(part, campaign),
        merge_accumulators,
        split_every=split_every,
    )


def accumulate_files(
    paths: Sequence[str | Path],
    campaign: Campaign,
    *,
    strict: bool = False,
    naive_tz: str | None = None,
    split_every: int = 8,
) -> Any:
    """A lazy Dask item: the merged accumulator of every file, one file per task."""
    db = _dask_bag()
    files = db.from_sequence([str(p) for p in paths], npartitions=max(1, len(paths)))
    return files.map(lambda p: fold_file(p, campaign, strict=strict, naive_tz=naive_tz)).reduction(
        merge_accumulators, merge_accumulators, split_every=split_every
    )


def _report(
    acc: CampaignAccumulator,
    recipients: Mapping[str, Recipient] | Iterable[Recipient] | None,
    conversions: Iterable[ConversionEvent] | None,
    as_of: dt.datetime | None,
    attribution: str,
    date_range: tuple[dt.date, dt.date] | None,
) -> Report:
    if recipients is not None:
        acc = acc.copy()
        listed = CampaignAccumulator(acc.campaign, recipients)
        acc.recipients, acc.recipient_repeats = listed.recipients, listed.recipient_repeats
    pool = ConversionPool()
    for c in conversions or ():
        pool.add(c)
    run = RunAccumulator([acc], pool)
    return run.reports(as_of=as_of, attribution=attribution, date_range=date_range)[0]


def report_bag(
    bag: Any,
    campaign: Campaign,
    *,
    recipients: Mapping[str, Recipient] | Iterable[Recipient] | None = None,
    conversions: Iterable[ConversionEvent] | None = None,
    as_of: dt.datetime | None = None,
    attribution: str = "view_through",
    date_range: tuple[dt.date, dt.date] | None = None,
    split_every: int = 8,
    **compute_kwargs: Any,
) -> Report:
    """The report of a campaign whose events (and conversions) are a ``dask.bag``.

    ``compute_kwargs`` go to ``compute`` (for example ``scheduler=client``); without
    them the current Dask scheduler (a ``distributed.Client`` if one is active) runs it.
    """
    acc = accumulate_bag(bag, campaign, split_every=split_every).compute(**compute_kwargs)
    return _report(acc, recipients, conversions, as_of, attribution, date_range)


def report_files(
    paths: Sequence[str | Path],
    campaign: Campaign,
    *,
    recipients: Mapping[str, Recipient] | Iterable[Recipient] | None = None,
    conversions: Iterable[ConversionEvent] | None = None,
    as_of: dt.datetime | None = None,
    attribution: str = "view_through",
    date_range: tuple[dt.date, dt.date] | None = None,
    strict: bool = False,
    naive_tz: str | None = None,
    split_every: int = 8,
    **compute_kwargs: Any,
) -> Report:
    """The report of a campaign whose log is split over many files (events and
    conversions files), each folded by a worker."""
    acc = accumulate_files(
        paths, campaign, strict=strict, naive_tz=naive_tz, split_every=split_every
    ).compute(**compute_kwargs)
    return _report(acc, recipients, conversions, as_of, attribution, date_range)

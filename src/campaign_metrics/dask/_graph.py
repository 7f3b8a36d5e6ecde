"""The task graph of a distributed run: read, cut by user, report per part, merge.

::

    events pieces ──fold──► split by user ─┐
    conversions files ─fold─► split ───────┼─► part j: resolve ─► report partial ─┐
    recipients.csv ──read and split────────┘        │                             │
                                   B-2 first attempts (least of the parts)        │
    D-7 instant (latest record of every piece) ─────┘                             │
    partials ──tree of merges──► one partial ◄── F-4 / D-10 key groups settled ───┘

Every arrow is a task on the workers; the client gets one merged
:class:`~campaign_metrics.metrics.RunPartial` and turns it into the reports. Its work
grows with the number of campaigns, parts and report rows, not with the log.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from ..engine import CampaignAccumulator
from ..engine import partition as part
from ..errors import ConfigurationError, InputError
from ..io.readers import read_campaign
from ..io.spans import Span, line_spans
from ..metrics.partial import RunPartial
from ..metrics.tallies import least
from ..model import Campaign
from ._tasks import fold_conversions_piece, fold_events_piece, read_recipients

__all__ = ["CampaignFiles", "campaign_files", "run_graph"]

#: The events files of a campaign directory: ``events*.jsonl`` / ``events*.csv``,
#: compressed or not, in the directory or in its ``events/`` subdirectory.
EVENTS_NAME = re.compile(r"^events[^/]*\.(jsonl|csv)(\.gz|\.zst)?$", re.IGNORECASE)
#: An events file larger than this is read as several line-aligned byte ranges.
PIECE_BYTES = 64 << 20


@attrs.frozen
class CampaignFiles:
    """A campaign's files as the graph reads them (paths as given; nothing opened
    but campaign.json)."""

    directory: Path
    campaign: Campaign
    events: tuple[Path, ...]
    recipients: Path | None
    conversions: Path | None


def campaign_files(
    source: str | os.PathLike[str], events: str | Sequence[str] | None = None
) -> CampaignFiles:
    """The files of one campaign directory.

    ``events``: glob patterns (relative to the directory, or absolute) naming the events
    files; by default every ``events*.jsonl`` / ``events*.csv`` (and their ``.gz`` /
    ``.zst`` forms) in the directory and in its ``events/`` subdirectory.

    >>> files = campaign_files("examples/sms_weekly_digest")  # doctest: +SKIP
    >>> [p.name for p in files.events]  # doctest: +SKIP
    ['events.jsonl']
    """
    directory = Path(source)
    if not directory.is_dir():
        raise InputError(reason="not a readable campaign directory", file=str(directory))
    campaign_file = directory / "campaign.json"
    if not campaign_file.exists():
        raise InputError(reason="campaign.json is missing", file=str(directory))
    campaign = read_campaign(campaign_file, name=str(campaign_file))
    if events is None:
        found = [
            p
            for where in (directory, directory / "events")
            if where.is_dir()
            for p in where.iterdir()
            if p.is_file() and EVENTS_NAME.match(p.name)
        ]
    else:
        patterns = [events] if isinstance(events, str) else list(events)
        found = []
        for pattern in patterns:
            if Path(pattern).is_absolute():
                anchor = Path(Path(pattern).anchor)
                found += anchor.glob(str(Path(pattern).relative_to(anchor)))
            else:
                found += directory.glob(pattern)
            if not found:
                raise ConfigurationError(f"{directory}: no events file matches '{pattern}'")
    recipients = directory / "recipients.csv"
    conversions = directory / "conversions.jsonl"
    return CampaignFiles(
        directory,
        campaign,
        tuple(sorted(set(found))),
        recipients if recipients.exists() else None,
        conversions if conversions.exists() else None,
    )


def _spans(path: Path, piece_bytes: int) -> list[Span | None]:
    """The pieces of one events file: byte ranges of a plain file, the whole of a
    compressed one (``None``)."""
    name = path.name.lower()
    if name.endswith((".gz", ".zst")):
        return [None]
    size = path.stat().st_size
    pieces = max(1, math.ceil(size / piece_bytes))
    if pieces == 1:
        return [None]
    return list(line_spans(path, pieces, csv=name.endswith(".csv"), smallest=piece_bytes // 2))


def _least_each(parts: Sequence[Sequence[int | None]]) -> list[int | None]:
    """B-2: each campaign's first send attempt, the least of the parts'."""
    out: list[int | None] = list(parts[0])
    for p in parts[1:]:
        out = [least(a, b) for a, b in zip(out, p)]
    return out


def _partial_of(report: part.PartReport) -> RunPartial:
    return report.partial


def _with_note(campaign: Campaign, note: str) -> CampaignAccumulator:
    acc = CampaignAccumulator(campaign)
    acc.notes.add(note)
    return acc


def run_graph(
    campaigns: Sequence[CampaignFiles],
    shared_conversions: Sequence[Path],
    *,
    parts: int,
    as_of_us: int | None,
    date_range: tuple[dt.date, dt.date] | None,
    attribution: str,
    strict: bool,
    naive_zone: dt.tzinfo | None,
    split_every: int = 8,
    piece_bytes: int = PIECE_BYTES,
) -> Any:
    """The lazy merged :class:`~campaign_metrics.metrics.RunPartial` of the run (a
    ``dask.delayed`` value)."""
    from dask.delayed import delayed

    run_campaigns = [c.campaign for c in campaigns]
    # 1. read: every piece of every file, each a task
    folded: list[list[Any]] = []  # per campaign, its pieces' accumulators
    conversion_pieces: list[Any] = []
    recipients: list[Any] = []
    for k, files in enumerate(campaigns):
        origin = str(files.directory)
        pieces = [
            delayed(fold_events_piece, pure=True)(
                files.campaign,
                str(path),
                span,
                origin=origin,
                strict=strict,
                naive_zone=naive_zone,
            )
            for path in files.events
            for span in _spans(path, piece_bytes)
        ]
        if not files.events:
            note = f"{files.directory.name}: no events.jsonl or events.csv; the log is empty"
            pieces.append(delayed(_with_note, pure=True)(files.campaign, note))
        folded.append(pieces)
        if files.conversions is not None:
            conversion_pieces.append(
                delayed(fold_conversions_piece, pure=True)(
                    str(files.conversions),
                    display=files.conversions.name,
                    origin=origin,
                    owner=k,
                    strict=strict,
                    naive_zone=naive_zone,
                )
            )
        if files.recipients is None:
            recipients.append(None)
        else:
            recipients.append(
                delayed(read_recipients, pure=True, nout=parts)(
                    str(files.recipients), parts, origin=origin, strict=strict
                )
            )
    for path in shared_conversions:
        conversion_pieces.append(
            delayed(fold_conversions_piece, pure=True)(
                str(path),
                display=str(path),
                origin=None,
                owner=None,
                strict=strict,
                naive_zone=naive_zone,
            )
        )
    # 2. D-7: the run's instant, the latest record of every piece (unless given)
    everything = [p for pieces in folded for p in pieces] + conversion_pieces
    instant = as_of_us if as_of_us is not None else delayed(part.latest)(everything)
    # 3. cut every piece by user
    split = [
        [delayed(part.split_campaign, nout=parts)(p, parts) for p in pieces] for pieces in folded
    ]
    split_conv = [delayed(part.split_conversions, nout=parts)(c, parts) for c in conversion_pieces]
    # 4. each part whole, resolved as of the instant; B-2's first attempts across parts
    resolved = []
    for j in range(parts):
        resolved.append(
            delayed(part.resolve_part)(
                run_campaigns,
                [[s[j] for s in pieces] for pieces in split],
                [None if r is None else r[j] for r in recipients],
                [s[j] for s in split_conv],
                as_of_us=instant,
                date_range=date_range,
                groups=parts,
            )
        )
    firsts = delayed(_least_each)([delayed(part.first_attempts)(r) for r in resolved])
    reports = [
        delayed(part.report_part)(r, attribution=attribution, first_attempts=firsts, groups=parts)
        for r in resolved
    ]
    # 5. F-4 numbers and D-10 identities, settled per key group
    settled = [
        delayed(part.settle)([delayed(part.group_slice)(r, g) for r in reports])
        for g in range(parts)
    ]
    # 6. a tree of merges of the parts' partials
    level = [delayed(_partial_of)(r) for r in reports]
    while len(level) > 1:
        level = [
            delayed(part.merge_reports)(level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    return delayed(part.finish)(level[0], settled)

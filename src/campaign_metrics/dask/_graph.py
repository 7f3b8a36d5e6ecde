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
import uuid
from collections.abc import Sequence
from operator import getitem
from pathlib import Path
from typing import Any

import attrs

from ..engine import CampaignAccumulator, routing
from ..engine import partition as part
from ..errors import ConfigurationError, InputError
from ..io.readers import read_campaign
from ..io.spans import Span, line_spans
from ..metrics.partial import RunPartial
from ..metrics.tallies import least
from ..model import Campaign
from ._tasks import (
    fold_conversions_piece,
    fold_events_piece,
    read_recipients,
    route_recipients,
)

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


def _latest_of(times: Sequence[int | None]) -> int | None:
    """D-7: the latest of the pieces' latest records."""
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _partial_of(report: part.PartReport) -> RunPartial:
    return report.partial


def _with_note(campaign: Campaign, note: str) -> CampaignAccumulator:
    acc = CampaignAccumulator(campaign)
    acc.notes.add(note)
    return acc


def _task_spec() -> Any:
    """Dask's task-spec module (``dask.task_spec``; ``dask._task_spec`` before it was
    public)."""
    try:
        import dask.task_spec as spec
    except ImportError:  # pragma: no cover - dask releases of early 2025
        import dask._task_spec as spec  # type: ignore[no-redef]
    return spec


class _Placer:
    """Makes the graph's tasks, each pinned (softly) to a worker when the workers are
    known: a piece's tasks and its part's stay where the piece was read, so a user
    whose records are all in one piece never moves.

    The graph is written as Dask task specs in one layer per placement; building it
    costs one step per task and edge (no per-task graph merging or culling)."""

    def __init__(self, workers: Sequence[str]) -> None:
        self.spec = _task_spec()
        self.workers = list(workers)
        self.run = uuid.uuid4().hex[:8]  # keys of two runs on one cluster never meet
        self.layers: dict[tuple[int | None, bool], dict[str, Any]] = {}
        self.layer_of: dict[str, tuple[int | None, bool]] = {}

    def _refs(self, value: Any) -> Any:
        """``value`` with every list holding a task reference as a task-spec ``List``
        (the scheduler then sees the references as dependencies)."""
        if not isinstance(value, list):
            return value
        items = [self._refs(v) for v in value]
        if any(isinstance(v, (self.spec.GraphNode, self.spec.TaskRef)) for v in items):
            return self.spec.List(*items)
        return value

    def __call__(self, where: int, fn: Any, *args: Any, first: bool = False, **kw: Any) -> Any:
        """``fn(*args, **kw)`` as a task on worker ``where`` (modulo the workers);
        ``first``: before the other ready tasks (reads every later step waits for)."""
        # a readable key (the dashboard shows it): the step, the part or piece, a count
        name = f"{getattr(fn, '__name__', 'task')}-{where}-{len(self.layer_of)}-{self.run}"
        worker = where % len(self.workers) if self.workers else None
        placement = (worker, first)
        task = self.spec.Task(
            name,
            fn,
            *(self._refs(a) for a in args),
            **{k: self._refs(v) for k, v in kw.items()},
        )
        self.layers.setdefault(placement, {})[name] = task
        self.layer_of[name] = placement
        return self.spec.TaskRef(name)

    def delayed(self, result: Any) -> Any:
        """The graph as a ``dask.delayed`` value computing the task ``result``."""
        from dask.delayed import Delayed
        from dask.highlevelgraph import HighLevelGraph, MaterializedLayer

        def layer_name(placement: tuple[int | None, bool]) -> str:
            worker, first = placement
            return f"campaign-metrics-{worker}-{int(first)}-{self.run}"

        layers: dict[str, Any] = {}
        dependencies: dict[str, set[str]] = {}
        for placement, tasks in self.layers.items():
            worker, first = placement
            annotations: dict[str, Any] = {"priority": 10} if first else {}
            if worker is not None:
                annotations.update(workers=[self.workers[worker]], allow_other_workers=True)
            name = layer_name(placement)
            layers[name] = MaterializedLayer(tasks, annotations=annotations or None)
            dependencies[name] = {
                layer_name(self.layer_of[d])
                for t in tasks.values()
                for d in t.dependencies
                if self.layer_of[d] != placement
            }
        key = result.key
        return Delayed(
            key, HighLevelGraph(layers, dependencies), layer=layer_name(self.layer_of[key])
        )


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
    workers: Sequence[str] = (),
) -> Any:
    """The lazy merged :class:`~campaign_metrics.metrics.RunPartial` of the run (a
    ``dask.delayed`` value). ``workers``: the cluster's worker addresses, to keep each
    piece's tasks on one worker (any worker may still run them)."""
    task = _Placer(workers)
    run_campaigns = [c.campaign for c in campaigns]
    # 1. read: every piece of every file, each a task
    flat: list[Any] = []  # every events piece's accumulator
    owner_of: list[int] = []  # the campaign of each piece
    conversion_pieces: list[Any] = []
    recipients: list[Any] = []
    for k, files in enumerate(campaigns):
        origin = str(files.directory)
        spans = [(path, span) for path in files.events for span in _spans(path, piece_bytes)]
        for path, span in spans:
            flat.append(
                task(
                    len(flat),
                    fold_events_piece,
                    files.campaign,
                    str(path),
                    span,
                    origin=origin,
                    strict=strict,
                    naive_zone=naive_zone,
                )
            )
            owner_of.append(k)
        if not files.events:
            note = f"{files.directory.name}: no events.jsonl or events.csv; the log is empty"
            flat.append(task(len(flat), _with_note, files.campaign, note))
            owner_of.append(k)
        if files.conversions is not None:
            conversion_pieces.append(
                task(
                    k,
                    fold_conversions_piece,
                    str(files.conversions),
                    display=files.conversions.name,
                    origin=origin,
                    owner=k,
                    strict=strict,
                    naive_zone=naive_zone,
                    first=True,
                )
            )
        recipients.append(
            None
            if files.recipients is None
            else task(
                k + 1,
                read_recipients,
                str(files.recipients),
                origin=origin,
                strict=strict,
                first=True,
            )
        )
    for n, path in enumerate(shared_conversions):
        conversion_pieces.append(
            task(
                n,
                fold_conversions_piece,
                str(path),
                display=str(path),
                origin=None,
                owner=None,
                strict=strict,
                naive_zone=naive_zone,
                first=True,
            )
        )
    pieces_n = len(flat)
    total = pieces_n + parts
    # 2. D-7: the run's instant, the latest record of every piece (unless given)
    instant: Any = as_of_us
    if instant is None:
        latest = [task(i, part.latest, [p]) for i, p in enumerate(flat)]
        latest += [task(i, part.latest, [c]) for i, c in enumerate(conversion_pieces)]
        instant = task(0, _latest_of, latest)
    # 3. which piece owns each user; every piece cut by user (nothing moves for a user
    # whose records are all in one piece)
    keys = [task(i, routing.user_keys, p) for i, p in enumerate(flat)]
    owner = task(0, routing.owners, keys)
    shared = task(0, routing.shared_keys, owner)
    route_all = task(0, routing.Router, pieces_n, parts, owner)
    split = [
        task(i, part.split_campaign, p, task(i, routing.Router, pieces_n, parts, None, i, shared))
        for i, p in enumerate(flat)
    ]
    split_conv = [
        task(i, part.split_conversions, c, route_all) for i, c in enumerate(conversion_pieces)
    ]
    routed = [
        None if r is None else task(k + 1, route_recipients, r, route_all)
        for k, r in enumerate(recipients)
    ]
    # 4. each part whole, resolved as of the instant; B-2's first attempts across parts.
    # A piece's router sends a user to the piece's own part or to a hashed part, so
    # owned part j reads only piece j's cut (the other pieces' cut j is empty).
    resolved = []
    for j in range(total):
        resolved.append(
            task(
                j,
                part.resolve_part,
                run_campaigns,
                [
                    [
                        task(i, getitem, s, j)
                        for i, s in enumerate(split)
                        if owner_of[i] == k and (i == j or j >= pieces_n)
                    ]
                    for k in range(len(campaigns))
                ],
                [None if r is None else task(k + 1, getitem, r, j) for k, r in enumerate(routed)],
                [task(i, getitem, s, j) for i, s in enumerate(split_conv)],
                as_of_us=instant,
                date_range=date_range,
                groups=parts,
            )
        )
    firsts = task(0, _least_each, [task(j, part.first_attempts, r) for j, r in enumerate(resolved)])
    reports = [
        task(j, part.report_part, r, attribution=attribution, first_attempts=firsts, groups=parts)
        for j, r in enumerate(resolved)
    ]
    # 5. F-4 numbers and D-10 identities, settled per key group
    settled = [
        task(g, part.settle, [task(j, part.group_slice, r, g) for j, r in enumerate(reports)])
        for g in range(parts)
    ]
    # 6. a tree of merges of the parts' partials
    level = [task(j, _partial_of, r) for j, r in enumerate(reports)]
    while len(level) > 1:
        level = [
            task(i, part.merge_reports, level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    return task.delayed(task(0, part.finish, level[0], settled))

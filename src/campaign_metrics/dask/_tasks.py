"""The tasks a worker runs: read one piece of a campaign's files into plain state.

Each is a pure function of its arguments (paths, byte spans, the campaign), so any
worker can run it and a retry gives the same result. Bad lines are handled as one
process handles them: lenient mode keeps them in the piece (with file, line and the
campaign directory), strict mode raises the located error, which reaches the client.
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

from ..engine import CampaignAccumulator, ConversionPool
from ..engine.partition import ConversionsPiece, UserLines
from ..engine.routing import Router
from ..errors import InputError
from ..gc_pause import without_gc
from ..identity import RejectedRecord, reject_or_raise
from ..io.events import fold_events_file
from ..io.readers import fold_conversions, iter_recipients
from ..io.spans import Span
from ..model import Campaign, Recipient

__all__ = [
    "RecipientsPart",
    "fold_conversions_piece",
    "fold_events_piece",
    "pause_collector",
    "read_recipients",
    "resume_collector",
    "route_recipients",
]

#: A campaign's recipients (or a part of them): rows and rejected rows.
RecipientsPart = tuple[list[Recipient], list[RejectedRecord]]


def _located(exc: InputError, origin: str | None) -> InputError:
    if origin is not None and exc.file is not None and "/" not in exc.file:
        return exc.located(f"{origin}/{exc.file}", exc.line)
    return exc


@without_gc
def fold_events_piece(
    campaign: Campaign,
    path: str,
    span: Span | None,
    *,
    origin: str | None,
    strict: bool,
    naive_zone: dt.tzinfo | None,
) -> CampaignAccumulator:
    """Fold one events file, or one line-aligned byte span of it, of one campaign."""
    acc = CampaignAccumulator(campaign)
    p = Path(path)
    name = p.name

    def on_bad(error: InputError, line: int) -> None:
        reject_or_raise(error, strict, acc.rejected, None, name, line, origin)

    try:
        fold_events_file(acc, p, naive_zone=naive_zone, on_bad=on_bad, span=span)
    except InputError as exc:  # a fatal error (a bad header): name the directory
        raise _located(exc, origin) from None
    return acc


@without_gc
def fold_conversions_piece(
    path: str,
    *,
    display: str,
    origin: str | None,
    owner: int | None,
    strict: bool,
    naive_zone: dt.tzinfo | None,
) -> ConversionsPiece:
    """Fold one conversions file, every user's conversions kept and their lines counted
    (A-6: which users the run reached is known once each part is whole)."""
    pool = ConversionPool()
    lines = UserLines()

    def on_bad(error: InputError, line: int) -> None:
        reject_or_raise(error, strict, pool.rejected, None, display, line, origin)

    fold_conversions(
        pool, Path(path), keep=lines, on_bad=on_bad, name=display, naive_zone=naive_zone
    )
    return ConversionsPiece(pool, lines.lines, owner)


@without_gc
def read_recipients(path: str, *, origin: str, strict: bool) -> RecipientsPart:
    """Read recipients.csv: its rows and its rejected rows."""
    rows: list[Recipient] = []
    rejected: list[RejectedRecord] = []
    p = Path(path)
    try:
        for line, item in iter_recipients(p):
            if isinstance(item, InputError):
                reject_or_raise(item, strict, rejected, None, p.name, line, origin)
            else:
                rows.append(item)
    except InputError as exc:
        raise _located(exc, origin) from None
    return rows, rejected


@without_gc
def route_recipients(listed: RecipientsPart, route: Router) -> list[RecipientsPart]:
    """Cut the rows by user into ``route.parts`` (the rejected rows with the
    campaign-level records)."""
    rows, rejected = listed
    parts: list[list[Recipient]] = [[] for _ in range(route.parts)]
    for r, i in zip(rows, route.many([r.user_id for r in rows])):
        parts[i].append(r)
    return [(r, rejected if i == route.level else []) for i, r in enumerate(parts)]


_WAS_ENABLED: list[bool] = []


def pause_collector() -> bool:
    """Pause this process's cyclic garbage collector for a run (re-entrant); returns
    whether it was on. A worker holds millions of small acyclic objects during a run:
    each full collection would rescan all of them (seconds, again and again)."""
    was = gc.isenabled()
    _WAS_ENABLED.append(was)
    gc.disable()
    return was


def resume_collector() -> bool:
    """Undo one :func:`pause_collector`; returns whether the collector is on again."""
    if _WAS_ENABLED.pop() if _WAS_ENABLED else True:
        gc.enable()
    return gc.isenabled()

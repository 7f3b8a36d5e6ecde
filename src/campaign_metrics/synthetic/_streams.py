"""The records in file order: a bounded local shuffle, and the public record iterators."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

from ._journeys import _Generator
from ._records import _stream_rng
from ._spec import SyntheticSpec
from ._summary import _Tally

_T = TypeVar("_T")


class _Displacer(Generic[_T]):
    """Moves a fraction of records up to ``window`` lines later, holding at most ``window``."""

    def __init__(self, rng: random.Random, rate: float, window: int, tally: _Tally) -> None:
        self.rng, self.rate, self.window, self.tally = rng, rate, window, tally
        self.held: list[tuple[int, int, _T]] = []
        self.emitted = 0
        self.seq = 0

    def push(self, record: _T) -> Iterator[_T]:
        if self.rate and self.rng.random() < self.rate:
            self.seq += 1
            due = self.emitted + self.rng.randint(1, self.window)
            heapq.heappush(self.held, (due, self.seq, record))
            self.tally.add("out_of_order")
            if len(self.held) > self.window:
                self.emitted += 1
                yield heapq.heappop(self.held)[2]
            return
        self.emitted += 1
        yield record
        while self.held and self.held[0][0] <= self.emitted:
            self.emitted += 1
            yield heapq.heappop(self.held)[2]

    def flush(self) -> Iterator[_T]:
        while self.held:
            yield heapq.heappop(self.held)[2]


def _ordered(
    records: Iterable[list[dict[str, Any]]], spec: SyntheticSpec, rng: random.Random, tally: _Tally
) -> Iterator[dict[str, Any]]:
    order: _Displacer[dict[str, Any]] = _Displacer(
        rng, spec.shuffle_rate, spec.shuffle_window, tally
    )
    for batch in records:
        for record in batch:
            yield from order.push(record)
    yield from order.flush()


def iter_events(spec: SyntheticSpec, seed: int) -> Iterator[dict[str, Any]]:
    """The campaign's message events, one user journey at a time, in file order.

    Timeline events come first, then each user's journey; a ``shuffle_rate`` fraction of
    records moves up to ``shuffle_window`` lines later. Memory stays bounded whatever
    ``spec.recipients`` is.

    >>> events = list(iter_events(SyntheticSpec(recipients=5, timeline=False), seed=3))
    >>> "sent" in {e["type"] for e in events}
    True
    """
    gen = _Generator(spec, seed)
    batches = (j.events for j in gen.journeys())
    yield from _ordered(batches, spec, _stream_rng(seed, spec, "events-order"), gen.tally)


def iter_conversions(spec: SyntheticSpec, seed: int) -> Iterator[dict[str, Any]]:
    """The users' app events (conversions.jsonl records), one journey at a time.

    ``revenue`` is a :class:`~decimal.Decimal` with two decimals; write records with
    :func:`to_json_line`.

    >>> spec = SyntheticSpec(recipients=200, purchase_rate=0.5)
    >>> any("revenue" in c for c in iter_conversions(spec, seed=3))
    True
    """
    gen = _Generator(spec, seed)
    batches = (j.conversions for j in gen.journeys())
    yield from _ordered(batches, spec, _stream_rng(seed, spec, "conversions-order"), gen.tally)


def iter_recipients(spec: SyntheticSpec, seed: int) -> Iterator[dict[str, str]]:
    """The recipients.csv rows (:data:`RECIPIENT_COLUMNS`), empty strings for empty cells.

    >>> next(iter_recipients(SyntheticSpec(recipients=3), seed=0))["user_id"]
    'u000000'
    """
    for journey in _Generator(spec, seed).journeys():
        if journey.recipient is not None:
            yield journey.recipient

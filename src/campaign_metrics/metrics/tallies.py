"""The small merges every section's tally is made of (sums per key, least of, a few
smallest examples).

A *tally* is what one pass of a section's rule gathers over some messages: counts, sums
and the few sets or distributions a rate, a distinct count or a quantile needs. Tallies
of two disjoint sets of users merge exactly (``+=``), and a tally's ``section`` turns it
into the report section. So the report of a run equals the report assembled from the
merged tallies of any partition of its users (``campaign_metrics.dask``).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, TypeVar

__all__ = ["add_counts", "add_lists", "least", "most", "smallest"]

K = TypeVar("K")
T = TypeVar("T")


def add_counts(into: MutableMapping[K, Any], other: MutableMapping[K, Any]) -> None:
    """``into[k] += other[k]`` for every key (a missing key counts as 0).

    >>> a = {"x": 1}
    >>> add_counts(a, {"x": 2, "y": 3})
    >>> a
    {'x': 3, 'y': 3}
    """
    get = into.get
    for k, n in other.items():
        current = get(k)
        into[k] = n if current is None else current + n


def add_lists(into: MutableMapping[K, list[Any]], other: MutableMapping[K, list[Any]]) -> None:
    """Element-wise ``+=`` of lists of counts per key (a missing key: zeros).

    >>> a = {"x": [1, 2]}
    >>> add_lists(a, {"x": [1, 1], "y": [0, 5]})
    >>> a
    {'x': [2, 3], 'y': [0, 5]}
    """
    for k, counts in other.items():
        mine = into.get(k)
        if mine is None:
            into[k] = list(counts)
        else:
            for i, n in enumerate(counts):
                mine[i] += n


def least(a: T | None, b: T | None) -> T | None:
    """The smaller of two optional values (``None``: unset).

    >>> least(3, None), least(None, None), least(2, 1)
    (3, None, 1)
    """
    if a is None:
        return b
    if b is None:
        return a
    return b if b < a else a  # type: ignore[operator]


def most(a: T | None, b: T | None) -> T | None:
    """The greater of two optional values (``None``: unset).

    >>> most(3, None), most(2, 5)
    (3, 5)
    """
    if a is None:
        return b
    if b is None:
        return a
    return b if b > a else a  # type: ignore[operator]


def smallest(values: Iterable[str], k: int) -> tuple[str, ...]:
    """The ``k`` smallest distinct values, sorted (a warning's examples).

    >>> smallest(["u3", "u1", "u3", "u2"], 2)
    ('u1', 'u2')
    """
    return tuple(sorted(set(values))[:k])

"""Columnar inputs: Parquet files, pandas DataFrames and Arrow tables, a batch of rows
at a time.

Every row becomes a plain mapping of its non-missing cells (:func:`row_values`: a
missing cell — ``None``, NaN, ``NaT``, ``pd.NA`` — is an absent key, a timestamp its
ISO-8601 text, a NumPy scalar its Python value) and goes through the same validation as
a JSON Lines record (:func:`~campaign_metrics.model.event_from_mapping`,
:func:`~campaign_metrics.model.conversion_from_mapping`); a bad row is reported at its
1-based row number, where a text file has its line. A Parquet file is read in record
batches (``pyarrow.parquet.ParquetFile.iter_batches``), never whole.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError, MissingDependencyError
from ..model import (
    ConversionEvent,
    MessageEvent,
    Recipient,
    conversion_from_mapping,
    event_from_mapping,
)
from ..timezones import to_us
from .readers import ConversionsRead, _recipient
from .sinks import ConversionSink, EventSink

__all__ = [
    "fold_conversion_rows",
    "fold_event_rows",
    "frame_rows",
    "iter_conversion_rows",
    "iter_event_rows",
    "iter_recipient_rows",
    "parquet_rows",
    "row_values",
]

BadFn = Callable[[InputError, int], None]
#: Rows per batch read from a Parquet file or taken from a frame.
BATCH_ROWS = 65_536
_INT_KEYS = frozenset({"response_code", "segments", "status_code"})
_MISSING: Any = object()


def _cell(key: str, value: Any) -> Any:
    """One cell as the JSON value a file would hold (``_MISSING`` for a missing one)."""
    if value is None:
        return _MISSING
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    item = getattr(value, "item", None)
    if item is not None and getattr(value, "shape", None) == ():  # a NumPy scalar
        value = item()
    if isinstance(value, float):
        if math.isnan(value):
            return _MISSING
        if key in _INT_KEYS and value.is_integer():
            return int(value)  # an integer column with a gap is float in pandas
        if key == "revenue":  # the shortest text of the float, as JSON would write it
            return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
        return value
    if key == "properties":
        return _properties(value)
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        if value != value:  # NaT
            return _MISSING
        return value.isoformat()
    if type(value).__name__ in ("NAType", "NaTType"):
        return _MISSING
    return value


def _properties(value: Any) -> Any:
    """A properties cell: a struct (a dict; its null fields are absent — a column of
    structs gives every row every field) or a JSON object's text."""
    if isinstance(value, str):
        try:
            return json.loads(value, parse_float=Decimal)
        except json.JSONDecodeError:
            return value  # the validation names the field
    if isinstance(value, Mapping):
        return {str(k): _cell("", v) for k, v in value.items() if _cell("", v) is not _MISSING}
    return value


def row_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's non-missing cells as the JSON values a file would hold.

    >>> import datetime as dt
    >>> row_values({"type": "sent", "time": dt.datetime(2026, 5, 4, tzinfo=dt.timezone.utc),
    ...             "segments": 2.0, "url": float("nan")})
    {'type': 'sent', 'time': '2026-05-04T00:00:00+00:00', 'segments': 2}
    """
    out: dict[str, Any] = {}
    for key, value in row.items():
        cell = _cell(str(key), value)
        if cell is not _MISSING:
            out[str(key)] = cell
    return out


def _arrow_batches(table: Any) -> Iterator[list[dict[str, Any]]]:
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield batch.to_pylist()


def frame_rows(frame: Any) -> Iterator[list[dict[str, Any]]]:
    """Batches of rows (column → cell) of a pandas DataFrame, an Arrow table, or any
    object with ``__dataframe__`` or ``__arrow_c_stream__`` (read through ``pyarrow``).

    >>> import pandas as pd
    >>> next(frame_rows(pd.DataFrame({"user_id": ["u1"], "type": ["sent"]})))
    [{'user_id': 'u1', 'type': 'sent'}]
    """
    if hasattr(frame, "to_batches"):  # a pyarrow Table
        yield from _arrow_batches(frame)
        return
    if hasattr(frame, "iloc") and hasattr(frame, "to_dict"):  # pandas
        for start in range(0, len(frame), BATCH_ROWS):
            yield frame.iloc[start : start + BATCH_ROWS].to_dict("records")
        return
    if hasattr(frame, "__arrow_c_stream__") or hasattr(frame, "__dataframe__"):
        try:
            import pyarrow as pa
        except ImportError:
            raise MissingDependencyError("pyarrow", "parquet") from None
        if hasattr(frame, "__arrow_c_stream__"):
            table = pa.table(frame)
        else:
            import pyarrow.interchange

            table = pyarrow.interchange.from_dataframe(frame)
        yield from _arrow_batches(table)
        return
    raise InputError(
        reason="expected a pandas DataFrame, an Arrow table or an object with "
        f"__dataframe__, got a {type(frame).__name__}"
    )


def parquet_rows(path: Path, name: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Batches of rows of a Parquet file, read a record batch at a time (extra
    ``parquet``).

    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> pq.write_table(pa.table({"user_id": ["u1"], "type": ["sent"]}), p)
    >>> list(parquet_rows(p))
    [[{'user_id': 'u1', 'type': 'sent'}]]
    """
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("pyarrow", "parquet") from None
    display = name or path.name
    try:
        parquet = pq.ParquetFile(path)
    except OSError as exc:  # pyarrow's ArrowInvalid is an OSError subclass too
        raise InputError(reason=f"cannot read the Parquet file: {exc}", file=display) from None
    with parquet:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            yield batch.to_pylist()


def _numbered(batches: Iterable[list[dict[str, Any]]]) -> Iterator[tuple[int, dict[str, Any]]]:
    row = 0
    for batch in batches:
        for values in batch:
            row += 1
            yield row, values


def iter_event_rows(
    batches: Iterable[list[dict[str, Any]]],
    name: str,
    *,
    naive_zone: dt.tzinfo | None = None,
) -> Iterator[tuple[int, MessageEvent | InputError]]:
    """``(row, event_or_error)`` for rows of events (1-based row numbers), validated as a
    JSON Lines record is.

    >>> [(row, e.type.value) for row, e in iter_event_rows(
    ...     [[{"user_id": "u1", "type": "sent", "time": "2026-05-04T07:00:00Z"}]], "events")]
    [(1, 'sent')]
    """
    for row, values in _numbered(batches):
        try:
            yield row, event_from_mapping(row_values(values), naive_zone=naive_zone)
        except InputError as exc:
            yield row, exc.located(name, row)


def iter_conversion_rows(
    batches: Iterable[list[dict[str, Any]]],
    name: str,
    *,
    naive_zone: dt.tzinfo | None = None,
) -> Iterator[tuple[int, ConversionEvent | InputError]]:
    """``(row, conversion_or_error)`` for rows of conversions, validated as a
    conversions.jsonl record is.

    >>> [(row, c.name) for row, c in iter_conversion_rows(
    ...     [[{"user_id": "u1", "name": "purchase", "time": "2026-05-04T07:00:00Z"}]], "c")]
    [(1, 'purchase')]
    """
    for row, values in _numbered(batches):
        try:
            yield row, conversion_from_mapping(row_values(values), naive_zone=naive_zone)
        except InputError as exc:
            yield row, exc.located(name, row)


def iter_recipient_rows(
    batches: Iterable[list[dict[str, Any]]], name: str
) -> Iterator[tuple[int, Recipient | InputError]]:
    """``(row, recipient_or_error)`` for rows of recipients, validated as a
    recipients.csv row is (a missing cell is an empty one).

    >>> [(row, r.user_id) for row, r in iter_recipient_rows([[{"user_id": "u1"}]], "r")]
    [(1, 'u1')]
    """
    for row, values in _numbered(batches):
        cells = {k: "" if v is None else str(v) for k, v in row_values(values).items()}
        try:
            yield row, _recipient(cells)
        except InputError as exc:
            yield row, exc.located(name, row)


def fold_event_rows(
    acc: EventSink,
    batches: Iterable[list[dict[str, Any]]],
    name: str,
    *,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
) -> None:
    """Fold rows of events into ``acc``; a bad row goes to ``on_bad`` at its row number
    (the Parquet counterpart of :func:`~campaign_metrics.io.events.fold_events_file`).

    >>> from campaign_metrics import CampaignAccumulator, Campaign
    >>> acc = CampaignAccumulator(Campaign(id="c", name="c", channel="sms"))
    >>> fold_event_rows(acc, [[{"user_id": "u1", "type": "sent", "time": "bad"}]], "e",
    ...                 naive_zone=None, on_bad=lambda e, row: print(e))
    e:1: field 'time': expected an ISO-8601 time with a UTC offset, got 'bad'
    """
    add = acc.add
    for row, item in iter_event_rows(batches, name, naive_zone=naive_zone):
        if isinstance(item, InputError):
            on_bad(item, row)
            continue
        try:
            add(item)
        except InputError as exc:  # another campaign's id
            on_bad(exc.located(name, row), row)


def fold_conversion_rows(
    pool: ConversionSink,
    batches: Iterable[list[dict[str, Any]]],
    name: str,
    *,
    keep: Container[str],
    on_bad: BadFn,
    naive_zone: dt.tzinfo | None = None,
) -> ConversionsRead:
    """Fold rows of conversions into ``pool`` as
    :func:`~campaign_metrics.io.readers.fold_conversions` folds a file: the conversions
    of users outside ``keep`` are counted, not kept (A-6).

    >>> from campaign_metrics import ConversionPool
    >>> read = fold_conversion_rows(ConversionPool(), [[{"user_id": "u9", "name": "p",
    ...     "time": "2026-05-04T07:00:00Z"}]], "c", keep=set(), on_bad=print)
    >>> read.dropped
    1
    """
    out = ConversionsRead()
    for row, item in iter_conversion_rows(batches, name, naive_zone=naive_zone):
        if isinstance(item, InputError):
            on_bad(item, row)
        elif item.user_id in keep:
            pool.add(item)
        else:
            out.dropped += 1  # a user no campaign reached cannot convert
            t = to_us(item.time)
            if out.dropped_latest is None or t > out.dropped_latest:
                out.dropped_latest = t
    return out

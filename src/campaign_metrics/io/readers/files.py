"""Reading the directory files a record at a time: campaign.json and the events files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import json.scanner
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar, Union

from ...errors import ConfigurationError, InputError
from ...limits import LONG_LINE, MAX_JSON_DEPTH, long_line_reason
from ...model import (
    EVENT_COLUMNS,
    Campaign,
    ConversionEvent,
    MessageEvent,
    conversion_from_mapping,
    event_from_mapping,
)
from ..opening import is_csv, open_text

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")
#: Called with the bytes and the lines read so far (progress bars).
ProgressFn = Callable[[int, int], None]

RECIPIENT_COLUMNS = ("user_id", "mobile_number", "locale", "variation", "timezone", "group")


def _open_text(path: Path, name: str) -> IO[str]:
    return open_text(path, name)  # compressed files too (:mod:`..opening`)


def read_campaign(path: PathLike, *, name: str = "campaign.json") -> Campaign:
    """Read campaign.json. Raises :class:`ConfigurationError` for a bad configuration
    and :class:`InputError` for an unreadable or malformed file.

    >>> read_campaign("examples/mms_spring_sale/campaign.json").channel.value  # doctest: +SKIP
    'mms'
    """
    p = Path(path)
    with _open_text(p, name) as f:
        text = f.read()
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(
            reason=f"expected a JSON object: {exc.msg} (column {exc.colno})",
            file=name,
            line=exc.lineno,
        ) from None
    try:
        return Campaign.from_dict(data)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{name}: {exc}", field=exc.field) from None


class _ByteCounter:
    """Wraps a text file (or its lines) and reports bytes read at most every ``step``
    bytes."""

    def __init__(self, f: Iterable[str], progress: ProgressFn | None, step: int = 1 << 20) -> None:
        self.f = f
        self.progress = progress
        self.read = 0
        self.lines = 0
        self.step = step
        self.next_report = step

    def __iter__(self) -> Iterator[str]:
        progress = self.progress
        if progress is None:
            yield from self.f
            return
        for line in self.f:
            self.read += len(line)
            self.lines += 1
            if self.read >= self.next_report:
                progress(self.read, self.lines)
                self.next_report = self.read + self.step
            yield line
        progress(self.read, self.lines)


def _jsonl_record(
    line: str,
    line_no: int,
    name: str,
    build: Callable[[Any], T],
    parse_float: Callable[[str], Any] | None,
) -> T | InputError:
    """One non-blank line of a JSON Lines file: its record, or its located error."""
    if line.startswith(LONG_LINE):
        return InputError(reason=long_line_reason(), file=name, line=line_no)
    try:
        data = json.loads(line, parse_float=parse_float)
    except json.JSONDecodeError as exc:
        return InputError(
            reason=f"expected a JSON object: {exc.msg} (column {exc.colno})",
            file=name,
            line=line_no,
        )
    except RecursionError:
        return InputError(
            reason=f"JSON nested deeper than {MAX_JSON_DEPTH} levels (the limit)",
            file=name,
            line=line_no,
        )
    return _built(data, line_no, name, build)


def _built(data: Any, line_no: int, name: str, build: Callable[[Any], T]) -> T | InputError:
    try:
        return build(data)
    except InputError as exc:
        return exc.located(name, line_no)


def _iter_jsonl(
    path: Path,
    name: str,
    build: Callable[[Any], T],
    parse_float: Callable[[str], Any] | None,
    progress: ProgressFn | None,
) -> Iterator[tuple[int, T | InputError]]:
    with _open_text(path, name) as f:
        for line_no, line in enumerate(_ByteCounter(f, progress), start=1):
            if not line.strip():
                continue  # a blank line holds no record
            yield line_no, _jsonl_record(line, line_no, name, build, parse_float)


def _iter_csv(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    build: Callable[[dict[str, str]], T],
    progress: ProgressFn | None,
    row_builder: Callable[[list[str]], Callable[[list[str]], T]] | None = None,
    *,
    open_columns: bool = False,
) -> Iterator[tuple[int, T | InputError]]:
    """Rows of a CSV file built by ``build`` (a row as a column → cell dict).

    ``row_builder``, given the checked header, may return a builder of the row's cell
    list instead (no dict per row); it must build or raise exactly what ``build`` would.
    """
    with _open_text(path, name) as f:
        reader = csv.reader(f if progress is None else _ByteCounter(f, progress))
        header = csv_header(reader, name, columns, required, open_columns=open_columns)
        if header is None:
            return
        if isinstance(header, InputError):
            yield 1, header
            return
        build_row = (
            row_builder(header)
            if row_builder is not None
            else lambda row: build(dict(zip(header, row)))
        )
        for line_no, row in csv_records(reader, name, len(header)):
            if isinstance(row, InputError):
                yield line_no, row
                continue
            try:
                yield line_no, build_row(row)
            except InputError as exc:
                yield line_no, exc.located(name, line_no)


def csv_header(
    reader: Iterator[list[str]],
    name: str,
    columns: Sequence[str],
    required: Sequence[str],
    *,
    open_columns: bool = False,
) -> list[str] | InputError | None:
    """The checked header of a CSV file: None for an empty file, the located error of an
    unreadable header; a missing column, or an unknown one unless ``open_columns`` (the
    events' file: FORMATS.md keeps an unlisted key as content), raises
    :class:`InputError`."""
    try:
        header = next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        return InputError(reason=f"unreadable CSV header: {exc}", file=name, line=1)
    header = [h.strip() for h in header]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    unknown = [h for h in header if h not in columns]
    if unknown and not open_columns:
        raise InputError(
            reason=f"unknown column '{unknown[0]}' (allowed: {', '.join(columns)})",
            file=name,
            line=1,
            field=unknown[0],
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            reason=f"missing column '{missing[0]}'", file=name, line=1, field=missing[0]
        )
    return header


def csv_records(
    reader: Any, name: str, width: int, base: int = 0
) -> Iterator[tuple[int, list[str] | InputError]]:
    """Each record of a ``csv.reader`` with the file line it starts on (``base`` lines
    come before the reader's first), or the located error of an unreadable record or of
    one with other than ``width`` cells; blank lines are skipped."""
    start = base + reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, InputError(reason=f"unreadable CSV row: {exc}", file=name, line=start)
            start = base + reader.line_num + 1
            continue
        line_no = start
        start = base + reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if row[0].startswith(LONG_LINE):
            yield line_no, InputError(reason=long_line_reason(), file=name, line=line_no)
            continue
        if len(row) != width:
            yield (
                line_no,
                InputError(
                    reason=f"expected {width} cells, got {len(row)}", file=name, line=line_no
                ),
            )
            continue
        yield line_no, row


def iter_events(
    path: PathLike,
    *,
    name: str | None = None,
    naive_zone: dt.tzinfo | None = None,
    progress: ProgressFn | None = None,
) -> Iterator[tuple[int, MessageEvent | InputError]]:
    """Stream the events of ``events.jsonl`` or ``events.csv`` (by the file's suffix)."""
    p = Path(path)
    display = name or p.name
    if is_csv(p):
        return _iter_csv(
            p,
            display,
            EVENT_COLUMNS,
            ("type", "time"),
            lambda row: event_from_mapping(row, naive_zone=naive_zone, from_text=True),
            progress,
            open_columns=True,
        )
    return _iter_jsonl(
        p,
        display,
        lambda data: event_from_mapping(data, naive_zone=naive_zone),
        None,
        progress,
    )


def iter_conversions(
    path: PathLike,
    *,
    name: str | None = None,
    naive_zone: dt.tzinfo | None = None,
    progress: ProgressFn | None = None,
) -> Iterator[tuple[int, ConversionEvent | InputError]]:
    """Stream the conversions of a conversions.jsonl file (numbers parsed exactly)."""
    p = Path(path)
    return _iter_jsonl(
        p,
        name or p.name,
        lambda data: conversion_from_mapping(data, naive_zone=naive_zone),
        Decimal,
        progress,
    )

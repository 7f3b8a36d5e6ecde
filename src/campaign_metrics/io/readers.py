"""Streaming readers of the campaign-directory files (FORMATS.md).

Every reader yields ``(line, record_or_error)`` pairs one record at a time, so a log of
any size is never held in memory. ``line`` is the record's physical line, 1-based (a
CSV's header is line 1). A bad record comes out as an :class:`InputError` located at its
file, line and field; the caller decides (strict: raise, lenient: keep it in
``data_quality.rejected``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, TypeVar, Union

from ..errors import ConfigurationError, InputError
from ..model import (
    Campaign,
    ConversionEvent,
    Group,
    MessageEvent,
    Recipient,
    _checked_recipient,
)
from ._conversions import conversion_from_mapping
from ._events import EVENT_COLUMNS, event_from_mapping

__all__ = [
    "RECIPIENT_COLUMNS",
    "ProgressFn",
    "iter_conversions",
    "iter_events",
    "iter_recipients",
    "read_campaign",
]

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")
#: Called with the bytes and the lines read so far (progress bars).
ProgressFn = Callable[[int, int], None]

RECIPIENT_COLUMNS = ("user_id", "mobile_number", "locale", "variation", "timezone", "group")


def _open_text(path: Path, name: str) -> IO[str]:
    try:
        return open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(reason=f"cannot read the file: {exc.strerror or exc}", file=name) from None


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
    """Wraps a text file and reports bytes read at most every ``step`` bytes."""

    def __init__(self, f: IO[str], progress: ProgressFn | None, step: int = 1 << 20) -> None:
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
            try:
                data = json.loads(line, parse_float=parse_float)
            except json.JSONDecodeError as exc:
                yield (
                    line_no,
                    InputError(
                        reason=f"expected a JSON object: {exc.msg} (column {exc.colno})",
                        file=name,
                        line=line_no,
                    ),
                )
                continue
            except RecursionError:
                yield (
                    line_no,
                    InputError(
                        reason="expected a JSON object: nested too deeply", file=name, line=line_no
                    ),
                )
                continue
            try:
                yield line_no, build(data)
            except InputError as exc:
                yield line_no, exc.located(name, line_no)


def _iter_csv(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    build: Callable[[dict[str, str]], T],
    progress: ProgressFn | None,
    row_builder: Callable[[list[str]], Callable[[list[str]], T]] | None = None,
) -> Iterator[tuple[int, T | InputError]]:
    """Rows of a CSV file built by ``build`` (a row as a column → cell dict).

    ``row_builder``, given the checked header, may return a builder of the row's cell
    list instead (no dict per row); it must build or raise exactly what ``build`` would.
    """
    with _open_text(path, name) as f:
        reader = csv.reader(f if progress is None else _ByteCounter(f, progress))
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield 1, InputError(reason=f"unreadable CSV header: {exc}", file=name, line=1)
            return
        header = [h.strip() for h in header]
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        unknown = [h for h in header if h not in columns]
        if unknown:
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
        width = len(header)
        build_row = (
            row_builder(header)
            if row_builder is not None
            else lambda row: build(dict(zip(header, row)))
        )
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, InputError(reason=f"unreadable CSV row: {exc}", file=name, line=start)
                start = reader.line_num + 1
                continue
            line_no = start
            start = reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                yield (
                    line_no,
                    InputError(
                        reason=f"expected {width} cells, got {len(row)}", file=name, line=line_no
                    ),
                )
                continue
            try:
                yield line_no, build_row(row)
            except InputError as exc:
                yield line_no, exc.located(name, line_no)


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
    if p.suffix.lower() == ".csv":
        return _iter_csv(
            p,
            display,
            EVENT_COLUMNS,
            ("type", "time"),
            lambda row: event_from_mapping(row, naive_zone=naive_zone, from_text=True),
            progress,
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


def _recipient(row: dict[str, str]) -> Recipient:
    """The full path: one recipients.csv row (column → cell) to a validated Recipient."""
    user = row.get("user_id", "").strip()
    if not user:
        raise InputError(field="user_id", expected="a user id", got=row.get("user_id") or None)
    values = {k: (row.get(k) or "").strip() or None for k in RECIPIENT_COLUMNS[1:]}
    for key in ("locale", "variation", "timezone"):  # few distinct values: shared strings
        if values[key] is not None:
            values[key] = sys.intern(values[key])  # type: ignore[arg-type]
    group = values.pop("group")
    if group is not None and group not in ("target", "control"):
        raise InputError(field="group", expected="'target', 'control' or empty", got=group)
    return Recipient(user_id=user, group=group, **values)


_GROUPS: dict[str, Group] = {g.value: g for g in Group}


def _recipient_builder(header: list[str]) -> Callable[[list[str]], Recipient]:
    """The fast path of recipients.csv: a builder of a row's cell list.

    A row whose user id is non-empty and whose group is empty or known is plainly valid
    (the only checks :func:`_recipient` makes on text cells), so its
    :class:`~campaign_metrics.Recipient` is built without re-running the validation;
    any other row goes through :func:`_recipient`, which raises the located error.
    Repeated texts (locale, variation, time zone) are shared: one string object each.
    """
    index = {h: i for i, h in enumerate(header)}  # a repeated column: the last cell wins
    if any(c not in index for c in RECIPIENT_COLUMNS):
        return lambda row: _recipient(dict(zip(header, row)))
    cells = itemgetter(*(index[c] for c in RECIPIENT_COLUMNS))
    groups = _GROUPS
    intern = sys.intern

    def build(row: list[str]) -> Recipient:
        user, mobile, locale, variation, zone, group_text = cells(row)
        user = user.strip()
        group_text = group_text.strip()
        group = groups.get(group_text) if group_text else None
        if not user or (group is None and group_text):
            return _recipient(dict(zip(header, row)))  # raises the row's error
        mobile = mobile.strip()
        locale = locale.strip()
        variation = variation.strip()
        zone = zone.strip()
        return _checked_recipient(
            user,
            mobile or None,
            intern(locale) if locale else None,
            intern(variation) if variation else None,
            intern(zone) if zone else None,
            group,
        )

    return build


def iter_recipients(
    path: PathLike, *, name: str | None = None
) -> Iterator[tuple[int, Recipient | InputError]]:
    """Stream the rows of recipients.csv."""
    p = Path(path)
    return _iter_csv(
        p, name or p.name, RECIPIENT_COLUMNS, ("user_id",), _recipient, None, _recipient_builder
    )

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
import json.scanner
import os
import sys
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, TypeVar, Union

import attrs

from ..canonical import conversion_text, json_key, plain_decimal
from ..errors import ConfigurationError, InputError
from ..model import (
    CONVERSION_KEYS,
    EVENT_COLUMNS,
    Campaign,
    ConversionEvent,
    FrozenMapping,
    Group,
    MessageEvent,
    Recipient,
    _checked_recipient,
    conversion_from_mapping,
    event_from_mapping,
)
from ..timezones import to_us
from .sinks import ConversionSink

__all__ = [
    "RECIPIENT_COLUMNS",
    "ConversionsRead",
    "ProgressFn",
    "fold_conversions",
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
            reason="expected a JSON object: nested too deeply", file=name, line=line_no
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
    if p.suffix.lower() == ".csv":
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


_CONVERSION_KEYS = frozenset(CONVERSION_KEYS)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_ONE_US = dt.timedelta(microseconds=1)
_SHARED_LIMIT = 1 << 16
_JSON_SPACE = " \t\n\r"
_make_scanner: Any = json.scanner.make_scanner
#: Property values whose equality is identity of type and value (``True == 1``, so no
#: bool): a tuple of the items then stands for exactly one properties object.
_SHAREABLE = frozenset({str, int, type(None)})


class _Shared(dict[Any, Any]):
    """A bounded memo whose hits are plain C-level ``dict`` lookups: ``self[key]``
    makes a missing value with ``make`` (one shared object per distinct key)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        if len(self) >= _SHARED_LIMIT:
            self.clear()
        value = self[key] = self.make(key)
        return value


def _properties_entry(items: tuple[tuple[str, Any], ...]) -> tuple[FrozenMapping, str]:
    frozen = FrozenMapping(dict(items))
    return frozen, json_key(frozen)


@attrs.define
class ConversionsRead:
    """What :func:`fold_conversions` did besides folding: the conversions of users
    outside ``keep`` (counted, not kept) and the latest of their times (epoch µs)."""

    dropped: int = 0
    dropped_latest: int | None = None


def fold_conversions(
    pool: ConversionSink,
    path: PathLike,
    *,
    keep: Container[str],
    on_bad: Callable[[InputError, int], None],
    name: str | None = None,
    naive_zone: dt.tzinfo | None = None,
) -> ConversionsRead:
    """Fold a conversions.jsonl file into ``pool``: the hot path of :func:`iter_conversions`.

    Conversions of users in ``keep`` are folded (A-6), the others only counted. A
    plainly valid line (a JSON object of the known keys, texts non-empty, an explicit
    UTC offset, a JSON-number revenue, flat properties of texts, integers and nulls)
    is folded from its plain values without a :class:`ConversionEvent`; every other
    line goes through the full path (:func:`conversion_from_mapping`), which builds the
    conversion or gives ``on_bad`` the located error. Both paths fold the same values
    (a property test holds them equal). Repeated names, revenues and properties are
    kept as one shared object each.
    """
    p = Path(path)
    display = name or p.name
    out = ConversionsRead()
    decimals = _Shared(Decimal)  # a number's text → its Decimal
    plains = _Shared(plain_decimal)  # equal decimals have one plain text
    names = _Shared(lambda n: (n, json_key(n)))  # a name → (its shared text, its JSON)
    shared = _Shared(_properties_entry)  # items → (the properties, their json_key)

    def build(data: Any) -> ConversionEvent:
        return conversion_from_mapping(data, naive_zone=naive_zone)

    def full(data: Any, line_no: int) -> None:
        settle(_built(data, line_no, display, build), line_no)

    def settle(item: ConversionEvent | InputError, line_no: int) -> None:
        if isinstance(item, InputError):
            on_bad(item, line_no)
        elif item.user_id in keep:
            pool.add(item)
        else:
            drop(to_us(item.time))

    def drop(t: int) -> None:
        out.dropped += 1  # a user no campaign reached cannot convert
        if out.dropped_latest is None or t > out.dropped_latest:
            out.dropped_latest = t

    # the decoder's C scanner, called as ``JSONDecoder.decode`` calls it
    scan = _make_scanner(json.JSONDecoder(parse_float=decimals.__getitem__))
    fromisoformat = dt.datetime.fromisoformat
    keys_ok = _CONVERSION_KEYS.issuperset
    shareable = _SHAREABLE
    fold = pool.fold_keyed
    with _open_text(p, display) as f:
        for line_no, line in enumerate(f, start=1):
            if line[:1] != "{":
                if line.strip():  # a blank line holds no record
                    settle(_jsonl_record(line, line_no, display, build, Decimal), line_no)
                continue
            try:
                data, end = scan(line, 0)
            except (StopIteration, ValueError, RecursionError):
                data, end = None, -1
            # one object, then only JSON whitespace; else the full path parses the line
            # (``json.loads``) and says what is wrong
            if end < 0 or (
                (end != len(line) - 1 or line[end] != "\n") and line[end:].strip(_JSON_SPACE)
            ):
                settle(_jsonl_record(line, line_no, display, build, Decimal), line_no)
                continue
            if type(data) is not dict or not keys_ok(data):
                full(data, line_no)
                continue
            get = data.get
            user = get("user_id")
            conv_name = get("name")
            time_text = get("time")
            event_id = get("event_id")
            if (
                type(user) is not str
                or not user
                or type(conv_name) is not str
                or not conv_name
                or type(time_text) is not str
                or (event_id is not None and (type(event_id) is not str or not event_id))
            ):
                full(data, line_no)
                continue
            try:
                instant = fromisoformat(time_text)
            except ValueError:
                full(data, line_no)
                continue
            # aware (a fixed offset: ``fromisoformat`` makes no other tzinfo), and far
            # enough from the calendar's ends for the full path's UTC conversion
            if instant.tzinfo is None or not 1 < instant.year < 9999:
                full(data, line_no)
                continue
            revenue = get("revenue")
            if revenue is not None:
                kind = type(revenue)
                if kind is int:
                    revenue = Decimal(revenue)
                elif kind is not Decimal or not revenue.is_finite():
                    full(data, line_no)
                    continue
            properties = get("properties")
            props: FrozenMapping | None = None
            props_text = None
            if properties:
                if type(properties) is not dict:
                    full(data, line_no)
                    continue
                for value in properties.values():
                    if type(value) not in shareable:
                        full(data, line_no)
                        break
                else:
                    props, props_text = shared[tuple(properties.items())]
                if props is None:
                    continue
            elif properties is not None and type(properties) is not dict:
                full(data, line_no)  # a falsy non-object: the full path rejects it
                continue
            t = (instant - _EPOCH) // _ONE_US
            if user not in keep:
                drop(t)
                continue
            shared_name, name_json = names[conv_name]
            fold(
                user,
                shared_name,
                t,
                revenue,
                props,
                event_id,
                conversion_text(
                    user,
                    name_json,
                    t,
                    event_id,
                    None if revenue is None else plains[revenue],
                    props_text,
                ),
            )
    return out


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

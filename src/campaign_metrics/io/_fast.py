"""The hot path: events files folded straight into the engine, without an object per event.

Creating one frozen, validated :class:`~campaign_metrics.MessageEvent` per record costs
more than the whole fold, so the readers here check each record with cheap tests and
hand its plain values to :meth:`CampaignAccumulator.fold`. Any record that is not plainly
valid goes through the full path (:func:`event_from_mapping`), which either builds the
event or raises the located :class:`InputError`: both paths accept exactly the same
records and fold exactly the same values (a property test holds them equal).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..engine import KEY_FIELDS, CampaignAccumulator, event_key, record_pair
from ..errors import InputError
from ..model import (
    EXTRA_FIELDS,
    EXTRA_KEYS,
    EventType,
    PersonalizationCategory,
    SendMode,
    SkipReason,
    TzMode,
)
from ..timezones import UTC
from ._events import EVENT_COLUMNS, event_from_mapping
from .readers import ProgressFn, _ByteCounter, _open_text

__all__ = ["fold_events_file"]

BadFn = Callable[[InputError, int], None]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = dt.timedelta(microseconds=1)
_TYPES = {t.value: t for t in EventType}
_TIMELINE = frozenset(t for t in EventType if t.is_timeline)
_CATEGORIES = frozenset(c.value for c in PersonalizationCategory)
_SEND_MODES = frozenset(m.value for m in SendMode)
_TZ_MODES = frozenset(m.value for m in TzMode)
_SKIP_REASONS = frozenset(r.value for r in SkipReason)
_INT_FIELDS = (0, 5, 9)  # response_code, segments, status_code within EXTRA_FIELDS
_NO_EXTRAS: tuple[Any, ...] = (None,) * len(EXTRA_FIELDS)
_CACHE_LIMIT = 1 << 17  # ISO text → epoch µs (logs often repeat their seconds)
_NEVER = -(1 << 62)
_ABSENT: dict[str, None] = {"": None}
_fromisoformat = dt.datetime.fromisoformat


def _epoch_us(text: str) -> int | None:
    """Epoch µs of an ISO text with an explicit offset; None sends the record to the full
    path (which applies ``--naive-tz`` or rejects it)."""
    try:
        parsed = _fromisoformat(text)
    except (ValueError, TypeError):
        return None
    if parsed.tzinfo is None:  # fromisoformat's zones are fixed offsets, never None
        return None
    return (parsed - _EPOCH) // _ONE_US


def _extras_ok(etype: EventType, extras: Sequence[Any]) -> bool:
    """Enum and integer checks the model would make (ints already parsed)."""
    if etype is EventType.SENT:
        mode, tz, seg = extras[6], extras[7], extras[5]
        if mode is not None and mode not in _SEND_MODES:
            return False
        if tz is not None and tz not in _TZ_MODES:
            return False
        if seg is not None and seg < 0:
            return False
    elif etype is EventType.PERSONALIZATION_FAILED:
        cat = extras[3]
        if cat is not None and cat not in _CATEGORIES:
            return False
    elif etype is EventType.SKIPPED:
        reason = extras[2]
        if reason is not None and reason not in _SKIP_REASONS:
            return False
    elif etype is EventType.CONTENT_API_ERROR:
        code = extras[9]
        if code is not None and 200 <= code <= 299:
            return False
    return True


def _int_text(text: str) -> int | None:
    stripped = text.strip()
    body = stripped[1:] if stripped.startswith("-") else stripped
    if body.isdigit() and body.isascii():
        return int(stripped)
    return None


def fold_events_file(
    acc: CampaignAccumulator,
    path: Path,
    *,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None = None,
) -> None:
    """Fold ``events.jsonl`` or ``events.csv`` into ``acc``; bad records go to ``on_bad``."""
    if path.suffix.lower() == ".csv":
        _fold_csv(acc, path, naive_zone, on_bad, progress)
    else:
        _fold_jsonl(acc, path, naive_zone, on_bad, progress)


def _full_path(
    acc: CampaignAccumulator,
    data: Any,
    line: int,
    name: str,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    from_text: bool,
) -> None:
    try:
        event = event_from_mapping(data, naive_zone=naive_zone, from_text=from_text)
    except InputError as exc:
        on_bad(exc.located(name, line), line)
        return
    if event.campaign_id is not None and event.campaign_id != acc.campaign.id:
        on_bad(_wrong_campaign(acc, event.campaign_id, name, line), line)
        return
    acc.add(event)


def _wrong_campaign(acc: CampaignAccumulator, got: object, name: str, line: int) -> InputError:
    return InputError(
        field="campaign_id",
        expected=f"this directory's campaign '{acc.campaign.id}'",
        got=got,
        file=name,
        line=line,
    )


def _fold_csv(
    acc: CampaignAccumulator,
    path: Path,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None,
) -> None:
    name = path.name
    campaign_id = acc.campaign.id
    fold_record = acc.fold_record
    cache: dict[str, int] = {}
    cache_get = cache.get
    types_get = _TYPES.get
    with _open_text(path, name) as f:
        reader = csv.reader(f if progress is None else _ByteCounter(f, progress))
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            on_bad(InputError(reason=f"unreadable CSV header: {exc}", file=name, line=1), 1)
            return
        header = [h.strip() for h in header]
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        for h in header:
            if h not in EVENT_COLUMNS:
                raise InputError(
                    reason=f"unknown column '{h}' (allowed: {', '.join(EVENT_COLUMNS)})",
                    file=name,
                    line=1,
                    field=h,
                )
        for required in ("type", "time"):
            if required not in header:
                raise InputError(
                    reason=f"missing column '{required}'", file=name, line=1, field=required
                )
        width = len(header)
        col = {h: i for i, h in enumerate(header)}
        i_type, i_time = col["type"], col["time"]
        pad = width  # every row gets one more, empty cell: the absent columns point at it
        extra_cols = [col.get(k, pad) for k in EXTRA_FIELDS]
        extras_of = itemgetter(*extra_cols)
        ids_of = itemgetter(
            *(col.get(k, pad) for k in ("event_id", "instance_id", "user_id", "campaign_id"))
        )
        plans = {kind: _CsvPlan(kind, extra_cols, pad) for kind in EventType}
        # D-10: the record's key straight from the row (see engine.event_key)
        order = [col.get(k, pad) for k in KEY_FIELDS]
        multi = acc.campaign.multi_instance
        if not multi:
            order[1] = pad  # CH-4: a one-time campaign ignores instance ids
        key_of = itemgetter(*order)
        separators = len(KEY_FIELDS) - 1
        records = 0
        latest = _NEVER
        start = reader.line_num + 1
        try:
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    on_bad(
                        InputError(reason=f"unreadable CSV row: {exc}", file=name, line=start),
                        start,
                    )
                    start = reader.line_num + 1
                    continue
                line = start
                start = reader.line_num + 1
                if len(row) != width:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue
                    on_bad(
                        InputError(
                            reason=f"expected {width} cells, got {len(row)}", file=name, line=line
                        ),
                        line,
                    )
                    continue
                etype = types_get(row[i_type])
                text = row[i_time]
                t = cache_get(text)
                if t is None:
                    t = _epoch_us(text)
                    if t is not None:
                        if len(cache) >= _CACHE_LIMIT:
                            cache.clear()
                        cache[text] = t
                if etype is None or t is None:
                    _full_path(acc, dict(zip(header, row)), line, name, naive_zone, on_bad, True)
                    continue
                row.append("")
                event_id, inst, user, camp = ids_of(row)
                if not user and etype not in _TIMELINE:
                    _full_path(
                        acc, dict(zip(header, row[:width])), line, name, naive_zone, on_bad, True
                    )
                    continue
                cells = extras_of(row)
                if any(cells):
                    extras = plans[etype].extras(row, cells)
                    if extras is None:
                        _full_path(
                            acc,
                            dict(zip(header, row[:width])),
                            line,
                            name,
                            naive_zone,
                            on_bad,
                            True,
                        )
                        continue
                else:
                    extras = _NO_EXTRAS
                if camp and camp != campaign_id:
                    on_bad(_wrong_campaign(acc, camp, name, line), line)
                    continue
                row[i_time] = str(t)
                key = "\x1f".join(key_of(row))
                if "\x00" in key or "\x01" in key or key.count("\x1f") != separators:
                    key = event_key(
                        event_id or None,
                        inst or None if multi else None,
                        user or None,
                        etype._value_,
                        t,
                        extras,
                    )
                event_id = event_id or None
                records += 1
                if t > latest:
                    latest = t
                fold_record(
                    user or None,
                    inst or None if multi else None,
                    etype,
                    t,
                    event_id,
                    extras,
                    record_pair(event_id, key),
                )
        finally:
            acc.count_records(records, latest if records else None)


class _CsvPlan:
    """How a CSV row of one event type turns its extra cells into the engine's values."""

    __slots__ = ("forbidden", "ints", "kind")

    def __init__(self, kind: EventType, extra_cols: list[int], pad: int) -> None:
        self.kind = kind
        allowed = EXTRA_KEYS[kind]
        # the columns this type must leave empty (read in one call; the pad cell is "")
        self.forbidden = itemgetter(
            pad,
            pad,
            *(i for k, i in zip(EXTRA_FIELDS, extra_cols) if i != pad and k not in allowed),
        )
        # (position in EXTRA_FIELDS, column) of the integer fields this type may hold
        self.ints = tuple(
            (j, extra_cols[j])
            for j in _INT_FIELDS
            if extra_cols[j] != pad and EXTRA_FIELDS[j] in allowed
        )

    def extras(self, row: list[str], cells: tuple[str, ...]) -> tuple[Any, ...] | None:
        """The extras of a plainly valid row (integers parsed, written back into ``row``
        in their canonical text for the D-10 key), or None for the full path."""
        if any(self.forbidden(row)):
            return None
        extras: list[Any] = list(map(_ABSENT.get, cells, cells))  # empty cell: absent key
        for j, i in self.ints:
            cell = extras[j]
            if cell is not None:
                if cell.isdigit() and cell.isascii() and (cell[0] != "0" or len(cell) == 1):
                    extras[j] = int(cell)  # already canonical text
                else:
                    number = _int_text(cell)
                    if number is None:
                        return None
                    extras[j] = number
                    row[i] = str(number)
        values = tuple(extras)
        return values if _extras_ok(self.kind, values) else None


_ID_KEYS = ("event_id", "campaign_id", "instance_id", "user_id")
_KNOWN = frozenset(EVENT_COLUMNS)


def _fold_jsonl(
    acc: CampaignAccumulator,
    path: Path,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None,
) -> None:
    name = path.name
    campaign_id = acc.campaign.id
    fold_record = acc.fold_record
    multi = acc.campaign.multi_instance
    cache: dict[str, int] = {}
    cache_get = cache.get
    records = 0
    latest = _NEVER
    loads = json.loads
    allowed_by_type = {
        t: frozenset(EXTRA_KEYS[t]) | frozenset(_ID_KEYS) | {"type", "time"} for t in EventType
    }
    try:
        with _open_text(path, name) as f:
            for line, text in enumerate(
                f if progress is None else _ByteCounter(f, progress), start=1
            ):
                if not text.strip():
                    continue
                try:
                    data = loads(text)
                except (json.JSONDecodeError, RecursionError) as exc:
                    msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                    col = f" (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
                    on_bad(
                        InputError(
                            reason=f"expected a JSON object: {msg}{col}", file=name, line=line
                        ),
                        line,
                    )
                    continue
                if type(data) is not dict:
                    _full_path(acc, data, line, name, naive_zone, on_bad, False)
                    continue
                type_text = data.get("type")
                etype = _TYPES.get(type_text) if type(type_text) is str else None
                time_text = data.get("time")
                t = None
                if type(time_text) is str:
                    t = cache_get(time_text)
                    if t is None:
                        t = _epoch_us(time_text)
                        if t is not None:
                            if len(cache) >= _CACHE_LIMIT:
                                cache.clear()
                            cache[time_text] = t
                if etype is None or t is None or not allowed_by_type[etype].issuperset(data):
                    _full_path(acc, data, line, name, naive_zone, on_bad, False)
                    continue
                user = data.get("user_id")
                event_id = data.get("event_id")
                inst = data.get("instance_id")
                camp = data.get("campaign_id")
                if (
                    (user is None and etype not in _TIMELINE)
                    or not (user is None or (type(user) is str and user))
                    or not (event_id is None or (type(event_id) is str and event_id))
                    or not (inst is None or (type(inst) is str and inst))
                    or not (camp is None or (type(camp) is str and camp))
                ):
                    _full_path(acc, data, line, name, naive_zone, on_bad, False)
                    continue
                extras: list[Any] = [None] * 10
                ok = True
                if len(data) > 2:
                    for j, key in enumerate(EXTRA_FIELDS):
                        value = data.get(key)
                        if value is None:
                            continue
                        if j in _INT_FIELDS:
                            if type(value) is not int:
                                ok = False
                                break
                        elif type(value) is not str:
                            ok = False
                            break
                        extras[j] = value
                if not ok or not _extras_ok(etype, extras):
                    _full_path(acc, data, line, name, naive_zone, on_bad, False)
                    continue
                if camp is not None and camp != campaign_id:
                    on_bad(_wrong_campaign(acc, camp, name, line), line)
                    continue
                values = tuple(extras)
                if not multi:
                    inst = None  # CH-4: a one-time campaign ignores instance ids
                records += 1
                if t > latest:
                    latest = t
                fold_record(
                    user,
                    inst,
                    etype,
                    t,
                    event_id,
                    values,
                    record_pair(
                        event_id, event_key(event_id, inst, user, etype._value_, t, values)
                    ),
                )
    finally:
        acc.count_records(records, latest if records else None)

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
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..engine import EXTRA_FIELDS, KEY_FIELDS, CampaignAccumulator, event_key, record_pair
from ..errors import InputError
from ..model import EXTRA_KEYS, EventType, PersonalizationCategory, SendMode, SkipReason, TzMode
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
_CACHE_LIMIT = 1 << 17


class _TimeCache:
    """ISO text → epoch µs for texts with an explicit offset (logs repeat their seconds)."""

    __slots__ = ("cache",)

    def __init__(self) -> None:
        self.cache: dict[str, int] = {}

    def us(self, text: str) -> int | None:
        value = self.cache.get(text)
        if value is not None:
            return value
        try:
            parsed = dt.datetime.fromisoformat(text)
        except (ValueError, TypeError):
            return None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            return None  # the full path applies --naive-tz or rejects it
        value = (parsed - _EPOCH) // _ONE_US
        if len(self.cache) >= _CACHE_LIMIT:
            self.cache.clear()
        self.cache[text] = value
        return value


def _extras_ok(etype: EventType, extras: list[Any]) -> bool:
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
    fold = acc.fold
    times = _TimeCache()
    with _open_text(path, name) as f:
        reader = csv.reader(_ByteCounter(f, progress))
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
        i_user, i_event = col.get("user_id"), col.get("event_id")
        i_inst, i_camp = col.get("instance_id"), col.get("campaign_id")
        extra_cols = [col.get(k) for k in EXTRA_FIELDS]
        # per type: the columns that must be empty, the extras to read
        forbidden: dict[EventType, tuple[int, ...]] = {}
        for kind in EventType:
            allowed = EXTRA_KEYS[kind]
            forbidden[kind] = tuple(
                i for k, i in zip(EXTRA_FIELDS, extra_cols) if i is not None and k not in allowed
            )
        present = [(j, i) for j, i in enumerate(extra_cols) if i is not None]
        # D-10: the record's key straight from the row (see engine.event_key)
        pad = width
        order = [col.get(k, pad) for k in KEY_FIELDS]
        if not acc.campaign.multi_instance:
            order[1] = pad  # CH-4: a one-time campaign ignores instance ids
        key_of = itemgetter(*order)
        int_cols = [(j, i) for j, i in present if j in _INT_FIELDS]
        separators = len(KEY_FIELDS) - 1
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                on_bad(
                    InputError(reason=f"unreadable CSV row: {exc}", file=name, line=start), start
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
            etype = _TYPES.get(row[i_type])
            t = times.us(row[i_time])
            if etype is None or t is None:
                _full_path(acc, dict(zip(header, row)), line, name, naive_zone, on_bad, True)
                continue
            user = row[i_user] if i_user is not None else ""
            if (not user and etype not in _TIMELINE) or any(row[i] for i in forbidden[etype]):
                _full_path(acc, dict(zip(header, row)), line, name, naive_zone, on_bad, True)
                continue
            extras: list[Any] = [None] * 10
            ok = True
            for j, i in present:
                cell = row[i]
                if cell:
                    if j in _INT_FIELDS:
                        number = _int_text(cell)
                        if number is None:
                            ok = False
                            break
                        extras[j] = number
                    else:
                        extras[j] = cell
            if not ok or not _extras_ok(etype, extras):
                _full_path(acc, dict(zip(header, row)), line, name, naive_zone, on_bad, True)
                continue
            camp = row[i_camp] if i_camp is not None else ""
            if camp and camp != campaign_id:
                on_bad(_wrong_campaign(acc, camp, name, line), line)
                continue
            inst = (row[i_inst] or None) if i_inst is not None else None
            event_id = (row[i_event] or None) if i_event is not None else None
            extras_t = tuple(extras)
            row.append("")
            row[i_time] = str(t)
            for j, i in int_cols:
                if extras[j] is not None:
                    row[i] = str(extras[j])
            key = "\x1f".join(key_of(row))
            if "\x00" in key or "\x01" in key or key.count("\x1f") != separators:
                key = event_key(
                    event_id,
                    inst if acc.campaign.multi_instance else None,
                    user or None,
                    etype._value_,
                    t,
                    extras_t,
                )
            fold(user or None, inst, etype, t, event_id, extras_t, record_pair(event_id, key))


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
    fold = acc.fold
    times = _TimeCache()
    loads = json.loads
    allowed_by_type = {
        t: frozenset(EXTRA_KEYS[t]) | frozenset(_ID_KEYS) | {"type", "time"} for t in EventType
    }
    with _open_text(path, name) as f:
        for line, text in enumerate(_ByteCounter(f, progress), start=1):
            if not text.strip():
                continue
            try:
                data = loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                col = f" (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
                on_bad(
                    InputError(reason=f"expected a JSON object: {msg}{col}", file=name, line=line),
                    line,
                )
                continue
            if type(data) is not dict:
                _full_path(acc, data, line, name, naive_zone, on_bad, False)
                continue
            type_text = data.get("type")
            etype = _TYPES.get(type_text) if type(type_text) is str else None
            time_text = data.get("time")
            t = times.us(time_text) if type(time_text) is str else None
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
            fold(user, inst, etype, t, event_id, tuple(extras))

"""The hot path: events files folded straight into the engine, without an object per event.

Creating one frozen, validated :class:`~campaign_metrics.MessageEvent` per record costs
more than the whole fold, so the readers here check each record with cheap tests and
hand its plain values to :meth:`CampaignAccumulator.fold_record` (``events.csv`` in
batches of lines, column by column: :mod:`._csvfold`). Any record that is not plainly
valid goes through the full path (:func:`event_from_mapping`), which either builds the
event or raises the located :class:`InputError`: both paths accept exactly the same
records and fold exactly the same values (a property test holds them equal).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..engine import CampaignAccumulator, event_key, record_pair
from ..errors import InputError
from ..model import EXTRA_FIELDS, EXTRA_KEYS, EventType
from ._csvfold import epoch_us, extras_ok, fold_csv
from ._events import EVENT_COLUMNS, event_from_mapping
from .readers import ProgressFn, _ByteCounter, _open_text

__all__ = ["fold_events_file"]

BadFn = Callable[[InputError, int], None]

_TYPES = {t.value: t for t in EventType}
_TIMELINE = frozenset(t for t in EventType if t.is_timeline)
_INT_FIELDS = (0, 5, 9)  # response_code, segments, status_code within EXTRA_FIELDS
_CACHE_LIMIT = 1 << 17  # ISO text → epoch µs (logs often repeat their seconds)
_NEVER = -(1 << 62)


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
        fold_csv(acc, path, naive_zone, on_bad, progress)
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
                        t = epoch_us(time_text)
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
                if not ok or not extras_ok(etype, extras):
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

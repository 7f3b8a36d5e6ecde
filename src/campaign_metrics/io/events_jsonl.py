"""The hot path of ``events.jsonl``: batches of lines parsed at once, folded by columns.

A batch of lines is parsed as one JSON array (one C-level call), its objects turned into
the text columns of :class:`~campaign_metrics.io.columns.ColumnFolder` — an absent key
or ``null`` is an empty text, an integer its decimal text — and every value that is not
plainly valid there (a wrong JSON type, an empty text, a key the type does not have)
sends its record to :meth:`JsonlFolder.fold_object`, the record-at-a-time path, which
sends anything not plainly valid to the full path
(:func:`~campaign_metrics.model.event_from_mapping`). A batch that is not one
object per line (a blank line, a line that is not JSON) goes line by line. Every path
accepts and rejects the same records with the same located reasons and folds the same
values (property tests hold them equal).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..identity import event_key
from ..model import EVENT_COLUMNS, EXTRA_FIELDS, EXTRA_KEYS, EventType
from .columns import (
    INT_FIELDS,
    NONE_TEXT,
    TIMELINE,
    TYPES,
    FileFolder,
    epoch_us,
    extras_ok,
)
from .readers import ProgressFn, _jsonl_record, _open_text
from .sinks import EventSink
from .spans import Span, open_span

__all__ = ["JsonlFolder", "fold_jsonl"]

BadFn = Callable[[InputError, int], None]

#: Characters read per batch (about 6 000 lines of a typical log).
BATCH_CHARS = 1 << 20

_ID_KEYS = ("event_id", "campaign_id", "instance_id", "user_id")
_INT_KEYS = frozenset(EXTRA_FIELDS[j] for j in INT_FIELDS)
#: The keys a record of each type may have.
_ALLOWED = {
    t.value: frozenset(EXTRA_KEYS[t]) | frozenset(_ID_KEYS) | {"type", "time"} for t in EventType
}
_EVERY_KEY = frozenset(EVENT_COLUMNS)
_TEXT_KINDS = frozenset({str, type(None)})
_INT_KINDS = frozenset({int, type(None)})
_loads = json.loads
_get = dict.get


class JsonlFolder(FileFolder):
    """Folds the records of one ``events.jsonl`` into an accumulator."""

    def fold_line(self, text: str, line: int) -> None:
        """Parse and fold one line (record-at-a-time path)."""
        if not text.strip():
            return  # a blank line holds no record
        data = _jsonl_record(text, line, self.name, _as_is, None)
        if isinstance(data, InputError):
            self.on_bad(data, line)
        else:
            self.fold_object(data, line)

    def fold_object(self, data: Any, line: int) -> None:
        """Fold one parsed line (record-at-a-time path)."""
        if type(data) is not dict:
            self.full_path(data, line)
            return
        type_text = data.get("type")
        etype = TYPES.get(type_text) if type(type_text) is str else None
        time_text = data.get("time")
        t = epoch_us(time_text) if type(time_text) is str else None
        if etype is None or t is None or not _ALLOWED[etype.value].issuperset(data):
            self.full_path(data, line)
            return
        user = data.get("user_id")
        event_id = data.get("event_id")
        inst = data.get("instance_id")
        camp = data.get("campaign_id")
        if (
            (user is None and etype not in TIMELINE)
            or not (user is None or (type(user) is str and user))
            or not (event_id is None or (type(event_id) is str and event_id))
            or not (inst is None or (type(inst) is str and inst))
            or not (camp is None or (type(camp) is str and camp))
        ):
            self.full_path(data, line)
            return
        extras: list[Any] = [None] * len(EXTRA_FIELDS)
        if len(data) > 2:
            for j, key in enumerate(EXTRA_FIELDS):
                value = data.get(key)
                if value is None:
                    continue
                if type(value) is not (int if j in INT_FIELDS else str):
                    self.full_path(data, line)
                    return
                extras[j] = value
        if not extras_ok(etype, extras):
            self.full_path(data, line)
            return
        if camp is not None and camp != self.campaign_id:
            self.on_bad(self.wrong_campaign(camp, line), line)
            return
        values = tuple(extras)
        if not self.multi:
            inst = None  # CH-4: a one-time campaign ignores instance ids
        self.fold_one(
            user,
            inst,
            etype,
            t,
            event_id,
            values,
            event_key(event_id, inst, user, etype.value, t, values),
        )

    # ------------------------------------------------------------------ a batch

    def fold_batch(self, lines: list[str], first_line: int) -> None:
        """Fold a batch of whole lines (``first_line`` is the file line of the first)."""
        try:
            objects = _loads("[" + ",".join(lines) + "]")
        except (json.JSONDecodeError, RecursionError):
            objects = None
        if objects is None or len(objects) != len(lines) or set(map(type, objects)) != {dict}:
            for i, text in enumerate(lines):  # a blank line, a line that is not one object
                self.fold_line(text, first_line + i)
            return
        n = len(objects)
        slow: set[int] = set()
        cols = {
            key: _texts(key, list(map(_get, objects, repeat(key))), slow) for key in EVENT_COLUMNS
        }
        # the keys each record's type may have
        allowed = map(_ALLOWED.get, cols["type"], repeat(_EVERY_KEY))
        fits = list(map(frozenset.issuperset, allowed, objects))
        if False in fits:
            slow.update(i for i, ok in enumerate(fits) if not ok)

        def one(i: int) -> None:
            self.fold_object(objects[i], first_line + i)

        self.fold_columns(cols, n, slow, one)


def _as_is(data: Any) -> Any:
    return data


def _texts(key: str, values: list[Any], slow: set[int]) -> Sequence[str]:
    """A JSON field of every record as a text column: null or absent → ``""``, an integer
    field's ints in decimal; a record with any other value goes to ``slow``."""
    kinds = set(map(type, values))
    if key in _INT_KEYS:
        if kinds <= _INT_KINDS:
            return ["" if v is None else str(v) for v in values]
    elif kinds <= _TEXT_KINDS and "" not in values:
        return list(map(NONE_TEXT.get, values, values))
    out: list[str] = []
    integer = key in _INT_KEYS
    for i, v in enumerate(values):
        if v is None:
            out.append("")
        elif type(v) is (int if integer else str) and v != "":
            out.append(str(v))
        else:
            slow.add(i)  # a wrong JSON type, or an empty text (not an absent key)
            out.append("")
    return out


def fold_jsonl(
    acc: EventSink,
    path: Path,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None,
    span: Span | None = None,
) -> None:
    """Fold ``events.jsonl`` (or one ``span`` of it) into ``acc``; bad records go to
    ``on_bad``."""
    name = path.name
    folder = JsonlFolder(acc, name, naive_zone, on_bad)
    line = 1 if span is None else span.first_line
    done = 0
    try:
        with _open_text(path, name) if span is None else open_span(path, span) as f:
            while True:
                lines = f.readlines(BATCH_CHARS)
                if not lines:
                    break
                if progress is not None:
                    done += sum(map(len, lines))
                    progress(done, line + len(lines) - 1)
                folder.fold_batch(lines, line)
                line += len(lines)
    finally:
        acc.count_records(folder.records, folder.latest if folder.records else None)

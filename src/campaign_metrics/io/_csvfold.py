"""The hot path of ``events.csv``: batches of lines folded column by column.

A batch of lines is parsed by :mod:`csv` at once, transposed into columns, and its
times, keys and D-10 pairs are computed with ``map`` over whole columns, so the
interpreter runs a few steps per record instead of a few dozen. A record the batch
cannot take as it is (an unknown type, a bad time, a missing user, a bad extra field,
another campaign's id, a control character) goes through :meth:`CsvFolder.fold_row`, the
record-at-a-time path, which sends anything not plainly valid to the full path
(:func:`~campaign_metrics.io._events.event_from_mapping`): every path accepts and
rejects exactly the same records with the same located reasons, and folds the same
values (property tests hold them equal).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, repeat
from operator import add, attrgetter, floordiv, itemgetter, methodcaller, sub
from pathlib import Path
from typing import Any

from .._state import NO_ID
from ..engine import HASH8 as _hash8
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
from ._events import EVENT_COLUMNS, event_from_mapping
from .readers import ProgressFn, _open_text

__all__ = ["CsvFolder", "epoch_us", "extras_ok", "fold_csv", "int_text"]

BadFn = Callable[[InputError, int], None]

#: Characters read per batch (about 10 000 lines of a typical log).
BATCH_CHARS = 1 << 20

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_ONE_US = dt.timedelta(microseconds=1)
_TYPES = {t.value: t for t in EventType}
_TIMELINE = frozenset(t for t in EventType if t.is_timeline)
_CATEGORIES = frozenset(c.value for c in PersonalizationCategory)
_SEND_MODES = frozenset(m.value for m in SendMode)
_TZ_MODES = frozenset(m.value for m in TzMode)
_SKIP_REASONS = frozenset(r.value for r in SkipReason)
_INT_FIELDS = (0, 5, 9)  # response_code, segments, status_code within EXTRA_FIELDS
_NO_EXTRAS: tuple[Any, ...] = (None,) * len(EXTRA_FIELDS)
_ABSENT: dict[str, None] = {"": None}  # an empty cell is an absent key
_SEP = "\x1f"
_NEVER = -(1 << 62)
_EXTRAS_CACHE_LIMIT = 1 << 16
_PENDING_LIMIT = 1 << 24  # characters held while a quoted cell goes on
_fromisoformat = dt.datetime.fromisoformat
_tzinfo = attrgetter("tzinfo")
_digest = methodcaller("digest")
_encode = str.encode


def epoch_us(text: str) -> int | None:
    """Epoch µs of an ISO text with an explicit offset; None sends the record to the full
    path (which applies ``--naive-tz`` or rejects it)."""
    try:
        parsed = _fromisoformat(text)
    except (ValueError, TypeError):
        return None
    if parsed.tzinfo is None:  # fromisoformat's zones are fixed offsets, never None
        return None
    return (parsed - _EPOCH) // _ONE_US


def extras_ok(etype: EventType, extras: Sequence[Any]) -> bool:
    """The enum and integer checks the model makes (integers already parsed)."""
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


def int_text(text: str) -> int | None:
    """An integer written as text (surrounding blanks and a minus sign allowed)."""
    stripped = text.strip()
    body = stripped[1:] if stripped.startswith("-") else stripped
    if body.isdigit() and body.isascii():
        return int(stripped)
    return None


class _CsvPlan:
    """How the extra cells of one event type become the engine's values."""

    __slots__ = ("forbidden", "ints", "kind")

    def __init__(self, kind: EventType) -> None:
        self.kind = kind
        allowed = EXTRA_KEYS[kind]
        # the extra fields this type must leave empty (at least six for every type)
        self.forbidden = itemgetter(*(j for j, k in enumerate(EXTRA_FIELDS) if k not in allowed))
        self.ints = tuple(j for j in _INT_FIELDS if EXTRA_FIELDS[j] in allowed)

    def extras(self, cells: tuple[str, ...]) -> tuple[tuple[Any, ...], bool] | None:
        """(the values, whether every integer cell was already in its canonical text) of
        plainly valid cells, or None for the full path."""
        if any(self.forbidden(cells)):
            return None
        values: list[Any] = list(map(_ABSENT.get, cells, cells))
        canonical = True
        for j in self.ints:
            cell = values[j]
            if cell is not None:
                if cell.isdigit() and cell.isascii() and (cell[0] != "0" or len(cell) == 1):
                    values[j] = int(cell)
                else:
                    number = int_text(cell)
                    if number is None:
                        return None
                    values[j] = number
                    canonical = False
        out = tuple(values)
        return (out, canonical) if extras_ok(self.kind, out) else None


class CsvFolder:
    """Folds the records of one ``events.csv`` (after its header) into an accumulator."""

    def __init__(
        self,
        acc: CampaignAccumulator,
        header: list[str],
        name: str,
        naive_zone: dt.tzinfo | None,
        on_bad: BadFn,
    ) -> None:
        self.acc = acc
        self.header = header
        self.name = name
        self.naive_zone = naive_zone
        self.on_bad = on_bad
        self.campaign_id = acc.campaign.id
        self.multi = acc.campaign.multi_instance
        self.records = 0  # records folded here (the full path counts its own)
        self.latest = _NEVER
        width = self.width = len(header)
        col = {h: i for i, h in enumerate(header)}
        self.col = col
        self.i_type, self.i_time = col["type"], col["time"]
        pad = width  # a row gets one more, empty cell: the absent columns point at it
        self.extra_cols = [col.get(k, pad) for k in EXTRA_FIELDS]
        self.extras_of = itemgetter(*self.extra_cols)
        self.ids_of = itemgetter(
            *(col.get(k, pad) for k in ("event_id", "instance_id", "user_id", "campaign_id"))
        )
        self.plans = {kind: _CsvPlan(kind) for kind in EventType}
        self.extras_cache: dict[tuple[EventType | None, tuple[str, ...]], Any] = {}
        # D-10: the record's key straight from the row (see engine.event_key)
        order = [col.get(k, pad) for k in KEY_FIELDS]
        if not self.multi:
            order[1] = pad  # CH-4: a one-time campaign ignores instance ids
        self.key_order = order
        self.key_of = itemgetter(*order)

    # ------------------------------------------------------------------ one record

    def full_path(self, row: list[str], line: int) -> None:
        """Build the event the slow way: it is folded or its located error reported."""
        try:
            event = event_from_mapping(
                dict(zip(self.header, row)), naive_zone=self.naive_zone, from_text=True
            )
        except InputError as exc:
            self.on_bad(exc.located(self.name, line), line)
            return
        if event.campaign_id is not None and event.campaign_id != self.campaign_id:
            self.on_bad(self.wrong_campaign(event.campaign_id, line), line)
            return
        self.acc.add(event)

    def wrong_campaign(self, got: object, line: int) -> InputError:
        return InputError(
            field="campaign_id",
            expected=f"this directory's campaign '{self.campaign_id}'",
            got=got,
            file=self.name,
            line=line,
        )

    def fold_row(self, row: list[str], line: int) -> None:
        """Fold one parsed row (record-at-a-time path)."""
        width = self.width
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                return  # a blank line
            self.on_bad(
                InputError(
                    reason=f"expected {width} cells, got {len(row)}", file=self.name, line=line
                ),
                line,
            )
            return
        etype = _TYPES.get(row[self.i_type])
        t = epoch_us(row[self.i_time])
        if etype is None or t is None:
            self.full_path(row, line)
            return
        padded = [*row, ""]
        event_id, inst, user, camp = self.ids_of(padded)
        if not user and etype not in _TIMELINE:
            self.full_path(row, line)
            return
        cells = self.extras_of(padded)
        if any(cells):
            checked = self.plans[etype].extras(cells)
            if checked is None:
                self.full_path(row, line)
                return
            extras, canonical = checked
            if not canonical:  # D-10: integers in their canonical text
                for j in _INT_FIELDS:
                    if extras[j] is not None:
                        padded[self.extra_cols[j]] = str(extras[j])
        else:
            extras = _NO_EXTRAS
        if camp and camp != self.campaign_id:
            self.on_bad(self.wrong_campaign(camp, line), line)
            return
        padded[self.i_time] = str(t)
        key = _SEP.join(self.key_of(padded))
        if "\x00" in key or "\x01" in key or key.count(_SEP) != len(KEY_FIELDS) - 1:
            key = event_key(
                event_id or None,
                inst or None if self.multi else None,
                user or None,
                etype._value_,
                t,
                extras,
            )
        self.records += 1
        if t > self.latest:
            self.latest = t
        self.acc.fold_record(
            user or None,
            inst or None if self.multi else None,
            etype,
            t,
            event_id or None,
            extras,
            record_pair(event_id or None, key),
        )

    def fold_rows(self, lines: Iterable[str], first_line: int) -> None:
        """Fold every record of ``lines`` one at a time (``first_line`` is the file line
        of the first of them)."""
        reader = csv.reader(lines)
        base = first_line - 1
        start = first_line
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.on_bad(
                    InputError(reason=f"unreadable CSV row: {exc}", file=self.name, line=start),
                    start,
                )
                start = base + reader.line_num + 1
                continue
            line = start
            start = base + reader.line_num + 1
            self.fold_row(row, line)

    # ------------------------------------------------------------------ a batch

    def fold_batch(self, lines: list[str], rows: list[list[str]], first_line: int) -> None:
        """Fold a batch of whole lines parsed one row per line (``first_line`` is the file
        line of the first)."""
        text = "".join(lines)
        if "\x00" in text or "\x01" in text or _SEP in text or set(map(len, rows)) != {self.width}:
            for i, row in enumerate(rows):  # rare: blank lines, bad widths, separators
                self.fold_row(row, first_line + i)
            return
        self._fold_columns(rows, first_line)

    def _fold_columns(self, rows: list[list[str]], first_line: int) -> None:
        """Fold whole rows of the header's width, column by column."""
        n = len(rows)
        cols: list[Sequence[str]] = list(zip(*rows))
        blank: Sequence[str] = ("",) * n
        col = self.col

        def column(name: str) -> Sequence[str]:
            i = col.get(name)
            return blank if i is None else cols[i]

        types = list(map(_TYPES.get, cols[self.i_type]))
        slow: set[int] = set()  # records the columns cannot take as they are
        try:
            parsed = list(map(_fromisoformat, cols[self.i_time]))
            if None in map(_tzinfo, parsed):
                raise ValueError("a time without an offset")
            times = list(map(floordiv, map(sub, parsed, repeat(_EPOCH)), repeat(_ONE_US)))
        except (ValueError, TypeError):
            found = list(map(epoch_us, cols[self.i_time]))
            slow.update(i for i, t in enumerate(found) if t is None)
            times = [0 if t is None else t for t in found]
        users, events, instances, camps = (
            column("user_id"),
            column("event_id"),
            column("instance_id"),
            column("campaign_id"),
        )
        if None in types:
            slow.update(i for i, kind in enumerate(types) if kind is None)
        if "" in users:
            slow.update(
                i
                for i, (u, kind) in enumerate(zip(users, types))
                if not u and kind not in _TIMELINE
            )
        if not set(camps) <= {"", self.campaign_id}:
            slow.update(i for i, c in enumerate(camps) if c and c != self.campaign_id)
        # the extra cells of a type → their values: logs repeat a few combinations, so
        # a dictionary answers for all the rows at once and the plan runs on new ones only
        lookups = list(zip(types, zip(*(column(k) for k in EXTRA_FIELDS))))
        known = self.extras_cache
        extras: list[Any] = list(map(known.get, lookups))
        if None in extras:
            if len(known) > _EXTRAS_CACHE_LIMIT:
                known.clear()
            for i in [i for i, found in enumerate(extras) if found is None]:
                kind, cells = lookups[i]
                if kind is None:
                    extras[i] = False
                    continue
                checked = self.plans[kind].extras(cells) if any(cells) else (_NO_EXTRAS, True)
                # invalid cells, or integers to write in their canonical text: one at a time
                extras[i] = known[lookups[i]] = (
                    False if checked is None or not checked[1] else checked[0]
                )
        if False in extras:
            slow.update(i for i, found in enumerate(extras) if found is False)
        # D-10: each record's key and (identity, content) pair, column by column
        key_columns: list[Iterable[str]] = []
        for name, i in zip(KEY_FIELDS, self.key_order):
            if name == "time":
                key_columns.append(map(str, times))
            else:
                key_columns.append(blank if i == self.width else cols[i])
        keys = map(_SEP.join, zip(*key_columns))
        contents = map(_digest, map(_hash8, map(_encode, keys)))
        if "" in events:
            identities: Iterable[bytes] = [
                _hash8(e.encode()).digest() if e else NO_ID for e in events
            ]
        else:
            identities = map(_digest, map(_hash8, map(_encode, events)))
        pairs = list(map(add, identities, contents))
        columns: list[Iterable[Any]] = [
            map(_ABSENT.get, users, users),
            map(_ABSENT.get, instances, instances) if self.multi else repeat(None, n),
            types,
            times,
            map(_ABSENT.get, events, events),
            extras,
            pairs,
        ]
        if slow:
            keep = [i not in slow for i in range(n)]
            columns = [compress(c, keep) for c in columns]
            kept_times = list(compress(times, keep))
        else:
            kept_times = times
        deque(map(self.acc.fold_record, *columns), maxlen=0)
        if kept_times:
            self.records += len(kept_times)
            self.latest = max(self.latest, max(kept_times))
        for i in sorted(slow):  # record at a time, in line order
            self.fold_row(rows[i], first_line + i)


def fold_csv(
    acc: CampaignAccumulator,
    path: Path,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None,
) -> None:
    """Fold ``events.csv`` into ``acc``; bad records go to ``on_bad``."""
    name = path.name
    with _open_text(path, name) as f:
        header_reader = csv.reader(f)
        try:
            header = next(header_reader)
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
        folder = CsvFolder(acc, header, name, naive_zone, on_bad)
        line = header_reader.line_num + 1  # the file line of the next record
        done = sum(len(h) for h in header)  # about the characters of the header
        pending: list[str] = []  # lines read and not folded yet
        size = 0
        try:
            while True:
                chunk = f.readlines(BATCH_CHARS)
                pending = pending + chunk if pending else chunk
                if not pending:
                    break
                size += sum(map(len, chunk))
                try:
                    rows: list[list[str]] | None = list(csv.reader(pending))
                except csv.Error:
                    rows = None
                if (
                    rows
                    and chunk
                    and rows[-1]
                    and rows[-1][-1].endswith(("\n", "\r"))
                    and size < _PENDING_LIMIT
                ):
                    continue  # the batch may end inside a quoted cell: read on
                if progress is not None:
                    done += size
                    progress(done, line + len(pending) - 1)
                if rows is None or len(rows) != len(pending):
                    # a quoted cell holds a line break: record at a time from here on
                    rest: Iterable[str] = _chain(pending, f)
                    if progress is not None:
                        rest = _counted(rest, progress, done - size, line)
                    folder.fold_rows(rest, line)
                    break
                folder.fold_batch(pending, rows, line)
                line += len(pending)
                pending, size = [], 0
                if not chunk:
                    break
        finally:
            acc.count_records(folder.records, folder.latest if folder.records else None)


def _counted(lines: Iterable[str], progress: ProgressFn, done: int, line: int) -> Iterator[str]:
    """``lines``, reporting progress about every megabyte (the record-at-a-time rest)."""
    step = next_report = 1 << 20
    read = 0
    for text in lines:
        read += len(text)
        line += 1
        if read >= next_report:
            progress(done + read, line)
            next_report = read + step
        yield text
    progress(done + read, line)


def _chain(*parts: Iterable[str]) -> Iterator[str]:
    for part in parts:
        yield from part

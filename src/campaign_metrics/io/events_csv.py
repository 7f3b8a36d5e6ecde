"""The hot path of ``events.csv``: batches of lines folded column by column.

A batch of whole lines is parsed by :mod:`csv` at once and transposed into columns for
:class:`~campaign_metrics.io.columns.ColumnFolder`. A record the columns cannot take
as it is (an unknown type, a bad time, a missing user, a bad extra field, another
campaign's id, a control character) goes through :meth:`CsvFolder.fold_row`, the
record-at-a-time path, which sends anything not plainly valid to the full path
(:func:`~campaign_metrics.model.event_from_mapping`): every path accepts and
rejects exactly the same records with the same located reasons, and folds the same
values (property tests hold them equal). A quoted cell that holds a line break makes
the rest of the file go record at a time, with its true line numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from itertools import chain
from operator import itemgetter
from pathlib import Path

from ..errors import InputError
from ..identity import KEY_FIELDS, event_key
from ..model import EVENT_COLUMNS, EXTRA_FIELDS
from .columns import INT_FIELDS, NO_EXTRAS, SEP, TIMELINE, TYPES, FileFolder, epoch_us
from .readers import ProgressFn, _ByteCounter, _open_text, csv_header, csv_records
from .sinks import EventSink
from .spans import Span, open_span

__all__ = ["CsvFolder", "fold_csv"]

BadFn = Callable[[InputError, int], None]

#: Characters read per batch (about 10 000 lines of a typical log).
BATCH_CHARS = 1 << 20
_PENDING_LIMIT = 1 << 24  # characters held while a quoted cell goes on


class CsvFolder(FileFolder):
    """Folds the records of one ``events.csv`` (after its header) into an accumulator."""

    FROM_TEXT = True

    def __init__(
        self,
        acc: EventSink,
        header: list[str],
        name: str,
        naive_zone: dt.tzinfo | None,
        on_bad: BadFn,
    ) -> None:
        super().__init__(acc, name, naive_zone, on_bad)
        self.header = header
        width = self.width = len(header)
        col = {h: i for i, h in enumerate(header)}
        self.col = col
        self.i_type, self.i_time = col["type"], col["time"]
        pad = width  # a row gets one more, empty cell: the absent columns point at it
        self.extra_cols = [col.get(k, pad) for k in EXTRA_FIELDS]
        # columns no type lists: a row with a cell there goes the full path (FORMATS.md)
        self.unlisted_cols = [i for i, h in enumerate(header) if h not in EVENT_COLUMNS]
        self.extras_of = itemgetter(*self.extra_cols)
        self.ids_of = itemgetter(
            *(col.get(k, pad) for k in ("event_id", "instance_id", "user_id", "campaign_id"))
        )
        # D-10: the record's key straight from the row (see engine.event_key)
        order = [col.get(k, pad) for k in KEY_FIELDS]
        if not self.multi:
            order[1] = pad  # CH-4: a one-time campaign ignores instance ids
        self.key_of = itemgetter(*order)

    # ------------------------------------------------------------------ one record

    def full_row(self, row: list[str], line: int) -> None:
        """The full path for a row."""
        self.full_path(dict(zip(self.header, row)), line)

    def fold_row(self, row: list[str], line: int) -> None:
        """Fold one parsed row of the header's width (record-at-a-time path)."""
        etype = TYPES.get(row[self.i_type])
        t = epoch_us(row[self.i_time])
        if etype is None or t is None or any(row[i] for i in self.unlisted_cols):
            self.full_row(row, line)
            return
        padded = [*row, ""]
        event_id, inst, user, camp = self.ids_of(padded)
        if not user and etype not in TIMELINE:
            self.full_row(row, line)
            return
        cells = self.extras_of(padded)
        if any(cells):
            checked = self.plans[etype].extras(cells)
            if checked is None:
                self.full_row(row, line)
                return
            extras, canonical = checked
            if not canonical:  # D-10: integers in their canonical text
                for j in INT_FIELDS:
                    if extras[j] is not None:
                        padded[self.extra_cols[j]] = str(extras[j])
        else:
            extras = NO_EXTRAS
        if camp and camp != self.campaign_id:
            self.on_bad(self.wrong_campaign(camp, line), line)
            return
        padded[self.i_time] = str(t)
        key = SEP.join(self.key_of(padded))
        event = event_id or None
        instance = inst or None if self.multi else None
        if "\x00" in key or "\x01" in key or key.count(SEP) != len(KEY_FIELDS) - 1:
            key = event_key(event, instance, user or None, etype._value_, t, extras)
        self.fold_one(user or None, instance, etype, t, event, extras, key)

    def fold_rows(self, lines: Iterable[str], first_line: int) -> None:
        """Fold every record of ``lines`` one at a time (``first_line`` is the file line
        of the first of them)."""
        records = csv_records(csv.reader(lines), self.name, self.width, first_line - 1)
        for line, row in records:
            if isinstance(row, InputError):
                self.on_bad(row, line)
            else:
                self.fold_row(row, line)

    # ------------------------------------------------------------------ a batch

    def fold_batch(self, lines: list[str], rows: list[list[str]], first_line: int) -> None:
        """Fold a batch of whole lines parsed one row per line (``first_line`` is the file
        line of the first)."""
        text = "".join(lines)
        if "\x00" in text or "\x01" in text or SEP in text or set(map(len, rows)) != {self.width}:
            self.fold_rows(lines, first_line)  # rare: blank lines, bad widths, separators
            return
        cols = dict(zip(self.header, zip(*rows)))
        unlisted = self.unlisted_cols
        slow = (
            {i for i, row in enumerate(rows) if any(row[j] for j in unlisted)}
            if unlisted
            else set()
        )

        def one(i: int) -> None:
            self.fold_row(rows[i], first_line + i)

        self.fold_columns(cols, len(rows), slow, one)


def fold_csv(
    acc: EventSink,
    path: Path,
    naive_zone: dt.tzinfo | None,
    on_bad: BadFn,
    progress: ProgressFn | None,
    span: Span | None = None,
) -> None:
    """Fold ``events.csv`` (or one ``span`` of it) into ``acc``; bad records go to
    ``on_bad``."""
    name = path.name
    with ExitStack() as files:
        f = files.enter_context(_open_text(path, name) if span is None else open_span(path, span))
        if span is not None and span.start > 0:
            head = files.enter_context(_open_text(path, name))  # the header is line 1
            header_reader = csv.reader(head)
        else:
            header_reader = csv.reader(f)
        header = csv_header(header_reader, name, EVENT_COLUMNS, ("type", "time"), open_columns=True)
        if header is None:
            return
        if isinstance(header, InputError):
            if span is None or span.start == 0:
                on_bad(header, 1)
            return
        folder = CsvFolder(acc, header, name, naive_zone, on_bad)
        line = header_reader.line_num + 1  # the file line of the next record
        if span is not None and span.start > 0:
            line = span.first_line
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
                    rest: Iterable[str] = chain(pending, f)
                    if progress is not None:
                        rest = _ByteCounter(rest, _after(progress, done - size, line - 1))
                    folder.fold_rows(rest, line)
                    break
                folder.fold_batch(pending, rows, line)
                line += len(pending)
                pending, size = [], 0
                if not chunk:
                    break
        finally:
            acc.count_records(folder.records, folder.latest if folder.records else None)


def _after(progress: ProgressFn, done: int, lines: int) -> ProgressFn:
    """``progress`` for a reader that starts after ``done`` characters and ``lines`` lines."""

    def report(read: int, more: int) -> None:
        progress(done + read, lines + more)

    return report

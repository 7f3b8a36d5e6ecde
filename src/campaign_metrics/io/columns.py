"""The column-wise fold shared by the events readers: a batch of records as text columns.

Each reader turns a batch of records into one text column per field of ``events.csv``
(an empty text: absent) and the records it found not plainly valid; here the times,
the extra fields, the D-10 keys and pairs are computed with ``map`` over whole columns,
so the interpreter runs a few steps per record instead of a few dozen, and every plain
record is handed to :meth:`CampaignAccumulator.fold_record`. The records the columns
cannot take as they are go back to the reader's record-at-a-time path, in line order.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import compress, repeat
from operator import add, attrgetter, floordiv, itemgetter, methodcaller, sub
from typing import Any

from ..errors import InputError
from ..identity import HASH8 as _hash8
from ..identity import KEY_FIELDS, NO_ID, record_pair
from ..limits import in_time_range
from ..model import (
    EXTRA_FIELDS,
    EXTRA_KEYS,
    EventType,
    PersonalizationCategory,
    SendMode,
    SkipReason,
    TzMode,
    event_from_mapping,
)
from .sinks import EventSink

__all__ = ["ColumnFolder", "FileFolder", "epoch_us", "extras_ok", "int_text"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_ONE_US = dt.timedelta(microseconds=1)
TYPES = {t.value: t for t in EventType}
TIMELINE = frozenset(t for t in EventType if t.is_timeline)
_CATEGORIES = frozenset(c.value for c in PersonalizationCategory)
_SEND_MODES = frozenset(m.value for m in SendMode)
_TZ_MODES = frozenset(m.value for m in TzMode)
_SKIP_REASONS = frozenset(r.value for r in SkipReason)
INT_FIELDS = (0, 5, 9)  # response_code, segments, status_code within EXTRA_FIELDS
NO_EXTRAS: tuple[Any, ...] = (None,) * len(EXTRA_FIELDS)
ABSENT: dict[str, None] = {"": None}  # an empty text is an absent key
SEP = "\x1f"
NEVER = -(1 << 62)
_EXTRAS_CACHE_LIMIT = 1 << 16
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
    try:
        t = (parsed - _EPOCH) // _ONE_US
    except OverflowError:
        return None
    return t if in_time_range(t) else None


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


class TextPlan:
    """How the extra cells of one event type become the engine's values."""

    __slots__ = ("forbidden", "ints", "kind")

    def __init__(self, kind: EventType) -> None:
        self.kind = kind
        allowed = EXTRA_KEYS[kind]
        # the extra fields this type must leave empty (at least six for every type)
        self.forbidden = itemgetter(*(j for j, k in enumerate(EXTRA_FIELDS) if k not in allowed))
        self.ints = tuple(j for j in INT_FIELDS if EXTRA_FIELDS[j] in allowed)

    def extras(self, cells: tuple[str, ...]) -> tuple[tuple[Any, ...], bool] | None:
        """(the values, whether every integer cell was already in its canonical text) of
        plainly valid cells, or None for the full path."""
        if any(self.forbidden(cells)):
            return None
        values: list[Any] = list(map(ABSENT.get, cells, cells))
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


class ColumnFolder:
    """Folds batches of records given as text columns into one accumulator."""

    def __init__(self, acc: EventSink) -> None:
        self.acc = acc
        self.campaign_id = acc.campaign.id
        self.multi = acc.campaign.multi_instance
        self.records = 0  # records folded here (the full path counts its own)
        self.latest = NEVER
        self.plans = {kind: TextPlan(kind) for kind in EventType}
        self.extras_cache: dict[tuple[EventType | None, tuple[str, ...]], Any] = {}
        # D-10: the fields of a record's key; a one-time campaign ignores instance ids
        self.key_fields = tuple(
            "" if name == "instance_id" and not self.multi else name for name in KEY_FIELDS
        )

    def fold_columns(
        self,
        cols: Mapping[str, Sequence[str]],
        n: int,
        slow: set[int],
        on_slow: Callable[[int], None],
        instants: Sequence[dt.datetime] | None = None,
    ) -> None:
        """Fold ``n`` records given as text columns (a missing column: all absent);
        the records in ``slow``, and any the columns find not plainly valid, go to
        ``on_slow(i)`` in order. ``instants``: the times as aware datetimes already
        (then the ``time`` column is not read)."""
        blank: Sequence[str] = ("",) * n

        def column(name: str) -> Sequence[str]:
            return cols.get(name, blank)

        types = list(map(TYPES.get, column("type")))
        try:
            parsed = instants if instants is not None else list(map(_fromisoformat, column("time")))
            if None in map(_tzinfo, parsed):
                raise ValueError("a time without an offset")
            times = list(map(floordiv, map(sub, parsed, repeat(_EPOCH)), repeat(_ONE_US)))
        except (ValueError, TypeError):
            found = list(map(epoch_us, column("time")))
            slow.update(i for i, t in enumerate(found) if t is None)
            times = [0 if t is None else t for t in found]
        if times and not (in_time_range(min(times)) and in_time_range(max(times))):
            # outside the accepted range (limits.py): the full path says so
            slow.update(i for i, t in enumerate(times) if not in_time_range(t))
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
                i for i, (u, kind) in enumerate(zip(users, types)) if not u and kind not in TIMELINE
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
                checked = self.plans[kind].extras(cells) if any(cells) else (NO_EXTRAS, True)
                # invalid cells, or integers to write in their canonical text: one at a time
                extras[i] = known[lookups[i]] = (
                    False if checked is None or not checked[1] else checked[0]
                )
        if False in extras:
            slow.update(i for i, found in enumerate(extras) if found is False)
        # D-10: each record's key and (identity, content) pair, column by column
        key_columns: list[Iterable[str]] = [
            map(str, times) if name == "time" else column(name) for name in self.key_fields
        ]
        keys = list(map(SEP.join, zip(*key_columns)))
        # a cell holding a separator or an escape character: its key is written the
        # record-at-a-time way (engine.event_key escapes it)
        every = "\n".join(keys)
        if "\x00" in every or "\x01" in every or every.count(SEP) != n * (len(KEY_FIELDS) - 1):
            slow.update(
                i
                for i, key in enumerate(keys)
                if "\x00" in key or "\x01" in key or key.count(SEP) != len(KEY_FIELDS) - 1
            )
        contents = map(_digest, map(_hash8, map(_encode, keys)))
        if "" in events:
            identities: Iterable[bytes] = [
                _hash8(e.encode()).digest() if e else NO_ID for e in events
            ]
        else:
            identities = map(_digest, map(_hash8, map(_encode, events)))
        pairs = list(map(add, identities, contents))
        columns: list[Iterable[Any]] = [
            map(ABSENT.get, users, users),
            map(ABSENT.get, instances, instances) if self.multi else repeat(None, n),
            types,
            times,
            map(ABSENT.get, events, events),
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
            on_slow(i)


class FileFolder(ColumnFolder):
    """A :class:`ColumnFolder` for one events file: what its record-at-a-time paths share."""

    #: Whether the file's values are texts (CSV) rather than JSON values.
    FROM_TEXT = False

    def __init__(
        self,
        acc: EventSink,
        name: str,
        naive_zone: dt.tzinfo | None,
        on_bad: Callable[[InputError, int], None],
    ) -> None:
        super().__init__(acc)
        self.name = name
        self.naive_zone = naive_zone
        self.on_bad = on_bad

    def full_path(self, data: Any, line: int) -> None:
        """Build the event the slow way: it is folded or its located error reported."""
        try:
            event = event_from_mapping(data, naive_zone=self.naive_zone, from_text=self.FROM_TEXT)
        except InputError as exc:
            self.on_bad(exc.located(self.name, line), line)
            return
        if event.campaign_id is not None and event.campaign_id != self.campaign_id:
            self.on_bad(self.wrong_campaign(event.campaign_id, line), line)
            return
        self.acc.add(event)

    def wrong_campaign(self, got: object, line: int) -> InputError:
        """The located error of a record of another campaign."""
        return InputError(
            field="campaign_id",
            expected=f"this directory's campaign '{self.campaign_id}'",
            got=got,
            file=self.name,
            line=line,
        )

    def fold_one(
        self,
        user: str | None,
        inst: str | None,
        etype: EventType,
        t: int,
        event_id: str | None,
        extras: tuple[Any, ...],
        key: str,
    ) -> None:
        """Fold one plainly valid record whose D-10 key is ``key`` (counted here)."""
        self.records += 1
        if t > self.latest:
            self.latest = t
        self.acc.fold_record(
            user,
            inst if self.multi else None,
            etype,
            t,
            event_id,
            extras,
            record_pair(event_id, key),
        )


NONE_TEXT: dict[Any, str] = {None: ""}  # an absent value is an empty text

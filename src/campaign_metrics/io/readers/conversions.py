"""The conversions files, folded straight into the run's pool (D-10, A-6)."""

from __future__ import annotations

import datetime as dt
import json
import json.scanner
from collections.abc import Callable, Container
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ...canonical import conversion_text, json_key, plain_decimal
from ...errors import InputError
from ...limits import in_time_range
from ...model import (
    CONVERSION_KEYS,
    ConversionEvent,
    FrozenMapping,
    conversion_from_mapping,
)
from ...timezones import to_us
from ..sinks import ConversionSink
from .files import PathLike, _built, _jsonl_record, _open_text

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
            if not in_time_range(t):
                full(data, line_no)  # outside the accepted range (limits.py)
                continue
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
